/**
 * Atrial fibrillation from RR irregularity. The method follows the well-cited observation behind RR-based AF
 * detectors (Tateno & Glass 2001; Dash et al., Ann Biomed Eng 2009;37:1701–1709; Petrėnas et al., Comput Biol
 * Med 2015;65:184–191): in AF successive RR intervals are uncorrelated, so their relative successive differences
 * stay large beat after beat, whereas sinus rhythm with isolated ectopy only has occasional large jumps.
 *
 * Steps: (1) RR intervals touching a ventricular or unclassifiable beat are dropped (ectopic filtering);
 * (2) each remaining interval gets an irregularity e = min(|RRk − RRk−1|, |RRk − RRk−2|) / mean RR — the second
 * difference makes bigeminal alternation (RRk ≈ RRk−2) look regular; (3) the median of e over a centred window
 * of beats is compared with a threshold, with hysteresis; (4) AF stretches shorter than the minimum episode are
 * dropped and gaps shorter than the merge gap closed. AF burden is AF time over analysed time.
 */
import { EcgError } from '../record';
import type { AamiClass } from '../types';
import { checkBeats, median, rrIntervalsMs } from './rr';

/** Window-median P-wave consistency below which atrial activity looks fibrillatory, and above which P waves are present. */
const P_ABSENT = 0.55;
const P_PRESENT = 0.75;
/** Share of near-equal RR pairs above which an irregular stretch is organised (not AF). */
const MAX_REPEATS = 0.22;

export interface AfOptions {
  /** Beats in the centred decision window (default 12). */
  windowBeats?: number;
  /** Median irregularity above which a window is AF (default 0.07); it must fall below 0.8× this to end. */
  threshold?: number;
  /** Shortest AF episode reported, seconds (default 30, the clinical definition of an AF episode). */
  minEpisodeSec?: number;
  /** Non-AF gaps shorter than this, seconds, are merged into the surrounding episode (default 10). */
  mergeGapSec?: number;
  /**
   * Per-beat P-wave consistency from `atrialActivity` (same length as the beats). When given, irregular stretches
   * with consistent P waves (sinus arrhythmia, frequent atrial ectopy, wandering pacemaker) are not called AF.
   */
  atrialActivity?: Float32Array;
}

export interface AfEpisode {
  /** Sample index of the first beat of the episode. */
  start: number;
  /** Sample index of the last beat of the episode. */
  end: number;
  /** Mean ventricular rate in the episode, bpm. */
  rateBpm: number;
}

export interface AfResult {
  episodes: AfEpisode[];
  /** AF time over the time spanned by the beats, 0–1. */
  burden: number;
  /** Per-beat irregularity score (median e of the window around it); NaN where not computable. */
  irregularity: Float32Array;
  /** Per-beat share of near-equal RR pairs in the window (organisation of an irregular rhythm). */
  repeats?: Float32Array;
}

/** Detects AF episodes from beat times (and classes, used to drop intervals around ventricular beats). */
export function detectAf(
  samples: Int32Array,
  sampleRate: number,
  classes?: readonly AamiClass[],
  options: AfOptions = {},
): AfResult {
  checkBeats(samples, classes, sampleRate);
  const w = options.windowBeats ?? 12;
  const threshold = options.threshold ?? 0.07;
  if (!Number.isInteger(w) || w < 4) throw new EcgError(`options.windowBeats ${w} must be an integer ≥ 4`);
  if (!(threshold > 0)) throw new EcgError(`options.threshold ${threshold} must be positive`);
  const n = samples.length;
  if (options.atrialActivity && options.atrialActivity.length !== n) {
    throw new EcgError(`options.atrialActivity: ${options.atrialActivity.length} values for ${n} beats`);
  }
  const irregularity = new Float32Array(n).fill(Number.NaN);
  if (n < 4) return { episodes: [], burden: 0, irregularity };
  const rr = rrIntervalsMs(samples, sampleRate);
  // e[k] belongs to the interval ending at beat k + 1; NaN when the interval or its predecessors are not usable.
  const valid = new Uint8Array(rr.length);
  for (let k = 0; k < rr.length; k++) {
    const a = classes?.[k];
    const b = classes?.[k + 1];
    const ectopic = a === 'V' || a === 'Q' || b === 'V' || b === 'Q';
    valid[k] = !ectopic && rr[k] >= 200 && rr[k] <= 3000 ? 1 : 0;
  }
  const e = new Float64Array(rr.length).fill(Number.NaN);
  for (let k = 2; k < rr.length; k++) {
    if (!valid[k] || !valid[k - 1]) continue;
    const d1 = Math.abs(rr[k] - rr[k - 1]) / ((rr[k] + rr[k - 1]) / 2);
    const d2 = valid[k - 2] ? Math.abs(rr[k] - rr[k - 2]) / ((rr[k] + rr[k - 2]) / 2) : d1;
    e[k] = Math.min(d1, d2);
  }
  const half = w >> 1;
  const buf: number[] = [];
  const pWave = new Float32Array(n).fill(Number.NaN);
  // Share of RR pairs in the window within 5 % of each other. AF spreads RR intervals over a continuum (few
  // pairs agree); irregular but organised rhythms (bigeminy, dropped beats in AV block, sinus pauses) repeat a
  // few RR values (many pairs agree). This is the idea behind the RR-histogram entropy of Dash et al. 2009.
  const repeats = new Float32Array(n).fill(Number.NaN);
  const rrWin: number[] = [];
  const pa = options.atrialActivity;
  for (let i = 0; i < n; i++) {
    buf.length = 0;
    for (let k = Math.max(0, i - half); k <= Math.min(rr.length - 1, i + half - 1); k++) {
      if (!Number.isNaN(e[k])) buf.push(e[k]);
    }
    if (buf.length >= Math.max(3, w >> 1)) irregularity[i] = median(buf);
    rrWin.length = 0;
    for (let k = Math.max(0, i - half); k <= Math.min(rr.length - 1, i + half - 1); k++)
      if (valid[k]) rrWin.push(rr[k]);
    if (rrWin.length >= 4) {
      let close = 0;
      let pairs = 0;
      for (let a = 0; a < rrWin.length; a++) {
        for (let b = a + 1; b < rrWin.length; b++) {
          pairs++;
          if (Math.abs(rrWin[a] - rrWin[b]) < 0.05 * (rrWin[a] + rrWin[b]) * 0.5) close++;
        }
      }
      repeats[i] = close / pairs;
    }
    if (pa) {
      buf.length = 0;
      for (let k = Math.max(0, i - half); k <= Math.min(n - 1, i + half); k++)
        if (!Number.isNaN(pa[k])) buf.push(pa[k]);
      if (buf.length >= 3) pWave[i] = median(buf);
    }
  }
  // Hysteresis on the per-beat scores; beats without a score keep the current state. P waves that repeat beat
  // after beat veto AF unless the irregularity is very strong (P-wave measurement fails in noise).
  const af = new Uint8Array(n);
  let state = 0;
  for (let i = 0; i < n; i++) {
    const s = irregularity[i];
    const p = pWave[i];
    if (!Number.isNaN(s)) {
      const pOk = Number.isNaN(p) || p < P_ABSENT || (s > 1.6 * threshold && p < P_PRESENT);
      const unorganised = !(repeats[i] > MAX_REPEATS);
      if (!state && s > threshold && pOk && unorganised) state = 1;
      else if (state && (s < 0.8 * threshold || (!Number.isNaN(p) && p > P_PRESENT))) state = 0;
    }
    af[i] = state;
  }
  const episodes = toEpisodes(af, samples, sampleRate, options);
  let afSamples = 0;
  for (const ep of episodes) afSamples += ep.end - ep.start;
  const span = samples[n - 1] - samples[0];
  return { episodes, burden: span > 0 ? afSamples / span : 0, irregularity, repeats };
}

function toEpisodes(af: Uint8Array, samples: Int32Array, fs: number, options: AfOptions): AfEpisode[] {
  const minLen = (options.minEpisodeSec ?? 30) * fs;
  const mergeGap = (options.mergeGapSec ?? 10) * fs;
  const raw: { from: number; to: number }[] = [];
  for (let i = 0; i < af.length; i++) {
    if (!af[i]) continue;
    let j = i;
    while (j + 1 < af.length && af[j + 1]) j++;
    const last = raw[raw.length - 1];
    if (last && samples[i] - samples[last.to] < mergeGap) last.to = j;
    else raw.push({ from: i, to: j });
    i = j;
  }
  return raw
    .filter((r) => samples[r.to] - samples[r.from] >= minLen && r.to > r.from)
    .map((r) => ({
      start: samples[r.from],
      end: samples[r.to],
      rateBpm: (60 * fs * (r.to - r.from)) / (samples[r.to] - samples[r.from]),
    }));
}
