/**
 * Atrial activity that is not locked to the QRS: the median beat (QRS, T and any P wave conducted at a fixed PR)
 * is cancelled at every beat, and what remains is searched for P waves. That is what complete AV block and AV
 * dissociation leave behind, while their median beat shows no P wave at all. Band 1–20 Hz: baseline and
 * high-frequency noise out, P-wave energy kept.
 */
import { bandPass } from '../dsp/filters';
import { type EcgRecord, normaliseLeadName } from '../record';
import type { AamiClass } from '../types';
import type { Fiducials } from './fiducials';
import { buildMedianBeats } from './median';

/** Leads where P waves are largest and most often upright or clearly biphasic. */
const P_LEADS = ['II', 'V1', 'III', 'aVF'];

export interface AtrialEvents {
  /** Sample index of each detected P-wave peak, ascending. */
  samples: Int32Array;
  /** Residual envelope level (µV) above which a peak counted. */
  threshold: number;
}

function movingAverage(x: Float32Array, width: number): Float32Array {
  const out = new Float32Array(x.length);
  const h = width >> 1;
  let acc = 0;
  let lo = 0;
  let hi = -1;
  for (let i = 0; i < x.length; i++) {
    const a = Math.max(0, i - h);
    const b = Math.min(x.length - 1, i + h);
    while (hi < b) acc += x[++hi];
    while (lo < a) acc -= x[lo++];
    out[i] = acc / (hi - lo + 1);
  }
  return out;
}

/**
 * Finds P waves in `record` given its beats and the global fiducials of its median beat (positions relative to
 * the median's fiducial point `fiducial`). Returns undefined when no suitable lead exists.
 */
export function detectAtrialEvents(
  record: EcgRecord,
  beats: Int32Array,
  fiducials: Fiducials,
  fiducial: number,
  classes?: AamiClass[],
): AtrialEvents | undefined {
  const fs = record.sampleRate;
  const leads = record.leads.filter((l) => P_LEADS.includes(normaliseLeadName(l.name))).slice(0, 2);
  if (leads.length === 0 || beats.length < 3 || fs < 100) return undefined;
  const ms = (v: number) => Math.max(1, Math.round((v * fs) / 1000));
  const filtered: EcgRecord = {
    sampleRate: fs,
    leads: leads.map((l) => ({
      name: l.name,
      samples: bandPass(
        l.samples.map((v) => (Number.isFinite(v) ? v : 0)),
        fs,
        1,
        Math.min(20, fs / 2.5),
      ),
    })),
  };
  const medians = buildMedianBeats(filtered, beats, { classes, subtractBaseline: false });
  const n = filtered.leads[0].samples.length;
  // Each beat's whole median window is cancelled (up to halfway to its neighbours), so everything locked to the
  // QRS — QRS ringing after the band-pass, T wave, and a P wave conducted at a fixed PR — disappears; what is
  // left is atrial activity that is NOT locked to the QRS. The QRS itself is blanked: cancellation is never
  // perfect on its steep slopes.
  const blankFrom = fiducials.qrsOnset - ms(40) - fiducial;
  const blankTo = fiducials.qrsOffset + ms(40) - fiducial;
  const pre = medians.fiducial;
  const post = medians.leads.get(filtered.leads[0].name)!.length - 1 - pre;
  const used = new Map<number, number>();
  medians.used.forEach((b, u) => {
    used.set(b, medians.shifts[u]);
  });
  const envelope = new Float32Array(n);
  filtered.leads.forEach((lead) => {
    const template = medians.leads.get(lead.name)!;
    const r = Float32Array.from(lead.samples);
    for (let b = 0; b < beats.length; b++) {
      const shift = used.get(b);
      const c = beats[b] + (shift ?? 0);
      const lo = Math.max(-pre, b > 0 ? Math.ceil((beats[b - 1] - c) / 2) : -pre);
      const hi = Math.min(post, b + 1 < beats.length ? Math.floor((beats[b + 1] - c) / 2) : post);
      for (let k = lo; k <= hi; k++) {
        const i = c + k;
        if (i < 0 || i >= n) continue;
        // A beat of another shape (ectopic) is blanked rather than cancelled.
        if (shift === undefined || (k >= blankFrom && k <= blankTo)) r[i] = 0;
        else r[i] -= template[pre + k];
      }
    }
    for (let i = 0; i < n; i++) envelope[i] += Math.abs(r[i]) / filtered.leads.length;
  });
  const smooth = movingAverage(envelope, ms(40));
  const sorted = Float32Array.from(smooth).sort();
  const threshold = Math.max(20, 3 * sorted[sorted.length >> 1]);
  // Peaks above threshold, at least 200 ms apart (the larger wins).
  const peaks: number[] = [];
  const gap = ms(200);
  for (let i = 1; i < n - 1; i++) {
    if (smooth[i] < threshold || smooth[i] < smooth[i - 1] || smooth[i] < smooth[i + 1]) continue;
    const last = peaks[peaks.length - 1];
    if (last !== undefined && i - last < gap) {
      if (smooth[i] > smooth[last]) peaks[peaks.length - 1] = i;
      continue;
    }
    peaks.push(i);
  }
  return { samples: Int32Array.from(peaks), threshold };
}

export interface AvConduction {
  /** Atrial rate (bpm) from the median P–P interval (a missed P doubles one interval, not the median). */
  atrialRate: number;
  ventricularRate: number;
  /** Share of P–P intervals within 15 % of one or two median P–P intervals: regular atrial activity ≈ 1. */
  ppRegularity: number;
  /** Standard deviation (ms) of the interval from each QRS back to the P wave before it. */
  prSd: number;
  /** Atrial events counted between the first and last QRS. */
  atrialEvents: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length & 1 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

/** Relation between atrial events and QRS complexes; undefined with too few events to judge. */
export function avConduction(atrial: Int32Array, beats: Int32Array, fs: number): AvConduction | undefined {
  if (atrial.length < 4 || beats.length < 3) return undefined;
  const pp: number[] = [];
  for (let i = 1; i < atrial.length; i++) pp.push(atrial[i] - atrial[i - 1]);
  const ppMedian = median(pp);
  const regular = pp.filter((v) => [1, 2].some((m) => Math.abs(v - m * ppMedian) <= 0.15 * m * ppMedian));
  const rr: number[] = [];
  for (let i = 1; i < beats.length; i++) rr.push(beats[i] - beats[i - 1]);
  const rrMean = rr.reduce((a, b) => a + b, 0) / rr.length;
  const pr: number[] = [];
  let k = 0;
  for (const b of beats) {
    while (k + 1 < atrial.length && atrial[k + 1] < b) k++;
    if (atrial[k] < b && b - atrial[k] < 0.6 * fs) pr.push(((b - atrial[k]) * 1000) / fs);
  }
  const prMean = pr.length ? pr.reduce((a, b) => a + b, 0) / pr.length : 0;
  const prSd = pr.length > 2 ? Math.sqrt(pr.reduce((a, b) => a + (b - prMean) ** 2, 0) / (pr.length - 1)) : 0;
  return {
    atrialRate: Math.round((60 * fs) / ppMedian),
    ventricularRate: Math.round((60 * fs) / rrMean),
    ppRegularity: regular.length / pp.length,
    prSd: Math.round(prSd),
    atrialEvents: atrial.filter((a) => a >= beats[0] && a <= beats[beats.length - 1]).length,
  };
}

/**
 * 2:1 AV block leaves a second, non-conducted P wave in the median beat, half a cycle after the conducted one.
 * Looks for a copy of the median P wave there (after the T wave): returns its correlation with the P wave and
 * the amplitude ratio, or undefined when the place is not visible (hidden in the T wave, outside the window).
 */
export function blockedPWave(
  medians: { leads: Map<string, Float32Array>; fiducial: number; rrMedian: number; sampleRate: number },
  f: Fiducials,
): { correlation: number; amplitudeRatio: number; atSample: number } | undefined {
  if (f.pOnset === undefined || f.pOffset === undefined || f.tOffset === undefined || medians.rrMedian <= 0)
    return undefined;
  const half = Math.round(medians.rrMedian / 2);
  const width = f.pOffset - f.pOnset;
  const len = medians.leads.values().next().value?.length ?? 0;
  const slack = Math.round(0.1 * half);
  const from = Math.max(f.tOffset + Math.round(0.02 * medians.sampleRate), f.pOnset + half - slack);
  const to = Math.min(len - width - 1, f.pOnset + half + slack);
  if (to < from) return undefined;
  // Each lead's segment minus the straight line through its ends, concatenated over leads.
  const segment = (start: number): Float64Array => {
    const out = new Float64Array(medians.leads.size * (width + 1));
    let o = 0;
    for (const x of medians.leads.values()) {
      const a = x[start];
      const b = x[start + width];
      for (let k = 0; k <= width; k++) out[o++] = x[start + k] - (a + ((b - a) * k) / width);
    }
    return out;
  };
  const template = segment(f.pOnset);
  const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const tNorm = norm(template);
  if (tNorm === 0) return undefined;
  let best: { correlation: number; amplitudeRatio: number; atSample: number } | undefined;
  for (let s = from; s <= to; s++) {
    const c = segment(s);
    const cNorm = norm(c);
    if (cNorm === 0) continue;
    let dot = 0;
    for (let i = 0; i < c.length; i++) dot += c[i] * template[i];
    const correlation = dot / (cNorm * tNorm);
    if (!best || correlation > best.correlation)
      best = { correlation, amplitudeRatio: cNorm / tNorm, atSample: s };
  }
  return best;
}
