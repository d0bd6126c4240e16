/** ECG exams over HTTP: upload, list, read (metadata, waveform windows, original bytes), link and unlink. */
import type { InputFile } from '@lifeline/formats';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTransaction } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { ecgWorklistTopic, publish } from '../live';
import { findOrder, markOrderInProgress } from '../orders';
import { patientInOrg } from '../patients';
import { publicIdentifiers } from './identifiers';
import { type IngestResult, ingestEcgFiles } from './ingest';
import { addLinkHistory, type ExamFilter, type ExamRow, examInOrg, linkHistory, searchExams } from './repo';
import { readWaveformWindow } from './waveform';

/**
 * A link or unlink changes the age and sex the engine interprets with (QTc limits, voltage criteria), so an exam
 * already analysed goes back to 'acquired' and is analysed again; the old analysis stays until the new one lands.
 */
const REANALYSE = `status = CASE WHEN status IN ('analysed', 'analysis-failed') THEN 'acquired' ELSE status END`;

/** Longest waveform window served at once, in samples per lead (a minute at 1000 Hz). */
export const MAX_WINDOW_SAMPLES = 60_000;

export function examSummary(r: ExamRow) {
  return {
    id: r.id,
    organizationId: r.organization_id,
    patientId: r.patient_id,
    orderId: r.order_id,
    status: r.status,
    acquiredAt: r.acquired_at?.toISOString() ?? null,
    receivedAt: r.received_at.toISOString(),
    channel: r.channel,
    deviceId: r.device_id,
    deviceName: r.device_name,
    format: r.format,
    originalName: r.original_name,
    identifiers: publicIdentifiers(r.identifiers),
    sampleRate: r.sample_rate,
    sampleCount: r.sample_count,
    durationSec: r.duration_sec,
    leads: r.lead_names,
    critical: r.critical,
    matchState: r.match_state,
    matchedBy: r.matched_by,
    analysedAt: r.analysed_at?.toISOString() ?? null,
    warnings: r.warnings,
  };
}

export async function upload(app: FastifyInstance, request: FastifyRequest, files: InputFile[]) {
  const user = requireUser(request.user);
  if (files.length === 0) throw AppError.invalid('files', 'no file in the upload');
  const results = await ingestEcgFiles(app, {
    organizationId: user.organizationId,
    files,
    channel: user.via === 'token' ? 'api' : 'upload',
    actor: request.actor(),
    clientIp: request.ip,
  });
  const failed = results.filter((r): r is Extract<IngestResult, { ok: false }> => !r.ok);
  if (failed.length === results.length) {
    throw new AppError(
      422,
      failed.map((f) => ({ severity: 'error', code: 'invalid', diagnostics: f.error, expression: [f.file] })),
    );
  }
  return { results };
}

export async function list(app: FastifyInstance, request: FastifyRequest, query: Partial<ExamFilter>) {
  const user = requireUser(request.user);
  const { rows, total } = await searchExams(app.db, user.organizationId, {
    ...query,
    limit: query.limit ?? 50,
    offset: query.offset ?? 0,
  });
  await request.audit({
    action: 'ecg.search',
    resourceType: 'ecg-exam',
    detail: {
      status: query.status ?? null,
      patientId: query.patientId ?? null,
      matched: query.matched ?? null,
      returned: rows.map((r) => r.id),
    },
  });
  return { items: rows.map(examSummary), total };
}

async function loadOr404(app: FastifyInstance, orgId: string, id: string): Promise<ExamRow> {
  const exam = await examInOrg(app.db, orgId, id);
  if (!exam) throw AppError.notFound('ECG');
  return exam;
}

export async function read(app: FastifyInstance, request: FastifyRequest, id: string) {
  const user = requireUser(request.user);
  const exam = await loadOr404(app, user.organizationId, id);
  const history = await linkHistory(app.db, user.organizationId, id);
  await request.audit({
    action: 'ecg.read',
    resourceType: 'ecg-exam',
    resourceId: id,
    ...(exam.patient_id ? { patientId: exam.patient_id } : {}),
  });
  return {
    ...examSummary(exam),
    device: exam.device,
    originalFiles: exam.original_files.map((f) => ({ name: f.name, size: f.size })),
    instanceUid: exam.instance_uid,
    analysis: exam.analysis,
    analysisError: exam.analysis_error,
    deviceMeasurements: exam.device_measurements,
    deviceStatements: exam.device_statements,
    history: history.map((h) => ({
      action: h.action,
      patientId: h.patient_id,
      orderId: h.order_id,
      matchedBy: h.matched_by,
      reason: h.reason,
      username: h.username,
      at: h.at.toISOString(),
    })),
  };
}

export async function waveform(
  app: FastifyInstance,
  request: FastifyRequest,
  id: string,
  query: { from?: number; to?: number; leads?: string },
) {
  const user = requireUser(request.user);
  const exam = await loadOr404(app, user.organizationId, id);
  const fs = exam.sample_rate;
  const fromSec = query.from ?? 0;
  const toSec = query.to ?? Math.min(exam.duration_sec, fromSec + 10);
  if (toSec <= fromSec) throw AppError.invalid('to', 'must be after from');
  const start = Math.floor(fromSec * fs);
  const end = Math.min(exam.sample_count, Math.ceil(toSec * fs));
  if (end - start > MAX_WINDOW_SAMPLES) {
    throw AppError.invalid(
      'to',
      `window too long: at most ${Math.floor(MAX_WINDOW_SAMPLES / fs)} s at ${fs} Hz`,
    );
  }
  if (start >= exam.sample_count)
    throw AppError.invalid('from', `the recording lasts ${exam.duration_sec} s`);
  const wanted = query.leads ? query.leads.split(',') : exam.lead_names;
  const unknown = wanted.filter((name) => !exam.lead_names.includes(name));
  if (unknown.length) {
    throw AppError.invalid(
      'leads',
      `${unknown.join(', ')} not recorded (leads: ${exam.lead_names.join(', ')})`,
    );
  }
  const leads = await readWaveformWindow(
    app.blobs,
    exam.waveform_blob,
    { sampleRate: fs, leadNames: exam.lead_names, sampleCount: exam.sample_count },
    start,
    end,
    wanted,
  );
  await request.audit({
    action: 'ecg.waveform.read',
    resourceType: 'ecg-exam',
    resourceId: id,
    ...(exam.patient_id ? { patientId: exam.patient_id } : {}),
    detail: { from: start / fs, to: end / fs },
  });
  return {
    sampleRate: fs,
    start: start / fs,
    end: end / fs,
    leads: wanted.map((name, i) => ({ name, samples: Array.from(leads[i], (v) => Math.round(v)) })),
  };
}

export async function original(app: FastifyInstance, request: FastifyRequest, id: string, fileName?: string) {
  const user = requireUser(request.user);
  const exam = await loadOr404(app, user.organizationId, id);
  const file = fileName
    ? exam.original_files.find((f) => f.name === fileName)
    : { name: exam.original_name, key: exam.original_blob };
  if (!file)
    throw AppError.invalid(
      'file',
      `not a file of this ECG (${exam.original_files.map((f) => f.name).join(', ')})`,
    );
  const bytes = await app.blobs.get(file.key);
  await request.audit({
    action: 'ecg.original.read',
    resourceType: 'ecg-exam',
    resourceId: id,
    ...(exam.patient_id ? { patientId: exam.patient_id } : {}),
    detail: { file: file.name, bytes: bytes.length },
  });
  return { name: file.name, bytes };
}

export async function link(
  app: FastifyInstance,
  request: FastifyRequest,
  id: string,
  body: { patientId: string; orderId?: string; reason: string },
) {
  const user = requireUser(request.user);
  const orgId = user.organizationId;
  await inTransaction(app.db, async (client) => {
    const exam = await examInOrg(client, orgId, id, true);
    if (!exam) throw AppError.notFound('ECG');
    if (exam.match_state === 'matched') {
      throw AppError.conflict('ECG is already linked to a patient; unlink it first', 'patientId');
    }
    const patient = await patientInOrg(client, orgId, body.patientId);
    if (!patient) throw AppError.invalid('patientId', 'no such patient in this organisation');
    if (patient.merged_into_id)
      throw AppError.invalid('patientId', 'patient was merged; link to the surviving record');
    if (body.orderId) {
      const order = await findOrder(client, orgId, body.orderId);
      if (!order) throw AppError.invalid('orderId', 'no such order in this organisation');
      if (order.patientId !== body.patientId)
        throw AppError.invalid('orderId', 'order belongs to another patient');
      if (order.status === 'cancelled') throw AppError.invalid('orderId', 'order was cancelled');
      await markOrderInProgress(client, orgId, order.id);
    }
    await client.query(
      `UPDATE ecg_exams SET patient_id = $3, order_id = $4, match_state = 'matched', matched_by = 'manual',
         ${REANALYSE}
       WHERE id = $1 AND organization_id = $2`,
      [id, orgId, body.patientId, body.orderId ?? null],
    );
    await addLinkHistory(client, {
      examId: id,
      orgId,
      action: 'link',
      patientId: body.patientId,
      orderId: body.orderId ?? null,
      matchedBy: 'manual',
      reason: body.reason,
      userId: user.id,
    });
    await request.audit(
      {
        action: 'ecg.link',
        resourceType: 'ecg-exam',
        resourceId: id,
        patientId: body.patientId,
        detail: { orderId: body.orderId ?? null, reason: body.reason },
      },
      client,
    );
    await publish(
      app,
      ecgWorklistTopic(orgId),
      { type: 'ecg.linked', examId: id, patientId: body.patientId, orderId: body.orderId ?? null },
      client,
    );
  });
  await app.jobs?.enqueueAnalysis(id).catch(() => {});
  return read(app, request, id);
}

export async function unlink(app: FastifyInstance, request: FastifyRequest, id: string, reason: string) {
  const user = requireUser(request.user);
  const orgId = user.organizationId;
  await inTransaction(app.db, async (client) => {
    const exam = await examInOrg(client, orgId, id, true);
    if (!exam) throw AppError.notFound('ECG');
    if (exam.match_state !== 'matched') throw AppError.conflict('ECG is not linked to a patient');
    await client.query(
      `UPDATE ecg_exams SET patient_id = NULL, order_id = NULL, match_state = 'unmatched', matched_by = NULL,
         ${REANALYSE}
       WHERE id = $1 AND organization_id = $2`,
      [id, orgId],
    );
    await addLinkHistory(client, {
      examId: id,
      orgId,
      action: 'unlink',
      patientId: exam.patient_id,
      orderId: exam.order_id,
      reason,
      userId: user.id,
    });
    await request.audit(
      {
        action: 'ecg.unlink',
        resourceType: 'ecg-exam',
        resourceId: id,
        ...(exam.patient_id ? { patientId: exam.patient_id } : {}),
        detail: { previousOrderId: exam.order_id, reason },
      },
      client,
    );
    await publish(app, ecgWorklistTopic(orgId), { type: 'ecg.unlinked', examId: id }, client);
  });
  await app.jobs?.enqueueAnalysis(id).catch(() => {});
  return read(app, request, id);
}
