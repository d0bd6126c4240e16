import { PERMISSIONS, ROLES } from '@lifeline/shared';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { requireUser } from '../../plugins/context';
import { searchUsers } from './repo';
import { TokenInput, User, UserInput, UserPatch, UserQuery } from './schemas';
import { createApiToken, createUser, updateUser } from './service';

const IdParam = Type.Object({ id: Type.String({ format: 'uuid' }) });

export async function userRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/roles',
    { config: { permission: 'role.read' }, schema: { tags: ['users'] } },
    async () => ROLES,
  );

  app.get('/api/permissions', { config: { authenticated: true }, schema: { tags: ['users'] } }, async () =>
    Object.entries(PERMISSIONS).map(([code, t]) => ({ code, zh: t.zh, en: t.en })),
  );

  app.get(
    '/api/users',
    {
      config: { permission: 'user.read' },
      schema: {
        tags: ['users'],
        querystring: UserQuery,
        response: { 200: Type.Object({ items: Type.Array(User), total: Type.Integer() }) },
      },
    },
    async (request) => {
      const q = request.query as { q?: string; organizationId?: string; limit?: number; offset?: number };
      return searchUsers(app.db, requireUser(request.user).organizationId, {
        ...q,
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
      });
    },
  );

  app.post(
    '/api/users',
    {
      config: { permission: 'user.write' },
      schema: { tags: ['users'], body: UserInput, response: { 200: User } },
    },
    async (request) => {
      const user = await createUser(app, requireUser(request.user), request.body as never);
      await request.audit({
        action: 'user.create',
        resourceType: 'user',
        resourceId: user.id,
        detail: { username: user.username, roles: user.roles },
      });
      return user;
    },
  );

  app.patch(
    '/api/users/:id',
    {
      config: { permission: 'user.write' },
      schema: { tags: ['users'], params: IdParam, body: UserPatch, response: { 200: User } },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const body = request.body as Record<string, unknown>;
      const user = await updateUser(app, requireUser(request.user), id, body);
      const { password, ...rest } = body;
      await request.audit({
        action: 'user.update',
        resourceType: 'user',
        resourceId: id,
        detail: { ...rest, ...(password !== undefined ? { passwordReset: true } : {}) },
      });
      return user;
    },
  );

  app.post(
    '/api/users/:id/tokens',
    { config: { permission: 'user.write' }, schema: { tags: ['users'], params: IdParam, body: TokenInput } },
    async (request) => {
      const { id } = request.params as { id: string };
      const result = await createApiToken(
        app,
        requireUser(request.user),
        id,
        (request.body as { name: string }).name,
      );
      await request.audit({
        action: 'user.token.create',
        resourceType: 'user',
        resourceId: id,
        detail: { tokenId: result.id },
      });
      return result;
    },
  );
}
