// Per-case metric computation and period aggregation (mean, median, p90, % within target, outliers with the
// delay reasons the cases carry). Targets are overridable per site through a plain config object.
import {
  conditionProblems,
  EmergencyInputError,
  firstExactTime,
  matchesCondition,
  parseInstant,
} from './conditions';
import type { IntervalMetric, MetricDefinition, ProportionMetric } from './metric-definitions';
import { METRICS } from './metric-definitions';
import type { DelayReason, Pathway, PathwayCase } from './types';

export interface MetricTargetOverride {
  targetMinutes?: number | null;
  aimMinutes?: number;
  targetShare?: number;
  targetWhen?: IntervalMetric['targetWhen'];
  targetProportion?: number;
}

/** Site configuration: target overrides by metric code, metrics switched off, site-specific metrics. */
export interface SiteMetricConfig {
  targets?: Record<string, MetricTargetOverride>;
  disabled?: string[];
  extra?: MetricDefinition[];
}

function checkFraction(field: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    throw new EmergencyInputError(field, `must be a fraction between 0 and 1, got ${String(value)}`);
}

function checkMinutes(field: string, value: unknown, allowNull: boolean): void {
  if (value === undefined || (allowNull && value === null)) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new EmergencyInputError(field, `must be a positive number of minutes, got ${String(value)}`);
}

const CENTER_CODES = ['chest-pain', 'stroke', 'trauma'];

/** Checks a (site) metric definition; with a pathway, also that its nodes exist there. Throws naming the field. */
export function assertValidMetric(metric: MetricDefinition, pathway?: Pathway): void {
  const at = `metric ${metric?.code ?? '?'}`;
  if (!metric || typeof metric.code !== 'string' || !/^[a-z][a-z0-9-]*(:[a-z0-9-]+)?$/.test(metric.code))
    throw new EmergencyInputError(`${at}.code`, 'must be lower-case kebab-case');
  if (!CENTER_CODES.includes(metric.center)) throw new EmergencyInputError(`${at}.center`, 'unknown center');
  if (!metric.nameZh?.trim() || !metric.nameEn?.trim())
    throw new EmergencyInputError(`${at}.name`, 'needs nameZh and nameEn');
  const conditions: [string, unknown][] = [['appliesWhen', metric.appliesWhen]];
  if (metric.kind === 'proportion')
    conditions.push(['eligibleWhen', metric.eligibleWhen], ['numeratorWhen', metric.numeratorWhen]);
  if (metric.kind === 'interval')
    (metric.targetWhen ?? []).forEach((t, i) => {
      conditions.push([`targetWhen[${i}].when`, t.when]);
    });
  for (const [key, condition] of conditions) {
    if (condition === undefined && key === 'appliesWhen') continue;
    const [problem] = conditionProblems(condition, `${at}.${key}`);
    if (problem)
      throw new EmergencyInputError(problem.split(': ')[0], problem.split(': ').slice(1).join(': '));
  }
  if (metric.kind === 'interval') {
    for (const key of ['start', 'end'] as const) {
      if (typeof metric[key] !== 'string' || metric[key] === '')
        throw new EmergencyInputError(`${at}.${key}`, 'must name a node');
      if (pathway && !pathway.nodes.some((n) => n.code === metric[key]))
        throw new EmergencyInputError(
          `${at}.${key}`,
          `node "${metric[key]}" is not in pathway ${pathway.version}`,
        );
    }
    checkMinutes(`${at}.targetMinutes`, metric.targetMinutes, true);
    checkFraction(`${at}.targetShare`, metric.targetShare);
  } else if (metric.kind === 'proportion') {
    checkFraction(`${at}.targetProportion`, metric.targetProportion);
    if (!metric.eligibleWhen || !metric.numeratorWhen)
      throw new EmergencyInputError(
        `${at}.eligibleWhen`,
        'proportion metrics need eligibleWhen and numeratorWhen',
      );
  } else {
    throw new EmergencyInputError(`${at}.kind`, 'must be interval or proportion');
  }
}

/** The metric definitions in force for a site: defaults, then overrides; throws on unknown codes or bad values. */
export function resolveMetrics(config: SiteMetricConfig = {}): MetricDefinition[] {
  for (const m of config.extra ?? []) assertValidMetric(m);
  const all = [...METRICS, ...(config.extra ?? [])];
  const codes = new Set<string>();
  for (const m of all) {
    if (codes.has(m.code)) throw new EmergencyInputError(`extra.${m.code}`, 'metric code already exists');
    codes.add(m.code);
  }
  for (const code of config.disabled ?? [])
    if (!codes.has(code)) throw new EmergencyInputError(`disabled.${code}`, 'unknown metric code');
  for (const [code, o] of Object.entries(config.targets ?? {})) {
    if (!codes.has(code)) throw new EmergencyInputError(`targets.${code}`, 'unknown metric code');
    checkMinutes(`targets.${code}.targetMinutes`, o.targetMinutes, true);
    checkMinutes(`targets.${code}.aimMinutes`, o.aimMinutes, false);
    checkFraction(`targets.${code}.targetShare`, o.targetShare);
    checkFraction(`targets.${code}.targetProportion`, o.targetProportion);
    for (const [i, t] of (o.targetWhen ?? []).entries())
      checkMinutes(`targets.${code}.targetWhen[${i}].minutes`, t.minutes, false);
  }
  return all
    .filter((m) => !(config.disabled ?? []).includes(m.code))
    .map((m) => {
      const o = config.targets?.[m.code];
      if (!o) return m;
      if (m.kind === 'proportion')
        return { ...m, targetProportion: o.targetProportion ?? m.targetProportion };
      const merged: IntervalMetric = { ...m };
      if (o.targetMinutes !== undefined) merged.targetMinutes = o.targetMinutes;
      if (o.aimMinutes !== undefined) merged.aimMinutes = o.aimMinutes;
      if (o.targetShare !== undefined) merged.targetShare = o.targetShare;
      if (o.targetWhen !== undefined) merged.targetWhen = o.targetWhen;
      return merged;
    });
}

export interface IntervalCaseResult {
  metric: string;
  kind: 'interval';
  applicable: boolean;
  minutes: number | null;
  targetMinutes: number | null;
  /** null when not applicable, not computable or without a target. */
  withinTarget: boolean | null;
  missingNodes: string[];
  /** Why minutes is null although both nodes are present. */
  problem?: 'end-before-start';
}

export interface ProportionCaseResult {
  metric: string;
  kind: 'proportion';
  /** Whether the case is in the denominator. */
  applicable: boolean;
  /** Whether the case counts in the numerator (null when not eligible). */
  counted: boolean | null;
}

export type CaseMetricResult = IntervalCaseResult | ProportionCaseResult;

function caseTarget(metric: IntervalMetric, pathwayCase: PathwayCase): number | null {
  for (const variant of metric.targetWhen ?? [])
    if (matchesCondition(pathwayCase, variant.when)) return variant.minutes;
  return metric.targetMinutes;
}

/** First exact time of every recorded code, each time parsed once (aggregations read a case many times). */
type FirstTimes = Map<string, number>;
function firstTimes(pathwayCase: PathwayCase): FirstTimes {
  const out: FirstTimes = new Map();
  for (const node of pathwayCase.times) {
    if (node.at === undefined) continue;
    const at = parseInstant(node.at);
    if (at === null) continue;
    const prev = out.get(node.code);
    if (prev === undefined || at < prev) out.set(node.code, at);
  }
  return out;
}

function computeInterval(
  metric: IntervalMetric,
  pathwayCase: PathwayCase,
  times?: FirstTimes,
): IntervalCaseResult {
  const applicable = !metric.appliesWhen || matchesCondition(pathwayCase, metric.appliesWhen);
  const targetMinutes = caseTarget(metric, pathwayCase);
  const base = { metric: metric.code, kind: 'interval' as const, applicable, targetMinutes };
  if (!applicable) return { ...base, minutes: null, withinTarget: null, missingNodes: [] };
  const first = (code: string) => (times ? (times.get(code) ?? null) : firstExactTime(pathwayCase, code));
  const start = first(metric.start);
  const end = first(metric.end);
  const missingNodes = [start === null ? metric.start : null, end === null ? metric.end : null].filter(
    (c): c is string => c !== null,
  );
  if (start === null || end === null) return { ...base, minutes: null, withinTarget: null, missingNodes };
  let minutes = Math.round((end - start) / 6_000) / 10; // one decimal
  if (minutes < 0) {
    if (!metric.negativeMeansZero)
      return { ...base, minutes: null, withinTarget: null, missingNodes, problem: 'end-before-start' };
    minutes = 0;
  }
  const withinTarget = targetMinutes === null ? null : minutes <= targetMinutes;
  return { ...base, minutes, withinTarget, missingNodes };
}

function computeProportion(metric: ProportionMetric, pathwayCase: PathwayCase): ProportionCaseResult {
  const applicable = matchesCondition(pathwayCase, metric.eligibleWhen);
  return {
    metric: metric.code,
    kind: 'proportion',
    applicable,
    counted: applicable ? matchesCondition(pathwayCase, metric.numeratorWhen) : null,
  };
}

function checkCase(pathwayCase: PathwayCase, where: string): void {
  if (!pathwayCase || typeof pathwayCase !== 'object')
    throw new EmergencyInputError(where, 'must be a case object');
  if (typeof pathwayCase.id !== 'string' || pathwayCase.id === '')
    throw new EmergencyInputError(`${where}.id`, 'required');
  if (!Array.isArray(pathwayCase.times)) throw new EmergencyInputError(`${where}.times`, 'must be a list');
}

/** Every metric of the case's center, applicable or not, so a screen can show "not applicable" explicitly. */
export function computeCaseMetrics(
  pathwayCase: PathwayCase,
  config: SiteMetricConfig = {},
): CaseMetricResult[] {
  checkCase(pathwayCase, 'case');
  return resolveMetrics(config)
    .filter((m) => m.center === pathwayCase.center)
    .map((m) =>
      m.kind === 'interval' ? computeInterval(m, pathwayCase) : computeProportion(m, pathwayCase),
    );
}

export interface Outlier {
  caseId: string;
  minutes: number;
  targetMinutes: number | null;
  delayReasons: DelayReason[];
}

export interface IntervalAggregate {
  metric: string;
  kind: 'interval';
  nameZh: string;
  nameEn: string;
  /** Applicable cases. */
  eligible: number;
  /** Applicable cases with a computable interval. */
  n: number;
  /** Applicable cases whose interval could not be computed (missing or inconsistent nodes). */
  incompleteCaseIds: string[];
  mean: number | null;
  median: number | null;
  /** Only from 10 cases up: a 90th percentile of a handful of cases says nothing. */
  p90: number | null;
  targetMinutes: number | null;
  targetShare: number | null;
  pctWithinTarget: number | null;
  /** null when the metric has no target or no case. */
  compliant: boolean | null;
  /** Cases beyond their target, longest first, with their recorded delay reasons. */
  outliers: Outlier[];
}

export interface ProportionAggregate {
  metric: string;
  kind: 'proportion';
  nameZh: string;
  nameEn: string;
  eligible: number;
  numerator: number;
  proportion: number | null;
  targetProportion: number;
  compliant: boolean | null;
}

export type MetricAggregate = IntervalAggregate | ProportionAggregate;

export interface Period {
  /** Inclusive start, ISO date-time with offset. */
  from: string;
  /** Exclusive end, ISO date-time with offset. */
  to: string;
}

/**
 * The calendar month "YYYY-MM" as a period in a fixed UTC offset (compliance is reported per month in the
 * hospital's local time; China has no daylight saving, so an offset is enough).
 */
export function monthPeriod(month: string, utcOffset = '+08:00'): Period {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new EmergencyInputError('month', `must be YYYY-MM, got "${month}"`);
  if (!/^[+-](0\d|1[0-4]):[0-5]\d$/.test(utcOffset))
    throw new EmergencyInputError('utcOffset', `must look like +08:00, got "${utcOffset}"`);
  const year = Number(m[1]);
  const mon = Number(m[2]);
  const next = mon === 12 ? `${year + 1}-01` : `${year}-${String(mon + 1).padStart(2, '0')}`;
  return { from: `${month}-01T00:00:00${utcOffset}`, to: `${next}-01T00:00:00${utcOffset}` };
}

/** The time that places a case in a period: arrival at the door, else first medical contact, else earliest. */
export function caseIndexTime(pathwayCase: PathwayCase, times = firstTimes(pathwayCase)): number | null {
  const door = times.get('door') ?? times.get('first-medical-contact');
  if (door !== undefined) return door;
  let earliest: number | null = null;
  for (const t of times.values()) if (earliest === null || t < earliest) earliest = t;
  return earliest;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Linear-interpolation percentile (the usual spreadsheet definition) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * p;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** Aggregates every metric over the cases whose index time lies in the period (all cases without a period). */
export function aggregateMetrics(
  cases: readonly PathwayCase[],
  period?: Period,
  config: SiteMetricConfig = {},
): MetricAggregate[] {
  return aggregateMetricsByPeriod(cases, [period], config)[0];
}

function parsePeriod(period: Period): { from: number; to: number } {
  const from = parseInstant(period.from);
  const to = parseInstant(period.to);
  if (from === null) throw new EmergencyInputError('period.from', 'must be an ISO date-time with offset');
  if (to === null) throw new EmergencyInputError('period.to', 'must be an ISO date-time with offset');
  if (to <= from) throw new EmergencyInputError('period.to', 'must be after period.from');
  return { from, to };
}

/**
 * aggregateMetrics for several periods (e.g. the 12 months of a trend) at once: every case's times are parsed
 * once, and each case goes to the periods its index time falls in. One result list per period, in order.
 */
export function aggregateMetricsByPeriod(
  cases: readonly PathwayCase[],
  periods: readonly (Period | undefined)[],
  config: SiteMetricConfig = {},
): MetricAggregate[][] {
  if (!Array.isArray(cases)) throw new EmergencyInputError('cases', 'must be a list');
  cases.forEach((c, i) => {
    checkCase(c, `cases[${i}]`);
  });
  const bounds = periods.map((p) => (p ? parsePeriod(p) : null));
  const metrics = resolveMetrics(config);
  // Per period, the cases of each center with their parsed times.
  const buckets = bounds.map(() => new Map<string, Indexed[]>());
  const anyPeriod = bounds.some((b) => b !== null);
  for (const c of cases) {
    const entry = { c, t: firstTimes(c) };
    const index = anyPeriod ? caseIndexTime(c, entry.t) : null;
    bounds.forEach((b, i) => {
      if (b && (index === null || index < b.from || index >= b.to)) return;
      const list = buckets[i].get(c.center);
      if (list) list.push(entry);
      else buckets[i].set(c.center, [entry]);
    });
  }
  return buckets.map((byCenter) =>
    metrics.map((metric) => {
      const ofCenter = byCenter.get(metric.center) ?? [];
      return metric.kind === 'interval'
        ? aggregateInterval(metric, ofCenter)
        : aggregateProportion(
            metric,
            ofCenter.map((e) => e.c),
          );
    }),
  );
}

interface Indexed {
  c: PathwayCase;
  t: FirstTimes;
}

function aggregateInterval(metric: IntervalMetric, cases: readonly Indexed[]): IntervalAggregate {
  // One pass without per-case result objects (the same rules as computeInterval): a year of a busy network is
  // 10^5 cases, and the allocation, not the arithmetic, is what costs.
  let eligible = 0;
  let judged = 0;
  let within = 0;
  const values: number[] = [];
  const incompleteCaseIds: string[] = [];
  const late: { c: PathwayCase; minutes: number; targetMinutes: number | null }[] = [];
  for (const { c, t } of cases) {
    if (metric.appliesWhen && !matchesCondition(c, metric.appliesWhen)) continue;
    eligible++;
    const start = t.get(metric.start);
    const end = t.get(metric.end);
    if (start === undefined || end === undefined) {
      incompleteCaseIds.push(c.id);
      continue;
    }
    let minutes = Math.round((end - start) / 6_000) / 10;
    if (minutes < 0) {
      if (!metric.negativeMeansZero) {
        incompleteCaseIds.push(c.id);
        continue;
      }
      minutes = 0;
    }
    values.push(minutes);
    const targetMinutes = caseTarget(metric, c);
    if (targetMinutes === null) continue;
    judged++;
    if (minutes <= targetMinutes) within++;
    else late.push({ c, minutes, targetMinutes });
  }
  values.sort((x, y) => x - y);
  let sum = 0;
  for (const v of values) sum += v;
  const mean = values.length ? round1(sum / values.length) : null;
  const median = values.length ? round1(percentile(values, 0.5) as number) : null;
  const p90 = values.length >= 10 ? round1(percentile(values, 0.9) as number) : null;
  const pctWithinTarget = judged ? round1((100 * within) / judged) : null;
  let compliant: boolean | null = null;
  if (metric.targetMinutes !== null && pctWithinTarget !== null) {
    compliant = metric.targetShare === undefined || pctWithinTarget >= metric.targetShare * 100;
    if (metric.meanWithinTarget && mean !== null) compliant = compliant && mean <= metric.targetMinutes;
  }
  const outliers = late
    .map((x) => ({
      caseId: x.c.id,
      minutes: x.minutes,
      targetMinutes: x.targetMinutes,
      delayReasons: (x.c.delayReasons ?? []).filter(
        (d) => d.metric === undefined || d.metric === metric.code,
      ),
    }))
    .sort((a, b) => b.minutes - a.minutes);
  return {
    metric: metric.code,
    kind: 'interval',
    nameZh: metric.nameZh,
    nameEn: metric.nameEn,
    eligible,
    n: values.length,
    incompleteCaseIds,
    mean,
    median,
    p90,
    targetMinutes: metric.targetMinutes,
    targetShare: metric.targetShare ?? null,
    pctWithinTarget,
    compliant,
    outliers,
  };
}

function aggregateProportion(metric: ProportionMetric, cases: readonly PathwayCase[]): ProportionAggregate {
  const eligible = cases.filter((c) => matchesCondition(c, metric.eligibleWhen));
  const numerator = eligible.filter((c) => matchesCondition(c, metric.numeratorWhen)).length;
  const proportion = eligible.length ? numerator / eligible.length : null;
  return {
    metric: metric.code,
    kind: 'proportion',
    nameZh: metric.nameZh,
    nameEn: metric.nameEn,
    eligible: eligible.length,
    numerator,
    proportion,
    targetProportion: metric.targetProportion,
    compliant: proportion === null ? null : proportion >= metric.targetProportion,
  };
}
