import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { patientIdsForSearch } from '../patients';
import { hitsCsv, hitsXlsx } from './export';
import { buildFilter, orderBy, type SqlFilter, sortColumn } from './filters';
import {
  deleteSaved,
  type HitRow,
  hitsByIds,
  listSaved,
  orgScope,
  parseOrgIds,
  type SavedSearchRow,
  searchIds,
  searchTotal,
  upsertSaved,
} from './repo';
import type { SearchQueryInput } from './schemas';

/** Exports are for lists a person works through, not for dumping the database. */
export const EXPORT_CAP = 10_000;

export function hitOut(r: HitRow) {
  const n = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    examId: r.exam_id,
    organizationId: r.organization_id,
    organizationName: r.organization_name,
    patientId: r.patient_id,
    patientName: r.patient_name,
    patientSex: r.patient_sex,
    patientAge: r.patient_age,
    hisId: r.his_id,
    examAt: r.exam_at.toISOString(),
    status: r.status,
    reportStatus: r.report_status,
    critical: r.critical,
    deviceName: r.device_name,
    departmentId: r.department_id,
    departmentName: r.department_name,
    priority: r.priority,
    readerId: r.reader_id,
    readerName: r.reader_name,
    technicianName: r.technician_name,
    signedAt: r.signed_at?.toISOString() ?? null,
    heartRate: n(r.heart_rate),
    pr: n(r.pr),
    qrs: n(r.qrs),
    qt: n(r.qt),
    qtc: n(r.qtc),
    statementCodes: r.statement_codes,
    statementsZh: r.statements_zh ?? '',
    statementsEn: r.statements_en ?? '',
  };
}

/** What the audit entry keeps of a query: filter names and values, but never the patient term (a name). */
function auditableFilters(q: SearchQueryInput): Record<string, unknown> {
  const { patient, ...rest } = q;
  return { ...rest, ...(patient ? { patient: '(term)' } : {}) };
}

/** Scope + filter; null when a patient term matches nobody (no query needed). */
async function filterFor(app: FastifyInstance, request: FastifyRequest, q: SearchQueryInput) {
  const user = requireUser(request.user);
  const orgIds = await orgScope(app.db, user.organizationId, parseOrgIds(q.organizationIds));
  if (orgIds.length === 0) return null;
  let patientIds: string[] | undefined;
  if (q.patient) {
    patientIds = await patientIdsForSearch(app, orgIds, q.patient);
    if (patientIds.length === 0) return null;
  }
  return buildFilter(q, orgIds, patientIds);
}

export async function search(app: FastifyInstance, request: FastifyRequest, q: SearchQueryInput) {
  const f = await filterFor(app, request, q);
  const limit = q.limit ?? 50;
  const offset = q.offset ?? 0;
  let ids: string[] = [];
  let count = { total: 0, approximate: false };
  if (f) {
    [ids, count] = await Promise.all([
      searchIds(app.db, f, orderBy(q.sort, q.dir), limit, offset, sortColumn(q.sort)),
      searchTotal(app.db, f),
    ]);
  }
  const { total, approximate } = count;
  const hits = await hitsByIds(app.db, ids);
  await request.audit({
    action: 'ecg.search',
    resourceType: 'ecg-exam',
    detail: { filters: auditableFilters(q), total, totalApproximate: approximate, returned: ids },
  });
  return { items: hits.map(hitOut), total, totalCapped: approximate, totalApproximate: approximate };
}

export async function exportResults(
  app: FastifyInstance,
  request: FastifyRequest,
  q: SearchQueryInput & { format: 'xlsx' | 'csv'; lang?: 'zh' | 'en' },
): Promise<{ body: Buffer | string; contentType: string; fileName: string }> {
  const user = requireUser(request.user);
  const f: SqlFilter | null = await filterFor(app, request, q);
  const ids = f ? await searchIds(app.db, f, orderBy(q.sort, q.dir), EXPORT_CAP, 0, sortColumn(q.sort)) : [];
  const hits = await hitsByIds(app.db, ids);
  const tz = user.timeZone;
  const lang = q.lang ?? 'zh';
  await request.audit({
    action: 'ecg.search.export',
    resourceType: 'ecg-exam',
    detail: { format: q.format, filters: auditableFilters(q), exported: ids },
  });
  const stamp = new Date().toISOString().slice(0, 10);
  if (q.format === 'csv') {
    return {
      body: hitsCsv(hits, tz, lang),
      contentType: 'text/csv; charset=utf-8',
      fileName: `ecg-search-${stamp}.csv`,
    };
  }
  return {
    body: await hitsXlsx(hits, tz, lang),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    fileName: `ecg-search-${stamp}.xlsx`,
  };
}

type Hit = ReturnType<typeof hitOut>;
const SERIAL_MEASURES = ['heartRate', 'pr', 'qrs', 'qt', 'qtc'] as const;

/** Each exam against the one before it: measurement changes and statements new or gone. */
export function serialComparison(oldestFirst: Hit[]) {
  return oldestFirst.map((h, i) => {
    const prev = oldestFirst[i - 1];
    if (!prev) return { ...h, previousExamId: null, changes: {}, newStatements: [], resolvedStatements: [] };
    const changes: Record<string, number> = {};
    for (const k of SERIAL_MEASURES) {
      const a = prev[k];
      const b = h[k];
      if (a !== null && b !== null) changes[k] = Math.round((b - a) * 10) / 10;
    }
    return {
      ...h,
      previousExamId: prev.examId,
      changes,
      newStatements: h.statementCodes.filter((c) => !prev.statementCodes.includes(c)),
      resolvedStatements: prev.statementCodes.filter((c) => !h.statementCodes.includes(c)),
    };
  });
}

export async function patientHistory(app: FastifyInstance, request: FastifyRequest, patientId: string) {
  const user = requireUser(request.user);
  const orgIds = await orgScope(app.db, user.organizationId);
  const { rows } = await app.db.query<{ exam_id: string }>(
    `SELECT exam_id FROM ecg_exam_search WHERE patient_id = $1 AND organization_id = ANY($2::uuid[])
     ORDER BY exam_at LIMIT 500`,
    [patientId, orgIds],
  );
  if (rows.length === 0) {
    const p = await app.db.query(
      'SELECT 1 FROM patients WHERE id = $1 AND organization_id = ANY($2::uuid[])',
      [patientId, orgIds],
    );
    if (!p.rowCount) throw AppError.notFound('patient');
  }
  const hits = (
    await hitsByIds(
      app.db,
      rows.map((r) => r.exam_id),
    )
  ).map(hitOut);
  await request.audit({
    action: 'ecg.history',
    resourceType: 'patient',
    resourceId: patientId,
    patientId,
    detail: { exams: hits.length },
  });
  // Newest first on screen; each compared with the exam before it in time.
  return { items: serialComparison(hits).reverse() };
}

const savedOut = (r: SavedSearchRow) => ({
  id: r.id,
  name: r.name,
  query: r.query,
  createdAt: r.created_at.toISOString(),
});

export async function savedSearches(app: FastifyInstance, request: FastifyRequest) {
  const user = requireUser(request.user);
  return (await listSaved(app.db, user.id)).map(savedOut);
}

export async function saveSearch(
  app: FastifyInstance,
  request: FastifyRequest,
  input: { name: string; query: Record<string, unknown> },
) {
  const user = requireUser(request.user);
  return savedOut(await upsertSaved(app.db, user.organizationId, user.id, input.name.trim(), input.query));
}

export async function removeSavedSearch(app: FastifyInstance, request: FastifyRequest, id: string) {
  const user = requireUser(request.user);
  if (!(await deleteSaved(app.db, user.id, id))) throw AppError.notFound('saved search');
}
