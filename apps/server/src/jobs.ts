/**
 * Background jobs on pg-boss, in the same PostgreSQL database (schema `pgboss`), through the app's own pool.
 * Jobs are rows, so they survive restarts; a worker that dies mid-job leaves it to expire and be retried.
 * startJobs() is called by main.ts after listen and by tests; stop() waits for running jobs (bounded).
 *
 * The exam row is the source of truth for pending analysis (status 'acquired'): enqueueing right after the
 * commit is the fast path, and a sweep at start and every `sweepSeconds` enqueues any exam still waiting (an
 * enqueue lost to a crash between commit and send, or exams received while no worker ran). The worker is
 * idempotent, so an exam enqueued twice is analysed once.
 *
 * Fast path: ingest hands a freshly committed 12-lead exam with its decoded record to analyseNow(), which analyses
 * it in this process at once (no job row, no blob re-read, no second decode). Only a bounded number run at a
 * time; beyond that, or when this process runs no workers, the exam goes to the pg-boss queue as before. A fast
 * analysis that fails with anything but an EcgError is queued, so pg-boss retries it; one lost to a crash is still
 * 'acquired' and found by the sweep.
 */

import type { EcgRecord } from '@lifeline/ecg';
import type { FastifyInstance } from 'fastify';
import PgBoss from 'pg-boss';
import { DEFAULT_ORPHAN_GRACE_MS, type OrphanSweepResult, sweepOrphanBlobs } from './blob/orphans';
import { type AnalysisTarget, analyseDecoded, analyseExam } from './modules/ecg/analyse';
import { isHolterExam } from './modules/ecg/holter';

export const ANALYSE_QUEUE = 'ecg.analyse';
/** Orphan blob sweep (blob/orphans.ts): policy 'stately', so one runs and at most one waits, across processes. */
export const ORPHAN_QUEUE = 'blob.orphans';

export interface JobRunner {
  enqueueAnalysis(examId: string): Promise<void>;
  /**
   * Analyses the exam in this process now when there is room (returns true; the result is stored in the
   * background), else returns false and the caller enqueues it. The record must not be used afterwards.
   */
  analyseNow(exam: AnalysisTarget, record: EcgRecord): boolean;
  /** Enqueues every exam still waiting for analysis; returns how many. */
  sweep(): Promise<number>;
  /** Queues an orphan blob sweep now (it also runs every orphanSweepSeconds). */
  requestOrphanSweep(): Promise<void>;
  /** Resolves with the result of the next orphan sweep this process runs. */
  nextOrphanSweep(): Promise<OrphanSweepResult>;
  stop(): Promise<void>;
}

export interface JobOptions {
  pollingIntervalSeconds?: number;
  sweepSeconds?: number;
  /** Run workers in this process (false: only enqueue, e.g. a web-only node). */
  work?: boolean;
  /** Analysis jobs run at the same time in this process (default 3). */
  concurrency?: number;
  /** How often the orphan blob sweep is queued (default 3600 s; 0: never). */
  orphanSweepSeconds?: number;
  /** Age below which an unreferenced blob is left alone (default 6 h). */
  orphanGraceMs?: number;
  /**
   * Fast-path analyses (analyseNow) in flight at once in this process (default 32, ≈ 8 MB of 12-lead records
   * waiting for a thread; 0 turns the fast path off). Beyond it exams go to the queue, which costs more per ECG.
   */
  fastLimit?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by startJobs(); null while no job runner is started (exams then wait for the next sweep). */
    jobs: JobRunner | null;
  }
}

export async function startJobs(app: FastifyInstance, options: JobOptions = {}): Promise<JobRunner> {
  const boss = new PgBoss({
    db: { executeSql: (text, values) => app.db.query(text, values) },
    schema: 'pgboss',
    schedule: false,
  });
  boss.on('error', (err) => app.log.error({ err }, 'job queue error'));
  await boss.start();
  await boss.createQueue(ANALYSE_QUEUE, {
    name: ANALYSE_QUEUE,
    retryLimit: 3,
    retryDelay: 10,
    retryBackoff: true,
    expireInSeconds: 15 * 60,
  });

  await boss.createQueue(ORPHAN_QUEUE, {
    name: ORPHAN_QUEUE,
    policy: 'stately',
    retryLimit: 2,
    retryDelay: 60,
    expireInSeconds: 60 * 60,
  });

  // pg-boss sleeps the polling interval after every fetch, even one that found a job; the workers are woken at
  // once when this process enqueues, and after each job, so a backlog drains without waiting (else 1 job / 2 s).
  const workerIds: string[] = [];
  const wake = () => {
    for (const id of workerIds) boss.notifyWorker(id);
  };
  const enqueueAnalysis = async (examId: string) => {
    await boss.send(ANALYSE_QUEUE, { examId });
    wake();
  };
  // Exams being analysed by the fast path in this process: the sweep leaves them alone.
  const inFlight = new Set<string>();
  const fastLimit = options.work === false ? 0 : (options.fastLimit ?? 32);
  let stopping = false;
  const analyseNow = (exam: AnalysisTarget, record: EcgRecord): boolean => {
    // Holter recordings are long analyses read in chunks from the blob: they stay in the queue.
    if (stopping || inFlight.size >= fastLimit || inFlight.has(exam.id) || isHolterExam(exam)) return false;
    inFlight.add(exam.id);
    void analyseDecoded(app, exam, record)
      .catch(async (err) => {
        app.log.warn({ err, examId: exam.id }, 'analysis failed; queued for a retry');
        await enqueueAnalysis(exam.id).catch(() => {
          // Still 'acquired': the next sweep queues it.
        });
      })
      .finally(() => inFlight.delete(exam.id));
    return true;
  };
  const sweep = async () => {
    const { rows } = await app.db.query<{ id: string }>(
      `SELECT id FROM ecg_exams WHERE status = 'acquired' ORDER BY received_at LIMIT 1000`,
    );
    const waiting = rows.filter((r) => !inFlight.has(r.id));
    for (const r of waiting) await enqueueAnalysis(r.id);
    return waiting.length;
  };

  if (options.work !== false) {
    // Several jobs at a time: the engine runs in worker threads (modules/ecg/analysis-pool.ts), so one job's
    // analysis overlaps another's database reads and writes.
    for (let i = 0; i < (options.concurrency ?? 3); i++) {
      workerIds.push(
        await boss.work<{ examId: string }>(
          ANALYSE_QUEUE,
          { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2, batchSize: 1 },
          async (jobs) => {
            for (const job of jobs) await analyseExam(app, job.data.examId);
            wake();
          },
        ),
      );
    }
  }
  let orphanWorker: string | undefined;
  const orphanWaiters: ((r: OrphanSweepResult) => void)[] = [];
  const requestOrphanSweep = async () => {
    await boss.send(ORPHAN_QUEUE, {});
    if (orphanWorker) boss.notifyWorker(orphanWorker);
  };
  if (options.work !== false) {
    orphanWorker = await boss.work(ORPHAN_QUEUE, { pollingIntervalSeconds: 30, batchSize: 1 }, async () => {
      const result = await sweepOrphanBlobs(app.db, app.blobs, {
        graceMs: options.orphanGraceMs ?? DEFAULT_ORPHAN_GRACE_MS,
      });
      app.log.info(result, 'orphan blob sweep');
      for (const w of orphanWaiters.splice(0)) w(result);
    });
  }
  const orphanEvery = options.orphanSweepSeconds ?? 3600;
  const orphanTimer =
    orphanEvery > 0
      ? setInterval(
          () => void requestOrphanSweep().catch((err) => app.log.warn({ err }, 'orphan sweep not queued')),
          orphanEvery * 1000,
        )
      : undefined;
  orphanTimer?.unref();

  await sweep();
  const timer = setInterval(
    () => void sweep().catch((err) => app.log.warn({ err }, 'analysis sweep failed')),
    (options.sweepSeconds ?? 60) * 1000,
  );
  timer.unref();

  const runner: JobRunner = {
    enqueueAnalysis,
    analyseNow,
    sweep,
    requestOrphanSweep,
    nextOrphanSweep: () => new Promise((resolve) => orphanWaiters.push(resolve)),
    async stop() {
      stopping = true;
      clearInterval(timer);
      clearInterval(orphanTimer);
      // Fast analyses finish (bounded); one cut short stays 'acquired' for the next start's sweep.
      const until = Date.now() + 10_000;
      while (inFlight.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      if (app.jobs === runner) app.jobs = null;
      await boss.stop({ graceful: true, wait: true, timeout: 10_000, close: false });
    },
  };
  app.jobs = runner;
  return runner;
}
