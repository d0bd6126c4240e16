/**
 * SCP-ECG reader (EN 1064:2005 / ISO 11073-91064). Checks the file and section CRCs, walks the section
 * pointer table (section 0) and decodes patient data, leads, Huffman-coded rhythm and reference beats,
 * global measurements and interpretive statements into a ParsedEcg with leads in µV.
 */
import type { EcgRecord, Lead } from '@lifeline/ecg';
import { FormatError, type ParsedEcg } from '../types';
import { ByteView } from './bytes';
import { crcCcitt, hex16 } from './crc';
import { type HuffmanTables, readHuffmanTables } from './huffman';
import { scpLeadName } from './leads';
import { readPatientSection } from './patient';
import {
  addReferenceBeat,
  bimodalStoredCount,
  type EncodedData,
  expandBimodal,
  type QrsLocations,
  readEncodedSection,
  readLeadSection,
  readQrsSection,
  type SectionSpan,
} from './signal';
import { readGlobalMeasurements, readStatements } from './statements';

export { crcCcitt } from './crc';
export { scpLeadName } from './leads';

const FORMAT = 'scp-ecg';
/** A 12-lead resting ECG rarely exceeds a few MB; refuse anything that would decode to absurd sizes. */
const MAX_SAMPLES_PER_LEAD = 10_000_000;

export interface ScpReadOptions {
  /** Reject files whose whole-file CRC is wrong even when every section CRC checks out (default false). */
  strictCrc?: boolean;
}

function fail(message: string): never {
  throw new FormatError(`SCP-ECG: ${message}`, FORMAT);
}

/** Reads section 0 and returns the spans of the sections present, checking each one's bounds and CRC. */
function readSectionTable(
  v: ByteView,
  warnings: string[],
): { spans: Map<number, SectionSpan>; badCrc: number[] } {
  const size = v.bytes.length;
  const s0len = v.u32(6 + 4, 'SCP section 0 length');
  if (v.u16(6 + 2, 'SCP section 0 id') !== 0) fail('the first section is not section 0 (pointer table)');
  if (s0len < 16 || 6 + s0len > size) fail(`section 0 length ${s0len} does not fit in a ${size}-byte file`);
  const spans = new Map<number, SectionSpan>();
  const badCrc: number[] = [];
  for (let p = 6 + 16; p + 10 <= 6 + s0len; p += 10) {
    const id = v.u16(p, 'section id');
    const length = v.u32(p + 2, 'section length');
    const index = v.u32(p + 6, 'section index');
    if (length === 0) continue;
    const offset = index - 1;
    if (index < 1 || length < 16 || offset + length > size) {
      warnings.push(`section ${id} (${length} bytes at byte ${index}) lies outside the file; ignored`);
      continue;
    }
    if (v.u16(offset + 2, `section ${id} header id`) !== id) {
      warnings.push(`section ${id}: header says section ${v.u16(offset + 2, 'id')}; ignored`);
      continue;
    }
    const stored = v.u16(offset, `section ${id} CRC`);
    const computed = crcCcitt(v.bytes, offset + 2, offset + length);
    if (stored !== computed) {
      badCrc.push(id);
      warnings.push(`section ${id} CRC mismatch (stored ${hex16(stored)}, computed ${hex16(computed)})`);
    }
    spans.set(id, { id, offset, length });
  }
  return { spans, badCrc };
}

export function readScpEcg(bytes: Uint8Array, options: ScpReadOptions = {}): ParsedEcg {
  if (!(bytes instanceof Uint8Array)) fail('input is not a byte array');
  if (bytes.length < 6 + 16) fail(`file too short (${bytes.length} bytes) to hold the header and section 0`);
  const v = new ByteView(bytes, FORMAT);
  const warnings: string[] = [];
  const declared = v.u32(2, 'record size');
  if (declared > bytes.length)
    fail(`file truncated: header declares ${declared} bytes, file has ${bytes.length}`);
  if (declared < 22) fail(`header declares an impossible record size of ${declared} bytes`);
  if (declared < bytes.length)
    warnings.push(`${bytes.length - declared} trailing bytes after the record ignored`);
  const file = bytes.subarray(0, declared);
  const fv = new ByteView(file, FORMAT);

  const { spans, badCrc } = readSectionTable(fv, warnings);
  const storedCrc = fv.u16(0, 'file CRC');
  const fileCrc = crcCcitt(file, 2);
  if (storedCrc !== fileCrc) {
    const msg = `file CRC mismatch (stored ${hex16(storedCrc)}, computed ${hex16(fileCrc)})`;
    // a wrong file CRC alone is a known device quirk; together with a bad section CRC it is real corruption
    if (options.strictCrc || badCrc.length > 0)
      fail(`${msg}; sections ${badCrc.join(', ')} also fail: file corrupted`);
    warnings.push(`${msg}; all section CRCs are correct, data kept`);
  } else if (badCrc.length > 0) {
    fail(
      `section CRC mismatch in sections ${badCrc.join(', ')} although the file CRC is correct: file corrupted`,
    );
  }

  const s3 = spans.get(3);
  const s6 = spans.get(6);
  if (!s3) fail('section 3 (lead definitions) is missing');
  if (!s6) fail('section 6 (rhythm data) is missing; files with only reference beats are not supported');
  const leadSection = readLeadSection(fv, s3);
  const leadCount = leadSection.leads.length;

  const s2 = spans.get(2);
  const tables: HuffmanTables | undefined = s2
    ? readHuffmanTables(fv, s2.offset + 16, s2.offset + s2.length)
    : undefined;
  const s4 = spans.get(4);
  const qrs: QrsLocations | undefined = s4 ? readQrsSection(fv, s4) : undefined;

  // expected samples per lead from section 3 (some writers use 0 as the first sample number)
  const total = leadSection.leads.map((l) => {
    const n = l.end - Math.max(1, l.start) + 1;
    if (!(n > 0) || n > MAX_SAMPLES_PER_LEAD) fail(`lead ${scpLeadName(l.code)} declares ${n} samples`);
    return n;
  });

  // section 5: reference beats, needed for reference-beat subtraction and offered as median beats
  let reference: EncodedData | undefined;
  const s5 = spans.get(5);
  if (s5) {
    const intervalUs = fv.u16(s5.offset + 16 + 2, 'SCP section 5 sample time interval');
    const beatSamples = qrs && intervalUs > 0 ? Math.round((qrs.referenceBeatMs * 1000) / intervalUs) : 0;
    const cap = beatSamples > 0 ? beatSamples : 10_000;
    reference = readEncodedSection(fv, s5, leadCount, tables, () => cap, warnings);
  }

  const rhythmInterval = fv.u16(s6.offset + 16 + 2, 'SCP section 6 sample time interval');
  const bimodalFlag = fv.u8(s6.offset + 16 + 5, 'SCP section 6 bimodal flag') === 1;
  let factor = 1;
  if (bimodalFlag) {
    if (!reference || !qrs) fail('bimodal compression is flagged but sections 4/5 are missing');
    factor = Math.round(rhythmInterval / reference.intervalUs);
    if (factor < 1 || factor > 16) fail(`bimodal decimation factor ${factor} is not plausible`);
  }
  const expectedStored = (i: number) =>
    bimodalFlag && qrs ? bimodalStoredCount(total[i], qrs.protectedAreas, factor) : total[i];
  const rhythm = readEncodedSection(fv, s6, leadCount, tables, expectedStored, warnings);

  let values = rhythm.values;
  let intervalUs = rhythm.intervalUs;
  if (bimodalFlag && qrs && reference) {
    values = values.map((x, i) => expandBimodal(x, total[i], qrs.protectedAreas, factor));
    intervalUs = reference.intervalUs;
  }
  // rhythm values and reference values are in their own units; work in nV from here on
  const nv = values.map((x) => x.map((y) => y * rhythm.avm));
  if (leadSection.referenceBeatSubtracted) {
    if (!reference || !qrs) fail('reference beat subtraction is flagged but section 4 or 5 is missing');
    if (reference.intervalUs !== intervalUs) {
      fail(
        `reference beat interval ${reference.intervalUs} µs differs from rhythm interval ${intervalUs} µs`,
      );
    }
    let beats = 0;
    nv.forEach((x, i) => {
      beats = addReferenceBeat(x, reference.values[i] ?? new Float64Array(0), qrs, reference.avm);
    });
    if (beats === 0) warnings.push('reference beat subtraction flagged but section 4 lists no QRS of type 0');
  }

  const lengths = nv.map((x) => x.length);
  if (Math.min(...lengths) === 0) fail('rhythm data decodes to no samples for at least one lead');
  for (let i = 0; i < leadCount; i++) {
    if (lengths[i] < total[i] - 1) {
      warnings.push(
        `lead ${scpLeadName(leadSection.leads[i].code)}: ${lengths[i]} samples decoded, section 3 declares ${total[i]}`,
      );
    }
  }
  // leads recorded one group after another (not simultaneously) keep their place on a common time axis
  const starts = leadSection.leads.map((l) => Math.max(1, l.start));
  const first = Math.min(...starts);
  const offsets = starts.map((st) => st - first);
  const sequential = offsets.some((o) => o !== 0);
  const n = sequential ? Math.max(...nv.map((x, i) => offsets[i] + x.length)) : Math.min(...lengths); // simultaneous leads: cut to the shortest rather than pad
  if (n > MAX_SAMPLES_PER_LEAD) fail(`leads span ${n} samples`);
  if (sequential)
    warnings.push('leads were not recorded simultaneously; each lead is zero outside its own span');
  const names = leadSection.leads.map((l) => scpLeadName(l.code));
  const leads: Lead[] = nv.map((x, i) => {
    const samples = new Float32Array(n);
    const o = sequential ? offsets[i] : 0;
    for (let k = 0; k < x.length && o + k < n; k++) samples[o + k] = x[k] / 1000;
    // devices write zeros for unconnected electrodes (e.g. limb-only recordings)
    const flat = samples.every((y) => y === samples[0]);
    return flat ? { name: names[i], samples, quality: 'flat' as const } : { name: names[i], samples };
  });

  const patientPart = spans.has(1)
    ? readPatientSection(fv, spans.get(1) as SectionSpan, warnings)
    : undefined;
  const record: EcgRecord = {
    sampleRate: 1e6 / intervalUs,
    leads,
    startTime: patientPart?.acquiredAt,
    meta: { format: FORMAT, ...patientPart?.meta, sectionsPresent: [...spans.keys()].sort((a, b) => a - b) },
  };
  const result: ParsedEcg = { format: FORMAT, record, warnings };
  if (patientPart) {
    if (Object.keys(patientPart.patient).length) result.patient = patientPart.patient;
    if (Object.keys(patientPart.device).length) result.device = patientPart.device;
    if (patientPart.acquiredAt) result.acquiredAt = patientPart.acquiredAt;
  }
  if (reference?.values.every((x) => x.length > 0)) {
    const m = Math.min(...reference.values.map((x) => x.length));
    result.medianBeats = {
      sampleRate: 1e6 / reference.intervalUs,
      leads: reference.values.map((x, i) => ({
        name: names[i],
        samples: Float32Array.from(x.subarray(0, m), (y) => (y * reference.avm) / 1000),
      })),
    };
  }
  const s7 = spans.get(7);
  if (s7) {
    const m = readGlobalMeasurements(fv, s7);
    if (Object.keys(m).length) result.deviceMeasurements = m;
  }
  const statements = [8, 11].flatMap((id) =>
    spans.has(id) ? readStatements(fv, spans.get(id) as SectionSpan) : [],
  );
  if (statements.length) result.deviceStatements = statements;
  return result;
}
