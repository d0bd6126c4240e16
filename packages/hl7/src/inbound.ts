// One entry point for the server's inbound pipeline: which messages we take, what they map to, how a failure
// is acknowledged, and the key that makes a resent message a duplicate.
import type { AckOptions } from './ack';
import { Hl7MappingError, Hl7ParseError } from './errors';
import { type AdtEvent, mapAdt } from './mappers/adt';
import type { MapOptions } from './mappers/common';
import { mapOrders, type OrderMessage } from './mappers/orders';
import { mapResults, type ResultMessage } from './mappers/results';
import type { Hl7Message } from './message';

/** Message types Lifeline applies (domain.md §4). */
export const SUPPORTED_INBOUND = [
  'ADT^A01',
  'ADT^A04',
  'ADT^A08',
  'ADT^A40',
  'ORM^O01',
  'OML^O21',
  'ORU^R01',
] as const;

export type InboundEvent = AdtEvent | OrderMessage | ResultMessage;

/** A message we do not take; acknowledged with AR and table 0357 code 200 (type) or 201 (event). */
export class Hl7UnsupportedMessageError extends Hl7MappingError {
  constructor(
    readonly messageType: string,
    readonly errorCondition: '200' | '201',
  ) {
    super('MSH-9', `${messageType} is not accepted (accepted: ${SUPPORTED_INBOUND.join(', ')})`);
    this.name = 'Hl7UnsupportedMessageError';
  }
}

/** Maps any supported inbound message; throws Hl7UnsupportedMessageError for the others. */
export function mapInbound(message: Hl7Message, options: MapOptions = {}): InboundEvent {
  const { code, trigger } = message.type;
  const type = `${code}^${trigger}`;
  if (!(SUPPORTED_INBOUND as readonly string[]).includes(type)) {
    const knownCode = SUPPORTED_INBOUND.some((t) => t.startsWith(`${code}^`));
    throw new Hl7UnsupportedMessageError(type, knownCode ? '201' : '200');
  }
  if (code === 'ADT') return mapAdt(message, options);
  if (code === 'ORU') return mapResults(message, options);
  return mapOrders(message, options);
}

/**
 * How to acknowledge a failure: AR for what we will never accept (unparsable, unsupported type), AE for an
 * accepted message that lacks what the mapping needs or that failed while being applied.
 */
export function nakOptionsFor(error: unknown): AckOptions {
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof Hl7UnsupportedMessageError) {
    return {
      code: 'AR',
      text,
      errorCondition: error.errorCondition,
      errorLocation: { segment: 'MSH', field: 9 },
    };
  }
  if (error instanceof Hl7ParseError) {
    return {
      code: 'AR',
      text,
      errorCondition: '100',
      ...(error.location.segment && {
        errorLocation: { segment: error.location.segment, field: error.location.field },
      }),
    };
  }
  if (error instanceof Hl7MappingError) {
    const m = /^([A-Z][A-Z0-9]{2})(?:-(\d+))?/.exec(error.path);
    return {
      code: 'AE',
      text,
      errorCondition: '101',
      ...(m && { errorLocation: { segment: m[1], field: m[2] ? Number(m[2]) : undefined } }),
    };
  }
  return { code: 'AE', text, errorCondition: '207' };
}

/** Sender application + facility + MSH-10: the same key means the same message sent again. */
export function dedupKey(message: Hl7Message): string {
  return [message.get('MSH-3'), message.get('MSH-4'), message.controlId].join('|');
}
