/**
 * Helpers of the report and critical-value tests: analysed ECG exams made from the engine's synthetic ECGs
 * (waveform in the blob store, analysis by the real engine), orders, and a report walked through the workflow.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { analyzeEcg, type SyntheticOptions, synthesizeEcg } from '@lifeline/ecg';
import type { TestContext } from './helpers';

export const NORMAL: SyntheticOptions = {};
export const INFERIOR_STEMI: SyntheticOptions = { stShift: { II: 300, III: 300, aVF: 300 } };
export const ATRIAL_FIBRILLATION: SyntheticOptions = {
  pAmplitude: 0,
  rrMs: [620, 910, 540, 1010, 700, 830, 580, 960, 650, 760],
  noiseUv: 15,
};

export async function hubIds(ctx: TestContext) {
  const org = (await ctx.pool.query(`SELECT id FROM organizations WHERE code = 'QSX-RMYY'`)).rows[0]
    .id as string;
  const dept = async (code: string) =>
    (await ctx.pool.query('SELECT id FROM departments WHERE organization_id = $1 AND code = $2', [org, code]))
      .rows[0].id as string;
  const patients = (
    await ctx.pool.query<{ id: string; name: string }>(
      'SELECT id, name FROM patients WHERE organization_id = $1 ORDER BY created_at, id LIMIT 10',
      [org],
    )
  ).rows;
  return { org, card: await dept('CARD'), ed: await dept('ED'), patients };
}

export interface ExamOptions {
  orgId: string;
  patientId: string | null;
  ecg?: SyntheticOptions;
  /** Minutes before now the ECG was acquired (and received). */
  agoMin?: number;
  order?: {
    priority?: 'routine' | 'urgent' | 'stat';
    green?: boolean;
    departmentId?: string;
    clinician?: string;
  };
}

/** An analysed exam as the ECG module stores it, with the engine's own analysis of a synthetic 10 s ECG. */
export async function makeExam(ctx: TestContext, o: ExamOptions): Promise<string> {
  const record = synthesizeEcg({ sampleRate: 500, durationSec: 10, ...(o.ecg ?? NORMAL) });
  const analysis = analyzeEcg(record, { age: 60, sex: 'M' });
  const n = record.leads[0].samples.length;
  const bytes = Buffer.alloc(record.leads.length * n * 4);
  record.leads.forEach((lead, li) => {
    for (let i = 0; i < n; i++) bytes.writeFloatLE(lead.samples[i], (li * n + i) * 4);
  });
  const key = await ctx.app.blobs.put(bytes);
  let orderId: string | null = null;
  if (o.order && o.patientId) {
    const { rows } = await ctx.pool.query(
      `INSERT INTO ecg_orders (organization_id, patient_id, accession_number, procedure_code, procedure_name, priority,
         green_channel, ordering_department_id, ordering_clinician, status)
       VALUES ($1, $2, $3, 'ECG12', '常规十二导联心电图', $4, $5, $6, $7, 'completed') RETURNING id`,
      [
        o.orgId,
        o.patientId,
        `ACC${randomBytes(4).toString('hex')}`,
        o.order.priority ?? 'routine',
        o.order.green ?? false,
        o.order.departmentId ?? null,
        o.order.clinician ?? null,
      ],
    );
    orderId = rows[0].id;
  }
  const at = new Date(Date.now() - (o.agoMin ?? 1) * 60_000);
  const { rows } = await ctx.pool.query(
    `INSERT INTO ecg_exams (organization_id, patient_id, order_id, status, acquired_at, received_at, channel, format,
       original_blob, original_name, content_hash, sample_rate, sample_count, duration_sec, lead_names, waveform_blob,
       analysis, analysed_at, critical, match_state)
     VALUES ($1, $2, $3, 'analysed', $4, $4, 'api', 'csv', $5, 'synthetic.csv', $6, 500, $7, 10, $8, $5, $9, now(), $10,
       $11) RETURNING id`,
    [
      o.orgId,
      o.patientId,
      orderId,
      at,
      key,
      randomBytes(16).toString('hex'),
      n,
      record.leads.map((l) => l.name),
      JSON.stringify({ ...analysis, beats: { samples: Array.from(analysis.beats.samples) } }),
      analysis.critical.length > 0,
      o.patientId ? 'matched' : 'unmatched',
    ],
  );
  return rows[0].id;
}

type Cookies = Record<string, string>;

/** Logs in the demo users the workflow needs. */
export async function logins(ctx: TestContext): Promise<Cookies> {
  const out: Cookies = {};
  for (const u of ['ecg.tech', 'ecg.doctor', 'ecg.senior', 'ecg.chief', 'expert', 'clinician', 'admin']) {
    out[u] = await ctx.login(u);
  }
  return out;
}

export async function ok(
  ctx: TestContext,
  method: string,
  url: string,
  cookie: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: test answers are read field by field
): Promise<any> {
  const res = await ctx.request(method, url, cookie, body);
  assert.ok(res.statusCode >= 200 && res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.headers['content-type']?.toString().startsWith('application/json') ? res.json() : res.rawPayload;
}

/** draft → checked → diagnosed → reviewed (by `reviewers`, one per level) → signed; returns the report id. */
export async function reportThroughSigning(
  ctx: TestContext,
  c: Cookies,
  examId: string,
  statements: { code?: string; text?: string }[],
  reviewers = ['ecg.senior'],
  acknowledgedWarnings?: { code: string; decision: 'confirm' | 'dismiss' }[],
): Promise<string> {
  const report = await ok(ctx, 'POST', '/api/reports', c['ecg.tech'], { examId });
  await ok(ctx, 'POST', `/api/reports/${report.id}/check`, c['ecg.tech'], {});
  await ok(ctx, 'POST', `/api/reports/${report.id}/diagnose`, c['ecg.doctor'], {
    statements,
    conclusion: statements.map((s) => s.code ?? s.text).join('，'),
  });
  for (const r of reviewers) await ok(ctx, 'POST', `/api/reports/${report.id}/review`, c[r], {});
  await ok(ctx, 'POST', `/api/reports/${report.id}/sign`, c['ecg.doctor'], { acknowledgedWarnings });
  return report.id;
}
