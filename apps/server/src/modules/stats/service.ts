import { STATEMENT_LIBRARY } from '@lifeline/ecg';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { orgScope, orgScopeNamed, parseOrgIds } from '../search';
import * as sql from './queries';

const LIBRARY = STATEMENT_LIBRARY as Record<string, { textZh: string; textEn: string }>;
const DAY_MS = 86_400_000;

export interface StatsQuery {
  from?: string;
  to?: string;
  organizationId?: string;
  /** Comma-separated organisation ids: the statistic covers only these (within the caller's scope). */
  organizationIds?: string;
  unit?: sql.Unit;
  by?: string;
}

/** A statistic over more than ~3 years would be a data dump, not a chart; the default is the last 12 months. */
const MAX_RANGE_MS = 1200 * DAY_MS;

async function scopeOf(
  app: FastifyInstance,
  request: FastifyRequest,
  q: StatsQuery,
): Promise<sql.StatsScope> {
  const user = requireUser(request.user);
  const to = q.to ?? new Date(Date.now() + DAY_MS).toISOString();
  const from = q.from ?? new Date(Date.parse(to) - 366 * DAY_MS).toISOString();
  if (Date.parse(to) <= Date.parse(from)) throw AppError.invalid('to', 'must be after from');
  if (Date.parse(to) - Date.parse(from) > MAX_RANGE_MS)
    throw AppError.invalid('from', 'range over 1200 days');
  // The organisation filter narrows the scope in its SQL: ids outside the caller's tree are dropped.
  const orgIds = await orgScope(app.db, user.organizationId, parseOrgIds(q.organizationIds));
  return { orgIds, organizationId: q.organizationId, from, to, tz: user.timeZone };
}

async function audited<T>(request: FastifyRequest, kind: string, q: StatsQuery, result: T): Promise<T> {
  await request.audit({ action: 'stats.read', resourceType: 'statistics', detail: { kind, ...q } });
  return result;
}

const iso = (d: Date) => d.toISOString();
/** The organisation filter carried into a drill-down (the search takes the same parameters). */
const orgDrill = (q: StatsQuery) => ({
  ...(q.organizationId ? { organizationId: q.organizationId } : {}),
  ...(q.organizationIds ? { organizationIds: q.organizationIds } : {}),
});

/** The organisations the caller's statistics may cover (its own and those below it), for the filter. */
export async function organizations(app: FastifyInstance, request: FastifyRequest) {
  const user = requireUser(request.user);
  return (await orgScopeNamed(app.db, user.organizationId)).map((o) => ({
    id: o.id,
    name: o.name,
    type: o.type,
    parentId: o.parent_id,
  }));
}
const r1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

export async function volume(app: FastifyInstance, request: FastifyRequest, q: StatsQuery) {
  const sc = await scopeOf(app, request, q);
  const unit = q.unit ?? 'month';
  const by = (q.by ?? 'none') as sql.VolumeDimension;
  const drillKey = {
    none: null,
    department: 'departmentId',
    device: 'device',
    organization: 'organizationId',
  }[by];
  const rows = (await sql.volume(app.db, sc, unit, by)).map((r) => ({
    bucket: r.bucket,
    from: iso(r.bucket_from),
    to: iso(r.bucket_to),
    key: r.key,
    label: r.label,
    exams: r.exams,
    critical: r.critical,
    drill: {
      from: iso(r.bucket_from),
      to: iso(r.bucket_to),
      ...orgDrill(q),
      ...(drillKey && r.key ? { [drillKey]: r.key } : {}),
    },
  }));
  return audited(request, 'volume', q, { unit, by, from: sc.from, to: sc.to, rows });
}

export async function diagnoses(app: FastifyInstance, request: FastifyRequest, q: StatsQuery) {
  const sc = await scopeOf(app, request, q);
  const unit = q.unit ?? 'month';
  const [dist, total] = await Promise.all([sql.diagnosisDistribution(app.db, sc), sql.examTotal(app.db, sc)]);
  const topCodes = dist.slice(0, 6).map((d) => d.code);
  const trend = topCodes.length ? await sql.diagnosisTrend(app.db, sc, unit, topCodes) : [];
  const scopeDrill = { from: sc.from, to: sc.to, ...orgDrill(q) };
  return audited(request, 'diagnoses', q, {
    unit,
    from: sc.from,
    to: sc.to,
    totalExams: total,
    distribution: dist.map((d) => ({
      code: d.code,
      textZh: LIBRARY[d.code]?.textZh ?? d.code,
      textEn: LIBRARY[d.code]?.textEn ?? d.code,
      exams: d.exams,
      share: total ? d.exams / total : 0,
      drill: { ...scopeDrill, statement: d.code },
    })),
    trend: trend.map((t) => ({
      bucket: t.bucket,
      from: iso(t.bucket_from),
      to: iso(t.bucket_to),
      code: t.code,
      exams: t.exams,
      share: t.total ? t.exams / t.total : 0,
      drill: { from: iso(t.bucket_from), to: iso(t.bucket_to), statement: t.code, ...orgDrill(q) },
    })),
  });
}

export async function turnaround(app: FastifyInstance, request: FastifyRequest, q: StatsQuery) {
  const sc = await scopeOf(app, request, q);
  const by = q.by === 'reader' ? 'reader' : 'priority';
  const rows = (await sql.turnaround(app.db, sc, by)).map((r) => ({
    key: r.key,
    label: r.label,
    exams: r.exams,
    medianMin: r1(r.median_min),
    p90Min: r1(r.p90_min),
    maxMin: r1(r.max_min),
    approximate: r.approximate,
    drill: {
      from: sc.from,
      to: sc.to,
      ...orgDrill(q),
      status: 'signed',
      ...(r.key ? (by === 'reader' ? { readerId: r.key } : { priority: r.key }) : {}),
    },
  }));
  return audited(request, 'turnaround', q, { by, from: sc.from, to: sc.to, rows });
}

export async function workload(app: FastifyInstance, request: FastifyRequest, q: StatsQuery) {
  const sc = await scopeOf(app, request, q);
  const rows = (await sql.workload(app.db, sc)).map((r) => ({
    role: r.role,
    key: r.key,
    label: r.label,
    exams: r.exams,
    critical: r.critical,
    drill: {
      from: sc.from,
      to: sc.to,
      ...orgDrill(q),
      ...(r.role === 'technician' ? { technicianId: r.key } : { readerId: r.key }),
    },
  }));
  return audited(request, 'workload', q, { from: sc.from, to: sc.to, rows });
}

export async function critical(app: FastifyInstance, request: FastifyRequest, q: StatsQuery) {
  const sc = await scopeOf(app, request, q);
  const unit = q.unit ?? 'month';
  const rows = (await sql.criticalValues(app.db, sc, unit)).map((r) => ({
    bucket: r.bucket,
    from: iso(r.bucket_from),
    to: iso(r.bucket_to),
    total: r.total,
    acknowledged: r.acknowledged,
    inTime: r.in_time,
    inTimeShare: r.total ? r.in_time / r.total : null,
    medianAckMin: r1(r.median_ack_min),
    p90AckMin: r1(r.p90_ack_min),
    maxAckMin: r1(r.max_ack_min),
    drill: { from: iso(r.bucket_from), to: iso(r.bucket_to), critical: true, ...orgDrill(q) },
  }));
  return audited(request, 'critical', q, { unit, from: sc.from, to: sc.to, rows });
}

/** The director's dashboard: today, this month, the last 30 days by day, and this month's quality figures. */
export async function dashboard(app: FastifyInstance, request: FastifyRequest, q: StatsQuery) {
  const now = Date.now();
  const base = { organizationId: q.organizationId, organizationIds: q.organizationIds };
  const month = {
    ...base,
    from: new Date(now - 30 * DAY_MS).toISOString(),
    to: new Date(now + DAY_MS).toISOString(),
  };
  const today = {
    ...base,
    from: new Date(now - DAY_MS).toISOString(),
    to: new Date(now + DAY_MS).toISOString(),
  };
  const scToday = await scopeOf(app, request, today);
  const scMonth = await scopeOf(app, request, month);
  const [todayCounts, monthCounts, daily, tat, dist, crit] = await Promise.all([
    sql.counts(app.db, scToday),
    sql.counts(app.db, scMonth),
    sql.volume(app.db, scMonth, 'day', 'none'),
    sql.turnaround(app.db, scMonth, 'priority'),
    sql.diagnosisDistribution(app.db, scMonth, 8),
    sql.criticalValues(app.db, { ...scMonth }, 'year'),
  ]);
  const c = crit.reduce(
    (a, r) => ({ total: a.total + r.total, inTime: a.inTime + r.in_time, ack: a.ack + r.acknowledged }),
    { total: 0, inTime: 0, ack: 0 },
  );
  return audited(request, 'dashboard', q, {
    last24h: todayCounts,
    last30d: monthCounts,
    daily: daily.map((r) => ({
      bucket: r.bucket,
      exams: r.exams,
      critical: r.critical,
      drill: { from: iso(r.bucket_from), to: iso(r.bucket_to) },
    })),
    turnaround: tat.map((r) => ({
      key: r.key,
      exams: r.exams,
      medianMin: r1(r.median_min),
      p90Min: r1(r.p90_min),
      maxMin: r1(r.max_min),
      drill: { from: scMonth.from, to: scMonth.to, status: 'signed', priority: r.key },
    })),
    topDiagnoses: dist.map((d) => ({
      code: d.code,
      textZh: LIBRARY[d.code]?.textZh ?? d.code,
      textEn: LIBRARY[d.code]?.textEn ?? d.code,
      exams: d.exams,
      drill: { from: scMonth.from, to: scMonth.to, statement: d.code },
    })),
    critical: {
      total: c.total,
      acknowledged: c.ack,
      inTime: c.inTime,
      inTimeShare: c.total ? c.inTime / c.total : null,
    },
  });
}
