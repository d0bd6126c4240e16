/**
 * ISHNE Holter reader (ISHNE standard output format 1.0): "ISHNE1.0" magic, CRC-CCITT over the header,
 * 512-byte fixed header, variable-length block, then int16 samples interleaved lead by lead; and the companion
 * annotation file ("ANN  1.0", same header, then a start offset and 4-byte beat records).
 */
import type { EcgRecord, Lead } from '@lifeline/ecg';
import { ByteView, decodeText } from '../scp/bytes';
import { crcCcitt, hex16 } from '../scp/crc';
import { FormatError, type ParsedEcg } from '../types';

const FORMAT = 'ishne';
const MAGIC_ECG = 'ISHNE1.0';
const MAGIC_ANN = 'ANN  1.0';
const PREFIX = 10; // magic (8) + CRC (2)
const FIXED_HEADER = 512;

/** ISHNE lead specification codes (−9 absent, 0 unknown). */
const LEAD_NAMES: Record<number, string> = {
  1: 'bipolar',
  2: 'X',
  3: 'Y',
  4: 'Z',
  5: 'I',
  6: 'II',
  7: 'III',
  8: 'aVR',
  9: 'aVL',
  10: 'aVF',
  11: 'V1',
  12: 'V2',
  13: 'V3',
  14: 'V4',
  15: 'V5',
  16: 'V6',
  17: 'ES',
  18: 'AS',
  19: 'AI',
};
const QUALITY: Record<number, Lead['quality']> = { 2: 'noisy', 3: 'noisy', 4: 'lead-off', 5: 'lead-off' };

export interface IshneHeader {
  variableLength: number;
  samplesPerLead: number;
  variableOffset: number;
  dataOffset: number;
  version: number;
  firstName: string;
  lastName: string;
  id: string;
  sex: number;
  birthDate?: string;
  recordDate?: string;
  startTime?: string;
  leadCount: number;
  leadSpec: number[];
  leadQuality: number[];
  resolutionNv: number[];
  pacemaker: number;
  recorder: string;
  sampleRate: number;
  variableBlock: string;
}

function fail(message: string, what = 'ISHNE'): never {
  throw new FormatError(`${what}: ${message}`, FORMAT);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** ISHNE dates are day, month, year as int16; −9 marks an absent field. */
function date(v: ByteView, o: number): string | undefined {
  const [d, m, y] = [v.i16(o, 'day'), v.i16(o + 2, 'month'), v.i16(o + 4, 'year')];
  if (y < 1850 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** Reads and checks magic, CRC and the fixed header shared by .ecg and .ann files. */
export function readIshneHeader(
  bytes: Uint8Array,
  magic: string,
  what: string,
  warnings: string[],
): IshneHeader {
  if (bytes.length < PREFIX + FIXED_HEADER) {
    fail(`file too short (${bytes.length} bytes) for the ${PREFIX + FIXED_HEADER}-byte header`, what);
  }
  const found = new TextDecoder('latin1').decode(bytes.subarray(0, 8));
  if (found !== magic)
    fail(`wrong magic "${found.replace(/[^\x20-\x7e]/g, '?')}", expected "${magic}"`, what);
  const v = new ByteView(bytes, FORMAT);
  const variableLength = v.i32(10, 'variable-length block size');
  const samplesPerLead = v.i32(14, 'ECG size');
  const variableOffset = v.i32(18, 'variable block offset');
  const dataOffset = v.i32(22, 'ECG block offset');
  if (
    variableLength < 0 ||
    variableOffset < PREFIX + FIXED_HEADER ||
    variableOffset + variableLength > bytes.length
  ) {
    fail(
      `variable-length block (${variableLength} bytes at ${variableOffset}) does not fit in the file`,
      what,
    );
  }
  if (dataOffset < PREFIX + FIXED_HEADER || dataOffset > bytes.length) {
    fail(`data offset ${dataOffset} lies outside the ${bytes.length}-byte file`, what);
  }
  const crcEnd = PREFIX + FIXED_HEADER + variableLength;
  if (crcEnd > bytes.length) fail('header plus variable block run past the end of the file', what);
  const stored = v.u16(8, 'CRC');
  const computed = crcCcitt(bytes, PREFIX, crcEnd);
  if (stored !== computed) {
    if (stored === 0)
      warnings.push(`${what}: header CRC not set by the writer (0x0000); header not verified`);
    else
      fail(
        `header CRC mismatch (stored ${hex16(stored)}, computed ${hex16(computed)}): header corrupted`,
        what,
      );
  }
  const str = (o: number, n: number) => decodeText(bytes.subarray(o, o + n));
  const leadCount = v.i16(156, 'number of leads');
  const arr = (o: number) => Array.from({ length: 12 }, (_, i) => v.i16(o + 2 * i, 'lead field'));
  const [h, m, s] = [v.i16(150, 'hour'), v.i16(152, 'minute'), v.i16(154, 'second')];
  return {
    variableLength,
    samplesPerLead,
    variableOffset,
    dataOffset,
    version: v.i16(26, 'file version'),
    firstName: str(28, 40),
    lastName: str(68, 40),
    id: str(108, 20),
    sex: v.i16(128, 'sex'),
    birthDate: date(v, 132),
    recordDate: date(v, 138),
    startTime:
      h >= 0 && h < 24 && m >= 0 && m < 60 && s >= 0 && s < 60 ? `${pad(h)}:${pad(m)}:${pad(s)}` : undefined,
    leadCount,
    leadSpec: arr(158),
    leadQuality: arr(182),
    resolutionNv: arr(206),
    pacemaker: v.i16(230, 'pacemaker code'),
    recorder: str(232, 40),
    sampleRate: v.i16(272, 'sampling rate'),
    variableBlock: str(variableOffset, variableLength),
  };
}

/** Beat labels: a first and second character and the samples elapsed since the previous annotation. */
export function readIshneAnnotations(
  bytes: Uint8Array,
  warnings: string[],
): NonNullable<ParsedEcg['annotations']> {
  const what = 'ISHNE annotation file';
  const h = readIshneHeader(bytes, MAGIC_ANN, what, warnings);
  const v = new ByteView(bytes, FORMAT);
  if (h.dataOffset + 4 > bytes.length) fail('no room for the annotation start offset', what);
  let sample = v.u32(h.dataOffset, 'annotation start sample');
  const out: NonNullable<ParsedEcg['annotations']> = [];
  const body = bytes.length - h.dataOffset - 4;
  if (body % 4 !== 0) warnings.push(`${what}: ${body % 4} trailing bytes ignored`);
  for (let o = h.dataOffset + 4; o + 4 <= bytes.length; o += 4) {
    const first = bytes[o];
    const second = bytes[o + 1];
    sample += v.u16(o + 2, 'annotation time');
    if (first === 0) continue; // padding records
    const a: { sample: number; code: string; text?: string } = { sample, code: String.fromCharCode(first) };
    if (second > 0x20 && second < 0x7f) a.text = String.fromCharCode(first, second);
    out.push(a);
  }
  return out;
}

export function readIshne(bytes: Uint8Array, annBytes?: Uint8Array): ParsedEcg {
  if (!(bytes instanceof Uint8Array)) fail('input is not a byte array');
  const warnings: string[] = [];
  const h = readIshneHeader(bytes, MAGIC_ECG, 'ISHNE', warnings);
  if (h.leadCount < 1 || h.leadCount > 12) fail(`number of leads ${h.leadCount} is not between 1 and 12`);
  if (h.sampleRate < 1 || h.sampleRate > 20000) fail(`sampling rate ${h.sampleRate} Hz is not plausible`);
  const available = Math.floor((bytes.length - h.dataOffset) / (2 * h.leadCount));
  let n = h.samplesPerLead;
  if (n <= 0) {
    warnings.push(`ECG size ${n} in the header; sample count taken from the file length (${available})`);
    n = available;
  } else if (n > available) {
    fail(
      `file truncated: header declares ${n} samples per lead (${n * 2 * h.leadCount} bytes) ` +
        `but only ${bytes.length - h.dataOffset} bytes of data follow`,
    );
  }
  if (n === 0) fail('the file holds no samples');
  const leads: Lead[] = [];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stride = 2 * h.leadCount;
  for (let l = 0; l < h.leadCount; l++) {
    const spec = h.leadSpec[l];
    let res = h.resolutionNv[l];
    if (!(res > 0)) {
      warnings.push(`lead ${l + 1}: amplitude resolution ${res} nV is not valid; 1000 nV assumed`);
      res = 1000;
    }
    const samples = new Float32Array(n);
    const scale = res / 1000; // nV per unit → µV
    for (let i = 0, o = h.dataOffset + 2 * l; i < n; i++, o += stride)
      samples[i] = v.getInt16(o, true) * scale;
    const lead: Lead = { name: LEAD_NAMES[spec] ?? `lead-${l + 1}`, samples };
    const quality = QUALITY[h.leadQuality[l]];
    if (quality) lead.quality = quality;
    leads.push(lead);
  }
  const acquiredAt = h.recordDate
    ? h.startTime
      ? `${h.recordDate}T${h.startTime}`
      : h.recordDate
    : undefined;
  const record: EcgRecord = {
    sampleRate: h.sampleRate,
    leads,
    startTime: acquiredAt,
    meta: {
      format: FORMAT,
      version: h.version,
      pacemaker: h.pacemaker,
      recorder: h.recorder || undefined,
      variableBlock: h.variableBlock || undefined,
    },
  };
  const result: ParsedEcg = { format: FORMAT, record, warnings };
  if (acquiredAt) result.acquiredAt = acquiredAt;
  const patient: NonNullable<ParsedEcg['patient']> = {};
  const placeholder = (s: string) => (s && !/^(none|unknown|-+)$/i.test(s) ? s : undefined);
  const name = [placeholder(h.lastName), placeholder(h.firstName)].filter(Boolean).join(', ');
  if (name) patient.name = name;
  if (placeholder(h.id)) patient.id = h.id;
  if (h.birthDate) patient.birthDate = h.birthDate;
  patient.sex = h.sex === 1 ? 'M' : h.sex === 2 ? 'F' : 'U';
  result.patient = patient;
  if (h.recorder) result.device = { model: h.recorder };
  if (annBytes) {
    const annotations = readIshneAnnotations(annBytes, warnings);
    const beyond = annotations.filter((a) => a.sample >= n).length;
    if (beyond > 0) warnings.push(`${beyond} annotations lie beyond the end of the signal`);
    result.annotations = annotations;
  }
  return result;
}
