import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { link, linkCandidates, unlink } from './links';
import {
  IdParam,
  LinkIdParam,
  LinkInput,
  MergeIdParam,
  MergeInput,
  Patient,
  PatientInput,
  PatientPatch,
  PatientSummary,
  SearchQuery,
  UndoInput,
} from './schemas';
import * as service from './service';

export async function patientRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['patients'];
  app.get(
    '/api/patients',
    {
      config: { permission: 'patient.read' },
      schema: {
        tags,
        querystring: SearchQuery,
        response: { 200: Type.Object({ items: Type.Array(PatientSummary), total: Type.Integer() }) },
      },
    },
    async (request) => service.search(app, request, request.query as never),
  );
  app.get(
    '/api/patients/:id',
    { config: { permission: 'patient.read' }, schema: { tags, params: IdParam, response: { 200: Patient } } },
    async (request) => service.read(app, request, (request.params as { id: string }).id),
  );
  app.get(
    '/api/patients/:id/sensitive',
    { config: { permission: 'patient.sensitive.read' }, schema: { tags, params: IdParam } },
    async (request) => service.readSensitive(app, request, (request.params as { id: string }).id),
  );
  app.get(
    '/api/patients/:id/history',
    { config: { permission: 'patient.read' }, schema: { tags, params: IdParam } },
    async (request) => service.history(app, request, (request.params as { id: string }).id),
  );
  app.post(
    '/api/patients',
    {
      config: { permission: 'patient.write' },
      schema: { tags, body: PatientInput, response: { 200: Patient } },
    },
    async (request) => service.create(app, request, request.body as never),
  );
  app.patch(
    '/api/patients/:id',
    {
      config: { permission: 'patient.write' },
      schema: { tags, params: IdParam, body: PatientPatch, response: { 200: Patient } },
    },
    async (request) =>
      service.update(app, request, (request.params as { id: string }).id, request.body as never),
  );
  app.post(
    '/api/patients/:id/merge',
    {
      config: { permission: 'patient.merge' },
      schema: {
        tags,
        params: IdParam,
        body: MergeInput,
        response: { 200: Type.Object({ mergeId: Type.String(), patient: Patient }) },
      },
    },
    async (request) => {
      const { sourcePatientId, reason } = request.body as { sourcePatientId: string; reason: string };
      return service.merge(app, request, (request.params as { id: string }).id, sourcePatientId, reason);
    },
  );
  app.get(
    '/api/patients/link-candidates',
    {
      config: { permission: 'patient.merge' },
      schema: {
        tags,
        querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Intersect([PatientSummary, Type.Object({ organizationName: Type.String() })]),
            ),
          }),
        },
      },
    },
    async (request) => linkCandidates(app, request, (request.query as { q: string }).q.trim()),
  );
  app.post(
    '/api/patients/:id/links',
    {
      config: { permission: 'patient.merge' },
      schema: {
        tags,
        params: IdParam,
        body: LinkInput,
        response: { 200: Type.Object({ linkId: Type.String() }) },
      },
    },
    async (request) => {
      const { otherPatientId, reason } = request.body as { otherPatientId: string; reason: string };
      return link(app, request, (request.params as { id: string }).id, otherPatientId, reason);
    },
  );
  app.post(
    '/api/patients/links/:linkId/unlink',
    {
      config: { permission: 'patient.merge' },
      schema: {
        tags,
        params: LinkIdParam,
        body: UndoInput,
        response: { 200: Type.Object({ patientIds: Type.Array(Type.String()) }) },
      },
    },
    async (request) =>
      unlink(
        app,
        request,
        (request.params as { linkId: string }).linkId,
        (request.body as { reason: string }).reason,
      ),
  );
  app.post(
    '/api/patients/merges/:mergeId/undo',
    {
      config: { permission: 'patient.merge' },
      schema: { tags, params: MergeIdParam, body: UndoInput, response: { 200: Patient } },
    },
    async (request) =>
      service.undoMerge(
        app,
        request,
        (request.params as { mergeId: string }).mergeId,
        (request.body as { reason: string }).reason,
      ),
  );
}
