/**
 * Rhythm events from a classified beat sequence: ventricular couplets and runs, supraventricular runs, bigeminy
 * and trigeminy, pauses, and bradycardia/tachycardia episodes. Works on beat times and classes only, so it serves
 * a 10-second ECG and a 48-hour Holter alike (the Holter feeds it window by window).
 */
import type { AamiClass } from '../types';
import { checkBeats } from './rr';

export type RhythmEventType =
  | 'v-couplet'
  | 'v-run'
  | 'sv-couplet'
  | 'sv-run'
  | 'bigeminy'
  | 'trigeminy'
  | 'pause'
  | 'bradycardia'
  | 'tachycardia';

export interface RhythmEvent {
  type: RhythmEventType;
  /** Sample index of the first beat of the event (for a pause: the beat before it). */
  start: number;
  /** Sample index of the last beat of the event (for a pause: the beat after it). */
  end: number;
  /** Number of beats in the event (ectopic beats for runs and couplets, all beats otherwise). */
  beats: number;
  /** Mean rate over the event in beats per minute (runs, brady/tachycardia). */
  rateBpm?: number;
  /** Duration in ms (end − start). */
  durationMs: number;
  /** Pause ≥ 3.0 s (a critical value in the Chinese consensus list); only on pauses. */
  atLeast3s?: boolean;
}

export interface RhythmEventOptions {
  /** Pause threshold, ms (default 2000). */
  pauseMs?: number;
  /** Heart rate below which an episode is bradycardia (default 60 bpm, as in domain rules). */
  bradycardiaBpm?: number;
  /** Heart rate above which an episode is tachycardia (default 100 bpm). */
  tachycardiaBpm?: number;
  /** Beats averaged for the brady/tachy rate (default 8). */
  rateBeats?: number;
  /** Shortest brady/tachycardia episode reported, seconds (default 10). */
  minRateEpisodeSec?: number;
  /** Brady/tachycardia episodes closer than this, seconds, are one episode (default 10). */
  rateEpisodeMergeSec?: number;
  /** Minimum number of ectopic cycles for bigeminy/trigeminy (default 3). */
  minPatternCycles?: number;
}

/**
 * Finds rhythm events in a classified beat sequence (classes as from classifyBeats; without classes only pauses
 * and rate episodes are found). Events are returned sorted by start.
 */
export function detectRhythmEvents(
  samples: Int32Array,
  classes: readonly AamiClass[] | undefined,
  sampleRate: number,
  options: RhythmEventOptions = {},
): RhythmEvent[] {
  checkBeats(samples, classes, sampleRate);
  const events: RhythmEvent[] = [];
  const ms = (a: number, b: number) => ((b - a) * 1000) / sampleRate;
  const rate = (from: number, to: number) =>
    to > from ? (60 * sampleRate * (to - from)) / (samples[to] - samples[from]) : undefined;
  const n = samples.length;

  if (classes) {
    // Runs of consecutive ventricular (V) or supraventricular (S) beats.
    for (const [cls, couplet, run] of [
      ['V', 'v-couplet', 'v-run'],
      ['S', 'sv-couplet', 'sv-run'],
    ] as const) {
      let i = 0;
      while (i < n) {
        if (classes[i] !== cls) {
          i++;
          continue;
        }
        let j = i;
        while (j + 1 < n && classes[j + 1] === cls) j++;
        const len = j - i + 1;
        if (len >= 2) {
          // Rate of a run: from the beat before it (its first coupling interval) to its last beat.
          const from = i > 0 ? i - 1 : i;
          events.push({
            type: len === 2 ? couplet : run,
            start: samples[i],
            end: samples[j],
            beats: len,
            rateBpm: rate(from, j),
            durationMs: ms(samples[i], samples[j]),
          });
        }
        i = j + 1;
      }
    }
    // Bigeminy (every 2nd beat V) and trigeminy (every 3rd beat V), at least minPatternCycles V beats in a row.
    const minCycles = options.minPatternCycles ?? 3;
    for (const [period, type] of [
      [2, 'bigeminy'],
      [3, 'trigeminy'],
    ] as const) {
      let first = -1;
      let last = -1;
      let cycles = 0;
      const flush = () => {
        if (cycles >= minCycles) {
          events.push({
            type,
            start: samples[first],
            end: samples[last],
            beats: cycles,
            durationMs: ms(samples[first], samples[last]),
          });
        }
        first = -1;
        cycles = 0;
      };
      for (let i = 0; i < n; i++) {
        if (classes[i] !== 'V') continue;
        // This V continues the pattern when the beats since the previous V are exactly period − 1 non-V beats.
        let cleanGap = false;
        if (first >= 0 && i - last === period) {
          cleanGap = true;
          for (let k = last + 1; k < i; k++) if (classes[k] === 'V' || classes[k] === 'Q') cleanGap = false;
        }
        const starts =
          i >= period - 1 &&
          (period === 2 ? classes[i - 1] === 'N' : classes[i - 1] === 'N' && classes[i - 2] === 'N');
        if (cleanGap) {
          cycles++;
          last = i;
        } else {
          flush();
          if (starts) {
            first = i;
            last = i;
            cycles = 1;
          }
        }
      }
      flush();
    }
  }

  // Pauses: RR at or above the threshold.
  const pauseMs = options.pauseMs ?? 2000;
  for (let i = 1; i < n; i++) {
    const d = ms(samples[i - 1], samples[i]);
    if (d >= pauseMs) {
      events.push({
        type: 'pause',
        start: samples[i - 1],
        end: samples[i],
        beats: 2,
        durationMs: d,
        atLeast3s: d >= 3000,
      });
    }
  }

  // Bradycardia / tachycardia: each RR interval gets the median rate of the k intervals centred on it (robust to
  // single ectopics and sharp at rate changes); runs of intervals beyond the limit make the episodes.
  const k = Math.max(2, options.rateBeats ?? 8);
  const brady = options.bradycardiaBpm ?? 60;
  const tachy = options.tachycardiaBpm ?? 100;
  const minEpisode = (options.minRateEpisodeSec ?? 10) * 1000;
  const mergeGap = (options.rateEpisodeMergeSec ?? 10) * 1000;
  const pauseSamples = (pauseMs * sampleRate) / 1000;
  const rrCount = Math.max(0, n - 1);
  const localRate = new Float64Array(rrCount);
  const win: number[] = [];
  for (let i = 0; i < rrCount; i++) {
    win.length = 0;
    for (let j = Math.max(0, i - (k >> 1)); j < Math.min(rrCount, i - (k >> 1) + k); j++) {
      win.push(samples[j + 1] - samples[j]);
    }
    win.sort((a, b) => a - b);
    const m = win.length % 2 ? win[win.length >> 1] : (win[(win.length >> 1) - 1] + win[win.length >> 1]) / 2;
    localRate[i] = (60 * sampleRate) / m;
  }
  for (const [type, beyond] of [
    ['bradycardia', (r: number) => r < brady],
    ['tachycardia', (r: number) => r > tachy],
  ] as const) {
    // Runs of intervals beyond the limit, as beat index ranges [from, to]; runs separated by a short gap merge.
    const runs: [number, number][] = [];
    let i = 0;
    while (i < rrCount) {
      // Pauses have their own events and do not start or extend a bradycardia.
      if (!beyond(localRate[i]) || samples[i + 1] - samples[i] >= pauseSamples) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < rrCount && beyond(localRate[j + 1]) && samples[j + 2] - samples[j + 1] < pauseSamples)
        j++;
      // Intervals i…j span beats i…j + 1.
      const last = runs[runs.length - 1];
      if (last && ms(samples[last[1]], samples[i]) < mergeGap) last[1] = j + 1;
      else runs.push([i, j + 1]);
      i = j + 1;
    }
    for (const [from, to] of runs) {
      const d = ms(samples[from], samples[to]);
      if (d >= minEpisode) {
        events.push({
          type,
          start: samples[from],
          end: samples[to],
          beats: to - from + 1,
          rateBpm: rate(from, to),
          durationMs: d,
        });
      }
    }
  }
  return events.sort((a, b) => a.start - b.start || a.end - b.end);
}
