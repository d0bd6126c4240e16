import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { loadUser, SESSION_COOKIE } from '../../plugins/auth';
import { requireUser } from '../../plugins/context';
import { Me, meOf } from './schemas';
import { changeOwnPassword, login, logout } from './service';

export async function authRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/api/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: 256 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { username, password } = request.body as { username: string; password: string };
      const { token, userId } = await login(app, username.trim(), password, request.ip);
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: app.config.cookieSecure,
        maxAge: app.config.sessionHours * 3600,
      });
      return { user: meOf(requireUser(await loadUser(app, userId))) };
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { public: true }, schema: { tags: ['auth'] } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) {
        await logout(app, token);
        if (request.user) await request.audit({ action: 'auth.logout' });
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    { config: { authenticated: true }, schema: { tags: ['auth'], response: { 200: Me } } },
    async (request) => meOf(requireUser(request.user)),
  );

  app.post(
    '/api/auth/password',
    {
      config: { authenticated: true },
      schema: {
        tags: ['auth'],
        body: Type.Object(
          { currentPassword: Type.String(), newPassword: Type.String() },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const user = requireUser(request.user);
      const { currentPassword, newPassword } = request.body as {
        currentPassword: string;
        newPassword: string;
      };
      await changeOwnPassword(app, user.id, user.username, currentPassword, newPassword);
      await request.audit({ action: 'user.password.change', resourceType: 'user', resourceId: user.id });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );
}
