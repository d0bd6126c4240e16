/**
 * Group commit for inbound ADT: messages submitted while a batch is being written wait and form the next batch
 * (at most MAX_BATCH), so a busy stream costs one transaction per batch instead of several per message, and a
 * quiet one still goes out at once (a batch of one). One batch is in flight at a time (batches serialise on the
 * audit chain anyway; a second one in flight measured no faster). Each submit resolves with its message's ACK
 * after the commit; if a batch fails as a whole its messages are handed, in order, to the message-at-a-time path.
 */
import type { Hl7Message } from '@lifeline/hl7';
import type { FastifyInstance } from 'fastify';
import type { PoolClient } from '../../db/pool';
import { applyAdtBatch, type BatchItem } from './adt-batch';

const MAX_BATCH = 64;
const MAX_IN_FLIGHT = 1;

interface Waiting {
  item: BatchItem;
  resolve: (ack: Hl7Message) => void;
  reject: (err: unknown) => void;
}

export class AdtBatcher {
  private queue: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly app: FastifyInstance,
    private readonly fallback: (item: BatchItem) => Promise<Hl7Message>,
  ) {}

  submit(item: BatchItem): Promise<Hl7Message> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    let acks: Hl7Message[] | undefined;
    let client: PoolClient | undefined;
    try {
      client = await this.app.db.connect();
      acks = await applyAdtBatch(
        this.app,
        client,
        batch.map((w) => w.item),
      );
      await client.query('COMMIT');
    } catch (err) {
      acks = undefined;
      await client?.query('ROLLBACK').catch(() => {});
      this.app.log.warn(
        { err, messages: batch.length },
        'HL7 batch rolled back; applying its messages one at a time',
      );
    } finally {
      client?.release();
    }
    if (acks) {
      batch.forEach((w, n) => {
        w.resolve((acks as Hl7Message[])[n]);
      });
      return;
    }
    for (const w of batch) {
      await this.fallback(w.item).then(w.resolve, w.reject);
    }
  }
}

const batchers = new WeakMap<object, AdtBatcher>();

/** The batcher of this database pool (one per server process and pool). */
export function batcherOf(
  app: FastifyInstance,
  fallback: (item: BatchItem) => Promise<Hl7Message>,
): AdtBatcher {
  let b = batchers.get(app.db);
  if (!b) {
    b = new AdtBatcher(app, fallback);
    batchers.set(app.db, b);
  }
  return b;
}
