/** FHIR R4 plumbing shared by the resource handlers: searchset bundles with paging links, content type. */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const FHIR_BASE = '/fhir/R4';
export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

export interface Paging {
  count: number;
  offset: number;
}

export function paging(query: { _count?: number; _offset?: number }): Paging {
  return { count: Math.min(Math.max(query._count ?? 20, 1), 100), offset: Math.max(query._offset ?? 0, 0) };
}

function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${FHIR_BASE}`;
}

/** A searchset Bundle with self/next/previous links that keep the caller's other search parameters. */
export function searchBundle(
  request: FastifyRequest,
  type: string,
  resources: object[],
  total: number,
  page: Paging,
): object {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(request.query as Record<string, unknown>)) {
    if (k !== '_offset' && v !== undefined) params.set(k, String(v));
  }
  const link = (relation: string, offset: number) => {
    const p = new URLSearchParams(params);
    p.set('_count', String(page.count));
    p.set('_offset', String(offset));
    return { relation, url: `${baseUrl(request)}/${type}?${p}` };
  };
  const links = [link('self', page.offset)];
  if (page.offset + page.count < total) links.push(link('next', page.offset + page.count));
  if (page.offset > 0) links.push(link('previous', Math.max(0, page.offset - page.count)));
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    link: links,
    entry: resources.map((r) => ({
      fullUrl: `${baseUrl(request)}/${type}/${(r as { id: string }).id}`,
      resource: r,
      search: { mode: 'match' },
    })),
  };
}

export function sendFhir(reply: FastifyReply, body: object, status = 200) {
  return reply.status(status).type(FHIR_JSON).send(body);
}
