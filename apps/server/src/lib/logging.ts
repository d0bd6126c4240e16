/**
 * Structured logs that never carry names, national IDs or phone numbers: requests are logged by method, route
 * path (without query string, which may hold a search term) and status; bodies are never logged; any long digit
 * run left in a message is masked.
 */
import type { FastifyServerOptions } from 'fastify';

const DIGITS = /\d{7,}[\dXx]?/g;

export function scrub(text: string): string {
  return text.replace(DIGITS, (m) => `${m.slice(0, 3)}***${m.slice(-2)}`);
}

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    serializers: {
      req(req: { method: string; url: string; id: string }) {
        return { id: req.id, method: req.method, path: scrub(req.url.split('?')[0]) };
      },
      res(res: { statusCode: number }) {
        return { statusCode: res.statusCode };
      },
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as typeof args;
        method.apply(this, scrubbed);
      },
    },
  };
}
