/**
 * The row sets FHIR searches run over: observations (ECG measurements of analysed exams and lab results in one
 * set, so paging spans both) and the latest signed version of each ECG report. Read-only SQL over the ECG,
 * reports and integration tables.
 */
import { ECG_OBSERVATION_CODES, type SignedReportRow } from './clinical';

// Measurements of analysed exams and lab results, as one row set so that paging spans both.
const MEASUREMENT_VALUES = Object.entries(ECG_OBSERVATION_CODES)
  .map(([key, c]) => `('${key}', '${c.code}', '${c.display}', '${c.unit}')`)
  .join(', ');
export const OBSERVATIONS = `(
  SELECT 'lab-' || r.id AS fid, r.organization_id, r.patient_id, 'laboratory' AS category, r.code, r.code_system,
    r.code_text, r.value_numeric AS num, r.value_text AS txt, r.comparator, r.units, r.reference_range,
    r.abnormal_flags, r.status, coalesce(r.observed_at, r.created_at) AS at, r.reported_at AS issued,
    NULL::uuid AS exam_id
  FROM lab_results r
  UNION ALL
  SELECT 'ecg-' || e.id || '-' || c.code, e.organization_id, e.patient_id, 'procedure', c.code, 'LN', c.display,
    (m.value #>> '{}')::double precision, NULL, NULL, c.unit, NULL, '{}'::text[], 'preliminary',
    coalesce(e.acquired_at, e.received_at), e.analysed_at, e.id
  FROM ecg_exams e
  CROSS JOIN LATERAL jsonb_each(coalesce(e.analysis -> 'measurements', '{}'::jsonb)) m
  JOIN (VALUES ${MEASUREMENT_VALUES}) c(key, code, display, unit) ON c.key = m.key
  WHERE e.status = 'analysed' AND e.patient_id IS NOT NULL AND jsonb_typeof(m.value) = 'number'
) o`;

export const SIGNED_REPORTS = `(
  SELECT r.id AS report_id, r.organization_id, pt.survivor AS patient_id, r.exam_id, v.version, v.status,
    v.conclusion, v.statements, v.signed_by, v.signed_at, e.acquired_at, v.pdf_blob, NULL::integer AS pdf_size,
    e.analysis -> 'measurements' AS measurements
  FROM ecg_reports r
  JOIN LATERAL (SELECT * FROM ecg_report_versions v WHERE v.report_id = r.id AND v.signed_at IS NOT NULL
                ORDER BY v.version DESC LIMIT 1) v ON true
  JOIN ecg_exams e ON e.id = r.exam_id
  LEFT JOIN LATERAL (SELECT coalesce(p.merged_into_id, p.id) AS survivor, p.id FROM patients p
                     WHERE p.id = coalesce(r.patient_id, e.patient_id)) pt ON true
) d`;

export function signedRow(
  r: SignedReportRow & { measurements: Record<string, unknown> | null },
): SignedReportRow {
  const codes = Object.entries(ECG_OBSERVATION_CODES)
    .filter(([key]) => typeof r.measurements?.[key] === 'number')
    .map(([, c]) => c.code);
  return { ...r, measurement_codes: codes };
}
