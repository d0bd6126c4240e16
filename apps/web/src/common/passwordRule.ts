import type { FormRule } from 'antd';
import type { TFunction } from 'i18next';

/**
 * Client-side copy of the server's password rule (≥ 10 chars, 3 of lower/upper/digit/symbol, not containing
 * the username) so users see the problem while typing; the server remains the authority.
 */
export function passwordProblem(
  password: string,
  username: string,
): 'tooShort' | 'tooSimple' | 'containsUsername' | null {
  if (password.length < 10) return 'tooShort';
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d]/].filter((re) => re.test(password)).length;
  if (classes < 3) return 'tooSimple';
  if (username && password.toLowerCase().includes(username.toLowerCase())) return 'containsUsername';
  return null;
}

export function passwordRules(
  t: TFunction,
  username: () => string,
  fieldLabel = t('password.new'),
): FormRule[] {
  return [
    { required: true, message: t('common.required', { field: fieldLabel }) },
    {
      validator: (_, value: string | undefined) => {
        if (!value) return Promise.resolve();
        const problem = passwordProblem(value, username());
        return problem ? Promise.reject(new Error(t(`password.${problem}`))) : Promise.resolve();
      },
    },
  ];
}
