/**
 * Cases in the shape the metrics module needs (PathwayCase), read lean: only the columns metrics use, nodes by
 * one join on the same filter. Used to (re)compute the per-case metric rows (case-metrics.ts) and, as the
 * reference of the SQL aggregation, to compute a period in Node the way the QC endpoints did before.
 */
import type {
  Center,
  DelayReason,
  PathwayCase,
  Period,
  RecordedNode,
  TimeSource,
  Treatment,
} from '@lifeline/emergency';
import type { Queryable } from '../../db/pool';

export interface MetricCaseRow {
  id: string;
  organization_id: string;
  prehospital_organization_id: string | null;
  center: Center;
  arrival_mode: PathwayCase['arrivalMode'] | null;
  diagnosis: string | null;
  treatments: Treatment[];
  bypassed_ed: boolean | null;
  fields: Record<string, string | number | boolean | null>;
  delay_reasons: DelayReason[];
  outcome: string | null;
}

interface NodeRow {
  case_id: string;
  code: string;
  instance: string;
  at: Date | null;
  window_from: Date | null;
  window_to: Date | null;
  source: TimeSource;
}

/** Cases matching `where` (on alias c) with their live nodes; the row and the PathwayCase of each. */
export async function loadMetricCases(
  db: Queryable,
  where: string,
  params: unknown[],
): Promise<{ row: MetricCaseRow; pathwayCase: PathwayCase }[]> {
  const [cases, nodes] = await Promise.all([
    db.query<MetricCaseRow>(
      `SELECT c.id, c.organization_id, c.prehospital_organization_id, c.center, c.arrival_mode, c.diagnosis,
         c.treatments, c.bypassed_ed, c.fields, c.delay_reasons, c.outcome FROM emergency_cases c WHERE ${where}`,
      params,
    ),
    db.query<NodeRow>(
      `SELECT n.case_id, n.code, n.instance, n.at, n.window_from, n.window_to, n.source
       FROM emergency_time_nodes n JOIN emergency_cases c ON c.id = n.case_id
       WHERE n.deleted_at IS NULL AND ${where}`,
      params,
    ),
  ]);
  const byCase = new Map<string, RecordedNode[]>();
  for (const n of nodes.rows) {
    const list = byCase.get(n.case_id) ?? [];
    list.push({
      code: n.code,
      ...(n.at ? { at: n.at.toISOString() } : {}),
      ...(n.window_from && n.window_to
        ? { window: { from: n.window_from.toISOString(), to: n.window_to.toISOString() } }
        : {}),
      source: n.source,
      ...(n.instance ? { instance: n.instance } : {}),
    });
    byCase.set(n.case_id, list);
  }
  return cases.rows.map((c) => ({
    row: c,
    pathwayCase: {
      id: c.id,
      center: c.center,
      arrivalMode: c.arrival_mode ?? undefined,
      diagnosis: c.diagnosis ?? undefined,
      treatments: c.treatments,
      bypassedEd: c.bypassed_ed ?? undefined,
      delayReasons: c.delay_reasons,
      fields: c.outcome ? { ...c.fields, outcome: c.outcome } : c.fields,
      times: byCase.get(c.id) ?? [],
    },
  }));
}

const MARGIN_MS = 3 * 24 * 3600_000;

/**
 * The reference (in-Node) selection of a period: cases of the organisation created, or with a recorded time,
 * within the period and a margin; aggregateMetrics then places each by its index time. Tests and the benchmark
 * compare the SQL aggregation with this.
 */
export async function casesAround(
  db: Queryable,
  orgId: string,
  center: Center,
  period: Period,
): Promise<PathwayCase[]> {
  const from = new Date(new Date(period.from).getTime() - MARGIN_MS).toISOString();
  const to = new Date(new Date(period.to).getTime() + MARGIN_MS).toISOString();
  const where = `(c.organization_id = $1 OR c.prehospital_organization_id = $1) AND c.center = $2
    AND ((c.created_at >= $3 AND c.created_at < $4) OR EXISTS (SELECT 1 FROM emergency_time_nodes x
      WHERE x.case_id = c.id AND x.deleted_at IS NULL AND coalesce(x.at, x.window_from) >= $3
        AND coalesce(x.at, x.window_from) < $4))`;
  return (await loadMetricCases(db, where, [orgId, center, from, to])).map((x) => x.pathwayCase);
}
