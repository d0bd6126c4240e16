/**
 * Per-beat morphology features. Each beat is re-centred on the peak of the multi-lead slope envelope (detectors and
 * annotators put their fiducial at different points of the QRS) and described by a short multi-lead window, its
 * QRS width, its slope energy and how noisy the signal is around it.
 */
import { morphologyFilter, slopeEnvelope } from './preprocess';

/** Geometry of the morphology window, in samples, derived once per sampling rate. */
export interface BeatWindow {
  sampleRate: number;
  /** Samples before the centre in the template window. */
  before: number;
  /** Template length per lead, in samples. */
  length: number;
  /** Extra samples kept on each side so beats can be re-aligned to a template by a few samples. */
  lagMargin: number;
}

export function beatWindow(sampleRate: number): BeatWindow {
  return {
    sampleRate,
    before: Math.round(0.09 * sampleRate),
    length: Math.round(0.2 * sampleRate),
    lagMargin: Math.max(1, Math.round(0.012 * sampleRate)),
  };
}

export interface BeatFeatures {
  /** Absolute sample index of the re-centred QRS (peak of the slope envelope). */
  centre: number;
  /** Absolute sample index as given by the detector (kept so outputs line up with the input list). */
  given: number;
  /** leads × (length + 2·lagMargin) filtered samples, lead after lead. */
  shape: Float32Array;
  /**
   * Detrended pre-QRS segment (300…80 ms before the centre), lead after lead, where a P wave would be; undefined
   * when the previous beat is too close for one.
   */
  atrial?: Float32Array;
  /** QRS width from the slope envelope, ms (biased by the envelope smoothing, used only relatively). */
  widthMs: number;
  /** Peak of the slope envelope (µV per 2 samples, summed over leads). */
  slopePeak: number;
  /** Envelope activity between beats relative to the QRS peak: high means noise. */
  noiseRatio: number;
}

export interface FeatureInput {
  /** Raw samples per lead (µV), all the same length, covering the beats and some margin. */
  leads: Float32Array[];
  sampleRate: number;
  /** Beat positions relative to the start of `leads`. */
  positions: Int32Array;
  /** Added to every position to give absolute sample indices (streaming chunks). */
  offset?: number;
  /** `morphologyFilter` of each lead when the caller already has it (saves filtering twice). */
  filtered?: Float32Array[];
}

/** Extracts features for every beat; beats whose window falls outside the signal are padded with edge values. */
export function extractBeatFeatures(input: FeatureInput): BeatFeatures[] {
  const { leads, sampleRate: fs, positions } = input;
  const offset = input.offset ?? 0;
  const n = leads[0].length;
  const filtered = input.filtered ?? leads.map((x) => morphologyFilter(x, fs));
  const envelope = slopeEnvelope(filtered, fs);
  const win = beatWindow(fs);
  const span = win.length + 2 * win.lagMargin;
  const searchHalf = Math.round(0.06 * fs);
  const widthSearch = Math.round(0.15 * fs);
  const out: BeatFeatures[] = [];
  for (let b = 0; b < positions.length; b++) {
    const p = positions[b];
    // Re-centre on the envelope peak, but never past the neighbouring beats' midpoints.
    const prevMid = b > 0 ? Math.floor((positions[b - 1] + p) / 2) + 1 : 0;
    const nextMid = b + 1 < positions.length ? Math.floor((positions[b + 1] + p) / 2) - 1 : n - 1;
    let centre = Math.min(Math.max(p, 0), n - 1);
    let peak = envelope[centre] ?? 0;
    for (let i = Math.max(prevMid, p - searchHalf, 0); i <= Math.min(nextMid, p + searchHalf, n - 1); i++) {
      if (envelope[i] > peak) {
        peak = envelope[i];
        centre = i;
      }
    }
    const shape = new Float32Array(leads.length * span);
    const start = centre - win.before - win.lagMargin;
    for (let l = 0; l < leads.length; l++) {
      const f = filtered[l];
      for (let k = 0; k < span; k++) {
        const idx = Math.min(n - 1, Math.max(0, start + k));
        shape[l * span + k] = f[idx];
      }
    }
    // Width: where the envelope falls below a fraction of its height above the local floor.
    let floor = peak;
    const lo = Math.max(0, centre - widthSearch);
    const hi = Math.min(n - 1, centre + widthSearch);
    for (let i = lo; i <= hi; i++) if (envelope[i] < floor) floor = envelope[i];
    const level = floor + 0.3 * (peak - floor);
    let on = centre;
    while (on > lo && envelope[on] > level) on--;
    let off = centre;
    while (off < hi && envelope[off] > level) off++;
    const widthMs = ((off - on) * 1000) / fs;
    // Noise: median-free proxy = mean envelope in the electrically quiet part after the T wave.
    const qLo = Math.min(n - 1, centre + Math.round(0.45 * fs));
    const qHi = Math.min(n - 1, nextMid, centre + Math.round(0.6 * fs));
    let qSum = 0;
    let qCount = 0;
    for (let i = qLo; i <= qHi; i++) {
      qSum += envelope[i];
      qCount++;
    }
    const atrial = atrialSegment(filtered, centre, fs, b > 0 ? positions[b - 1] : undefined);
    out.push({
      atrial,
      centre: centre + offset,
      given: p + offset,
      shape,
      widthMs,
      slopePeak: peak,
      noiseRatio: peak > 0 && qCount > 0 ? qSum / qCount / peak : 0,
    });
  }
  return out;
}

/**
 * Pearson correlation between a beat (shape with lag margin) and a template (no margin), trying every lag within
 * the margin. Leads are concatenated, each with its own mean removed. Returns the best correlation and its lag.
 */
export function bestCorrelation(
  shape: Float32Array,
  template: Float32Array,
  leadCount: number,
  win: BeatWindow,
): { corr: number; lag: number } {
  const len = win.length;
  const span = len + 2 * win.lagMargin;
  let best = -2;
  let bestLag = 0;
  for (let lag = -win.lagMargin; lag <= win.lagMargin; lag++) {
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let l = 0; l < leadCount; l++) {
      const base = l * span + win.lagMargin + lag;
      const tb = l * len;
      let mx = 0;
      let my = 0;
      for (let k = 0; k < len; k++) {
        mx += shape[base + k];
        my += template[tb + k];
      }
      mx /= len;
      my /= len;
      for (let k = 0; k < len; k++) {
        const a = shape[base + k] - mx;
        const c = template[tb + k] - my;
        sxy += a * c;
        sxx += a * a;
        syy += c * c;
      }
    }
    const corr = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
    if (corr > best) {
      best = corr;
      bestLag = lag;
    }
  }
  return { corr: best, lag: bestLag };
}

/** Root-mean-square of the mean-removed template window of a shape at a lag (amplitude measure). */
export function shapeRms(shape: Float32Array, leadCount: number, win: BeatWindow, lag = 0): number {
  const len = win.length;
  const span = len + 2 * win.lagMargin;
  let ss = 0;
  for (let l = 0; l < leadCount; l++) {
    const base = l * span + win.lagMargin + lag;
    let m = 0;
    for (let k = 0; k < len; k++) m += shape[base + k];
    m /= len;
    for (let k = 0; k < len; k++) ss += (shape[base + k] - m) ** 2;
  }
  return Math.sqrt(ss / (len * leadCount));
}

/** Copies the template-length part of a shape at a lag (used to seed a new template). */
export function templateFromShape(
  shape: Float32Array,
  leadCount: number,
  win: BeatWindow,
  lag = 0,
): Float32Array {
  const len = win.length;
  const span = len + 2 * win.lagMargin;
  const t = new Float32Array(leadCount * len);
  for (let l = 0; l < leadCount; l++) {
    for (let k = 0; k < len; k++) t[l * len + k] = shape[l * span + win.lagMargin + lag + k];
  }
  return t;
}

/** Pre-QRS segment with the straight line through its end means removed (T-wave tail, baseline slope). */
function atrialSegment(
  filtered: Float32Array[],
  centre: number,
  fs: number,
  previous: number | undefined,
): Float32Array | undefined {
  const from = centre - Math.round(0.3 * fs);
  const len = Math.round(0.22 * fs);
  if (from < 0 || (previous !== undefined && previous > from - Math.round(0.1 * fs))) return undefined;
  const seg = new Float32Array(filtered.length * len);
  const edge = Math.max(1, Math.round(len / 10));
  for (let l = 0; l < filtered.length; l++) {
    const x = filtered[l];
    let a = 0;
    let b = 0;
    for (let k = 0; k < edge; k++) {
      a += x[from + k];
      b += x[from + len - 1 - k];
    }
    a /= edge;
    b /= edge;
    for (let k = 0; k < len; k++) seg[l * len + k] = x[from + k] - (a + ((b - a) * k) / (len - 1));
  }
  return seg;
}
