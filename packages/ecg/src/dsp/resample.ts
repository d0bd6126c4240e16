/**
 * Sample-rate conversion between any two rates: an anti-alias low-pass (zero-phase, 4 Butterworth sections)
 * when the rate goes down, then cubic (Catmull–Rom) interpolation at the new sample instants. Linear time; good
 * for ECG, whose useful band (≤ 150 Hz) sits well below the Nyquist frequency of common rates.
 */
import { EcgError, type EcgRecord } from '../record';
import { filterSections, lowPassBiquad } from './filters';

const MAX_RATE = 100_000;

/** Number of samples a signal of `n` samples has after conversion from `fromHz` to `toHz`. */
export function resampledLength(n: number, fromHz: number, toHz: number): number {
  return n === 0 ? 0 : Math.max(1, Math.round((n * toHz) / fromHz));
}

export function resample(x: Float32Array, fromHz: number, toHz: number): Float32Array {
  if (!(x instanceof Float32Array)) throw new EcgError('resample: samples must be a Float32Array');
  for (const [name, v] of [
    ['fromHz', fromHz],
    ['toHz', toHz],
  ] as const) {
    if (!Number.isFinite(v) || v <= 0 || v > MAX_RATE)
      throw new EcgError(`resample: ${name} ${v} must be in (0, ${MAX_RATE}] Hz`);
  }
  const n = x.length;
  if (fromHz === toHz || n === 0) return Float32Array.from(x);
  let src = x;
  if (toHz < fromHz) {
    // Cut at 45 % of the new rate: most of the band kept, little left to fold back.
    const lp = lowPassBiquad(0.45 * toHz, fromHz);
    src = filterSections(x, [lp, lp]);
  }
  const m = resampledLength(n, fromHz, toHz);
  const out = new Float32Array(m);
  const step = fromHz / toHz;
  const last = n - 1;
  for (let k = 0; k < m; k++) {
    const t = k * step;
    const i = Math.floor(t);
    const f = t - i;
    const p0 = src[i > 0 ? i - 1 : 0];
    const p1 = src[Math.min(i, last)];
    const p2 = src[Math.min(i + 1, last)];
    const p3 = src[Math.min(i + 2, last)];
    // Catmull–Rom spline through p1 and p2.
    out[k] = p1 + 0.5 * f * (p2 - p0 + f * (2 * p0 - 5 * p1 + 4 * p2 - p3 + f * (3 * (p1 - p2) + p3 - p0)));
  }
  return out;
}

/** Converts every lead of a record to `toHz`; the record's other fields are kept. */
export function resampleRecord(record: EcgRecord, toHz: number): EcgRecord {
  return {
    ...record,
    sampleRate: toHz,
    leads: record.leads.map((l) => ({ ...l, samples: resample(l.samples, record.sampleRate, toHz) })),
  };
}
