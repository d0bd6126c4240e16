// Live countdowns for screens and big displays: for every metric whose start node is recorded but whose end
// node is not yet, how long it has been running and how much time is left before its target.
import { EmergencyInputError, firstExactTime, matchesCondition } from './conditions';
import type { IntervalMetric } from './metric-definitions';
import { resolveMetrics, type SiteMetricConfig } from './metrics';
import type { PathwayCase } from './types';

export interface RunningTimer {
  metric: string;
  nameZh: string;
  nameEn: string;
  start: string;
  end: string;
  startedAt: string;
  elapsedMinutes: number;
  targetMinutes: number | null;
  /** ISO instant when the target is reached; null without a target. */
  deadline: string | null;
  /** Negative once overdue; null without a target. */
  remainingMinutes: number | null;
  overdue: boolean;
}

export interface TimerOptions {
  config?: SiteMetricConfig;
  /**
   * Also run timers of metrics not (yet) applicable: during the first minutes the treatment is not decided, but
   * the door-to-wire clock is already running for a suspected STEMI.
   */
  includeUndecided?: boolean;
}

/** Timers running at `now` (ms since epoch), most urgent first. */
export function runningTimers(
  pathwayCase: PathwayCase,
  now: number,
  options: TimerOptions = {},
): RunningTimer[] {
  if (!Number.isFinite(now)) throw new EmergencyInputError('now', 'must be milliseconds since the epoch');
  const timers: RunningTimer[] = [];
  for (const metric of resolveMetrics(options.config)) {
    if (metric.kind !== 'interval' || metric.center !== pathwayCase.center) continue;
    if (!options.includeUndecided && metric.appliesWhen && !matchesCondition(pathwayCase, metric.appliesWhen))
      continue;
    const started = firstExactTime(pathwayCase, metric.start);
    if (started === null || firstExactTime(pathwayCase, metric.end) !== null) continue;
    const target = targetFor(metric, pathwayCase);
    const elapsedMinutes = Math.floor((now - started) / 60_000);
    const remainingMinutes = target === null ? null : Math.ceil((started + target * 60_000 - now) / 60_000);
    timers.push({
      metric: metric.code,
      nameZh: metric.nameZh,
      nameEn: metric.nameEn,
      start: metric.start,
      end: metric.end,
      startedAt: new Date(started).toISOString(),
      elapsedMinutes,
      targetMinutes: target,
      deadline: target === null ? null : new Date(started + target * 60_000).toISOString(),
      remainingMinutes,
      overdue: remainingMinutes !== null && remainingMinutes < 0,
    });
  }
  // Timers without a target go last; the others by time left.
  return timers.sort((a, b) => (a.remainingMinutes ?? Infinity) - (b.remainingMinutes ?? Infinity));
}

function targetFor(metric: IntervalMetric, pathwayCase: PathwayCase): number | null {
  for (const v of metric.targetWhen ?? []) if (matchesCondition(pathwayCase, v.when)) return v.minutes;
  return metric.targetMinutes;
}
