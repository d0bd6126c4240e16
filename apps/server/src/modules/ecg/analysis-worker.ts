/** Worker thread of analysis-pool.ts: runs analyzeEcg on the records it is sent. */
import { parentPort } from 'node:worker_threads';
import { analyzeEcg, EcgError, type EcgRecord } from '@lifeline/ecg';

parentPort?.on(
  'message',
  (m: { id: number; record: EcgRecord; options: { age?: number; sex?: 'M' | 'F' } }) => {
    try {
      parentPort?.postMessage({ id: m.id, analysis: analyzeEcg(m.record, m.options) });
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      parentPort?.postMessage({
        id: m.id,
        error: { message: e.message, stack: e.stack, ecg: e instanceof EcgError, code: (e as EcgError).code },
      });
    }
  },
);
