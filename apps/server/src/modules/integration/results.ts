/** Lab results other modules read (the emergency module takes troponin times from here). */
import type { Queryable } from '../../db/pool';

/** LOINC codes of cardiac troponin I/T (conventional and high-sensitivity) and point-of-care variants. */
export const TROPONIN_LOINC = [
  '6598-7',
  '10839-9',
  '42757-5',
  '49563-0',
  '67151-1',
  '89579-7',
  '48425-3',
  '16255-2',
];
const TROPONIN_TEXT = /troponin|肌钙蛋白|\bc?TN[IT]\b|hs-?cTn/i;

export interface LabResult {
  id: string;
  patientId: string;
  code: string;
  codeText: string | null;
  codeSystem: string | null;
  valueType: string;
  value: number | null;
  valueText: string | null;
  units: string | null;
  referenceRange: string | null;
  abnormalFlags: string[];
  status: string;
  observedAt: string | null;
  reportedAt: string | null;
  receivedAt: string;
}

interface LabResultRow {
  id: string;
  patient_id: string;
  code: string;
  code_text: string | null;
  code_system: string | null;
  value_type: string;
  value_numeric: number | null;
  value_text: string | null;
  units: string | null;
  reference_range: string | null;
  abnormal_flags: string[];
  status: string;
  observed_at: Date | null;
  reported_at: Date | null;
  created_at: Date;
}

export function labResultOut(r: LabResultRow): LabResult {
  return {
    id: r.id,
    patientId: r.patient_id,
    code: r.code,
    codeText: r.code_text,
    codeSystem: r.code_system,
    valueType: r.value_type,
    value: r.value_numeric,
    valueText: r.value_text,
    units: r.units,
    referenceRange: r.reference_range,
    abnormalFlags: r.abnormal_flags,
    status: r.status,
    observedAt: r.observed_at?.toISOString() ?? null,
    reportedAt: r.reported_at?.toISOString() ?? null,
    receivedAt: r.created_at.toISOString(),
  };
}

export function isTroponin(code: string, text: string | null): boolean {
  return TROPONIN_LOINC.includes(code) || TROPONIN_TEXT.test(text ?? '') || TROPONIN_TEXT.test(code);
}

/** A patient's results (including records merged into it), newest first, optionally only some codes. */
export async function labResultsOf(
  db: Queryable,
  organizationId: string,
  patientId: string,
  filter: { codes?: string[]; from?: string; to?: string; limit?: number } = {},
): Promise<LabResult[]> {
  const params: unknown[] = [organizationId, patientId];
  const where = [
    'r.organization_id = $1',
    '(r.patient_id = $2 OR r.patient_id IN (SELECT id FROM patients WHERE merged_into_id = $2))',
  ];
  if (filter.codes?.length) {
    params.push(filter.codes);
    where.push(`r.code = ANY($${params.length})`);
  }
  if (filter.from) {
    params.push(filter.from);
    where.push(`coalesce(r.observed_at, r.created_at) >= $${params.length}`);
  }
  if (filter.to) {
    params.push(filter.to);
    where.push(`coalesce(r.observed_at, r.created_at) < $${params.length}`);
  }
  const { rows } = await db.query<LabResultRow>(
    `SELECT r.* FROM lab_results r WHERE ${where.join(' AND ')}
     ORDER BY coalesce(r.observed_at, r.created_at) DESC, r.id LIMIT ${Math.min(filter.limit ?? 200, 1000)}`,
    params,
  );
  return rows.map(labResultOut);
}

/** Troponin results of a patient, oldest first (by LOINC code, or by name for local LIS codes). */
export async function troponinResults(
  db: Queryable,
  organizationId: string,
  patientId: string,
  since?: string,
): Promise<LabResult[]> {
  const all = await labResultsOf(db, organizationId, patientId, { from: since, limit: 1000 });
  return all.filter((r) => isTroponin(r.code, r.codeText)).reverse();
}
