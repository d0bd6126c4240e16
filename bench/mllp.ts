/**
 * HL7 MLLP inbound: ADT^A01/A04/A08 messages of the HIS simulator (Chinese names, resident IDs, distinct MSH-10s)
 * sent over several MLLP connections to the server's listener with the real pipeline behind it: patient ADT goes
 * through the group-commit path (stored, deduplicated by sender + MSH-10, patient created or updated with
 * identifiers, history, visit and audit, in one transaction per batch), each ACK after its commit. The simulated
 * HIS runs in a worker thread (bench/mllp-load.ts). Open loop: a message is due at its scheduled time whatever
 * the ACKs do, and its latency counts from that time, so queueing behind a slow server shows.
 * Usage: npm run bench -- mllp   (MLLP_SECONDS=10 per phase by default)
 */
import { cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { build } from '../apps/server/src/app';
import { loadConfig } from '../apps/server/src/config';
import { migrate } from '../apps/server/src/db/migrate';
import { createPool } from '../apps/server/src/db/pool';
import { createFieldCrypto } from '../apps/server/src/lib/crypto';
import { startMllpListener } from '../apps/server/src/modules/integration';
import { ensureDemoData } from '../apps/server/src/seed/demo';
import { percentile, withBenchDatabase } from './bench-db';
import type { PhaseRequest, PhaseResult } from './mllp-load';

const PASSWORD = 'Bench-Pass-2026!';

interface Phase {
  label: string;
  rate: number;
  sent: number;
  accepted: number;
  failed: number;
  seconds: number;
  latencies: number[];
  /** CPU time of this Node process (server pipeline and the HIS worker thread) per message, ms. */
  cpuMsPerMessage: number;
}

/** One phase: the HIS worker sends `rate` messages per second for `seconds` over `connections` connections. */
async function openLoop(
  worker: Worker,
  label: string,
  port: number,
  rate: number,
  seconds: number,
  connections: number,
  types: Map<string, number>,
): Promise<Phase> {
  const cpu0 = process.cpuUsage();
  const reply = new Promise<{ ok: boolean; result?: PhaseResult; error?: string }>((resolve) =>
    worker.once('message', resolve),
  );
  worker.postMessage({ port, rate, seconds, connections } satisfies PhaseRequest);
  const answer = await reply;
  if (!answer.ok || !answer.result) throw new Error(`HIS worker: ${answer.error}`);
  const r = answer.result;
  const cpu = process.cpuUsage(cpu0);
  for (const [t, n] of Object.entries(r.types)) types.set(t, (types.get(t) ?? 0) + n);
  return {
    label,
    rate,
    sent: r.sent,
    accepted: r.accepted,
    failed: r.failed,
    seconds: r.seconds,
    latencies: r.latencies,
    cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / r.sent,
  };
}

function row(p: Phase): string {
  const f = (v: number) => v.toFixed(1);
  return `| ${p.label} | ${p.rate} | ${p.sent} | ${p.accepted} | ${p.failed} | ${(p.accepted / p.seconds).toFixed(0)} | ${f(percentile(p.latencies, 50))} | ${f(percentile(p.latencies, 95))} | ${f(percentile(p.latencies, 99))} | ${f(Math.max(...p.latencies))} | ${f(p.cpuMsPerMessage)} |`;
}

export async function run(): Promise<string> {
  const seconds = Number(process.env.MLLP_SECONDS ?? 10);
  const connections = Number(process.env.MLLP_CONNECTIONS ?? 8);
  return withBenchDatabase(async (url) => {
    const pool = createPool(url, Number(process.env.MLLP_POOL ?? 10));
    const fieldCrypto = createFieldCrypto(Buffer.alloc(32, 7));
    const config = {
      ...loadConfig({ LOG_LEVEL: 'silent' }),
      demoPassword: PASSWORD,
      webDist: '/nonexistent',
    };
    await migrate(pool);
    await ensureDemoData(pool, fieldCrypto, config, 0);
    const app = await build({ config, db: pool, fieldCrypto, logger: false });
    await app.ready();
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: PASSWORD },
    });
    const cookie = `lifeline_session=${login.cookies[0].value}`;
    const iface = await app.inject({
      method: 'POST',
      url: '/api/integration/interfaces',
      headers: { cookie },
      payload: {
        name: 'HIS',
        direction: 'inbound',
        sendingApplication: 'HIS',
        sendingFacility: '县人民医院',
      },
    });
    if (iface.statusCode !== 200) throw new Error(`interface: ${iface.body}`);
    const listener = await startMllpListener(app, { port: 0, host: '127.0.0.1', handlerTimeoutMs: 120_000 });

    // The simulated HIS runs in a worker thread (its own event loop, as another system would): new patients
    // (A01/A04) and updates of earlier ones (A08), one simulator for the whole run.
    const worker = new Worker(new URL('./mllp-load-worker.mjs', import.meta.url));
    const types = new Map<string, number>();
    const phases: Phase[] = [];
    await openLoop(worker, 'warm-up', listener.port, 100, 2, connections, types);
    // MLLP_SAMPLE=1: what PostgreSQL sessions wait on during the run (for profiling).
    const waits = new Map<string, number>();
    let sampling = process.env.MLLP_SAMPLE === '1';
    const sampler = (async () => {
      const c = createPool(url, 1);
      while (sampling) {
        const { rows } = await c.query(
          `SELECT coalesce(wait_event_type || ':' || wait_event, state) AS w, left(query, 60) AS q FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'`,
        );
        for (const r of rows) waits.set(`${r.w} | ${r.q}`, (waits.get(`${r.w} | ${r.q}`) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 20));
      }
      await c.end();
    })();
    const load = loadavg()[0];
    for (const [label, rate] of [
      ['200/s', 200],
      ['500/s', 500],
      ['700/s', 700],
    ] as const) {
      phases.push(await openLoop(worker, label, listener.port, rate, seconds, connections, types));
    }
    sampling = false;
    await sampler;
    if (waits.size) {
      console.error(
        [...waits]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 25)
          .map(([k, n]) => `${n}\t${k}`)
          .join('\n'),
      );
    }
    const { rows } = await pool.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM hl7_messages GROUP BY status ORDER BY status',
    );
    const patients = (await pool.query('SELECT count(*)::int AS n FROM patients')).rows[0].n;
    const errors = (
      await pool.query<{ error: string; n: number }>(
        `SELECT left(error, 140) AS error, count(*)::int AS n FROM hl7_messages WHERE status = 'error'
         GROUP BY 1 ORDER BY 2 DESC LIMIT 3`,
      )
    ).rows;
    await worker.terminate();
    await listener.close();
    await app.close();
    await pool.end();
    return [
      '## HL7 MLLP inbound',
      '',
      `${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${load.toFixed(1)} at start ` +
        `(1 min, shared machine), PostgreSQL ${process.env.DATABASE_URL ? 'from DATABASE_URL' : 'embedded'}. ` +
        `Server pipeline, simulator and PostgreSQL on the same machine; ${connections} MLLP connections, open loop, ` +
        `${seconds} s per rate; latency from each message's scheduled time to its ACK (ms).`,
      '',
      '| phase | rate/s | sent | accepted (AA) | not accepted | accepted/s | p50 | p95 | p99 | max | Node CPU ms/msg |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...phases.map(row),
      '',
      `Messages by event: ${[...types].map(([t, n]) => `${t} ${n}`).join(', ')}; stored rows by status: ${rows.map((r) => `${r.status} ${r.n}`).join(', ')}; patients in the database ${patients}.`,
      ...errors.map((e) => `- AE ×${e.n}: ${e.error}`),
    ].join('\n');
  });
}
