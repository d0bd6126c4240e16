/**
 * An unknown patient (无名氏-<wristband>) is identified. The temporary record is merged into the real one through
 * the patients module (patient_merges: identifiers move, history and audit there), and the emergency cases and the
 * ECG exams and reports of the temporary record are re-pointed to the real patient; their time nodes, scores and
 * records belong to the case and so move with it. What moved is kept in emergency_identifications, so the
 * identification can be undone: through POST /identifications/:id/undo, or by undoing the patient merge on the
 * patient page, which the background sweep (and the next read of the case) then follows.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTransaction, type PoolClient, type Queryable } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { appendAudit } from '../../plugins/audit';
import { requireUser } from '../../plugins/context';
import { mergePatients, patientInOrg, undoPatientMerge } from '../patients';
import { publishBoard } from './live';
import { addCaseEvent, caseInOrg } from './repo';

interface IdentificationRow {
  id: string;
  organization_id: string;
  temporary_patient_id: string;
  patient_id: string;
  merge_id: string | null;
  case_ids: string[];
  ecg_exam_ids: string[];
  ecg_report_ids: string[];
  reason: string;
  identified_at: Date;
  undone_at: Date | null;
}

async function tableExists(db: Queryable, name: string): Promise<boolean> {
  const { rows } = await db.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [name]);
  return rows[0].t !== null;
}

/** Re-points the rows of one table from one patient to another; only the listed ids when given. */
async function repoint(
  client: PoolClient,
  table: 'ecg_exams' | 'ecg_reports',
  orgId: string,
  from: string,
  to: string,
  ids?: string[],
): Promise<string[]> {
  if (!(await tableExists(client, table))) return [];
  const { rows } = await client.query<{ id: string }>(
    `UPDATE ${table} SET patient_id = $3 WHERE organization_id = $1 AND patient_id = $2
       AND ($4::uuid[] IS NULL OR id = ANY($4)) RETURNING id`,
    [orgId, from, to, ids ?? null],
  );
  return rows.map((r) => r.id);
}

export async function identifyPatient(
  app: FastifyInstance,
  request: FastifyRequest,
  caseId: string,
  realPatientId: string,
  reason: string,
  merge = true,
): Promise<string> {
  const user = requireUser(request.user);
  // Checks first, so a refused identification leaves no merge behind.
  const c = await caseInOrg(app.db, user.organizationId, caseId);
  if (!c) throw AppError.notFound('emergency case');
  if (!c.temporary_identity) throw AppError.conflict('the case already belongs to an identified patient');
  if (realPatientId === c.patient_id)
    throw AppError.invalid('patientId', 'must be the real patient, not the temporary one');
  const real = await patientInOrg(app.db, c.organization_id, realPatientId);
  if (!real || real.merged_into_id)
    throw AppError.invalid('patientId', 'no such patient in your organisation');
  const temporaryId = c.patient_id;
  const temp = await patientInOrg(app.db, c.organization_id, temporaryId, true);

  // The patient merge (its own transaction in the patients module); undone again if the re-pointing fails.
  let mergeId: string | null = null;
  if (merge && temp && !temp.merged_into_id && c.organization_id === user.organizationId)
    mergeId = (await mergePatients(app, request, realPatientId, temporaryId, reason)).mergeId;
  try {
    return await inTransaction(app.db, async (client) => {
      const locked = await caseInOrg(client, user.organizationId, caseId, true);
      if (!locked?.temporary_identity)
        throw AppError.conflict('the case already belongs to an identified patient');
      const moved = await client.query<{ id: string; organization_id: string; center: string }>(
        `UPDATE emergency_cases SET patient_id = $1, temporary_identity = false, updated_at = now()
         WHERE organization_id = $2 AND patient_id = $3 RETURNING id, organization_id, center`,
        [realPatientId, c.organization_id, temporaryId],
      );
      const exams = await repoint(client, 'ecg_exams', c.organization_id, temporaryId, realPatientId);
      const reports = await repoint(client, 'ecg_reports', c.organization_id, temporaryId, realPatientId);
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO emergency_identifications (organization_id, temporary_patient_id, patient_id, merge_id, case_ids,
           ecg_exam_ids, ecg_report_ids, reason, identified_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [
          c.organization_id,
          temporaryId,
          realPatientId,
          mergeId,
          moved.rows.map((m) => m.id),
          exams,
          reports,
          reason,
          user.id,
        ],
      );
      const identificationId = rows[0].id;
      const detail = {
        temporaryPatientId: temporaryId,
        identificationId,
        mergeId,
        ecgExamIds: exams,
        reason,
      };
      for (const m of moved.rows) {
        await addCaseEvent(client, m, user.id, 'case.identify', { ...detail, patientId: realPatientId });
        await request.audit(
          {
            action: 'emergency.case.identify',
            resourceType: 'emergency-case',
            resourceId: m.id,
            patientId: realPatientId,
            detail,
          },
          client,
        );
      }
      await publishBoard(app, c, 'case.updated', { caseId, center: c.center }, client);
      return identificationId;
    });
  } catch (err) {
    if (mergeId) await undoMergeQuietly(app, request, mergeId, 'identification failed; merge rolled back');
    throw err;
  }
}

async function undoMergeQuietly(app: FastifyInstance, request: FastifyRequest, mergeId: string, why: string) {
  await undoPatientMerge(app, request, mergeId, why).catch((err) =>
    app.log.error({ err, mergeId }, 'could not undo the patient merge of a failed identification'),
  );
}

/** Moves back what the identification moved (rows still on the real patient) and marks it undone. */
async function revert(
  client: PoolClient,
  app: FastifyInstance,
  i: IdentificationRow,
  userId: string | null,
  reason: string,
) {
  const cases = await client.query<{ id: string; organization_id: string; center: string }>(
    `UPDATE emergency_cases SET patient_id = $1, temporary_identity = true, updated_at = now()
     WHERE organization_id = $2 AND patient_id = $3 AND id = ANY($4) RETURNING id, organization_id, center`,
    [i.temporary_patient_id, i.organization_id, i.patient_id, i.case_ids],
  );
  const exams = await repoint(
    client,
    'ecg_exams',
    i.organization_id,
    i.patient_id,
    i.temporary_patient_id,
    i.ecg_exam_ids,
  );
  await repoint(
    client,
    'ecg_reports',
    i.organization_id,
    i.patient_id,
    i.temporary_patient_id,
    i.ecg_report_ids,
  );
  await client.query(
    'UPDATE emergency_identifications SET undone_at = now(), undone_by = $2, undo_reason = $3 WHERE id = $1',
    [i.id, userId, reason],
  );
  const detail = {
    identificationId: i.id,
    temporaryPatientId: i.temporary_patient_id,
    fromPatientId: i.patient_id,
    ecgExamIds: exams,
    reason,
  };
  for (const c of cases.rows) {
    await addCaseEvent(client, c, userId, 'case.identify-undone', detail);
    await publishBoard(app, c, 'case.updated', { caseId: c.id, center: c.center }, client);
  }
  return { caseIds: cases.rows.map((c) => c.id), detail };
}

export async function undoIdentification(
  app: FastifyInstance,
  request: FastifyRequest,
  identificationId: string,
  reason: string,
) {
  const user = requireUser(request.user);
  const { rows } = await app.db.query<IdentificationRow & { merge_undone: Date | null }>(
    `SELECT i.*, m.undone_at AS merge_undone FROM emergency_identifications i
     LEFT JOIN patient_merges m ON m.id = i.merge_id WHERE i.id = $1 AND i.organization_id = $2`,
    [identificationId, user.organizationId],
  );
  const found = rows[0];
  if (!found) throw AppError.notFound('identification');
  if (found.undone_at) throw AppError.conflict('this identification was already undone');
  // The patient merge first: its checks (e.g. the real record merged on since) refuse the undo as a whole.
  if (found.merge_id && !found.merge_undone) {
    await undoPatientMerge(app, request, found.merge_id, reason);
  }
  const out = await inTransaction(app.db, async (client) => {
    const locked = await client.query<IdentificationRow>(
      'SELECT * FROM emergency_identifications WHERE id = $1 FOR UPDATE',
      [identificationId],
    );
    const i = locked.rows[0];
    if (i.undone_at) throw AppError.conflict('this identification was already undone');
    const r = await revert(client, app, i, user.id, reason);
    for (const caseId of r.caseIds)
      await request.audit(
        {
          action: 'emergency.case.identify.undo',
          resourceType: 'emergency-case',
          resourceId: caseId,
          patientId: i.temporary_patient_id,
          detail: r.detail,
        },
        client,
      );
    return r;
  });
  return { identificationId, caseIds: out.caseIds };
}

/**
 * Identifications whose patient merge was undone on the patient page: their cases and ECGs go back to the
 * temporary record too. Runs in the background sweep, and for one case before it is read.
 */
export async function followUndoneMerges(app: FastifyInstance, caseId?: string): Promise<number> {
  const { rows } = await app.db.query<{ id: string }>(
    `SELECT i.id FROM emergency_identifications i JOIN patient_merges m ON m.id = i.merge_id
     WHERE i.undone_at IS NULL AND m.undone_at IS NOT NULL AND ($1::uuid IS NULL OR $1 = ANY(i.case_ids))`,
    [caseId ?? null],
  );
  for (const { id } of rows)
    await inTransaction(app.db, async (client) => {
      const locked = await client.query<IdentificationRow>(
        'SELECT * FROM emergency_identifications WHERE id = $1 AND undone_at IS NULL FOR UPDATE',
        [id],
      );
      const i = locked.rows[0];
      if (!i) return;
      const r = await revert(client, app, i, null, 'patient merge undone');
      for (const cid of r.caseIds)
        await appendAudit(
          client,
          null,
          null,
          {
            action: 'emergency.case.identify.undo',
            resourceType: 'emergency-case',
            resourceId: cid,
            patientId: i.temporary_patient_id,
            detail: { ...r.detail, by: 'background' },
          },
          true,
        );
    });
  return rows.length;
}

/** The identification still in force that moved this case, for the case page (undo button). */
export async function identificationOfCase(db: Queryable, orgId: string, caseId: string) {
  const { rows } = await db.query<IdentificationRow & { merged_by_name: string | null }>(
    `SELECT i.*, u.display_name AS merged_by_name FROM emergency_identifications i
     LEFT JOIN users u ON u.id = i.identified_by
     WHERE i.organization_id = $1 AND $2 = ANY(i.case_ids) AND i.undone_at IS NULL
     ORDER BY i.identified_at DESC LIMIT 1`,
    [orgId, caseId],
  );
  const i = rows[0];
  if (!i) return null;
  return {
    id: i.id,
    temporaryPatientId: i.temporary_patient_id,
    patientId: i.patient_id,
    mergeId: i.merge_id,
    ecgExamIds: i.ecg_exam_ids,
    reason: i.reason,
    at: i.identified_at.toISOString(),
    by: i.merged_by_name,
  };
}
