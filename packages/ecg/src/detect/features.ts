/**
 * The multi-lead QRS feature signal. Each usable lead is band-passed to the QRS band (5–18 Hz), differentiated,
 * squared and integrated over a 100 ms moving window (the energy envelope of Pan & Tompkins, IEEE TBME 1985).
 * Leads are normalised by their own typical QRS energy, block by block (4 s), and the square roots (so amplitude,
 * not energy, ratios count) are summed with a per-block weight that falls when a block of that lead looks like
 * noise: its energy is not concentrated in a few short peaks, less so than in the best lead, or far above the
 * lead's usual level. A lead that is clean thus carries the decision where another is noisy.
 */
import { applyCascade, type Biquad, highPassBiquad, lowPassBiquad } from '../dsp/filters';

export const QRS_BAND_LOW_HZ = 5;
export const QRS_BAND_HIGH_HZ = 18;
/** Moving-window integration width: about one QRS duration. */
export const INTEGRATION_SEC = 0.1;
/** Normalisation block length. */
const BLOCK_SEC = 4;
/** How sharply a lead less peaky than the best lead of a block is discounted. */
const RELATIVE_POWER = 2;

export interface LeadFeature {
  /** Band-passed lead (causal), used for fiducial refinement. */
  band: Float32Array;
  /** Group delay of the band-pass in samples, near the QRS band centre. */
  delay: number;
}

export interface FeatureSignals {
  /** Combined envelope (weighted sum of the leads' root integrated slope energy), centred on the QRS. */
  envelope: Float32Array;
  /** Largest combined, normalised |slope| between two envelope sample indices, for the T-wave test. */
  maxSlope: (from: number, to: number) => number;
  leads: LeadFeature[];
}

/** High-pass 5 Hz (2nd order) and low-pass 18 Hz (4th order: a steep edge keeps muscle noise out). */
function bandSections(fs: number): Biquad[] {
  const high = Math.min(QRS_BAND_HIGH_HZ, 0.4 * fs);
  return [highPassBiquad(QRS_BAND_LOW_HZ, fs), lowPassBiquad(high, fs), lowPassBiquad(high, fs)];
}

/** Group delay (samples) of a cascade of biquads at frequency f, by numerical differentiation of the phase. */
export function groupDelay(sections: readonly Biquad[], f: number, fs: number): number {
  const phase = (freq: number) => {
    const w = (2 * Math.PI * freq) / fs;
    let total = 0;
    for (const s of sections) {
      const nr = s.b0 + s.b1 * Math.cos(w) + s.b2 * Math.cos(2 * w);
      const ni = -(s.b1 * Math.sin(w) + s.b2 * Math.sin(2 * w));
      const dr = 1 + s.a1 * Math.cos(w) + s.a2 * Math.cos(2 * w);
      const di = -(s.a1 * Math.sin(w) + s.a2 * Math.sin(2 * w));
      total += Math.atan2(ni, nr) - Math.atan2(di, dr);
    }
    return total;
  };
  const df = 0.05;
  let dphi = phase(f + df) - phase(f - df);
  while (dphi > Math.PI) dphi -= 2 * Math.PI;
  while (dphi < -Math.PI) dphi += 2 * Math.PI;
  return (-dphi / (2 * Math.PI * 2 * df)) * fs;
}

/** Above this many samples (all leads together) the envelopes are recomputed rather than kept between passes. */
const KEEP_LIMIT = 2 ** 26;

/**
 * Builds the combined feature from the given leads (all the same length). Non-finite samples are held at the
 * last finite value unless the caller says (`finite`) that there are none.
 */
export function qrsFeatures(leads: readonly Float32Array[], fs: number, finite = false): FeatureSignals {
  const n = leads.length > 0 ? leads[0].length : 0;
  const sections = bandSections(fs);
  const delay = Math.round(groupDelay(sections, 10, fs));
  const half = Math.max(1, Math.round((INTEGRATION_SEC * fs) / 2));
  const block = Math.max(1, Math.round(BLOCK_SEC * fs));
  const nBlocks = Math.max(1, Math.ceil(n / block));
  const keep = n * leads.length <= KEEP_LIMIT;
  let integrated: Float32Array = new Float32Array(n);
  const kept: Float32Array[] = [];
  const features: LeadFeature[] = [];
  const stats: BlockStats[] = [];
  // Pass 1: band-pass each lead and measure, block by block, its QRS energy level and how peaky it is.
  for (let l = 0; l < leads.length; l++) {
    const x = finite ? leads[l] : finiteCopy(leads[l]);
    const band = new Float32Array(n);
    // Non-finite outputs (overflow) become 0 as they are written.
    applyCascade(x, sections, band, true);
    integratedSlopeEnergy(band, fs, half, integrated);
    stats.push(blockStats(integrated, block, nBlocks));
    features.push({ band, delay });
    if (keep) {
      kept.push(integrated);
      if (l + 1 < leads.length) integrated = new Float32Array(n);
    }
  }
  const weights = leadWeights(stats, nBlocks);
  // Pass 2: sum the leads' normalised envelopes, square-rooted so that amplitude ratios rather than energy
  // ratios decide, with those weights.
  const gains = stats.map(() => new Float64Array(nBlocks));
  // With the envelopes kept, the first lead's array becomes the combined envelope (one large array less).
  const envelope = keep && kept.length > 0 ? kept[0] : new Float32Array(n);
  for (let l = 0; l < leads.length; l++) {
    if (keep) integrated = kept[l];
    else {
      integratedSlopeEnergy(features[l].band, fs, half, integrated);
    }
    const inPlace = integrated === envelope;
    const { scale } = stats[l];
    for (let b = 0; b < nBlocks; b++) {
      const from = b * block;
      const to = Math.min(n, from + block);
      const g = scale[b] > 0 ? weights[l][b] / scale[b] : 0;
      if (g === 0) {
        if (inPlace) envelope.fill(0, from, to);
        continue;
      }
      const gs = Math.sqrt(g);
      gains[l][b] = gs;
      if (inPlace) for (let i = from; i < to; i++) envelope[i] = Math.sqrt(integrated[i]) * gs;
      else for (let i = from; i < to; i++) envelope[i] += Math.sqrt(integrated[i]) * gs;
    }
  }
  // Shift the envelope back by the band-pass delay so that it is centred on the QRS.
  if (delay > 0 && delay < n) {
    envelope.copyWithin(0, delay);
    envelope.fill(0, n - delay);
  }
  /** Largest weighted sum over leads of |slope| in [from, to] (envelope time). */
  const maxSlope = (from: number, to: number): number => {
    let m = 0;
    const k = fs / 2;
    for (let i = Math.max(1, from + delay); i <= Math.min(n - 2, to + delay); i++) {
      const b = Math.floor(i / block);
      let v = 0;
      for (let l = 0; l < features.length; l++) {
        const band = features[l].band;
        v += Math.abs(band[i + 1] - band[i - 1]) * k * gains[l][b];
      }
      if (v > m) m = v;
    }
    return m;
  };
  return { envelope, maxSlope, leads: features };
}

/**
 * The lead itself when all samples are finite; otherwise a copy with each NaN/±Infinity replaced by the last
 * finite value (one bad sample would otherwise poison every later output of a recursive filter).
 */
export function finiteCopy(x: Float32Array): Float32Array {
  let i = 0;
  while (i < x.length && Number.isFinite(x[i])) i++;
  if (i === x.length) return x;
  const out = Float32Array.from(x);
  let last = 0;
  for (let k = 0; k < out.length; k++) {
    if (Number.isFinite(out[k])) last = out[k];
    else out[k] = last;
  }
  return out;
}

/**
 * Centred moving sum over ±half samples of the squared central difference of the band-passed lead (slope per
 * second, squared), in one pass: each squared slope is computed once, added when it enters the window and
 * subtracted when it leaves, kept meanwhile in a small ring buffer. Float64 accumulator; linear time.
 */
function integratedSlopeEnergy(band: Float32Array, fs: number, half: number, out: Float32Array): void {
  const n = band.length;
  const k = fs / 2;
  const width = 2 * half + 1;
  const ring = new Float64Array(width);
  let acc = 0;
  // Slot of energy index j is j mod width; indices below 0 count as 0 (the ring starts zeroed).
  for (let j = 0; j < Math.min(half, n); j++) {
    const v = squaredSlope(band, j, k);
    ring[j % width] = v;
    acc += v;
  }
  let slot = half % width;
  // Main stretch, indexed by the entering energy j (from half ≥ 1 to n − 2) so that the engine can drop bounds
  // checks; output index i = j − half.
  const last = n - 2;
  for (let j = half; j <= last; j++) {
    const d = (band[j + 1] - band[j - 1]) * k;
    const v = d * d;
    acc += v - ring[slot];
    ring[slot] = v;
    slot = slot + 1 === width ? 0 : slot + 1;
    out[j - half] = acc > 0 ? acc : 0;
  }
  for (let i = Math.max(0, last - half + 1); i < n; i++) {
    const v = squaredSlope(band, i + half, k);
    acc += v - ring[slot];
    ring[slot] = v;
    slot = slot + 1 === width ? 0 : slot + 1;
    out[i] = acc > 0 ? acc : 0;
  }
}

/** Squared central difference at j (times k), 0 outside [1, n − 2]. */
function squaredSlope(band: Float32Array, j: number, k: number): number {
  if (j < 1 || j > band.length - 2) return 0;
  const d = (band[j + 1] - band[j - 1]) * k;
  return d * d;
}

interface BlockStats {
  /** Robust QRS energy level: median over nearby blocks (±5) of the block maxima. */
  scale: Float64Array;
  maxima: Float64Array;
  /** Block maximum over block mean of the envelope: high for clean ECG, near 1–2 for noise. */
  peakiness: Float64Array;
}

function blockStats(env: Float32Array, block: number, nBlocks: number): BlockStats {
  const n = env.length;
  const maxima = new Float64Array(nBlocks);
  const peakiness = new Float64Array(nBlocks);
  for (let b = 0; b < nBlocks; b++) {
    const from = b * block;
    const to = Math.min(n, from + block);
    let m = 0;
    let sum = 0;
    for (let i = from; i < to; i++) {
      const v = env[i];
      sum += v;
      if (v > m) m = v;
    }
    maxima[b] = m;
    const mean = to > from ? sum / (to - from) : 0;
    peakiness[b] = mean > 0 ? m / mean : 0;
  }
  const scale = new Float64Array(nBlocks);
  const span = 5;
  const buf = new Float64Array(2 * span + 1);
  for (let b = 0; b < nBlocks; b++) {
    // Insertion sort of the (at most 11) block maxima around b.
    let count = 0;
    for (let j = Math.max(0, b - span); j <= Math.min(nBlocks - 1, b + span); j++) {
      const v = maxima[j];
      let q = count - 1;
      while (q >= 0 && buf[q] > v) {
        buf[q + 1] = buf[q];
        q--;
      }
      buf[q + 1] = v;
      count++;
    }
    scale[b] = buf[count >> 1];
  }
  return { scale, maxima, peakiness };
}

/**
 * Weight of each lead in each block. A lead counts fully when its energy is concentrated in short peaks (clean
 * ECG) and at least as peaky as the best lead of that block; a lead much less peaky than the best one (noise on
 * that electrode) or whose block maximum is far above its usual level (an artefact burst) counts little.
 */
function leadWeights(stats: readonly BlockStats[], nBlocks: number): Float64Array[] {
  const weights = stats.map(() => new Float64Array(nBlocks));
  for (let b = 0; b < nBlocks; b++) {
    let best = 0;
    for (const s of stats) best = Math.max(best, s.peakiness[b]);
    stats.forEach((s, l) => {
      const q = s.peakiness[b];
      const concentration = Math.min(1, Math.max(0.05, (q - 1.5) / 3));
      const relative = best > 0 ? (q / best) ** RELATIVE_POWER : 0;
      const burst = s.maxima[b] > 0 && s.scale[b] > 0 ? Math.min(1, (2 * s.scale[b]) / s.maxima[b]) : 1;
      weights[l][b] = concentration * concentration * relative * burst;
    });
  }
  return weights;
}
