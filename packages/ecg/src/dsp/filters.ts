/**
 * Linear-time IIR filters for ECG preprocessing, built from second-order sections (biquads, coefficients from
 * R. Bristow-Johnson's "Audio EQ Cookbook"). Zero-phase variants run the filter forward then backward, which
 * squares the magnitude response and cancels the phase, so wave timing and ST levels are not shifted.
 * All functions take a Float32Array and return a new Float32Array; the input is never modified.
 */
import { EcgError } from '../record';

/** Normalised biquad: y = b0·x + b1·x₁ + b2·x₂ − a1·y₁ − a2·y₂. */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

const BUTTERWORTH_Q = Math.SQRT1_2;

function checkRate(fs: number, what: string): void {
  if (!Number.isFinite(fs) || fs <= 0)
    throw new EcgError(`${what}: sampling rate ${fs} must be a positive number`);
}

function checkCutoff(f: number, fs: number, what: string): void {
  checkRate(fs, what);
  if (!Number.isFinite(f) || f <= 0 || f >= fs / 2) {
    throw new EcgError(`${what}: frequency ${f} Hz must be between 0 and Nyquist (${fs / 2} Hz)`);
  }
}

function normalise(b0: number, b1: number, b2: number, a0: number, a1: number, a2: number): Biquad {
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 };
}

export function lowPassBiquad(cutoffHz: number, fs: number, q = BUTTERWORTH_Q): Biquad {
  checkCutoff(cutoffHz, fs, 'lowPassBiquad');
  const w = (2 * Math.PI * cutoffHz) / fs;
  const cos = Math.cos(w);
  const alpha = Math.sin(w) / (2 * q);
  return normalise((1 - cos) / 2, 1 - cos, (1 - cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
}

export function highPassBiquad(cutoffHz: number, fs: number, q = BUTTERWORTH_Q): Biquad {
  checkCutoff(cutoffHz, fs, 'highPassBiquad');
  const w = (2 * Math.PI * cutoffHz) / fs;
  const cos = Math.cos(w);
  const alpha = Math.sin(w) / (2 * q);
  return normalise((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
}

/** Notch at `freqHz`; `q` sets the width (bandwidth ≈ freq / q). */
export function notchBiquad(freqHz: number, fs: number, q = 30): Biquad {
  checkCutoff(freqHz, fs, 'notchBiquad');
  const w = (2 * Math.PI * freqHz) / fs;
  const cos = Math.cos(w);
  const alpha = Math.sin(w) / (2 * q);
  return normalise(1, -2 * cos, 1, 1 + alpha, -2 * cos, 1 - alpha);
}

/**
 * Runs one biquad over `x` into `out` (may be the same array), forward or backward. The state starts as if the
 * signal had been constant at its first value forever, which avoids the start-up transient of a cold filter.
 */
export function applyBiquad(
  x: Float32Array,
  s: Biquad,
  out: Float32Array = new Float32Array(x.length),
  reverse = false,
): Float32Array {
  const n = x.length;
  if (n === 0) return out;
  const { b0, b1, b2, a1, a2 } = s;
  const first = reverse ? x[n - 1] : x[0];
  const dcGain = (b0 + b1 + b2) / (1 + a1 + a2);
  // Transposed direct form II steady state for constant input `first`.
  const y0 = Number.isFinite(dcGain) ? dcGain * first : 0;
  let z2 = b2 * first - a2 * y0;
  let z1 = b1 * first - a1 * y0 + z2;
  if (!reverse) {
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      const y = b0 * xi + z1;
      z1 = b1 * xi - a1 * y + z2;
      z2 = b2 * xi - a2 * y;
      out[i] = y;
    }
  } else {
    for (let i = n - 1; i >= 0; i--) {
      const xi = x[i];
      const y = b0 * xi + z1;
      z1 = b1 * xi - a1 * y + z2;
      z2 = b2 * xi - a2 * y;
      out[i] = y;
    }
  }
  return out;
}

const IDENTITY: Biquad = { b0: 1, b1: 0, b2: 0, a1: 0, a2: 0 };

/**
 * Runs a cascade of biquads forward, three sections per pass over the data (long signals are memory-bound, so
 * this is about twice as fast as one pass per section). Each section starts in its steady state for the first
 * sample, as applyBiquad does.
 */
export function applyCascade(
  x: Float32Array,
  sections: readonly Biquad[],
  out: Float32Array = new Float32Array(x.length),
  zeroNonFinite = false,
): Float32Array {
  if (sections.length === 0) {
    out.set(x);
    if (zeroNonFinite) for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) out[i] = 0;
    return out;
  }
  let src = x;
  for (let k = 0; k < sections.length; k += 3) {
    const last = k + 3 >= sections.length;
    cascade3(
      src,
      sections[k],
      sections[k + 1] ?? IDENTITY,
      sections[k + 2] ?? IDENTITY,
      out,
      zeroNonFinite && last,
    );
    src = out;
  }
  return out;
}

/** Steady-state transposed-direct-form-II state [z1, z2] and output of a section fed a constant `level`. */
function steadyState(s: Biquad, level: number): [number, number, number] {
  const gain = (s.b0 + s.b1 + s.b2) / (1 + s.a1 + s.a2);
  const y = Number.isFinite(gain) ? gain * level : 0;
  const z2 = s.b2 * level - s.a2 * y;
  return [s.b1 * level - s.a1 * y + z2, z2, y];
}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Three sections in one pass. With `zeroNonFinite`, an output that is not finite as a 32-bit float is stored as 0
 * (the filter state itself runs on unchanged, as if the output had been cleaned in a later pass).
 */
function cascade3(
  x: Float32Array,
  p: Biquad,
  q: Biquad,
  r: Biquad,
  out: Float32Array,
  zeroNonFinite = false,
): void {
  const n = x.length;
  if (n === 0) return;
  let [p1, p2, level] = steadyState(p, x[0]);
  let q1: number;
  let q2: number;
  let r1: number;
  let r2: number;
  [q1, q2, level] = steadyState(q, level);
  [r1, r2] = steadyState(r, level);
  const { b0: pb0, b1: pb1, b2: pb2, a1: pa1, a2: pa2 } = p;
  const { b0: qb0, b1: qb1, b2: qb2, a1: qa1, a2: qa2 } = q;
  const { b0: rb0, b1: rb1, b2: rb2, a1: ra1, a2: ra2 } = r;
  let mag = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const u = pb0 * xi + p1;
    p1 = pb1 * xi - pa1 * u + p2;
    p2 = pb2 * xi - pa2 * u;
    const v = qb0 * u + q1;
    q1 = qb1 * u - qa1 * v + q2;
    q2 = qb2 * u - qa2 * v;
    const w = rb0 * v + r1;
    r1 = rb1 * v - ra1 * w + r2;
    r2 = rb2 * v - ra2 * w;
    out[i] = w;
    mag += Math.abs(w);
  }
  // Every output is finite as a 32-bit float when the sum of magnitudes is (NaN and overflow show in it), so the
  // cleaning pass runs only after an overflow.
  if (zeroNonFinite && !(mag <= FLOAT32_MAX))
    for (let i = 0; i < n; i++) if (!Number.isFinite(out[i])) out[i] = 0;
}

/** Applies the sections forward, then (when zeroPhase) backward. Returns a new array. */
export function filterSections(x: Float32Array, sections: readonly Biquad[], zeroPhase = true): Float32Array {
  if (!(x instanceof Float32Array)) throw new EcgError('filter: samples must be a Float32Array');
  const out = applyCascade(x, sections);
  if (zeroPhase) for (const s of sections) applyBiquad(out, s, out, true);
  return out;
}

/** Zero-phase Butterworth high-pass (2nd order each way). */
export function highPass(x: Float32Array, fs: number, cutoffHz: number): Float32Array {
  return filterSections(x, [highPassBiquad(cutoffHz, fs)]);
}

/** Zero-phase Butterworth low-pass (2nd order each way). */
export function lowPass(x: Float32Array, fs: number, cutoffHz: number): Float32Array {
  return filterSections(x, [lowPassBiquad(cutoffHz, fs)]);
}

/** Zero-phase band-pass made of a high-pass and a low-pass section. */
export function bandPass(x: Float32Array, fs: number, lowHz: number, highHz: number): Float32Array {
  if (!(lowHz < highHz))
    throw new EcgError(`bandPass: low edge ${lowHz} Hz must be below high edge ${highHz} Hz`);
  return filterSections(x, [highPassBiquad(lowHz, fs), lowPassBiquad(highHz, fs)]);
}

/**
 * Removes baseline wander with a zero-phase high-pass at `cutoffHz` (default 0.5 Hz, within the 0.67 Hz that
 * IEC 60601-2-25 allows for zero-phase filters without distorting the ST segment).
 */
export function removeBaselineWander(x: Float32Array, fs: number, cutoffHz = 0.5): Float32Array {
  if (cutoffHz >= fs / 2) throw new EcgError(`removeBaselineWander: cutoff ${cutoffHz} Hz is above Nyquist`);
  return highPass(x, fs, cutoffHz);
}

/**
 * Removes mains interference at `mainsHz` (50 Hz in China, 60 Hz elsewhere) and its harmonics below Nyquist,
 * with narrow zero-phase notches.
 */
export function removePowerline(x: Float32Array, fs: number, mainsHz = 50, q = 30): Float32Array {
  checkRate(fs, 'removePowerline');
  if (!(mainsHz > 0)) throw new EcgError(`removePowerline: mains frequency ${mainsHz} must be positive`);
  const sections: Biquad[] = [];
  for (let f = mainsHz; f < fs / 2 - 1; f += mainsHz) sections.push(notchBiquad(f, fs, q));
  if (sections.length === 0) return Float32Array.from(x);
  return filterSections(x, sections);
}

/** Power of `x` at `freqHz` by the Goertzel algorithm (mean-square amplitude of that component). */
export function tonePower(x: Float32Array, fs: number, freqHz: number): number {
  const n = x.length;
  if (n === 0 || freqHz >= fs / 2) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * freqHz) / fs);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = x[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * power) / (n * n);
}

/** Guesses the mains frequency (50 or 60 Hz) from the stronger tone; undefined when neither stands out. */
export function detectMainsFrequency(x: Float32Array, fs: number): 50 | 60 | undefined {
  if (fs <= 120) return undefined;
  const seg = x.subarray(0, Math.min(x.length, Math.round(fs * 20)));
  const p50 = tonePower(seg, fs, 50);
  const p60 = tonePower(seg, fs, 60);
  const ref = (tonePower(seg, fs, 45) + tonePower(seg, fs, 55) + tonePower(seg, fs, 65)) / 3;
  if (p50 > 10 * ref && p50 > p60) return 50;
  if (p60 > 10 * ref && p60 > p50) return 60;
  return undefined;
}
