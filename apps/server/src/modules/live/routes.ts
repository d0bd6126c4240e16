/**
 * WebSocket endpoint /ws. The session cookie authenticates the upgrade; then the client sends
 * `{ "type": "subscribe", "topics": ["ecg.worklist:<orgId>"] }` and gets `{ "type": "subscribed", topics }` once
 * events will reach it, then `{ "type": "event", topic, payload }` for each event. Topics of another organisation
 * are refused with `{ "type": "error", message }`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { sha256 } from '../../lib/crypto';
import { LiveHub, topicOrganization } from './hub';

declare module 'fastify' {
  interface FastifyInstance {
    liveHub: LiveHub;
  }
}

interface LiveUser {
  id: string;
  organizationId: string;
}

async function sessionUser(app: FastifyInstance, request: FastifyRequest): Promise<LiveUser | null> {
  const token = request.cookies?.lifeline_session;
  if (!token) return null;
  const { rows } = await app.db.query<{ id: string; organization_id: string }>(
    `SELECT u.id, u.organization_id FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.expires_at > now() AND u.active`,
    [sha256(token)],
  );
  return rows[0] ? { id: rows[0].id, organizationId: rows[0].organization_id } : null;
}

function send(socket: WebSocket, message: object): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

export async function liveRoutes(app: FastifyInstance): Promise<void> {
  const hub = new LiveHub(app);
  app.decorate('liveHub', hub);
  app.addHook('onClose', async () => hub.close());

  app.get(
    '/ws',
    {
      websocket: true,
      schema: { hide: true },
      preValidation: async (request, reply) => {
        const user = await sessionUser(app, request);
        if (!user)
          return reply.code(401).send({
            resourceType: 'OperationOutcome',
            issue: [{ severity: 'error', code: 'login', diagnostics: 'login required' }],
          });
        (request as FastifyRequest & { liveUser?: LiveUser }).liveUser = user;
      },
    },
    (socket, request) => {
      const user = (request as FastifyRequest & { liveUser?: LiveUser }).liveUser as LiveUser;
      const unsubscribers = new Map<string, () => void>();
      socket.on('message', (data) => {
        let message: { type?: string; topics?: unknown };
        try {
          message = JSON.parse(String(data));
        } catch {
          return send(socket, { type: 'error', message: 'messages are JSON' });
        }
        if (message.type !== 'subscribe' && message.type !== 'unsubscribe') {
          return send(socket, { type: 'error', message: 'type must be subscribe or unsubscribe' });
        }
        const topics = Array.isArray(message.topics)
          ? message.topics.filter((t) => typeof t === 'string')
          : [];
        if (message.type === 'unsubscribe') {
          for (const t of topics) {
            unsubscribers.get(t)?.();
            unsubscribers.delete(t);
          }
          return send(socket, { type: 'unsubscribed', topics });
        }
        const refused = topics.filter((t) => topicOrganization(t) !== user.organizationId);
        if (refused.length) {
          return send(socket, {
            type: 'error',
            message: `not allowed: ${refused.join(', ')} (topics are <kind>:<your organisation id>)`,
          });
        }
        void Promise.all(
          topics
            .filter((t) => !unsubscribers.has(t))
            .map(async (t) => {
              const off = await hub.subscribe(t, (event) => send(socket, { type: 'event', ...event }));
              unsubscribers.set(t, off);
            }),
        ).then(
          () => send(socket, { type: 'subscribed', topics }),
          () => send(socket, { type: 'error', message: 'live updates are unavailable, retry later' }),
        );
      });
      socket.on('close', () => {
        for (const off of unsubscribers.values()) off();
        unsubscribers.clear();
      });
    },
  );
}
