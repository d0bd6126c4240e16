import type { Queryable } from '../../db/pool';

export interface OrganizationRow {
  id: string;
  code: string;
  name: string;
  type: string;
  parent_id: string | null;
  time_zone: string;
}

export interface DepartmentRow {
  id: string;
  organization_id: string;
  code: string;
  name: string;
  kind: string | null;
}

/**
 * The network an organisation belongs to: its root (the hub) and every descendant. Admin screens and
 * cross-organisation lists are limited to it in SQL.
 */
export const NETWORK_CTE = `
  WITH RECURSIVE up AS (
    SELECT id, parent_id FROM organizations WHERE id = $1
    UNION ALL SELECT o.id, o.parent_id FROM organizations o JOIN up ON o.id = up.parent_id
  ), root AS (SELECT id FROM up WHERE parent_id IS NULL),
  network AS (
    SELECT id FROM root
    UNION ALL SELECT o.id FROM organizations o JOIN network n ON o.parent_id = n.id
  )`;

export async function listNetwork(
  db: Queryable,
  orgId: string,
): Promise<{ orgs: OrganizationRow[]; depts: DepartmentRow[] }> {
  const orgs = await db.query<OrganizationRow>(
    `${NETWORK_CTE} SELECT o.* FROM organizations o JOIN network n ON n.id = o.id ORDER BY o.parent_id NULLS FIRST, o.name`,
    [orgId],
  );
  const depts = await db.query<DepartmentRow>(
    `${NETWORK_CTE} SELECT d.* FROM departments d JOIN network n ON n.id = d.organization_id ORDER BY d.name`,
    [orgId],
  );
  return { orgs: orgs.rows, depts: depts.rows };
}

export async function inNetwork(db: Queryable, userOrgId: string, orgId: string): Promise<boolean> {
  const { rowCount } = await db.query(`${NETWORK_CTE} SELECT 1 FROM network WHERE id = $2`, [
    userOrgId,
    orgId,
  ]);
  return (rowCount ?? 0) > 0;
}
