/**
 * Troponin times from the laboratory: the first troponin result of the patient around the case (stored by the
 * HL7 interface, modules/integration) gives "troponin drawn" (specimen time) and "troponin reported", source
 * "lab". Nodes already recorded by hand are left as they are. Imported on demand (button) and by the background
 * sweep for active chest-pain cases, so the times appear without anyone asking.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTransaction, type PoolClient } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { appendAudit } from '../../plugins/audit';
import { requireUser } from '../../plugins/context';
import { troponinResults } from '../integration';
import { publishBoard } from './live';
import { nodeAnswer } from './nodes';
import { type CaseRow, caseInOrg, nodesOf } from './repo';

/** Results up to this long before the case count: a troponin drawn at the referring hospital or in triage. */
const LOOKBACK_MS = 24 * 3600_000;

interface Imported {
  code: string;
  at: string;
  resultId: string;
}

/** Records the missing troponin nodes of a (locked) case from its patient's first troponin result. */
async function importFor(client: PoolClient, c: CaseRow, userId: string | null): Promise<Imported[]> {
  const nodes = (await nodesOf(client, [c.id])).get(c.id) ?? [];
  const times = nodes
    .map((n) => (n.at ?? n.window_from)?.getTime())
    .filter((t): t is number => t !== undefined);
  const since = new Date(Math.min(c.created_at.getTime(), ...times) - LOOKBACK_MS).toISOString();
  const first = (await troponinResults(client, c.organization_id, c.patient_id, since))[0];
  const imported: Imported[] = [];
  if (!first) return imported;
  const wanted: [string, string | null][] = [
    ['troponin-drawn', first.observedAt],
    ['troponin-reported', first.reportedAt ?? first.receivedAt],
  ];
  for (const [code, at] of wanted) {
    if (!at || nodes.some((n) => n.code === code)) continue;
    const detail = `lab:${first.id}`;
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO emergency_time_nodes (case_id, organization_id, code, at, source, source_detail, recorded_by)
       VALUES ($1, $2, $3, $4, 'lab', $5, $6) RETURNING id`,
      [c.id, c.organization_id, code, at, detail, userId],
    );
    await client.query(
      `INSERT INTO emergency_time_node_history (node_id, action, at, source, source_detail, changed_by)
       VALUES ($1, 'record', $2, 'lab', $3, $4)`,
      [rows[0].id, at, detail, userId],
    );
    imported.push({ code, at, resultId: first.id });
  }
  return imported;
}

export async function importTroponinTimes(app: FastifyInstance, request: FastifyRequest, caseId: string) {
  const user = requireUser(request.user);
  const { c, imported } = await inTransaction(app.db, async (client) => {
    const c = await caseInOrg(client, user.organizationId, caseId, true);
    if (!c) throw AppError.notFound('emergency case');
    if (c.center !== 'chest-pain')
      throw AppError.invalid('center', 'troponin times belong to the chest pain pathway');
    const imported = await importFor(client, c, user.id);
    await request.audit(
      {
        action: 'emergency.node.lab-import',
        resourceType: 'emergency-case',
        resourceId: caseId,
        patientId: c.patient_id,
        detail: { imported: imported.map((i) => i.code), resultId: imported[0]?.resultId ?? null },
      },
      client,
    );
    if (imported.length) await publishBoard(app, c, 'node.recorded', { caseId, center: c.center }, client);
    return { c, imported };
  });
  return { imported, ...(await nodeAnswer(app, c, null)) };
}

/**
 * Background import for active chest-pain cases still without a troponin time whose patient has lab results.
 * Cases are locked with SKIP LOCKED, so several server processes share the work. Returns the case ids updated.
 */
export async function sweepLabTimes(app: FastifyInstance): Promise<string[]> {
  return inTransaction(app.db, async (client) => {
    const { rows } = await client.query<{ id: string; organization_id: string }>(
      `SELECT c.id, c.organization_id FROM emergency_cases c
       WHERE c.status = 'active' AND c.center = 'chest-pain'
         AND NOT EXISTS (SELECT 1 FROM emergency_time_nodes n WHERE n.case_id = c.id AND n.deleted_at IS NULL
                         AND n.code = 'troponin-drawn')
         AND EXISTS (SELECT 1 FROM lab_results r WHERE r.organization_id = c.organization_id AND r.patient_id = c.patient_id
                     AND coalesce(r.observed_at, r.created_at) >= c.created_at - interval '24 hours')
       ORDER BY c.created_at DESC LIMIT 20 FOR UPDATE SKIP LOCKED`,
    );
    const updated: string[] = [];
    for (const row of rows) {
      const c = await caseInOrg(client, row.organization_id, row.id);
      if (!c) continue;
      const imported = await importFor(client, c, null);
      if (!imported.length) continue;
      await appendAudit(
        client,
        null,
        null,
        {
          action: 'emergency.node.lab-import',
          resourceType: 'emergency-case',
          resourceId: c.id,
          patientId: c.patient_id,
          detail: { imported: imported.map((i) => i.code), resultId: imported[0].resultId, by: 'background' },
        },
        true,
      );
      await publishBoard(app, c, 'node.recorded', { caseId: c.id, center: c.center }, client);
      updated.push(c.id);
    }
    return updated;
  });
}
