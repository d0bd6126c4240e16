/**
 * A signed ECG report as an ORU^R01 (buildEcgOruR01). Reads the reports module's tables (ecg_reports,
 * ecg_report_versions): the latest signed version, its exam, order, patient, signer and PDF.
 */
import { buildEcgOruR01, type EcgMeasurementKey, type EcgReportInput } from '@lifeline/hl7';
import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../../db/pool';

/** Report measurement keys → the ORU's LOINC-coded measurements. */
const MEASUREMENT_MAP: Record<string, EcgMeasurementKey> = {
  heartRate: 'heartRate',
  pr: 'prInterval',
  qrsDuration: 'qrsDuration',
  qt: 'qtInterval',
  qtcBazett: 'qtcInterval',
  pAxis: 'pAxis',
  qrsAxis: 'qrsAxis',
  tAxis: 'tAxis',
};

const TYPE_CODES: Record<string, string> = { his: 'PI', inpatient: 'MR', outpatient: 'PN', insurance: 'SS' };

export interface SignedReport {
  reportId: string;
  organizationId: string;
  organizationCode: string;
  version: number;
  corrected: boolean;
  input: Omit<EcgReportInput, 'receivingApplication' | 'receivingFacility' | 'messageControlId'>;
}

function splitName(name: string): { family: string; given?: string } {
  const clean = name.replace(/[（(].*[)）]$/, '').trim();
  if (/^[\u3400-\u9fff]{2,4}$/.test(clean)) return { family: clean.slice(0, 1), given: clean.slice(1) };
  return { family: clean };
}

/** The latest signed version of a report, ready to build; null when the report has no signed version. */
export async function loadSignedReport(
  app: FastifyInstance,
  db: Queryable,
  reportId: string,
): Promise<SignedReport | null> {
  const { rows } = await db.query<{
    organization_id: string;
    org_code: string;
    version: number;
    amends_version: number | null;
    measurements: Record<string, unknown>;
    statements: { code: string | null; textZh: string; textEn?: string }[];
    conclusion: string;
    signed_at: Date;
    signed_by: string;
    signer_name: string;
    pdf_blob: string | null;
    acquired_at: Date | null;
    received_at: Date;
    exam_id: string;
    patient_id: string | null;
    p_name: string | null;
    p_sex: 'M' | 'F' | 'U' | null;
    p_birth: string | null;
    accession_number: string | null;
    placer_number: string | null;
    filler_number: string | null;
  }>(
    `SELECT r.organization_id, o.code AS org_code, v.version, v.amends_version, v.measurements, v.statements,
       v.conclusion, v.signed_at, v.signed_by, u.display_name AS signer_name, v.pdf_blob,
       e.acquired_at, e.received_at, e.id AS exam_id, coalesce(p.merged_into_id, p.id) AS patient_id,
       p.name AS p_name, p.sex AS p_sex, p.birth_date AS p_birth,
       eo.accession_number, eo.placer_number, eo.filler_number
     FROM ecg_reports r
     JOIN ecg_report_versions v ON v.report_id = r.id
     JOIN organizations o ON o.id = r.organization_id
     JOIN users u ON u.id = v.signed_by
     JOIN ecg_exams e ON e.id = r.exam_id
     LEFT JOIN patients p ON p.id = coalesce(r.patient_id, e.patient_id)
     LEFT JOIN ecg_orders eo ON eo.id = e.order_id
     WHERE r.id = $1 AND v.signed_at IS NOT NULL
     ORDER BY v.version DESC LIMIT 1`,
    [reportId],
  );
  const r = rows[0];
  if (!r) return null;
  const ids = r.patient_id
    ? (
        await db.query<{ type: string; display: string; issuer: string | null }>(
          `SELECT type, display, issuer FROM patient_identifiers WHERE patient_id = $1 AND type <> 'national-id'
           ORDER BY type = 'his' DESC, created_at`,
          [r.patient_id],
        )
      ).rows
    : [];
  const measurements: EcgReportInput['measurements'] = {};
  for (const [key, target] of Object.entries(MEASUREMENT_MAP)) {
    const value = r.measurements?.[key];
    if (typeof value === 'number' && Number.isFinite(value)) measurements[target] = value;
  }
  const pdf = r.pdf_blob ? new Uint8Array(await app.blobs.get(r.pdf_blob)) : undefined;
  return {
    reportId,
    organizationId: r.organization_id,
    organizationCode: r.org_code,
    version: r.version,
    corrected: r.version > 1 || r.amends_version !== null,
    input: {
      sendingApplication: 'LIFELINE',
      sendingFacility: r.org_code,
      patient: {
        identifiers: ids.map((i) => ({
          value: i.display,
          typeCode: TYPE_CODES[i.type],
          ...(i.issuer && { authority: i.issuer }),
        })),
        ...(r.p_name && { name: splitName(r.p_name) }),
        sex: r.p_sex === 'M' ? 'male' : r.p_sex === 'F' ? 'female' : 'unknown',
        ...(r.p_birth && { birthDate: r.p_birth }),
      },
      order: {
        placerOrderNumber: r.placer_number ?? undefined,
        // Without an order (walk-in ECG) the exam is its own filler order.
        fillerOrderNumber: r.filler_number ?? r.accession_number ?? r.exam_id,
        accessionNumber: r.accession_number ?? undefined,
      },
      acquiredAt: r.acquired_at ?? r.received_at,
      signedAt: r.signed_at,
      status: r.version > 1 || r.amends_version !== null ? 'corrected' : 'final',
      measurements,
      statements: (r.statements ?? []).map((s) => ({
        code: s.code ?? 'TEXT',
        text: s.textZh,
        ...(s.code ? {} : { system: 'L' }),
      })),
      conclusion: r.conclusion || undefined,
      signer: { id: r.signed_by, ...splitName(r.signer_name) },
      pdf,
    },
  };
}

export function buildReportMessage(
  report: SignedReport,
  destination: { receivingApplication: string | null; receivingFacility: string | null },
  controlId: string,
): string {
  return buildEcgOruR01({
    ...report.input,
    messageControlId: controlId,
    receivingApplication: destination.receivingApplication ?? '',
    receivingFacility: destination.receivingFacility ?? '',
  }).toString();
}
