/**
 * Second-degree AV block from the sequence of P waves and QRS complexes. Every P wave is found (the QRS and T wave
 * of each beat are cancelled, see findPWaves); each QRS is paired with the last P wave
 * before it, and a P wave with no QRS before the next P wave is a non-conducted ("dropped") one. The classic
 * patterns (e.g. Surawicz & Knilans, Chou's Electrocardiography; AHA/ACCF/HRS 2009 recommendations):
 *
 * - 2:1 block: every other P wave is not conducted, the PR interval of the conducted ones is constant.
 * - Mobitz I (Wenckebach): the PR interval lengthens from beat to beat until a P wave is not conducted; the first
 *   PR after the pause is the shortest.
 * - Mobitz II: the PR interval is constant, before and after a P wave that is suddenly not conducted.
 * - High-grade (advanced) block: two or more consecutive sinus P waves are not conducted (3:1, 4:1 or a varying
 *   ratio) while the conducted ones keep a constant PR interval, so conduction is still present (not complete
 *   block, where the PR interval wanders).
 *
 * Only P waves on the sinus schedule count as dropped: a non-conducted P must come one P–P interval after the P
 * before it (a blocked premature atrial beat comes early and is not AV block), and look like the conducted P
 * waves (shape correlation ≥ 0.7, amplitude within half to twice theirs): a T or U wave is not a P wave.
 */
import { bandPass } from '../dsp/filters';
import { type EcgRecord, normaliseLeadName } from '../record';
import type { AamiClass } from '../types';
import type { Fiducials } from './fiducials';
import { buildMedianBeats } from './median';

/** Leads where P waves are largest. */
const P_LEADS = ['II', 'V1', 'III', 'aVF', 'I'];

/**
 * Every P wave of the record, conducted or not: each beat's QRS–T (from its median beat, QRS onset − 10 ms to
 * T end + 20 ms) is subtracted from the raw signal *before* any filtering, so nothing of the QRS is smeared onto
 * the P waves next to it; the rest is band-passed (1–20 Hz) and its envelope's peaks (≥ 200 ms apart, above
 * 3 × the median envelope and 20 µV) are the P waves.
 */
export function findPWaves(
  record: EcgRecord,
  beats: Int32Array,
  fiducials: Fiducials,
  fiducial: number,
  classes?: AamiClass[],
): { peaks: Int32Array; residual: Float32Array[] } | undefined {
  const fs = record.sampleRate;
  let leads = record.leads.filter((l) => P_LEADS.includes(normaliseLeadName(l.name)));
  if (leads.length === 0) leads = record.leads;
  leads = leads.filter((l) => l.quality !== 'flat' && l.quality !== 'lead-off').slice(0, 2);
  if (leads.length === 0 || beats.length < 3 || fs < 100 || fiducials.qrsOnset === undefined)
    return undefined;
  const ms = (v: number) => Math.max(1, Math.round((v * fs) / 1000));
  const clean: EcgRecord = {
    sampleRate: fs,
    leads: leads.map((l) => ({ name: l.name, samples: l.samples.map((v) => (Number.isFinite(v) ? v : 0)) })),
  };
  // Median beats with their own baseline removed: subtracted from the raw signal, they take the QRS–T out and
  // leave the baseline, which the band-pass below removes (filtering first would smear the QRS over its
  // neighbourhood, P waves included).
  const medians = buildMedianBeats(clean, beats, { classes });
  const n = clean.leads[0].samples.length;
  const from = fiducials.qrsOnset - ms(10) - fiducial;
  const blankTo = fiducials.qrsOffset + ms(20) - fiducial;
  const to = (fiducials.tOffset ?? fiducials.qrsOffset + ms(350)) + ms(20) - fiducial;
  const pre = medians.fiducial;
  const shiftOf = new Map<number, number>();
  medians.used.forEach((b, u) => {
    shiftOf.set(b, medians.shifts[u]);
  });
  const envelope = new Float32Array(n);
  const residual: Float32Array[] = [];
  for (const lead of clean.leads) {
    const template = medians.leads.get(lead.name)!;
    const r = Float32Array.from(lead.samples);
    for (let b = 0; b < beats.length; b++) {
      const shift = shiftOf.get(b);
      const c = beats[b] + (shift ?? 0);
      for (let k = from; k <= to; k++) {
        const i = c + k;
        if (i < 0 || i >= n || pre + k < 0 || pre + k >= template.length) continue;
        // Beats of another shape are not cancelled but bridged by a straight line.
        if (shift === undefined) {
          const a = lead.samples[Math.max(0, c + from)];
          const e = lead.samples[Math.min(n - 1, c + to)];
          r[i] = a + ((e - a) * (k - from)) / Math.max(1, to - from);
        } else r[i] -= template[pre + k];
      }
    }
    const smooth = bandPass(r, fs, 1, Math.min(20, fs / 2.5));
    for (let b = 0; b < beats.length; b++) {
      // The QRS never cancels exactly (its slopes are steep): left out.
      for (let k = from; k <= blankTo; k++) {
        const i = beats[b] + (shiftOf.get(b) ?? 0) + k;
        if (i >= 0 && i < n) smooth[i] = 0;
      }
    }
    for (let i = 0; i < n; i++) envelope[i] += Math.abs(smooth[i]) / clean.leads.length;
    residual.push(smooth);
  }
  const env = movingAverage(envelope, ms(40));
  const sorted = Float32Array.from(env).sort();
  const threshold = Math.max(20, 3 * sorted[sorted.length >> 1]);
  const peaks: number[] = [];
  const gap = ms(200);
  for (let i = 1; i < n - 1; i++) {
    if (env[i] < threshold || env[i] < env[i - 1] || env[i] < env[i + 1]) continue;
    const last = peaks[peaks.length - 1];
    if (last !== undefined && i - last < gap) {
      if (env[i] > env[last]) peaks[peaks.length - 1] = i;
      continue;
    }
    peaks.push(i);
  }
  return { peaks: Int32Array.from(peaks), residual };
}

/** Residual around a P-wave peak (±60 ms, every lead), for shape comparison. */
function pSegment(residual: Float32Array[], at: number, half: number): Float64Array | undefined {
  const out = new Float64Array(residual.length * (2 * half + 1));
  let o = 0;
  for (const x of residual) {
    if (at - half < 0 || at + half >= x.length) return undefined;
    for (let k = -half; k <= half; k++) out[o++] = x[at + k];
  }
  return out;
}

/** Correlation (no mean removal: band-passed, zero-based) and amplitude ratio of a segment against a template. */
function likeness(a: Float64Array, t: Float64Array): { corr: number; ratio: number } {
  let ab = 0;
  let aa = 0;
  let tt = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * t[i];
    aa += a[i] * a[i];
    tt += t[i] * t[i];
  }
  return aa > 0 && tt > 0
    ? { corr: ab / Math.sqrt(aa * tt), ratio: Math.sqrt(aa / tt) }
    : { corr: 0, ratio: 0 };
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

export interface AvBlockPattern {
  kind: 'mobitz1' | 'mobitz2' | '2to1' | 'high-grade' | 'none';
  /** Non-conducted P waves on the sinus schedule. */
  dropped: number;
  /** Drops whose surrounding PR intervals fit the kind (progression for Mobitz I, constancy for Mobitz II). */
  typical: number;
  atrialRate: number;
  ventricularRate: number;
  /** P-to-QRS interval (ms, P peak to QRS fiducial) of the conducted beats, in order. */
  prMs: number[];
  /** Most consecutive non-conducted P waves between two QRS complexes (2 in 3:1 block). */
  maxConsecutiveDropped: number;
}

/** PR change before vs after a drop that counts as Wenckebach's reset (ms), and the constancy limit of Mobitz II. */
const RESET_MS = 40;
const CONSTANT_MS = 15;
/** Shape correlation with the conducted P waves that a non-conducted one needs. */
const P_LIKENESS = 0.7;
/** Tolerance of a P–P interval against the median one. */
const PP_TOLERANCE = 0.15;

function mean(values: number[]): number {
  return values.reduce((a, v) => a + v, 0) / Math.max(1, values.length);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : 0;
}

/**
 * Finds the P–QRS pattern of second-degree AV block. `beats` and `classes` as detected; `fiducials` and
 * `fiducial` from the delineation's median beat. Returns undefined when P waves cannot be followed.
 */
export function avBlockPattern(
  record: EcgRecord,
  beats: Int32Array,
  fiducials: Fiducials,
  fiducial: number,
  classes?: AamiClass[],
): AvBlockPattern | undefined {
  const fs = record.sampleRate;
  if (beats.length < 3) return undefined;
  // Ectopic beats break the chain of conduction: only records whose beats are (nearly) all normal are judged.
  if (classes && classes.filter((c) => c !== 'N').length > 0.1 * beats.length) return undefined;
  const atrial = findPWaves(record, beats, fiducials, fiducial, classes);
  if (!atrial || atrial.peaks.length < 4) return undefined;
  const p = Array.from(atrial.peaks);
  const pp: number[] = [];
  for (let i = 1; i < p.length; i++) pp.push(p[i] - p[i - 1]);
  const ppMedian = median(pp);
  // The atrial rhythm must be regular for dropped P waves to be recognised as such.
  const onSchedule = (d: number) => Math.abs(d - ppMedian) <= PP_TOLERANCE * ppMedian;
  // A P wave on a T wave may be missed, leaving a double interval: still the same schedule (common at 3:1 and
  // 4:1 block, where the first blocked P wave follows the QRS closely), but at most for a few intervals.
  const doubled = pp.filter((d) => Math.abs(d - 2 * ppMedian) <= PP_TOLERANCE * ppMedian).length;
  if (pp.filter(onSchedule).length + Math.min(doubled, 0.4 * pp.length) < 0.8 * pp.length) return undefined;
  // Sinus P waves: an atrial rate of 40–150/min (faster regular atrial activity is flutter or tachycardia).
  if (ppMedian < 0.4 * fs || ppMedian > 1.5 * fs) return undefined;
  const minPr = Math.round(0.08 * fs);
  const maxPr = Math.round(0.6 * fs);
  // Pair each QRS with the last P wave at least 80 ms before it.
  const conductedBy = new Int32Array(beats.length).fill(-1);
  let k = 0;
  for (let b = 0; b < beats.length; b++) {
    while (k + 1 < p.length && p[k + 1] <= beats[b] - minPr) k++;
    if (p[k] <= beats[b] - minPr && beats[b] - p[k] <= maxPr) conductedBy[b] = k;
  }
  const conducted = new Set<number>(Array.from(conductedBy).filter((v) => v >= 0));
  // The conducted P waves' mean shape: a non-conducted sinus P wave looks the same (a T or U wave, or noise,
  // found between the QRS complexes does not).
  const half = Math.round(0.06 * fs);
  let template: Float64Array | undefined;
  let templateCount = 0;
  for (const j of conducted) {
    const seg = pSegment(atrial.residual, p[j], half);
    if (!seg) continue;
    template ??= new Float64Array(seg.length);
    for (let i = 0; i < seg.length; i++) template[i] += seg[i];
    templateCount++;
  }
  if (!template || templateCount < 2) return undefined;
  // A non-conducted P wave must lie clear of the T wave (≥ 100 ms after its end): what sits right after it may be
  // a U wave or the T wave's own tail.
  const clearOfT =
    (fiducials.tOffset ?? fiducials.qrsOffset + Math.round(0.35 * fs)) - fiducial + Math.round(0.1 * fs);
  const looksLikeP = (j: number): boolean => {
    const seg = pSegment(atrial.residual, p[j], half);
    if (!seg || !template) return false;
    const { corr, ratio } = likeness(seg, template);
    return corr >= P_LIKENESS && ratio * templateCount >= 0.5 && ratio * templateCount <= 2;
  };
  // Walk the P waves between the first and last QRS: a P not paired with a QRS, on schedule, is dropped.
  const prOf = (b: number) => ((beats[b] - p[conductedBy[b]]) * 1000) / fs;
  const dropsAfterBeat: number[] = [];
  let dropped = 0;
  // Gaps with two or more consecutive non-conducted P waves. They are counted from the atrial schedule (the
  // conducted P waves' distance in P–P intervals), not from the P waves seen: at 3:1 the first blocked P often
  // sits on the T wave, where it is found but not trusted as "dropped" on its own.
  let highGaps = 0;
  let maxConsecutiveDropped = 0;
  for (let b = 0; b + 1 < beats.length; b++) {
    if (conductedBy[b] < 0 || conductedBy[b + 1] < 0) continue;
    let blockedHere = 0;
    for (let j = conductedBy[b] + 1; j < conductedBy[b + 1]; j++) {
      if (!conducted.has(j) && onSchedule(p[j] - p[j - 1]) && p[j] >= beats[b] + clearOfT && looksLikeP(j))
        blockedHere++;
    }
    if (blockedHere > 0) {
      dropped += blockedHere;
      dropsAfterBeat.push(b);
      const cycles = Math.round((p[conductedBy[b + 1]] - p[conductedBy[b]]) / ppMedian) - 1;
      if (cycles >= 2) highGaps++;
      maxConsecutiveDropped = Math.max(maxConsecutiveDropped, blockedHere, cycles);
    }
  }
  const prMs: number[] = [];
  for (let b = 0; b < beats.length; b++) if (conductedBy[b] >= 0) prMs.push(Math.round(prOf(b)));
  const rr: number[] = [];
  for (let b = 1; b < beats.length; b++) rr.push(beats[b] - beats[b - 1]);
  const result: AvBlockPattern = {
    kind: 'none',
    dropped,
    typical: 0,
    atrialRate: Math.round((60 * fs) / mean(pp.filter(onSchedule))),
    ventricularRate: Math.round((60 * fs) / (rr.reduce((a, v) => a + v, 0) / rr.length)),
    prMs,
    maxConsecutiveDropped,
  };
  if (dropped === 0) return result;
  const paired = Array.from(conductedBy).filter((v) => v >= 0).length;
  // 2:1: (nearly) every gap between QRS complexes holds one dropped P, and the PR stays the same.
  const prSpread = Math.max(...prMs) - Math.min(...prMs);
  // High-grade: at least two gaps of ≥ 2 non-conducted P waves (a quarter of the gaps with drops or more, as when
  // 2:1 and 3:1 alternate), and the conducted beats keep one PR interval (Wenckebach cycles do not).
  if (highGaps >= 2 && highGaps >= 0.25 * dropsAfterBeat.length && prSpread <= 2 * CONSTANT_MS)
    return { ...result, kind: 'high-grade', typical: highGaps };
  if (dropsAfterBeat.length >= 0.8 * (paired - 1) && dropped <= 1.2 * dropsAfterBeat.length) {
    if (prSpread <= 2 * CONSTANT_MS) return { ...result, kind: '2to1', typical: dropsAfterBeat.length };
    return result;
  }
  // Otherwise judge each drop by the PR intervals around it: the beat before and the beat after the pause.
  let wenckebach = 0;
  let constant = 0;
  for (const b of dropsAfterBeat) {
    if (b + 1 >= beats.length || b < 1 || conductedBy[b - 1] < 0) continue;
    const before = prOf(b);
    const after = prOf(b + 1);
    const previous = prOf(b - 1);
    // Wenckebach: the PR grew into the drop (previous < before) and resets after it.
    if (before - after >= RESET_MS && before - previous >= CONSTANT_MS / 2) wenckebach++;
    else if (Math.abs(before - after) <= CONSTANT_MS && Math.abs(before - previous) <= CONSTANT_MS)
      constant++;
  }
  // Most drops must show the same pattern: a chance mix of PR intervals is neither.
  const judged = dropsAfterBeat.length;
  if (wenckebach > constant && wenckebach >= 0.6 * judged)
    return { ...result, kind: 'mobitz1', typical: wenckebach };
  if (constant > wenckebach && constant >= 0.6 * judged && prSpread <= 2 * CONSTANT_MS)
    return { ...result, kind: 'mobitz2', typical: constant };
  return result;
}
