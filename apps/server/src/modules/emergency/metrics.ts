/**
 * Quality control: metrics of a period (mean, median, % within target, outliers with delay reasons) and a
 * monthly trend for the cases of the caller's organisation. A case belongs to a period by its door time (else
 * first medical contact). The figures are aggregated in SQL over the per-case metric rows that
 * @lifeline/emergency computes for each case (case-metrics.ts), organisation scoping in the same SQL.
 */
import { type Center, monthPeriod, type Period } from '@lifeline/emergency';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { sqlMetricsByPeriod, sqlPeriodMetrics } from './case-metrics';
import { caseSummaryOut } from './cases';
import { casesByIds, nodesOf } from './repo';

/** "+08:00" for Asia/Shanghai: the zone's offset at a given instant. */
export function utcOffset(timeZone: string, at = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at);
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-]\d{2}:\d{2})/.exec(name);
  return m ? m[1] : '+00:00';
}

/** Outliers per metric whose case summary (wristband, patient) is returned with the period's metrics. */
const OUTLIER_CASES = 100;

async function outlierSummaries(app: FastifyInstance, orgId: string, ids: string[]) {
  const rows = await casesByIds(app.db, orgId, ids);
  const nodes = await nodesOf(
    app.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => caseSummaryOut(r, nodes.get(r.id) ?? []));
}

function periodOf(q: { month?: string; from?: string; to?: string }, timeZone: string): Period {
  if (q.month) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(q.month)) throw AppError.invalid('month', 'must be YYYY-MM');
    return monthPeriod(q.month, utcOffset(timeZone, new Date(`${q.month}-15T00:00:00Z`)));
  }
  if (!q.from || !q.to) throw AppError.invalid('month', 'give month, or from and to');
  if (Number.isNaN(Date.parse(q.from))) throw AppError.invalid('from', 'not a date-time');
  if (Number.isNaN(Date.parse(q.to))) throw AppError.invalid('to', 'not a date-time');
  if (Date.parse(q.to) <= Date.parse(q.from)) throw AppError.invalid('to', 'must be after from');
  return { from: q.from, to: q.to };
}

export async function periodMetrics(
  app: FastifyInstance,
  request: FastifyRequest,
  q: { center: Center; month?: string; from?: string; to?: string },
) {
  const user = requireUser(request.user);
  const period = periodOf(q, user.timeZone);
  const metrics = await sqlPeriodMetrics(app.db, user.organizationId, q.center, period);
  // Wristband and patient for the longest outliers of each metric (a year can have thousands; the list of each
  // metric keeps all of them, longest first).
  const outlierIds = new Set(
    metrics.flatMap((m) =>
      m.kind === 'interval' ? m.outliers.slice(0, OUTLIER_CASES).map((o) => o.caseId) : [],
    ),
  );
  await request.audit({
    action: 'emergency.metrics.read',
    resourceType: 'emergency-metrics',
    detail: { center: q.center, period, outliers: [...outlierIds] },
  });
  return {
    center: q.center,
    period,
    metrics,
    // Wristband and patient of each outlier, so the QC page can open the case.
    outlierCases: await outlierSummaries(app, user.organizationId, [...outlierIds]),
  };
}

export async function metricTrend(
  app: FastifyInstance,
  request: FastifyRequest,
  q: { center: Center; end: string; months?: number },
) {
  const user = requireUser(request.user);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(q.end)) throw AppError.invalid('end', 'must be YYYY-MM');
  const count = q.months ?? 12;
  const [y, m] = q.end.split('-').map(Number);
  const months = Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - (count - 1 - i), 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
  const offset = utcOffset(user.timeZone);
  const periods = months.map((month) => monthPeriod(month, offset));
  const perMonth = await sqlMetricsByPeriod(app.db, user.organizationId, q.center, periods);
  await request.audit({
    action: 'emergency.metrics.trend',
    resourceType: 'emergency-metrics',
    detail: { center: q.center, months },
  });
  return {
    center: q.center,
    months: months.map((month, i) => ({
      month,
      metrics: perMonth[i].map((a) =>
        a.kind === 'interval'
          ? {
              metric: a.metric,
              kind: a.kind,
              n: a.n,
              eligible: a.eligible,
              mean: a.mean,
              median: a.median,
              pctWithinTarget: a.pctWithinTarget,
              compliant: a.compliant,
            }
          : {
              metric: a.metric,
              kind: a.kind,
              eligible: a.eligible,
              proportion: a.proportion,
              compliant: a.compliant,
            },
      ),
    })),
  };
}
