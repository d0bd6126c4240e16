/**
 * Teams for one-click activation, per organisation: members, escalation contacts, minutes before escalation and
 * notification channels. Default teams are made on first use from roles and department kinds.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';

/** Default teams of an organisation, members picked by role or department kind; editable afterwards. */
const DEFAULT_TEAMS = [
  { code: 'cathlab', name: '导管室团队', roles: ['cathlab', 'cardiologist'], deptKinds: ['cath-lab'] },
  { code: 'stroke', name: '卒中团队', roles: ['neurologist'], deptKinds: ['neurology'] },
  { code: 'ct', name: 'CT室', roles: [], deptKinds: ['radiology'] },
  { code: 'trauma', name: '创伤团队', roles: ['trauma_surgeon'], deptKinds: ['trauma'] },
];

export interface TeamRow {
  id: string;
  organization_id: string;
  code: string;
  name: string;
  member_ids: string[];
  escalation_user_ids: string[];
  escalate_after_minutes: number;
  channel_ids: string[];
}

export async function ensureTeams(db: Queryable, orgId: string): Promise<void> {
  const have = await db.query('SELECT 1 FROM emergency_teams WHERE organization_id = $1 LIMIT 1', [orgId]);
  if (have.rowCount) return;
  for (const t of DEFAULT_TEAMS) {
    await db.query(
      `INSERT INTO emergency_teams (organization_id, code, name, member_ids, escalation_user_ids)
       SELECT $1, $2, $3,
         coalesce((SELECT array_agg(u.id) FROM users u LEFT JOIN departments d ON d.id = u.department_id
           WHERE u.organization_id = $1 AND u.active AND (u.roles && $4::text[] OR d.kind = ANY($5::text[]))), '{}'),
         coalesce((SELECT array_agg(u.id) FROM users u WHERE u.organization_id = $1 AND u.active
           AND u.roles && ARRAY['ed_physician']), '{}')
       ON CONFLICT (organization_id, code) DO NOTHING`,
      [orgId, t.code, t.name, t.roles, t.deptKinds],
    );
  }
}

export async function listTeams(app: FastifyInstance, request: FastifyRequest) {
  const user = requireUser(request.user);
  await ensureTeams(app.db, user.organizationId);
  const { rows } = await app.db.query<TeamRow>(
    'SELECT * FROM emergency_teams WHERE organization_id = $1 ORDER BY code',
    [user.organizationId],
  );
  const ids = [...new Set(rows.flatMap((t) => [...t.member_ids, ...t.escalation_user_ids]))];
  const names = await app.db.query<{ id: string; display_name: string }>(
    'SELECT id, display_name FROM users WHERE id = ANY($1::uuid[])',
    [ids],
  );
  const nameOf = new Map(names.rows.map((u) => [u.id, u.display_name]));
  const people = (list: string[]) => list.map((id) => ({ id, name: nameOf.get(id) ?? id }));
  return rows.map((t) => ({
    id: t.id,
    code: t.code,
    name: t.name,
    members: people(t.member_ids),
    escalationContacts: people(t.escalation_user_ids),
    escalateAfterMinutes: t.escalate_after_minutes,
    channelIds: t.channel_ids,
  }));
}

export async function updateTeam(
  app: FastifyInstance,
  request: FastifyRequest,
  id: string,
  patch: {
    name?: string;
    memberIds?: string[];
    escalationUserIds?: string[];
    escalateAfterMinutes?: number;
    channelIds?: string[];
  },
) {
  const user = requireUser(request.user);
  const check = async (ids: string[] | undefined, field: string, table: string) => {
    if (!ids?.length) return;
    const { rows } = await app.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${table} WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
      [user.organizationId, ids],
    );
    if (rows[0].n !== new Set(ids).size)
      throw AppError.invalid(field, 'contains an id not in your organisation');
  };
  await check(patch.memberIds, 'memberIds', 'users');
  await check(patch.escalationUserIds, 'escalationUserIds', 'users');
  await check(patch.channelIds, 'channelIds', 'notification_channels');
  const { rowCount } = await app.db.query(
    `UPDATE emergency_teams SET name = coalesce($3, name), member_ids = coalesce($4, member_ids),
       escalation_user_ids = coalesce($5, escalation_user_ids), escalate_after_minutes = coalesce($6, escalate_after_minutes),
       channel_ids = coalesce($7, channel_ids) WHERE id = $1 AND organization_id = $2`,
    [
      id,
      user.organizationId,
      patch.name ?? null,
      patch.memberIds ?? null,
      patch.escalationUserIds ?? null,
      patch.escalateAfterMinutes ?? null,
      patch.channelIds ?? null,
    ],
  );
  if (!rowCount) throw AppError.notFound('team');
  await request.audit({
    action: 'emergency.team.update',
    resourceType: 'emergency-team',
    resourceId: id,
    detail: { fields: Object.keys(patch).sort() },
  });
  return (await listTeams(app, request)).find((t) => t.id === id);
}

/** Who and what a team can be made of: the organisation's active users and its notification channels. */
export async function teamOptions(app: FastifyInstance, request: FastifyRequest) {
  const user = requireUser(request.user);
  const users = await app.db.query<{
    id: string;
    display_name: string;
    roles: string[];
    department: string | null;
  }>(
    `SELECT u.id, u.display_name, u.roles, d.name AS department FROM users u LEFT JOIN departments d ON d.id = u.department_id
     WHERE u.organization_id = $1 AND u.active ORDER BY d.name NULLS LAST, u.display_name`,
    [user.organizationId],
  );
  const channels = await app.db.query<{ id: string; name: string; kind: string; enabled: boolean }>(
    'SELECT id, name, kind, enabled FROM notification_channels WHERE organization_id = $1 ORDER BY name',
    [user.organizationId],
  );
  return {
    users: users.rows.map((u) => ({
      id: u.id,
      name: u.display_name,
      roles: u.roles,
      department: u.department,
    })),
    channels: channels.rows,
  };
}
