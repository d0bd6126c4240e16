/**
 * SCP-ECG waveform sections: lead definitions (3), QRS locations (4), reference beats (5) and rhythm data (6),
 * and the reconstruction the standard prescribes: Huffman → difference decoding → bimodal interpolation →
 * adding the reference beat back at each QRS → scaling by the amplitude value multiplier.
 */
import { FormatError } from '../types';
import type { ByteView } from './bytes';
import { type HuffmanTables, huffmanDecode } from './huffman';

export interface SectionSpan {
  id: number;
  /** Offset of the 16-byte section header in the file. */
  offset: number;
  length: number;
}

export interface LeadDefinition {
  code: number;
  /** 1-based first and last sample number, as written. */
  start: number;
  end: number;
}

export interface LeadSection {
  leads: LeadDefinition[];
  referenceBeatSubtracted: boolean;
  allSimultaneous: boolean;
  simultaneousCount: number;
}

export function readLeadSection(v: ByteView, s: SectionSpan): LeadSection {
  const d = s.offset + 16;
  const count = v.u8(d, 'SCP section 3 number of leads');
  const flags = v.u8(d + 1, 'SCP section 3 flags');
  if (count === 0) throw new FormatError('SCP section 3 defines no leads', 'scp-ecg');
  if (d + 2 + count * 9 > s.offset + s.length) {
    throw new FormatError(
      `SCP section 3: ${count} lead definitions do not fit in ${s.length} bytes`,
      'scp-ecg',
    );
  }
  const leads: LeadDefinition[] = [];
  for (let i = 0; i < count; i++) {
    const o = d + 2 + i * 9;
    leads.push({
      start: v.u32(o, 'lead start'),
      end: v.u32(o + 4, 'lead end'),
      code: v.u8(o + 8, 'lead code'),
    });
  }
  return {
    leads,
    referenceBeatSubtracted: (flags & 1) !== 0,
    allSimultaneous: (flags & 4) !== 0,
    simultaneousCount: flags >> 3,
  };
}

export interface QrsLocations {
  referenceBeatMs: number;
  /** 1-based sample of the fiducial point inside reference beat 0. */
  referenceFiducial: number;
  beats: { type: number; start: number; fiducial: number; end: number }[];
  protectedAreas: { start: number; end: number }[];
}

export function readQrsSection(v: ByteView, s: SectionSpan): QrsLocations {
  const d = s.offset + 16;
  const end = s.offset + s.length;
  const referenceBeatMs = v.u16(d, 'SCP section 4 reference beat length');
  const referenceFiducial = v.u16(d + 2, 'SCP section 4 fiducial');
  const n = v.u16(d + 4, 'SCP section 4 QRS count');
  const beats: QrsLocations['beats'] = [];
  const protectedAreas: QrsLocations['protectedAreas'] = [];
  let o = d + 6;
  for (let i = 0; i < n && o + 14 <= end; i++, o += 14) {
    beats.push({
      type: v.u16(o, 'beat type'),
      start: v.u32(o + 2, 'subtraction start'),
      fiducial: v.u32(o + 6, 'fiducial'),
      end: v.u32(o + 10, 'subtraction end'),
    });
  }
  for (let i = 0; i < n && o + 8 <= end; i++, o += 8) {
    protectedAreas.push({ start: v.u32(o, 'protected start'), end: v.u32(o + 4, 'protected end') });
  }
  return { referenceBeatMs, referenceFiducial, beats, protectedAreas };
}

export interface EncodedData {
  /** Amplitude value multiplier, nV per unit. */
  avm: number;
  /** Sample time interval, µs. */
  intervalUs: number;
  /** 0 none, 1 first differences, 2 second differences. */
  difference: number;
  bimodal: boolean;
  /** Decoded (Huffman + differences undone) values per lead, in units of `avm`. */
  values: Float64Array[];
}

/** Reads section 5 or 6: header, per-lead byte counts, then each lead's encoded stream. */
export function readEncodedSection(
  v: ByteView,
  s: SectionSpan,
  leadCount: number,
  tables: HuffmanTables | undefined,
  expected: (lead: number) => number,
  warnings: string[],
): EncodedData {
  const name = `SCP section ${s.id}`;
  const d = s.offset + 16;
  const end = s.offset + s.length;
  const avm = v.u16(d, `${name} amplitude value multiplier`);
  const intervalUs = v.u16(d + 2, `${name} sample time interval`);
  const difference = v.u8(d + 4, `${name} difference encoding`);
  const bimodal = s.id === 6 && v.u8(d + 5, `${name} bimodal flag`) === 1;
  if (avm === 0) throw new FormatError(`${name}: amplitude value multiplier is 0`, 'scp-ecg');
  if (intervalUs === 0) throw new FormatError(`${name}: sample time interval is 0 µs`, 'scp-ecg');
  if (difference > 2)
    throw new FormatError(`${name}: difference encoding ${difference} is not 0, 1 or 2`, 'scp-ecg');
  let o = d + 6 + leadCount * 2;
  if (o > end) throw new FormatError(`${name}: lead byte counts run past the section end`, 'scp-ecg');
  const values: Float64Array[] = [];
  for (let i = 0; i < leadCount; i++) {
    let len = v.u16(d + 6 + i * 2, `${name} lead ${i + 1} byte count`);
    if (o + len > end) {
      warnings.push(`${name}: lead ${i + 1} data (${len} bytes) runs past the section end; truncated`);
      len = Math.max(0, end - o);
    }
    const raw = v.bytes.subarray(o, o + len);
    o += len;
    let ints: Int32Array;
    if (tables) {
      ints = huffmanDecode(raw, tables, expected(i));
    } else {
      const n = Math.min(raw.length >> 1, expected(i));
      ints = new Int32Array(n);
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let k = 0; k < n; k++) ints[k] = dv.getInt16(k * 2, true);
    }
    values.push(undoDifferences(ints, difference));
  }
  return { avm, intervalUs, difference, bimodal, values };
}

/** First differences keep the first value; second differences keep the first two (EN 1064 5.6.3/5.7.3). */
export function undoDifferences(d: Int32Array, order: number): Float64Array {
  const x = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) {
    if (order === 1 && i >= 1) x[i] = d[i] + x[i - 1];
    else if (order === 2 && i >= 2) x[i] = d[i] + 2 * x[i - 1] - x[i - 2];
    else x[i] = d[i];
  }
  return x;
}

/**
 * Number of stored samples for a bimodally compressed lead of `total` samples: full rate inside the
 * protected areas, one sample per `factor` outside them.
 */
export function bimodalStoredCount(
  total: number,
  areas: QrsLocations['protectedAreas'],
  factor: number,
): number {
  return bimodalLayout(total, areas, factor).length;
}

/** Output position (0-based, fractional for decimated blocks: the block centre) of each stored sample. */
function bimodalLayout(total: number, areas: QrsLocations['protectedAreas'], factor: number): number[] {
  const inside = new Uint8Array(total);
  for (const a of areas) {
    for (let s = Math.max(1, a.start); s <= Math.min(total, a.end); s++) inside[s - 1] = 1;
  }
  const positions: number[] = [];
  let i = 0;
  while (i < total) {
    if (inside[i]) {
      positions.push(i);
      i++;
      continue;
    }
    let j = i;
    while (j < total && j - i < factor && !inside[j]) j++;
    positions.push((i + j - 1) / 2);
    i = j;
  }
  return positions;
}

/** Restores full rate from bimodal data by linear interpolation between the stored samples' positions. */
export function expandBimodal(
  stored: Float64Array,
  total: number,
  areas: QrsLocations['protectedAreas'],
  factor: number,
): Float64Array {
  const pos = bimodalLayout(total, areas, factor);
  const n = Math.min(pos.length, stored.length);
  const out = new Float64Array(total);
  if (n === 0) return out;
  let k = 0;
  for (let i = 0; i < total; i++) {
    while (k < n - 1 && pos[k + 1] <= i) k++;
    if (i <= pos[0] || k >= n - 1) out[i] = stored[i <= pos[0] ? 0 : n - 1];
    else {
      const t = (i - pos[k]) / (pos[k + 1] - pos[k]);
      out[i] = stored[k] + t * (stored[k + 1] - stored[k]);
    }
  }
  return out;
}

/**
 * Adds reference beat 0 back into the residual at every QRS of type 0, aligning the beat's fiducial point with
 * the QRS fiducial (section 4 sample numbers are 1-based). `scale` converts reference units to residual units.
 */
export function addReferenceBeat(
  residual: Float64Array,
  reference: Float64Array,
  qrs: QrsLocations,
  scale: number,
): number {
  let added = 0;
  for (const b of qrs.beats) {
    if (b.type !== 0) continue;
    const from = Math.max(1, b.start);
    const to = Math.min(residual.length, b.end);
    for (let s = from; s <= to; s++) {
      const r = qrs.referenceFiducial - 1 + (s - b.fiducial);
      if (r >= 0 && r < reference.length) residual[s - 1] += reference[r] * scale;
    }
    added++;
  }
  return added;
}
