import { roleByCode } from '@lifeline/shared';
import type { FastifyInstance } from 'fastify';
import { randomToken, sha256 } from '../../lib/crypto';
import { AppError } from '../../lib/errors';
import { hashPassword, passwordProblem } from '../../lib/passwords';
import type { AuthUser } from '../../plugins/context';
import { inNetwork } from '../organizations';
import { type UserRow, userInNetwork, userOut } from './repo';

function checkRoles(roles: string[]): void {
  const unknown = roles.filter((r) => !roleByCode(r));
  if (unknown.length) throw AppError.invalid('roles', `unknown role ${unknown.join(', ')}`);
}

async function checkDepartment(
  app: FastifyInstance,
  organizationId: string,
  departmentId: string | null | undefined,
) {
  if (!departmentId) return;
  const { rowCount } = await app.db.query(
    'SELECT 1 FROM departments WHERE id = $1 AND organization_id = $2',
    [departmentId, organizationId],
  );
  if (!rowCount) throw AppError.invalid('departmentId', 'is not a department of the chosen organisation');
}

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  organizationId: string;
  departmentId?: string | null;
  roles: string[];
}

export async function createUser(app: FastifyInstance, admin: AuthUser, input: NewUser) {
  checkRoles(input.roles);
  const problem = passwordProblem(input.password, input.username);
  if (problem) throw AppError.invalid('password', problem);
  if (!(await inNetwork(app.db, admin.organizationId, input.organizationId))) {
    throw AppError.invalid('organizationId', 'is not an organisation of your network');
  }
  await checkDepartment(app, input.organizationId, input.departmentId);
  const taken = await app.db.query('SELECT 1 FROM users WHERE username = $1', [input.username]);
  if (taken.rowCount) throw AppError.conflict(`username ${input.username} is already taken`, 'username');
  const hashed = await hashPassword(input.password, {
    memoryKiB: app.config.argon2MemoryKiB,
    iterations: app.config.argon2Iterations,
  });
  const { rows } = await app.db.query<UserRow>(
    `INSERT INTO users (username, display_name, password_hash, organization_id, department_id, roles)
     VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING id, username, display_name, organization_id, department_id, roles, active, locked_until, last_login_at`,
    [
      input.username,
      input.displayName,
      hashed,
      input.organizationId,
      input.departmentId ?? null,
      input.roles,
    ],
  );
  return userOut(rows[0]);
}

export interface UserChange {
  displayName?: string;
  roles?: string[];
  departmentId?: string | null;
  active?: boolean;
  password?: string;
  unlock?: boolean;
}

export async function updateUser(app: FastifyInstance, admin: AuthUser, id: string, change: UserChange) {
  const current = await userInNetwork(app.db, admin.organizationId, id);
  if (!current) throw AppError.notFound('user');
  if (change.roles) checkRoles(change.roles);
  if (id === admin.id && change.active === false)
    throw AppError.invalid('active', 'you cannot deactivate your own account');
  if (
    id === admin.id &&
    change.roles &&
    !change.roles.includes('it_admin') &&
    admin.roles.includes('it_admin')
  ) {
    throw AppError.invalid('roles', 'you cannot remove your own administrator role');
  }
  if (change.departmentId !== undefined)
    await checkDepartment(app, current.organization_id, change.departmentId);
  let hashed: string | null = null;
  if (change.password !== undefined) {
    const problem = passwordProblem(change.password, current.username);
    if (problem) throw AppError.invalid('password', problem);
    hashed = await hashPassword(change.password, {
      memoryKiB: app.config.argon2MemoryKiB,
      iterations: app.config.argon2Iterations,
    });
  }
  const { rows } = await app.db.query<UserRow>(
    `UPDATE users SET
       display_name = coalesce($2, display_name),
       roles = coalesce($3, roles),
       department_id = CASE WHEN $4::boolean THEN $5::uuid ELSE department_id END,
       active = coalesce($6, active),
       password_hash = coalesce($7, password_hash),
       password_changed_at = CASE WHEN $7 IS NULL THEN password_changed_at ELSE now() END,
       failed_logins = CASE WHEN $8::boolean THEN 0 ELSE failed_logins END,
       locked_until = CASE WHEN $8::boolean THEN NULL ELSE locked_until END
     WHERE id = $1
     RETURNING id, username, display_name, organization_id, department_id, roles, active, locked_until, last_login_at`,
    [
      id,
      change.displayName ?? null,
      change.roles ?? null,
      change.departmentId !== undefined,
      change.departmentId ?? null,
      change.active ?? null,
      hashed,
      change.unlock === true,
    ],
  );
  // Deactivation, a password reset or new roles end the user's sessions so they take effect at once.
  if (change.active === false || hashed || change.roles) {
    await app.db.query('DELETE FROM sessions WHERE user_id = $1', [id]);
  }
  return userOut(rows[0]);
}

export async function createApiToken(app: FastifyInstance, admin: AuthUser, userId: string, name: string) {
  if (!(await userInNetwork(app.db, admin.organizationId, userId))) throw AppError.notFound('user');
  const token = `llt_${randomToken()}`;
  const { rows } = await app.db.query<{ id: string }>(
    'INSERT INTO api_tokens (user_id, name, token_hash) VALUES ($1, $2, $3) RETURNING id',
    [userId, name, sha256(token)],
  );
  return { id: rows[0].id, token };
}
