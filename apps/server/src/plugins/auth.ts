/**
 * Authentication and authorisation for every route: the session cookie (web) or a bearer API token (systems)
 * identifies the user; the route's declared permission is checked on the server before the handler runs. A route
 * that declares neither a permission nor `public`/`authenticated` is refused at start-up, so none is forgotten.
 */

import { permissionsOf } from '@lifeline/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sha256 } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { appendAudit } from './audit';
import type { AuthUser } from './context';

export const SESSION_COOKIE = 'lifeline_session';

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  organization_id: string;
  organization_name: string;
  time_zone: string;
  department_id: string | null;
  roles: string[];
}

const USER_COLUMNS = `u.id, u.username, u.display_name, u.organization_id, o.name AS organization_name, o.time_zone,
  u.department_id, u.roles`;

function toAuthUser(r: UserRow, via: AuthUser['via']): AuthUser {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    organizationId: r.organization_id,
    organizationName: r.organization_name,
    timeZone: r.time_zone,
    departmentId: r.department_id,
    roles: r.roles,
    permissions: permissionsOf(r.roles),
    via,
  };
}

async function resolveUser(app: FastifyInstance, request: FastifyRequest): Promise<AuthUser | null> {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const { rows } = await app.db.query<UserRow>(
      `UPDATE api_tokens t SET last_used_at = now() FROM users u JOIN organizations o ON o.id = u.organization_id
       WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.id = t.user_id AND u.active
       RETURNING ${USER_COLUMNS}`,
      [sha256(header.slice(7).trim())],
    );
    if (rows.length === 0) throw AppError.unauthenticated('API token is unknown or revoked');
    return toAuthUser(rows[0], 'token');
  }
  const token = request.cookies?.[SESSION_COOKIE];
  if (!token) return null;
  const { rows } = await app.db.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = u.organization_id
     WHERE s.token_hash = $1 AND s.expires_at > now() AND u.active`,
    [sha256(token)],
  );
  return rows.length ? toAuthUser(rows[0], 'session') : null;
}

/** The user with this id as the auth hook would see it (for answers right after login). */
export async function loadUser(app: FastifyInstance, userId: string): Promise<AuthUser | null> {
  const { rows } = await app.db.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.id = $1`,
    [userId],
  );
  return rows.length ? toAuthUser(rows[0], 'session') : null;
}

export function registerAuth(app: FastifyInstance): void {
  app.decorateRequest('user', null);
  app.decorateRequest('audit', async function (this: FastifyRequest, event, client) {
    await appendAudit(client ?? app.db, this.actor(), this.ip, event, client !== undefined);
  });
  app.decorateRequest('actor', function (this: FastifyRequest) {
    const u = this.user;
    return u
      ? { userId: u.id, username: u.username, role: u.roles.join(','), organizationId: u.organizationId }
      : null;
  });

  app.addHook('onRoute', (route) => {
    const url = route.url;
    if (!url.startsWith('/api/') && !url.startsWith('/fhir/')) return;
    const c = route.config as { permission?: string; public?: boolean; authenticated?: boolean } | undefined;
    if (!c?.permission && !c?.public && !c?.authenticated) {
      throw new Error(
        `route ${route.method} ${url} declares no permission (config.permission, authenticated or public)`,
      );
    }
  });

  // preValidation: identity and permission are checked before the body is validated, so a refused caller learns
  // nothing about the route's input rules.
  app.addHook('preValidation', async (request) => {
    // Unknown routes go to the not-found handler (404 or the web app's index.html) without identity checks.
    if (request.is404) return;
    // Only API routes carry identity checks; the static web app (its wildcard route) is public.
    const routeUrl = request.routeOptions.url ?? '';
    if (!routeUrl.startsWith('/api/') && !routeUrl.startsWith('/fhir/')) return;
    const c = request.routeOptions.config;
    if (c.public && !c.permission && !c.authenticated) {
      // Public routes still learn who is calling when a session exists (logout, time).
      request.user = await resolveUser(app, request).catch(() => null);
      return;
    }
    request.user = await resolveUser(app, request);
    if (!request.user) throw AppError.unauthenticated();
    if (c.permission && !request.user.permissions.has(c.permission)) {
      await request.audit({
        action: 'access.denied',
        outcome: 'denied',
        detail: { method: request.method, route: request.routeOptions.url, permission: c.permission },
      });
      throw AppError.forbidden(
        `requires permission ${c.permission}, which roles ${request.user.roles.join(', ') || '(none)'} do not grant`,
      );
    }
  });
}
