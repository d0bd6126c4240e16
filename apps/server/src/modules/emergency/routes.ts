import type { Permission } from '@lifeline/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import { requireUser } from '../../plugins/context';
import * as activation from './activation';
import { board } from './board';
import * as cases from './cases';
import * as clinical from './clinical';
import * as identify from './identify';
import { importTroponinTimes } from './lab';
import { metricTrend, periodMetrics } from './metrics';
import * as nodes from './nodes';
import * as registry from './registry-upload';
import * as s from './schemas';
import * as teams from './teams';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
interface RouteSchemas {
  params?: TSchema;
  body?: TSchema;
  querystring?: TSchema;
}

export async function emergencyRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['emergency'];
  const route = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    permission: Permission,
    schema: RouteSchemas,
    handler: Handler,
  ) => app.route({ method, url, config: { permission }, schema: { tags, ...schema }, handler });
  const id = (r: FastifyRequest) => (r.params as { id: string }).id;
  const body = <T>(r: FastifyRequest) => r.body as T;

  // Cases
  route('POST', '/api/emergency/cases', 'emergency.write', { body: s.StartCaseBody }, (r) =>
    cases.startCase(app, r, body(r)),
  );
  route('GET', '/api/emergency/cases', 'emergency.read', { querystring: s.CaseQuery }, (r) =>
    cases.searchCases(app, r, r.query as never),
  );
  route('GET', '/api/emergency/cases/:id', 'emergency.read', { params: s.IdParam }, (r) =>
    cases.readCase(app, r, id(r)),
  );
  route(
    'PATCH',
    '/api/emergency/cases/:id',
    'emergency.write',
    { params: s.IdParam, body: s.CasePatchBody },
    (r) => cases.updateCase(app, r, id(r), body(r)),
  );
  route(
    'POST',
    '/api/emergency/cases/:id/identify',
    'emergency.write',
    { params: s.IdParam, body: s.IdentifyBody },
    async (r) => {
      const b = body<{ patientId: string; reason: string; merge?: boolean }>(r);
      await identify.identifyPatient(app, r, id(r), b.patientId, b.reason, b.merge ?? true);
      return cases.readCaseUnaudited(app, requireUser(r.user).organizationId, id(r));
    },
  );
  route(
    'POST',
    '/api/emergency/identifications/:id/undo',
    'emergency.write',
    { params: s.IdParam, body: s.ReasonBody },
    (r) => identify.undoIdentification(app, r, id(r), body<{ reason: string }>(r).reason),
  );
  // Registry upload (national chest pain / stroke / trauma platforms)
  route('GET', '/api/emergency/cases/:id/registry', 'emergency.read', { params: s.IdParam }, (r) =>
    registry.caseRegistry(app, r, id(r)),
  );
  route('POST', '/api/emergency/cases/:id/registry-uploads', 'emergency.qc', { params: s.IdParam }, (r) =>
    registry.requestUpload(app, r, id(r)),
  );
  route('GET', '/api/emergency/registry/uploads', 'emergency.qc', { querystring: s.UploadQuery }, (r) =>
    registry.listUploads(app, r, r.query as never),
  );
  route('POST', '/api/emergency/registry/uploads/:id/retry', 'emergency.qc', { params: s.IdParam }, (r) =>
    registry.retryUpload(app, r, id(r)),
  );
  route('GET', '/api/emergency/registry/endpoints', 'emergency.qc', {}, (r) =>
    registry.listEndpoints(app, r),
  );
  route(
    'PUT',
    '/api/emergency/registry/endpoints/:registry',
    'emergency.qc',
    { params: s.RegistryParam, body: s.RegistryEndpointBody },
    (r) => registry.saveEndpoint(app, r, (r.params as { registry: string }).registry, body(r)),
  );
  route('GET', '/api/emergency/destinations', 'emergency.write', {}, (r) => cases.destinations(app, r));
  route('GET', '/api/emergency/board', 'emergency.read', { querystring: s.CaseQuery }, (r) =>
    board(app, r, r.query as never),
  );

  // Time nodes
  route(
    'POST',
    '/api/emergency/cases/:id/nodes',
    'emergency.write',
    { params: s.IdParam, body: s.NodeBody },
    (r) => nodes.recordNode(app, r, id(r), body(r)),
  );
  route(
    'PATCH',
    '/api/emergency/cases/:id/nodes/:nodeId',
    'emergency.write',
    { params: s.NodeParams, body: s.NodeEditBody },
    (r) => nodes.editNode(app, r, id(r), (r.params as { nodeId: string }).nodeId, body(r)),
  );
  route(
    'DELETE',
    '/api/emergency/cases/:id/nodes/:nodeId',
    'emergency.write',
    { params: s.NodeParams, body: s.ReasonBody },
    (r) =>
      nodes.deleteNode(
        app,
        r,
        id(r),
        (r.params as { nodeId: string }).nodeId,
        body<{ reason: string }>(r).reason,
      ),
  );
  route(
    'GET',
    '/api/emergency/cases/:id/nodes/:nodeId/history',
    'emergency.read',
    { params: s.NodeParams },
    (r) => nodes.nodeHistory(app, r, id(r), (r.params as { nodeId: string }).nodeId),
  );

  route('POST', '/api/emergency/cases/:id/lab-times', 'emergency.write', { params: s.IdParam }, (r) =>
    importTroponinTimes(app, r, id(r)),
  );

  // Clinical records
  route(
    'POST',
    '/api/emergency/cases/:id/scores',
    'emergency.write',
    { params: s.IdParam, body: s.ScoreBody },
    (r) => clinical.addScore(app, r, id(r), body(r)),
  );
  route(
    'POST',
    '/api/emergency/cases/:id/checklists',
    'emergency.write',
    { params: s.IdParam, body: s.ChecklistBody },
    (r) => clinical.addChecklist(app, r, id(r), body(r)),
  );
  route(
    'POST',
    '/api/emergency/cases/:id/consents',
    'emergency.write',
    { params: s.IdParam, body: s.ConsentBody },
    (r) => clinical.addConsent(app, r, id(r), body(r)),
  );
  route(
    'GET',
    '/api/emergency/cases/:id/consents/:consentId/photo',
    'emergency.read',
    { params: s.ConsentParams },
    async (r, reply) => {
      const photo = await clinical.consentPhoto(app, r, id(r), (r.params as { consentId: string }).consentId);
      return reply.type(photo.contentType).header('cache-control', 'private, no-store').send(photo.bytes);
    },
  );
  route(
    'POST',
    '/api/emergency/cases/:id/procedures',
    'emergency.write',
    { params: s.IdParam, body: s.ProcedureBody },
    (r) => clinical.saveProcedure(app, r, id(r), body(r)),
  );

  // Teams and activation
  route('GET', '/api/emergency/teams', 'emergency.read', {}, (r) => teams.listTeams(app, r));
  route('GET', '/api/emergency/teams/options', 'emergency.qc', {}, (r) => teams.teamOptions(app, r));
  route(
    'PATCH',
    '/api/emergency/teams/:id',
    'emergency.qc',
    { params: s.IdParam, body: s.TeamPatchBody },
    (r) => teams.updateTeam(app, r, id(r), body(r)),
  );
  route(
    'POST',
    '/api/emergency/cases/:id/activations',
    'emergency.activate',
    { params: s.IdParam, body: s.ActivateBody },
    (r) => activation.activateTeam(app, r, id(r), body(r)),
  );
  route('GET', '/api/emergency/activations/mine', 'emergency.read', {}, (r) =>
    activation.myOpenActivations(app, r),
  );
  route('POST', '/api/emergency/activations/:id/ack', 'emergency.read', { params: s.IdParam }, (r) =>
    activation.acknowledge(app, r, id(r)),
  );
  route('POST', '/api/emergency/activations/:id/arrive', 'emergency.read', { params: s.IdParam }, (r) =>
    activation.arrive(app, r, id(r)),
  );

  route(
    'POST',
    '/api/emergency/activations/:id/cancel',
    'emergency.activate',
    { params: s.IdParam, body: s.ReasonBody },
    (r) => activation.cancelActivation(app, r, id(r), body<{ reason: string }>(r).reason),
  );

  // Quality control
  route('GET', '/api/emergency/metrics', 'emergency.qc', { querystring: s.MetricsQuery }, (r) =>
    periodMetrics(app, r, r.query as never),
  );
  route('GET', '/api/emergency/metrics/trend', 'emergency.qc', { querystring: s.TrendQuery }, (r) =>
    metricTrend(app, r, r.query as never),
  );

  activation.startEscalationSweep(app);
}
