import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';

const TimeAnswer = Type.Object({
  now: Type.String({ description: 'server time, ISO-8601 UTC' }),
  epochMs: Type.Number(),
});

export async function systemRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/health', { config: { public: true }, schema: { tags: ['system'] } }, async () => ({
    status: 'ok',
  }));

  app.get('/api/ready', { config: { public: true }, schema: { tags: ['system'] } }, async (_req, reply) => {
    try {
      await app.db.query('SELECT 1');
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'database unavailable' });
    }
  });

  // The one clock: clients measure their offset against this.
  app.get(
    '/api/time',
    { config: { public: true }, schema: { tags: ['system'], response: { 200: TimeAnswer } } },
    async () => {
      const now = Date.now();
      return { now: new Date(now).toISOString(), epochMs: now };
    },
  );
}
