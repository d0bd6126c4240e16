/** Reports, their workflow, signatures, PDF, worklist and settings over HTTP. */
import { roleByCode } from '@lifeline/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTransaction } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import type { Template } from './content';
import { loadReportFont, ReportFontError, reportFontConfig, warmUpReportPdf } from './pdf';
import { renderPdf } from './pdf-data';
import {
  reportInOrg,
  reportSettings,
  reviewLevels,
  type SettingsRow,
  setReviewLevel,
  updateSettings,
  versionOf,
} from './repo';
import {
  CheckInput,
  CreateInput,
  DiagnoseInput,
  EditInput,
  IdParam,
  PdfQuery,
  ReasonInput,
  ReportQuery,
  ReviewInput,
  SettingsInput,
  SignInput,
  TokenParam,
  VerifyQuery,
  VersionParam,
  WorklistQuery,
} from './schemas';
import { comparison, readReport, readVersion, signCheck, verifyByToken, verifyReport } from './view';
import { amendReport, createReport, signReport, step } from './workflow';
import { worklist } from './worklist';

const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

async function settingsOut(app: FastifyInstance, orgId: string) {
  const s = await reportSettings(app.db, orgId);
  return {
    reviewLevels: await reviewLevels(app.db, orgId),
    turnaroundTargetsMin: {
      routine: s.target_routine_min,
      urgent: s.target_urgent_min,
      stat: s.target_stat_min,
    },
    criticalAckMinutes: s.critical_ack_minutes,
    criticalEscalationRoles: s.critical_escalation_roles,
    criticalChannelIds: s.critical_channel_ids,
    maskIdentifiers: s.mask_identifiers,
  };
}

/** The PDF of a version: the stored one when signed (rendered and stored now if signing could not), else a draft. */
async function pdfOf(
  app: FastifyInstance,
  request: FastifyRequest,
  id: string,
  version?: number,
): Promise<Buffer> {
  const user = requireUser(request.user);
  const report = await reportInOrg(app.db, user.organizationId, id);
  if (!report) throw AppError.notFound('report');
  const v = await versionOf(app.db, user.organizationId, report.id, version ?? report.current_version);
  if (!v) throw AppError.notFound('report version');
  await request.audit({
    action: 'report.pdf',
    resourceType: 'ecg-report',
    resourceId: report.id,
    patientId: report.patient_id ?? undefined,
    detail: { version: v.version, signed: v.signed_at !== null },
  });
  if (v.pdf_blob) return app.blobs.get(v.pdf_blob);
  try {
    const pdf = await renderPdf(app, app.db, report, v);
    if (v.signed_at) {
      const key = await app.blobs.put(pdf);
      await app.db.query('UPDATE ecg_report_versions SET pdf_blob = $2 WHERE id = $1 AND pdf_blob IS NULL', [
        v.id,
        key,
      ]);
    }
    return pdf;
  } catch (err) {
    if (err instanceof ReportFontError) {
      throw new AppError(503, [{ severity: 'error', code: 'exception', diagnostics: err.message }]);
    }
    throw err;
  }
}

export async function reportRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['reports'];
  if (process.env.NODE_ENV !== 'test') {
    // Warm the PDF font in the background; a missing font is logged now rather than at the first signature.
    app.addHook('onReady', async () => {
      const { path, name } = reportFontConfig();
      void Promise.resolve()
        .then(() => warmUpReportPdf(loadReportFont(path, name)))
        .catch((err) => app.log.warn({ err: (err as Error).message }, 'report PDF font not ready'));
    });
  }

  app.post(
    '/api/reports',
    {
      config: { permission: 'ecg.report.draft' },
      schema: { tags, body: CreateInput, description: 'Starts the report of an analysed exam as a draft' },
    },
    async (request) => createReport(app, request, request.body as never),
  );
  app.get(
    '/api/reports',
    { config: { permission: 'ecg.read' }, schema: { tags, querystring: ReportQuery } },
    async (request) => {
      const user = requireUser(request.user);
      const q = request.query as {
        examId?: string;
        patientId?: string;
        status?: string;
        limit?: number;
        offset?: number;
      };
      const params: unknown[] = [user.organizationId];
      const where = ['r.organization_id = $1'];
      const add = (sql: string, value: unknown) => {
        params.push(value);
        where.push(sql.replace('?', `$${params.length}`));
      };
      if (q.examId) add('r.exam_id = ?', q.examId);
      if (q.patientId) add('r.patient_id = ?', q.patientId);
      if (q.status) add('v.status = ?', q.status);
      const { rows } = await app.db.query(
        `SELECT r.id, r.exam_id, r.patient_id, r.current_version, v.status, v.template, v.conclusion, v.signed_at,
           r.created_at, count(*) OVER () AS total
         FROM ecg_reports r JOIN ecg_report_versions v ON v.report_id = r.id AND v.version = r.current_version
         WHERE ${where.join(' AND ')} ORDER BY r.created_at DESC LIMIT ${q.limit ?? 50} OFFSET ${q.offset ?? 0}`,
        params,
      );
      await request.audit({
        action: 'report.list',
        resourceType: 'ecg-report',
        detail: { count: rows.length },
      });
      return {
        total: rows[0]?.total ?? 0,
        items: rows.map((r) => ({
          id: r.id,
          examId: r.exam_id,
          patientId: r.patient_id,
          currentVersion: r.current_version,
          status: r.status,
          template: r.template,
          conclusion: r.conclusion,
          signedAt: r.signed_at?.toISOString() ?? null,
          createdAt: r.created_at.toISOString(),
        })),
      };
    },
  );
  app.get(
    '/api/reports/verify',
    {
      config: { permission: 'ecg.read' },
      schema: { tags, querystring: VerifyQuery, description: 'valid, altered or unsigned, with both hashes' },
    },
    async (request) => {
      const q = request.query as { id: string; version?: number };
      return verifyReport(app, request, q.id, q.version);
    },
  );
  app.get(
    '/api/public/reports/verify/:token',
    {
      config: { public: true },
      schema: { tags, params: TokenParam, description: 'Target of the QR code on the PDF; no patient data' },
    },
    async (request) => verifyByToken(app, request, (request.params as { token: string }).token),
  );
  app.get(
    '/api/reports/:id',
    { config: { permission: 'ecg.read' }, schema: { tags, params: IdParam } },
    async (request) => readReport(app, request, idOf(request)),
  );
  app.get(
    '/api/reports/:id/versions/:version',
    { config: { permission: 'ecg.read' }, schema: { tags, params: VersionParam } },
    async (request) => {
      const p = request.params as { id: string; version: number };
      return readVersion(app, request, p.id, p.version);
    },
  );
  app.get(
    '/api/reports/:id/comparison',
    {
      config: { permission: 'ecg.read' },
      schema: { tags, params: IdParam, description: "The patient's previous ECG and what changed" },
    },
    async (request) => comparison(app, request, idOf(request)),
  );
  app.get(
    '/api/reports/:id/pdf',
    {
      config: { permission: 'ecg.read' },
      schema: { tags, params: IdParam, querystring: PdfQuery },
    },
    async (request, reply) => {
      const { version } = request.query as { version?: number };
      const pdf = await pdfOf(app, request, idOf(request), version);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="ecg-report-${idOf(request).slice(0, 8)}.pdf"`)
        .send(pdf);
    },
  );
  app.patch(
    '/api/reports/:id',
    { config: { permission: 'ecg.report.draft' }, schema: { tags, params: IdParam, body: EditInput } },
    async (request) => step(app, request, idOf(request), 'edit', request.body as never),
  );
  app.post(
    '/api/reports/:id/check',
    { config: { permission: 'ecg.report.check' }, schema: { tags, params: IdParam, body: CheckInput } },
    async (request) => step(app, request, idOf(request), 'check', (request.body ?? {}) as never),
  );
  app.post(
    '/api/reports/:id/diagnose',
    { config: { permission: 'ecg.report.diagnose' }, schema: { tags, params: IdParam, body: DiagnoseInput } },
    async (request) => step(app, request, idOf(request), 'diagnose', (request.body ?? {}) as never),
  );
  app.post(
    '/api/reports/:id/review',
    { config: { permission: 'ecg.report.review' }, schema: { tags, params: IdParam, body: ReviewInput } },
    async (request) => step(app, request, idOf(request), 'review', (request.body ?? {}) as never),
  );
  app.post(
    '/api/reports/:id/return',
    {
      config: { permission: 'ecg.report.diagnose' },
      schema: { tags, params: IdParam, body: ReasonInput, description: 'Back to draft, with the reason' },
    },
    async (request) => step(app, request, idOf(request), 'return', request.body as never),
  );
  app.get(
    '/api/reports/:id/sign-check',
    {
      config: { permission: 'ecg.report.sign' },
      schema: {
        tags,
        params: IdParam,
        description: 'Engine findings missing from the report (omission warnings)',
      },
    },
    async (request) => signCheck(app, request, idOf(request)),
  );
  app.post(
    '/api/reports/:id/sign',
    {
      config: { permission: 'ecg.report.sign' },
      schema: {
        tags,
        params: IdParam,
        body: SignInput,
        description:
          '409 with one issue per omission warning until each is in acknowledgedWarnings (confirm adds the ' +
          "engine's statement, dismiss keeps the report as it is); the decisions are signed with the report",
      },
    },
    async (request) => signReport(app, request, idOf(request), (request.body ?? {}) as never),
  );
  app.post(
    '/api/reports/:id/publish',
    { config: { permission: 'ecg.report.sign' }, schema: { tags, params: IdParam } },
    async (request) => step(app, request, idOf(request), 'publish', {}),
  );
  app.post(
    '/api/reports/:id/amend',
    {
      config: { permission: 'ecg.report.sign' },
      schema: {
        tags,
        params: IdParam,
        body: ReasonInput,
        description: 'New draft version; the signed one stays',
      },
    },
    async (request) => amendReport(app, request, idOf(request), (request.body as { reason: string }).reason),
  );

  app.get(
    '/api/worklist',
    {
      config: { permission: 'ecg.read' },
      schema: { tags, querystring: WorklistQuery, description: 'Green channel, then priority, then age' },
    },
    async (request) => worklist(app, request, request.query as never),
  );

  app.get('/api/report-settings', { config: { permission: 'ecg.read' }, schema: { tags } }, async (request) =>
    settingsOut(app, requireUser(request.user).organizationId),
  );
  app.put(
    '/api/report-settings',
    { config: { permission: 'ecg.report.admin' }, schema: { tags, body: SettingsInput } },
    async (request) => {
      const user = requireUser(request.user);
      const body = request.body as {
        reviewLevels?: Partial<Record<Template, number>>;
        turnaroundTargetsMin?: { routine?: number; urgent?: number; stat?: number };
        criticalAckMinutes?: number;
        criticalEscalationRoles?: string[];
        criticalChannelIds?: string[];
        maskIdentifiers?: boolean;
      };
      await inTransaction(app.db, async (client) => {
        for (const [template, levels] of Object.entries(body.reviewLevels ?? {})) {
          if (levels !== undefined)
            await setReviewLevel(client, user.organizationId, template as Template, levels, user.id);
        }
        const patch: Partial<SettingsRow> = {};
        const t = body.turnaroundTargetsMin ?? {};
        if (t.routine !== undefined) patch.target_routine_min = t.routine;
        if (t.urgent !== undefined) patch.target_urgent_min = t.urgent;
        if (t.stat !== undefined) patch.target_stat_min = t.stat;
        if (body.criticalAckMinutes !== undefined) patch.critical_ack_minutes = body.criticalAckMinutes;
        if (body.criticalEscalationRoles) {
          const unknown = body.criticalEscalationRoles.filter((r) => !roleByCode(r));
          if (unknown.length)
            throw AppError.invalid('criticalEscalationRoles', `unknown role ${unknown.join(', ')}`);
          patch.critical_escalation_roles = body.criticalEscalationRoles;
        }
        if (body.criticalChannelIds) {
          const known = await client.query<{ id: string }>(
            'SELECT id FROM notification_channels WHERE organization_id = $1 AND id = ANY($2::uuid[])',
            [user.organizationId, body.criticalChannelIds],
          );
          const missing = body.criticalChannelIds.filter((id) => !known.rows.some((r) => r.id === id));
          if (missing.length)
            throw AppError.invalid('criticalChannelIds', `unknown channel ${missing.join(', ')}`);
          patch.critical_channel_ids = body.criticalChannelIds;
        }
        if (body.maskIdentifiers !== undefined) patch.mask_identifiers = body.maskIdentifiers;
        await updateSettings(client, user.organizationId, patch, user.id);
        await request.audit(
          {
            action: 'report.settings',
            resourceType: 'report-settings',
            detail: { fields: Object.keys(body) },
          },
          client,
        );
      });
      return settingsOut(app, user.organizationId);
    },
  );
}
