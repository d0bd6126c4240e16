import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import {
  CHANNEL_KINDS,
  type ChannelConfig,
  type ChannelKind,
  channelConfigProblems,
  deliver,
} from './channels';

const IdParam = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ChannelConfigSchema = Type.Object(
  {
    url: Type.Optional(Type.String({ maxLength: 2000 })),
    urlTemplate: Type.Optional(Type.String({ maxLength: 2000 })),
    phones: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 50 })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 500 }))),
    retries: Type.Optional(Type.Integer()),
    retryDelayMs: Type.Optional(Type.Integer()),
    timeoutMs: Type.Optional(Type.Integer()),
    smtpHost: Type.Optional(Type.String({ maxLength: 255 })),
    smtpPort: Type.Optional(Type.Integer()),
    smtpSecure: Type.Optional(Type.Boolean()),
    smtpUser: Type.Optional(Type.String({ maxLength: 255 })),
    smtpPass: Type.Optional(Type.String({ maxLength: 255 })),
    from: Type.Optional(Type.String({ maxLength: 255 })),
    to: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 50 })),
  },
  { additionalProperties: false },
);
const ChannelInput = Type.Object(
  {
    kind: Type.Union(CHANNEL_KINDS.map((k) => Type.Literal(k))),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    config: ChannelConfigSchema,
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const ChannelPatch = Type.Partial(Type.Omit(ChannelInput, ['kind']), { additionalProperties: false });

interface ChannelRow {
  id: string;
  kind: ChannelKind;
  name: string;
  config: ChannelConfig;
  enabled: boolean;
  created_at: Date;
}

function channelOut(c: ChannelRow) {
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    config: c.config,
    enabled: c.enabled,
    createdAt: c.created_at.toISOString(),
  };
}

function checkConfig(kind: ChannelKind, config: ChannelConfig) {
  const problems = channelConfigProblems(kind, config);
  if (problems.length) throw AppError.invalidFields(problems);
}

export async function notificationRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['notifications'];

  // Own in-app notifications: any logged-in user, only their own rows.
  app.get(
    '/api/notifications',
    {
      config: { authenticated: true },
      schema: {
        tags,
        querystring: Type.Object({
          unread: Type.Optional(Type.Boolean()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
      },
    },
    async (request) => {
      const user = requireUser(request.user);
      const q = request.query as { unread?: boolean; limit?: number };
      const { rows } = await app.db.query(
        `SELECT id, kind, severity, title, body, link, resource_type, resource_id, created_at, read_at, acked_at
         FROM notifications WHERE user_id = $1 AND organization_id = $2 ${q.unread ? 'AND read_at IS NULL' : ''}
         ORDER BY created_at DESC LIMIT $3`,
        [user.id, user.organizationId, q.limit ?? 50],
      );
      const unread = await app.db.query<{ n: number }>(
        'SELECT count(*) AS n FROM notifications WHERE user_id = $1 AND organization_id = $2 AND read_at IS NULL',
        [user.id, user.organizationId],
      );
      return {
        unread: unread.rows[0].n,
        items: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          severity: r.severity,
          title: r.title,
          body: r.body,
          link: r.link,
          resourceType: r.resource_type,
          resourceId: r.resource_id,
          createdAt: r.created_at.toISOString(),
          readAt: r.read_at?.toISOString() ?? null,
          ackedAt: r.acked_at?.toISOString() ?? null,
        })),
      };
    },
  );

  for (const action of ['read', 'ack'] as const) {
    app.post(
      `/api/notifications/:id/${action}`,
      { config: { authenticated: true }, schema: { tags, params: IdParam } },
      async (request) => {
        const user = requireUser(request.user);
        const { id } = request.params as { id: string };
        const set =
          action === 'read'
            ? 'read_at = coalesce(read_at, now())'
            : 'read_at = coalesce(read_at, now()), acked_at = coalesce(acked_at, now())';
        const { rows } = await app.db.query<{ read_at: Date; acked_at: Date | null }>(
          `UPDATE notifications SET ${set} WHERE id = $1 AND user_id = $2 RETURNING read_at, acked_at`,
          [id, user.id],
        );
        if (!rows[0]) throw AppError.notFound('notification');
        return {
          id,
          readAt: rows[0].read_at.toISOString(),
          ackedAt: rows[0].acked_at?.toISOString() ?? null,
        };
      },
    );
  }

  app.get(
    '/api/notification-channels',
    { config: { permission: 'device.admin' }, schema: { tags } },
    async (request) => {
      const user = requireUser(request.user);
      const { rows } = await app.db.query<ChannelRow>(
        'SELECT * FROM notification_channels WHERE organization_id = $1 ORDER BY name',
        [user.organizationId],
      );
      const recent = await app.db.query(
        `SELECT DISTINCT ON (channel_id) channel_id, status, attempts, last_error, created_at FROM notification_deliveries
         WHERE organization_id = $1 ORDER BY channel_id, created_at DESC`,
        [user.organizationId],
      );
      const last = new Map(recent.rows.map((r) => [r.channel_id, r]));
      return rows.map((c) => {
        const d = last.get(c.id);
        return {
          ...channelOut(c),
          lastDelivery: d
            ? { status: d.status, attempts: d.attempts, error: d.last_error, at: d.created_at.toISOString() }
            : null,
        };
      });
    },
  );

  app.post(
    '/api/notification-channels',
    { config: { permission: 'device.admin' }, schema: { tags, body: ChannelInput } },
    async (request) => {
      const user = requireUser(request.user);
      const body = request.body as {
        kind: ChannelKind;
        name: string;
        config: ChannelConfig;
        enabled?: boolean;
      };
      checkConfig(body.kind, body.config);
      const { rows } = await app.db.query<ChannelRow>(
        `INSERT INTO notification_channels (organization_id, kind, name, config, enabled) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [user.organizationId, body.kind, body.name, body.config, body.enabled ?? true],
      );
      await request.audit({
        action: 'notification.channel.create',
        resourceType: 'notification-channel',
        resourceId: rows[0].id,
        detail: { kind: body.kind },
      });
      return channelOut(rows[0]);
    },
  );

  app.patch(
    '/api/notification-channels/:id',
    { config: { permission: 'device.admin' }, schema: { tags, params: IdParam, body: ChannelPatch } },
    async (request) => {
      const user = requireUser(request.user);
      const { id } = request.params as { id: string };
      const body = request.body as { name?: string; config?: ChannelConfig; enabled?: boolean };
      const current = await app.db.query<ChannelRow>(
        'SELECT * FROM notification_channels WHERE id = $1 AND organization_id = $2',
        [id, user.organizationId],
      );
      if (!current.rows[0]) throw AppError.notFound('notification channel');
      if (body.config) checkConfig(current.rows[0].kind, body.config);
      const { rows } = await app.db.query<ChannelRow>(
        `UPDATE notification_channels SET name = coalesce($2, name), config = coalesce($3, config), enabled = coalesce($4, enabled)
         WHERE id = $1 RETURNING *`,
        [id, body.name ?? null, body.config ?? null, body.enabled ?? null],
      );
      await request.audit({
        action: 'notification.channel.update',
        resourceType: 'notification-channel',
        resourceId: id,
        detail: { fields: Object.keys(body) },
      });
      return channelOut(rows[0]);
    },
  );

  // Sends a test message now and answers with the outcome, so an administrator sees a wrong URL at once.
  app.post(
    '/api/notification-channels/:id/test',
    { config: { permission: 'device.admin' }, schema: { tags, params: IdParam } },
    async (request) => {
      const user = requireUser(request.user);
      const { id } = request.params as { id: string };
      const { rows } = await app.db.query<ChannelRow>(
        'SELECT * FROM notification_channels WHERE id = $1 AND organization_id = $2',
        [id, user.organizationId],
      );
      if (!rows[0]) throw AppError.notFound('notification channel');
      const outcome = await deliver(rows[0].kind, rows[0].config, {
        kind: 'test',
        severity: 'info',
        title: '生命线测试消息 / Lifeline test message',
        body: `${user.organizationName}`,
        organizationId: user.organizationId,
        at: new Date().toISOString(),
      });
      await request.audit({
        action: 'notification.channel.test',
        resourceType: 'notification-channel',
        resourceId: id,
        detail: { ok: outcome.ok },
      });
      return outcome;
    },
  );
}
