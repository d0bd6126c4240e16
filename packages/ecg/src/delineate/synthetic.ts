/**
 * Synthetic 12-lead ECGs with exactly known wave boundaries, for tests and benchmarks. Every wave is a raised
 * cosine (Hann) bump, zero outside its support, so onsets and offsets are exact. Limb-lead amplitudes come from
 * projecting a frontal-plane vector on each lead's axis (Einthoven/Goldberger), so the frontal axis is known too.
 */
import type { EcgRecord } from '../record';

export interface SyntheticBeatShape {
  /** P wave: onset relative to QRS onset (ms, negative), duration (ms), amplitude along the P axis (µV). */
  pOnsetMs?: number;
  pDurationMs?: number;
  pAmplitude?: number;
  pAxis?: number;
  qrsDurationMs?: number;
  /** QRS vector amplitude (µV) and frontal axis (degrees). */
  qrsAmplitude?: number;
  qrsAxis?: number;
  /** QT (ms, QRS onset → T end), T amplitude (µV) and frontal axis. */
  qtMs?: number;
  tAmplitude?: number;
  tAxis?: number;
  /** Extra ST level (µV) per lead from the J point to the T end, e.g. { II: 250, III: 250, aVF: 250 }. */
  stShift?: Record<string, number>;
  /** Leads with a terminal R' (rSR'), e.g. V1 in RBBB. */
  rPrimeLeads?: string[];
}

export interface SyntheticOptions extends SyntheticBeatShape {
  sampleRate?: number;
  durationSec?: number;
  /** RR intervals (ms) used in turn; default one interval of 1000 ms. */
  rrMs?: number[];
  /** Gaussian noise SD (µV), deterministic pseudo-random. */
  noiseUv?: number;
  /**
   * AV dissociation: P waves drawn on their own, every `atrialCycleMs` from `atrialStartMs` (default 150 ms),
   * instead of before each QRS (complete AV block when the QRS rhythm is slower).
   */
  atrialCycleMs?: number;
  atrialStartMs?: number;
  /** Beat indices drawn as premature wide ventricular beats (no P, QRS 140 ms, opposite T). */
  ventricularBeats?: number[];
  /** Explicit QRS onset times (ms, ascending) instead of stepping through `rrMs` from 400 ms. */
  qrsTimesMs?: number[];
  /** Explicit P-wave onset times (ms), drawn on their own instead of one P before each QRS (AV block tests). */
  pTimesMs?: number[];
}

const LIMB_AXES: Record<string, number> = { I: 0, II: 60, III: 120, aVR: -150, aVL: -30, aVF: 90 };
/** Chest leads: relative QRS (R, S) and T gains that give a plausible R-wave progression. */
const CHEST: Record<string, { r: number; s: number; t: number }> = {
  V1: { r: 0.2, s: 1.0, t: 0.2 },
  V2: { r: 0.4, s: 1.4, t: 0.8 },
  V3: { r: 0.8, s: 0.9, t: 0.9 },
  V4: { r: 1.3, s: 0.5, t: 0.9 },
  V5: { r: 1.3, s: 0.2, t: 0.7 },
  V6: { r: 1.0, s: 0.1, t: 0.5 },
};

function hann(t: number, onset: number, duration: number): number {
  if (t < onset || t > onset + duration) return 0;
  return 0.5 * (1 - Math.cos((2 * Math.PI * (t - onset)) / duration));
}

/** Leads I–V6 of a synthetic record; beats' QRS onsets are returned in `meta.qrsOnsets` (samples). */
export function synthesizeEcg(options: SyntheticOptions = {}): EcgRecord {
  const fs = options.sampleRate ?? 500;
  const n = Math.round((options.durationSec ?? 10) * fs);
  const rr = options.rrMs ?? [1000];
  const pOn = options.pOnsetMs ?? -160;
  const pDur = options.pDurationMs ?? 100;
  const pAmp = options.pAmplitude ?? 150;
  const qrsDur = options.qrsDurationMs ?? 90;
  const qrsAmp = options.qrsAmplitude ?? 1200;
  const qt = options.qtMs ?? 400;
  const tAmp = options.tAmplitude ?? 300;
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const names = [...Object.keys(LIMB_AXES), ...Object.keys(CHEST)];
  const leads = names.map((name) => ({ name, samples: new Float32Array(n) }));
  const onsets: number[] = [];
  const ventricular = new Set(options.ventricularBeats ?? []);
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  let tMs = options.qrsTimesMs ? options.qrsTimesMs[0] : 400;
  for (let b = 0; tMs + qt + 50 < (n * 1000) / fs; b++) {
    const v = ventricular.has(b);
    const start = v ? tMs - 0.3 * rr[b % rr.length] : tMs;
    onsets.push(Math.round((start * fs) / 1000));
    const dur = v ? 140 : qrsDur;
    const tStart = start + dur + (v ? 40 : 60);
    const tDur = start + (v ? qt + 40 : qt) - tStart;
    leads.forEach((lead, li) => {
      const name = names[li];
      const limb = LIMB_AXES[name];
      const proj = (axis: number) => (limb !== undefined ? Math.cos(rad(limb - axis)) : 1);
      const chest = CHEST[name];
      const qrsGain = proj(options.qrsAxis ?? 60);
      const st = options.stShift?.[name] ?? 0;
      const rPrime = options.rPrimeLeads?.includes(name);
      const x = lead.samples;
      const from = Math.max(0, Math.floor(((start + pOn - 10) * fs) / 1000));
      const to = Math.min(n - 1, Math.ceil(((start + qt + 60) * fs) / 1000));
      for (let i = from; i <= to; i++) {
        const t = (i * 1000) / fs;
        let y = 0;
        if (!v && !options.atrialCycleMs && !options.pTimesMs)
          y += pAmp * proj(options.pAxis ?? 50) * (chest ? 0.5 : 1) * hann(t, start + pOn, pDur);
        if (v) {
          y += qrsAmp * (chest ? -chest.r : -qrsGain) * hann(t, start, dur);
        } else if (chest) {
          const third = dur / 3;
          y +=
            qrsAmp * chest.r * hann(t, start, 1.5 * third) -
            qrsAmp * chest.s * hann(t, start + 1.5 * third, 1.5 * third);
          if (rPrime) y += qrsAmp * 0.6 * hann(t, start + dur, 40);
        } else {
          y += qrsAmp * qrsGain * hann(t, start, dur);
          if (rPrime) y += qrsAmp * 0.6 * hann(t, start + dur, 40);
        }
        const tGain = chest ? chest.t : proj(options.tAxis ?? 50);
        y += (v ? -1 : 1) * tAmp * tGain * hann(t, tStart, tDur);
        // ST shift: a plateau from the J point that fades out over the T wave.
        const j = start + dur + (rPrime ? 40 : 0);
        if (st !== 0 && t >= j && t <= start + qt) y += st * (t < tStart ? 1 : 1 - (t - tStart) / tDur);
        x[i] += y;
      }
    });
    if (options.qrsTimesMs) {
      if (b + 1 >= options.qrsTimesMs.length) break;
      tMs = options.qrsTimesMs[b + 1];
    } else tMs += rr[b % rr.length];
  }
  if (options.pTimesMs) {
    leads.forEach((lead, li) => {
      const limb = LIMB_AXES[names[li]];
      const gain = (limb !== undefined ? Math.cos(rad(limb - (options.pAxis ?? 50))) : 0.5) * pAmp;
      for (const p of options.pTimesMs ?? []) {
        const from = Math.max(0, Math.floor((p * fs) / 1000));
        const to = Math.min(n - 1, Math.ceil(((p + pDur) * fs) / 1000));
        for (let i = from; i <= to; i++) lead.samples[i] += gain * hann((i * 1000) / fs, p, pDur);
      }
    });
  }
  if (options.atrialCycleMs) {
    const cycle = options.atrialCycleMs;
    leads.forEach((lead, li) => {
      const limb = LIMB_AXES[names[li]];
      const gain = (limb !== undefined ? Math.cos(rad(limb - (options.pAxis ?? 50))) : 0.5) * pAmp;
      for (let p = options.atrialStartMs ?? 150; p + pDur < (n * 1000) / fs; p += cycle) {
        const from = Math.floor((p * fs) / 1000);
        const to = Math.min(n - 1, Math.ceil(((p + pDur) * fs) / 1000));
        for (let i = from; i <= to; i++) lead.samples[i] += gain * hann((i * 1000) / fs, p, pDur);
      }
    });
  }
  if (options.noiseUv) {
    for (const lead of leads) {
      for (let i = 0; i < n; i++) {
        // Box–Muller
        const u = Math.max(1e-12, rand());
        lead.samples[i] += options.noiseUv * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
      }
    }
  }
  return { sampleRate: fs, leads, meta: { qrsOnsets: onsets } };
}
