import type { Queryable } from '../../db/pool';
import { NETWORK_CTE } from '../organizations';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  organization_id: string;
  department_id: string | null;
  roles: string[];
  active: boolean;
  locked_until: Date | null;
  last_login_at: Date | null;
}

export function userOut(r: UserRow) {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    organizationId: r.organization_id,
    departmentId: r.department_id,
    roles: r.roles,
    active: r.active,
    locked: r.locked_until !== null && r.locked_until > new Date(),
    lastLoginAt: r.last_login_at ? r.last_login_at.toISOString() : null,
  };
}

const COLUMNS =
  'u.id, u.username, u.display_name, u.organization_id, u.department_id, u.roles, u.active, u.locked_until, u.last_login_at';

/** Users of the admin's network only; the network filter is part of the query. */
export async function searchUsers(
  db: Queryable,
  adminOrgId: string,
  q: { q?: string; organizationId?: string; limit: number; offset: number },
) {
  const where = ['u.organization_id IN (SELECT id FROM network)'];
  const params: unknown[] = [adminOrgId];
  if (q.q) {
    params.push(`%${q.q.replace(/[%_\\]/g, '\\$&')}%`);
    where.push(`(u.username ILIKE $${params.length} OR u.display_name ILIKE $${params.length})`);
  }
  if (q.organizationId) {
    params.push(q.organizationId);
    where.push(`u.organization_id = $${params.length}`);
  }
  const sql = `${NETWORK_CTE} SELECT ${COLUMNS}, count(*) OVER () AS total FROM users u WHERE ${where.join(' AND ')}
    ORDER BY u.username LIMIT ${q.limit} OFFSET ${q.offset}`;
  const { rows } = await db.query<UserRow & { total: number }>(sql, params);
  return { items: rows.map(userOut), total: rows[0]?.total ?? 0 };
}

export async function userInNetwork(
  db: Queryable,
  adminOrgId: string,
  userId: string,
): Promise<UserRow | undefined> {
  const { rows } = await db.query<UserRow>(
    `${NETWORK_CTE} SELECT ${COLUMNS} FROM users u WHERE u.id = $2 AND u.organization_id IN (SELECT id FROM network)`,
    [adminOrgId, userId],
  );
  return rows[0];
}
