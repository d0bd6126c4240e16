/**
 * Per-case metric rows (table emergency_case_metrics, migration 0015) and the QC aggregation over them in SQL.
 * Rows are computed by @lifeline/emergency computeCaseMetrics: one definition for the case screen, the rows and
 * the in-Node reference. Triggers mark a case stale in the transaction of any write to it or its nodes;
 * refreshCaseMetrics recomputes the marked cases (also the backfill of cases that existed before 0015) and runs
 * before every QC read, so a read never sees a row older than the last committed write.
 */
import {
  type CaseMetricResult,
  type Center,
  caseIndexTime,
  computeCaseMetrics,
  type DelayReason,
  type IntervalAggregate,
  METRICS,
  type MetricAggregate,
  type Outlier,
  type Period,
  type ProportionAggregate,
} from '@lifeline/emergency';
import type pg from 'pg';
import { loadMetricCases } from './metric-cases';

const BATCH = 2000;
/** One refresher at a time (advisory transaction lock), so two QC reads never write the same rows at once. */
const REFRESH_LOCK = 7_317_015;

/** Recomputes the rows of every stale case; returns how many cases were recomputed. */
export async function refreshCaseMetrics(db: pg.Pool): Promise<number> {
  const quick = await db.query('SELECT 1 FROM emergency_case_metrics_stale LIMIT 1');
  if (quick.rowCount === 0) return 0;
  let total = 0;
  for (;;) {
    const client = await db.connect();
    let done = 0;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [REFRESH_LOCK]);
      const stale = await client.query<{ case_id: string; seq: string }>(
        'SELECT case_id, seq FROM emergency_case_metrics_stale ORDER BY seq LIMIT $1',
        [BATCH],
      );
      done = stale.rows.length;
      if (done > 0) await writeRows(client, stale.rows);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    total += done;
    if (done < BATCH) return total;
  }
}

async function writeRows(client: pg.PoolClient, stale: { case_id: string; seq: string }[]) {
  const ids = stale.map((s) => s.case_id);
  const loaded = await loadMetricCases(client, 'c.id = ANY($1::uuid[])', [ids]);
  const cols = {
    caseId: [] as string[],
    metric: [] as string[],
    kind: [] as string[],
    org: [] as string[],
    pre: [] as (string | null)[],
    center: [] as string[],
    index: [] as (string | null)[],
    minutes: [] as (number | null)[],
    target: [] as (number | null)[],
    within: [] as (boolean | null)[],
    counted: [] as (boolean | null)[],
  };
  for (const { row, pathwayCase } of loaded) {
    const index = caseIndexTime(pathwayCase);
    const indexIso = index === null ? null : new Date(index).toISOString();
    for (const r of computeCaseMetrics(pathwayCase) as CaseMetricResult[]) {
      if (!r.applicable) continue; // counts nowhere
      cols.caseId.push(row.id);
      cols.metric.push(r.metric);
      cols.kind.push(r.kind);
      cols.org.push(row.organization_id);
      cols.pre.push(row.prehospital_organization_id);
      cols.center.push(row.center);
      cols.index.push(indexIso);
      cols.minutes.push(r.kind === 'interval' ? r.minutes : null);
      cols.target.push(r.kind === 'interval' ? r.targetMinutes : null);
      cols.within.push(r.kind === 'interval' ? r.withinTarget : null);
      cols.counted.push(r.kind === 'proportion' ? r.counted : null);
    }
  }
  await client.query('DELETE FROM emergency_case_metrics WHERE case_id = ANY($1::uuid[])', [ids]);
  if (cols.caseId.length > 0)
    await client.query(
      `INSERT INTO emergency_case_metrics (case_id, metric, kind, organization_id, prehospital_organization_id,
         center, index_at, minutes, target_minutes, within_target, counted)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::text[],
         $7::timestamptz[], $8::float8[], $9::float8[], $10::boolean[], $11::boolean[])`,
      [
        cols.caseId,
        cols.metric,
        cols.kind,
        cols.org,
        cols.pre,
        cols.center,
        cols.index,
        cols.minutes,
        cols.target,
        cols.within,
        cols.counted,
      ],
    );
  // A case written again since it was read keeps its mark (its seq moved on) and is recomputed next time.
  await client.query(
    `DELETE FROM emergency_case_metrics_stale s USING unnest($1::uuid[], $2::bigint[]) AS x(case_id, seq)
     WHERE s.case_id = x.case_id AND s.seq = x.seq`,
    [ids, stale.map((s) => s.seq)],
  );
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const SCOPE = '(m.organization_id = $1 OR m.prehospital_organization_id = $1) AND m.center = $2';

/** Outliers and incomplete case ids returned per metric (the longest first); the counts give the totals. */
export const LISTED_CASES = 100;

interface AggRow {
  metric: string;
  eligible: number;
  n: number;
  mean: string | null;
  pct: number[] | null;
  judged: number;
  within: number;
  late: number;
  numerator: number;
}

/** An interval aggregate with the totals of its (capped) outlier and incomplete lists. */
export type QcAggregate = MetricAggregate & { outlierCount?: number; incompleteCount?: number };

const aggregates = (p90: boolean) => `count(*)::int AS eligible, count(m.minutes)::int AS n,
  round(avg(m.minutes::numeric), 1)::text AS mean,
  percentile_cont(${p90 ? 'ARRAY[0.5, 0.9]' : 'ARRAY[0.5]'}) WITHIN GROUP (ORDER BY m.minutes) AS pct,
  count(m.within_target)::int AS judged, count(*) FILTER (WHERE m.within_target)::int AS within,
  count(*) FILTER (WHERE NOT m.within_target)::int AS late,
  count(*) FILTER (WHERE m.counted)::int AS numerator`;

/** Runs fn on one connection with enough sort memory for a year's percentiles (no spill to disk). */
async function withSortMemory<T>(db: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SET LOCAL work_mem = '64MB'`);
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

function toAggregate(center: Center, rows: Map<string, AggRow>): QcAggregate[] {
  return METRICS.filter((d) => d.center === center).map((def): QcAggregate => {
    const r = rows.get(def.code);
    if (def.kind === 'proportion') {
      const eligible = r?.eligible ?? 0;
      const numerator = r?.numerator ?? 0;
      const proportion = eligible ? numerator / eligible : null;
      const out: ProportionAggregate = {
        metric: def.code,
        kind: 'proportion',
        nameZh: def.nameZh,
        nameEn: def.nameEn,
        eligible,
        numerator,
        proportion,
        targetProportion: def.targetProportion,
        compliant: proportion === null ? null : proportion >= def.targetProportion,
      };
      return out;
    }
    const n = r?.n ?? 0;
    const mean = n && r?.mean != null ? Number(r.mean) : null;
    const judged = r?.judged ?? 0;
    const pctWithinTarget = judged ? round1((100 * (r?.within ?? 0)) / judged) : null;
    let compliant: boolean | null = null;
    if (def.targetMinutes !== null && pctWithinTarget !== null) {
      compliant = def.targetShare === undefined || pctWithinTarget >= def.targetShare * 100;
      if (def.meanWithinTarget && mean !== null) compliant = compliant && mean <= def.targetMinutes;
    }
    const pct = n ? r?.pct : null;
    const out: IntervalAggregate & { outlierCount: number; incompleteCount: number } = {
      metric: def.code,
      kind: 'interval',
      nameZh: def.nameZh,
      nameEn: def.nameEn,
      eligible: r?.eligible ?? 0,
      n,
      incompleteCaseIds: [],
      incompleteCount: (r?.eligible ?? 0) - n,
      mean,
      median: pct ? round1(pct[0]) : null,
      p90: n >= 10 && pct && pct.length > 1 ? round1(pct[1]) : null,
      targetMinutes: def.targetMinutes,
      targetShare: def.targetShare ?? null,
      pctWithinTarget,
      compliant,
      outliers: [],
      outlierCount: r?.late ?? 0,
    };
    return out;
  });
}

/**
 * Every metric of a center over the cases whose index time lies in the period, aggregated in SQL: n, mean,
 * median, p90, % within target, compliance; the incomplete cases and the outliers (longest first, with the delay
 * reasons recorded for the metric or for the whole case), each list capped at LISTED_CASES with its total count.
 */
export async function sqlPeriodMetrics(
  db: pg.Pool,
  orgId: string,
  center: Center,
  period: Period,
): Promise<QcAggregate[]> {
  await refreshCaseMetrics(db);
  const codes = METRICS.filter((d) => d.center === center && d.kind === 'interval').map((d) => d.code);
  const params = [orgId, center, period.from, period.to];
  const where = `${SCOPE} AND m.index_at >= $3 AND m.index_at < $4`;
  const [agg, incomplete, late] = await withSortMemory(db, (c) =>
    Promise.all([
      c.query<AggRow>(
        `SELECT m.metric, ${aggregates(true)} FROM emergency_case_metrics m WHERE ${where} GROUP BY m.metric`,
        params,
      ),
      c.query<{ metric: string; case_id: string }>(
        `SELECT x.metric, x.case_id FROM unnest($5::text[]) AS k(code) CROSS JOIN LATERAL (
           SELECT m.metric, m.case_id FROM emergency_case_metrics m
           WHERE ${where} AND m.metric = k.code AND m.minutes IS NULL ORDER BY m.case_id LIMIT ${LISTED_CASES}) x`,
        [...params, codes],
      ),
      c.query<{
        metric: string;
        case_id: string;
        minutes: number;
        target_minutes: number | null;
        delay_reasons: DelayReason[];
      }>(
        `SELECT x.metric, x.case_id, x.minutes, x.target_minutes, ec.delay_reasons
         FROM unnest($5::text[]) AS k(code) CROSS JOIN LATERAL (
           SELECT m.metric, m.case_id, m.minutes, m.target_minutes FROM emergency_case_metrics m
           WHERE ${where} AND m.metric = k.code AND m.within_target = false
           ORDER BY m.minutes DESC, m.case_id LIMIT ${LISTED_CASES}) x
         JOIN emergency_cases ec ON ec.id = x.case_id
         ORDER BY x.metric, x.minutes DESC, x.case_id`,
        [...params, codes],
      ),
    ]),
  );
  const metrics = toAggregate(center, new Map(agg.rows.map((r) => [r.metric, r])));
  const byCode = new Map(metrics.map((m) => [m.metric, m]));
  for (const r of incomplete.rows) {
    const m = byCode.get(r.metric);
    if (m?.kind === 'interval') m.incompleteCaseIds.push(r.case_id);
  }
  for (const r of late.rows) {
    const m = byCode.get(r.metric);
    if (m?.kind !== 'interval') continue;
    const outlier: Outlier = {
      caseId: r.case_id,
      minutes: r.minutes,
      targetMinutes: r.target_minutes,
      delayReasons: (r.delay_reasons ?? []).filter((d) => d.metric === undefined || d.metric === r.metric),
    };
    m.outliers.push(outlier);
  }
  return metrics;
}

/**
 * The metrics of consecutive periods (e.g. the months of a trend), each case placed by width_bucket on the
 * periods' bounds, in one grouped SQL query; one list per period.
 */
export async function sqlMetricsByPeriod(
  db: pg.Pool,
  orgId: string,
  center: Center,
  periods: Period[],
): Promise<QcAggregate[][]> {
  for (let i = 1; i < periods.length; i++)
    if (Date.parse(periods[i].from) !== Date.parse(periods[i - 1].to))
      throw new Error('sqlMetricsByPeriod: periods must follow each other');
  await refreshCaseMetrics(db);
  const bounds = [...periods.map((p) => p.from), periods[periods.length - 1].to];
  const res = await withSortMemory(db, (c) =>
    c.query<AggRow & { i: number }>(
      `SELECT width_bucket(m.index_at, $3::timestamptz[]) AS i, m.metric, ${aggregates(false)}
       FROM emergency_case_metrics m
       WHERE ${SCOPE} AND m.index_at >= $4 AND m.index_at < $5
       GROUP BY 1, m.metric`,
      [orgId, center, bounds, bounds[0], bounds[bounds.length - 1]],
    ),
  );
  const byPeriod = periods.map(() => new Map<string, AggRow>());
  for (const r of res.rows) byPeriod[r.i - 1]?.set(r.metric, r);
  return byPeriod.map((rows) => toAggregate(center, rows));
}
