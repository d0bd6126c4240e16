// Acknowledgements (original mode): MSA-1 AA/AE/AR, MSA-2 = the incoming MSH-10, ERR with the reason.

import { formatHl7DateTime } from './datetime';
import { DEFAULT_DELIMITERS, readDelimiters } from './delimiters';
import { Hl7ParseError } from './errors';
import { Hl7Message } from './message';
import { Segment } from './segment';

export type AckCode = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';

/** HL7 table 0357 (message error condition codes) values we use. */
export const ERROR_CONDITION = {
  segmentSequence: '100',
  requiredFieldMissing: '101',
  dataTypeError: '102',
  unsupportedMessageType: '200',
  unsupportedEvent: '201',
  unsupportedProcessingId: '202',
  unsupportedVersion: '203',
  duplicateKey: '205',
  internalError: '207',
} as const;

const CONDITION_TEXT: Record<string, string> = {
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '205': 'Duplicate key identifier',
  '207': 'Application internal error',
};

export interface AckOptions {
  code?: AckCode;
  /** Human-readable reason, written to MSA-3 and ERR-8. */
  text?: string;
  /** Table 0357 code for ERR-3; defaults to 207 for AE and 100 for AR. */
  errorCondition?: string;
  /** ERR-2 location, e.g. { segment: 'PID', field: 3 }. */
  errorLocation?: { segment?: string; field?: number };
  /** MSH-10 of the ACK; defaults to a random UUID without dashes. */
  controlId?: string;
  now?: Date;
  utcOffsetMinutes?: number;
}

function newControlId(): string {
  return globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 20);
}

/**
 * Builds the reply to `incoming`: MSH with sender and receiver swapped, MSA, and ERR when not accepted.
 */
export function buildAck(incoming: Hl7Message, options: AckOptions = {}): Hl7Message {
  const code = options.code ?? 'AA';
  const inMsh = incoming.header;
  const ack = Hl7Message.create(incoming.delimiters);
  const msh = ack.header;
  // Swap sender and receiver; raw copies keep their components (e.g. HD namespace^id^type) intact.
  msh.setRaw(3, inMsh.getRaw('5'));
  msh.setRaw(4, inMsh.getRaw('6'));
  msh.setRaw(5, inMsh.getRaw('3'));
  msh.setRaw(6, inMsh.getRaw('4'));
  msh.set('7', formatHl7DateTime(options.now ?? new Date(), options.utcOffsetMinutes));
  const trigger = inMsh.get('9.2');
  msh.set('9', trigger ? ['ACK', trigger, 'ACK'] : ['ACK']);
  msh.set('10', options.controlId ?? newControlId());
  msh.setRaw(11, inMsh.getRaw('11') || 'P');
  msh.setRaw(12, inMsh.getRaw('12') || '2.5');
  if (inMsh.getRaw('18')) msh.setRaw(18, inMsh.getRaw('18'));
  const msa = ack.addSegment('MSA');
  msa.set('1', code);
  msa.setRaw(2, inMsh.getRaw('10'));
  if (options.text) msa.set('3', truncate(options.text, 80));
  if (code !== 'AA' && code !== 'CA') addErr(ack.addSegment('ERR'), code, options);
  return ack;
}

function addErr(err: Segment, code: AckCode, options: AckOptions): void {
  const condition = options.errorCondition ?? (code === 'AR' || code === 'CR' ? '100' : '207');
  if (options.errorLocation?.segment) {
    err.set('2', [options.errorLocation.segment, '1', String(options.errorLocation.field ?? '')]);
  }
  err.set('3', [condition, CONDITION_TEXT[condition] ?? '', 'HL70357']);
  err.set('4', 'E');
  if (options.text) err.set('8', options.text);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A NAK for text that could not be parsed. The MSH is salvaged when it can be (so MSA-2 still names the
 * sender's control ID); otherwise the reply has default delimiters and an empty MSA-2.
 */
export function buildNakForText(raw: string, reason: Error | string, options: AckOptions = {}): Hl7Message {
  const text = typeof reason === 'string' ? reason : reason.message;
  const location = reason instanceof Hl7ParseError ? reason.location : undefined;
  const incoming = salvageHeader(raw);
  return buildAck(incoming, {
    code: 'AR',
    text,
    errorLocation: location?.segment ? { segment: location.segment, field: location.field } : undefined,
    ...options,
  });
}

function salvageHeader(raw: string): Hl7Message {
  const line = raw
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .find((l) => l.startsWith('MSH'));
  if (line) {
    try {
      const segment = Segment.parse(line, readDelimiters(line));
      return new Hl7Message([segment]);
    } catch {
      // fall through: reply with defaults
    }
  }
  return Hl7Message.create(DEFAULT_DELIMITERS);
}
