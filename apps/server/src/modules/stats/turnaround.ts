/**
 * Turnaround (minutes from reception to the first signature) by priority or reader.
 *
 * A period shorter than a month is read exactly from ecg_exam_search (percentile_cont over its signed exams).
 * A longer one reads the whole local months it covers from the monthly histograms (ecg_turnaround_monthly,
 * migration 0010) and only the partial months at its ends from ecg_exam_search, binned the same way; percentiles
 * are then interpolated inside a bucket between its smallest and largest value (`approximate`): within the 2 % width
 * of a bucket, and exact when the values around the percentile sit in buckets of one or two exams. Counts and the
 * maximum are exact.
 */
import { inTransaction, type Pool } from '../../db/pool';
import type { StatsScope } from './queries';

export interface TurnaroundRow {
  key: string | null;
  label: string | null;
  exams: number;
  median_min: number | null;
  p90_min: number | null;
  max_min: number | null;
  approximate: boolean;
}

/** Below this a period cannot hold a whole month: the exact path. */
const MIN_HISTOGRAM_MS = 28 * 86_400_000;

const SCOPE = `s.organization_id = ANY($1::uuid[]) AND ($5::uuid IS NULL OR s.organization_id = $5)
  AND s.exam_at >= $2 AND s.exam_at < $3 AND $4::text IS NOT NULL`;
const params = (sc: StatsScope) => [sc.orgIds, sc.from, sc.to, sc.tz, sc.organizationId ?? null];
const MINUTES = 'extract(epoch FROM s.signed_at - s.received_at)::float8 / 60';

export interface Bucket {
  exams: number;
  min: number;
  max: number;
}

/**
 * percentile_cont over a histogram sorted by value: the k-th smallest value is placed evenly between its bucket's
 * smallest and largest value, and the two order statistics around p·(n−1) are interpolated as percentile_cont does.
 */
export function histogramPercentile(buckets: Bucket[], p: number): number | null {
  const n = buckets.reduce((a, b) => a + b.exams, 0);
  if (n === 0) return null;
  const sorted = [...buckets].filter((b) => b.exams > 0).sort((a, b) => a.min - b.min);
  const nth = (k: number) => {
    let before = 0;
    for (const b of sorted) {
      if (k < before + b.exams) {
        return b.exams === 1 ? b.min : b.min + ((b.max - b.min) * (k - before)) / (b.exams - 1);
      }
      before += b.exams;
    }
    return sorted[sorted.length - 1].max;
  };
  const r = p * (n - 1);
  const lo = Math.floor(r);
  const a = nth(lo);
  return lo === r ? a : a + (nth(lo + 1) - a) * (r - lo);
}

export async function turnaround(
  db: Pool,
  sc: StatsScope,
  by: 'priority' | 'reader',
): Promise<TurnaroundRow[]> {
  const keyCol = by === 'priority' ? "coalesce(s.priority, 'routine')" : 's.reader_id::text';
  const labelOf = async (keys: string[]) => {
    if (by === 'priority' || keys.length === 0) return new Map(keys.map((k) => [k, k]));
    const { rows } = await db.query<{ id: string; display_name: string }>(
      'SELECT id::text AS id, display_name FROM users WHERE id = ANY($1::uuid[])',
      [keys],
    );
    return new Map(rows.map((r) => [r.id, r.display_name]));
  };

  if (Date.parse(sc.to) - Date.parse(sc.from) < MIN_HISTOGRAM_MS) {
    const { rows } = await db.query<Omit<TurnaroundRow, 'label' | 'approximate'>>(
      `SELECT ${keyCol} AS key, count(*)::int AS exams,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY ${MINUTES}) AS median_min,
         percentile_cont(0.9) WITHIN GROUP (ORDER BY ${MINUTES}) AS p90_min, max(${MINUTES}) AS max_min
       FROM ecg_exam_search s WHERE ${SCOPE} AND s.signed_at IS NOT NULL AND ${keyCol} IS NOT NULL
       GROUP BY 1 ORDER BY exams DESC`,
      params(sc),
    );
    const labels = await labelOf(rows.flatMap((r) => (r.key ? [r.key] : [])));
    return rows.map((r) => ({ ...r, label: labels.get(r.key ?? '') ?? null, approximate: false }));
  }

  // Per organisation, the whole local months inside [from, to): [cs, ce) (empty when cs >= ce).
  const { rows } = await inTransaction(db, async (client) => {
    await client.query(`SET LOCAL work_mem = '32MB'`);
    return client.query<{ key: string; bucket: number; exams: number; min: number; max: number }>(
      `WITH o AS (
         SELECT o.id, (CASE WHEN date_trunc('month', $2::timestamptz AT TIME ZONE z.tz) = $2::timestamptz AT TIME ZONE z.tz
                  THEN date_trunc('month', $2::timestamptz AT TIME ZONE z.tz)
                  ELSE date_trunc('month', $2::timestamptz AT TIME ZONE z.tz) + interval '1 month' END)
                AT TIME ZONE z.tz AS cs,
           date_trunc('month', $3::timestamptz AT TIME ZONE z.tz) AT TIME ZONE z.tz AS ce
         FROM organizations o CROSS JOIN LATERAL (SELECT coalesce(o.time_zone, 'Asia/Shanghai') AS tz) z
         WHERE o.id = ANY($1::uuid[]) AND ($5::uuid IS NULL OR o.id = $5) AND $4::text IS NOT NULL
       ), parts AS (
         SELECT h.key, h.bucket, h.exams, h.min_min AS lo, h.max_min AS hi
         FROM ecg_turnaround_monthly h JOIN o ON o.id = h.organization_id
         WHERE h.dim = $6 AND h.month_start >= o.cs AND h.month_end <= o.ce AND h.exams > 0
         UNION ALL
         SELECT ${keyCol}, ecg_tat_bucket(${MINUTES}), count(*)::int, min(${MINUTES}), max(${MINUTES})
         FROM ecg_exam_search s JOIN o ON o.id = s.organization_id
         WHERE ${SCOPE} AND s.signed_at IS NOT NULL AND ${keyCol} IS NOT NULL
           AND (o.cs >= o.ce OR s.exam_at < o.cs OR s.exam_at >= o.ce)
         GROUP BY 1, 2
       )
       SELECT key, bucket, sum(exams)::int AS exams, min(lo) AS min, max(hi) AS max
       FROM parts GROUP BY 1, 2`,
      [...params(sc), by],
    );
  });
  const byKey = new Map<string, Bucket[]>();
  for (const r of rows) {
    const list = byKey.get(r.key) ?? [];
    list.push({ exams: r.exams, min: r.min, max: r.max });
    byKey.set(r.key, list);
  }
  const labels = await labelOf([...byKey.keys()]);
  return [...byKey.entries()]
    .map(([key, buckets]) => ({
      key,
      label: labels.get(key) ?? null,
      exams: buckets.reduce((a, b) => a + b.exams, 0),
      median_min: histogramPercentile(buckets, 0.5),
      p90_min: histogramPercentile(buckets, 0.9),
      max_min: Math.max(...buckets.map((b) => b.max)),
      // Interpolated only inside buckets of three or more exams.
      approximate: buckets.some((b) => b.exams > 2),
    }))
    .sort((a, b) => b.exams - a.exams);
}
