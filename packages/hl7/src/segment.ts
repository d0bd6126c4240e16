// A segment keeps every leaf exactly as written (still escaped), so that parse → toString gives the same text.
// Values are unescaped only when read through get() and escaped when written through set().
import { type Delimiters, encodingCharacters, escapeText, unescapeText } from './delimiters';
import { Hl7ParseError } from './errors';

/** field → repetitions → components → subcomponents, each leaf the raw (escaped) text. */
export type RawField = string[][][];

export interface FieldAddress {
  field: number;
  /** 1-based; defaults to 1. */
  repetition?: number;
  component?: number;
  subcomponent?: number;
}

const SEGMENT_ID = /^[A-Z][A-Z0-9]{2}$/;
const RELATIVE_PATH = /^(\d+)(?:\[(\d+)\])?(?:\.(\d+))?(?:\.(\d+))?$/;

export function isSegmentId(id: string): boolean {
  return SEGMENT_ID.test(id);
}

/** Parses '3', '3[2]', '3[2].1', '3.1.2' (field, repetition, component, subcomponent; all 1-based). */
export function parseFieldAddress(path: string): FieldAddress {
  const m = RELATIVE_PATH.exec(path);
  if (!m) throw new Hl7ParseError(`path '${path}': expected field[repetition].component.subcomponent`);
  const address: FieldAddress = { field: Number(m[1]) };
  if (m[2] !== undefined) address.repetition = Number(m[2]);
  if (m[3] !== undefined) address.component = Number(m[3]);
  if (m[4] !== undefined) address.subcomponent = Number(m[4]);
  for (const [k, v] of Object.entries(address)) {
    if (v < 1 && !(k === 'field' && v === 0))
      throw new Hl7ParseError(`path '${path}': ${k} numbers start at 1`);
  }
  return address;
}

export class Segment {
  /** Index = HL7 field number; index 0 holds the segment ID. For MSH/BHS/FHS field 1 is the separator. */
  readonly fields: RawField[];

  constructor(
    readonly id: string,
    readonly delimiters: Delimiters,
    fields?: RawField[],
  ) {
    if (!isSegmentId(id))
      throw new Hl7ParseError(`segment ID '${id}' must be 3 upper-case letters or digits`);
    this.fields = fields ?? [[[[id]]]];
    if (isHeader(id) && !fields) {
      this.fields[1] = [[[delimiters.field]]];
      this.fields[2] = [[[encodingCharacters(delimiters)]]];
    }
  }

  /** Parses one segment line with the given delimiters. */
  static parse(line: string, delimiters: Delimiters, lineNumber?: number): Segment {
    const d = delimiters;
    const id = line.slice(0, 3);
    if (!isSegmentId(id) || (line.length > 3 && line[3] !== d.field)) {
      const shown = line.length > 24 ? `${line.slice(0, 24)}…` : line;
      throw new Hl7ParseError(
        `'${shown}' is not a segment: a segment starts with a 3-character ID followed by '${d.field}'`,
        { line: lineNumber },
      );
    }
    const parts = line.split(d.field);
    const fields: RawField[] = [[[[id]]]];
    if (isHeader(id)) {
      // The header's field 1 is the separator itself and field 2 the encoding characters, never split.
      fields.push([[[d.field]]], [[[parts[1] ?? '']]]);
      for (let i = 2; i < parts.length; i++) fields.push(splitField(parts[i], d));
    } else {
      for (let i = 1; i < parts.length; i++) fields.push(splitField(parts[i], d));
    }
    return new Segment(id, d, fields);
  }

  /** Number of the last field present (trailing empty fields written in the text count). */
  get fieldCount(): number {
    return this.fields.length - 1;
  }

  /** Number of repetitions written in a field (0 when the field is absent or empty). */
  repetitionCount(field: number): number {
    const f = this.fields[field];
    if (!f || (f.length === 1 && f[0].length === 1 && f[0][0].length === 1 && f[0][0][0] === '')) return 0;
    return f.length;
  }

  /** Raw (still escaped) text of the addressed node; a bare field number gives all repetitions. */
  getRaw(path: string | FieldAddress): string {
    const a = typeof path === 'string' ? parseFieldAddress(path) : path;
    const f = this.fields[a.field];
    if (!f) return '';
    const d = this.delimiters;
    if (isHeader(this.id) && a.field <= 2) return f[0][0][0];
    if (a.repetition === undefined && a.component === undefined) return joinField(f, d);
    const rep = f[(a.repetition ?? 1) - 1];
    if (!rep) return '';
    if (a.component === undefined) return joinRepetition(rep, d);
    const comp = rep[a.component - 1];
    if (!comp) return '';
    if (a.subcomponent === undefined) return comp.join(d.subcomponent);
    return comp[a.subcomponent - 1] ?? '';
  }

  /**
   * Unescaped text of one leaf. Missing levels default to the first (as HAPI's Terser does):
   * get('5') is the first component of the first repetition of field 5.
   */
  get(path: string | FieldAddress): string {
    const a = typeof path === 'string' ? parseFieldAddress(path) : path;
    if (isHeader(this.id) && a.field <= 2) return this.getRaw(a);
    return unescapeText(
      this.getRaw({
        field: a.field,
        repetition: a.repetition ?? 1,
        component: a.component ?? 1,
        subcomponent: a.subcomponent ?? 1,
      }),
      this.delimiters,
    );
  }

  /** Every repetition of a field, each as its list of components (unescaped, subcomponents joined raw). */
  repetitions(field: number): string[][] {
    const n = this.repetitionCount(field);
    const out: string[][] = [];
    for (let r = 1; r <= n; r++) {
      const rep = this.fields[field][r - 1];
      out.push(rep.map((comp) => unescapeText(comp[0] ?? '', this.delimiters)));
    }
    return out;
  }

  /**
   * Writes a value at the addressed leaf, escaping it. An array writes the components of the addressed
   * repetition (each escaped). Intermediate levels are created as needed.
   */
  set(path: string | FieldAddress, value: string | readonly string[]): this {
    const a = typeof path === 'string' ? parseFieldAddress(path) : path;
    if (a.field === 0 || (isHeader(this.id) && a.field <= 2)) {
      throw new Hl7ParseError(`${this.id}-${a.field} cannot be set: it holds the segment ID or delimiters`);
    }
    const d = this.delimiters;
    while (this.fields.length <= a.field) this.fields.push([[['']]]);
    const field = this.fields[a.field];
    const r = (a.repetition ?? 1) - 1;
    while (field.length <= r) field.push([['']]);
    if (Array.isArray(value)) {
      if (a.component !== undefined)
        throw new Hl7ParseError(`path ${this.id}-${a.field}: components given twice`);
      field[r] = value.length === 0 ? [['']] : value.map((v) => [escapeText(v, d)]);
      return this;
    }
    const rep = field[r];
    const c = (a.component ?? 1) - 1;
    while (rep.length <= c) rep.push(['']);
    const comp = rep[c];
    const s = (a.subcomponent ?? 1) - 1;
    while (comp.length <= s) comp.push('');
    comp[s] = escapeText(value as string, d);
    return this;
  }

  /** Writes already-encoded text into a whole field (split on this segment's delimiters). */
  setRaw(field: number, raw: string): this {
    if (field === 0 || (isHeader(this.id) && field <= 2)) {
      throw new Hl7ParseError(`${this.id}-${field} cannot be set: it holds the segment ID or delimiters`);
    }
    while (this.fields.length <= field) this.fields.push([[['']]]);
    this.fields[field] = splitField(raw, this.delimiters);
    return this;
  }

  toString(): string {
    const d = this.delimiters;
    if (isHeader(this.id)) {
      const rest = this.fields.slice(3).map((f) => d.field + joinField(f, d));
      return this.id + d.field + (this.fields[2]?.[0][0][0] ?? '') + rest.join('');
    }
    return (
      this.id +
      this.fields
        .slice(1)
        .map((f) => d.field + joinField(f, d))
        .join('')
    );
  }
}

export function isHeader(id: string): boolean {
  return id === 'MSH' || id === 'BHS' || id === 'FHS';
}

function splitField(text: string, d: Delimiters): RawField {
  return text
    .split(d.repetition)
    .map((rep) =>
      rep.split(d.component).map((comp) => (d.subcomponent ? comp.split(d.subcomponent) : [comp])),
    );
}

function joinRepetition(rep: string[][], d: Delimiters): string {
  return rep.map((comp) => comp.join(d.subcomponent)).join(d.component);
}

function joinField(field: RawField, d: Delimiters): string {
  return field.map((rep) => joinRepetition(rep, d)).join(d.repetition);
}
