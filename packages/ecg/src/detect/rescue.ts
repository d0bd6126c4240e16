/**
 * Last look for beats the thresholds missed: in an RR interval much longer than its neighbours' (a missed
 * premature or low-amplitude beat leaves one), the highest envelope peak that is clear of the T wave of the
 * beat before is added when its waveform closely repeats a nearby beat's. Shape evidence, not height, decides,
 * so noise in a pause is not picked up.
 */
import { neighbourSimilarity } from './verify';

const NEIGHBOURS = 8;
/** An interval this many times the local median RR is examined. */
const LONG_GAP = 1.4;
const MIN_CORRELATION = 0.85;
/** Lowest envelope height considered, as a fraction of the neighbouring beats' median. */
const MIN_HEIGHT = 0.2;
const T_WAVE_SEC = 0.36;

/** Returns the beats with any rescued ones inserted, ascending. */
export function rescueMissedBeats(
  positions: Int32Array,
  candidates: readonly { t: number; h: number }[],
  envelope: Float32Array,
  place: (t: number) => number,
  leads: readonly Float32Array[],
  fs: number,
): Int32Array {
  const m = positions.length;
  if (m < 4 || candidates.length === 0) return positions;
  const heightAt = (t: number) => {
    let h = 0;
    const r = Math.round(0.1 * fs);
    for (let i = Math.max(0, t - r); i <= Math.min(envelope.length - 1, t + r); i++)
      if (envelope[i] > h) h = envelope[i];
    return h;
  };
  // Heights are needed only around the few long gaps: measured on first use (−1 = not yet).
  const heights = new Float64Array(m).fill(-1);
  const heightOf = (j: number) => {
    if (heights[j] < 0) heights[j] = heightAt(positions[j]);
    return heights[j];
  };
  const half = Math.max(2, Math.round(0.08 * fs));
  const maxLag = Math.max(1, Math.round(0.012 * fs));
  const refractory = Math.round(0.2 * fs);
  const added: number[] = [];
  const rr = new Float64Array(2 * NEIGHBOURS);
  const hs = new Float64Array(2 * NEIGHBOURS + 1);
  let c = 0;
  for (let k = 0; k + 1 < m; k++) {
    const gap = positions[k + 1] - positions[k];
    let n = 0;
    let shortest = Number.POSITIVE_INFINITY;
    for (let j = Math.max(1, k - NEIGHBOURS + 1); j <= Math.min(m - 1, k + NEIGHBOURS); j++) {
      if (j === k + 1) continue;
      const d = positions[j] - positions[j - 1];
      rr[n++] = d;
      if (d < shortest) shortest = d;
    }
    // The median is at least the shortest interval: most gaps are ruled out without sorting.
    if (n < 4 || gap <= LONG_GAP * shortest) continue;
    const medRR = rr.subarray(0, n).sort()[n >> 1];
    if (gap <= LONG_GAP * medRR) continue;
    let nh = 0;
    for (let j = Math.max(0, k - NEIGHBOURS); j <= Math.min(m - 1, k + NEIGHBOURS); j++)
      hs[nh++] = heightOf(j);
    const medH = hs.subarray(0, nh).sort()[nh >> 1];
    const from = positions[k] + Math.max(Math.round(T_WAVE_SEC * fs), refractory);
    const to = positions[k + 1] - refractory;
    while (c < candidates.length && candidates[c].t < from) c++;
    let best = -1;
    for (let j = c; j < candidates.length && candidates[j].t <= to; j++) {
      if (candidates[j].h >= MIN_HEIGHT * medH && (best < 0 || candidates[j].h > candidates[best].h))
        best = j;
    }
    if (best < 0) continue;
    const t = place(candidates[best].t);
    if (t - positions[k] < refractory || positions[k + 1] - t < refractory) continue;
    const trial = Int32Array.from([
      ...positions.subarray(Math.max(0, k - NEIGHBOURS + 1), k + 1),
      t,
      ...positions.subarray(k + 1, Math.min(m, k + 1 + NEIGHBOURS)),
    ]);
    const i = Math.min(k, NEIGHBOURS - 1) + 1;
    if (
      neighbourSimilarity(
        trial,
        i,
        leads,
        leads.map(() => 1),
        half,
        maxLag,
        MIN_CORRELATION,
      ) >= MIN_CORRELATION
    )
      added.push(t);
  }
  if (added.length === 0) return positions;
  return Int32Array.from([...positions, ...added]).sort();
}
