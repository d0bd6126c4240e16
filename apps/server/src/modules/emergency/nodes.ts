/**
 * Time nodes. One tap records the SERVER's time (the tablet's clock may be minutes off); a manual time needs a
 * reason; device and interface times carry where they came from. Every change is kept in the node's history.
 * Chronology problems come back as warnings and never block the write: in an emergency the record must go in.
 */
import { checkChronology, findNode, type TimeSource } from '@lifeline/emergency';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTransaction, type PoolClient } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { publishBoard } from './live';
import { pathwayVersion } from './pathways';
import { addCaseEvent, type CaseRow, caseInOrg, type NodeRow, nodeOut, nodesOf, toPathwayCase } from './repo';

export interface NodeInput {
  code: string;
  instance?: string;
  at?: string;
  window?: { from: string; to: string };
  source?: TimeSource;
  sourceDetail?: string;
  reason?: string;
}

interface CleanTime {
  at: Date | null;
  windowFrom: Date | null;
  windowTo: Date | null;
  source: TimeSource;
  sourceDetail: string | null;
  reason: string | null;
}

/** Instants must carry a zone: a bare local time would be read in whatever zone the server runs. */
function instant(value: string, field: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value))
    throw AppError.invalid(field, 'must be an ISO date-time with Z or an offset');
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw AppError.invalid(field, 'not a valid date-time');
  return d;
}

function cleanTime(
  c: CaseRow,
  input: Omit<NodeInput, 'code' | 'instance'>,
  code: string,
  editing: boolean,
): CleanTime {
  const pathway = pathwayVersion(c.center, c.pathway_version);
  const node = findNode(pathway, code);
  if (!node) throw AppError.invalid('code', `not a node of the ${c.center} pathway ${c.pathway_version}`);
  const source = input.source ?? 'tap';
  if (!node.allowedSources.includes(source))
    throw AppError.invalid(
      'source',
      `${source} is not allowed for ${code} (allowed: ${node.allowedSources.join(', ')})`,
    );
  const reason = input.reason?.trim() || null;
  if (source === 'tap') {
    if (input.at || input.window)
      throw AppError.invalid(
        'at',
        'a tap records the server time; send source "manual" with a reason for another time',
      );
    if (editing) throw AppError.invalid('source', 'an edit gives the corrected time: use source "manual"');
    return { at: new Date(), windowFrom: null, windowTo: null, source, sourceDetail: null, reason };
  }
  if (source === 'manual' && !reason)
    throw AppError.invalid('reason', 'a manually entered time needs a reason');
  if (editing && !reason) throw AppError.invalid('reason', 'changing a recorded time needs a reason');
  if (input.window) {
    if (!node.allowsWindow) throw AppError.invalid('window', `${code} takes an exact time, not a window`);
    if (input.at) throw AppError.invalid('window', 'give either at or window');
    const from = instant(input.window.from, 'window.from');
    const to = instant(input.window.to, 'window.to');
    if (to < from) throw AppError.invalid('window.to', 'must not be before window.from');
    return {
      at: null,
      windowFrom: from,
      windowTo: to,
      source,
      sourceDetail: input.sourceDetail ?? null,
      reason,
    };
  }
  if (!input.at) throw AppError.invalid('at', `required for source ${source}`);
  return {
    at: instant(input.at, 'at'),
    windowFrom: null,
    windowTo: null,
    source,
    sourceDetail: input.sourceDetail ?? null,
    reason,
  };
}

async function writeHistory(
  client: PoolClient,
  nodeId: string,
  action: 'record' | 'edit' | 'delete',
  t: CleanTime,
  userId: string,
) {
  await client.query(
    `INSERT INTO emergency_time_node_history (node_id, action, at, window_from, window_to, source, source_detail, reason, changed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [nodeId, action, t.at, t.windowFrom, t.windowTo, t.source, t.sourceDetail, t.reason, userId],
  );
}

/** The node written and the case's chronology warnings after the write. */
export async function nodeAnswer(app: FastifyInstance, c: CaseRow, nodeId: string | null) {
  const nodes = (await nodesOf(app.db, [c.id])).get(c.id) ?? [];
  const pc = toPathwayCase(c, nodes);
  const warnings = checkChronology(pathwayVersion(c.center, c.pathway_version), pc.times, {
    pathwayCase: pc,
  });
  const node = nodes.find((n) => n.id === nodeId);
  return { node: node ? nodeOut(node) : null, times: nodes.map(nodeOut), warnings };
}

export async function recordNode(
  app: FastifyInstance,
  request: FastifyRequest,
  caseId: string,
  input: NodeInput,
) {
  const user = requireUser(request.user);
  const { c, nodeId } = await inTransaction(app.db, async (client) => {
    const c = await caseInOrg(client, user.organizationId, caseId, true);
    if (!c) throw AppError.notFound('emergency case');
    const t = cleanTime(c, input, input.code, false);
    const def = findNode(pathwayVersion(c.center, c.pathway_version), input.code);
    let instance = input.instance?.trim() ?? '';
    if (def?.multiple && !instance) {
      const n = await client.query<{ n: number }>(
        'SELECT count(*) AS n FROM emergency_time_nodes WHERE case_id = $1 AND code = $2',
        [caseId, input.code],
      );
      instance = String(n.rows[0].n + 1);
    }
    if (!def?.multiple && instance) throw AppError.invalid('instance', `${input.code} is recorded once`);
    const existing = await client.query<NodeRow>(
      'SELECT * FROM emergency_time_nodes WHERE case_id = $1 AND code = $2 AND instance = $3 AND deleted_at IS NULL',
      [caseId, input.code, instance],
    );
    if (existing.rows[0])
      throw AppError.conflict(`${input.code} is already recorded; edit it (with a reason) instead`, 'code');
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO emergency_time_nodes (case_id, organization_id, code, instance, at, window_from, window_to, source,
         source_detail, reason, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        caseId,
        c.organization_id,
        input.code,
        instance,
        t.at,
        t.windowFrom,
        t.windowTo,
        t.source,
        t.sourceDetail,
        t.reason,
        user.id,
      ],
    );
    await writeHistory(client, rows[0].id, 'record', t, user.id);
    await request.audit(
      {
        action: 'emergency.node.record',
        resourceType: 'emergency-case',
        resourceId: caseId,
        patientId: c.patient_id,
        detail: { code: input.code, instance, source: t.source },
      },
      client,
    );
    // The node itself travels with the event, so boards show it at once without waiting for their refetch.
    await publishBoard(
      app,
      c,
      'node.recorded',
      {
        caseId,
        center: c.center,
        code: input.code,
        node: {
          id: rows[0].id,
          code: input.code,
          instance: instance || null,
          at: t.at?.toISOString() ?? null,
          window:
            t.windowFrom && t.windowTo
              ? { from: t.windowFrom.toISOString(), to: t.windowTo.toISOString() }
              : null,
          source: t.source,
        },
      },
      client,
    );
    return { c, nodeId: rows[0].id };
  });
  return nodeAnswer(app, c, nodeId);
}

export async function editNode(
  app: FastifyInstance,
  request: FastifyRequest,
  caseId: string,
  nodeId: string,
  input: Omit<NodeInput, 'code' | 'instance'>,
) {
  const user = requireUser(request.user);
  const c = await inTransaction(app.db, async (client) => {
    const c = await caseInOrg(client, user.organizationId, caseId, true);
    if (!c) throw AppError.notFound('emergency case');
    const { rows } = await client.query<NodeRow>(
      'SELECT * FROM emergency_time_nodes WHERE id = $1 AND case_id = $2 AND deleted_at IS NULL FOR UPDATE',
      [nodeId, caseId],
    );
    const node = rows[0];
    if (!node) throw AppError.notFound('time node');
    const t = cleanTime(c, { ...input, source: input.source ?? 'manual' }, node.code, true);
    await client.query(
      `UPDATE emergency_time_nodes SET at = $2, window_from = $3, window_to = $4, source = $5, source_detail = $6,
         reason = $7, recorded_by = $8, recorded_at = now(), version = version + 1 WHERE id = $1`,
      [nodeId, t.at, t.windowFrom, t.windowTo, t.source, t.sourceDetail, t.reason, user.id],
    );
    await writeHistory(client, nodeId, 'edit', t, user.id);
    await request.audit(
      {
        action: 'emergency.node.edit',
        resourceType: 'emergency-case',
        resourceId: caseId,
        patientId: c.patient_id,
        detail: { code: node.code, nodeId, source: t.source, previousAt: node.at?.toISOString() ?? null },
      },
      client,
    );
    await publishBoard(app, c, 'node.edited', { caseId, center: c.center, code: node.code }, client);
    return c;
  });
  return nodeAnswer(app, c, nodeId);
}

export async function deleteNode(
  app: FastifyInstance,
  request: FastifyRequest,
  caseId: string,
  nodeId: string,
  reason: string,
) {
  const user = requireUser(request.user);
  const c = await inTransaction(app.db, async (client) => {
    const c = await caseInOrg(client, user.organizationId, caseId, true);
    if (!c) throw AppError.notFound('emergency case');
    const { rows } = await client.query<NodeRow>(
      `UPDATE emergency_time_nodes SET deleted_at = now() WHERE id = $1 AND case_id = $2 AND deleted_at IS NULL RETURNING *`,
      [nodeId, caseId],
    );
    const node = rows[0];
    if (!node) throw AppError.notFound('time node');
    await writeHistory(
      client,
      nodeId,
      'delete',
      {
        at: node.at,
        windowFrom: node.window_from,
        windowTo: node.window_to,
        source: node.source,
        sourceDetail: node.source_detail,
        reason,
      },
      user.id,
    );
    await addCaseEvent(client, c, user.id, 'node.delete', { code: node.code, reason });
    await request.audit(
      {
        action: 'emergency.node.delete',
        resourceType: 'emergency-case',
        resourceId: caseId,
        patientId: c.patient_id,
        detail: { code: node.code, nodeId },
      },
      client,
    );
    await publishBoard(app, c, 'node.deleted', { caseId, center: c.center, code: node.code }, client);
    return c;
  });
  return nodeAnswer(app, c, null);
}

export async function nodeHistory(
  app: FastifyInstance,
  request: FastifyRequest,
  caseId: string,
  nodeId: string,
) {
  const user = requireUser(request.user);
  const c = await caseInOrg(app.db, user.organizationId, caseId);
  if (!c) throw AppError.notFound('emergency case');
  const { rows } = await app.db.query(
    `SELECT h.*, u.display_name FROM emergency_time_node_history h JOIN emergency_time_nodes n ON n.id = h.node_id
     LEFT JOIN users u ON u.id = h.changed_by WHERE h.node_id = $1 AND n.case_id = $2 ORDER BY h.changed_at, h.id`,
    [nodeId, caseId],
  );
  await request.audit({
    action: 'emergency.node.history',
    resourceType: 'emergency-case',
    resourceId: caseId,
    patientId: c.patient_id,
  });
  return rows.map((h) => ({
    action: h.action,
    at: h.at?.toISOString() ?? null,
    window: h.window_from ? { from: h.window_from.toISOString(), to: h.window_to.toISOString() } : null,
    source: h.source,
    sourceDetail: h.source_detail,
    reason: h.reason,
    changedBy: h.display_name,
    changedAt: h.changed_at.toISOString(),
  }));
}
