/**
 * Time-domain heart-rate variability on NN intervals only (Task Force of the ESC and NASPE, Circulation
 * 1996;93:1043–1065): an interval counts when both of its beats are normal (class N) and it lies in a physiological
 * range, so ectopic beats, their compensatory pauses and artefacts do not inflate the figures.
 */
import type { AamiClass } from '../types';
import { checkBeats, rrIntervalsMs } from './rr';

export interface HrvOptions {
  /** NN intervals outside this range (ms) are treated as artefacts (default 300–2000 ms). */
  minNnMs?: number;
  maxNnMs?: number;
  /** Segment length for SDANN, seconds (default 300 = 5 min). */
  segmentSec?: number;
}

export interface HrvResult {
  /** Number of NN intervals used. */
  nnCount: number;
  /** Mean NN interval, ms. */
  meanNn?: number;
  /** Standard deviation of all NN intervals, ms. */
  sdnn?: number;
  /** Standard deviation of the 5-minute mean NN intervals, ms (needs at least two segments). */
  sdann?: number;
  /** Root mean square of successive differences of adjacent NN intervals, ms. */
  rmssd?: number;
  /** Percentage of adjacent NN interval pairs differing by more than 50 ms. */
  pnn50?: number;
}

/**
 * Computes SDNN, SDANN, RMSSD and pNN50. `classes` may be omitted (every beat then counts as normal). Values that
 * need more data than given are left undefined rather than guessed.
 */
export function computeHrv(
  samples: Int32Array,
  classes: readonly AamiClass[] | undefined,
  sampleRate: number,
  options: HrvOptions = {},
): HrvResult {
  checkBeats(samples, classes, sampleRate);
  const minNn = options.minNnMs ?? 300;
  const maxNn = options.maxNnMs ?? 2000;
  const segmentSamples = (options.segmentSec ?? 300) * sampleRate;
  const rr = rrIntervalsMs(samples, sampleRate);
  const isNn = new Uint8Array(rr.length);
  for (let i = 0; i < rr.length; i++) {
    const normal = !classes || (classes[i] === 'N' && classes[i + 1] === 'N');
    isNn[i] = normal && rr[i] >= minNn && rr[i] <= maxNn ? 1 : 0;
  }
  let count = 0;
  let sum = 0;
  let sumSq = 0;
  let diffCount = 0;
  let diffSq = 0;
  let over50 = 0;
  const segSum = new Map<number, { sum: number; count: number }>();
  for (let i = 0; i < rr.length; i++) {
    if (!isNn[i]) continue;
    count++;
    sum += rr[i];
    sumSq += rr[i] * rr[i];
    const seg = Math.floor(samples[i + 1] / segmentSamples);
    const s = segSum.get(seg) ?? { sum: 0, count: 0 };
    s.sum += rr[i];
    s.count++;
    segSum.set(seg, s);
    // Successive difference only between two NN intervals sharing a beat.
    if (i > 0 && isNn[i - 1]) {
      const d = rr[i] - rr[i - 1];
      diffCount++;
      diffSq += d * d;
      if (Math.abs(d) > 50) over50++;
    }
  }
  const result: HrvResult = { nnCount: count };
  if (count >= 2) {
    result.meanNn = sum / count;
    result.sdnn = Math.sqrt(Math.max(0, (sumSq - (sum * sum) / count) / (count - 1)));
  }
  if (diffCount >= 1) {
    result.rmssd = Math.sqrt(diffSq / diffCount);
    result.pnn50 = (100 * over50) / diffCount;
  }
  // A segment mean needs enough beats to mean anything: at least a minute's worth at 40 bpm, pro rata.
  const minPerSegment = Math.max(2, Math.round(((options.segmentSec ?? 300) / 60) * 40 * 0.5));
  const means = [...segSum.values()].filter((s) => s.count >= minPerSegment).map((s) => s.sum / s.count);
  if (means.length >= 2) {
    const m = means.reduce((a, b) => a + b, 0) / means.length;
    result.sdann = Math.sqrt(means.reduce((a, b) => a + (b - m) ** 2, 0) / (means.length - 1));
  }
  return result;
}
