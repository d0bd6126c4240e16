import type { FastifyInstance } from 'fastify';
import { AppError } from '../../lib/errors';
import type { AuthUser } from '../../plugins/context';
import { type DepartmentRow, inNetwork, listNetwork, type OrganizationRow } from './repo';

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function departmentOut(d: DepartmentRow) {
  return { id: d.id, organizationId: d.organization_id, code: d.code, name: d.name, kind: d.kind };
}

function orgOut(o: OrganizationRow, depts: DepartmentRow[]) {
  return {
    id: o.id,
    code: o.code,
    name: o.name,
    type: o.type,
    parentId: o.parent_id,
    timeZone: o.time_zone,
    departments: depts.filter((d) => d.organization_id === o.id).map(departmentOut),
  };
}

export async function listOrganizations(app: FastifyInstance, user: AuthUser) {
  const { orgs, depts } = await listNetwork(app.db, user.organizationId);
  return orgs.map((o) => orgOut(o, depts));
}

export interface OrgInput {
  code?: string;
  name?: string;
  type?: string;
  parentId?: string | null;
  timeZone?: string;
}

export async function createOrganization(
  app: FastifyInstance,
  user: AuthUser,
  input: Required<Pick<OrgInput, 'code' | 'name' | 'type'>> & OrgInput,
) {
  if (input.timeZone && !validTimeZone(input.timeZone))
    throw AppError.invalid('timeZone', 'is not an IANA time zone');
  // New organisations join the admin's own network: under a parent inside it (default: the admin's organisation).
  const parentId = input.parentId ?? user.organizationId;
  if (!(await inNetwork(app.db, user.organizationId, parentId)))
    throw AppError.invalid('parentId', 'is not in your network');
  const taken = await app.db.query('SELECT 1 FROM organizations WHERE code = $1', [input.code]);
  if (taken.rowCount) throw AppError.conflict(`organisation code ${input.code} is already used`, 'code');
  const { rows } = await app.db.query<OrganizationRow>(
    `INSERT INTO organizations (code, name, type, parent_id, time_zone) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
    [input.code, input.name, input.type, parentId, input.timeZone ?? app.config.defaultTimeZone],
  );
  return orgOut(rows[0], []);
}

export async function updateOrganization(app: FastifyInstance, user: AuthUser, id: string, patch: OrgInput) {
  if (!(await inNetwork(app.db, user.organizationId, id))) throw AppError.notFound('organisation');
  if (patch.timeZone && !validTimeZone(patch.timeZone))
    throw AppError.invalid('timeZone', 'is not an IANA time zone');
  if (patch.parentId !== undefined && patch.parentId !== null) {
    if (patch.parentId === id) throw AppError.invalid('parentId', 'cannot be the organisation itself');
    if (!(await inNetwork(app.db, user.organizationId, patch.parentId)))
      throw AppError.invalid('parentId', 'is not in your network');
  }
  const { rows } = await app.db.query<OrganizationRow>(
    `UPDATE organizations SET name = coalesce($2, name), type = coalesce($3, type), time_zone = coalesce($4, time_zone),
       parent_id = CASE WHEN $5::boolean THEN $6::uuid ELSE parent_id END
     WHERE id = $1 RETURNING *`,
    [
      id,
      patch.name ?? null,
      patch.type ?? null,
      patch.timeZone ?? null,
      patch.parentId !== undefined,
      patch.parentId ?? null,
    ],
  );
  const depts = await app.db.query<DepartmentRow>('SELECT * FROM departments WHERE organization_id = $1', [
    id,
  ]);
  return orgOut(rows[0], depts.rows);
}

export async function addDepartment(
  app: FastifyInstance,
  user: AuthUser,
  orgId: string,
  input: { code: string; name: string; kind?: string },
) {
  if (!(await inNetwork(app.db, user.organizationId, orgId))) throw AppError.notFound('organisation');
  const taken = await app.db.query('SELECT 1 FROM departments WHERE organization_id = $1 AND code = $2', [
    orgId,
    input.code,
  ]);
  if (taken.rowCount)
    throw AppError.conflict(`department code ${input.code} is already used in this organisation`, 'code');
  const { rows } = await app.db.query<DepartmentRow>(
    'INSERT INTO departments (organization_id, code, name, kind) VALUES ($1, $2, $3, $4) RETURNING *',
    [orgId, input.code, input.name, input.kind ?? null],
  );
  return departmentOut(rows[0]);
}
