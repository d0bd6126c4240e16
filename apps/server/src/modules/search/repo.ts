/** SQL of the combined ECG search: ids by filter (one indexed table), then the details of one page. */
import type { Queryable } from '../../db/pool';
import type { SqlFilter } from './filters';

/**
 * Matches are counted exactly up to this many; beyond, the total is the planner's estimate, marked approximate
 * ("about 12,000"): counting tens of thousands of matches exactly costs more than the figure tells a reader.
 */
export const COUNT_CAP = 1_000;

/**
 * The user's organisation and those below it (a hub reads its member hospitals and clinics); with `within`
 * (an organisation filter) only those of them named there: a name outside the tree adds nothing.
 */
export async function orgScope(db: Queryable, orgId: string, within?: string[]): Promise<string[]> {
  return (await orgScopeNamed(db, orgId, within)).map((r) => r.id);
}

export async function orgScopeNamed(
  db: Queryable,
  orgId: string,
  within?: string[],
): Promise<{ id: string; name: string; type: string; parent_id: string | null }[]> {
  const { rows } = await db.query<{ id: string; name: string; type: string; parent_id: string | null }>(
    `WITH RECURSIVE tree AS (
       SELECT id FROM organizations WHERE id = $1
       UNION SELECT o.id FROM organizations o JOIN tree t ON o.parent_id = t.id)
     SELECT o.id, o.name, o.type, o.parent_id FROM tree JOIN organizations o USING (id)
     WHERE $2::uuid[] IS NULL OR o.id = ANY($2::uuid[])
     ORDER BY o.parent_id NULLS FIRST, o.name`,
    [orgId, within ?? null],
  );
  return rows;
}

/** The ids of an `organizationIds` filter (validated by the schema's pattern). */
export function parseOrgIds(list: string | undefined): string[] | undefined {
  return list ? [...new Set(list.split(',').map((x) => x.toLowerCase()))] : undefined;
}

/**
 * One page of exam ids. Over several organisations an ORDER BY … LIMIT cannot walk the (organization_id, …)
 * indexes in order, so each organisation gets its own index-ordered query (LIMIT offset + limit) and the small
 * union is sorted again: the newest 50 of a million exams stay an index walk, not a sort of the million.
 */
export async function searchIds(
  db: Queryable,
  f: SqlFilter,
  order: string,
  limit: number,
  offset: number,
  sortCol = 's.exam_at',
): Promise<string[]> {
  const page = `LIMIT ${Number(limit)} OFFSET ${Number(offset)}`;
  let sql = `SELECT s.exam_id FROM ecg_exam_search s WHERE ${f.where} ORDER BY ${order} ${page}`;
  const params = [...f.params];
  if (f.perOrg && f.perOrg.orgIds.length <= 20) {
    const parts = f.perOrg.orgIds.map((org) => {
      params.push(org);
      // Only the id and the sort column: with the default order this is an index-only scan (migration 0010).
      return `(SELECT s.exam_id, ${sortCol}
        FROM ecg_exam_search s WHERE s.organization_id = $${params.length} AND ${f.where}
        ORDER BY ${order} LIMIT ${Number(limit) + Number(offset)})`;
    });
    sql = `SELECT s.exam_id FROM (${parts.join(' UNION ALL ')}) s ORDER BY ${order} ${page}`;
  }
  const { rows } = await db.query<{ exam_id: string }>(sql, params);
  return rows.map((r) => r.exam_id);
}

export async function countCapped(db: Queryable, f: SqlFilter): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM ecg_exam_search s WHERE ${f.where} LIMIT ${COUNT_CAP + 1}) c`,
    f.params,
  );
  return rows[0].n;
}

/** The planner's estimate of the matches (EXPLAIN only: nothing is read). */
export async function countEstimate(db: Queryable, f: SqlFilter): Promise<number> {
  const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    `EXPLAIN (FORMAT JSON) SELECT 1 FROM ecg_exam_search s WHERE ${f.where}`,
    f.params,
  );
  return Math.round(rows[0]['QUERY PLAN'][0].Plan['Plan Rows']);
}

/**
 * The total of a search: exact up to COUNT_CAP, else the planner's estimate (never below COUNT_CAP + 1) rounded
 * to two significant digits, with `approximate` set so that the screen says "about".
 */
export async function searchTotal(
  db: Queryable,
  f: SqlFilter,
): Promise<{ total: number; approximate: boolean }> {
  const n = await countCapped(db, f);
  if (n <= COUNT_CAP) return { total: n, approximate: false };
  const est = Math.max(COUNT_CAP + 1, await countEstimate(db, f));
  const step = 10 ** Math.max(0, Math.floor(Math.log10(est)) - 1);
  return { total: Math.max(COUNT_CAP + 1, Math.round(est / step) * step), approximate: true };
}

export interface HitRow {
  exam_id: string;
  organization_id: string;
  organization_name: string;
  patient_id: string | null;
  patient_name: string | null;
  patient_sex: string | null;
  patient_age: number | null;
  birth_date: string | null;
  his_id: string | null;
  exam_at: Date;
  status: string;
  report_status: string | null;
  critical: boolean;
  device_name: string | null;
  department_id: string | null;
  department_name: string | null;
  priority: string | null;
  reader_id: string | null;
  reader_name: string | null;
  technician_name: string | null;
  signed_at: Date | null;
  heart_rate: number | null;
  pr: number | null;
  qrs: number | null;
  qt: number | null;
  qtc: number | null;
  statement_codes: string[];
  statements_zh: string | null;
  statements_en: string | null;
  sample_rate: number;
  sample_count: number;
  lead_names: string[];
  waveform_blob: string;
}

/** Details of the given exams (a page, an export), in the order of ids. */
export async function hitsByIds(db: Queryable, ids: string[]): Promise<HitRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<HitRow>(
    `SELECT s.exam_id, s.organization_id, o.name AS organization_name, s.patient_id, p.name AS patient_name,
       p.sex AS patient_sex, p.birth_date,
       date_part('year', age(s.exam_at::date, p.birth_date))::int AS patient_age,
       (SELECT i.display FROM patient_identifiers i WHERE i.patient_id = p.id AND i.type = 'his' LIMIT 1) AS his_id,
       s.exam_at, s.status, s.report_status, s.critical, s.device_name, s.department_id, d.name AS department_name,
       s.priority, s.reader_id, ur.display_name AS reader_name, ut.display_name AS technician_name, s.signed_at,
       s.heart_rate, s.pr, s.qrs, s.qt, s.qtc, s.statement_codes, st.zh AS statements_zh, st.en AS statements_en,
       e.sample_rate, e.sample_count, e.lead_names, e.waveform_blob
     FROM ecg_exam_search s
     JOIN organizations o ON o.id = s.organization_id
     JOIN ecg_exams e ON e.id = s.exam_id
     LEFT JOIN patients p ON p.id = s.patient_id
     LEFT JOIN departments d ON d.id = s.department_id
     LEFT JOIN users ur ON ur.id = s.reader_id
     LEFT JOIN users ut ON ut.id = s.technician_id
     LEFT JOIN ecg_reports r ON r.exam_id = s.exam_id
     LEFT JOIN ecg_report_versions v ON v.report_id = r.id AND v.version = r.current_version
     CROSS JOIN LATERAL (
       SELECT string_agg(x ->> 'textZh', '；') AS zh, string_agg(x ->> 'textEn', '; ') AS en
       FROM jsonb_array_elements(CASE WHEN v.id IS NOT NULL THEN v.statements
                                      ELSE coalesce(e.analysis -> 'statements', '[]') END) x
     ) st
     WHERE s.exam_id = ANY($1::uuid[])`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.exam_id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export interface SavedSearchRow {
  id: string;
  name: string;
  query: Record<string, unknown>;
  created_at: Date;
}

export async function listSaved(db: Queryable, userId: string): Promise<SavedSearchRow[]> {
  const { rows } = await db.query<SavedSearchRow>(
    'SELECT id, name, query, created_at FROM saved_searches WHERE user_id = $1 ORDER BY name',
    [userId],
  );
  return rows;
}

/** Saving under an existing name replaces that search. */
export async function upsertSaved(
  db: Queryable,
  orgId: string,
  userId: string,
  name: string,
  query: Record<string, unknown>,
): Promise<SavedSearchRow> {
  const { rows } = await db.query<SavedSearchRow>(
    `INSERT INTO saved_searches (organization_id, user_id, name, query) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, name) DO UPDATE SET query = EXCLUDED.query, created_at = now()
     RETURNING id, name, query, created_at`,
    [orgId, userId, name, query],
  );
  return rows[0];
}

export async function deleteSaved(db: Queryable, userId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM saved_searches WHERE id = $1 AND user_id = $2', [
    id,
    userId,
  ]);
  return (rowCount ?? 0) > 0;
}
