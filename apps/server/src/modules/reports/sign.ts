/**
 * Signing a report version: the omission check against the engine's findings (each warning confirmed or
 * dismissed by the signer), the canonical content hash, the organisation's Ed25519 signature, the verification
 * token printed as a QR code, and the signed PDF in the blob store. Verification recomputes all of it.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { PoolClient, Queryable } from '../../db/pool';
import { AppError } from '../../lib/errors';
import type { AuthUser } from '../../plugins/context';
import { examInOrg } from '../ecg';
import {
  contentHash,
  type OmissionWarning,
  omissions,
  type ReportStatement,
  type SignedContent,
  type TrailStep,
} from './content';
import { renderStoredPdf } from './pdf-data';
import type { ReportRow, VersionRow } from './repo';
import { organizationKey, signHash, verifySignature } from './signature';

export interface WarningDecision {
  code: string;
  decision: 'confirm' | 'dismiss';
  note?: string;
}

/** Statement codes behind the engine's critical findings (their evidence names them). */
function criticalCodes(analysis: Record<string, unknown> | null): string[] {
  const findings = (analysis?.critical as { evidence?: Record<string, unknown> }[] | undefined) ?? [];
  return findings.flatMap((f) => {
    const ev = f.evidence ?? {};
    const list = ev.statements ?? ev.statement;
    return Array.isArray(list) ? list.map(String) : typeof list === 'string' ? [list] : [];
  });
}

export async function signWarnings(db: Queryable, orgId: string, report: ReportRow, v: VersionRow) {
  const exam = await examInOrg(db, orgId, report.exam_id);
  return omissions(v.automatic_statements, v.statements, criticalCodes(exam?.analysis ?? null));
}

function warningIssue(w: OmissionWarning) {
  return {
    severity: 'warning' as const,
    code: 'conflict' as const,
    diagnostics:
      `omission: the analysis found ${w.code} ${w.textZh} (${w.textEn})${w.critical ? ' [critical]' : ''} ` +
      'but the report does not say it; confirm (add it) or dismiss it in acknowledgedWarnings',
    expression: ['acknowledgedWarnings', w.code],
  };
}

/** The version's workflow steps before its sign event (all of them while it is being signed). */
export async function trailOf(db: Queryable, report: ReportRow, version: number): Promise<TrailStep[]> {
  const { rows } = await db.query<{
    action: string;
    user_id: string | null;
    role: string | null;
    level: number | null;
    reason: string | null;
    at: Date;
  }>(
    `SELECT action, user_id, role, level, reason, at FROM ecg_report_events
     WHERE report_id = $1 AND version = $2 AND organization_id = $3 AND action NOT IN ('sign', 'publish')
       AND id < coalesce((SELECT min(id) FROM ecg_report_events
                          WHERE report_id = $1 AND version = $2 AND action = 'sign'), 9223372036854775807)
     ORDER BY id`,
    [report.id, version, report.organization_id],
  );
  return rows.map((r) => ({
    action: r.action,
    userId: r.user_id,
    role: r.role,
    level: r.level,
    reason: r.reason,
    at: r.at.toISOString(),
  }));
}

export function signedContentOf(v: VersionRow, report: ReportRow, trail: TrailStep[]): SignedContent {
  if (!v.signed_by || !v.signed_at) throw new Error('version is not signed');
  return {
    reportId: report.id,
    version: v.version,
    organizationId: report.organization_id,
    examId: report.exam_id,
    patientId: report.patient_id,
    template: v.template,
    automaticMeasurements: v.automatic_measurements,
    measurements: v.measurements,
    automaticStatements: v.automatic_statements,
    statements: v.statements,
    freeText: v.free_text,
    conclusion: v.conclusion,
    amendsVersion: v.amends_version,
    amendmentReason: v.amendment_reason,
    signWarnings: v.sign_warnings ?? [],
    trail,
    signedBy: v.signed_by,
    signedAt: v.signed_at.toISOString(),
  };
}

/** Checks warnings, signs, stores the PDF and freezes the version (one UPDATE; the trigger does the rest). */
export async function sealVersion(
  app: FastifyInstance,
  client: PoolClient,
  user: AuthUser,
  report: ReportRow,
  v: VersionRow,
  decisions: WarningDecision[],
): Promise<{ hash: string; warnings: (OmissionWarning & WarningDecision)[] }> {
  const warnings = await signWarnings(client, user.organizationId, report, v);
  const unknown = decisions.filter((d) => !warnings.some((w) => w.code === d.code));
  if (unknown.length) {
    throw AppError.invalidFields(
      unknown.map((d) => ({
        field: `acknowledgedWarnings.${d.code}`,
        reason: 'no such warning on this report',
      })),
    );
  }
  const open = warnings.filter((w) => !decisions.some((d) => d.code === w.code));
  if (open.length) throw new AppError(409, open.map(warningIssue));
  const decided = warnings.map((w) => ({
    ...w,
    ...(decisions.find((d) => d.code === w.code) as WarningDecision),
  }));
  // A confirmed omission goes onto the report as the engine worded it.
  const statements: ReportStatement[] = [...v.statements];
  for (const d of decided.filter((x) => x.decision === 'confirm')) {
    const engine = v.automatic_statements.find((s) => s.code === d.code);
    if (engine) statements.push({ ...engine, source: 'engine' });
  }
  const signedAt = new Date();
  const sealed: VersionRow = {
    ...v,
    statements,
    sign_warnings: decided,
    signed_by: user.id,
    signed_at: signedAt,
    status: 'signed',
  };
  const hash = contentHash(signedContentOf(sealed, report, await trailOf(client, report, v.version)));
  const key = await organizationKey(app, client, user.organizationId);
  const signature = signHash(key, hash, user.id, signedAt.toISOString());
  const token = randomBytes(12).toString('base64url');
  Object.assign(sealed, { content_hash: hash, signature, signing_key_id: key.id, verify_token: token });
  const pdfBlob = await renderStoredPdf(app, client, report, sealed, user).catch((err) => {
    // The signature does not depend on the PDF; GET …/pdf renders it later (and says why it cannot).
    app.log.error({ err, reportId: report.id }, 'signed PDF not rendered');
    return null;
  });
  await client.query(
    `UPDATE ecg_report_versions SET status = 'signed', statements = $2, sign_warnings = $3, signed_by = $4,
       signed_at = $5, content_hash = $6, signature = $7, signing_key_id = $8, verify_token = $9, pdf_blob = $10,
       updated_at = now()
     WHERE id = $1`,
    [
      v.id,
      JSON.stringify(statements),
      JSON.stringify(decided),
      user.id,
      signedAt,
      hash,
      signature,
      key.id,
      token,
      pdfBlob,
    ],
  );
  return { hash, warnings: decided };
}

export interface Verification {
  status: 'valid' | 'altered' | 'unsigned';
  valid: boolean;
  reportId: string;
  version: number;
  signedAt: string | null;
  signedBy: string | null;
  contentHash: string | null;
  /** The hash of the content as stored now (differs from contentHash when the row was changed). */
  recomputedHash: string | null;
  signatureValid: boolean;
}

/** Recomputes the content hash from the stored row and checks the signature with the organisation's key. */
export async function verifyVersion(db: Queryable, report: ReportRow, v: VersionRow): Promise<Verification> {
  const base = { reportId: report.id, version: v.version };
  if (!v.signed_at || !v.signed_by || !v.signature || !v.content_hash) {
    return {
      ...base,
      status: 'unsigned',
      valid: false,
      signedAt: null,
      signedBy: null,
      contentHash: null,
      recomputedHash: null,
      signatureValid: false,
    };
  }
  const recomputed = contentHash(signedContentOf(v, report, await trailOf(db, report, v.version)));
  const { rows } = await db.query<{ public_key: string }>(
    'SELECT public_key FROM organization_signing_keys WHERE id = $1 AND organization_id = $2',
    [v.signing_key_id, report.organization_id],
  );
  const signatureValid =
    rows[0] !== undefined &&
    verifySignature(rows[0].public_key, v.content_hash, v.signed_by, v.signed_at.toISOString(), v.signature);
  const valid = signatureValid && recomputed === v.content_hash;
  return {
    ...base,
    status: valid ? 'valid' : 'altered',
    valid,
    signedAt: v.signed_at.toISOString(),
    signedBy: v.signed_by,
    contentHash: v.content_hash,
    recomputedHash: recomputed,
    signatureValid,
  };
}
