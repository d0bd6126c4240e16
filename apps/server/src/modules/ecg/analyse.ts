/**
 * The `ecg.analyse` job: loads the decoded waveform, runs the engine (with the patient's age and sex when the
 * exam is matched), stores the analysis and the critical flag, sets status 'analysed', and tells the worklist.
 * A record the engine refuses (EcgError) is marked 'analysis-failed' with the reason; other errors are thrown so
 * pg-boss retries the job.
 */
import { type EcgAnalysis, EcgError, type EcgRecord } from '@lifeline/ecg';
import type { FastifyInstance } from 'fastify';
import { ageOn } from '../../lib/identity';
import { ecgWorklistTopic, LIVE_CHANNEL, type LiveEvent, publish } from '../live';
import { patientInOrg } from '../patients';
import { analyzeInPool } from './analysis-pool';
import {
  encodeBeats,
  type HolterResult,
  holterToJson,
  isHolterExam,
  localStartTime,
  runHolterAnalysis,
} from './holter';
import type { ExamRow } from './repo';
import { loadRecord } from './waveform';

/**
 * The result is stored only if the exam still waits and still belongs to the patient it was analysed for: a link
 * made during the analysis queued a new job, which analyses with the new patient's age and sex.
 */
const UNCHANGED = `status = 'acquired' AND patient_id IS NOT DISTINCT FROM $3::uuid`;

/** EcgAnalysis as JSON (typed arrays become plain arrays). */
export function analysisToJson(a: EcgAnalysis): Record<string, unknown> {
  return {
    ...a,
    beats: { samples: Array.from(a.beats.samples), ...(a.beats.classes ? { classes: a.beats.classes } : {}) },
  };
}

/** What the analysis needs of an exam row (the whole row when loaded by the job, these fields from ingest). */
export type AnalysisTarget = Pick<
  ExamRow,
  | 'id'
  | 'organization_id'
  | 'patient_id'
  | 'identifiers'
  | 'format'
  | 'sample_rate'
  | 'lead_names'
  | 'sample_count'
  | 'duration_sec'
  | 'waveform_blob'
  | 'acquired_at'
>;

export async function analyseExam(
  app: FastifyInstance,
  examId: string,
): Promise<'analysed' | 'failed' | 'skipped'> {
  const { rows } = await app.db.query<ExamRow>('SELECT * FROM ecg_exams WHERE id = $1', [examId]);
  const exam = rows[0];
  if (exam?.status !== 'acquired') return 'skipped';
  return analyseTarget(app, exam);
}

/**
 * Analyses an exam whose decoded record is at hand (ingest, right after its commit): no row read and no blob
 * read. The stored result is guarded exactly as in analyseExam, so a concurrent job for the same exam is harmless.
 */
export function analyseDecoded(
  app: FastifyInstance,
  exam: AnalysisTarget,
  record: EcgRecord,
): Promise<'analysed' | 'failed' | 'skipped'> {
  return analyseTarget(app, exam, record);
}

async function analyseTarget(
  app: FastifyInstance,
  exam: AnalysisTarget,
  decoded?: EcgRecord,
): Promise<'analysed' | 'failed' | 'skipped'> {
  const examId = exam.id;
  const shape = { sampleRate: exam.sample_rate, leadNames: exam.lead_names, sampleCount: exam.sample_count };
  // Long recordings are streamed through the Holter analyzer instead of being loaded whole (holter.ts).
  const holter = isHolterExam(exam);
  const record = holter ? undefined : (decoded ?? (await loadRecord(app.blobs, exam.waveform_blob, shape)));
  const options: { age?: number; sex?: 'M' | 'F' } = {};
  if (exam.patient_id) {
    const patient = await patientInOrg(app.db, exam.organization_id, exam.patient_id);
    if (patient?.birth_date) options.age = ageOn(patient.birth_date);
    if (patient?.sex === 'M' || patient?.sex === 'F') options.sex = patient.sex;
  } else {
    const ids = exam.identifiers;
    if (ids.age !== undefined && ids.age >= 0 && ids.age < 150) options.age = ids.age;
    if (ids.sex === 'M' || ids.sex === 'F') options.sex = ids.sex;
  }
  let analysis: EcgAnalysis;
  let holterResult: HolterResult | undefined;
  try {
    // In a worker thread, so the main thread keeps answering uploads (analysis-pool.ts).
    // A decoded record is not used after this, so its sample buffers move to the thread instead of being copied.
    if (record) analysis = await analyzeInPool(record, options, { transfer: decoded !== undefined });
    else {
      holterResult = await runHolterAnalysis(app.blobs, exam.waveform_blob, shape, {
        ...options,
        startTime: await localStartTime(app.db, exam),
      });
      analysis = holterResult.strip;
    }
  } catch (err) {
    if (!(err instanceof EcgError)) throw err;
    const updated = await app.db.query(
      `UPDATE ecg_exams SET status = 'analysis-failed', analysis_error = $2, analysed_at = now()
       WHERE id = $1 AND ${UNCHANGED}`,
      [examId, err.message, exam.patient_id],
    );
    if (updated.rowCount)
      await publish(app, ecgWorklistTopic(exam.organization_id), {
        type: 'ecg.analysed',
        examId,
        status: 'analysis-failed',
      });
    return 'failed';
  }
  const critical = analysis.critical.length > 0;
  const beatsBlob = holterResult
    ? await app.blobs.put(encodeBeats(holterResult.beatSamples, holterResult.beatClasses))
    : null;
  // The UPDATE and its ecg.analysed event in one statement: the event goes out only if the result was stored,
  // on the same commit.
  const event: LiveEvent = {
    topic: ecgWorklistTopic(exam.organization_id),
    payload: {
      type: 'ecg.analysed',
      examId,
      status: 'analysed',
      critical,
      statements: analysis.statements.slice(0, 20).map((s) => s.code),
    },
  };
  const updated = await app.db.query(
    `WITH u AS (
       UPDATE ecg_exams SET status = 'analysed', analysis = $2, critical = $3, analysis_error = NULL,
         analysed_at = now(), holter = $5, holter_beats_blob = $6, holter_beat_count = $7
       WHERE id = $1 AND ${UNCHANGED.replace('$3', '$4')} RETURNING 1)
     SELECT pg_notify($8, $9) FROM u`,
    [
      examId,
      JSON.stringify(analysisToJson(analysis)),
      critical,
      exam.patient_id,
      holterResult ? JSON.stringify(holterToJson(holterResult, exam.duration_sec)) : null,
      beatsBlob,
      holterResult ? holterResult.beatSamples.length : null,
      LIVE_CHANNEL,
      JSON.stringify(event),
    ],
  );
  if (!updated.rowCount) return 'skipped';
  return 'analysed';
}
