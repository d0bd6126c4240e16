// Score registry keyed by code, and the series helper for repeated scores (e.g. NIHSS before and after
// thrombolysis, GCS during observation).
import { EmergencyInputError, parseInstant } from '../conditions';
import type { Center } from '../types';
import { GRACE, HEART, KILLIP, TIMI } from './cardiac';
import type { ScoreDefinition, ScoreItems, ScoreResult } from './common';
import { ASPECTS, BE_FAST, CINCINNATI, FAST_ED, MRS, NIHSS } from './stroke';
import { GCS, ISS, RTS } from './trauma';
import { CRAMS, PHI, TRAUMA_INDEX, TRAUMA_SCORE } from './trauma-tables';

export * from './cardiac';
export * from './common';
export * from './stroke';
export * from './trauma';
export * from './trauma-tables';

const ALL_SCORES: ScoreDefinition[] = [
  GRACE,
  HEART,
  TIMI,
  KILLIP,
  NIHSS,
  GCS,
  FAST_ED,
  BE_FAST,
  CINCINNATI,
  ASPECTS,
  MRS,
  RTS,
  ISS,
  CRAMS,
  PHI,
  TRAUMA_SCORE,
  TRAUMA_INDEX,
];

export const SCORES: Readonly<Record<string, ScoreDefinition>> = Object.freeze(
  Object.fromEntries(ALL_SCORES.map((s) => [s.code, s])),
);

export function scoresForCenter(center: Center): ScoreDefinition[] {
  return ALL_SCORES.filter((s) => s.centers.includes(center));
}

/** Computes a score by code; throws naming the code when it is unknown. */
export function computeScore(code: string, items: ScoreItems): ScoreResult {
  const score = SCORES[code];
  if (!score) throw new EmergencyInputError('score', `unknown score code "${code}"`);
  return score.compute(items);
}

/** What is stored for one assessment (domain.md §3: items, total and interpretation, with time and author). */
export interface ScoreRecord {
  code: string;
  items: ScoreItems;
  result: ScoreResult;
  at: string;
  author: string;
}

/** Computes a score and wraps it with time and author for storage. */
export function recordScore(code: string, items: ScoreItems, at: string, author: string): ScoreRecord {
  if (parseInstant(at) === null) throw new EmergencyInputError('at', 'must be an ISO date-time with offset');
  if (!author?.trim()) throw new EmergencyInputError('author', 'required');
  return { code, items, result: computeScore(code, items), at, author };
}

export interface ScoreEntry {
  /** When the assessment was made (ISO date-time with offset). */
  at: string;
  total: number;
  /** e.g. "pre-thrombolysis", "24 h". */
  label?: string;
}

export interface SeriesPoint extends ScoreEntry {
  deltaFromPrevious: number | null;
  deltaFromBaseline: number | null;
  /** Minutes after the reference event (negative before it); null without an event. */
  minutesFromEvent: number | null;
}

export interface ScoreSeries {
  points: SeriesPoint[];
  baseline: ScoreEntry | null;
  latest: ScoreEntry | null;
  /** latest − baseline */
  change: number | null;
  trend: 'improved' | 'worsened' | 'stable' | null;
}

export interface SeriesOptions {
  /** Reference event (e.g. thrombolysis bolus): the baseline is the last entry at or before it. */
  eventAt?: string;
  /** NIHSS, ISS…: higher is worse; GCS, RTS, ASPECTS: higher is better. */
  direction?: 'higher-is-worse' | 'higher-is-better';
  /** Smallest change that counts (NIHSS: 4 points, as used for early neurological change and sICH). */
  relevantChange?: number;
}

/** Orders repeated assessments in time and gives their deltas from the previous and from the baseline entry. */
export function scoreSeries(entries: readonly ScoreEntry[], options: SeriesOptions = {}): ScoreSeries {
  const timed = entries.map((e, i) => {
    const t = parseInstant(e.at);
    if (t === null) throw new EmergencyInputError(`entries[${i}].at`, 'must be an ISO date-time with offset');
    if (typeof e.total !== 'number' || !Number.isFinite(e.total))
      throw new EmergencyInputError(`entries[${i}].total`, 'must be a number');
    return { e, t };
  });
  timed.sort((a, b) => a.t - b.t);
  let eventTime: number | null = null;
  if (options.eventAt !== undefined) {
    eventTime = parseInstant(options.eventAt);
    if (eventTime === null) throw new EmergencyInputError('eventAt', 'must be an ISO date-time with offset');
  }
  const baselineIdx =
    eventTime === null ? (timed.length ? 0 : -1) : timed.findLastIndex((x) => x.t <= (eventTime as number));
  const baseline = baselineIdx >= 0 ? timed[baselineIdx].e : null;
  const points = timed.map(({ e, t }, i) => ({
    ...e,
    deltaFromPrevious: i > 0 ? e.total - timed[i - 1].e.total : null,
    deltaFromBaseline: baseline ? e.total - baseline.total : null,
    minutesFromEvent: eventTime === null ? null : Math.round((t - eventTime) / 60_000),
  }));
  const latest = timed.length ? timed[timed.length - 1].e : null;
  const change = baseline && latest && latest !== baseline ? latest.total - baseline.total : null;
  let trend: ScoreSeries['trend'] = null;
  if (change !== null) {
    const threshold = options.relevantChange ?? 1;
    const better = options.direction === 'higher-is-better' ? change : -change;
    trend = better >= threshold ? 'improved' : -better >= threshold ? 'worsened' : 'stable';
  }
  return { points, baseline, latest, change, trend };
}
