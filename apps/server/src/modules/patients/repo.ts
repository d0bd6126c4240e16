import type { Queryable } from '../../db/pool';
import type { IdentifierType } from './schemas';

export interface PatientRow {
  id: string;
  organization_id: string;
  name: string;
  name_pinyin: string;
  name_initials: string;
  sex: 'M' | 'F' | 'U';
  birth_date: string | null;
  national_id_enc: Buffer | null;
  national_id_masked: string | null;
  phone_enc: Buffer | null;
  phone_masked: string | null;
  address: string | null;
  merged_into_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface IdentifierRow {
  id: string;
  patient_id: string;
  type: IdentifierType;
  lookup: string;
  display: string;
  issuer: string | null;
  issuer_org_id: string | null;
}

/** Cap on matches counted per search: a name search is for finding one patient, not for counting a city. */
export const SEARCH_CAP = 1000;

export interface SearchTerms {
  orgId: string;
  /** Exact identifier lookups (the value itself, and its keyed hash for national IDs). */
  lookups: string[];
  /** Chinese-character name prefix. */
  namePrefix?: string;
  /** Latin letters: matched to initials (exact first) and full pinyin prefix. */
  latin?: string;
  birthDate?: string;
  includeMerged: boolean;
  limit: number;
  offset: number;
}

/**
 * Each branch uses one index that leads with organization_id, is bounded by SEARCH_CAP, and carries a rank
 * (exact identifier, exact initials, exact pinyin, then prefixes), so the search stays fast on millions of
 * patients and the best matches come first.
 */
export async function searchPatients(
  db: Queryable,
  t: SearchTerms,
): Promise<{ rows: PatientRow[]; total: number }> {
  const params: unknown[] = [t.orgId];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const branches: string[] = [];
  const live = t.includeMerged ? '' : 'AND merged_into_id IS NULL';
  const birth = t.birthDate ? `AND birth_date = ${p(t.birthDate)}` : '';
  const scoped = (rank: number, cond: string) =>
    `(SELECT id, ${rank} AS rank FROM patients WHERE organization_id = $1 AND ${cond} ${live} ${birth} LIMIT ${SEARCH_CAP})`;
  if (t.lookups.length) {
    branches.push(`(SELECT i.patient_id AS id, 0 AS rank FROM patient_identifiers i
      WHERE i.organization_id = $1 AND i.lookup = ANY(${p(t.lookups)}) LIMIT ${SEARCH_CAP})`);
  }
  if (t.latin) {
    const exact = p(t.latin);
    const prefix = p(`${t.latin}%`);
    branches.push(scoped(1, `name_initials = ${exact}`));
    branches.push(scoped(2, `name_pinyin = ${exact}`));
    branches.push(scoped(3, `name_initials LIKE ${prefix}`));
    branches.push(scoped(4, `name_pinyin LIKE ${prefix}`));
  }
  if (t.namePrefix) {
    branches.push(scoped(1, `name = ${p(t.namePrefix)}`));
    branches.push(scoped(3, `name LIKE ${p(`${t.namePrefix.replace(/[%_\\]/g, '\\$&')}%`)}`));
  }
  if (branches.length === 0) {
    // Birth date alone, or nothing: most recently registered first.
    branches.push(`(SELECT id, 5 AS rank FROM patients WHERE organization_id = $1 ${live} ${birth}
      ORDER BY created_at DESC LIMIT ${SEARCH_CAP})`);
  }
  const sql = `
    WITH hits AS (${branches.join(' UNION ALL ')}),
    best AS (SELECT id, min(rank) AS rank FROM hits GROUP BY id)
    SELECT p.*, count(*) OVER () AS total FROM best JOIN patients p ON p.id = best.id
    WHERE p.organization_id = $1 ${t.includeMerged ? '' : 'AND p.merged_into_id IS NULL'}
      ${t.birthDate ? `AND p.birth_date = $2` : ''}
    ORDER BY best.rank, p.name_pinyin, p.id
    LIMIT ${t.limit} OFFSET ${t.offset}`;
  const { rows } = await db.query<PatientRow & { total: number }>(sql, params);
  return { rows, total: rows[0]?.total ?? 0 };
}

/**
 * The set of live (not merged-away) patients of these organisations that the patient search would find for the
 * terms, as ids only, for another module's combined search. Exact initials, pinyin and name matches are
 * contained in the prefix matches, so only prefixes are asked; with migration 0016 each branch is an index-only
 * scan (no heap, no join back to patients, no sort), which keeps a common initials' thousands of patients fast.
 * At most `cap` ids (no order: the caller filters with the set).
 */
export async function livePatientIds(
  db: Queryable,
  orgIds: string[],
  t: Pick<SearchTerms, 'lookups' | 'latin' | 'namePrefix'>,
  cap: number,
): Promise<string[]> {
  const params: unknown[] = [orgIds];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const live = (cond: string) =>
    `SELECT id FROM patients WHERE organization_id = ANY($1::uuid[]) AND merged_into_id IS NULL AND ${cond}`;
  const branches: string[] = [];
  if (t.lookups.length) {
    branches.push(`SELECT i.patient_id AS id FROM patient_identifiers i JOIN patients pi ON pi.id = i.patient_id
      WHERE i.organization_id = ANY($1::uuid[]) AND i.lookup = ANY(${p(t.lookups)})
        AND pi.organization_id = i.organization_id AND pi.merged_into_id IS NULL`);
  }
  if (t.latin) {
    const prefix = p(`${t.latin.replace(/[%_\\]/g, '\\$&')}%`);
    branches.push(live(`name_initials LIKE ${prefix}`), live(`name_pinyin LIKE ${prefix}`));
  }
  if (t.namePrefix) branches.push(live(`name LIKE ${p(`${t.namePrefix.replace(/[%_\\]/g, '\\$&')}%`)}`));
  if (branches.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM (${branches.join(' UNION ')}) m LIMIT ${Math.max(1, Math.floor(cap))}`,
    params,
  );
  return rows.map((r) => r.id);
}

export async function identifiersOf(
  db: Queryable,
  patientIds: string[],
): Promise<Map<string, IdentifierRow[]>> {
  const map = new Map<string, IdentifierRow[]>();
  if (patientIds.length === 0) return map;
  const { rows } = await db.query<IdentifierRow>(
    'SELECT * FROM patient_identifiers WHERE patient_id = ANY($1) ORDER BY type, display',
    [patientIds],
  );
  for (const r of rows) {
    const list = map.get(r.patient_id) ?? [];
    list.push(r);
    map.set(r.patient_id, list);
  }
  return map;
}

export async function patientInOrg(
  db: Queryable,
  orgId: string,
  id: string,
  forUpdate = false,
): Promise<PatientRow | undefined> {
  const { rows } = await db.query<PatientRow>(
    `SELECT * FROM patients WHERE id = $1 AND organization_id = $2 ${forUpdate ? 'FOR UPDATE' : ''}`,
    [id, orgId],
  );
  return rows[0];
}

export async function addHistory(
  db: Queryable,
  patientId: string,
  userId: string,
  action: string,
  detail: object,
) {
  await db.query(
    'INSERT INTO patient_history (patient_id, user_id, action, detail) VALUES ($1, $2, $3, $4)',
    [patientId, userId, action, JSON.stringify(detail)],
  );
}

/**
 * Live patients (merges followed to the surviving record) that carry any of these identifier lookups in the
 * organisation: values as written for HIS/outpatient/inpatient/insurance numbers, keyed hashes for national IDs.
 * Used by ECG matching.
 */
export async function patientIdsByIdentifiers(
  db: Queryable,
  orgId: string,
  lookups: string[],
): Promise<string[]> {
  if (lookups.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `SELECT DISTINCT coalesce(p.merged_into_id, p.id) AS id FROM patient_identifiers i
     JOIN patients p ON p.id = i.patient_id
     WHERE i.organization_id = $1 AND i.lookup = ANY($2)`,
    [orgId, lookups],
  );
  return rows.map((r) => r.id);
}
