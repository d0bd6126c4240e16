/**
 * The one way screens talk to the server: same-origin fetch with the session cookie, JSON in and out, and
 * every error turned into an ApiError carrying the OperationOutcome diagnostics and per-field messages.
 */

export interface OperationOutcomeIssue {
  severity?: string;
  code?: string;
  diagnostics?: string;
  expression?: string[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly issues: OperationOutcomeIssue[];
  /** Message per field path ("nationalId", "identifiers[0].value"), from the issues' `expression`. */
  readonly fieldErrors: Record<string, string>;

  constructor(status: number, message: string, issues: OperationOutcomeIssue[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.issues = issues;
    this.fieldErrors = {};
    for (const issue of issues) {
      for (const field of issue.expression ?? []) {
        this.fieldErrors[field] = stripFieldPrefix(issue.diagnostics ?? issue.code ?? message, field);
      }
    }
  }
}

/** "nationalId: check digit is wrong" shown under the nationalId field reads better without the prefix. */
function stripFieldPrefix(text: string, field: string): string {
  const prefix = `${field}:`;
  return text.startsWith(prefix) ? text.slice(prefix.length).trim() : text;
}

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler = () => {
  if (!window.location.pathname.startsWith('/login')) {
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    window.location.assign(`/login?next=${next}`);
  }
};

/** The auth provider replaces the default full-page redirect with a router navigation. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
  /** Login and the initial /me probe handle 401 themselves instead of redirecting. */
  allowUnauthorized?: boolean;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = options.body === undefined ? 'GET' : 'POST', body, query, signal } = options;
  let response: Response;
  try {
    response = await fetch(withQuery(path, query), {
      method,
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network');
  }

  if (response.status === 401 && !options.allowUnauthorized) onUnauthorized();
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

async function toApiError(response: Response): Promise<ApiError> {
  let payload: unknown;
  try {
    payload = await response.json();
  } catch {
    payload = undefined;
  }
  const outcome = payload as { resourceType?: string; issue?: OperationOutcomeIssue[]; message?: string };
  if (outcome?.resourceType === 'OperationOutcome' && Array.isArray(outcome.issue)) {
    const message = outcome.issue
      .map((i) => i.diagnostics ?? i.code)
      .filter(Boolean)
      .join('; ');
    return new ApiError(response.status, message || response.statusText, outcome.issue);
  }
  // Proxies and a server that is still starting answer without an OperationOutcome.
  return new ApiError(
    response.status,
    outcome?.message ?? (response.statusText || `HTTP ${response.status}`),
  );
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) => api<T>(path, { query, signal });
export const post = <T>(path: string, body: unknown = {}) => api<T>(path, { method: 'POST', body });
export const patch = <T>(path: string, body: unknown) => api<T>(path, { method: 'PATCH', body });
