/**
 * Statistics SQL over ecg_exam_search (one narrow row per exam) and critical_values. Every query is scoped to the
 * caller's organisations, buckets by the organisation's wall-clock calendar, and returns for each row the bounds
 * (from, to as instants) and keys that let a screen open the list behind it in the search.
 */
import type { Queryable } from '../../db/pool';

export const UNITS = ['day', 'month', 'quarter', 'year'] as const;
export type Unit = (typeof UNITS)[number];
export const VOLUME_DIMENSIONS = ['none', 'department', 'device', 'organization'] as const;
export type VolumeDimension = (typeof VOLUME_DIMENSIONS)[number];

export interface StatsScope {
  orgIds: string[];
  organizationId?: string;
  from: string;
  to: string;
  tz: string;
}

/** WHERE over alias s (ecg_exam_search); $1 = orgIds, $2 = from, $3 = to, $4 = tz, $5 = organisation or null. */
const SCOPE = `s.organization_id = ANY($1::uuid[]) AND ($5::uuid IS NULL OR s.organization_id = $5)
  AND s.exam_at >= $2 AND s.exam_at < $3 AND $4::text IS NOT NULL`;
const params = (sc: StatsScope) => [sc.orgIds, sc.from, sc.to, sc.tz, sc.organizationId ?? null];

/** Bucket start and end as instants, from a wall-clock truncation in the organisation's zone. */
const bucketCols = (unit: Unit, col = 's.exam_at') => `
  (date_trunc('${unit}', ${col} AT TIME ZONE $4) AT TIME ZONE $4) AS bucket_from,
  ((date_trunc('${unit}', ${col} AT TIME ZONE $4) + interval '${unit === 'quarter' ? '3 months' : `1 ${unit}`}') AT TIME ZONE $4) AS bucket_to,
  to_char(date_trunc('${unit}', ${col} AT TIME ZONE $4), '${unit === 'day' ? 'YYYY-MM-DD' : unit === 'month' ? 'YYYY-MM' : unit === 'quarter' ? 'YYYY-"Q"Q' : 'YYYY'}') AS bucket`;

export interface VolumeRow {
  bucket: string;
  bucket_from: Date;
  bucket_to: Date;
  key: string | null;
  label: string | null;
  exams: number;
  critical: number;
}

/** WHERE over the daily rollup (alias d): same parameters as SCOPE, whole local days [from, to). */
const DAILY = `d.organization_id = ANY($1::uuid[]) AND ($5::uuid IS NULL OR d.organization_id = $5)
  AND d.day >= ($2::timestamptz AT TIME ZONE $4)::date AND d.day < ($3::timestamptz AT TIME ZONE $4)::date`;

/** Bucket columns from a local day (date) column. */
const dayBuckets = (unit: Unit) => {
  const trunc = `date_trunc('${unit}', d.day::timestamp)`;
  const step = unit === 'quarter' ? '3 months' : `1 ${unit}`;
  const fmt = { day: 'YYYY-MM-DD', month: 'YYYY-MM', quarter: 'YYYY-"Q"Q', year: 'YYYY' }[unit];
  return `(${trunc} AT TIME ZONE $4) AS bucket_from, ((${trunc} + interval '${step}') AT TIME ZONE $4) AS bucket_to,
    to_char(${trunc}, '${fmt}') AS bucket`;
};

/** Exams (and critical ones) per bucket and group, from the daily rollup. */
export async function volume(
  db: Queryable,
  sc: StatsScope,
  unit: Unit,
  by: VolumeDimension,
): Promise<VolumeRow[]> {
  const dim = by === 'department' || by === 'device' ? by : 'all';
  const keyCol =
    by === 'organization' ? 'd.organization_id::text' : by === 'none' ? 'NULL::text' : "nullif(d.key, '')";
  const labelJoin = {
    none: 'NULL::text',
    department: '(SELECT name FROM departments WHERE id::text = v.key)',
    device: 'v.key',
    organization: '(SELECT name FROM organizations WHERE id::text = v.key)',
  }[by];
  const { rows } = await db.query<VolumeRow>(
    `WITH v AS (
       SELECT ${dayBuckets(unit)}, ${keyCol} AS key, sum(d.exams)::int AS exams, sum(d.critical)::int AS critical
       FROM ecg_stats_daily d WHERE ${DAILY} AND d.dim = '${dim}'
       GROUP BY 1, 2, 3, 4 HAVING sum(d.exams) > 0)
     SELECT v.*, ${labelJoin} AS label FROM v ORDER BY bucket_from, exams DESC`,
    params(sc),
  );
  return rows;
}

export interface DiagnosisRow {
  code: string;
  exams: number;
}

export async function diagnosisDistribution(
  db: Queryable,
  sc: StatsScope,
  top = 20,
): Promise<DiagnosisRow[]> {
  const { rows } = await db.query<DiagnosisRow>(
    `SELECT d.key AS code, sum(d.exams)::int AS exams FROM ecg_stats_daily d
     WHERE ${DAILY} AND d.dim = 'code' GROUP BY d.key HAVING sum(d.exams) > 0
     ORDER BY exams DESC, code LIMIT ${Number(top)}`,
    params(sc),
  );
  return rows;
}

/** Exams in the period (rollup), the denominator of diagnosis shares. */
export async function examTotal(db: Queryable, sc: StatsScope): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT coalesce(sum(d.exams), 0)::int AS n FROM ecg_stats_daily d WHERE ${DAILY} AND d.dim = 'all'`,
    params(sc),
  );
  return rows[0].n;
}

export interface DiagnosisTrendRow {
  bucket: string;
  bucket_from: Date;
  bucket_to: Date;
  code: string;
  exams: number;
  total: number;
}

/** Per bucket: exams with each of the given codes, and all exams (for shares). */
export async function diagnosisTrend(
  db: Queryable,
  sc: StatsScope,
  unit: Unit,
  codes: string[],
): Promise<DiagnosisTrendRow[]> {
  const { rows } = await db.query<DiagnosisTrendRow>(
    `WITH b AS (
       SELECT ${dayBuckets(unit)}, d.dim, d.key, sum(d.exams)::int AS exams FROM ecg_stats_daily d
       WHERE ${DAILY} AND (d.dim = 'all' OR (d.dim = 'code' AND d.key = ANY($6::text[])))
       GROUP BY 1, 2, 3, 4, 5)
     SELECT c.bucket, c.bucket_from, c.bucket_to, c.key AS code, c.exams, t.exams AS total
     FROM b c JOIN b t ON t.bucket = c.bucket AND t.dim = 'all'
     WHERE c.dim = 'code' AND c.exams > 0 ORDER BY c.bucket_from, c.key`,
    [...params(sc), codes],
  );
  return rows;
}

export { type TurnaroundRow, turnaround } from './turnaround';

export interface WorkloadRow {
  role: 'technician' | 'physician';
  key: string;
  label: string | null;
  exams: number;
  critical: number;
}

export async function workload(db: Queryable, sc: StatsScope): Promise<WorkloadRow[]> {
  const { rows } = await db.query<WorkloadRow>(
    `WITH w AS (
       SELECT CASE d.dim WHEN 'reader' THEN 'physician' ELSE 'technician' END AS role, d.key,
         sum(d.exams)::int AS exams, sum(d.critical)::int AS critical
       FROM ecg_stats_daily d WHERE ${DAILY} AND d.dim IN ('technician', 'reader')
       GROUP BY 1, 2 HAVING sum(d.exams) > 0)
     SELECT w.*, (SELECT display_name FROM users WHERE id::text = w.key) AS label FROM w
     ORDER BY role DESC, exams DESC`,
    params(sc),
  );
  return rows;
}

export interface CriticalRow {
  bucket: string;
  bucket_from: Date;
  bucket_to: Date;
  total: number;
  acknowledged: number;
  in_time: number;
  median_ack_min: number | null;
  p90_ack_min: number | null;
  max_ack_min: number | null;
}

/** The critical-value register by bucket: how many, how fast acknowledged, and how many within the due time. */
export async function criticalValues(db: Queryable, sc: StatsScope, unit: Unit): Promise<CriticalRow[]> {
  const { rows } = await db.query<CriticalRow>(
    `SELECT ${bucketCols(unit, 's.created_at')}, count(*)::int AS total,
       count(s.acknowledged_at)::int AS acknowledged,
       count(*) FILTER (WHERE s.acknowledged_at <= s.ack_due_at)::int AS in_time,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.acknowledged_at - s.created_at) / 60)
         AS median_ack_min,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM s.acknowledged_at - s.created_at) / 60)
         AS p90_ack_min,
       max(extract(epoch FROM s.acknowledged_at - s.created_at) / 60) AS max_ack_min
     FROM critical_values s
     WHERE s.organization_id = ANY($1::uuid[]) AND ($5::uuid IS NULL OR s.organization_id = $5)
       AND s.created_at >= $2 AND s.created_at < $3 AND $4::text IS NOT NULL
     GROUP BY 1, 2, 3 ORDER BY 1`,
    params(sc),
  );
  return rows;
}

export interface DashboardCounts {
  exams: number;
  signed: number;
  unsigned: number;
  critical: number;
}

export async function counts(db: Queryable, sc: StatsScope): Promise<DashboardCounts> {
  const { rows } = await db.query<DashboardCounts>(
    `SELECT count(*)::int AS exams, count(s.signed_at)::int AS signed,
       count(*) FILTER (WHERE s.signed_at IS NULL)::int AS unsigned,
       count(*) FILTER (WHERE s.critical)::int AS critical
     FROM ecg_exam_search s WHERE ${SCOPE}`,
    params(sc),
  );
  return rows[0];
}
