/**
 * The report workflow: draft → checked (technician) → diagnosed (physician) → reviewed (1–3 senior levels, as
 * configured per organisation and template) → signed → published; any unsigned step can be returned to draft
 * with a reason; a signed version is amended by a new version. Every step runs in one transaction with its event
 * row (who, role, when) and its audit entry.
 */
import { type Permission, roleByCode } from '@lifeline/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PoolClient } from '../../db/pool';
import { inTransaction } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { type AuthUser, requireUser } from '../../plugins/context';
import { raiseCritical } from '../critical';
import { examInOrg } from '../ecg';
import { ecgWorklistTopic, publish } from '../live';
import {
  CRITICAL_STATEMENT_CODES,
  engineMeasurements,
  engineStatements,
  MEASUREMENT_KEYS,
  type ReportMeasurements,
  type ReportStatement,
  type StatementInput,
  statementsFromInput,
  type Template,
} from './content';
import {
  addEvent,
  type ReportRow,
  reportInOrg,
  reportOfExam,
  reviewLevels,
  type VersionRow,
  versionOf,
} from './repo';
import { sealVersion } from './sign';
import { readReport } from './view';

/** The first of the user's roles that grants the permission: recorded with each step. */
export function roleFor(user: AuthUser, permission: Permission): string | null {
  return user.roles.find((r) => roleByCode(r)?.permissions.includes(permission)) ?? user.roles[0] ?? null;
}

/** Tells open worklists (live topic of the ECG worklist) that a report moved; sent when the step commits. */
async function announce(
  app: FastifyInstance,
  client: PoolClient,
  report: ReportRow,
  version: number,
  status: string,
) {
  await publish(
    app,
    ecgWorklistTopic(report.organization_id),
    { type: 'report.updated', reportId: report.id, examId: report.exam_id, version, status },
    client,
  );
}

interface Locked {
  report: ReportRow;
  version: VersionRow;
}

async function lockCurrent(client: PoolClient, user: AuthUser, reportId: string): Promise<Locked> {
  const report = await reportInOrg(client, user.organizationId, reportId, true);
  if (!report) throw AppError.notFound('report');
  const version = await versionOf(client, user.organizationId, report.id, report.current_version);
  if (!version) throw new Error(`report ${report.id} lacks version ${report.current_version}`);
  return { report, version };
}

function requireStatus(v: VersionRow, allowed: string[], step: string): void {
  if (!allowed.includes(v.status)) {
    throw AppError.conflict(
      `cannot ${step} a report that is ${v.status} (needs ${allowed.join(' or ')})`,
      'status',
    );
  }
}

function checkMeasurements(input: Record<string, unknown>): ReportMeasurements {
  const problems: { field: string; reason: string }[] = [];
  const out: ReportMeasurements = {};
  for (const [k, v] of Object.entries(input)) {
    if (!(MEASUREMENT_KEYS as readonly string[]).includes(k)) {
      problems.push({ field: `measurements.${k}`, reason: 'not a report measurement' });
    } else if (typeof v !== 'number' || !Number.isFinite(v) || v < -360 || v > 5000) {
      problems.push({ field: `measurements.${k}`, reason: 'must be a number from -360 to 5000' });
    } else out[k as keyof ReportMeasurements] = v;
  }
  if (problems.length) throw AppError.invalidFields(problems);
  return out;
}

export interface CreateInput {
  examId: string;
  template?: Template;
}

function defaultTemplate(durationSec: number, age: number | null): Template {
  if (durationSec > 120) return 'holter';
  if (age !== null && age < 14) return 'paediatric';
  return 'resting-12';
}

export async function createReport(app: FastifyInstance, request: FastifyRequest, input: CreateInput) {
  const user = requireUser(request.user);
  const reportId = await inTransaction(app.db, async (client) => {
    const exam = await examInOrg(client, user.organizationId, input.examId, true);
    if (!exam) throw AppError.notFound('ECG exam');
    if (await reportOfExam(client, user.organizationId, exam.id)) {
      throw AppError.conflict('this exam already has a report', 'examId');
    }
    if (exam.status === 'acquired') throw AppError.conflict('the ECG is still being analysed', 'examId');
    const age = exam.identifiers.age ?? null;
    const template = input.template ?? defaultTemplate(exam.duration_sec, age);
    const levels = (await reviewLevels(client, user.organizationId))[template];
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO ecg_reports (organization_id, exam_id, patient_id, created_by) VALUES ($1, $2, $3, $4) RETURNING id`,
      [user.organizationId, exam.id, exam.patient_id, user.id],
    );
    const id = rows[0].id;
    const measurements = engineMeasurements(exam.analysis);
    const statements = engineStatements(exam.analysis);
    await client.query(
      `INSERT INTO ecg_report_versions (report_id, organization_id, version, template, review_levels,
         automatic_measurements, measurements, automatic_statements, statements, created_by)
       VALUES ($1, $2, 1, $3, $4, $5, $5, $6, $6, $7)`,
      [id, user.organizationId, template, levels, measurements, JSON.stringify(statements), user.id],
    );
    await addEvent(client, {
      reportId: id,
      version: 1,
      orgId: user.organizationId,
      action: 'create',
      from: null,
      to: 'draft',
      userId: user.id,
      role: roleFor(user, 'ecg.report.draft'),
      detail: { template, reviewLevels: levels },
    });
    await publish(
      app,
      ecgWorklistTopic(user.organizationId),
      { type: 'report.updated', reportId: id, examId: exam.id, version: 1, status: 'draft' },
      client,
    );
    await request.audit(
      {
        action: 'report.create',
        resourceType: 'ecg-report',
        resourceId: id,
        patientId: exam.patient_id ?? undefined,
        detail: { examId: exam.id, template },
      },
      client,
    );
    return id;
  });
  return readReport(app, request, reportId);
}

export interface EditInput {
  measurements?: Record<string, number>;
  statements?: StatementInput[];
  freeText?: string;
  conclusion?: string;
  template?: Template;
}

/** Applies edited fields to the version row (only unsigned versions reach here). */
async function applyEdit(client: PoolClient, v: VersionRow, input: EditInput): Promise<string[]> {
  const sets: string[] = [];
  const params: unknown[] = [v.id];
  const set = (column: string, value: unknown) => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  if (input.measurements)
    set('measurements', { ...v.measurements, ...checkMeasurements(input.measurements) });
  if (input.statements)
    set('statements', JSON.stringify(mergeStatements(v, statementsFromInput(input.statements))));
  if (input.freeText !== undefined) set('free_text', input.freeText);
  if (input.conclusion !== undefined) set('conclusion', input.conclusion);
  if (input.template && input.template !== v.template) {
    // Another ECG type may need another number of review levels.
    set('template', input.template);
    set('review_levels', (await reviewLevels(client, v.organization_id))[input.template]);
  }
  if (sets.length) {
    await client.query(
      `UPDATE ecg_report_versions SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`,
      params,
    );
  }
  return Object.keys(input).filter((k) => input[k as keyof EditInput] !== undefined);
}

/** A physician keeping an engine statement keeps its provenance ('engine'); new ones are the physician's. */
function mergeStatements(v: VersionRow, next: ReportStatement[]): ReportStatement[] {
  const automatic = new Set(v.automatic_statements.map((s) => s.code));
  return next.map((s) => (s.code && automatic.has(s.code) ? { ...s, source: 'engine' as const } : s));
}

type Step = 'edit' | 'check' | 'diagnose' | 'review' | 'return' | 'publish';

const STEP_PERMISSION: Record<Step, Permission> = {
  edit: 'ecg.report.draft',
  check: 'ecg.report.check',
  diagnose: 'ecg.report.diagnose',
  review: 'ecg.report.review',
  return: 'ecg.report.diagnose',
  publish: 'ecg.report.sign',
};

export interface StepInput extends EditInput {
  reason?: string;
  note?: string;
}

/** Users who already diagnosed or reviewed the current round of this version (since its last return). */
async function roundParticipants(client: PoolClient, reportId: string, version: number) {
  const { rows } = await client.query<{ action: string; user_id: string }>(
    `SELECT action, user_id FROM ecg_report_events
     WHERE report_id = $1 AND version = $2 AND id > coalesce(
       (SELECT max(id) FROM ecg_report_events WHERE report_id = $1 AND version = $2 AND action = 'return'), 0)
     AND action IN ('diagnose', 'review')`,
    [reportId, version],
  );
  return rows;
}

export async function step(
  app: FastifyInstance,
  request: FastifyRequest,
  reportId: string,
  stepName: Step,
  input: StepInput,
) {
  const user = requireUser(request.user);
  await inTransaction(app.db, async (client) => {
    const { report, version: v } = await lockCurrent(client, user, reportId);
    let to: VersionRow['status'] = v.status;
    let level: number | null = null;
    const sets: string[] = [];
    let changed: string[] = [];
    switch (stepName) {
      case 'edit':
        requireStatus(v, ['draft', 'checked'], 'edit');
        changed = await applyEdit(client, v, input);
        break;
      case 'check':
        requireStatus(v, ['draft'], 'check');
        changed = await applyEdit(client, v, { measurements: input.measurements });
        to = 'checked';
        break;
      case 'diagnose': {
        requireStatus(v, ['checked'], 'diagnose');
        changed = await applyEdit(client, v, input);
        const conclusion = input.conclusion ?? v.conclusion;
        if (!conclusion.trim()) throw AppError.invalid('conclusion', 'a diagnosis needs a conclusion');
        to = 'diagnosed';
        break;
      }
      case 'review': {
        requireStatus(v, ['diagnosed'], 'review');
        const done = await roundParticipants(client, report.id, v.version);
        if (done.some((e) => e.user_id === user.id)) {
          throw AppError.forbidden('a reviewer must not have diagnosed or already reviewed this report');
        }
        changed = await applyEdit(client, v, {
          statements: input.statements,
          conclusion: input.conclusion,
          freeText: input.freeText,
        });
        level = v.reviews_done + 1;
        sets.push(`reviews_done = ${level}`);
        to = level >= v.review_levels ? 'reviewed' : 'diagnosed';
        break;
      }
      case 'return':
        requireStatus(v, ['checked', 'diagnosed', 'reviewed'], 'return');
        if (!input.reason?.trim()) throw AppError.invalid('reason', 'say why the report is returned');
        sets.push('reviews_done = 0');
        to = 'draft';
        break;
      case 'publish':
        requireStatus(v, ['signed'], 'publish');
        sets.push('published_at = now()', 'published_by = $3');
        to = 'published';
        break;
    }
    if (to !== v.status || sets.length) {
      await client.query(
        `UPDATE ecg_report_versions SET status = $2${sets.map((s) => `, ${s}`).join('')}, updated_at = now()
         WHERE id = $1`,
        stepName === 'publish' ? [v.id, to, user.id] : [v.id, to],
      );
    }
    await addEvent(client, {
      reportId: report.id,
      version: v.version,
      orgId: user.organizationId,
      action: stepName,
      from: v.status,
      to,
      level,
      userId: user.id,
      role: roleFor(user, STEP_PERMISSION[stepName]),
      reason: input.reason ?? input.note ?? null,
      detail: changed.length ? { changed } : {},
    });
    await announce(app, client, report, v.version, to);
    await request.audit(
      {
        action: `report.${stepName}`,
        resourceType: 'ecg-report',
        resourceId: report.id,
        patientId: report.patient_id ?? undefined,
        detail: { version: v.version, from: v.status, to, ...(level ? { level } : {}) },
      },
      client,
    );
    if (stepName === 'diagnose' || stepName === 'review') {
      await raiseForPhysicianFindings(app, client, report, v.id, user.id);
    }
  });
  return readReport(app, request, reportId);
}

/** A physician putting a critical finding on a report confirms it: the register gets an entry (once per exam). */
export async function raiseForPhysicianFindings(
  app: FastifyInstance,
  client: PoolClient,
  report: ReportRow,
  versionId: string,
  userId: string,
): Promise<void> {
  const { rows } = await client.query<{ statements: ReportStatement[] }>(
    'SELECT statements FROM ecg_report_versions WHERE id = $1',
    [versionId],
  );
  const critical = (rows[0]?.statements ?? []).filter((s) => s.code && CRITICAL_STATEMENT_CODES.has(s.code));
  if (!critical.length) return;
  await raiseCritical(
    app,
    {
      organizationId: report.organization_id,
      examId: report.exam_id,
      source: 'physician',
      findings: critical.map((s) => ({ code: s.code as string, textZh: s.textZh, textEn: s.textEn })),
      createdBy: userId,
    },
    client,
  );
}

export interface SignInput {
  acknowledgedWarnings?: { code: string; decision: 'confirm' | 'dismiss'; note?: string }[];
}

export async function signReport(
  app: FastifyInstance,
  request: FastifyRequest,
  reportId: string,
  input: SignInput,
) {
  const user = requireUser(request.user);
  await inTransaction(app.db, async (client) => {
    const { report, version: v } = await lockCurrent(client, user, reportId);
    requireStatus(v, ['reviewed'], 'sign');
    // A signed report names its patient: the ECG must be linked first; a link made after the report was
    // started is taken over here, before the content is hashed.
    const exam = await examInOrg(client, user.organizationId, report.exam_id);
    if (!exam?.patient_id) throw AppError.conflict('link the ECG to a patient before signing', 'patientId');
    if (exam.patient_id !== report.patient_id) {
      await client.query('UPDATE ecg_reports SET patient_id = $2 WHERE id = $1', [
        report.id,
        exam.patient_id,
      ]);
      report.patient_id = exam.patient_id;
    }
    const sealed = await sealVersion(app, client, user, report, v, input.acknowledgedWarnings ?? []);
    await addEvent(client, {
      reportId: report.id,
      version: v.version,
      orgId: user.organizationId,
      action: 'sign',
      from: v.status,
      to: 'signed',
      userId: user.id,
      role: roleFor(user, 'ecg.report.sign'),
      detail: { contentHash: sealed.hash, warnings: sealed.warnings },
    });
    if (v.amends_version !== null) {
      await client.query(
        `UPDATE ecg_report_versions SET status = 'superseded' WHERE report_id = $1 AND version = $2
         AND status IN ('signed', 'published')`,
        [report.id, v.amends_version],
      );
    }
    await announce(app, client, report, v.version, 'signed');
    await request.audit(
      {
        action: 'report.sign',
        resourceType: 'ecg-report',
        resourceId: report.id,
        patientId: report.patient_id ?? undefined,
        detail: { version: v.version, contentHash: sealed.hash, warnings: sealed.warnings.length },
      },
      client,
    );
    await raiseForPhysicianFindings(app, client, report, v.id, user.id);
  });
  return readReport(app, request, reportId);
}

export async function amendReport(
  app: FastifyInstance,
  request: FastifyRequest,
  reportId: string,
  reason: string,
) {
  const user = requireUser(request.user);
  if (!reason.trim()) throw AppError.invalid('reason', 'an amendment needs a reason');
  await inTransaction(app.db, async (client) => {
    const { report, version: v } = await lockCurrent(client, user, reportId);
    requireStatus(v, ['signed', 'published'], 'amend');
    const next = v.version + 1;
    const levels = (await reviewLevels(client, user.organizationId))[v.template];
    await client.query(
      `INSERT INTO ecg_report_versions (report_id, organization_id, version, template, review_levels,
         automatic_measurements, measurements, automatic_statements, statements, free_text, conclusion,
         amends_version, amendment_reason, created_by)
       SELECT report_id, organization_id, $2, template, $3, automatic_measurements, measurements,
         automatic_statements, statements, free_text, conclusion, version, $4, $5
       FROM ecg_report_versions WHERE id = $1`,
      [v.id, next, levels, reason.trim(), user.id],
    );
    await client.query('UPDATE ecg_reports SET current_version = $2 WHERE id = $1', [report.id, next]);
    await addEvent(client, {
      reportId: report.id,
      version: next,
      orgId: user.organizationId,
      action: 'amend',
      from: v.status,
      to: 'draft',
      userId: user.id,
      role: roleFor(user, 'ecg.report.sign'),
      reason: reason.trim(),
      detail: { amends: v.version },
    });
    await announce(app, client, report, next, 'draft');
    await request.audit(
      {
        action: 'report.amend',
        resourceType: 'ecg-report',
        resourceId: report.id,
        patientId: report.patient_id ?? undefined,
        detail: { version: next, amends: v.version },
      },
      client,
    );
  });
  return readReport(app, request, reportId);
}
