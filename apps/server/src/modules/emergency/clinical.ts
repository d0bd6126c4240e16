/**
 * Clinical records of a case: scores (stored with items, total, interpretation, time and author; repeated scores
 * form a series), thrombolysis checklists with their decision, informed consent with a photo of the signed form,
 * and the cath-lab / operating-room registration.
 */
import {
  CHECKLISTS,
  type ChecklistAnswers,
  EmergencyInputError,
  evaluateChecklist,
  SCORES,
  type ScoreItems,
  scoreSeries,
} from '@lifeline/emergency';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTransaction, type Queryable } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { addCaseEvent, type CaseRow, caseInOrg } from './repo';

/** Scores where a higher total is worse; the rest (GCS, RTS, ASPECTS…) improve upwards. */
const HIGHER_IS_WORSE = new Set([
  'nihss',
  'iss',
  'mrs',
  'grace',
  'heart',
  'timi',
  'killip',
  'fast-ed',
  'phi',
  'trauma-index',
]);

async function lockedCase(client: Queryable, orgId: string, id: string): Promise<CaseRow> {
  const c = await caseInOrg(client, orgId, id, true);
  if (!c) throw AppError.notFound('emergency case');
  return c;
}

function asFieldError(err: unknown, prefix: string): never {
  if (err instanceof EmergencyInputError) {
    const field = err.field.includes('.') ? `${prefix}.${err.field.split('.').slice(1).join('.')}` : prefix;
    throw AppError.invalid(field, err.message);
  }
  throw err;
}

export async function addScore(
  app: FastifyInstance,
  request: FastifyRequest,
  caseId: string,
  input: { code: string; items: ScoreItems; at?: string; label?: string },
) {
  const user = requireUser(request.user);
  const def = SCORES[input.code];
  if (!def) throw AppError.invalid('code', `unknown score ${input.code}`);
  let result: ReturnType<typeof def.compute>;
  try {
    result = def.compute(input.items);
  } catch (err) {
    asFieldError(err, 'items');
  }
  const at = input.at ? new Date(input.at) : new Date();
  if (Number.isNaN(at.getTime())) throw AppError.invalid('at', 'not a valid date-time');
  return inTransaction(app.db, async (client) => {
    const c = await lockedCase(client, user.organizationId, caseId);
    if (!def.centers.includes(c.center))
      throw AppError.invalid('code', `${input.code} is not a ${c.center} score`);
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO emergency_scores (case_id, organization_id, code, label, items, total, display, interpretation, result, assessed_at, author_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        caseId,
        c.organization_id,
        input.code,
        input.label ?? null,
        input.items,
        result.total,
        result.display,
        result.interpretation,
        result,
        at,
        user.id,
      ],
    );
    await request.audit(
      {
        action: 'emergency.score.add',
        resourceType: 'emergency-case',
        resourceId: caseId,
        patientId: c.patient_id,
        detail: { code: input.code, scoreId: rows[0].id },
      },
      client,
    );
    return {
      id: rows[0].id,
      code: input.code,
      label: input.label ?? null,
      total: result.total,
      display: result.display,
      interpretation: result.interpretation,
      at: at.toISOString(),
      author: user.displayName,
    };
  });
}

/** Scores of a case grouped by code, each group as a time series; the reference event is the thrombolysis. */
async function scoresOf(db: Queryable, caseId: string) {
  const { rows } = await db.query(
    `SELECT s.*, u.display_name AS author FROM emergency_scores s LEFT JOIN users u ON u.id = s.author_id
     WHERE s.case_id = $1 ORDER BY s.assessed_at, s.created_at`,
    [caseId],
  );
  const event = await db.query<{ at: Date }>(
    `SELECT min(at) AS at FROM emergency_time_nodes WHERE case_id = $1 AND deleted_at IS NULL
       AND code IN ('ivt-bolus', 'thrombolysis-start') HAVING min(at) IS NOT NULL`,
    [caseId],
  );
  const eventAt = event.rows[0]?.at?.toISOString();
  const byCode = new Map<string, typeof rows>();
  for (const r of rows) byCode.set(r.code, [...(byCode.get(r.code) ?? []), r]);
  return [...byCode.entries()].map(([code, list]) => ({
    code,
    entries: list.map((r) => ({
      id: r.id,
      label: r.label,
      items: r.items,
      total: r.total,
      display: r.display,
      interpretation: r.interpretation,
      at: r.assessed_at.toISOString(),
      author: r.author,
    })),
    series: scoreSeries(
      list.map((r) => ({ at: r.assessed_at.toISOString(), total: r.total, label: r.label ?? undefined })),
      {
        eventAt,
        direction: HIGHER_IS_WORSE.has(code) ? 'higher-is-worse' : 'higher-is-better',
        relevantChange: code === 'nihss' ? 4 : 1,
      },
    ),
  }));
}

export async function addChecklist(
  app: FastifyInstance,
  request: FastifyRequest,
  caseId: string,
  input: { checklist: string; answers: ChecklistAnswers; decision?: string },
) {
  const user = requireUser(request.user);
  const list = CHECKLISTS[input.checklist];
  if (!list) throw AppError.invalid('checklist', `unknown checklist ${input.checklist}`);
  let evaluation: ReturnType<typeof evaluateChecklist>;
  try {
    evaluation = evaluateChecklist(list, input.answers);
  } catch (err) {
    asFieldError(err, 'answers');
  }
  return inTransaction(app.db, async (client) => {
    const c = await lockedCase(client, user.organizationId, caseId);
    const { rows } = await client.query<{ id: string; decided_at: Date }>(
      `INSERT INTO emergency_checklists (case_id, organization_id, checklist_code, answers, outcome, reasons, decision, decided_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, decided_at`,
      [
        caseId,
        c.organization_id,
        input.checklist,
        input.answers,
        evaluation.outcome,
        JSON.stringify(evaluation.reasons),
        input.decision ?? null,
        user.id,
      ],
    );
    await request.audit(
      {
        action: 'emergency.checklist.add',
        resourceType: 'emergency-case',
        resourceId: caseId,
        patientId: c.patient_id,
        detail: { checklist: input.checklist, outcome: evaluation.outcome },
      },
      client,
    );
    return {
      id: rows[0].id,
      ...evaluation,
      decision: input.decision ?? null,
      decidedBy: user.displayName,
      decidedAt: rows[0].decided_at.toISOString(),
    };
  });
}

const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'application/pdf']);
const MAX_PHOTO_BYTES = 8 * 1024 * 1024;

export async function addConsent(
  app: FastifyInstance,
  request: FastifyRequest,
  caseId: string,
  input: {
    kind: string;
    startedAt?: string;
    signedAt?: string;
    photo?: { contentType: string; dataBase64: string };
  },
) {
  const user = requireUser(request.user);
  const started = input.startedAt ? new Date(input.startedAt) : null;
  const signed = input.signedAt ? new Date(input.signedAt) : null;
  if (started && signed && signed < started)
    throw AppError.invalid('signedAt', 'must not be before startedAt');
  let photo: Buffer | null = null;
  if (input.photo) {
    if (!PHOTO_TYPES.has(input.photo.contentType))
      throw AppError.invalid('photo.contentType', 'JPEG, PNG, WebP or PDF');
    photo = Buffer.from(input.photo.dataBase64, 'base64');
    if (!photo.length) throw AppError.invalid('photo.dataBase64', 'empty or not base64');
    if (photo.length > MAX_PHOTO_BYTES) throw AppError.invalid('photo.dataBase64', 'larger than 8 MB');
  }
  return inTransaction(app.db, async (client) => {
    const c = await lockedCase(client, user.organizationId, caseId);
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO emergency_consents (case_id, organization_id, kind, started_at, signed_at, photo, photo_type, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        caseId,
        c.organization_id,
        input.kind,
        started,
        signed,
        photo,
        input.photo?.contentType ?? null,
        user.id,
      ],
    );
    await addCaseEvent(client, c, user.id, 'consent.add', { kind: input.kind, consentId: rows[0].id });
    await request.audit(
      {
        action: 'emergency.consent.add',
        resourceType: 'emergency-case',
        resourceId: caseId,
        patientId: c.patient_id,
        detail: { kind: input.kind, photo: Boolean(photo) },
      },
      client,
    );
    return {
      id: rows[0].id,
      kind: input.kind,
      startedAt: started?.toISOString() ?? null,
      signedAt: signed?.toISOString() ?? null,
      hasPhoto: Boolean(photo),
    };
  });
}

export async function consentPhoto(
  app: FastifyInstance,
  request: FastifyRequest,
  caseId: string,
  consentId: string,
) {
  const user = requireUser(request.user);
  const { rows } = await app.db.query<{
    photo: Buffer | null;
    photo_type: string | null;
    patient_id: string;
  }>(
    `SELECT k.photo, k.photo_type, c.patient_id FROM emergency_consents k JOIN emergency_cases c ON c.id = k.case_id
     WHERE k.id = $1 AND k.case_id = $2 AND (c.organization_id = $3 OR c.prehospital_organization_id = $3)`,
    [consentId, caseId, user.organizationId],
  );
  if (!rows[0]?.photo) throw AppError.notFound('consent photo');
  await request.audit({
    action: 'emergency.consent.photo.read',
    resourceType: 'emergency-case',
    resourceId: caseId,
    patientId: rows[0].patient_id,
    detail: { consentId },
  });
  return { bytes: rows[0].photo, contentType: rows[0].photo_type ?? 'application/octet-stream' };
}

export interface ProcedureData {
  times?: Record<string, string>;
  culpritVessel?: string;
  timiBefore?: number;
  timiAfter?: number;
  stents?: { vessel?: string; diameterMm?: number; lengthMm?: number }[];
  complications?: string[];
  delayReasons?: string[];
  notes?: string;
}

export async function saveProcedure(
  app: FastifyInstance,
  request: FastifyRequest,
  caseId: string,
  input: { id?: string; kind: 'cathlab' | 'or'; data: ProcedureData },
) {
  const user = requireUser(request.user);
  for (const [k, v] of Object.entries(input.data.times ?? {}))
    if (Number.isNaN(new Date(v).getTime()) || !/[Zz]|[+-]\d{2}:\d{2}$/.test(v))
      throw AppError.invalid(`data.times.${k}`, 'must be an ISO date-time with Z or an offset');
  return inTransaction(app.db, async (client) => {
    const c = await lockedCase(client, user.organizationId, caseId);
    let id = input.id;
    if (id) {
      const u = await client.query(
        'UPDATE emergency_procedures SET data = $3, kind = $4, recorded_by = $5, updated_at = now() WHERE id = $1 AND case_id = $2',
        [id, caseId, input.data, input.kind, user.id],
      );
      if (!u.rowCount) throw AppError.notFound('procedure');
    } else {
      const { rows } = await client.query<{ id: string }>(
        'INSERT INTO emergency_procedures (case_id, organization_id, kind, data, recorded_by) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [caseId, c.organization_id, input.kind, input.data, user.id],
      );
      id = rows[0].id;
    }
    await addCaseEvent(client, c, user.id, 'procedure.save', { kind: input.kind, procedureId: id });
    await request.audit(
      {
        action: 'emergency.procedure.save',
        resourceType: 'emergency-case',
        resourceId: caseId,
        patientId: c.patient_id,
        detail: { kind: input.kind, procedureId: id },
      },
      client,
    );
    return { id, kind: input.kind, data: input.data };
  });
}

/** The clinical records and event log shown on the case page. */
export async function caseExtras(db: Queryable, orgId: string, caseId: string) {
  const [checklists, consents, procedures, activations, events] = await Promise.all([
    db.query(
      `SELECT k.*, u.display_name FROM emergency_checklists k LEFT JOIN users u ON u.id = k.decided_by
       WHERE k.case_id = $1 AND k.organization_id = $2 ORDER BY k.decided_at`,
      [caseId, orgId],
    ),
    db.query(
      `SELECT id, kind, started_at, signed_at, photo IS NOT NULL AS has_photo, recorded_at FROM emergency_consents
       WHERE case_id = $1 AND organization_id = $2 ORDER BY recorded_at`,
      [caseId, orgId],
    ),
    db.query(
      `SELECT p.*, u.display_name FROM emergency_procedures p LEFT JOIN users u ON u.id = p.recorded_by
       WHERE p.case_id = $1 AND p.organization_id = $2 ORDER BY p.updated_at`,
      [caseId, orgId],
    ),
    db.query(
      `SELECT a.*, t.code AS team_code, t.name AS team_name, u.display_name AS activated_by_name,
         (SELECT json_agg(json_build_object('userId', m.user_id, 'name', mu.display_name, 'notifiedAt', m.notified_at,
            'acknowledgedAt', m.acknowledged_at, 'arrivedAt', m.arrived_at, 'escalation', m.escalation) ORDER BY mu.display_name)
          FROM emergency_activation_members m JOIN users mu ON mu.id = m.user_id WHERE m.activation_id = a.id) AS members
       FROM emergency_activations a JOIN emergency_teams t ON t.id = a.team_id LEFT JOIN users u ON u.id = a.activated_by
       WHERE a.case_id = $1 AND a.organization_id = $2 ORDER BY a.activated_at`,
      [caseId, orgId],
    ),
    db.query(
      `SELECT e.at, e.action, e.detail, u.display_name FROM emergency_case_events e LEFT JOIN users u ON u.id = e.user_id
       WHERE e.case_id = $1 AND e.organization_id = $2 ORDER BY e.at, e.id`,
      [caseId, orgId],
    ),
  ]);
  return {
    scores: await scoresOf(db, caseId),
    checklists: checklists.rows.map((k) => ({
      id: k.id,
      checklist: k.checklist_code,
      answers: k.answers,
      outcome: k.outcome,
      reasons: k.reasons,
      decision: k.decision,
      decidedBy: k.display_name,
      decidedAt: k.decided_at.toISOString(),
    })),
    consents: consents.rows.map((k) => ({
      id: k.id,
      kind: k.kind,
      startedAt: k.started_at?.toISOString() ?? null,
      signedAt: k.signed_at?.toISOString() ?? null,
      hasPhoto: k.has_photo,
      recordedAt: k.recorded_at.toISOString(),
    })),
    procedures: procedures.rows.map((p) => ({
      id: p.id,
      kind: p.kind,
      data: p.data,
      recordedBy: p.display_name,
      updatedAt: p.updated_at.toISOString(),
    })),
    activations: activations.rows.map((a) => ({
      id: a.id,
      team: a.team_code,
      teamName: a.team_name,
      status: a.status,
      activatedAt: a.activated_at.toISOString(),
      activatedBy: a.activated_by_name,
      escalationLevel: a.escalation_level,
      escalateAt: a.escalate_at?.toISOString() ?? null,
      members: (a.members ?? []) as unknown[],
    })),
    events: events.rows.map((e) => ({
      at: e.at.toISOString(),
      action: e.action,
      detail: e.detail,
      userName: e.display_name,
    })),
  };
}
