/**
 * Builds an EcgRecord (samples in µV) from a parsed WFDB header and the bytes of its signal files.
 * Physical value = (adc − baseline) / gain, in the header's units, converted to microvolts.
 */
import { EcgError, type EcgRecord, type Lead, STANDARD_12_LEADS } from '../record';
import { decodeSamples, samplesInBytes } from './formats';
import { headerDemographics, parseWfdbHeader, type WfdbHeader, type WfdbSignalSpec } from './header';

export interface DecodeWfdbOptions {
  /** Read what a short signal file holds instead of throwing (the missing tail is dropped). */
  allowTruncated?: boolean;
  /** Refuse records longer than this many samples per lead (guards memory on hostile headers). Default 2^28. */
  maxSamples?: number;
}

/** Signal-file bytes by the file name written in the header, or a function that returns them. */
export type WfdbFiles = Record<string, Uint8Array> | ((fileName: string) => Uint8Array | undefined);

const UNIT_TO_MICROVOLT: Record<string, number> = { mv: 1000, uv: 1, µv: 1, μv: 1, v: 1e6, nv: 1e-3 };

/** Factor from the header's units to µV; 1 for non-voltage units (kept as they are, see meta.leadUnits). */
export function microvoltsPerUnit(units: string): number {
  return UNIT_TO_MICROVOLT[units.trim().toLowerCase()] ?? 1;
}

const STANDARD_BY_UPPER = new Map<string, string>(STANDARD_12_LEADS.map((n) => [n.toUpperCase(), n]));

/** Lead names as written on paper (I, aVR, V1 …) when the description is a standard lead in another case. */
export function wfdbLeadName(description: string, index: number): string {
  const d = description.trim();
  if (d === '') return `signal ${index + 1}`;
  return STANDARD_BY_UPPER.get(d.toUpperCase()) ?? d;
}

function getFile(files: WfdbFiles, name: string): Uint8Array {
  const bytes = typeof files === 'function' ? files(name) : files[name];
  if (!bytes) throw new EcgError(`WFDB: signal file "${name}" was not provided`, 'bad-input');
  if (!(bytes instanceof Uint8Array)) throw new EcgError(`WFDB: signal file "${name}" must be a Uint8Array`);
  return bytes;
}

/** Decodes every signal of the header into a record. */
export function decodeWfdbRecord(
  header: WfdbHeader,
  files: WfdbFiles,
  options: DecodeWfdbOptions = {},
): EcgRecord {
  if (header.segments) {
    throw new EcgError(
      `WFDB: record ${header.recordName} has segments; read them and use assembleSegments`,
      'bad-input',
    );
  }
  if (header.numSignals === 0 || header.signals.length === 0) {
    throw new EcgError(`WFDB: record ${header.recordName} has no signals (annotation-only header)`);
  }
  const maxSamples = options.maxSamples ?? 2 ** 28;
  const maxSpf = Math.max(...header.signals.map((s) => s.samplesPerFrame));
  const warnings: string[] = [];

  // Signals sharing one file are interleaved frame by frame; decode each file once.
  const groups = new Map<string, number[]>();
  header.signals.forEach((s, i) => {
    const g = groups.get(s.fileName);
    if (g) g.push(i);
    else groups.set(s.fileName, [i]);
  });

  // Frames per signal: from the header, else from the shortest file.
  let frames = header.numSamples;
  const fileBytes = new Map<string, Uint8Array>();
  for (const [name, members] of groups) {
    const first = header.signals[members[0]];
    for (const m of members) {
      const s = header.signals[m];
      if (s.format !== first.format || s.byteOffset !== first.byteOffset) {
        throw new EcgError(`WFDB: signals in file "${name}" disagree on format or byte offset`, 'corrupt');
      }
    }
    const bytes = getFile(files, name);
    fileBytes.set(name, bytes);
    const frameSize = members.reduce((a, m) => a + header.signals[m].samplesPerFrame, 0);
    const available = Math.floor(samplesInBytes(first.format, bytes.length - first.byteOffset) / frameSize);
    if (header.numSamples === undefined) frames = Math.min(frames ?? available, available);
    else if (available < header.numSamples) {
      if (!options.allowTruncated) {
        throw new EcgError(
          `WFDB: signal file "${name}" holds ${available} frames but the header declares ${header.numSamples}`,
          'corrupt',
        );
      }
      warnings.push(`file ${name} truncated at ${available} of ${header.numSamples} frames`);
      frames = Math.min(frames ?? available, available);
    }
  }
  const nFrames = frames ?? 0;
  if (nFrames * maxSpf > maxSamples) {
    throw new EcgError(
      `WFDB: record has ${nFrames * maxSpf} samples per lead, more than the limit ${maxSamples}`,
    );
  }

  const leads: Lead[] = new Array(header.signals.length);
  const leadUnits: string[] = [];
  const checksumMismatch: string[] = [];
  for (const [name, members] of groups) {
    const bytes = fileBytes.get(name)!;
    const first = header.signals[members[0]];
    const frameSize = members.reduce((a, m) => a + header.signals[m].samplesPerFrame, 0);
    const raw = decodeSamples(bytes, first.byteOffset, first.format, nFrames * frameSize);
    let offsetInFrame = 0;
    for (const m of members) {
      const spec = header.signals[m];
      const adc = deinterleave(raw, nFrames, frameSize, offsetInFrame, spec);
      offsetInFrame += spec.samplesPerFrame;
      if (spec.checksum !== undefined && nFrames === header.numSamples) {
        let sum = 0;
        for (let i = 0; i < adc.length; i++) sum = (sum + adc[i]) | 0;
        if ((sum << 16) >> 16 !== (spec.checksum << 16) >> 16)
          checksumMismatch.push(spec.description || `${m}`);
      }
      leads[m] = {
        name: wfdbLeadName(spec.description, m),
        samples: toMicrovolts(adc, spec, nFrames, maxSpf),
      };
      leadUnits.push(spec.units);
    }
  }
  if (checksumMismatch.length > 0) warnings.push(`checksum mismatch in ${checksumMismatch.join(', ')}`);

  const demographics = headerDemographics(header.comments);
  const meta: Record<string, unknown> = {
    recordName: header.recordName,
    format: 'wfdb',
    comments: header.comments,
  };
  if (leadUnits.some((u) => microvoltsPerUnit(u) === 1 && !/^[uµμ]v$/i.test(u))) meta.leadUnits = leadUnits;
  if (demographics.age !== undefined) meta.age = demographics.age;
  if (demographics.sex !== undefined) meta.sex = demographics.sex;
  if (demographics.dx !== undefined) meta.dx = demographics.dx;
  if (warnings.length > 0) meta.warnings = warnings;
  const record: EcgRecord = { sampleRate: header.samplingFrequency * maxSpf, leads, meta };
  const start = startTimeOf(header);
  if (start) record.startTime = start;
  return record;
}

/** Pulls one signal's ADC values out of the interleaved stream, applying skew and difference format 8. */
function deinterleave(
  raw: Int32Array,
  nFrames: number,
  frameSize: number,
  offsetInFrame: number,
  spec: WfdbSignalSpec,
): Int32Array {
  const spf = spec.samplesPerFrame;
  const out = new Int32Array(nFrames * spf);
  for (let f = 0, o = 0; f < nFrames; f++) {
    const base = f * frameSize + offsetInFrame;
    for (let k = 0; k < spf; k++) out[o++] = raw[base + k];
  }
  if (spec.format === 8) {
    let v = spec.initialValue;
    for (let i = 0; i < out.length; i++) {
      v += out[i];
      out[i] = v;
    }
  }
  if (spec.skew > 0) {
    // The signal was recorded `skew` frames late: shift it earlier and hold the last value.
    const shift = Math.min(out.length, spec.skew * spf);
    out.copyWithin(0, shift);
    out.fill(out.length > shift ? out[out.length - shift - 1] : 0, out.length - shift);
  }
  return out;
}

function toMicrovolts(adc: Int32Array, spec: WfdbSignalSpec, nFrames: number, maxSpf: number): Float32Array {
  const scale = microvoltsPerUnit(spec.units) / spec.gain;
  const baseline = spec.baseline;
  const repeat = maxSpf / spec.samplesPerFrame;
  const out = new Float32Array(nFrames * maxSpf);
  if (Number.isInteger(repeat) && repeat === 1) {
    for (let i = 0; i < adc.length; i++) out[i] = (adc[i] - baseline) * scale;
  } else {
    // Signals sampled more slowly than the fastest one are held, so all leads share one rate.
    for (let i = 0; i < out.length; i++) out[i] = (adc[Math.floor(i / repeat)] - baseline) * scale;
  }
  return out;
}

function startTimeOf(header: WfdbHeader): string | undefined {
  if (!header.baseDate || !header.baseTime) return undefined;
  const [d, m, y] = header.baseDate.split('/').map(Number);
  const parts = header.baseTime.split(':');
  while (parts.length < 3) parts.unshift('0');
  const [hh, mm, ss] = parts;
  const sec = Number(ss);
  if (d < 1 || d > 31 || m < 1 || m > 12 || Number(hh) > 23 || Number(mm) > 59 || !(sec < 61))
    return undefined;
  const pad = (v: number | string, w = 2) => String(v).padStart(w, '0');
  const [si, sf] = ss.split('.');
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}T${pad(hh)}:${pad(mm)}:${pad(si)}${sf ? `.${sf}` : ''}`;
}

/** Convenience: header text plus signal files to a record. */
export function readWfdb(headerText: string, files: WfdbFiles, options?: DecodeWfdbOptions): EcgRecord {
  return decodeWfdbRecord(parseWfdbHeader(headerText), files, options);
}

/** A decoded segment of a multi-segment record, or its layout (lead names only), or nothing for a `~` gap. */
export type WfdbSegmentData = { record: EcgRecord } | { layout: string[] } | undefined;

/**
 * Joins the segments of a multi-segment record into one record. Leads are those of the layout segment (a first
 * segment of length 0) or of the first segment; a lead a segment lacks, and every `~` gap, is filled with 0 µV
 * and listed in meta.gaps, so that times stay true to the recording.
 */
export function assembleSegments(header: WfdbHeader, data: readonly WfdbSegmentData[]): EcgRecord {
  const segments = header.segments;
  if (!segments) throw new EcgError(`WFDB: record ${header.recordName} is not a multi-segment record`);
  if (data.length !== segments.length) {
    throw new EcgError(`WFDB: ${data.length} segment data for ${segments.length} segments`);
  }
  let names: string[] | undefined;
  for (const d of data) {
    if (d && 'layout' in d) names ??= d.layout;
    else if (d && 'record' in d) names ??= d.record.leads.map((l) => l.name);
  }
  if (!names || names.length === 0)
    throw new EcgError(`WFDB: record ${header.recordName} has no signals in any segment`);
  const total = segments.reduce((a, s) => a + s.numSamples, 0);
  if (total > 2 ** 28) throw new EcgError(`WFDB: multi-segment record of ${total} samples is too long`);
  const leads = names.map((name) => ({ name, samples: new Float32Array(total) }));
  const gaps: { lead?: string; start: number; length: number }[] = [];
  let at = 0;
  segments.forEach((seg, k) => {
    const d = data[k];
    if (seg.numSamples === 0) return;
    if (!d || !('record' in d)) {
      gaps.push({ start: at, length: seg.numSamples });
    } else {
      const rec = d.record;
      if (Math.abs(rec.sampleRate - header.samplingFrequency) > 1e-6) {
        throw new EcgError(
          `WFDB: segment ${seg.name} runs at ${rec.sampleRate} Hz, the record at ${header.samplingFrequency} Hz`,
        );
      }
      leads.forEach((lead, li) => {
        const src =
          rec.leads.find((l) => l.name === lead.name) ??
          (names!.length === rec.leads.length ? rec.leads[li] : undefined);
        if (!src) {
          gaps.push({ lead: lead.name, start: at, length: seg.numSamples });
          return;
        }
        lead.samples.set(src.samples.subarray(0, Math.min(seg.numSamples, src.samples.length)), at);
      });
    }
    at += seg.numSamples;
  });
  const meta: Record<string, unknown> = {
    recordName: header.recordName,
    format: 'wfdb',
    comments: header.comments,
    ...headerDemographics(header.comments),
  };
  if (gaps.length > 0) meta.gaps = gaps;
  const record: EcgRecord = { sampleRate: header.samplingFrequency, leads, meta };
  const start = startTimeOf(header);
  if (start) record.startTime = start;
  return record;
}
