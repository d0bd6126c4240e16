/**
 * FHIR search parameters turned into SQL conditions: reference (patient/subject), date with prefixes, token.
 * A parameter we cannot honour precisely (unknown system, malformed reference) matches nothing rather than
 * everything: an EMR asking for one patient must never get another's data.
 */
import { AppError } from '../../lib/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class SqlWhere {
  readonly params: unknown[];
  readonly parts: string[] = [];
  /** Set when a parameter can match nothing (the search answers an empty bundle without querying). */
  impossible = false;

  constructor(organizationId: string) {
    this.params = [organizationId];
  }

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(sql: string): void {
    this.parts.push(sql);
  }

  sql(): string {
    return this.parts.length ? this.parts.join(' AND ') : 'true';
  }
}

/** `Patient/<id>` or `<id>` of a patient or subject parameter; null when it cannot name one of our patients. */
export function patientIdOf(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  const id = value.replace(/^(.*\/)?Patient\//, '');
  return UUID.test(id) ? id : null;
}

/** Restricts to a patient and the records merged into it (a merged record's data belongs to the survivor). */
export function wherePatient(w: SqlWhere, column: string, value: string | undefined): void {
  const id = patientIdOf(value);
  if (id === undefined) return;
  if (id === null) {
    w.impossible = true;
    return;
  }
  const p = w.param(id);
  w.add(
    `${column} IN (SELECT id FROM patients WHERE organization_id = $1 AND (id = ${p} OR merged_into_id = ${p}))`,
  );
}

const DATE =
  /^(eq|ne|gt|lt|ge|le|sa|eb)?(\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?)$/;

/**
 * `date=ge2026-11-01&date=lt2026-12-01`: each value a prefix and a date or date-time. Dates without time are
 * whole days in the organisation's time zone; `eq` on a date covers the day.
 */
export function whereDate(
  w: SqlWhere,
  column: string,
  values: string | string[] | undefined,
  timeZone: string,
  field = 'date',
): void {
  if (values === undefined) return;
  for (const raw of Array.isArray(values) ? values : [values]) {
    const m = DATE.exec(raw);
    if (!m) throw AppError.invalid(field, `'${raw}' is not a FHIR date search value (e.g. ge2026-11-01)`);
    const prefix = m[1] ?? 'eq';
    const value = m[2];
    const dateOnly = !value.includes('T');
    // Start and end of the period the value names (a year, month or day; a date-time is an instant).
    const padded = value.length === 4 ? `${value}-01-01` : value.length === 7 ? `${value}-01` : value;
    const unit = value.length === 4 ? 'year' : value.length === 7 ? 'month' : 'day';
    // Only the bounds a prefix uses become parameters: PostgreSQL refuses parameters a query never uses.
    const start = () =>
      dateOnly
        ? `(${w.param(padded)}::timestamp AT TIME ZONE ${w.param(timeZone)})`
        : `${w.param(value)}::timestamptz`;
    const end = () =>
      `((${w.param(padded)}::timestamp + interval '1 ${unit}') AT TIME ZONE ${w.param(timeZone)})`;
    const ops: Record<string, () => string> = {
      eq: () => (dateOnly ? `${column} >= ${start()} AND ${column} < ${end()}` : `${column} = ${start()}`),
      ne: () =>
        dateOnly ? `NOT (${column} >= ${start()} AND ${column} < ${end()})` : `${column} <> ${start()}`,
      gt: () => (dateOnly ? `${column} >= ${end()}` : `${column} > ${start()}`),
      sa: () => (dateOnly ? `${column} >= ${end()}` : `${column} > ${start()}`),
      ge: () => `${column} >= ${start()}`,
      lt: () => `${column} < ${start()}`,
      eb: () => `${column} < ${start()}`,
      le: () => (dateOnly ? `${column} < ${end()}` : `${column} <= ${start()}`),
    };
    w.add(`(${ops[prefix]()})`);
  }
}

/** `system|code`, `|code`, or `code` of a token parameter. */
export function token(value: string): { system?: string; code: string } {
  const bar = value.indexOf('|');
  if (bar < 0) return { code: value };
  return { system: value.slice(0, bar) || undefined, code: value.slice(bar + 1) };
}

/** Several comma-separated values of one parameter (FHIR OR). */
export function anyOf(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').filter(Boolean);
}
