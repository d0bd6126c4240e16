/**
 * Turns search filters into one WHERE clause over ecg_exam_search (alias s), with numbered parameters.
 * Organisation scoping comes first and always: callers pass the organisations the user may read.
 */
import { STATEMENT_LIBRARY } from '@lifeline/ecg';
import type { SearchQueryInput, SortKey } from './schemas';

const LIBRARY = STATEMENT_LIBRARY as Record<string, { textZh: string; textEn: string }>;

export interface SqlFilter {
  where: string;
  params: unknown[];
  /**
   * The organisations when several are searched (`where` scopes them with = ANY), so that searchIds can run one
   * index-ordered query per organisation (see repo.ts).
   */
  perOrg?: { orgIds: string[] };
}

/**
 * Library codes a statement term stands for: the code itself, or every statement whose Chinese or English text
 * contains it (心肌缺血 → ISCHEMIA; 心动过速 → STACH, SVT, VT, …).
 */
export function codesForTerm(term: string): string[] {
  const t = term.trim();
  if (!t) return [];
  if (Object.hasOwn(LIBRARY, t.toUpperCase())) return [t.toUpperCase()];
  const lower = t.toLowerCase();
  return Object.entries(LIBRARY)
    .filter(([, s]) => s.textZh.includes(t) || s.textEn.toLowerCase().includes(lower))
    .map(([code]) => code);
}

/** Trigrams as pg_trgm makes them: per lower-cased word, padded with two spaces before and one after. */
function trigrams(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)) {
    const w = `  ${word} `;
    for (let i = 0; i + 3 <= w.length; i++) out.add(w.slice(i, i + 3));
  }
  return out;
}

/**
 * Library codes a misspelt or differently spelt term is close to (ischemia → ISCHEMIA "ischaemia", 房颤动 →
 * AFIB): the share of the term's trigrams (Chinese: character pairs) found in the statement text, at least
 * `min` and within 0.1 of the best.
 * The library has a few hundred entries, so matching it here keeps fuzzy search on the codes' GIN index.
 */
export function fuzzyCodesForTerm(term: string, min = 0.6): string[] {
  const t = term.trim();
  if (!t) return [];
  const han = /[\u3400-\u9fff]/.test(t);
  // Chinese: character pairs (单字 overlap says little: 心 is in half of the library).
  const pairs = (x: string) => {
    const cs = [...x].filter((c) => /[\u3400-\u9fff]/.test(c));
    return new Set(cs.slice(1).map((c, i) => cs[i] + c));
  };
  const units = han ? pairs(t) : trigrams(t);
  if (units.size === 0) return [];
  const scored = Object.entries(LIBRARY).map(([code, s]) => {
    const hay = han ? pairs(s.textZh) : trigrams(s.textEn);
    let common = 0;
    for (const u of units) if (hay.has(u)) common++;
    return { code, score: common / units.size };
  });
  // The closest statements only: a near miss of one word should not pull in its whole family.
  const best = Math.max(...scored.map((x) => x.score));
  return scored.filter((x) => x.score >= min && x.score >= best - 0.1).map((x) => x.code);
}

function likeEscape(s: string): string {
  return s.replace(/[%_\\]/g, '\\$&');
}

export function buildFilter(
  q: SearchQueryInput,
  orgIds: string[],
  patientIds: string[] | undefined,
): SqlFilter {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const and: string[] = [];
  let multi = false;
  if (q.organizationId) {
    // Still inside the allowed set: asking for another network's organisation finds nothing.
    and.push(`s.organization_id = ${p(q.organizationId)}`, `s.organization_id = ANY(${p(orgIds)}::uuid[])`);
  } else if (orgIds.length === 1) {
    and.push(`s.organization_id = ${p(orgIds[0])}`);
  } else {
    and.push(`s.organization_id = ANY(${p(orgIds)}::uuid[])`);
    multi = true;
  }
  if (patientIds) and.push(`s.patient_id = ANY(${p(patientIds)}::uuid[])`);
  if (q.patientId) and.push(`s.patient_id = ${p(q.patientId)}`);
  if (q.from) and.push(`s.exam_at >= ${p(q.from)}`);
  if (q.to) and.push(`s.exam_at < ${p(q.to)}`);
  for (const term of (q.statement ?? '')
    .split(/[,，;；]/)
    .map((x) => x.trim())
    .filter(Boolean)) {
    if (q.match === 'fuzzy') {
      // Near a library statement: by code (indexed); otherwise trigram word similarity of the text.
      const near = [...new Set([...codesForTerm(term), ...fuzzyCodesForTerm(term)])];
      and.push(
        near.length
          ? `s.statement_codes && ${p(near)}::text[]`
          : `s.statement_text %> ${p(term.toLowerCase())}`,
      );
      continue;
    }
    const codes = codesForTerm(term);
    // A library statement is matched by code (GIN on statement_codes); other text by substring (trigram GIN).
    if (codes.length) and.push(`s.statement_codes && ${p(codes)}::text[]`);
    else and.push(`s.statement_text LIKE ${p(`%${likeEscape(term.toLowerCase())}%`)}`);
  }
  const range = (col: string, min?: number, max?: number) => {
    if (min !== undefined) and.push(`s.${col} >= ${p(min)}`);
    if (max !== undefined) and.push(`s.${col} <= ${p(max)}`);
  };
  range('heart_rate', q.hrMin, q.hrMax);
  range('qtc', q.qtcMin, q.qtcMax);
  range('pr', q.prMin, q.prMax);
  range('qrs', q.qrsMin, q.qrsMax);
  if (q.device) {
    and.push(
      q.match === 'fuzzy'
        ? `s.device_name ILIKE ${p(`%${likeEscape(q.device)}%`)}`
        : `s.device_name = ${p(q.device)}`,
    );
  }
  if (q.departmentId) and.push(`s.department_id = ${p(q.departmentId)}`);
  if (q.readerId) and.push(`s.reader_id = ${p(q.readerId)}`);
  if (q.technicianId) and.push(`s.technician_id = ${p(q.technicianId)}`);
  if (q.status) {
    const st = p(q.status);
    and.push(`(s.status = ${st} OR s.report_status = ${st})`);
  }
  if (q.priority) and.push(`s.priority = ${p(q.priority)}`);
  if (q.critical !== undefined) and.push(q.critical ? 's.critical' : 'NOT s.critical');
  return {
    where: and.join(' AND '),
    params,
    ...(multi ? { perOrg: { orgIds } } : {}),
  };
}

const SORT_COLUMNS: Record<SortKey, string> = {
  examAt: 's.exam_at',
  qtc: 's.qtc',
  heartRate: 's.heart_rate',
  signedAt: 's.signed_at',
  device: 's.device_name',
};

/** The column a sort key orders by (the per-organisation page queries select only it and the id). */
export function sortColumn(sort: SortKey = 'examAt'): string {
  return SORT_COLUMNS[sort];
}

export function orderBy(sort: SortKey = 'examAt', dir: 'asc' | 'desc' = 'desc'): string {
  // exam_at is NOT NULL: its default null order matches the (organization_id, exam_at DESC) index.
  const nulls = sort === 'examAt' ? '' : dir === 'desc' ? 'NULLS LAST' : 'NULLS FIRST';
  return `${SORT_COLUMNS[sort]} ${dir.toUpperCase()} ${nulls}, s.exam_id ${dir.toUpperCase()}`;
}
