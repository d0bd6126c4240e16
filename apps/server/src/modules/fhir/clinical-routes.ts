/**
 * FHIR R4 clinical resources: Encounter (ADT visits), ServiceRequest (ECG orders; create makes a real order),
 * Observation (ECG measurements of analysed exams and lab results), DiagnosticReport and DocumentReference
 * (signed ECG reports, PDF as Binary), Task. Same permissions, organisation scoping and audit as the REST API.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { inTransaction } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { createOrder, findOrder, type OrderRow, orderOut } from '../orders';
import { FHIR_BASE, paging, searchBundle, sendFhir } from './bundle';
import {
  diagnosticReportResource,
  documentReferenceResource,
  type EncounterRow,
  encounterResource,
  LOCAL_SYSTEMS,
  LOINC,
  type ObservationRow,
  observationResource,
  SERVICE_REQUEST_STATUS,
  type SignedReportRow,
  serviceRequestResource,
  TASK_INTENTS,
  TASK_STATUSES,
  type TaskRow,
  taskResource,
} from './clinical';
import { OBSERVATIONS, SIGNED_REPORTS, signedRow } from './clinical-sql';
import { readServiceRequestInput, readTaskInput } from './inputs';
import { anyOf, SqlWhere, token, whereDate, wherePatient } from './search';

const Paging = {
  _count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  _offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
};
const Str = Type.Optional(Type.String({ maxLength: 200 }));
const DateParam = Type.Optional(Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 2 })]));
const IdParam = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9\\-.]{1,64}$' }) });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Query = Record<string, string | string[] | number | undefined>;
const str = (q: Query, k: string) => (typeof q[k] === 'string' ? (q[k] as string) : undefined);

async function audited(
  request: FastifyRequest,
  type: string,
  action: 'read' | 'search',
  detail: object,
  id?: string,
) {
  await request.audit({
    action: `fhir.${type}.${action}`,
    resourceType: type,
    ...(id && { resourceId: id }),
    detail: detail as Record<string, unknown>,
  });
}

export async function clinicalFhirRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['fhir'];
  // FHIR clients send their resources as application/fhir+json.
  app.addContentTypeParser(
    'application/fhir+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );

  /** Runs a search over `from` with the conditions of `w`, newest first by `orderBy`, and sends the bundle. */
  async function search<R extends object>(
    request: FastifyRequest,
    type: string,
    from: string,
    w: SqlWhere,
    orderBy: string,
    toResource: (row: R) => object,
  ) {
    const page = paging(request.query as { _count?: number; _offset?: number });
    if (w.impossible) return searchBundle(request, type, [], 0, page);
    const { rows } = await app.db.query<R & { total: number }>(
      `SELECT *, count(*) OVER () AS total FROM ${from} WHERE ${w.sql()}
       ORDER BY ${orderBy} LIMIT ${page.count} OFFSET ${page.offset}`,
      w.params,
    );
    await audited(request, type, 'search', { query: request.query, returned: rows.length });
    return searchBundle(request, type, rows.map(toResource), rows[0]?.total ?? 0, page);
  }

  async function readOne<R extends object>(
    request: FastifyRequest,
    type: string,
    from: string,
    where: string,
    id: string,
  ) {
    const user = requireUser(request.user);
    const { rows } = await app.db.query<R>(`SELECT * FROM ${from} WHERE ${where} LIMIT 1`, [
      user.organizationId,
      id,
    ]);
    if (!rows[0]) throw AppError.notFound(`${type}/${id}`);
    await audited(request, type, 'read', {}, id);
    return rows[0];
  }

  // ---- Encounter ----
  app.get(
    `${FHIR_BASE}/Encounter`,
    {
      config: { permission: 'patient.read' },
      schema: {
        tags,
        querystring: Type.Object({
          ...Paging,
          patient: Str,
          subject: Str,
          date: DateParam,
          identifier: Str,
          class: Str,
        }),
      },
    },
    async (request, reply) => {
      const user = requireUser(request.user);
      const q = request.query as Query;
      const w = new SqlWhere(user.organizationId);
      w.add('organization_id = $1');
      wherePatient(w, 'patient_id', str(q, 'patient') ?? str(q, 'subject'));
      whereDate(w, 'coalesce(admit_time, created_at)', q.date as string | string[], user.timeZone);
      const ident = str(q, 'identifier');
      if (ident) {
        const t = token(ident);
        if (t.system && t.system !== LOCAL_SYSTEMS.visit) w.impossible = true;
        w.add(`visit_number = ${w.param(t.code)}`);
      }
      const cls = str(q, 'class');
      if (cls) {
        const wanted = { EMER: 'emergency', IMP: 'inpatient', AMB: 'outpatient', PRENC: 'preadmit' }[
          token(cls).code
        ];
        if (!wanted) w.impossible = true;
        else w.add(`patient_class = ${w.param(wanted)}`);
      }
      return sendFhir(
        reply,
        await search<EncounterRow>(
          request,
          'Encounter',
          'encounters',
          w,
          'coalesce(admit_time, created_at) DESC, id',
          encounterResource,
        ),
      );
    },
  );
  app.get(
    `${FHIR_BASE}/Encounter/:id`,
    { config: { permission: 'patient.read' }, schema: { tags, params: IdParam } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!UUID.test(id)) throw AppError.notFound(`Encounter/${id}`);
      const row = await readOne<EncounterRow>(
        request,
        'Encounter',
        'encounters',
        'organization_id = $1 AND id = $2',
        id,
      );
      return sendFhir(reply, encounterResource(row));
    },
  );

  // ---- ServiceRequest ----
  app.get(
    `${FHIR_BASE}/ServiceRequest`,
    {
      config: { permission: 'order.read' },
      schema: {
        tags,
        querystring: Type.Object({
          ...Paging,
          patient: Str,
          subject: Str,
          status: Str,
          identifier: Str,
          date: DateParam,
          authored: DateParam,
          code: Str,
        }),
      },
    },
    async (request, reply) => {
      const user = requireUser(request.user);
      const q = request.query as Query;
      const w = new SqlWhere(user.organizationId);
      w.add('organization_id = $1');
      wherePatient(w, 'patient_id', str(q, 'patient') ?? str(q, 'subject'));
      whereDate(w, 'scheduled_at', q.date as string | string[], user.timeZone);
      whereDate(w, 'created_at', q.authored as string | string[], user.timeZone, 'authored');
      const statuses = anyOf(str(q, 'status')).flatMap((s) => SERVICE_REQUEST_STATUS[s] ?? []);
      if (str(q, 'status') && !statuses.length) w.impossible = true;
      if (statuses.length) w.add(`status = ANY(${w.param(statuses)})`);
      const ident = str(q, 'identifier');
      if (ident) {
        const t = token(ident);
        const p = w.param(t.code);
        const columns: Record<string, string> = {
          [LOCAL_SYSTEMS.accession]: 'accession_number',
          [LOCAL_SYSTEMS.placer]: 'placer_number',
          [LOCAL_SYSTEMS.filler]: 'filler_number',
        };
        if (t.system && !columns[t.system]) w.impossible = true;
        else if (t.system) w.add(`${columns[t.system]} = ${p}`);
        else w.add(`(accession_number = ${p} OR placer_number = ${p} OR filler_number = ${p})`);
      }
      const code = str(q, 'code');
      if (code) {
        const t = token(code);
        // Every ECG order is an EKG study; the local code names the kind.
        if (!(t.code === '11524-6' && (!t.system || t.system === LOINC))) {
          if (t.system && t.system !== LOCAL_SYSTEMS.procedure) w.impossible = true;
          w.add(`procedure_code = ${w.param(t.code)}`);
        }
      }
      return sendFhir(
        reply,
        await search<OrderRow>(request, 'ServiceRequest', 'ecg_orders', w, 'scheduled_at DESC, id', (r) =>
          serviceRequestResource(orderOut(r)),
        ),
      );
    },
  );
  app.get(
    `${FHIR_BASE}/ServiceRequest/:id`,
    { config: { permission: 'order.read' }, schema: { tags, params: IdParam } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const user = requireUser(request.user);
      const order = UUID.test(id) ? await findOrder(app.db, user.organizationId, id) : undefined;
      if (!order) throw AppError.notFound(`ServiceRequest/${id}`);
      await audited(request, 'ServiceRequest', 'read', {}, id);
      return sendFhir(reply, serviceRequestResource(order));
    },
  );
  app.post(
    `${FHIR_BASE}/ServiceRequest`,
    { config: { permission: 'order.write' }, schema: { tags } },
    async (request, reply) => {
      const user = requireUser(request.user);
      const input = readServiceRequestInput(request.body);
      const order = await inTransaction(app.db, async (client) => {
        const created = await createOrder(client, {
          ...input,
          organizationId: user.organizationId,
          source: 'manual',
          createdBy: user.id,
        });
        await request.audit(
          {
            action: 'order.create',
            resourceType: 'ecg-order',
            resourceId: created.id,
            patientId: created.patientId,
            detail: { via: 'fhir', accessionNumber: created.accessionNumber, priority: created.priority },
          },
          client,
        );
        return created;
      });
      reply.header('location', `${FHIR_BASE}/ServiceRequest/${order.id}`);
      return sendFhir(reply, serviceRequestResource(order), 201);
    },
  );

  // ---- Observation ----
  app.get(
    `${FHIR_BASE}/Observation`,
    {
      config: { permission: 'patient.read' },
      schema: {
        tags,
        querystring: Type.Object({
          ...Paging,
          patient: Str,
          subject: Str,
          code: Str,
          date: DateParam,
          category: Str,
        }),
      },
    },
    async (request, reply) => {
      const user = requireUser(request.user);
      const q = request.query as Query;
      const w = new SqlWhere(user.organizationId);
      w.add('o.organization_id = $1');
      const patient = str(q, 'patient') ?? str(q, 'subject');
      // Observations are only searched per patient: a whole-organisation dump is not what this API is for.
      if (!patient) throw AppError.invalid('patient', 'Observation search needs patient (or subject)');
      wherePatient(w, 'o.patient_id', patient);
      whereDate(w, 'o.at', q.date as string | string[], user.timeZone);
      const codes = anyOf(str(q, 'code')).map(token);
      if (codes.length) {
        const loinc = codes.filter((c) => !c.system || c.system === LOINC).map((c) => c.code);
        const local = codes
          .filter((c) => c.system?.startsWith(LOCAL_SYSTEMS.lis) || !c.system)
          .map((c) => c.code);
        if (!loinc.length && !local.length) w.impossible = true;
        else w.add(`o.code = ANY(${w.param([...new Set([...loinc, ...local])])})`);
      }
      const category = str(q, 'category');
      if (category) w.add(`o.category = ${w.param(token(category).code)}`);
      return sendFhir(
        reply,
        await search<ObservationRow>(
          request,
          'Observation',
          OBSERVATIONS,
          w,
          'o.at DESC, o.fid',
          observationResource,
        ),
      );
    },
  );
  app.get(
    `${FHIR_BASE}/Observation/:id`,
    { config: { permission: 'patient.read' }, schema: { tags, params: IdParam } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const row = await readOne<ObservationRow>(
        request,
        'Observation',
        OBSERVATIONS,
        'o.organization_id = $1 AND o.fid = $2',
        id,
      );
      return sendFhir(reply, observationResource(row));
    },
  );

  // ---- DiagnosticReport and DocumentReference (signed ECG reports) ----
  for (const [type, toResource] of [
    ['DiagnosticReport', diagnosticReportResource],
    ['DocumentReference', documentReferenceResource],
  ] as const) {
    app.get(
      `${FHIR_BASE}/${type}`,
      {
        config: { permission: 'ecg.read' },
        schema: {
          tags,
          querystring: Type.Object({ ...Paging, patient: Str, subject: Str, date: DateParam }),
        },
      },
      async (request, reply) => {
        const user = requireUser(request.user);
        const q = request.query as Query;
        const w = new SqlWhere(user.organizationId);
        w.add('d.organization_id = $1');
        if (type === 'DocumentReference') w.add('d.pdf_blob IS NOT NULL');
        wherePatient(w, 'd.patient_id', str(q, 'patient') ?? str(q, 'subject'));
        whereDate(
          w,
          type === 'DocumentReference' ? 'd.signed_at' : 'coalesce(d.acquired_at, d.signed_at)',
          q.date as string | string[],
          user.timeZone,
        );
        return sendFhir(
          reply,
          await search<SignedReportRow & { measurements: null }>(
            request,
            type,
            SIGNED_REPORTS,
            w,
            'd.signed_at DESC, d.report_id',
            (r) => toResource(signedRow(r)),
          ),
        );
      },
    );
    app.get(
      `${FHIR_BASE}/${type}/:id`,
      { config: { permission: 'ecg.read' }, schema: { tags, params: IdParam } },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        if (!UUID.test(id)) throw AppError.notFound(`${type}/${id}`);
        const extra = type === 'DocumentReference' ? ' AND d.pdf_blob IS NOT NULL' : '';
        const row = await readOne<SignedReportRow & { measurements: null }>(
          request,
          type,
          SIGNED_REPORTS,
          `d.organization_id = $1 AND d.report_id = $2${extra}`,
          id,
        );
        return sendFhir(reply, toResource(signedRow(row)));
      },
    );
  }

  /** The signed PDF of a report version: raw PDF, or a Binary resource when the client asks for FHIR JSON. */
  app.get(
    `${FHIR_BASE}/Binary/:id`,
    { config: { permission: 'ecg.read' }, schema: { tags, params: IdParam } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const user = requireUser(request.user);
      const m = /^report-([0-9a-f-]{36})-v(\d+)$/.exec(id);
      if (!m) throw AppError.notFound(`Binary/${id}`);
      const { rows } = await app.db.query<{ pdf_blob: string; patient_id: string | null }>(
        `SELECT v.pdf_blob, r.patient_id FROM ecg_report_versions v JOIN ecg_reports r ON r.id = v.report_id
       WHERE r.id = $1 AND v.version = $2 AND r.organization_id = $3 AND v.signed_at IS NOT NULL AND v.pdf_blob IS NOT NULL`,
        [m[1], Number(m[2]), user.organizationId],
      );
      if (!rows[0]) throw AppError.notFound(`Binary/${id}`);
      const pdf = await app.blobs.get(rows[0].pdf_blob);
      await request.audit({
        action: 'fhir.Binary.read',
        resourceType: 'Binary',
        resourceId: id,
        ...(rows[0].patient_id && { patientId: rows[0].patient_id }),
      });
      if (String(request.headers.accept ?? '').includes('json')) {
        return sendFhir(reply, {
          resourceType: 'Binary',
          id,
          contentType: 'application/pdf',
          data: pdf.toString('base64'),
        });
      }
      return reply.type('application/pdf').send(pdf);
    },
  );

  // ---- Task ----
  app.get(
    `${FHIR_BASE}/Task`,
    {
      config: { permission: 'patient.read' },
      schema: {
        tags,
        querystring: Type.Object({ ...Paging, patient: Str, subject: Str, status: Str, date: DateParam }),
      },
    },
    async (request, reply) => {
      const user = requireUser(request.user);
      const q = request.query as Query;
      const w = new SqlWhere(user.organizationId);
      w.add('organization_id = $1');
      wherePatient(w, 'patient_id', str(q, 'patient') ?? str(q, 'subject'));
      whereDate(w, 'authored_on', q.date as string | string[], user.timeZone);
      const statuses = anyOf(str(q, 'status'));
      if (statuses.length) w.add(`status = ANY(${w.param(statuses)})`);
      return sendFhir(
        reply,
        await search<TaskRow>(request, 'Task', 'fhir_tasks', w, 'authored_on DESC, id', taskResource),
      );
    },
  );
  app.get(
    `${FHIR_BASE}/Task/:id`,
    { config: { permission: 'patient.read' }, schema: { tags, params: IdParam } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!UUID.test(id)) throw AppError.notFound(`Task/${id}`);
      return sendFhir(
        reply,
        taskResource(
          await readOne<TaskRow>(request, 'Task', 'fhir_tasks', 'organization_id = $1 AND id = $2', id),
        ),
      );
    },
  );
  app.post(
    `${FHIR_BASE}/Task`,
    { config: { permission: 'patient.write' }, schema: { tags } },
    async (request, reply) => {
      const user = requireUser(request.user);
      const t = readTaskInput(request.body, TASK_STATUSES, TASK_INTENTS);
      if (t.patientId) {
        const ok = await app.db.query('SELECT 1 FROM patients WHERE id = $1 AND organization_id = $2', [
          t.patientId,
          user.organizationId,
        ]);
        if (!ok.rowCount) throw AppError.invalid('for', 'no such patient in your organisation');
      }
      const row = await inTransaction(app.db, async (client) => {
        const { rows } = await client.query<TaskRow>(
          `INSERT INTO fhir_tasks (organization_id, patient_id, status, intent, code_text, description, focus_reference, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
          [user.organizationId, t.patientId, t.status, t.intent, t.codeText, t.description, t.focus, user.id],
        );
        await request.audit(
          {
            action: 'fhir.Task.create',
            resourceType: 'Task',
            resourceId: rows[0].id,
            ...(t.patientId && { patientId: t.patientId }),
          },
          client,
        );
        return rows[0];
      });
      reply.header('location', `${FHIR_BASE}/Task/${row.id}`);
      return sendFhir(reply, taskResource(row), 201);
    },
  );
}
