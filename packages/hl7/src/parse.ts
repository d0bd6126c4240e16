// Text → messages. Accepts single messages, plain concatenations and batch files
// ([FHS] { [BHS] { MSH … } [BTS] } [FTS]); segment terminators CR, LF and CRLF; blank lines ignored.
import { type Delimiters, readDelimiters } from './delimiters';
import { Hl7ParseError } from './errors';
import { Hl7Message } from './message';
import { isHeader, Segment } from './segment';
import { isXmlEncoded, parseXmlMessage } from './xml';

export interface ParseOptions {
  /**
   * Skip lines that are comments in message dump files ('//', '/*', '*', '*\/' at the start of a line).
   * Off by default: on the wire such a line is an error.
   */
  skipComments?: boolean;
}

export interface Hl7BatchGroup {
  /** BHS when the text had one. */
  header?: Segment;
  messages: Hl7Message[];
  /** BTS when the text had one. */
  trailer?: Segment;
}

/** A file or batch: envelope segments are kept only when present, so serialising gives back the input. */
export class Hl7Batch {
  constructor(
    readonly groups: Hl7BatchGroup[],
    readonly header?: Segment,
    readonly trailer?: Segment,
  ) {}

  /** All messages of all batches, in order. */
  get messages(): Hl7Message[] {
    return this.groups.flatMap((g) => g.messages);
  }

  toString(terminator = '\r'): string {
    const lines: string[] = [];
    if (this.header) lines.push(this.header.toString());
    for (const g of this.groups) {
      if (g.header) lines.push(g.header.toString());
      for (const m of g.messages) for (const s of m.segments) lines.push(s.toString());
      if (g.trailer) lines.push(g.trailer.toString());
    }
    if (this.trailer) lines.push(this.trailer.toString());
    return lines.join(terminator) + terminator;
  }
}

interface Line {
  text: string;
  number: number;
}

const COMMENT = /^\s*(\/\/|\/\*|\*)/;

/** Splits on CR, LF or CRLF and drops blank lines; the numbers refer to the original lines. */
export function splitLines(text: string, options: ParseOptions = {}): Line[] {
  const out: Line[] = [];
  const raw = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i];
    if (t.trim() === '') continue;
    if (options.skipComments && COMMENT.test(t)) continue;
    out.push({ text: t, number: i + 1 });
  }
  return out;
}

/** The text normalised as toString() writes it: CR after every segment, blank lines gone. */
export function normaliseTerminators(text: string, options: ParseOptions = {}): string {
  const lines = splitLines(text, options);
  return lines.length === 0 ? '' : `${lines.map((l) => l.text).join('\r')}\r`;
}

/** Parses any text holding one or more messages, with or without batch envelopes. */
export function parseBatch(text: string, options: ParseOptions = {}): Hl7Batch {
  if (typeof text !== 'string') throw new Hl7ParseError('input must be a string (decode bytes first)');
  // The XML encoding carries one message per document; it is read into the same model.
  if (isXmlEncoded(text)) return new Hl7Batch([{ messages: [parseXmlMessage(text)] }]);
  const lines = splitLines(text, options);
  if (lines.length === 0) throw new Hl7ParseError('no segments: the input is empty');

  let fileHeader: Segment | undefined;
  let fileTrailer: Segment | undefined;
  const groups: Hl7BatchGroup[] = [];
  let group: Hl7BatchGroup | undefined; // the open batch
  let groupClosed = true;
  let current: Segment[] | undefined; // segments of the open message
  let delimiters: Delimiters | undefined;

  const closeMessage = () => {
    if (current) group!.messages.push(new Hl7Message(current));
    current = undefined;
  };

  for (const line of lines) {
    const id = line.text.slice(0, 3);
    if (fileTrailer) {
      throw new Hl7ParseError(`segment ${id} after the file trailer FTS`, { line: line.number, segment: id });
    }
    // Every header segment declares its own delimiters; a bad declaration is reported as such.
    if (isHeader(id)) delimiters = readDelimiters(line.text, line.number);
    if (!delimiters) {
      throw new Hl7ParseError(
        /^[A-Z][A-Z0-9]{2}/.test(id)
          ? `segment ${id} appears before any MSH: a message must start with MSH`
          : 'no MSH segment: the text does not start with an HL7 v2 header',
        { line: line.number, segment: id },
      );
    }
    const segment = Segment.parse(line.text, delimiters, line.number);
    switch (id) {
      case 'FHS':
        if (fileHeader || groups.length > 0) {
          throw new Hl7ParseError('FHS must be the first segment of a file (found a second file header)', {
            line: line.number,
            segment: id,
          });
        }
        fileHeader = segment;
        break;
      case 'BHS':
        if (!groupClosed) {
          throw new Hl7ParseError('BHS inside an open batch: the previous batch has no BTS', {
            line: line.number,
            segment: id,
          });
        }
        closeMessage();
        group = { header: segment, messages: [] };
        groups.push(group);
        groupClosed = false;
        break;
      case 'MSH':
        closeMessage();
        if (!group || (groupClosed && group.trailer)) {
          group = { messages: [] };
          groups.push(group);
        }
        groupClosed = !group.header;
        current = [segment];
        break;
      case 'BTS':
        closeMessage();
        if (!group || group.trailer) {
          // A trailer with nothing open still closes an (empty) batch, as tolerant readers do.
          group = { messages: [] };
          groups.push(group);
        }
        group.trailer = segment;
        groupClosed = true;
        break;
      case 'FTS':
        closeMessage();
        if (group && !groupClosed && group.header) groupClosed = true;
        fileTrailer = segment;
        break;
      default:
        if (!current) {
          throw new Hl7ParseError(`segment ${id} appears outside a message: expected MSH first`, {
            line: line.number,
            segment: id,
          });
        }
        current.push(segment);
    }
  }
  closeMessage();
  for (const g of groups) {
    if (g.messages.length === 0) {
      throw new Hl7ParseError('a batch holds no message (no MSH between BHS and BTS)', {
        segment: g.header ? 'BHS' : 'BTS',
        line: undefined,
      });
    }
  }
  if (groups.length === 0) throw new Hl7ParseError('no MSH segment: the file holds no message');
  return new Hl7Batch(groups, fileHeader, fileTrailer);
}

/** Parses exactly one message; batches and several messages are refused (use parseBatch). */
export function parseMessage(text: string, options: ParseOptions = {}): Hl7Message {
  const batch = parseBatch(text, options);
  const messages = batch.messages;
  if (batch.header || batch.groups.some((g) => g.header || g.trailer)) {
    throw new Hl7ParseError('the text is a batch (FHS/BHS/BTS/FTS): use parseBatch');
  }
  if (messages.length !== 1) {
    throw new Hl7ParseError(`expected one message, found ${messages.length}: use parseBatch`);
  }
  const message = messages[0];
  validateHeader(message);
  return message;
}

/** Checks what every receiver needs from MSH; throws naming the field. */
export function validateHeader(message: Hl7Message): void {
  const msh = message.header;
  if (msh.fieldCount < 9) {
    throw new Hl7ParseError(`MSH has only ${msh.fieldCount} fields: MSH-9 (message type) is required`, {
      segment: 'MSH',
      field: 9,
    });
  }
  if (!message.type.code) {
    throw new Hl7ParseError('MSH-9 (message type) is empty', { segment: 'MSH', field: 9 });
  }
}

/** Every message in a text (plain concatenation or batch). */
export function parseMessages(text: string, options: ParseOptions = {}): Hl7Message[] {
  const messages = parseBatch(text, options).messages;
  for (const m of messages) validateHeader(m);
  return messages;
}
