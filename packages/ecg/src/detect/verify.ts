/**
 * Second look at weak detections. A weak peak (envelope below 0.8 of its neighbours' median) that splits an
 * ordinary RR interval into two short ones is kept only when its waveform (all used leads, baseline trend
 * removed, ±80 ms) closely repeats the waveform of a nearby beat: real QRS complexes recur (normal beats, each
 * ectopic focus), while artefact peaks are each shaped differently. Strong peaks are always kept, so a single
 * large PVC of unique shape is never dropped here, and premature beats followed by a pause do not split an
 * interval. The reference RR is taken between strong beats, so a run of false detections cannot shorten it.
 * Beats that only the search-back found (at half the threshold, e.g. inside a pause) must resemble a neighbour
 * at least loosely (correlation 0.6), which drops noise bumps picked out of long pauses.
 */

export interface VerifyOptions {
  /** A detection is weak below this fraction of the median height of its neighbours. Default 0.8. */
  weakFraction?: number;
  /** Correlation with a neighbour that keeps a weak, interval-splitting detection. Default 0.9. */
  minCorrelation?: number;
}

const NEIGHBOURS = 8;
/** Beats either side used for the reference RR interval. */
const RR_NEIGHBOURS = 16;
const SEARCH_BACK_CORRELATION = 0.6;

/**
 * Returns the beats that pass the check, in order. A weak beat is dropped when it sits between two beats whose
 * spacing without it would be an ordinary RR interval (it splits one interval into two short ones) and its
 * waveform does not closely repeat a neighbour's.
 */
export function verifyWeakBeats(
  positions: Int32Array,
  heights: Float64Array,
  leads: readonly Float32Array[],
  scales: readonly number[],
  fs: number,
  options: VerifyOptions = {},
  searchBack?: Uint8Array,
): Int32Array {
  const weakFraction = options.weakFraction ?? 0.8;
  const minCorr = options.minCorrelation ?? 0.9;
  const m = positions.length;
  if (m < 5) return positions;
  const half = Math.max(2, Math.round(0.08 * fs));
  const maxLag = Math.max(1, Math.round(0.012 * fs));
  const keep = new Uint8Array(m).fill(1);
  const hs = new Float64Array(2 * NEIGHBOURS);
  const rr = new Float64Array(2 * RR_NEIGHBOURS + 1);
  for (let i = 1; i < m - 1; i++) {
    const lo = Math.max(0, i - NEIGHBOURS);
    const hi = Math.min(m - 1, i + NEIGHBOURS);
    let k = 0;
    // Insertion sort of the neighbours' heights as they are gathered (16 values, once per beat).
    for (let j = lo; j <= hi; j++) {
      if (j === i) continue;
      const v = heights[j];
      let q = k - 1;
      while (q >= 0 && hs[q] > v) {
        hs[q + 1] = hs[q];
        q--;
      }
      hs[q + 1] = v;
      k++;
    }
    const medH = hs[k >> 1];
    // A beat found only by search-back (at half the threshold) must look like one of its neighbours.
    if (searchBack?.[i]) {
      if (
        neighbourSimilarity(positions, i, leads, scales, half, maxLag, SEARCH_BACK_CORRELATION) <
        SEARCH_BACK_CORRELATION
      ) {
        keep[i] = 0;
      }
      continue;
    }
    if (heights[i] >= weakFraction * medH) continue;
    const medRR = referenceInterval(positions, heights, i, medH, rr);
    // Previous kept beat: the beat before may itself have been dropped.
    let p = i - 1;
    while (p > 0 && !keep[p]) p--;
    const before = positions[i] - positions[p];
    const after = positions[i + 1] - positions[i];
    const splitsInterval = before + after < 1.3 * medRR && Math.min(before, after) < 0.7 * medRR;
    if (!splitsInterval) continue;
    if (neighbourSimilarity(positions, i, leads, scales, half, maxLag, minCorr) >= minCorr) continue;
    keep[i] = 0;
  }
  let count = 0;
  for (let i = 0; i < m; i++) count += keep[i];
  const out = new Int32Array(count);
  for (let i = 0, o = 0; i < m; i++) if (keep[i]) out[o++] = positions[i];
  return out;
}

/**
 * The usual RR interval around beat i: the median of intervals whose both ends are strong beats (at least 0.9 of
 * the median height), so that small false detections in noise cannot shorten it; when there are too few such
 * intervals (e.g. bigeminy with small sinus beats), the median of all intervals.
 */
function referenceInterval(
  positions: Int32Array,
  heights: Float64Array,
  i: number,
  medH: number,
  rr: Float64Array,
): number {
  const lo = Math.max(1, i - RR_NEIGHBOURS);
  const hi = Math.min(positions.length - 1, i + RR_NEIGHBOURS);
  const strong = 0.9 * medH;
  let k = 0;
  for (let j = lo; j <= hi; j++) {
    if (j === i || j - 1 === i || heights[j] < strong || heights[j - 1] < strong) continue;
    rr[k++] = positions[j] - positions[j - 1];
  }
  if (k < 4) {
    k = 0;
    for (let j = lo; j <= hi; j++) rr[k++] = positions[j] - positions[j - 1];
  }
  return rr.subarray(0, k).sort()[k >> 1];
}

/** Best correlation of beat i's waveform with any of its neighbours' (stops early once `enough` is reached). */
export function neighbourSimilarity(
  positions: Int32Array,
  i: number,
  leads: readonly Float32Array[],
  scales: readonly number[],
  half: number,
  maxLag: number,
  enough = 1,
  vecA = new Float64Array((2 * half + 1) * leads.length),
  vecB = new Float64Array((2 * half + 1) * leads.length),
): number {
  const m = positions.length;
  if (!extract(leads, scales, positions[i], half, vecA)) return 1;
  let best = -1;
  for (let j = Math.max(0, i - NEIGHBOURS); j <= Math.min(m - 1, i + NEIGHBOURS) && best < enough; j++) {
    if (j === i) continue;
    for (let lag = -maxLag; lag <= maxLag; lag++) {
      if (!extract(leads, scales, positions[j] + lag, half, vecB)) continue;
      const c = correlation(vecA, vecB);
      if (c > best) best = c;
    }
  }
  return best;
}

/**
 * Concatenated window of every lead around t, each with its straight-line trend removed (baseline) and scaled by
 * the lead's typical QRS amplitude; false when the window leaves the signal.
 */
function extract(
  leads: readonly Float32Array[],
  scales: readonly number[],
  t: number,
  half: number,
  out: Float64Array,
): boolean {
  const width = 2 * half + 1;
  const mid = half;
  let sxx = 0;
  for (let k = 0; k < width; k++) sxx += (k - mid) * (k - mid);
  for (let l = 0; l < leads.length; l++) {
    const x = leads[l];
    const start = t - half;
    if (start < 0 || start + width > x.length) return false;
    let sy = 0;
    let sxy = 0;
    for (let k = 0; k < width; k++) {
      sy += x[start + k];
      sxy += (k - mid) * x[start + k];
    }
    const mean = sy / width;
    const slope = sxy / sxx;
    const s = scales[l] > 0 ? 1 / scales[l] : 0;
    for (let k = 0; k < width; k++) out[l * width + k] = (x[start + k] - mean - slope * (k - mid)) * s;
  }
  return true;
}

function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    sa += a[i];
    sb += b[i];
  }
  const ma = sa / n;
  const mb = sb / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma;
    const y = b[i] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}
