/**
 * One-click team activation (cath lab, stroke, CT, trauma). Members are alerted in the app and through the
 * team's notification channels; each acknowledgement and arrival is recorded. When nobody acknowledges within
 * the team's N minutes, the sweep escalates: it alerts the escalation contacts and everyone again, and repeats
 * every N minutes up to MAX_ESCALATIONS. The sweep locks due rows with FOR UPDATE SKIP LOCKED, so several
 * server processes can run it at once without alerting twice.
 */

import { findNode } from '@lifeline/emergency';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTransaction, type PoolClient } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { type ChannelDelivery, notify } from '../notifications';
import { refreshCaseMetrics } from './case-metrics';
import { followUndoneMerges } from './identify';
import { sweepLabTimes } from './lab';
import { publishBoard } from './live';
import { pathwayVersion } from './pathways';
import { addCaseEvent, caseInOrg } from './repo';
import { ensureTeams, type TeamRow } from './teams';

export const MAX_ESCALATIONS = 3;

const CENTER_LABEL = { 'chest-pain': '胸痛', stroke: '卒中', trauma: '创伤' } as const;

/** The pathway node a team activation stands for: recorded by the tap when the case has not got it yet. */
const ACTIVATION_NODE: Record<string, string> = {
  cathlab: 'cathlab-called',
  trauma: 'trauma-team-activated',
};

interface Alert {
  orgId: string;
  userIds: string[];
  channelIds: string[];
  title: string;
  body: string;
  caseId: string;
  severity: 'warning' | 'critical';
  kind: string;
}

async function sendAlert(app: FastifyInstance, a: Alert, client: PoolClient) {
  return notify(
    app,
    {
      organizationId: a.orgId,
      userIds: a.userIds,
      channelIds: a.channelIds,
      kind: a.kind,
      severity: a.severity,
      title: a.title,
      body: a.body,
      link: `/emergency/cases/${a.caseId}`,
      resourceType: 'emergency-case',
      resourceId: a.caseId,
    },
    client,
  );
}

/** Outbound deliveries of the last activations/escalations, for tests and diagnostics. */
export const pendingDeliveries = new Set<Promise<ChannelDelivery[]>>();
function track(p: Promise<ChannelDelivery[]>) {
  pendingDeliveries.add(p);
  void p.finally(() => pendingDeliveries.delete(p));
}

export async function activateTeam(
  app: FastifyInstance,
  request: FastifyRequest,
  caseId: string,
  input: { team: string; note?: string },
) {
  const user = requireUser(request.user);
  await ensureTeams(app.db, user.organizationId);
  const result = await inTransaction(app.db, async (client) => {
    const c = await caseInOrg(client, user.organizationId, caseId, true);
    if (!c) throw AppError.notFound('emergency case');
    if (c.status !== 'active') throw AppError.conflict('the case is closed');
    const t = await client.query<TeamRow>(
      'SELECT * FROM emergency_teams WHERE organization_id = $1 AND code = $2',
      [user.organizationId, input.team],
    );
    const team = t.rows[0];
    if (!team) throw AppError.invalid('team', `no team ${input.team} is configured`);
    if (!team.member_ids.length) throw AppError.invalid('team', `team ${input.team} has no members`);
    const open = await client.query(
      `SELECT 1 FROM emergency_activations WHERE case_id = $1 AND team_id = $2 AND status = 'open'`,
      [caseId, team.id],
    );
    if (open.rowCount) throw AppError.conflict(`${team.name} is already activated for this case`, 'team');
    const { rows } = await client.query<{ id: string; activated_at: Date }>(
      `INSERT INTO emergency_activations (organization_id, case_id, team_id, activated_by, note, escalate_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(mins => $6)) RETURNING id, activated_at`,
      [user.organizationId, caseId, team.id, user.id, input.note ?? null, team.escalate_after_minutes],
    );
    const activationId = rows[0].id;
    await client.query(
      `INSERT INTO emergency_activation_members (activation_id, user_id) SELECT $1, unnest($2::uuid[])`,
      [activationId, team.member_ids],
    );
    // The activation is also the pathway's "cath lab called" / "trauma team activated" time, at the server's clock.
    const nodeCode = ACTIVATION_NODE[team.code];
    if (nodeCode && findNode(pathwayVersion(c.center, c.pathway_version), nodeCode)) {
      const node = await client.query<{ id: string }>(
        `INSERT INTO emergency_time_nodes (case_id, organization_id, code, at, source, source_detail, recorded_by)
         SELECT $1, $2, $3, $4, 'tap', 'team activation', $5
         WHERE NOT EXISTS (SELECT 1 FROM emergency_time_nodes WHERE case_id = $1 AND code = $3 AND deleted_at IS NULL)
         RETURNING id`,
        [caseId, user.organizationId, nodeCode, rows[0].activated_at, user.id],
      );
      if (node.rows[0])
        await client.query(
          `INSERT INTO emergency_time_node_history (node_id, action, at, source, source_detail, changed_by)
           VALUES ($1, 'record', $2, 'tap', 'team activation', $3)`,
          [node.rows[0].id, rows[0].activated_at, user.id],
        );
    }
    await addCaseEvent(client, c, user.id, 'team.activate', { team: team.code, activationId });
    await request.audit(
      {
        action: 'emergency.team.activate',
        resourceType: 'emergency-case',
        resourceId: caseId,
        patientId: c.patient_id,
        detail: { team: team.code, activationId },
      },
      client,
    );
    const sent = await sendAlert(
      app,
      {
        orgId: user.organizationId,
        userIds: team.member_ids,
        channelIds: team.channel_ids,
        kind: 'emergency.activation',
        severity: 'critical',
        title: `【${CENTER_LABEL[c.center]}】启动${team.name}`,
        body: `手环号 ${c.wristband}，${user.displayName} 启动${input.note ? `：${input.note}` : ''}。请立即确认。`,
        caseId,
      },
      client,
    );
    await publishBoard(
      app,
      user.organizationId,
      'team.activated',
      { caseId, center: c.center, team: team.code },
      client,
    );
    return { activationId, deliveries: sent.deliveries };
  });
  track(result.deliveries);
  return { activationId: result.activationId };
}

async function memberUpdate(
  app: FastifyInstance,
  request: FastifyRequest,
  activationId: string,
  what: 'ack' | 'arrive',
) {
  const user = requireUser(request.user);
  return inTransaction(app.db, async (client) => {
    const { rows } = await client.query<{
      id: string;
      case_id: string;
      status: string;
      organization_id: string;
    }>(
      'SELECT id, case_id, status, organization_id FROM emergency_activations WHERE id = $1 AND organization_id = $2 FOR UPDATE',
      [activationId, user.organizationId],
    );
    const a = rows[0];
    if (!a) throw AppError.notFound('activation');
    if (a.status === 'cancelled') throw AppError.conflict('the activation was cancelled');
    const set =
      what === 'ack'
        ? 'acknowledged_at = coalesce(acknowledged_at, now())'
        : 'acknowledged_at = coalesce(acknowledged_at, now()), arrived_at = coalesce(arrived_at, now())';
    const m = await client.query<{ acknowledged_at: Date; arrived_at: Date | null }>(
      `UPDATE emergency_activation_members SET ${set} WHERE activation_id = $1 AND user_id = $2 RETURNING acknowledged_at, arrived_at`,
      [activationId, user.id],
    );
    if (!m.rows[0]) throw AppError.forbidden('you are not a member of this activation');
    // The first acknowledgement stops the escalation clock.
    await client.query(
      `UPDATE emergency_activations SET status = 'acknowledged', escalate_at = NULL WHERE id = $1 AND status = 'open'`,
      [activationId],
    );
    await client.query(
      `UPDATE notifications SET read_at = coalesce(read_at, now()), acked_at = coalesce(acked_at, now())
       WHERE user_id = $1 AND resource_id = $2 AND kind LIKE 'emergency.%'`,
      [user.id, a.case_id],
    );
    const c = await caseInOrg(client, user.organizationId, a.case_id);
    await addCaseEvent(
      client,
      { id: a.case_id, organization_id: a.organization_id },
      user.id,
      what === 'ack' ? 'team.ack' : 'team.arrive',
      {
        activationId,
      },
    );
    await request.audit(
      {
        action: `emergency.team.${what}`,
        resourceType: 'emergency-case',
        resourceId: a.case_id,
        patientId: c?.patient_id,
        detail: { activationId },
      },
      client,
    );
    return {
      activationId,
      acknowledgedAt: m.rows[0].acknowledged_at.toISOString(),
      arrivedAt: m.rows[0].arrived_at?.toISOString() ?? null,
    };
  });
}

export const acknowledge = (app: FastifyInstance, request: FastifyRequest, id: string) =>
  memberUpdate(app, request, id, 'ack');
export const arrive = (app: FastifyInstance, request: FastifyRequest, id: string) =>
  memberUpdate(app, request, id, 'arrive');

/** Stand-down (false alarm, patient transferred): stops the escalation and tells the members. */
export async function cancelActivation(
  app: FastifyInstance,
  request: FastifyRequest,
  activationId: string,
  reason: string,
) {
  const user = requireUser(request.user);
  return inTransaction(app.db, async (client) => {
    const { rows } = await client.query<{
      case_id: string;
      status: string;
      organization_id: string;
      member_ids: string[];
      name: string;
    }>(
      `SELECT a.case_id, a.status, a.organization_id, t.name,
         (SELECT array_agg(user_id) FROM emergency_activation_members WHERE activation_id = a.id) AS member_ids
       FROM emergency_activations a JOIN emergency_teams t ON t.id = a.team_id
       WHERE a.id = $1 AND a.organization_id = $2 FOR UPDATE OF a`,
      [activationId, user.organizationId],
    );
    const a = rows[0];
    if (!a) throw AppError.notFound('activation');
    if (a.status === 'cancelled') throw AppError.conflict('the activation was already cancelled');
    await client.query(
      `UPDATE emergency_activations SET status = 'cancelled', escalate_at = NULL WHERE id = $1`,
      [activationId],
    );
    const c = await caseInOrg(client, user.organizationId, a.case_id);
    await addCaseEvent(
      client,
      { id: a.case_id, organization_id: a.organization_id },
      user.id,
      'team.cancel',
      { activationId, reason },
    );
    await request.audit(
      {
        action: 'emergency.team.cancel',
        resourceType: 'emergency-case',
        resourceId: a.case_id,
        patientId: c?.patient_id,
        detail: { activationId, reason },
      },
      client,
    );
    await notify(
      app,
      {
        organizationId: a.organization_id,
        userIds: a.member_ids ?? [],
        kind: 'emergency.activation.cancel',
        severity: 'warning',
        title: `取消启动${a.name}`,
        body: `手环号 ${c?.wristband ?? ''}：${reason}`,
        link: `/emergency/cases/${a.case_id}`,
        resourceType: 'emergency-case',
        resourceId: a.case_id,
      },
      client,
    );
    await publishBoard(app, user.organizationId, 'case.updated', { caseId: a.case_id }, client);
    return { activationId, status: 'cancelled' as const };
  });
}

/** Activations the caller is a member of and has not acknowledged yet (banner on every screen). */
export async function myOpenActivations(app: FastifyInstance, request: FastifyRequest) {
  const user = requireUser(request.user);
  const { rows } = await app.db.query(
    `SELECT a.id, a.case_id, a.activated_at, a.escalation_level, t.name AS team_name, c.center, c.wristband
     FROM emergency_activation_members m JOIN emergency_activations a ON a.id = m.activation_id
     JOIN emergency_teams t ON t.id = a.team_id JOIN emergency_cases c ON c.id = a.case_id
     WHERE m.user_id = $1 AND a.organization_id = $2 AND m.acknowledged_at IS NULL AND a.status <> 'cancelled'
       AND a.activated_at > now() - interval '24 hours'
     ORDER BY a.activated_at DESC`,
    [user.id, user.organizationId],
  );
  return rows.map((r) => ({
    id: r.id,
    caseId: r.case_id,
    center: r.center,
    wristband: r.wristband,
    teamName: r.team_name,
    activatedAt: r.activated_at.toISOString(),
    escalationLevel: r.escalation_level,
  }));
}

/** Escalates activations nobody acknowledged in time. Returns the ids escalated. Safe to run in parallel. */
export async function sweepEscalations(app: FastifyInstance, now = new Date()): Promise<string[]> {
  const escalated: string[] = [];
  await inTransaction(app.db, async (client) => {
    const { rows } = await client.query<{
      id: string;
      organization_id: string;
      case_id: string;
      escalation_level: number;
      team: TeamRow;
      wristband: string;
      center: keyof typeof CENTER_LABEL;
    }>(
      `SELECT a.id, a.organization_id, a.case_id, a.escalation_level, to_jsonb(t) AS team, c.wristband, c.center
       FROM emergency_activations a JOIN emergency_teams t ON t.id = a.team_id JOIN emergency_cases c ON c.id = a.case_id
       WHERE a.status = 'open' AND a.escalate_at <= $1
       ORDER BY a.escalate_at LIMIT 50 FOR UPDATE OF a SKIP LOCKED`,
      [now],
    );
    for (const a of rows) {
      const level = a.escalation_level + 1;
      const t = a.team;
      await client.query(
        `UPDATE emergency_activations SET escalation_level = $2::int, last_escalated_at = $3,
           escalate_at = CASE WHEN $2::int < $4::int THEN $3::timestamptz + make_interval(mins => $5::int) END WHERE id = $1`,
        [a.id, level, now, MAX_ESCALATIONS, t.escalate_after_minutes],
      );
      await client.query(
        `INSERT INTO emergency_activation_members (activation_id, user_id, escalation)
         SELECT $1, unnest($2::uuid[]), true ON CONFLICT DO NOTHING`,
        [a.id, t.escalation_user_ids],
      );
      await addCaseEvent(
        client,
        { id: a.case_id, organization_id: a.organization_id },
        null,
        'team.escalate',
        { activationId: a.id, level },
      );
      const sent = await sendAlert(
        app,
        {
          orgId: a.organization_id,
          userIds: [...t.member_ids, ...t.escalation_user_ids],
          channelIds: t.channel_ids,
          kind: 'emergency.escalation',
          severity: 'critical',
          title: `【升级${level}】${t.name}无人确认`,
          body: `【${CENTER_LABEL[a.center]}】手环号 ${a.wristband}：启动后 ${t.escalate_after_minutes * level} 分钟内无人确认。`,
          caseId: a.case_id,
        },
        client,
      );
      await publishBoard(
        app,
        a.organization_id,
        'team.escalated',
        { caseId: a.case_id, center: a.center, level },
        client,
      );
      track(sent.deliveries);
      escalated.push(a.id);
    }
  });
  return escalated;
}

/**
 * Runs the escalation sweep, then the troponin import, the merge follow-up and the QC metric rows refresh, every `intervalMs` while the app is up
 * (EMERGENCY_SWEEP_MS; 0 switches it off).
 */
export function startEscalationSweep(app: FastifyInstance): void {
  const intervalMs = Number(process.env.EMERGENCY_SWEEP_MS ?? 30_000);
  if (!intervalMs) return;
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    timer = setInterval(() => {
      sweepEscalations(app)
        .catch((err) => app.log.error({ err }, 'escalation sweep failed'))
        .then(() => sweepLabTimes(app))
        .catch((err) => app.log.error({ err }, 'lab time import failed'))
        .then(() => followUndoneMerges(app))
        .catch((err) => app.log.error({ err }, 'following undone patient merges failed'))
        // QC rows of cases written since the last QC read (and, after migration 0015, the backfill).
        .then(() => refreshCaseMetrics(app.db))
        .catch((err) => app.log.error({ err }, 'QC metric rows refresh failed'));
    }, intervalMs);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
}
