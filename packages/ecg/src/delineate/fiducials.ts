/**
 * Global wave boundaries on the median beats of all leads. Instead of delineating each lead and voting, the
 * leads are combined into two curves: the summed absolute slope (sharp for the QRS) and the summed absolute
 * deviation from the PR-segment level (a hump for each P and T wave). A global onset found on such a curve is,
 * by construction, the earliest point where any lead departs from baseline, and an offset the latest point where
 * any lead returns — which is how IEC 60601-2-25 defines global intervals.
 * QRS limits use a slope threshold; P and T limits use the trapezium-area method (Vázquez-Seisdedos et al.,
 * BioMed Eng OnLine 2011), which finds the knee where a wave meets the baseline and is insensitive to noise.
 */
import type { MedianBeats } from './median';

/** Sample indices within the median beats; undefined when the wave was not found. */
export interface Fiducials {
  pOnset?: number;
  pPeak?: number;
  pOffset?: number;
  qrsOnset: number;
  qrsOffset: number;
  /** J point: the end of the QRS complex (the same instant as qrsOffset in a global delineation). */
  jPoint: number;
  tPeak?: number;
  tOffset?: number;
}

/** Leads that carry independent information; the others (III, aVR, aVL, aVF) are sums of I and II. */
const INDEPENDENT_LEADS = ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

function pickLeads(medians: MedianBeats, allowed?: readonly string[]): Float32Array[] {
  const byName = new Map<string, Float32Array>();
  for (const [name, x] of medians.leads) {
    if (!allowed || allowed.includes(name)) byName.set(name.toUpperCase(), x);
  }
  if (byName.size === 0) for (const [name, x] of medians.leads) byName.set(name.toUpperCase(), x);
  const independent = INDEPENDENT_LEADS.map((n) => byName.get(n.toUpperCase())).filter(
    (x): x is Float32Array => x !== undefined,
  );
  return independent.length >= 2 ? independent : [...byName.values()];
}

function movingAverage(x: Float64Array, width: number): Float64Array {
  const out = new Float64Array(x.length);
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

function argMax(x: Float64Array, from: number, to: number): number {
  let best = from;
  for (let i = from + 1; i <= to; i++) if (x[i] > x[best]) best = i;
  return best;
}

/**
 * Trapezium-area knee: between the steepest point `m` of a wave's flank and a point `r` on the baseline
 * side, the knee is where the trapezium (m, y[m]) – (t, y[t]) – (r, y[t]) – (r, y[m]) has the largest area.
 * Works in both directions (r > m for an offset, r < m for an onset).
 */
function trapeziumKnee(y: Float64Array, m: number, r: number): number {
  let best = m;
  let bestArea = Number.NEGATIVE_INFINITY;
  const step = r > m ? 1 : -1;
  for (let t = m; t !== r + step; t += step) {
    const area = 0.5 * (y[m] - y[t]) * Math.abs(2 * r - t - m);
    if (area > bestArea) {
      bestArea = area;
      best = t;
    }
  }
  return best;
}

/** Steepest descent of y walking from `from` towards `to` (either direction), on a central difference. */
function steepestTowards(y: Float64Array, from: number, to: number): number {
  const step = to > from ? 1 : -1;
  let best = from;
  let bestSlope = 0;
  for (let i = from; i !== to; i += step) {
    const j = i + step;
    if (j < 0 || j >= y.length) break;
    const slope = y[i] - y[j];
    if (slope > bestSlope) {
      bestSlope = slope;
      best = i;
    }
  }
  return best;
}

export interface DelineationOptions {
  /** Minimum mean absolute P amplitude over the combined leads (µV) to call a P wave present. */
  minPAmplitude?: number;
  /** Leads that may shape the global fiducials (e.g. those of good quality); default all. */
  fiducialLeads?: readonly string[];
}

export function findFiducials(medians: MedianBeats, options: DelineationOptions = {}): Fiducials {
  const fs = medians.sampleRate;
  const ms = (v: number) => Math.max(1, Math.round((v * fs) / 1000));
  const leads = pickLeads(medians, options.fiducialLeads);
  const len = leads[0].length;
  const fid = medians.fiducial;

  // Summed absolute slope over an 8 ms span (the span acts as a gentle low-pass).
  const k = Math.max(1, Math.round(0.004 * fs));
  const slope = new Float64Array(len);
  for (const x of leads) {
    for (let i = k; i < len - k; i++) slope[i] += Math.abs(x[i + k] - x[i - k]);
  }
  const slopeSmooth = movingAverage(slope, ms(10));
  const peak = argMax(slopeSmooth, Math.max(0, fid - ms(60)), Math.min(len - 1, fid + ms(60)));
  const peakSlope = slopeSmooth[peak];
  // Slope floor: the quietest 40 ms stretch before the QRS (PR or TP segment) tells how noisy a flat line is.
  let floor = Number.POSITIVE_INFINITY;
  for (let s = Math.max(0, fid - ms(300)); s + ms(40) < fid - ms(40); s += ms(10)) {
    let acc = 0;
    for (let i = s; i < s + ms(40); i++) acc += slopeSmooth[i];
    floor = Math.min(floor, acc / ms(40));
  }
  if (!Number.isFinite(floor)) floor = 0;
  const threshold = floor + 0.03 * (peakSlope - floor);
  const quiet = ms(8);
  const walk = (from: number, step: -1 | 1, limit: number): number => {
    let run = 0;
    for (let i = from; step < 0 ? i > limit : i < limit; i += step) {
      run = slopeSmooth[i] < threshold ? run + 1 : 0;
      if (run >= quiet) return i - step * (quiet - 1);
    }
    return limit;
  };
  const qrsOnset = walk(peak, -1, Math.max(0, fid - ms(160)));
  const qrsOffset = walk(peak, 1, Math.min(len - 1, fid + ms(200)));

  // Deviation from the PR-segment level (the 10 ms before QRS onset), summed over leads, mean per lead.
  const deviation = new Float64Array(len);
  const refHalf = ms(5);
  for (const x of leads) {
    let ref = 0;
    let cnt = 0;
    for (let i = Math.max(0, qrsOnset - 2 * refHalf); i <= qrsOnset; i++, cnt++) ref += x[i];
    ref /= cnt;
    for (let i = 0; i < len; i++) deviation[i] += Math.abs(x[i] - ref) / leads.length;
  }
  const dev = movingAverage(deviation, ms(20));

  // The T wave must end before the next beat, the P wave start after the previous beat's T wave.
  const rr = medians.rrAfter > 0 ? medians.rrAfter : ms(1000);
  const rrPrev = medians.rrBefore > 0 ? medians.rrBefore : ms(1000);
  const result: Fiducials = { qrsOnset, qrsOffset, jPoint: qrsOffset };

  // T wave: after the ST segment and before the next beat's atrial activity.
  // Limits from physiology rather than from the record: the T peak comes before 70 % of the RR interval (and
  // 600 ms), and the T wave ends before 85 % of it, even with a long QT at a fast rate.
  const tFrom = qrsOffset + ms(40);
  const tTo = Math.min(len - 1, qrsOnset + Math.round(0.7 * rr), qrsOnset + ms(600));
  const tLimit = Math.min(len - 1, qrsOnset + Math.round(0.85 * rr), qrsOnset + ms(700));
  if (tTo - tFrom > ms(60)) {
    const tPeak = argMax(dev, tFrom, tTo);
    const steep = steepestTowards(dev, tPeak, Math.min(tLimit, tPeak + ms(250)));
    const reach = Math.min(tLimit, steep + ms(200));
    if (steep > tPeak && reach > steep) {
      result.tPeak = tPeak;
      result.tOffset = trapeziumKnee(dev, steep, reach);
    }
  }

  // P wave: between the previous T wave (when known) and the QRS onset.
  const prevT = result.tOffset !== undefined ? result.tOffset - rrPrev : qrsOnset - ms(400);
  const pFrom = Math.max(ms(5), prevT, qrsOnset - ms(400));
  const pTo = qrsOnset - ms(20);
  if (pTo - pFrom > ms(50)) {
    const pPeak = argMax(dev, pFrom, pTo);
    const before = steepestTowards(dev, pPeak, Math.max(pFrom - ms(40), 0, pPeak - ms(80)));
    const after = steepestTowards(dev, pPeak, Math.min(pTo + ms(10), pPeak + ms(80)));
    const onset = before < pPeak ? trapeziumKnee(dev, before, Math.max(0, before - ms(80))) : undefined;
    const offset = after > pPeak ? trapeziumKnee(dev, after, Math.min(qrsOnset, after + ms(80))) : undefined;
    // A P wave must stand out from the baseline it sits on, not merely be the largest bump in the window.
    const rise =
      dev[pPeak] - Math.max(onset !== undefined ? dev[onset] : 0, offset !== undefined ? dev[offset] : 0);
    const minAmp = options.minPAmplitude ?? 20;
    const pDur = onset !== undefined && offset !== undefined ? offset - onset : 0;
    if (rise >= minAmp && pDur >= ms(40) && pDur <= ms(180)) {
      result.pOnset = onset;
      result.pPeak = pPeak;
      result.pOffset = offset;
    }
  }
  return result;
}
