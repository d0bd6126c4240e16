import type { FastifyInstance } from 'fastify';
import { randomToken, sha256 } from '../../lib/crypto';
import { AppError } from '../../lib/errors';
import { hashPassword, passwordProblem, verifyPassword } from '../../lib/passwords';
import { appendAudit } from '../../plugins/audit';

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

// A fixed hash to verify against when the username is unknown, so both cases cost the same time.
let dummyHash: Promise<string> | undefined;

interface LoginRow {
  id: string;
  username: string;
  password_hash: string;
  organization_id: string;
  roles: string[];
  active: boolean;
  failed_logins: number;
  locked_until: Date | null;
}

export async function login(
  app: FastifyInstance,
  username: string,
  password: string,
  clientIp: string,
): Promise<{ token: string; userId: string }> {
  const cost = { memoryKiB: app.config.argon2MemoryKiB, iterations: app.config.argon2Iterations };
  const { rows } = await app.db.query<LoginRow>(
    `SELECT id, username, password_hash, organization_id, roles, active, failed_logins, locked_until
     FROM users WHERE username = $1`,
    [username],
  );
  const user = rows[0];
  const actor = user
    ? {
        userId: user.id,
        username: user.username,
        role: user.roles.join(','),
        organizationId: user.organization_id,
      }
    : { userId: null, username, role: null, organizationId: null };
  if (!user) {
    dummyHash ??= hashPassword('not a real password 1A!', cost);
    await verifyPassword(await dummyHash, password);
    await appendAudit(app.db, actor, clientIp, {
      action: 'auth.login',
      outcome: 'failure',
      detail: { reason: 'unknown user' },
    });
    throw AppError.unauthenticated('wrong username or password');
  }
  if (user.locked_until && user.locked_until > new Date()) {
    await appendAudit(app.db, actor, clientIp, {
      action: 'auth.login',
      outcome: 'denied',
      detail: { reason: 'locked' },
    });
    throw AppError.locked(
      `account locked after ${MAX_FAILED_LOGINS} failed logins until ${user.locked_until.toISOString()}`,
    );
  }
  if (!user.active) {
    await appendAudit(app.db, actor, clientIp, {
      action: 'auth.login',
      outcome: 'denied',
      detail: { reason: 'inactive' },
    });
    throw AppError.unauthenticated('account is deactivated');
  }
  if (!(await verifyPassword(user.password_hash, password))) {
    const { rows: after } = await app.db.query<{ failed_logins: number; locked_until: Date | null }>(
      `UPDATE users SET failed_logins = failed_logins + 1,
         locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
       WHERE id = $1 RETURNING failed_logins, locked_until`,
      [user.id, MAX_FAILED_LOGINS, LOCK_MINUTES],
    );
    const locked = after[0].failed_logins >= MAX_FAILED_LOGINS;
    await appendAudit(app.db, actor, clientIp, {
      action: 'auth.login',
      outcome: 'failure',
      detail: { reason: 'wrong password', failedLogins: after[0].failed_logins, locked },
    });
    if (locked)
      throw AppError.locked(
        `account locked for ${LOCK_MINUTES} minutes after ${MAX_FAILED_LOGINS} failed logins`,
      );
    throw AppError.unauthenticated('wrong username or password');
  }
  const token = randomToken();
  await app.db.query(
    `WITH u AS (UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = now() WHERE id = $1)
     INSERT INTO sessions (token_hash, user_id, expires_at, client_ip) VALUES ($2, $1, now() + make_interval(hours => $3), $4)`,
    [user.id, sha256(token), app.config.sessionHours, clientIp],
  );
  await appendAudit(app.db, actor, clientIp, { action: 'auth.login', outcome: 'success' });
  return { token, userId: user.id };
}

export async function logout(app: FastifyInstance, token: string): Promise<void> {
  await app.db.query('DELETE FROM sessions WHERE token_hash = $1', [sha256(token)]);
}

export async function changeOwnPassword(
  app: FastifyInstance,
  userId: string,
  username: string,
  current: string,
  next: string,
): Promise<void> {
  const { rows } = await app.db.query<{ password_hash: string }>(
    'SELECT password_hash FROM users WHERE id = $1',
    [userId],
  );
  if (!rows[0] || !(await verifyPassword(rows[0].password_hash, current))) {
    throw AppError.invalid('currentPassword', 'is wrong');
  }
  const problem = passwordProblem(next, username);
  if (problem) throw AppError.invalid('newPassword', problem);
  const hashed = await hashPassword(next, {
    memoryKiB: app.config.argon2MemoryKiB,
    iterations: app.config.argon2Iterations,
  });
  await app.db.query('UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1', [
    userId,
    hashed,
  ]);
  // Other sessions of this user end: a changed password must lock out whoever knew the old one.
  await app.db.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
}
