/**
 * The one error type of the server. Shaped after FHIR's OperationOutcome so that REST, FHIR and the web app
 * show the same thing: a list of issues, each naming the field (`expression`) and the reason (`diagnostics`).
 */

export type IssueCode =
  | 'invalid'
  | 'required'
  | 'value'
  | 'login'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'lock-error'
  | 'exception'
  | 'processing'
  | 'throttled';

export interface Issue {
  severity: 'error' | 'warning' | 'information';
  code: IssueCode;
  diagnostics: string;
  expression?: string[];
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: Issue[];
}

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly issues: Issue[],
  ) {
    super(issues.map((i) => i.diagnostics).join('; '));
    this.name = 'AppError';
  }

  toOutcome(): OperationOutcome {
    return { resourceType: 'OperationOutcome', issue: this.issues };
  }

  static invalid(field: string, reason: string): AppError {
    return new AppError(400, [
      { severity: 'error', code: 'invalid', diagnostics: `${field}: ${reason}`, expression: [field] },
    ]);
  }

  /** Several field problems at once, so a form can show them all. */
  static invalidFields(problems: { field: string; reason: string }[]): AppError {
    return new AppError(
      400,
      problems.map((p) => ({
        severity: 'error',
        code: 'invalid',
        diagnostics: `${p.field}: ${p.reason}`,
        expression: [p.field],
      })),
    );
  }

  static unauthenticated(message = 'login required'): AppError {
    return new AppError(401, [{ severity: 'error', code: 'login', diagnostics: message }]);
  }

  static forbidden(message: string): AppError {
    return new AppError(403, [{ severity: 'error', code: 'forbidden', diagnostics: message }]);
  }

  static notFound(what: string): AppError {
    return new AppError(404, [{ severity: 'error', code: 'not-found', diagnostics: `${what} not found` }]);
  }

  static conflict(message: string, field?: string): AppError {
    return new AppError(409, [
      {
        severity: 'error',
        code: 'conflict',
        diagnostics: message,
        ...(field ? { expression: [field] } : {}),
      },
    ]);
  }

  static locked(message: string): AppError {
    return new AppError(423, [{ severity: 'error', code: 'lock-error', diagnostics: message }]);
  }
}
