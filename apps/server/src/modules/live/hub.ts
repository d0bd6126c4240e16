/**
 * Live events across server processes: publish() sends a PostgreSQL NOTIFY on one channel; every process LISTENs
 * on a dedicated connection and hands each event to its own WebSocket subscribers of that topic. So several
 * servers behind a load balancer all deliver every event, and an event published inside a transaction is
 * delivered only when (and if) that transaction commits.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { Queryable } from '../../db/pool';

export const LIVE_CHANNEL = 'lifeline_live';
/** NOTIFY payloads are limited to 8000 bytes; events carry ids and short facts, clients fetch the rest. */
const MAX_PAYLOAD = 7900;

export interface LiveEvent {
  topic: string;
  payload: Record<string, unknown>;
}

type Listener = (event: LiveEvent) => void;

/** One per app instance: the LISTEN connection (opened on first subscriber) and the local subscribers. */
export class LiveHub {
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly app: FastifyInstance) {}

  /** Resolves once this process is listening, so an event published after it is delivered. */
  async subscribe(topic: string, listener: Listener): Promise<() => void> {
    const set = this.listeners.get(topic) ?? new Set<Listener>();
    this.listeners.set(topic, set);
    set.add(listener);
    await this.ensureListening();
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(topic);
    };
  }

  private ensureListening(): Promise<void> {
    if (this.client) return Promise.resolve();
    if (this.connecting) return this.connecting;
    this.connecting = this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    if (this.closed) throw new Error('live hub is closed');
    const client = new pg.Client({
      ...this.app.db.options,
      application_name: 'lifeline-live',
    } as pg.ClientConfig);
    client.on('notification', (msg) => this.deliver(msg.payload));
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      // Reconnect while someone listens; events sent during the gap are lost (clients refetch on reconnect).
      if (!this.closed && this.listeners.size > 0 && !this.retry) {
        this.retry = setTimeout(() => {
          this.retry = null;
          this.ensureListening().catch(() => lost());
        }, 1000);
      }
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    await client.query(`LISTEN ${LIVE_CHANNEL}`);
    this.client = client;
  }

  private deliver(raw: string | undefined): void {
    if (!raw) return;
    let event: LiveEvent;
    try {
      event = JSON.parse(raw);
    } catch {
      return;
    }
    for (const listener of this.listeners.get(event.topic) ?? []) {
      try {
        listener(event);
      } catch {
        // One broken subscriber must not stop the others.
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.listeners.clear();
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => {});
  }
}

/**
 * Publishes an event to every subscriber of the topic on every server process. With a transaction client the
 * event goes out when the transaction commits and never if it rolls back.
 */
export async function publish(
  app: FastifyInstance,
  topic: string,
  payload: Record<string, unknown>,
  client?: Queryable,
): Promise<void> {
  const text = JSON.stringify({ topic, payload });
  if (Buffer.byteLength(text) > MAX_PAYLOAD) {
    throw new Error(`live event on ${topic} is ${Buffer.byteLength(text)} bytes; send ids, not documents`);
  }
  await (client ?? app.db).query('SELECT pg_notify($1, $2)', [LIVE_CHANNEL, text]);
}

/** Topic names: `<kind>:<organisationId>`; a user may subscribe only to topics of their own organisation. */
export function topicOrganization(topic: string): string | undefined {
  const m = /^[a-z][\w.-]*:([0-9a-f-]{36})$/.exec(topic);
  return m?.[1];
}
