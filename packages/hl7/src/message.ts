// One HL7 v2 message: an MSH segment followed by the others, with typed path access.
import { DEFAULT_DELIMITERS, type Delimiters } from './delimiters';
import { Hl7ParseError } from './errors';
import { parseFieldAddress, Segment } from './segment';

const MESSAGE_PATH = /^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?[-.](.+)$/;

export interface MessageType {
  /** MSH-9.1, e.g. 'ADT'. */
  code: string;
  /** MSH-9.2, e.g. 'A01'. */
  trigger: string;
  /** MSH-9.3, e.g. 'ADT_A01' (often empty in older versions). */
  structure: string;
}

export class Hl7Message {
  readonly segments: Segment[];

  constructor(segments: Segment[]) {
    if (segments.length === 0 || segments[0].id !== 'MSH') {
      throw new Hl7ParseError('a message must start with an MSH segment');
    }
    this.segments = segments;
  }

  /** Starts a new message with an MSH segment (MSH-1/2 from the delimiters). */
  static create(delimiters: Delimiters = DEFAULT_DELIMITERS): Hl7Message {
    return new Hl7Message([new Segment('MSH', delimiters)]);
  }

  get delimiters(): Delimiters {
    return this.segments[0].delimiters;
  }

  get header(): Segment {
    return this.segments[0];
  }

  get type(): MessageType {
    const msh = this.header;
    return { code: msh.get('9.1'), trigger: msh.get('9.2'), structure: msh.get('9.3') };
  }

  /** MSH-10, the sender's message control ID (empty string when absent). */
  get controlId(): string {
    return this.header.get('10');
  }

  get version(): string {
    return this.header.get('12');
  }

  /** MSH-18 first repetition, e.g. 'UNICODE UTF-8' or 'GB 18030-2000'; empty when absent. */
  get charset(): string {
    return this.header.get('18');
  }

  /** The n-th (1-based) segment with this ID, or undefined. */
  segment(id: string, occurrence = 1): Segment | undefined {
    let seen = 0;
    for (const s of this.segments) if (s.id === id && ++seen === occurrence) return s;
    return undefined;
  }

  all(id: string): Segment[] {
    return this.segments.filter((s) => s.id === id);
  }

  /** Appends a new, empty segment using this message's delimiters. */
  addSegment(id: string): Segment {
    const s = new Segment(id, this.delimiters);
    this.segments.push(s);
    return s;
  }

  /** Unescaped value at a path such as 'PID-3[2].1', 'OBX[2]-5', 'MSH-9.2' (missing levels default to 1). */
  get(path: string): string {
    const { segment, rest } = this.resolve(path);
    return segment ? segment.get(rest) : '';
  }

  /** Still-escaped text at a path; 'PID-3' gives every repetition of the field. */
  getRaw(path: string): string {
    const { segment, rest } = this.resolve(path);
    return segment ? segment.getRaw(rest) : '';
  }

  /** Writes an (escaped) value at a path, appending the segment when the message has none with that ID. */
  set(path: string, value: string | readonly string[]): this {
    const { id, occurrence, segment, rest } = this.resolve(path);
    let target = segment;
    if (!target) {
      if (occurrence !== this.all(id).length + 1) {
        throw new Hl7ParseError(`path '${path}': segment ${id} occurrence ${occurrence} does not exist`);
      }
      target = this.addSegment(id);
    }
    target.set(rest, value);
    return this;
  }

  /** The message as ER7 text; segments end with `terminator` (HL7 says CR). */
  toString(terminator = '\r'): string {
    return this.segments.map((s) => s.toString()).join(terminator) + terminator;
  }

  private resolve(path: string): { id: string; occurrence: number; segment?: Segment; rest: string } {
    const m = MESSAGE_PATH.exec(path);
    if (!m)
      throw new Hl7ParseError(`path '${path}': expected SEG[-n]-field[repetition].component.subcomponent`);
    const occurrence = m[2] === undefined ? 1 : Number(m[2]);
    if (occurrence < 1) throw new Hl7ParseError(`path '${path}': segment occurrences start at 1`);
    try {
      parseFieldAddress(m[3]);
    } catch {
      throw new Hl7ParseError(`path '${path}': expected SEG[-n]-field[repetition].component.subcomponent`);
    }
    return { id: m[1], occurrence, segment: this.segment(m[1], occurrence), rest: m[3] };
  }
}
