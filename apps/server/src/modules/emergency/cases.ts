/**
 * Emergency cases: started from ED triage, from an ECG (one click on a STEMI critical ECG) or from prehospital
 * care; unknown patients get a temporary identity (无名氏-<wristband>) that is later re-pointed to the real
 * patient. One patient may have active cases in several centers at once.
 */
import {
  type ArrivalMode,
  type Center,
  checkChronology,
  computeCaseMetrics,
  type DelayReason,
  type Treatment,
  validateForRegistry,
} from '@lifeline/emergency';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTransaction, type Queryable } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { createPatient, patientInOrg } from '../patients';
import { caseExtras } from './clinical';
import { followUndoneMerges, identificationOfCase } from './identify';
import { publishBoard } from './live';
import { currentPathway, pathwayVersion } from './pathways';
import {
  addCaseEvent,
  type CaseRow,
  caseInOrg,
  listCases,
  type NodeRow,
  nodeOut,
  nodesOf,
  toPathwayCase,
} from './repo';

export interface StartCaseInput {
  center?: Center;
  patientId?: string;
  fromEcgId?: string;
  unknownPatient?: { sex?: 'M' | 'F' | 'U'; estimatedAge?: number; description?: string };
  arrivalMode?: ArrivalMode;
  source?: 'triage' | 'ecg' | 'prehospital';
  diagnosis?: string;
  /** Prehospital: the receiving hospital of the caller's network, which will own the case. */
  destinationOrganizationId?: string;
}

interface EcgFacts {
  id: string;
  patientId: string | null;
  acquiredAt: Date | null;
}

/**
 * The ECG module (table ecg_exams) is built separately and may not be installed: the case links to an ECG only
 * when that ECG exists in the caller's organisation. Columns are read defensively for the same reason.
 */
async function findEcg(db: Queryable, orgId: string, ecgId: string): Promise<EcgFacts | null> {
  const exists = await db.query<{ t: string | null }>(`SELECT to_regclass('ecg_exams')::text AS t`);
  if (!exists.rows[0].t) return null;
  const { rows } = await db.query<Record<string, unknown>>(
    'SELECT * FROM ecg_exams WHERE id::text = $1 AND organization_id::text = $2',
    [ecgId, orgId],
  );
  const r = rows[0];
  if (!r) return null;
  const when = r.acquired_at ?? r.acquisition_time ?? r.recorded_at ?? r.created_at;
  return {
    id: ecgId,
    patientId: typeof r.patient_id === 'string' ? r.patient_id : null,
    acquiredAt: when instanceof Date ? when : null,
  };
}

/** A receiving hospital of the caller's network: parent, child or sibling organisation that is a hospital. */
async function inNetwork(db: Queryable, callerOrgId: string, targetOrgId: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM organizations t, organizations me
     WHERE t.id = $2 AND me.id = $1 AND t.type IN ('hub-hospital', 'member-hospital', 'other-hospital')
       AND (t.id = me.parent_id OR t.parent_id = me.id OR (t.parent_id IS NOT NULL AND t.parent_id = me.parent_id))`,
    [callerOrgId, targetOrgId],
  );
  return rows.length > 0;
}

/** Hospitals a prehospital team may start a case for: those of its network (see inNetwork). */
export async function destinations(app: FastifyInstance, request: FastifyRequest) {
  const user = requireUser(request.user);
  const { rows } = await app.db.query<{ id: string; name: string; type: string }>(
    `SELECT t.id, t.name, t.type FROM organizations t, organizations me
     WHERE me.id = $1 AND t.type IN ('hub-hospital', 'member-hospital', 'other-hospital')
       AND (t.id = me.id OR t.id = me.parent_id OR t.parent_id = me.id OR (t.parent_id IS NOT NULL AND t.parent_id = me.parent_id))
     ORDER BY t.type, t.name`,
    [user.organizationId],
  );
  return rows;
}

async function newWristband(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ n: number }>(`SELECT nextval('emergency_wristband_seq') AS n`);
  return `JZ${String(rows[0].n).padStart(6, '0')}`;
}

export async function startCase(app: FastifyInstance, request: FastifyRequest, input: StartCaseInput) {
  const user = requireUser(request.user);
  let ecg: EcgFacts | null = null;
  if (input.fromEcgId) {
    ecg = await findEcg(app.db, user.organizationId, input.fromEcgId);
    if (!ecg) throw AppError.invalid('fromEcgId', 'no such ECG in your organisation');
  }
  const center: Center = input.center ?? (ecg ? 'chest-pain' : (undefined as never));
  if (!center) throw AppError.invalid('center', 'required unless the case starts from an ECG');
  // An ambulance station starts the case for the receiving hospital, which owns it (its board shows the
  // pre-alert at once); the station keeps access to record its times on the way.
  let ownerOrg = user.organizationId;
  let prehospitalOrg: string | null = null;
  const dest = input.destinationOrganizationId;
  if (dest && dest !== user.organizationId) {
    if ((input.source ?? 'prehospital') !== 'prehospital')
      throw AppError.invalid('destinationOrganizationId', 'only for prehospital cases');
    if (input.patientId || ecg)
      throw AppError.invalid('destinationOrganizationId', 'the receiving hospital identifies the patient');
    if (!(await inNetwork(app.db, user.organizationId, dest)))
      throw AppError.invalid('destinationOrganizationId', 'not a hospital of your network');
    ownerOrg = dest;
    prehospitalOrg = user.organizationId;
  }
  let patientId = input.patientId ?? ecg?.patientId ?? null;
  if (input.patientId && ecg?.patientId && input.patientId !== ecg.patientId)
    throw AppError.invalid('patientId', 'differs from the patient of the ECG');
  if (patientId && !(await patientInOrg(app.db, ownerOrg, patientId)))
    throw AppError.invalid('patientId', 'no such patient in your organisation');
  if (patientId) {
    const dup = await app.db.query<{ id: string }>(
      `SELECT id FROM emergency_cases WHERE organization_id = $1 AND patient_id = $2 AND center = $3 AND status = 'active'`,
      [ownerOrg, patientId, center],
    );
    if (dup.rows[0])
      throw AppError.conflict(`patient already has an active ${center} case ${dup.rows[0].id}`, 'patientId');
  }

  // A patient in several centers keeps one wristband for the visit.
  let wristband: string | null = null;
  if (patientId) {
    const other = await app.db.query<{ wristband: string }>(
      `SELECT wristband FROM emergency_cases WHERE organization_id = $1 AND patient_id = $2 AND status = 'active' LIMIT 1`,
      [ownerOrg, patientId],
    );
    wristband = other.rows[0]?.wristband ?? null;
  }
  wristband ??= await newWristband(app.db);
  let temporary = false;
  if (!patientId) {
    // Unknown patient: a temporary identity in the patient index, merged with the real one later.
    // The temporary identity belongs to the index of the hospital that owns the case.
    const asOwner =
      ownerOrg === user.organizationId
        ? request
        : (Object.create(request, {
            user: { value: { ...user, organizationId: ownerOrg } },
          }) as FastifyRequest);
    const temp = await createPatient(app, asOwner, {
      name: `无名氏-${wristband}`,
      sex: input.unknownPatient?.sex ?? 'U',
    });
    patientId = temp.id;
    temporary = true;
  }
  const pathway = currentPathway(center);
  const fields: Record<string, unknown> = {};
  if (input.unknownPatient?.estimatedAge !== undefined)
    fields.estimatedAge = input.unknownPatient.estimatedAge;
  if (input.unknownPatient?.description) fields.description = input.unknownPatient.description;
  const source = input.source ?? (ecg ? 'ecg' : prehospitalOrg ? 'prehospital' : 'triage');
  const arrivalMode = input.arrivalMode ?? (source === 'prehospital' ? 'ambulance' : undefined);

  const id = await inTransaction(app.db, async (client) => {
    const { rows } = await client.query<{ id: string; organization_id: string }>(
      `INSERT INTO emergency_cases (organization_id, patient_id, center, pathway_version, start_source, arrival_mode,
         source_ecg_id, wristband, temporary_identity, diagnosis, fields, created_by, prehospital_organization_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id, organization_id`,
      [
        ownerOrg,
        patientId,
        center,
        pathway.version,
        source,
        arrivalMode ?? null,
        ecg?.id ?? null,
        wristband,
        temporary,
        input.diagnosis ?? null,
        fields,
        user.id,
        prehospitalOrg,
      ],
    );
    const c = rows[0];
    // The ECG that started the case is the case's first ECG, timed by the cart (source "ecg").
    if (ecg?.acquiredAt && pathway.nodes.some((n) => n.code === 'first-ecg')) {
      const node = await client.query<{ id: string }>(
        `INSERT INTO emergency_time_nodes (case_id, organization_id, code, at, source, source_detail, recorded_by)
         VALUES ($1, $2, 'first-ecg', $3, 'ecg', $4, $5) RETURNING id`,
        [c.id, c.organization_id, ecg.acquiredAt, `ecg:${ecg.id}`, user.id],
      );
      await client.query(
        `INSERT INTO emergency_time_node_history (node_id, action, at, source, source_detail, changed_by)
         VALUES ($1, 'record', $2, 'ecg', $3, $4)`,
        [node.rows[0].id, ecg.acquiredAt, `ecg:${ecg.id}`, user.id],
      );
    }
    await addCaseEvent(client, c, user.id, 'case.start', {
      center,
      source,
      pathwayVersion: pathway.version,
      fromEcgId: ecg?.id ?? null,
      temporaryIdentity: temporary,
      prehospitalOrganizationId: prehospitalOrg,
    });
    await request.audit(
      {
        action: 'emergency.case.start',
        resourceType: 'emergency-case',
        resourceId: c.id,
        patientId: patientId as string,
        detail: { center, source, fromEcgId: ecg?.id ?? null, temporaryIdentity: temporary },
      },
      client,
    );
    await publishBoard(
      app,
      { organization_id: ownerOrg, prehospital_organization_id: prehospitalOrg },
      'case.started',
      { caseId: c.id, center },
      client,
    );
    return c.id;
  });
  return readCaseUnaudited(app, user.organizationId, id);
}

function patientOut(c: CaseRow) {
  const p = toPathwayCase(c, []).patient;
  return { id: c.patient_id, name: c.patient_name, sex: c.patient_sex, age: p?.age ?? null };
}

export function caseSummaryOut(c: CaseRow, nodes: NodeRow[]) {
  return {
    id: c.id,
    center: c.center,
    pathwayVersion: c.pathway_version,
    status: c.status,
    startSource: c.start_source,
    arrivalMode: c.arrival_mode,
    sourceEcgId: c.source_ecg_id,
    organizationId: c.organization_id,
    prehospitalOrganizationId: c.prehospital_organization_id,
    wristband: c.wristband,
    temporaryIdentity: c.temporary_identity,
    patient: patientOut(c),
    diagnosis: c.diagnosis,
    treatments: c.treatments,
    bypassedEd: c.bypassed_ed,
    outcome: c.outcome,
    createdAt: c.created_at.toISOString(),
    createdBy: c.created_by_name,
    closedAt: c.closed_at?.toISOString() ?? null,
    times: nodes.map(nodeOut),
  };
}

/** Everything the case page needs: facts, times with warnings, metrics, registry gaps and clinical records. */
export async function readCaseUnaudited(app: FastifyInstance, orgId: string, id: string) {
  const c = await caseInOrg(app.db, orgId, id);
  if (!c) throw AppError.notFound('emergency case');
  const nodes = (await nodesOf(app.db, [id])).get(id) ?? [];
  const pathway = pathwayVersion(c.center, c.pathway_version);
  const pc = toPathwayCase(c, nodes);
  const now = Date.now();
  const others = await app.db.query<{ id: string; center: Center; status: string }>(
    'SELECT id, center, status FROM emergency_cases WHERE organization_id = $1 AND patient_id = $2 AND id <> $3 ORDER BY created_at',
    [c.organization_id, c.patient_id, id],
  );
  return {
    ...caseSummaryOut(c, nodes),
    fields: c.fields,
    delayReasons: c.delay_reasons,
    pathway,
    warnings: checkChronology(pathway, pc.times, { now, pathwayCase: pc }),
    metrics: computeCaseMetrics(pc),
    registryProblems: validateForRegistry(pc, { pathway, now }),
    otherCases: others.rows,
    identification: await identificationOfCase(app.db, c.organization_id, id),
    ...(await caseExtras(app.db, c.organization_id, id)),
  };
}

export async function readCase(app: FastifyInstance, request: FastifyRequest, id: string) {
  const user = requireUser(request.user);
  await followUndoneMerges(app, id);
  const out = await readCaseUnaudited(app, user.organizationId, id);
  await request.audit({
    action: 'emergency.case.read',
    resourceType: 'emergency-case',
    resourceId: id,
    patientId: out.patient.id,
  });
  return out;
}

export async function searchCases(
  app: FastifyInstance,
  request: FastifyRequest,
  q: {
    center?: Center;
    status?: 'active' | 'closed';
    patientId?: string;
    from?: string;
    to?: string;
    limit?: number;
    offset?: number;
  },
) {
  const user = requireUser(request.user);
  const { rows, total } = await listCases(app.db, {
    orgId: user.organizationId,
    ...q,
    limit: q.limit ?? 50,
    offset: q.offset ?? 0,
  });
  const nodes = await nodesOf(
    app.db,
    rows.map((r) => r.id),
  );
  await request.audit({
    action: 'emergency.case.search',
    resourceType: 'emergency-case',
    detail: { center: q.center ?? null, status: q.status ?? null, returned: rows.map((r) => r.id) },
  });
  return {
    total,
    items: rows.map((c) => {
      const list = nodes.get(c.id) ?? [];
      const pc = toPathwayCase(c, list);
      const problems = validateForRegistry(pc, { pathway: pathwayVersion(c.center, c.pathway_version) });
      return { ...caseSummaryOut(c, list), registryProblems: problems };
    }),
  };
}

export interface CasePatch {
  arrivalMode?: ArrivalMode | null;
  diagnosis?: string | null;
  treatments?: Treatment[];
  bypassedEd?: boolean | null;
  fields?: Record<string, string | number | boolean | null>;
  delayReasons?: DelayReason[];
  outcome?: 'discharged' | 'transferred' | 'died' | null;
  status?: 'active' | 'closed';
}

function scalarField(key: string, v: unknown): void {
  const ok =
    v === null ||
    typeof v === 'boolean' ||
    (typeof v === 'number' && Number.isFinite(v)) ||
    (typeof v === 'string' && v.length <= 200);
  if (!ok)
    throw AppError.invalid(`fields.${key}`, 'must be a string (≤ 200 characters), number, boolean or null');
}

export async function updateCase(
  app: FastifyInstance,
  request: FastifyRequest,
  id: string,
  patch: CasePatch,
) {
  const user = requireUser(request.user);
  await inTransaction(app.db, async (client) => {
    const c = await caseInOrg(client, user.organizationId, id, true);
    if (!c) throw AppError.notFound('emergency case');
    const has = (k: keyof CasePatch) => Object.hasOwn(patch, k);
    for (const [k, v] of Object.entries(patch.fields ?? {})) scalarField(k, v);
    const fields = patch.fields ? { ...c.fields, ...patch.fields } : c.fields;
    const status = patch.status ?? c.status;
    await client.query(
      `UPDATE emergency_cases SET arrival_mode = $2, diagnosis = $3, treatments = $4, bypassed_ed = $5, fields = $6,
         delay_reasons = $7, outcome = $8, status = $9,
         closed_at = CASE WHEN $9 = 'closed' THEN coalesce(closed_at, now()) ELSE NULL END, updated_at = now()
       WHERE id = $1`,
      [
        id,
        has('arrivalMode') ? patch.arrivalMode : c.arrival_mode,
        has('diagnosis') ? patch.diagnosis : c.diagnosis,
        patch.treatments ?? c.treatments,
        has('bypassedEd') ? patch.bypassedEd : c.bypassed_ed,
        fields,
        JSON.stringify(patch.delayReasons ?? c.delay_reasons),
        has('outcome') ? patch.outcome : c.outcome,
        status,
      ],
    );
    const changed = Object.keys(patch).sort();
    await addCaseEvent(client, c, user.id, 'case.update', { fields: changed });
    await request.audit(
      {
        action: 'emergency.case.update',
        resourceType: 'emergency-case',
        resourceId: id,
        patientId: c.patient_id,
        detail: { fields: changed },
      },
      client,
    );
    await publishBoard(app, c, 'case.updated', { caseId: id, center: c.center }, client);
  });
  return readCaseUnaudited(app, user.organizationId, id);
}
