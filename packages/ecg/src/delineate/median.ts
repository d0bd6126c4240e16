/**
 * Representative (median) beats: every usable beat is cut out around its QRS, aligned by cross-correlation and
 * combined sample by sample with the median, which keeps the shape of the dominant beat while ignoring noise
 * bursts and the odd ectopic beat that slipped through the class filter.
 */

import { medianInPlace } from '../dsp/select';
import { EcgError, type EcgRecord, normaliseLeadName } from '../record';
import type { AamiClass } from '../types';

export interface MedianBeatOptions {
  /** Window before the fiducial point, seconds. Long enough for a long PR interval. */
  preSec?: number;
  /** Window after the fiducial point, seconds. Long enough for a long QT at slow rates. */
  postSec?: number;
  /** Subtract a PR-segment knot baseline first (default true); false for signals already high-passed. */
  subtractBaseline?: boolean;
  /** Most beats that enter the median (evenly spread over the record); default 64. */
  maxBeats?: number;
  /** Classes of the beats, when known: only the dominant class among non-ectopic beats is used. */
  classes?: AamiClass[];
}

export interface MedianBeats {
  sampleRate: number;
  /** Index of the aligned fiducial point inside every median beat. */
  fiducial: number;
  /** Lead name → median beat in µV, baseline taken from the PR segments of the source beats. */
  leads: Map<string, Float32Array>;
  /** Source beat indices (into the beat list) that entered the median. */
  used: number[];
  /** Median RR interval of the record in samples (0 when fewer than two beats). */
  rrMedian: number;
  /**
   * Median interval (samples) from each used beat to the next beat / from the previous beat. With ectopy they
   * differ from rrMedian (in bigeminy a normal beat is always followed early), and they bound where the median
   * beat is free of its neighbours.
   */
  rrAfter: number;
  rrBefore: number;
  /** Alignment shift applied to each used beat, in samples (same order as `used`). */
  shifts: number[];
}

const MAX_ALIGN_SHIFT_SEC = 0.02;

export function medianOf(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  return medianInPlace(Float64Array.from(values), n);
}

/**
 * Baseline estimate through one knot per beat placed in the PR segment (80 ms before the fiducial point),
 * joined by straight lines: unlike a high-pass filter it leaves the ST segment where it is.
 */
function baselineKnots(
  x: Float32Array,
  beats: ArrayLike<number>,
  fs: number,
): { at: number[]; level: number[] } {
  const half = Math.max(1, Math.round(0.01 * fs));
  const back = Math.round(0.08 * fs);
  const at: number[] = [];
  const level: number[] = [];
  for (let b = 0; b < beats.length; b++) {
    const c = beats[b] - back;
    if (c - half < 0 || c + half >= x.length) continue;
    let s = 0;
    for (let i = c - half; i <= c + half; i++) s += x[i];
    // A knot on missing samples (NaN from a dropout) would poison the baseline between its neighbours.
    if (!Number.isFinite(s)) continue;
    at.push(c);
    level.push(s / (2 * half + 1));
  }
  return { at, level };
}

/** The signal minus its knot baseline (straight lines between knots, flat beyond the first and last). */
function subtractBaseline(x: Float32Array, knots: { at: number[]; level: number[] }): Float32Array {
  const out = new Float32Array(x.length);
  const { at, level } = knots;
  if (at.length === 0) {
    out.set(x);
    return out;
  }
  let k = 0;
  for (let i = 0; i < x.length; i++) {
    let base: number;
    if (i <= at[0]) base = level[0];
    else if (i >= at[at.length - 1]) base = level[level.length - 1];
    else {
      while (at[k + 1] <= i) k++;
      base = level[k] + ((i - at[k]) / (at[k + 1] - at[k])) * (level[k + 1] - level[k]);
    }
    out[i] = x[i] - base;
  }
  return out;
}

/** Indices of I, II and V1–V6 (the leads that carry independent information), or all leads. */
function alignmentLeads(record: EcgRecord): number[] {
  const wanted = new Set(['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
  const idx = record.leads.flatMap((l, i) => (wanted.has(normaliseLeadName(l.name)) ? [i] : []));
  return idx.length >= 2 ? idx : record.leads.map((_, i) => i);
}

/** Chooses the beats that represent the dominant rhythm: dominant class, not premature, inside the record. */
function chooseBeats(beats: Int32Array, classes: AamiClass[] | undefined, rrMedian: number): number[] {
  let wanted: AamiClass | undefined;
  if (classes && classes.length === beats.length) {
    const counts = new Map<AamiClass, number>();
    for (const c of classes) counts.set(c, (counts.get(c) ?? 0) + 1);
    // Normal beats represent the rhythm whenever there are enough of them; otherwise the commonest class does.
    const n = counts.get('N') ?? 0;
    wanted = n >= 3 || n >= beats.length / 3 ? 'N' : [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  }
  const chosen: number[] = [];
  for (let b = 0; b < beats.length; b++) {
    if (wanted && classes![b] !== wanted) continue;
    // A clearly premature beat is probably ectopic even when nobody classified it.
    if (!classes && rrMedian > 0 && b > 0 && beats[b] - beats[b - 1] < 0.8 * rrMedian) continue;
    chosen.push(b);
  }
  return chosen.length >= 1 ? chosen : Array.from(beats, (_, i) => i);
}

/**
 * Builds median beats for all leads of `record` from the beat fiducials `beats` (sample indices, ascending).
 * Throws EcgError when there are no beats.
 */
export function buildMedianBeats(
  record: EcgRecord,
  beats: Int32Array,
  options: MedianBeatOptions = {},
): MedianBeats {
  const fs = record.sampleRate;
  if (beats.length === 0) throw new EcgError('beats: no beats to build a median beat from');
  const n = record.leads[0]?.samples.length ?? 0;
  for (let b = 0; b < beats.length; b++) {
    if (!(beats[b] >= 0 && beats[b] < n))
      throw new EcgError(`beats[${b}] = ${beats[b]} is outside the record`);
  }
  const pre = Math.round((options.preSec ?? 0.45) * fs);
  const post = Math.round((options.postSec ?? 0.7) * fs);
  const len = pre + post + 1;
  const rr: number[] = [];
  for (let b = 1; b < beats.length; b++) rr.push(beats[b] - beats[b - 1]);
  const rrMedian = rr.length ? medianOf(rr) : 0;
  let used = chooseBeats(beats, options.classes, rrMedian);
  // A long recording does not need thousands of beats for a median: an evenly spread subset is as
  // representative and keeps the cost of a 24-h record close to that of a 10-s one.
  const maxBeats = options.maxBeats ?? 64;
  if (used.length > maxBeats) {
    const all = used;
    used = Array.from({ length: maxBeats }, (_, k) => all[Math.floor((k * all.length) / maxBeats)]);
  }

  const corrected = record.leads.map((l) =>
    options.subtractBaseline === false
      ? l.samples
      : subtractBaseline(l.samples, baselineKnots(l.samples, beats, fs)),
  );
  const maxShift = Math.max(1, Math.round(MAX_ALIGN_SHIFT_SEC * fs));
  let shifts = used.map(() => 0);

  const buf = new Float64Array(beats.length);
  const order = new Int32Array(beats.length);
  const aside = new Int32Array(beats.length);
  /** Median over the used beats of lead `li`, window positions [from, to] (others stay 0). */
  const medianOfLead = (li: number, from: number, to: number): Float32Array => {
    const x = corrected[li];
    const med = new Float32Array(len);
    const count = used.length;
    const starts = new Int32Array(count);
    for (let u = 0; u < count; u++) {
      starts[u] = beats[used[u]] + shifts[u] - pre;
      order[u] = u;
    }
    // Whether every beat's window [from, to] lies inside the lead and is finite (the usual case): then the
    // gather below needs no checks.
    let clean = true;
    for (let u = 0; u < count && clean; u++) {
      const a = starts[u] + from;
      const z = starts[u] + to;
      if (a < 0 || z >= x.length) clean = false;
      else for (let i = a; i <= z && clean; i++) if (!Number.isFinite(x[i])) clean = false;
    }
    if (clean && count > 0) {
      const h = count >> 1;
      for (let p = from; p <= to; p++) {
        for (let k = 0; k < count; k++) {
          const o = order[k];
          const v = x[starts[o] + p];
          let j = k - 1;
          while (j >= 0 && buf[j] > v) {
            buf[j + 1] = buf[j];
            order[j + 1] = order[j];
            j--;
          }
          buf[j + 1] = v;
          order[j + 1] = o;
        }
        med[p] = count & 1 ? buf[h] : 0.5 * (buf[h - 1] + buf[h]);
      }
      return med;
    }
    for (let p = from; p <= to; p++) {
      // The finite values are gathered in the sorted order of the previous position, which changes little from
      // sample to sample, so the insertion sort is nearly linear; missing samples (NaN, ±Infinity, outside the
      // record) do not vote and go to the end of the order.
      let m = 0;
      let missing = 0;
      for (let k = 0; k < count; k++) {
        const o = order[k];
        const i = starts[o] + p;
        const v = i >= 0 && i < x.length ? x[i] : Number.NaN;
        if (Number.isFinite(v)) {
          let j = m - 1;
          while (j >= 0 && buf[j] > v) {
            buf[j + 1] = buf[j];
            order[j + 1] = order[j];
            j--;
          }
          buf[j + 1] = v;
          order[j + 1] = o;
          m++;
        } else aside[missing++] = o;
      }
      for (let k = 0; k < missing; k++) order[m + k] = aside[k];
      if (m === 0) continue;
      const h = m >> 1;
      med[p] = m & 1 ? buf[h] : 0.5 * (buf[h - 1] + buf[h]);
    }
    return med;
  };

  if (used.length >= 3) {
    // Align every beat on a preliminary QRS template (±60 ms, independent leads only, for speed), then reject
    // beats far from it (noise, ectopy the classifier missed).
    const half = Math.round(0.06 * fs);
    const alignLeads = alignmentLeads(record);
    const templates = alignLeads.map((li) => medianOfLead(li, pre - half, pre + half));
    /** Whether every alignment lead is finite over all shifts of beat u (then allScores applies). */
    const clean = (u: number): boolean => {
      const lo = beats[used[u]] - maxShift - half;
      const hi = beats[used[u]] + maxShift + half;
      for (const li of alignLeads) {
        const x = corrected[li];
        if (lo < 0 || hi >= x.length) return false;
        for (let i = lo; i <= hi; i++) if (!Number.isFinite(x[i])) return false;
      }
      return true;
    };
    /** Squared distance of beat u shifted by s from the templates (missing samples left out). */
    const score = (u: number, s: number): number => {
      let acc = 0;
      const c = beats[used[u]] + s;
      for (let t = 0; t < alignLeads.length; t++) {
        const x = corrected[alignLeads[t]];
        const tpl = templates[t];
        for (let k = -half; k <= half; k++) {
          const i = c + k;
          if (i < 0 || i >= x.length || !Number.isFinite(x[i])) continue;
          const d = x[i] - tpl[pre + k];
          acc += d * d;
        }
      }
      return acc;
    };
    const residual: number[] = [];
    const shiftScores = new Float64Array(2 * maxShift + 1);
    /** score(u, s) of every shift s at once (clean windows): the same sums in the same order, side by side. */
    const allScores = (u: number): Float64Array => {
      shiftScores.fill(0);
      const c = beats[used[u]] - maxShift;
      const width = 2 * maxShift + 1;
      for (let t = 0; t < alignLeads.length; t++) {
        const x = corrected[alignLeads[t]];
        const tpl = templates[t];
        for (let k = -half; k <= half; k++) {
          const tv = tpl[pre + k];
          const at = c + k;
          for (let s = 0; s < width; s++) {
            const d = x[at + s] - tv;
            shiftScores[s] += d * d;
          }
        }
      }
      return shiftScores;
    };
    shifts = used.map((_, u) => {
      let best = 0;
      let bestScore = Number.POSITIVE_INFINITY;
      const checked = clean(u);
      const scores = checked ? allScores(u) : undefined;
      for (let s = -maxShift; s <= maxShift; s++) {
        const v = scores ? scores[s + maxShift] : score(u, s);
        if (v < bestScore) {
          bestScore = v;
          best = s;
        }
      }
      residual.push(bestScore);
      return best;
    });
    const typical = medianOf(residual);
    const keep = used.map((_, u) => residual[u] <= 4 * typical + 1e-9);
    if (keep.filter(Boolean).length >= 3) {
      used = used.filter((_, u) => keep[u]);
      shifts = shifts.filter((_, u) => keep[u]);
    }
  }
  const medians = new Map<string, Float32Array>();
  record.leads.forEach((lead, li) => {
    medians.set(lead.name, medianOfLead(li, 0, len - 1));
  });
  const after = used.filter((b) => b + 1 < beats.length).map((b) => beats[b + 1] - beats[b]);
  const before = used.filter((b) => b > 0).map((b) => beats[b] - beats[b - 1]);
  const rrAfter = after.length ? medianOf(after) : rrMedian;
  const rrBefore = before.length ? medianOf(before) : rrMedian;
  return { sampleRate: fs, fiducial: pre, leads: medians, used, rrMedian, rrAfter, rrBefore, shifts };
}
