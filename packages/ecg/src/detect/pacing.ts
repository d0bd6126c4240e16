/**
 * Pacemaker spikes found in the signal. A pacing pulse lasts 0.1–2 ms (IEC 60601-2-27 tests pace-pulse rejection
 * over that range); on the surface ECG it is a deflection far narrower than anything the heart makes: it rises and
 * falls back within about 2 ms, while even a sharp QRS needs 10 ms or more to turn round. At 500 Hz and above a
 * spike is one or two samples wide, so it can be told from a QRS by its *sharpness*: how far a sample stands out
 * from its neighbours ±2 ms away on both sides (a QRS peak barely differs from its neighbours at that distance).
 *
 * A candidate must stand out by more than a fixed minimum (default 200 µV) and by several times the lead's own
 * sharpness level (the 99th percentile over the record: QRS corners and noise), and, when two or more leads are
 * usable, appear at the same moment in at least two leads (a real pulse is seen on every lead that faces it; a
 * lone sharp sample is noise). Below 500 Hz (Holter recorders, MIT-BIH at 360 Hz) the anti-aliasing filter
 * smears pulses into QRS-like slopes, and nothing is reported.
 */
import { type EcgRecord, normaliseLeadName, validateRecord } from '../record';

export interface PacingSpikeOptions {
  /** Lowest sampling rate at which spikes are searched for (default 500 Hz). */
  minSampleRate?: number;
  /** Minimum sharpness (µV) of a spike (default 200). */
  minAmplitudeUv?: number;
  /** Sharpness relative to the lead's 99th percentile needed for a spike (default 4). */
  relativeThreshold?: number;
  /** Lead indices to search (default: all leads not flat, saturated or off). */
  leads?: number[];
}

export interface PacingSpikes {
  /** Sample index of each spike, ascending. */
  samples: Int32Array;
  /** Sharpness (µV) of each spike, the largest over the leads. */
  amplitudes: Float32Array;
  /** False when the sampling rate is too low for spikes to be searched for. */
  searched: boolean;
}

function bitCount(v: number): number {
  let c = 0;
  for (let m = v >>> 0; m; m &= m - 1) c++;
  return c;
}

/** 99th percentile of `values` (all ≥ 0, largest `max`), from a histogram: linear in the record length. */
function percentile99(values: Float32Array, max: number): number {
  const bins = 2048;
  const hist = new Uint32Array(bins);
  for (let i = 0; i < values.length; i++) hist[Math.min(bins - 1, Math.floor((values[i] / max) * bins))]++;
  let need = Math.ceil(0.01 * values.length);
  for (let b = bins - 1; b >= 0; b--) {
    need -= hist[b];
    if (need <= 0) return (b / bins) * max;
  }
  return 0;
}

export function detectPacingSpikes(record: EcgRecord, options: PacingSpikeOptions = {}): PacingSpikes {
  validateRecord(record);
  const fs = record.sampleRate;
  const none: PacingSpikes = { samples: new Int32Array(0), amplitudes: new Float32Array(0), searched: false };
  if (fs < (options.minSampleRate ?? 500)) return none;
  const minAmp = options.minAmplitudeUv ?? 200;
  const rel = options.relativeThreshold ?? 4;
  const h = Math.max(1, Math.round(0.002 * fs));
  // III, aVR, aVL and aVF are computed from I and II by the cart: they show nothing those two do not, so a
  // standard 12-lead record is searched in I, II and V1–V6 only.
  const derived = new Set(['III', 'aVR', 'aVL', 'aVF']);
  const hasLimbPair = ['I', 'II'].every((n) => record.leads.some((l) => normaliseLeadName(l.name) === n));
  const leads =
    options.leads ??
    record.leads.flatMap((l, i) =>
      l.quality === 'flat' ||
      l.quality === 'saturated' ||
      l.quality === 'lead-off' ||
      (hasLimbPair && derived.has(normaliseLeadName(l.name)))
        ? []
        : [i],
    );
  const n = record.leads[0]?.samples.length ?? 0;
  if (leads.length === 0 || n < 2 * h + 1) return { ...none, searched: true };
  // Per sample: which leads show a spike there (bit mask), and the largest sharpness.
  const votes = new Uint32Array(n);
  const amp = new Float32Array(n);
  const s = new Float32Array(n);
  for (const [bit, li] of leads.entries()) {
    const x = record.leads[li].samples;
    // One tight pass: sharpness of every sample, how many exceed the floor of the relative threshold, the maximum.
    const floor = minAmp / rel;
    let above = 0;
    let max = 0;
    for (let i = h; i < n - h; i++) {
      const a = x[i] - x[i - h];
      const b = x[i] - x[i + h];
      const v = a > 0 && b > 0 ? (a < b ? a : b) : a < 0 && b < 0 ? (a > b ? -a : -b) : 0;
      s[i] = v;
      if (v > floor) above++;
      if (v > max) max = v;
    }
    if (max < minAmp) continue;
    const threshold = Math.max(minAmp, above < 0.01 * n ? 0 : rel * percentile99(s, max));
    for (let i = h; i < n - h; i++) {
      if (s[i] < threshold) continue;
      // Count the lead once per spike: at its sharpest sample within ±h.
      let peak = true;
      for (let k = Math.max(h, i - h); k <= Math.min(n - h - 1, i + h) && peak; k++)
        if (s[k] > s[i] || (s[k] === s[i] && k < i)) peak = false;
      if (!peak) continue;
      votes[i] |= 1 << (bit % 32);
      if (s[i] > amp[i]) amp[i] = s[i];
    }
  }
  const needed = leads.length >= 2 ? 2 : 1;
  // Merge votes within ±h samples (leads may peak a sample apart) and keep one spike per 10 ms.
  const merge = Math.max(h, Math.round(0.01 * fs));
  const out: number[] = [];
  const amps: number[] = [];
  let i = 0;
  while (i < n) {
    if (votes[i] === 0) {
      i++;
      continue;
    }
    let mask = 0;
    let best = i;
    let j = i;
    for (; j < n && j <= i + merge; j++) {
      mask |= votes[j];
      if (amp[j] > amp[best]) best = j;
    }
    if (bitCount(mask) >= needed) {
      out.push(best);
      amps.push(amp[best]);
    }
    i = j;
  }
  return { samples: Int32Array.from(out), amplitudes: Float32Array.from(amps), searched: true };
}

/** How a record's pacing was recognised from the signal alone. */
export interface PacingEvidence {
  /** 'spikes': pulses resolved at ≥ 500 Hz; 'low-rate-spikes': smeared pulses found consistently below 500 Hz. */
  kind: 'spikes' | 'low-rate-spikes' | 'none';
  /** Spikes kept (each followed by a QRS within 300 ms). */
  spikes: Int32Array;
  /** Beats with a spike within 300 ms before them. */
  beatsAfterSpike: number;
}

/** Spikes at least this many, each followed by a beat, before any is believed (a pacemaker paces repeatedly). */
const MIN_SPIKES = 3;
/** Below 500 Hz: smeared pulses are searched with a lower floor, and must be many and nearly all followed by a beat. */
const LOW_RATE_MIN_UV = 100;
const LOW_RATE_MIN_FS = 300;
const LOW_RATE_MIN_SPIKES = 5;
const LOW_RATE_MIN_SHARE = 0.01;
const LOW_RATE_FOLLOWED = 0.8;

/**
 * Pacing recognised from the signal, for beats already detected. At ≥ 500 Hz the spikes are resolved and each one
 * marks its beat as paced. From 300 to 500 Hz the recorder's filter smears most pulses away, but in a paced record some
 * survive as sharp deflections a few ms before the QRS; when they are many (≥ 5 and ≥ 1 % of the beats) and
 * nearly all (≥ 80 %) lead a QRS, the record is taken as paced and the classifier's paced-morphology mode applies
 * (kind 'low-rate-spikes'). Sporadic sharp artefacts do not meet either rule. Below 300 Hz nothing is inferred.
 */
export function pacingEvidence(record: EcgRecord, beats: Int32Array): PacingEvidence {
  const fs = record.sampleRate;
  const low = fs < 500;
  const none: PacingEvidence = { kind: 'none', spikes: new Int32Array(0), beatsAfterSpike: 0 };
  // Below 300 Hz one sample (≥ 3.3 ms) is as long as the sharpest turn of a QRS: R peaks look like spikes there.
  if (fs < LOW_RATE_MIN_FS) return none;
  const found = detectPacingSpikes(record, low ? { minSampleRate: 0, minAmplitudeUv: LOW_RATE_MIN_UV } : {});
  const before = Math.round(0.3 * fs);
  const after = Math.round(0.03 * fs);
  const kept: number[] = [];
  let j = 0;
  for (const t of found.samples) {
    while (j < beats.length && beats[j] < t - after) j++;
    if (j < beats.length && beats[j] <= t + before) kept.push(t);
  }
  if (kept.length < MIN_SPIKES) return none;
  if (low) {
    const many = kept.length >= Math.max(LOW_RATE_MIN_SPIKES, LOW_RATE_MIN_SHARE * beats.length);
    if (!many || kept.length < LOW_RATE_FOLLOWED * found.samples.length) return none;
  }
  const spikes = Int32Array.from(kept);
  let paced = 0;
  let k = 0;
  for (const b of beats) {
    while (k < spikes.length && spikes[k] < b - before) k++;
    if (k < spikes.length && spikes[k] <= b + after) paced++;
  }
  return { kind: low ? 'low-rate-spikes' : 'spikes', spikes, beatsAfterSpike: paced };
}
