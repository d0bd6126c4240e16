/**
 * The live board of active cases (ED, cath lab, ED-hall big screen). The server sends the recorded times and
 * the screen computes countdowns every second with runningTimers() against the synchronised clock.
 */
import type { Center } from '@lifeline/emergency';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireUser } from '../../plugins/context';
import { caseSummaryOut } from './cases';
import { listCases, nodesOf } from './repo';

export async function board(app: FastifyInstance, request: FastifyRequest, q: { center?: Center }) {
  const user = requireUser(request.user);
  const { rows } = await listCases(app.db, {
    orgId: user.organizationId,
    center: q.center,
    status: 'active',
    limit: 200,
    offset: 0,
  });
  const ids = rows.map((r) => r.id);
  const nodes = await nodesOf(app.db, ids);
  const acts = await app.db.query<{
    case_id: string;
    team: string;
    status: string;
    escalation_level: number;
    activated_at: Date;
  }>(
    `SELECT a.case_id, t.code AS team, a.status, a.escalation_level, a.activated_at FROM emergency_activations a
     JOIN emergency_teams t ON t.id = a.team_id WHERE a.case_id = ANY($1::uuid[]) AND a.status <> 'cancelled'`,
    [ids],
  );
  await request.audit({
    action: 'emergency.board.read',
    resourceType: 'emergency-case',
    detail: { center: q.center ?? null, returned: ids },
  });
  return {
    serverTime: new Date().toISOString(),
    cases: rows.map((c) => ({
      ...caseSummaryOut(c, nodes.get(c.id) ?? []),
      activations: acts.rows
        .filter((a) => a.case_id === c.id)
        .map((a) => ({
          team: a.team,
          status: a.status,
          escalationLevel: a.escalation_level,
          activatedAt: a.activated_at.toISOString(),
        })),
    })),
  };
}
