/**
 * Holter summary from the classified beats of a long recording (the content listed in domain.md §2): beat counts
 * by class, hourly heart rate, pauses, AF burden, PVC/PAC burden, runs, HRV and the longest RR interval.
 */
import { type AfEpisode, type AfOptions, detectAf } from '../rhythm/af';
import { detectRhythmEvents, type RhythmEvent, type RhythmEventOptions } from '../rhythm/events';
import { computeHrv, type HrvOptions, type HrvResult } from '../rhythm/hrv';
import type { AamiClass } from '../types';

export interface SummaryOptions {
  /** Recording start (ISO-8601); hourly rows then follow clock hours. */
  startTime?: string;
  af?: AfOptions;
  events?: RhythmEventOptions;
  hrv?: HrvOptions;
  /** Include the beat list (positions and classes) in the summary (default false). */
  includeBeats?: boolean;
}

export interface HourlyHeartRate {
  /** Seconds from the recording start at which this row begins. */
  startSec: number;
  /** Clock hour 0–23 when the start time is known. */
  clockHour?: number;
  beats: number;
  /** Ventricular and supraventricular ectopic beats in this hour. */
  V: number;
  S: number;
  /** Minimum and maximum of the one-minute mean heart rates, and the mean rate over the hour, bpm. */
  minHr?: number;
  meanHr?: number;
  maxHr?: number;
}

export interface HolterSummary {
  durationSec: number;
  sampleRate: number;
  counts: { total: number; N: number; S: number; V: number; F: number; paced: number; unknown: number };
  /** Ventricular and supraventricular ectopic beats as a percentage of all beats. */
  pvcBurdenPercent: number;
  pacBurdenPercent: number;
  heartRate: { minHr?: number; meanHr?: number; maxHr?: number; minAtSec?: number; maxAtSec?: number };
  hourly: HourlyHeartRate[];
  longestRr?: { ms: number; atSec: number };
  /** Pauses (RR ≥ 2 s); in AF the critical-value threshold is 5 s, counted separately. */
  pauses: { atLeast2s: number; atLeast3s: number; inAfAtLeast5s: number; longestMs?: number };
  af: { burdenPercent: number; episodes: AfEpisode[]; longestSec?: number };
  runs: {
    vCouplets: number;
    vRuns: number;
    longestVRunBeats?: number;
    fastestVRunBpm?: number;
    svCouplets: number;
    svRuns: number;
    longestSvRunBeats?: number;
    bigeminyEpisodes: number;
    trigeminyEpisodes: number;
  };
  hrv: HrvResult;
  /** Every rhythm event found (runs, patterns, pauses, brady/tachycardia), in time order. */
  events: RhythmEvent[];
  beats?: { samples: Int32Array; classes: AamiClass[] };
}

export interface ClassifiedBeats {
  samples: Int32Array;
  classes: AamiClass[];
  /** Per-beat P-wave consistency (atrialActivity), optional. */
  atrialActivity?: Float32Array;
  sampleRate: number;
  /** Length of the recording in samples (beats may stop before its end). */
  totalSamples: number;
}

/** Minimum RR intervals in a minute for its mean rate to count (less means mostly noise or no signal). */
const MIN_INTERVALS_PER_MINUTE = 10;

export function summariseBeats(input: ClassifiedBeats, options: SummaryOptions = {}): HolterSummary {
  const { samples, classes, sampleRate: fs } = input;
  const n = samples.length;
  const counts = { total: n, N: 0, S: 0, V: 0, F: 0, paced: 0, unknown: 0 };
  for (const c of classes) {
    if (c === 'P') counts.paced++;
    else if (c === 'Q') counts.unknown++;
    else counts[c]++;
  }
  const durationSec = input.totalSamples / fs;
  const startOffsetSec = clockOffsetSec(options.startTime);

  // Minute-by-minute mean rate from RR intervals (each interval counted in the minute of its ending beat).
  const minutes = Math.max(1, Math.ceil((durationSec + startOffsetSec) / 60));
  const rrSum = new Float64Array(minutes);
  const rrCount = new Uint32Array(minutes);
  const beatsPerHour = new Uint32Array(Math.ceil(minutes / 60));
  const vPerHour = new Uint32Array(beatsPerHour.length);
  const sPerHour = new Uint32Array(beatsPerHour.length);
  let longestRr: { ms: number; atSec: number } | undefined;
  for (let i = 0; i < n; i++) {
    const t = samples[i] / fs + startOffsetSec;
    const hour = Math.min(beatsPerHour.length - 1, Math.floor(t / 3600));
    beatsPerHour[hour]++;
    if (classes[i] === 'V') vPerHour[hour]++;
    else if (classes[i] === 'S') sPerHour[hour]++;
    if (i === 0) continue;
    const rr = ((samples[i] - samples[i - 1]) * 1000) / fs;
    const m = Math.min(minutes - 1, Math.floor(t / 60));
    rrSum[m] += rr;
    rrCount[m]++;
    if (!longestRr || rr > longestRr.ms) longestRr = { ms: rr, atSec: samples[i - 1] / fs };
  }
  const hourly: HourlyHeartRate[] = [];
  const overall = { minHr: Infinity, maxHr: -Infinity, minAt: 0, maxAt: 0, rr: 0, count: 0 };
  for (let h = 0; h * 60 < minutes; h++) {
    const row: HourlyHeartRate = {
      startSec: Math.max(0, h * 3600 - startOffsetSec),
      beats: beatsPerHour[h],
      V: vPerHour[h],
      S: sPerHour[h],
    };
    if (options.startTime) row.clockHour = (Math.floor(clockSecondsOfDay(options.startTime) / 3600) + h) % 24;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let count = 0;
    for (let m = h * 60; m < Math.min(minutes, (h + 1) * 60); m++) {
      if (rrCount[m] < MIN_INTERVALS_PER_MINUTE) continue;
      const hr = (60000 * rrCount[m]) / rrSum[m];
      const at = m * 60 - startOffsetSec;
      if (hr < min) min = hr;
      if (hr > max) max = hr;
      if (hr < overall.minHr) Object.assign(overall, { minHr: hr, minAt: Math.max(0, at) });
      if (hr > overall.maxHr) Object.assign(overall, { maxHr: hr, maxAt: Math.max(0, at) });
      sum += rrSum[m];
      count += rrCount[m];
    }
    if (count > 0) {
      row.minHr = round1(min);
      row.maxHr = round1(max);
      row.meanHr = round1((60000 * count) / sum);
      overall.rr += sum;
      overall.count += count;
    }
    hourly.push(row);
  }

  const events = n >= 2 ? detectRhythmEvents(samples, classes, fs, options.events) : [];
  const pauses = events.filter((e) => e.type === 'pause');
  const of = (t: RhythmEvent['type']) => events.filter((e) => e.type === t);
  const vRuns = of('v-run');
  const svRuns = of('sv-run');
  const afOpts = { ...options.af, atrialActivity: options.af?.atrialActivity ?? input.atrialActivity };
  const af = n >= 4 ? detectAf(samples, fs, classes, afOpts) : { episodes: [], burden: 0 };
  const afSec = af.episodes.reduce((a, e) => a + (e.end - e.start) / fs, 0);

  const summary: HolterSummary = {
    durationSec,
    sampleRate: fs,
    counts,
    pvcBurdenPercent: n ? round2((100 * counts.V) / n) : 0,
    pacBurdenPercent: n ? round2((100 * counts.S) / n) : 0,
    heartRate:
      overall.count > 0
        ? {
            minHr: round1(overall.minHr),
            meanHr: round1((60000 * overall.count) / overall.rr),
            maxHr: round1(overall.maxHr),
            minAtSec: overall.minAt,
            maxAtSec: overall.maxAt,
          }
        : {},
    hourly,
    longestRr,
    pauses: {
      atLeast2s: pauses.length,
      atLeast3s: pauses.filter((p) => p.atLeast3s).length,
      inAfAtLeast5s: pauses.filter(
        (p) => p.durationMs >= 5000 && af.episodes.some((e) => p.start >= e.start && p.start <= e.end),
      ).length,
      longestMs: pauses.length ? Math.max(...pauses.map((p) => p.durationMs)) : undefined,
    },
    // Burden over the whole recording time, the way Holter reports state it.
    af: {
      burdenPercent: durationSec > 0 ? round2((100 * afSec) / durationSec) : 0,
      episodes: af.episodes,
      longestSec: af.episodes.length
        ? Math.max(...af.episodes.map((e) => (e.end - e.start) / fs))
        : undefined,
    },
    runs: {
      vCouplets: of('v-couplet').length,
      vRuns: vRuns.length,
      longestVRunBeats: vRuns.length ? Math.max(...vRuns.map((e) => e.beats)) : undefined,
      fastestVRunBpm: vRuns.length ? round1(Math.max(...vRuns.map((e) => e.rateBpm ?? 0))) : undefined,
      svCouplets: of('sv-couplet').length,
      svRuns: svRuns.length,
      longestSvRunBeats: svRuns.length ? Math.max(...svRuns.map((e) => e.beats)) : undefined,
      bigeminyEpisodes: of('bigeminy').length,
      trigeminyEpisodes: of('trigeminy').length,
    },
    hrv: computeHrv(samples, classes, fs, options.hrv),
    events,
  };
  if (options.includeBeats) summary.beats = { samples, classes };
  return summary;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Seconds since local midnight of an ISO time as written (its own clock, no time-zone conversion). */
function clockSecondsOfDay(iso: string): number {
  const m = /T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(iso);
  if (!m) return 0;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
}

/** Offset into the first clock hour, so hourly rows start on the hour. */
function clockOffsetSec(iso: string | undefined): number {
  return iso ? clockSecondsOfDay(iso) % 3600 : 0;
}
