/**
 * The inbound pipeline behind the MLLP listener: store the message, find its interface, skip duplicates, apply,
 * record the outcome, and only then return the ACK (the listener sends it after this resolves).
 */
import {
  buildAck,
  dedupKey,
  type Hl7Message,
  type InboundEvent,
  mapInbound,
  nakOptionsFor,
  parseMessage,
} from '@lifeline/hl7';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../lib/errors';
import { systemRequest } from './actor';
import { type BatchItem, isBatchableAdt } from './adt-batch';
import { applyEvent } from './apply';
import { batcherOf } from './batcher';
import { alreadyApplied, finishMessage, inboundInterfaceFor, type MessageRow, storeMessage } from './repo';

export interface InboundMeta {
  remoteAddress?: string;
  charset?: string;
  receivedAt?: Date;
  /** The MLLP frame's bytes exactly as received. */
  frameBytes?: Uint8Array;
}

function typeOf(message: Hl7Message): string {
  const { code, trigger } = message.type;
  return trigger ? `${code}^${trigger}` : code;
}

/** Serialises work on one dedup key across connections and processes, so a resend racing its original waits. */
async function withKeyLock<T>(app: FastifyInstance, key: string, fn: () => Promise<T>): Promise<T> {
  const client = await app.db.connect();
  try {
    await client.query('SELECT pg_advisory_lock(7317005, hashtext($1))', [key]);
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock(7317005, hashtext($1))', [key]);
    }
  } finally {
    client.release();
  }
}

type Found = Awaited<ReturnType<typeof inboundInterfaceFor>>;
const INTERFACE_CACHE_MS = 2_000;
const interfaceCache = new WeakMap<object, Map<string, { found: NonNullable<Found>; until: number }>>();

/**
 * The sender's interface, remembered for 2 s per database pool (a message stream asks for the same sender
 * thousands of times a minute). Unknown senders are not remembered, so configuring one takes effect at once;
 * creating or editing an interface clears the cache (a change commits within the 2 s at worst).
 */
async function interfaceOfSender(app: FastifyInstance, sendingApplication: string, sendingFacility: string) {
  let cache = interfaceCache.get(app.db);
  if (!cache) {
    cache = new Map();
    interfaceCache.set(app.db, cache);
  }
  const key = `${sendingApplication}\u0000${sendingFacility}`;
  const hit = cache.get(key);
  if (hit && hit.until > Date.now()) return hit.found;
  const found = await inboundInterfaceFor(app.db, sendingApplication, sendingFacility);
  if (found) cache.set(key, { found, until: Date.now() + INTERFACE_CACHE_MS });
  else cache.delete(key);
  return found;
}

/** Forgets the remembered senders (after an interface is created or changed). */
export function forgetInterfaces(app: FastifyInstance): void {
  interfaceCache.delete(app.db);
}

/** Applies a message already stored under `messageId` and records the outcome; returns the ACK. */
async function applyStored(
  app: FastifyInstance,
  message: Hl7Message,
  messageId: string,
  remoteAddress?: string,
  known?: { found: Found; stored: boolean },
) {
  const sender = { app: message.get('MSH-3'), facility: message.get('MSH-4') };
  const found = known ? known.found : await interfaceOfSender(app, sender.app, sender.facility);
  if (!found) {
    const text = `unknown sender ${sender.app}/${sender.facility}: no active inbound interface is configured for it`;
    await finishMessage(app.db, messageId, { status: 'refused', ackCode: 'AR', error: text });
    return buildAck(message, {
      code: 'AR',
      text,
      errorCondition: '207',
      errorLocation: { segment: 'MSH', field: 3 },
    });
  }
  if (!known?.stored) {
    await app.db.query('UPDATE hl7_messages SET interface_id = $2, organization_id = $3 WHERE id = $1', [
      messageId,
      found.iface.id,
      found.iface.organization_id,
    ]);
  }
  const key = dedupKey(message);
  return withKeyLock(app, key, async () => {
    const original = await alreadyApplied(app.db, key, messageId);
    if (original) {
      await finishMessage(app.db, messageId, {
        status: 'duplicate',
        ackCode: 'AA',
        effects: { duplicateOf: [original] },
      });
      return buildAck(message, { text: 'duplicate: already applied' });
    }
    const warnings: string[] = [];
    try {
      const event = mapInbound(message);
      const request = systemRequest(app, found.actor, { messageId, remoteAddress });
      const effects = await applyEvent({ app, request, actor: found.actor, messageId, warnings }, event);
      await finishMessage(app.db, messageId, { status: 'applied', ackCode: 'AA', warnings, effects });
      return buildAck(message, warnings.length ? { text: warnings.join('; ').slice(0, 500) } : {});
    } catch (err) {
      const options =
        err instanceof AppError
          ? { code: 'AE' as const, text: err.message, errorCondition: err.statusCode === 409 ? '205' : '101' }
          : nakOptionsFor(err);
      if (!(err instanceof AppError) && !(err instanceof Error && /^Hl7/.test(err.name))) {
        app.log.error({ err, messageId }, 'HL7 message could not be applied');
      }
      await finishMessage(app.db, messageId, {
        status: options.code === 'AR' ? 'refused' : 'error',
        ackCode: options.code ?? 'AE',
        error: options.text ?? String(err),
        warnings,
      });
      return buildAck(message, options);
    }
  });
}

/**
 * The listener's onMessage. Patient ADT messages from a known sender go to the group-commit path (stored and
 * applied in one transaction with the others waiting, ACKed after the commit); every other message is committed
 * to hl7_messages (with its interface when the sender is known) before anything is applied and before any ACK.
 */
export async function receiveMessage(
  app: FastifyInstance,
  message: Hl7Message,
  raw: string,
  meta: InboundMeta = {},
): Promise<Hl7Message> {
  const found = await interfaceOfSender(app, message.get('MSH-3'), message.get('MSH-4'));
  if (found) {
    let event: InboundEvent | undefined;
    try {
      event = mapInbound(message);
    } catch {
      // unmappable: the ordinary path stores it and answers with the reason
    }
    if (event && isBatchableAdt(event)) {
      const item: BatchItem = { message, event, raw, iface: found.iface, actor: found.actor, ...meta };
      const one = (i: BatchItem) => receiveOne(app, i.message, i.raw, i, { iface: i.iface, actor: i.actor });
      return batcherOf(app, one).submit(item);
    }
  }
  return receiveOne(app, message, raw, meta, found);
}

/** The message-at-a-time path: store (committed), then apply and record the outcome. */
async function receiveOne(
  app: FastifyInstance,
  message: Hl7Message,
  raw: string,
  meta: InboundMeta,
  found: Found,
): Promise<Hl7Message> {
  const messageId = await storeMessage(app.db, {
    interfaceId: found?.iface.id ?? null,
    organizationId: found?.iface.organization_id ?? null,
    sendingApplication: message.get('MSH-3'),
    sendingFacility: message.get('MSH-4'),
    controlId: message.controlId,
    messageType: typeOf(message),
    dedupKey: dedupKey(message),
    raw,
    rawBytes: meta.frameBytes,
    charset: meta.charset,
    remoteAddress: meta.remoteAddress,
    receivedAt: meta.receivedAt,
  });
  return applyStored(app, message, messageId, meta.remoteAddress, { found, stored: true });
}

/** A frame the listener refused before parsing succeeded: kept with its reason so an admin sees it. */
export async function storeRefused(
  app: FastifyInstance,
  raw: string,
  reason: string,
  remoteAddress?: string,
  frameBytes?: Uint8Array,
): Promise<void> {
  const msh = /^MSH(.)(.*)$/m.exec(raw);
  const fields = msh ? msh[2].split(msh[1]) : [];
  await storeMessage(app.db, {
    sendingApplication: fields[1]?.split('^')[0] || null,
    sendingFacility: fields[2]?.split('^')[0] || null,
    controlId: fields[8] || null,
    raw: raw || '(empty or oversize frame)',
    rawBytes: frameBytes,
    remoteAddress,
    status: 'refused',
    ackCode: 'AR',
    error: reason,
  });
}

/**
 * Reprocesses a stored message (after fixing the interface configuration or the patient record): parses the
 * stored text again and runs it through the same steps. An applied message is not applied again.
 */
export async function reprocessMessage(app: FastifyInstance, row: MessageRow): Promise<string> {
  const message = parseMessage(row.raw);
  const ack = await applyStored(app, message, row.id, row.remote_address ?? undefined);
  return ack.get('MSA-1');
}
