/**
 * Light, linear-time filtering used only to compare beat shapes. Beat classification needs a stable baseline and
 * a smooth QRS, not a diagnostic-bandwidth signal, so cascaded moving averages (running sums, O(n), no state that
 * can blow up) are enough and fast enough for 24 h Holter recordings.
 */

/** Centred moving average over `width` samples (odd width), edges use the available samples. */
export function movingAverage(x: Float32Array, width: number): Float32Array {
  const n = x.length;
  const out = new Float32Array(n);
  if (n === 0) return out;
  const half = Math.max(0, Math.floor(width / 2));
  let sum = 0;
  let lo = 0;
  let hi = -1;
  // Inner stretch where the full window fits: one sample enters and one leaves per step (the same additions
  // in the same order as the edge loop, so the result does not depend on where the stretch starts).
  const innerFrom = half + 1;
  const innerTo = n - 1 - half;
  let i = 0;
  for (; i < n && i < innerFrom; i++) {
    const wantHi = Math.min(n - 1, i + half);
    const wantLo = Math.max(0, i - half);
    while (hi < wantHi) sum += x[++hi];
    while (lo < wantLo) sum -= x[lo++];
    out[i] = sum / (hi - lo + 1);
  }
  if (i <= innerTo) {
    const count = 2 * half + 1;
    for (; i <= innerTo; i++) {
      sum += x[i + half];
      sum -= x[i - half - 1];
      out[i] = sum / count;
    }
    hi = innerTo + half;
    lo = innerTo - half;
  }
  for (; i < n; i++) {
    const wantHi = Math.min(n - 1, i + half);
    const wantLo = Math.max(0, i - half);
    while (hi < wantHi) sum += x[++hi];
    while (lo < wantLo) sum -= x[lo++];
    out[i] = sum / (hi - lo + 1);
  }
  return out;
}

/** Filtered leads kept while an analysis runs (see withFilterCache), by input array and sampling rate. */
let shared: WeakMap<Float32Array, Map<number, Float32Array>> | undefined;

/**
 * Runs `fn` with morphologyFilter results remembered per input array, so that the stages of one analysis that
 * filter the same lead (classification, flutter, atrial activity) filter it once. The input arrays must not be
 * changed while `fn` runs. Synchronous; nested calls share the outer cache.
 */
export function withFilterCache<T>(fn: () => T): T {
  if (shared) return fn();
  shared = new WeakMap();
  try {
    return fn();
  } finally {
    shared = undefined;
  }
}

/**
 * Baseline removal (two 0.6 s moving averages ≈ high-pass below 1 Hz) followed by a 20 ms moving average that nulls
 * 50 Hz mains and its harmonics and keeps the QRS shape. Returns a new array (the caller may change it).
 */
export function morphologyFilter(x: Float32Array, sampleRate: number): Float32Array {
  const known = shared?.get(x)?.get(sampleRate);
  if (known) return known.slice();
  const baseWidth = Math.round(0.6 * sampleRate) | 1;
  const baseline = movingAverage(movingAverage(x, baseWidth), baseWidth);
  const hp = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) hp[i] = x[i] - baseline[i];
  const lpWidth = Math.max(1, Math.round(sampleRate / 50));
  const out = lpWidth > 1 ? movingAverage(hp, lpWidth) : hp;
  if (shared) {
    let byRate = shared.get(x);
    if (!byRate) {
      byRate = new Map();
      shared.set(x, byRate);
    }
    byRate.set(sampleRate, out.slice());
  }
  return out;
}

/**
 * Multi-lead slope envelope: sum over leads of |x[i+1] − x[i−1]|, smoothed over ~40 ms. Its maximum marks the
 * centre of the QRS whatever the polarity or lead, so every beat can be aligned the same way.
 */
export function slopeEnvelope(leads: Float32Array[], sampleRate: number): Float32Array {
  const n = leads.length ? leads[0].length : 0;
  const raw = new Float32Array(n);
  for (const x of leads) {
    for (let i = 1; i < n - 1; i++) raw[i] += Math.abs(x[i + 1] - x[i - 1]);
  }
  return movingAverage(raw, Math.max(1, Math.round(0.04 * sampleRate)) | 1);
}
