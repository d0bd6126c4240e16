/**
 * The HIS side of the MLLP benchmark, in a worker thread: a HIS is another system, so its message building and
 * its MLLP clients must not share the server's event loop. Keeps one simulator across phases (A08s update
 * patients of earlier phases). Messages: { port, rate, seconds, connections } → a phase result.
 */
import { parentPort } from 'node:worker_threads';
import { HisSimulator } from '@lifeline/his-sim';
import { MllpClient } from '@lifeline/hl7/mllp';

export interface PhaseRequest {
  port: number;
  rate: number;
  seconds: number;
  connections: number;
}

export interface PhaseResult {
  sent: number;
  accepted: number;
  failed: number;
  seconds: number;
  latencies: number[];
  types: Record<string, number>;
}

const sim = new HisSimulator({ seed: 2026 });

async function openLoop(req: PhaseRequest): Promise<PhaseResult> {
  const total = Math.round(req.rate * req.seconds);
  // Built (and encoded) before the clock starts, so the generator's own CPU does not delay the sends.
  const messages = Array.from({ length: total }, () => sim.adt());
  const types: Record<string, number> = {};
  for (const m of messages) types[m.get('MSH-9.2')] = (types[m.get('MSH-9.2')] ?? 0) + 1;
  const texts = messages.map((m) => m.toString());
  const clients = Array.from(
    { length: req.connections },
    () => new MllpClient({ host: '127.0.0.1', port: req.port, ackTimeoutMs: 120_000 }),
  );
  const latencies: number[] = [];
  let accepted = 0;
  let failed = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / req.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      clients[i % req.connections].send(texts[i]).then(
        (r) => {
          latencies.push(performance.now() - due);
          if (r.accepted) accepted++;
          else failed++;
        },
        () => {
          failed++;
        },
      ),
    );
  }
  await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.close()));
  return { sent: total, accepted, failed, seconds, latencies, types };
}

parentPort?.on('message', (req: PhaseRequest) => {
  openLoop(req).then(
    (result) => parentPort?.postMessage({ ok: true, result }),
    (err: Error) => parentPort?.postMessage({ ok: false, error: err.message }),
  );
});
