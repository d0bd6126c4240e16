/**
 * FHIR R4 API at /fhir/R4: read and search over the same data, permissions, organisation scoping and audit as the
 * REST API (session cookie or bearer API token). Errors are OperationOutcome.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { listOrganizations } from '../organizations';
import { readPatient, searchPatientSummaries } from '../patients';
import { searchUsers } from '../users';
import { FHIR_BASE, paging, searchBundle, sendFhir } from './bundle';
import { capabilityStatement } from './capability';
import { clinicalFhirRoutes } from './clinical-routes';
import { organizationResource, patientResource, practitionerResource, SYSTEMS } from './mappers';

const Paging = {
  _count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  _offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
};
const IdParam = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9\\-.]{1,64}$' }) });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function requireUuid(id: string, type: string): void {
  if (!UUID.test(id)) throw AppError.notFound(`${type}/${id}`);
}

/** `system|value` or `value` of an identifier search parameter; a system we do not know matches nothing. */
function identifierValue(param: string): string | null {
  const bar = param.indexOf('|');
  if (bar < 0) return param;
  const system = param.slice(0, bar);
  const known = Object.values(SYSTEMS) as string[];
  return system === '' || known.includes(system) ? param.slice(bar + 1) : null;
}

export async function fhirRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['fhir'];
  app.get(`${FHIR_BASE}/metadata`, { config: { public: true }, schema: { tags } }, async (_req, reply) =>
    sendFhir(reply, capabilityStatement()),
  );

  app.get(
    `${FHIR_BASE}/Patient`,
    {
      config: { permission: 'patient.read' },
      schema: {
        tags,
        querystring: Type.Object({
          ...Paging,
          _id: Type.Optional(Type.String()),
          identifier: Type.Optional(Type.String({ maxLength: 200 })),
          name: Type.Optional(Type.String({ maxLength: 64 })),
          birthdate: Type.Optional(Type.String({ pattern: '^(eq)?\\d{4}-\\d{2}-\\d{2}$' })),
        }),
      },
    },
    async (request, reply) => {
      const q = request.query as {
        _count?: number;
        _offset?: number;
        _id?: string;
        identifier?: string;
        name?: string;
        birthdate?: string;
      };
      const page = paging(q);
      if (q._id) {
        requireUuid(q._id, 'Patient');
        const p = await readPatient(app, request, q._id).catch(() => null);
        return sendFhir(
          reply,
          searchBundle(request, 'Patient', p ? [patientResource(p)] : [], p ? 1 : 0, page),
        );
      }
      const idValue = q.identifier !== undefined ? identifierValue(q.identifier) : undefined;
      if (idValue === null || (!idValue && !q.name && !q.birthdate)) {
        if (idValue === null) return sendFhir(reply, searchBundle(request, 'Patient', [], 0, page));
        throw AppError.invalid('search', 'give at least one of identifier, name, birthdate or _id');
      }
      const result = await searchPatientSummaries(app, request, {
        q: idValue ?? q.name,
        birthDate: q.birthdate?.replace(/^eq/, ''),
        limit: page.count,
        offset: page.offset,
      });
      let items = result.items;
      // identifier and name together: both must match.
      if (idValue && q.name) {
        const n = q.name.toLowerCase();
        items = items.filter((p) => p.name.startsWith(q.name ?? '') || p.namePinyin.startsWith(n));
      }
      return sendFhir(
        reply,
        searchBundle(
          request,
          'Patient',
          items.map(patientResource),
          idValue && q.name ? items.length : result.total,
          page,
        ),
      );
    },
  );

  app.get(
    `${FHIR_BASE}/Patient/:id`,
    { config: { permission: 'patient.read' }, schema: { tags, params: IdParam } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      requireUuid(id, 'Patient');
      const p = await readPatient(app, request, id).catch((err) => {
        if (err instanceof AppError && err.statusCode === 404) throw AppError.notFound(`Patient/${id}`);
        throw err;
      });
      return sendFhir(reply, patientResource(p));
    },
  );

  app.get(
    `${FHIR_BASE}/Organization`,
    {
      config: { authenticated: true },
      schema: { tags, querystring: Type.Object({ ...Paging, name: Type.Optional(Type.String()) }) },
    },
    async (request, reply) => {
      const q = request.query as { _count?: number; _offset?: number; name?: string };
      const page = paging(q);
      const all = (await listOrganizations(app, requireUser(request.user))).filter(
        (o) => !q.name || o.name.includes(q.name),
      );
      return sendFhir(
        reply,
        searchBundle(
          request,
          'Organization',
          all.slice(page.offset, page.offset + page.count).map(organizationResource),
          all.length,
          page,
        ),
      );
    },
  );

  app.get(
    `${FHIR_BASE}/Organization/:id`,
    { config: { authenticated: true }, schema: { tags, params: IdParam } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const org = (await listOrganizations(app, requireUser(request.user))).find((o) => o.id === id);
      if (!org) throw AppError.notFound(`Organization/${id}`);
      return sendFhir(reply, organizationResource(org));
    },
  );

  app.get(
    `${FHIR_BASE}/Practitioner`,
    {
      config: { authenticated: true },
      schema: {
        tags,
        querystring: Type.Object({ ...Paging, name: Type.Optional(Type.String({ maxLength: 64 })) }),
      },
    },
    async (request, reply) => {
      const q = request.query as { _count?: number; _offset?: number; name?: string };
      const page = paging(q);
      const users = await searchUsers(app.db, requireUser(request.user).organizationId, {
        q: q.name,
        limit: page.count,
        offset: page.offset,
      });
      return sendFhir(
        reply,
        searchBundle(request, 'Practitioner', users.items.map(practitionerResource), users.total, page),
      );
    },
  );

  app.get(
    `${FHIR_BASE}/Practitioner/:id`,
    { config: { authenticated: true }, schema: { tags, params: IdParam } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      requireUuid(id, 'Practitioner');
      const users = await searchUsers(app.db, requireUser(request.user).organizationId, {
        limit: 200,
        offset: 0,
      });
      const u = users.items.find((x) => x.id === id);
      if (!u) throw AppError.notFound(`Practitioner/${id}`);
      return sendFhir(reply, practitionerResource(u));
    },
  );

  await clinicalFhirRoutes(app);
}
