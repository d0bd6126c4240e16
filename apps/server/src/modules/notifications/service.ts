/**
 * notify(): stores an in-app notification per recipient (shown in the web header) and sends the message through
 * the organisation's configured outbound channels. In-app rows can join the caller's transaction; outbound
 * delivery happens after, and its promise is returned so callers decide whether to wait.
 */
import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../../db/pool';
import { publish } from '../live';
import {
  type ChannelConfig,
  type ChannelKind,
  type DeliveryOutcome,
  deliver,
  type OutboundMessage,
} from './channels';

export interface NotifyInput {
  organizationId: string;
  /** In-app recipients. */
  userIds: string[];
  /** Outbound channels (ids of notification_channels of the same organisation). */
  channelIds?: string[];
  kind: string;
  severity?: 'info' | 'warning' | 'critical';
  title: string;
  body?: string;
  /** Web path to open, e.g. /emergency/cases/<id>. */
  link?: string;
  resourceType?: string;
  resourceId?: string;
}

export interface ChannelDelivery extends DeliveryOutcome {
  channelId: string;
}

export interface NotifyResult {
  notificationIds: string[];
  /** Resolves when every outbound channel succeeded or gave up; never rejects. */
  deliveries: Promise<ChannelDelivery[]>;
}

/** Stores the in-app notifications (in `client`'s transaction when given) and starts outbound delivery. */
export async function notify(
  app: FastifyInstance,
  input: NotifyInput,
  client?: Queryable,
): Promise<NotifyResult> {
  const db = client ?? app.db;
  const severity = input.severity ?? 'info';
  const recipients = [...new Set(input.userIds)];
  const { rows } = recipients.length
    ? await db.query<{ id: string }>(
        `INSERT INTO notifications (organization_id, user_id, kind, severity, title, body, link, resource_type, resource_id)
         SELECT $1, u, $3, $4, $5, $6, $7, $8, $9 FROM unnest($2::uuid[]) AS u RETURNING id`,
        [
          input.organizationId,
          recipients,
          input.kind,
          severity,
          input.title,
          input.body ?? '',
          input.link ?? null,
          input.resourceType ?? null,
          input.resourceId ?? null,
        ],
      )
    : { rows: [] };
  if (rows.length) {
    // Header bells refetch; a long recipient list would not fit a NOTIFY payload, so it becomes "everyone".
    const userIds = recipients.length <= 100 ? recipients : null;
    await publish(app, `notifications:${input.organizationId}`, { userIds, kind: input.kind }, db);
  }
  const message: OutboundMessage = {
    kind: input.kind,
    severity,
    title: input.title,
    body: input.body ?? '',
    link: input.link ?? null,
    resourceType: input.resourceType ?? null,
    resourceId: input.resourceId ?? null,
    organizationId: input.organizationId,
    at: new Date().toISOString(),
  };
  const deliveries = input.channelIds?.length
    ? deliverToChannels(app, input.organizationId, input.channelIds, message)
    : Promise.resolve([]);
  return { notificationIds: rows.map((r) => r.id), deliveries };
}

async function deliverToChannels(
  app: FastifyInstance,
  orgId: string,
  channelIds: string[],
  message: OutboundMessage,
): Promise<ChannelDelivery[]> {
  try {
    const { rows } = await app.db.query<{ id: string; kind: ChannelKind; config: ChannelConfig }>(
      `SELECT id, kind, config FROM notification_channels
       WHERE organization_id = $1 AND id = ANY($2::uuid[]) AND enabled`,
      [orgId, channelIds],
    );
    return await Promise.all(
      rows.map(async (ch) => {
        const outcome = await deliver(ch.kind, ch.config, message);
        await app.db
          .query(
            `INSERT INTO notification_deliveries (organization_id, channel_id, kind, title, status, attempts, last_error, sent_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $5 = 'sent' THEN now() END)`,
            [
              orgId,
              ch.id,
              message.kind,
              message.title,
              outcome.ok ? 'sent' : 'failed',
              outcome.attempts,
              outcome.error ?? null,
            ],
          )
          .catch((err) => app.log.error({ err }, 'notification delivery not recorded'));
        if (!outcome.ok)
          app.log.warn({ channel: ch.id, error: outcome.error }, 'notification delivery failed');
        return { channelId: ch.id, ...outcome };
      }),
    );
  } catch (err) {
    // Delivery runs after the request answered (or the database went away during shutdown): log, never throw.
    app.log.error({ err }, 'notification delivery aborted');
    return [];
  }
}
