/**
 * The one mapping from errors to HTTP: AppError keeps its status and issues; schema validation failures become
 * 400 with one issue per field; anything else is a 500 whose details stay in the log, not in the answer.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, type Issue } from '../lib/errors';

interface AjvError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
}

function fieldOf(e: AjvError, context: string | undefined): string {
  const base = (e.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const extra = e.params?.missingProperty ?? e.params?.additionalProperty;
  const path = [base, extra].filter(Boolean).join('.');
  return path || context || 'body';
}

function validationIssues(err: FastifyError): Issue[] {
  const list = (err.validation ?? []) as (AjvError & { params?: { allowedValue?: unknown } })[];
  const context = err.validationContext;
  // Group by field: a union of literals yields one error per literal plus an anyOf error; say it once.
  const byField = new Map<string, typeof list>();
  for (const e of list) {
    const field = fieldOf(e, context);
    byField.set(field, [...(byField.get(field) ?? []), e]);
  }
  return [...byField.entries()].map(([field, errors]) => {
    const allowed = errors
      .filter((e) => e.keyword === 'const')
      .map((e) => JSON.stringify(e.params?.allowedValue));
    const e = errors.find((x) => x.keyword !== 'const' && x.keyword !== 'anyOf') ?? errors[0];
    const reason = allowed.length
      ? `must be one of ${allowed.join(', ')}`
      : e.keyword === 'required'
        ? 'is required'
        : e.keyword === 'additionalProperties'
          ? 'is not an allowed field'
          : (e.message ?? 'is invalid');
    return {
      severity: 'error',
      code: e.keyword === 'required' ? 'required' : 'invalid',
      diagnostics: `${field}: ${reason}`,
      expression: [field],
    } as Issue;
  });
}

export function registerErrorHandler(app: FastifyInstance, serveWebApp: boolean): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (err instanceof AppError) {
      return reply.status(err.statusCode).send(err.toOutcome());
    }
    if ((err as FastifyError).validation) {
      return reply.status(400).send(new AppError(400, validationIssues(err as FastifyError)).toOutcome());
    }
    const status = (err as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply
        .status(status)
        .send(
          new AppError(status, [
            { severity: 'error', code: 'invalid', diagnostics: err.message },
          ]).toOutcome(),
        );
    }
    request.log.error({ err }, 'unhandled error');
    return reply
      .status(500)
      .send(
        new AppError(500, [
          { severity: 'error', code: 'exception', diagnostics: 'internal error; see the server log' },
        ]).toOutcome(),
      );
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    // With the web app served, a GET for an unknown non-API, non-asset path is a client-side route.
    const isAppRoute =
      serveWebApp &&
      request.method === 'GET' &&
      !/^\/(api|fhir|assets|docs|ws)(\/|$)/.test(path) &&
      !/\.[a-z0-9]+$/i.test(path);
    if (isAppRoute) return reply.type('text/html').sendFile('index.html');
    return reply.status(404).send(AppError.notFound(`route ${request.method} ${path}`).toOutcome());
  });
}
