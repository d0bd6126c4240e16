/**
 * MATLAB .mat reading, for the ECG sets distributed that way: level 4 files (PhysioNet/CinC 2021 `val` matrices,
 * which WFDB headers also describe as `16x1+24`) and level 5 files (CPSC 2018 `ECG` structs with `sex`, `age`
 * and a compressed 12×N `data` matrix). Follows MathWorks' "MAT-File Format" document. Numeric, char, struct and
 * cell arrays are read; sparse and object arrays are refused. Compressed elements are inflated with the standard
 * DecompressionStream (available in Node ≥ 18 and browsers), so this module stays free of Node APIs.
 */
import { EcgError, type EcgRecord, STANDARD_12_LEADS } from '../record';

export interface MatVariable {
  name: string;
  /** MATLAB class: 'double', 'single', 'int16', 'char', 'struct', 'cell' … */
  className: string;
  dims: number[];
  /** Numeric values in column-major order (MATLAB's), converted to float64. */
  data?: Float64Array;
  text?: string;
  /** Struct fields (of the first element for struct arrays). */
  fields?: Record<string, MatVariable>;
  cells?: MatVariable[];
}

const MAX_ELEMENTS = 2 ** 28;

function fail(message: string): never {
  throw new EcgError(`MAT file: ${message}`, 'corrupt');
}

/** Reads every variable of a level 4 or level 5 MAT file. */
export async function parseMat(bytes: Uint8Array): Promise<MatVariable[]> {
  if (!(bytes instanceof Uint8Array)) throw new EcgError('MAT file: bytes must be a Uint8Array');
  if (bytes.length >= 128 && isLevel5(bytes)) return parseLevel5(bytes);
  return parseLevel4(bytes);
}

function isLevel5(b: Uint8Array): boolean {
  const text = String.fromCharCode(...b.subarray(0, 6));
  const endian = String.fromCharCode(b[126], b[127]);
  return text === 'MATLAB' && (endian === 'IM' || endian === 'MI');
}

// ---- Level 4 ----------------------------------------------------------------------------------------------

function parseLevel4(bytes: Uint8Array): MatVariable[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: MatVariable[] = [];
  let p = 0;
  while (p < bytes.length) {
    if (p + 20 > bytes.length) fail(`level 4 header at byte ${p} is cut off`);
    // MOPT: M = byte order (0 little, 1 big), O = 0, P = precision, T = type (0 full numeric, 1 text).
    let little = true;
    let type = view.getInt32(p, true);
    if (type < 0 || type > 4052) {
      type = view.getInt32(p, false);
      little = false;
    }
    if (type < 0 || type > 4052) fail(`byte ${p}: not a level 4 or level 5 MAT file`);
    const m = Math.floor(type / 1000);
    const o = Math.floor(type / 100) % 10;
    const prec = Math.floor(type / 10) % 10;
    const t = type % 10;
    if ((m !== 0 && m !== 1) || o !== 0 || prec > 5 || t > 1)
      fail(`byte ${p}: unsupported level 4 type ${type}`);
    const rows = view.getInt32(p + 4, little);
    const cols = view.getInt32(p + 8, little);
    const imag = view.getInt32(p + 12, little);
    const nameLen = view.getInt32(p + 16, little);
    if (rows < 0 || cols < 0 || nameLen < 1 || nameLen > 4096)
      fail(`byte ${p}: bad level 4 dimensions or name length`);
    const count = rows * cols;
    if (count > MAX_ELEMENTS) fail(`byte ${p}: matrix of ${count} elements is too large`);
    p += 20;
    if (p + nameLen > bytes.length) fail('level 4 name is cut off');
    const name = decodeAscii(bytes.subarray(p, p + nameLen)).replace(/\0+$/, '');
    p += nameLen;
    const size = [8, 4, 4, 2, 2, 1][prec];
    const need = count * size * (imag ? 2 : 1);
    if (p + need > bytes.length)
      fail(`level 4 variable "${name}" needs ${need} bytes, ${bytes.length - p} remain`);
    const data = new Float64Array(count);
    for (let i = 0; i < count; i++) data[i] = readNumber(view, p + i * size, prec, little);
    p += need;
    const v: MatVariable = { name, className: t === 1 ? 'char' : 'double', dims: [rows, cols], data };
    if (t === 1) v.text = String.fromCharCode(...Array.from(data, (c) => c & 0xffff));
    out.push(v);
  }
  return out;
}

function readNumber(view: DataView, at: number, prec: number, little: boolean): number {
  switch (prec) {
    case 0:
      return view.getFloat64(at, little);
    case 1:
      return view.getFloat32(at, little);
    case 2:
      return view.getInt32(at, little);
    case 3:
      return view.getInt16(at, little);
    case 4:
      return view.getUint16(at, little);
    default:
      return view.getUint8(at);
  }
}

function decodeAscii(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

// ---- Level 5 ----------------------------------------------------------------------------------------------

const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
const CLASS_NAMES: Record<number, string> = {
  1: 'cell',
  2: 'struct',
  3: 'object',
  4: 'char',
  5: 'sparse',
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
};

interface Element {
  type: number;
  start: number;
  length: number;
}

async function parseLevel5(bytes: Uint8Array): Promise<MatVariable[]> {
  const little = bytes[126] === 0x49; // 'IM' when written little-endian
  const out: MatVariable[] = [];
  let p = 128;
  while (p + 8 <= bytes.length) {
    const el = readTag(bytes, p, little);
    p = el.next;
    if (el.type === MI_COMPRESSED) {
      const inner = await inflate(bytes.subarray(el.start, el.start + el.length));
      const sub = readTag(inner, 0, little);
      if (sub.type === MI_MATRIX) out.push(readMatrix(inner, sub, little, 0));
    } else if (el.type === MI_MATRIX) out.push(readMatrix(bytes, el, little, 0));
  }
  return out;
}

function readTag(b: Uint8Array, p: number, little: boolean): Element & { next: number } {
  if (p + 8 > b.length) fail(`element tag at byte ${p} is cut off`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const word = view.getUint32(p, little);
  const small = word >>> 16;
  if (small !== 0) {
    // Small data element: type and length share the first word, data in the next 4 bytes.
    if (small > 4) fail(`small element at byte ${p} claims ${small} bytes`);
    return { type: word & 0xffff, start: p + 4, length: small, next: p + 8 };
  }
  const length = view.getUint32(p + 4, little);
  const start = p + 8;
  if (start + length > b.length)
    fail(`element at byte ${p} needs ${length} bytes, ${b.length - start} remain`);
  const padded = word === MI_COMPRESSED ? length : Math.ceil(length / 8) * 8;
  return { type: word, start, length, next: Math.min(b.length, start + padded) };
}

function readMatrix(b: Uint8Array, el: Element, little: boolean, depth: number): MatVariable {
  if (depth > 16) fail('structures nested too deeply');
  let p = el.start;
  const end = el.start + el.length;
  if (el.length === 0) return { name: '', className: 'double', dims: [0, 0], data: new Float64Array(0) };
  const flags = readTag(b, p, little);
  p = flags.next;
  const classId = b[little ? flags.start : flags.start + 3];
  const className = CLASS_NAMES[classId] ?? `class ${classId}`;
  const dimsEl = readTag(b, p, little);
  p = dimsEl.next;
  const dims = Array.from(numbers(b, dimsEl, little));
  if (dims.some((d) => d < 0 || !Number.isInteger(d))) fail('negative or fractional dimensions');
  const nameEl = readTag(b, p, little);
  p = nameEl.next;
  const name = decodeAscii(b.subarray(nameEl.start, nameEl.start + nameEl.length));
  const count = dims.reduce((a, d) => a * d, 1);
  if (count > MAX_ELEMENTS) fail(`variable "${name}" has ${count} elements, too many`);
  const v: MatVariable = { name, className, dims };
  if (classId === 2) {
    const lenEl = readTag(b, p, little);
    p = lenEl.next;
    const fieldLen = numbers(b, lenEl, little)[0];
    const namesEl = readTag(b, p, little);
    p = namesEl.next;
    if (!(fieldLen > 0)) fail(`struct "${name}" has field name length ${fieldLen}`);
    const nFields = Math.floor(namesEl.length / fieldLen);
    const names: string[] = [];
    for (let f = 0; f < nFields; f++) {
      const raw = b.subarray(namesEl.start + f * fieldLen, namesEl.start + (f + 1) * fieldLen);
      names.push(decodeAscii(raw).replace(/\0.*$/s, ''));
    }
    v.fields = {};
    // Fields of element 0 come first; later elements of a struct array are skipped.
    for (let f = 0; f < nFields && p < end; f++) {
      const sub = readTag(b, p, little);
      p = sub.next;
      if (sub.type !== MI_MATRIX) fail(`struct "${name}" field ${names[f]} is not a matrix`);
      const value = readMatrix(b, sub, little, depth + 1);
      value.name = names[f];
      v.fields[names[f]] = value;
    }
    return v;
  }
  if (classId === 1) {
    v.cells = [];
    for (let c = 0; c < count && p < end; c++) {
      const sub = readTag(b, p, little);
      p = sub.next;
      v.cells.push(readMatrix(b, sub, little, depth + 1));
    }
    return v;
  }
  if (classId === 3 || classId === 5 || !CLASS_NAMES[classId]) {
    throw new EcgError(`MAT file: variable "${name}" of class ${className} is not supported`, 'unsupported');
  }
  const realEl = readTag(b, p, little);
  const data = numbers(b, realEl, little);
  if (data.length !== count)
    fail(`variable "${name}" holds ${data.length} values for dimensions ${dims.join('×')}`);
  v.data = data;
  if (classId === 4) v.text = String.fromCharCode(...Array.from(data.subarray(0, 65536), (c) => c & 0xffff));
  return v;
}

/** The values of a numeric element, as float64. */
function numbers(b: Uint8Array, el: Element, little: boolean): Float64Array {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const spec: Record<number, [number, (at: number) => number]> = {
    1: [1, (at) => view.getInt8(at)],
    2: [1, (at) => view.getUint8(at)],
    3: [2, (at) => view.getInt16(at, little)],
    4: [2, (at) => view.getUint16(at, little)],
    5: [4, (at) => view.getInt32(at, little)],
    6: [4, (at) => view.getUint32(at, little)],
    7: [4, (at) => view.getFloat32(at, little)],
    9: [8, (at) => view.getFloat64(at, little)],
    12: [8, (at) => Number(view.getBigInt64(at, little))],
    13: [8, (at) => Number(view.getBigUint64(at, little))],
    16: [1, (at) => view.getUint8(at)],
    17: [2, (at) => view.getUint16(at, little)],
  };
  const s = spec[el.type];
  if (!s) fail(`data type ${el.type} is not supported`);
  const [size, get] = s;
  const n = Math.floor(el.length / size);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = get(el.start + i * size);
  return out;
}

async function inflate(data: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new EcgError(
      'MAT file: compressed variables need DecompressionStream, missing here',
      'unsupported',
    );
  }
  try {
    const stream = new Blob([new Uint8Array(data)]).stream().pipeThrough(new DecompressionStream('deflate'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new EcgError(
      `MAT file: compressed variable cannot be inflated (${(e as Error).message})`,
      'corrupt',
    );
  }
}

// ---- To an EcgRecord ----------------------------------------------------------------------------------------

export interface MatRecordOptions {
  /** Sampling rate in Hz (MAT files do not say). Default 500, the rate of CinC 2021 and CPSC 2018. */
  sampleRate?: number;
  /** Microvolts per stored unit. Default 1000 (values in mV, as in CPSC 2018). */
  microvoltsPerUnit?: number;
  /** Lead names in row order; default the standard 12 leads when there are 12 rows. */
  leadNames?: string[];
}

/**
 * Turns the variables of an ECG MAT file into a record: the largest numeric matrix with at most 16 rows (or
 * columns) is the signal, leads along the short side. Struct fields `age` and `sex` are kept in meta.
 */
export function matToRecord(vars: MatVariable[], options: MatRecordOptions = {}): EcgRecord {
  const fs = options.sampleRate ?? 500;
  const scale = options.microvoltsPerUnit ?? 1000;
  const flat: MatVariable[] = [];
  const walk = (v: MatVariable) => {
    flat.push(v);
    for (const f of Object.values(v.fields ?? {})) walk(f);
    for (const c of v.cells ?? []) walk(c);
  };
  vars.forEach(walk);
  let signal: MatVariable | undefined;
  for (const v of flat) {
    if (!v.data || v.className === 'char' || v.dims.length !== 2) continue;
    if (Math.min(...v.dims) < 1 || Math.min(...v.dims) > 16) continue;
    if (!signal || v.data.length > (signal.data?.length ?? 0)) signal = v;
  }
  if (!signal?.data) throw new EcgError('MAT file: no numeric matrix with 1–16 leads found');
  const [rows, cols] = signal.dims;
  const leadsAlongRows = rows <= cols;
  const nLeads = leadsAlongRows ? rows : cols;
  const n = leadsAlongRows ? cols : rows;
  const names = options.leadNames ?? (nLeads === 12 ? [...STANDARD_12_LEADS] : []);
  const leads = [];
  for (let l = 0; l < nLeads; l++) {
    const samples = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      // Column-major: element (r, c) is at r + c·rows.
      const v = leadsAlongRows ? signal.data[l + i * rows] : signal.data[i + l * rows];
      samples[i] = Number.isFinite(v) ? v * scale : 0;
    }
    leads.push({ name: names[l] ?? `signal ${l + 1}`, samples });
  }
  const meta: Record<string, unknown> = { format: 'mat', variable: signal.name };
  const age = flat.find((v) => v.name.toLowerCase() === 'age')?.data?.[0];
  if (age !== undefined && Number.isFinite(age) && age >= 0 && age < 150) meta.age = age;
  const sex = flat.find((v) => v.name.toLowerCase() === 'sex');
  const sexText = sex?.text?.trim().toLowerCase();
  if (sexText === 'male' || sexText === 'm') meta.sex = 'M';
  if (sexText === 'female' || sexText === 'f') meta.sex = 'F';
  return { sampleRate: fs, leads, meta };
}
