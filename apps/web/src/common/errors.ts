import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';

/** A sentence for the user from any thrown value, in the current language. */
export function describeError(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    switch (error.status) {
      case 0:
        return t('errors.network');
      case 401:
        return t('errors.sessionExpired');
      case 403:
        return t('errors.forbidden', { detail: error.message });
      case 404:
        return t('errors.notFound');
      case 409:
        return t('errors.conflict', { detail: error.message });
      default:
        return t('errors.generic', { detail: error.message });
    }
  }
  return t('errors.generic', { detail: error instanceof Error ? error.message : String(error) });
}

/** "identifiers[0].value" → ['identifiers', 0, 'value'], the name path antd forms use. */
export function toNamePath(expression: string): (string | number)[] {
  return expression
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * Puts the server's per-field messages under the matching form fields. Returns the messages that matched no
 * field on this form, so the caller can show them in a banner instead of losing them.
 */
export function applyFieldErrors(form: FormInstance, error: unknown): string[] {
  if (!(error instanceof ApiError)) return [];
  const unmatched: string[] = [];
  const fields: { name: (string | number)[]; errors: string[] }[] = [];
  for (const [expression, text] of Object.entries(error.fieldErrors)) {
    const name = toNamePath(expression);
    if (isFieldOnForm(form, name)) fields.push({ name, errors: [text] });
    else unmatched.push(`${expression}: ${text}`);
  }
  form.setFields(fields);
  if (fields.length > 0) form.scrollToField(fields[0].name);
  return unmatched;
}

function isFieldOnForm(form: FormInstance, name: (string | number)[]): boolean {
  // getFieldsValue(true) includes every registered field, also ones still empty.
  let value: unknown = form.getFieldsValue(true);
  for (const part of name) {
    if (value === null || typeof value !== 'object' || !(part in (value as object))) {
      return form.getFieldInstance?.(name) !== undefined;
    }
    value = (value as Record<string | number, unknown>)[part];
  }
  return true;
}

/** Handles a failed form submit: field messages on fields, anything else returned for a banner. */
export function formErrorText(form: FormInstance, error: unknown, t: TFunction): string | null {
  const unmatched = applyFieldErrors(form, error);
  if (error instanceof ApiError && Object.keys(error.fieldErrors).length > 0) {
    return unmatched.length > 0 ? unmatched.join('; ') : null;
  }
  return describeError(error, t);
}
