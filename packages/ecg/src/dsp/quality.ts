/**
 * Per-lead signal quality, so that bad leads do not drive detection or interpretation. Each lead is cut into
 * 2-second windows; each window is judged flat, saturated, dominated by mains hum (≥ 80 % of its power: a
 * floating electrode), noisy or clean, and the lead takes the verdict that covers most of its time. The
 * per-window verdicts are returned too, e.g. to leave noisy stretches of a Holter out. Linear time.
 */
import { EcgError, type EcgRecord, type LeadQuality } from '../record';
import { applyBiquad, highPassBiquad } from './filters';
import { medianInPlace } from './select';

export interface LeadQualityReport {
  name: string;
  quality: LeadQuality;
  /** Fractions of the 2-s windows judged flat, saturated, mains-dominated and noisy. */
  fractions: { flat: number; saturated: number; mains: number; noisy: number };
  /** Median over windows of the peak-to-RMS ratio after a 1 Hz high-pass (clean ECG ≈ 5–12, noise ≈ 3). */
  crestFactor: number;
  /**
   * Verdict of each judged window (see WINDOW_VERDICTS: 0 good, 1 flat, 2 saturated, 3 mains, 4 noisy), with the
   * first sample of each window; all windows unless maxWindows limited them.
   */
  windows: { starts: Int32Array; verdicts: Uint8Array; length: number };
}

/** Meaning of the codes in LeadQualityReport.windows.verdicts. */
export const WINDOW_VERDICTS = ['good', 'flat', 'saturated', 'mains', 'noisy'] as const;

export interface QualityOptions {
  /** A window whose peak-to-peak amplitude stays below this (µV) is flat. Default 40 µV. */
  flatMicrovolts?: number;
  /** Fraction of windows that must be bad before the lead is called bad. Default 0.5. */
  badFraction?: number;
  /** Judge at most this many evenly spaced windows per lead (bounds the time on long recordings). Default all. */
  maxWindows?: number;
}

const WINDOW_SEC = 2;
const NOISY_CREST = 3.0;

/** Quality of every lead of the record, in lead order. */
export function assessLeadQuality(record: EcgRecord, options: QualityOptions = {}): LeadQualityReport[] {
  const fs = record.sampleRate;
  if (!Number.isFinite(fs) || fs <= 0) throw new EcgError(`assessLeadQuality: sampleRate ${fs} is not valid`);
  return record.leads.map((lead) => assessSamples(lead.name, lead.samples, fs, options));
}

/** Quality verdicts by lead name, the shape EcgAnalysis.leadQuality stores. */
export function leadQualityMap(record: EcgRecord, options?: QualityOptions): Record<string, LeadQuality> {
  const out: Record<string, LeadQuality> = {};
  for (const r of assessLeadQuality(record, options)) out[r.name] = r.quality;
  return out;
}

function assessSamples(
  name: string,
  x: Float32Array,
  fs: number,
  options: QualityOptions,
): LeadQualityReport {
  const flatUv = options.flatMicrovolts ?? 40;
  const badFraction = options.badFraction ?? 0.5;
  const n = x.length;
  const empty = { flat: 0, saturated: 0, mains: 0, noisy: 0 };
  const noWindows = { starts: new Int32Array(0), verdicts: new Uint8Array(0), length: 0 };
  if (n === 0)
    return { name, quality: 'flat', fractions: { ...empty, flat: 1 }, crestFactor: 0, windows: noWindows };

  const win = Math.max(8, Math.round(WINDOW_SEC * fs));
  // Windows to judge: all of them, or for long recordings an evenly spaced subset (bounded work per lead).
  const total = Math.max(1, Math.floor(n / win) + (n % win >= win / 2 || n < win ? 1 : 0));
  const maxWindows = Math.max(1, options.maxWindows ?? Number.POSITIVE_INFINITY);
  const chosen = Math.min(total, maxWindows);
  const starts: number[] = [];
  for (let k = 0; k < chosen; k++) starts.push(Math.floor((k * total) / chosen) * win);

  let gmin = Infinity;
  let gmax = -Infinity;
  let nonFinite = 0;
  let seen = 0;
  for (const start of starts) {
    const end = Math.min(n, start + win);
    seen += end - start;
    for (let i = start; i < end; i++) {
      const v = x[i];
      if (!Number.isFinite(v)) {
        nonFinite++;
        continue;
      }
      if (v < gmin) gmin = v;
      if (v > gmax) gmax = v;
    }
  }
  if (nonFinite === seen)
    return {
      name,
      quality: 'lead-off',
      fractions: { ...empty, flat: 1 },
      crestFactor: 0,
      windows: {
        starts: Int32Array.from(starts),
        verdicts: new Uint8Array(starts.length).fill(1),
        length: win,
      },
    };
  // A rail counts as clipping only when it lies far from the signal's usual level (a baseline that happens to be
  // the minimum, between narrow positive QRS, is not saturation).
  const level = sampledMedian(x);
  const span = gmax - gmin;
  const railMax = gmax - level > 0.3 * span ? gmax : Number.NaN;
  const railMin = level - gmin > 0.3 * span ? gmin : Number.NaN;

  // Each window is high-passed on its own (baseline wander must count neither as signal nor as noise).
  const highPass = fs > 4 ? highPassBiquad(1, fs) : undefined;
  const buffer = new Float32Array(win);
  const minRun = Math.max(3, Math.round(0.03 * fs));
  const mainsCoeffs = [50, 60].filter((f) => f < fs / 2 - 2).map((f) => 2 * Math.cos((2 * Math.PI * f) / fs));
  let windows = 0;
  const verdicts = new Uint8Array(starts.length);
  let flat = 0;
  let saturated = 0;
  let mains = 0;
  let noisy = 0;
  const crests: number[] = [];
  for (const start of starts) {
    const end = Math.min(n, start + win);
    const w = windows++;
    const hp = buffer.subarray(0, end - start);
    for (let i = start; i < end; i++) hp[i - start] = Number.isFinite(x[i]) ? x[i] : 0;
    if (highPass) applyBiquad(hp, highPass, hp);
    let lo = Infinity;
    let hi = -Infinity;
    let atRail = 0;
    let run = 0;
    let longestRailRun = 0;
    let prev = Number.NaN;
    let sum = 0;
    let sumSq = 0;
    let peak = 0;
    for (let i = start; i < end; i++) {
      const v = x[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (v === railMin || v === railMax) {
        atRail++;
        run = v === prev ? run + 1 : 1;
        if (run > longestRailRun) longestRailRun = run;
      } else run = 0;
      prev = v;
      const h = hp[i - start];
      sum += h;
      sumSq += h * h;
      const a = Math.abs(h);
      if (a > peak) peak = a;
    }
    const len = end - start;
    const variance = Math.max(0, sumSq / len - (sum / len) ** 2);
    const rms = Math.sqrt(variance);
    const crest = rms > 0 ? peak / rms : 0;
    if (!(hi - lo >= flatUv)) {
      flat++;
      verdicts[w] = 1;
      continue;
    }
    if (gmax > gmin && atRail >= 0.1 * len && longestRailRun >= minRun) {
      saturated++;
      verdicts[w] = 2;
      continue;
    }
    // Only a window without clear peaks can be mains hum (a pure sine has a crest factor of √2).
    if (crest < NOISY_CREST) {
      let mainsPower = 0;
      for (const coeff of mainsCoeffs) mainsPower = Math.max(mainsPower, goertzel(hp, 0, end - start, coeff));
      if (variance > 0 && mainsPower > 0.8 * variance) {
        mains++;
        verdicts[w] = 3;
        continue;
      }
    }
    crests.push(crest);
    if (crest < NOISY_CREST) {
      noisy++;
      verdicts[w] = 4;
    }
  }
  const fractions = {
    flat: flat / windows,
    saturated: saturated / windows,
    mains: mains / windows,
    noisy: noisy / windows,
  };
  crests.sort((a, b) => a - b);
  const crestFactor = crests.length > 0 ? crests[crests.length >> 1] : 0;
  let quality: LeadQuality = 'good';
  if (fractions.flat + fractions.saturated + fractions.mains >= badFraction) {
    if (fractions.mains >= fractions.flat && fractions.mains >= fractions.saturated) quality = 'lead-off';
    else if (fractions.saturated >= fractions.flat) quality = 'saturated';
    else quality = 'flat';
  } else if (fractions.noisy >= badFraction) quality = 'noisy';
  return {
    name,
    quality,
    fractions,
    crestFactor,
    windows: { starts: Int32Array.from(starts), verdicts, length: win },
  };
}

/** Median of up to ~4000 evenly spaced finite samples (enough for a level estimate, in bounded time). */
function sampledMedian(x: Float32Array): number {
  // About a thousand evenly spread samples give the usual level well enough.
  const step = Math.max(1, Math.floor(x.length / 1000));
  const values = new Float32Array(Math.ceil(x.length / step));
  let count = 0;
  for (let i = 0; i < x.length; i += step) if (Number.isFinite(x[i])) values[count++] = x[i];
  return count === 0 ? 0 : medianInPlace(values, count);
}

/** Mean-square amplitude of one tone (Goertzel) over x[start, end). */
function goertzel(x: Float32Array, start: number, end: number, coeff: number): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = start; i < end; i++) {
    const s0 = x[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const len = end - start;
  return (2 * (s1 * s1 + s2 * s2 - coeff * s1 * s2)) / (len * len);
}

/** Leads fit to drive decisions: good or merely noisy (noisy leads are still used, with less weight). */
export function usableLeadIndices(reports: readonly LeadQualityReport[]): number[] {
  const good = reports.flatMap((r, i) => (r.quality === 'good' ? [i] : []));
  if (good.length > 0) return good;
  return reports.flatMap((r, i) => (r.quality === 'noisy' ? [i] : []));
}
