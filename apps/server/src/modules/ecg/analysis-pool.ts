/**
 * analyzeEcg off the main thread: the engine is pure CPU (typed arrays in and out), so a 10 s 12-lead analysis
 * (~20 ms) runs in a worker thread while the main thread keeps answering uploads. Pool size: one thread per core
 * (at most 4; ANALYSIS_THREADS=0 runs inline): the main thread mostly waits on I/O, and analysis is most of the
 * CPU per ECG, so on 2 cores two threads keep both busy under a backlog. An EcgError from the worker is rethrown as an EcgError,
 * so analyse.ts marks the exam failed exactly as before; a worker that dies fails its jobs (pg-boss retries them)
 * and is replaced on the next call.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { analyzeEcg, type EcgAnalysis, EcgError, type EcgRecord } from '@lifeline/ecg';

type Options = { age?: number; sex?: 'M' | 'F' };
type Reply = {
  id: number;
  analysis?: EcgAnalysis;
  error?: { message: string; stack?: string; ecg: boolean; code?: EcgError['code'] };
};
interface Slot {
  worker: Worker;
  pending: Map<number, { resolve(a: EcgAnalysis): void; reject(e: Error): void }>;
}

const SIZE = Number(process.env.ANALYSIS_THREADS ?? Math.min(4, Math.max(1, availableParallelism())));
const slots: (Slot | undefined)[] = [];
let nextId = 1;

function spawnSlot(index: number): Slot {
  // The sources run through tsx (no build step): the thread registers tsx's loader, then imports the worker.
  const worker = new Worker(
    `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register();
       return import(${JSON.stringify(new URL('./analysis-worker.ts', import.meta.url).href)}); });`,
    { eval: true },
  );
  const slot: Slot = { worker, pending: new Map() };
  const fail = (err: Error) => {
    if (slots[index] === slot) slots[index] = undefined;
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
  };
  worker.on('message', (m: Reply) => {
    const p = slot.pending.get(m.id);
    if (!p) return;
    slot.pending.delete(m.id);
    if (slot.pending.size === 0) worker.unref();
    if (m.analysis) p.resolve(m.analysis);
    else {
      const e = m.error?.ecg
        ? new EcgError(m.error.message, m.error.code)
        : new Error(m.error?.message ?? 'analysis worker failed');
      if (m.error?.stack) e.stack = m.error.stack;
      p.reject(e);
    }
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`analysis worker exited (${code})`)));
  worker.unref();
  return slot;
}

/**
 * The sample buffers that can be moved to a thread: whole ArrayBuffers only (a view into a shared or pooled
 * buffer is copied), each once.
 */
function transferable(record: EcgRecord): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const lead of record.leads) {
    const b = lead.samples.buffer;
    if (
      !(b instanceof ArrayBuffer) ||
      lead.samples.byteOffset !== 0 ||
      lead.samples.byteLength !== b.byteLength
    )
      return [];
    out.add(b);
  }
  return [...out];
}

/**
 * analyzeEcg(record, options) in the least busy worker thread. With `transfer`, the record's sample buffers are
 * moved to the thread instead of copied: the caller must not use the record afterwards.
 */
export function analyzeInPool(
  record: EcgRecord,
  options: Options,
  how: { transfer?: boolean } = {},
): Promise<EcgAnalysis> {
  if (!(SIZE >= 1)) return Promise.resolve().then(() => analyzeEcg(record, options));
  let best = 0;
  for (let i = 0; i < SIZE; i++) {
    if ((slots[i]?.pending.size ?? 0) < (slots[best]?.pending.size ?? 0)) best = i;
  }
  slots[best] ??= spawnSlot(best);
  const slot = slots[best] as Slot;
  const id = nextId++;
  return new Promise((resolve, reject) => {
    slot.pending.set(id, { resolve, reject });
    slot.worker.ref();
    slot.worker.postMessage({ id, record, options }, how.transfer ? transferable(record) : []);
  });
}
