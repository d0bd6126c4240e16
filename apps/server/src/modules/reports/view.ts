/** Reading reports: the JSON shapes, one version, verification (signed-in and public) and serial comparison. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { type ExamRow, examInOrg } from '../ecg';
import { compareEcgs, engineMeasurements, engineStatements } from './content';
import {
  type EventRow,
  eventsOf,
  type ReportRow,
  reportInOrg,
  type VersionRow,
  versionOf,
  versionsOf,
} from './repo';
import { signWarnings, verifyVersion } from './sign';

export function versionOut(v: VersionRow) {
  return {
    version: v.version,
    status: v.status,
    template: v.template,
    reviewLevels: v.review_levels,
    reviewsDone: v.reviews_done,
    automaticMeasurements: v.automatic_measurements,
    measurements: v.measurements,
    automaticStatements: v.automatic_statements,
    statements: v.statements,
    freeText: v.free_text,
    conclusion: v.conclusion,
    amendsVersion: v.amends_version,
    amendmentReason: v.amendment_reason,
    signWarnings: v.sign_warnings,
    signedBy: v.signed_by,
    signedAt: v.signed_at?.toISOString() ?? null,
    contentHash: v.content_hash,
    verifyToken: v.verify_token,
    hasPdf: v.pdf_blob !== null,
    publishedAt: v.published_at?.toISOString() ?? null,
    createdAt: v.created_at.toISOString(),
    updatedAt: v.updated_at.toISOString(),
  };
}

function eventOut(e: EventRow) {
  return {
    version: e.version,
    action: e.action,
    from: e.from_status,
    to: e.to_status,
    level: e.level,
    userId: e.user_id,
    username: e.username,
    displayName: e.display_name,
    role: e.role,
    reason: e.reason,
    detail: e.detail,
    at: e.at.toISOString(),
  };
}

async function loadReport(app: FastifyInstance, orgId: string, id: string): Promise<ReportRow> {
  const report = await reportInOrg(app.db, orgId, id);
  if (!report) throw AppError.notFound('report');
  return report;
}

export async function readReport(app: FastifyInstance, request: FastifyRequest, id: string) {
  const user = requireUser(request.user);
  const report = await loadReport(app, user.organizationId, id);
  const versions = await versionsOf(app.db, user.organizationId, report.id);
  const current = versions.find((v) => v.version === report.current_version) as VersionRow;
  const events = await eventsOf(app.db, user.organizationId, report.id);
  await request.audit({
    action: 'report.read',
    resourceType: 'ecg-report',
    resourceId: report.id,
    patientId: report.patient_id ?? undefined,
  });
  return {
    id: report.id,
    examId: report.exam_id,
    patientId: report.patient_id,
    currentVersion: report.current_version,
    ...versionOut(current),
    versions: versions.map((v) => ({
      version: v.version,
      status: v.status,
      signedAt: v.signed_at?.toISOString() ?? null,
      amendmentReason: v.amendment_reason,
    })),
    events: events.map(eventOut),
    createdAt: report.created_at.toISOString(),
  };
}

export async function readVersion(
  app: FastifyInstance,
  request: FastifyRequest,
  id: string,
  version: number,
) {
  const user = requireUser(request.user);
  const report = await loadReport(app, user.organizationId, id);
  const v = await versionOf(app.db, user.organizationId, report.id, version);
  if (!v) throw AppError.notFound('report version');
  await request.audit({
    action: 'report.read',
    resourceType: 'ecg-report',
    resourceId: report.id,
    patientId: report.patient_id ?? undefined,
    detail: { version },
  });
  return { id: report.id, examId: report.exam_id, ...versionOut(v) };
}

/** The omission warnings signing would raise now (so the signer sees them before pressing sign). */
export async function signCheck(app: FastifyInstance, request: FastifyRequest, id: string) {
  const user = requireUser(request.user);
  const report = await loadReport(app, user.organizationId, id);
  const v = (await versionOf(app.db, user.organizationId, report.id, report.current_version)) as VersionRow;
  return {
    version: v.version,
    status: v.status,
    warnings: await signWarnings(app.db, user.organizationId, report, v),
  };
}

export async function verifyReport(
  app: FastifyInstance,
  request: FastifyRequest,
  id: string,
  version?: number,
) {
  const user = requireUser(request.user);
  const report = await loadReport(app, user.organizationId, id);
  const v = await versionOf(app.db, user.organizationId, report.id, version ?? report.current_version);
  if (!v) throw AppError.notFound('report version');
  const result = await verifyVersion(app.db, report, v);
  await request.audit({
    action: 'report.verify',
    resourceType: 'ecg-report',
    resourceId: report.id,
    patientId: report.patient_id ?? undefined,
    detail: { version: v.version, status: result.status },
  });
  return result;
}

/**
 * Public check behind the QR code: says valid or altered with the facts printed on the paper (hospital, exam
 * and signing time, signer), never the patient's name or any identifier.
 */
export async function verifyByToken(app: FastifyInstance, request: FastifyRequest, token: string) {
  const { rows } = await app.db.query<VersionRow & { org_name: string; signer_name: string | null }>(
    `SELECT v.*, o.name AS org_name, u.display_name AS signer_name FROM ecg_report_versions v
     JOIN organizations o ON o.id = v.organization_id LEFT JOIN users u ON u.id = v.signed_by
     WHERE v.verify_token = $1`,
    [token],
  );
  const v = rows[0];
  if (!v) throw AppError.notFound('signed report');
  const report = (await reportInOrg(app.db, v.organization_id, v.report_id)) as ReportRow;
  const result = await verifyVersion(app.db, report, v);
  // Anonymous (whoever scanned the paper), but still a look at a patient's report: audited with its address.
  await request.audit({
    action: 'report.verify.public',
    resourceType: 'ecg-report',
    resourceId: report.id,
    patientId: report.patient_id ?? undefined,
    detail: { version: v.version, status: result.status },
  });
  return {
    status: result.status,
    valid: result.valid,
    organization: v.org_name,
    version: v.version,
    versionStatus: v.status,
    signedAt: result.signedAt,
    signer: v.signer_name,
    contentHash: result.contentHash,
  };
}

/** The patient's previous analysed ECG and what changed (report statements when it was signed, else engine's). */
export async function serialComparison(db: Queryable, orgId: string, exam: ExamRow, current: VersionRow) {
  if (!exam.patient_id) return { previous: null, comparison: null };
  const { rows } = await db.query<{
    id: string;
    acquired_at: Date | null;
    received_at: Date;
    analysis: Record<string, unknown> | null;
    measurements: Record<string, number> | null;
    statements: VersionRow['statements'] | null;
  }>(
    `SELECT e.id, e.acquired_at, e.received_at, e.analysis, sv.measurements, sv.statements
     FROM ecg_exams e
     LEFT JOIN ecg_reports r ON r.exam_id = e.id
     LEFT JOIN LATERAL (SELECT measurements, statements FROM ecg_report_versions v
                        WHERE v.report_id = r.id AND v.signed_at IS NOT NULL ORDER BY v.version DESC LIMIT 1) sv ON true
     WHERE e.organization_id = $1 AND e.patient_id = $2 AND e.id <> $3 AND e.analysis IS NOT NULL
       AND coalesce(e.acquired_at, e.received_at) < $4
     ORDER BY coalesce(e.acquired_at, e.received_at) DESC LIMIT 1`,
    [orgId, exam.patient_id, exam.id, exam.acquired_at ?? exam.received_at],
  );
  const prev = rows[0];
  if (!prev) return { previous: null, comparison: null };
  const previous = {
    measurements: prev.measurements ?? engineMeasurements(prev.analysis),
    statements: prev.statements ?? engineStatements(prev.analysis),
  };
  return {
    previous: {
      examId: prev.id,
      acquiredAt: prev.acquired_at ?? prev.received_at,
      source: prev.statements ? ('signed-report' as const) : ('analysis' as const),
      ...previous,
    },
    comparison: compareEcgs(previous, { measurements: current.measurements, statements: current.statements }),
  };
}

export async function comparison(app: FastifyInstance, request: FastifyRequest, id: string) {
  const user = requireUser(request.user);
  const report = await loadReport(app, user.organizationId, id);
  const current = (await versionOf(
    app.db,
    user.organizationId,
    report.id,
    report.current_version,
  )) as VersionRow;
  const exam = await examInOrg(app.db, user.organizationId, report.exam_id);
  if (!exam) throw AppError.notFound('ECG exam');
  await request.audit({
    action: 'report.compare',
    resourceType: 'ecg-report',
    resourceId: report.id,
    patientId: report.patient_id ?? undefined,
  });
  const result = await serialComparison(app.db, user.organizationId, exam, current);
  return {
    previous: result.previous && { ...result.previous, acquiredAt: result.previous.acquiredAt.toISOString() },
    comparison: result.comparison,
  };
}
