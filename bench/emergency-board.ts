/**
 * Emergency boards: BOARD_CLIENTS (default 500) WebSocket clients subscribed to the ED board topic, as the
 * phones, ED board and hall screens of a hospital are; an ED nurse taps time nodes over HTTP (the real route:
 * session, validation, transaction, audit, NOTIFY on commit, hub fan-out). The latency of each client is from the
 * moment the tap request is sent to the moment that client has the event — which carries the node, so a board shows
 * it without waiting for its refetch. Server, PostgreSQL and all clients share the machine (2 cores).
 * Usage: npm run bench -- emergency-board   (BOARD_CLIENTS, BOARD_TAPS)
 */
import { cpus, loadavg } from 'node:os';
import WebSocket from 'ws';
import { build } from '../apps/server/src/app';
import { loadConfig } from '../apps/server/src/config';
import { migrate } from '../apps/server/src/db/migrate';
import { createPool } from '../apps/server/src/db/pool';
import { createFieldCrypto } from '../apps/server/src/lib/crypto';
import { ensureDemoData } from '../apps/server/src/seed/demo';
import { percentile, withBenchDatabase } from './bench-db';

const PASSWORD = 'Bench-Pass-2026!';
const CODES = [
  'first-medical-contact',
  'first-ecg',
  'ecg-diagnosis',
  'door',
  'first-doctor',
  'troponin-drawn',
  'troponin-reported',
  'consult-called',
  'consult-arrived',
  'stemi-diagnosis',
];

export async function run(): Promise<string> {
  const clients = Number(process.env.BOARD_CLIENTS ?? 500);
  const taps = Number(process.env.BOARD_TAPS ?? 30);
  return withBenchDatabase(async (url) => {
    const pool = createPool(url, 10);
    const fieldCrypto = createFieldCrypto(Buffer.alloc(32, 7));
    const config = {
      ...loadConfig({ LOG_LEVEL: 'silent' }),
      demoPassword: PASSWORD,
      webDist: '/nonexistent',
    };
    await migrate(pool);
    await ensureDemoData(pool, fieldCrypto, config, 0);
    const app = await build({ config, db: pool, fieldCrypto, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'ed.nurse', password: PASSWORD },
    });
    const cookie = `lifeline_session=${login.cookies[0].value}`;
    const me = (await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).json();
    const topic = `emergency.board:${me.organizationId}`;

    // The clients: connect and subscribe in batches (a hall of screens coming up), then wait for all.
    type Pending = { key: string; sentAt: number; got: number[] };
    let pending: Pending | null = null;
    let resolveAll: (() => void) | null = null;
    const sockets: WebSocket[] = [];
    const connectOne = () =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`ws://${base}/ws`, { headers: { cookie } });
        ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', topics: [topic] })));
        ws.on('message', (data) => {
          const msg = JSON.parse(String(data));
          if (msg.type === 'subscribed') return resolve();
          if (msg.type !== 'event' || !pending) return;
          const p = msg.payload as { event: string; caseId: string; code?: string; node?: { at: string } };
          if (p.event !== 'node.recorded' || `${p.caseId}|${p.code}` !== pending.key || !p.node?.at) return;
          pending.got.push(performance.now() - pending.sentAt);
          if (pending.got.length === clients) resolveAll?.();
        });
        ws.on('error', reject);
        sockets.push(ws);
      });
    const connectStarted = performance.now();
    for (let i = 0; i < clients; i += 50)
      await Promise.all(Array.from({ length: Math.min(50, clients - i) }, connectOne));
    const connectSeconds = (performance.now() - connectStarted) / 1000;

    // Cases to tap on: one per CODES.length taps.
    const caseIds: string[] = [];
    for (let i = 0; i < Math.ceil(taps / CODES.length); i++) {
      const c = await app.inject({
        method: 'POST',
        url: '/api/emergency/cases',
        headers: { cookie },
        payload: { center: 'chest-pain', unknownPatient: { sex: 'M' } },
      });
      caseIds.push(c.json().id);
    }
    const latencies: number[] = [];
    const perTapMax: number[] = [];
    const tapMs: number[] = [];
    let missing = 0;
    const load = loadavg()[0];
    // Three warm-up taps (not counted), then the measured ones: each a node not recorded yet on its case.
    const plan = [
      ...['aspirin', 'p2y12', 'anticoagulant'].map((code) => ({ caseId: caseIds[0], code, warm: true })),
      ...Array.from({ length: taps }, (_, i) => ({
        caseId: caseIds[Math.floor(i / CODES.length)],
        code: CODES[i % CODES.length],
        warm: false,
      })),
    ];
    for (const tap of plan) {
      const current: Pending = { key: `${tap.caseId}|${tap.code}`, sentAt: 0, got: [] };
      const all = new Promise<void>((r) => {
        resolveAll = r;
      });
      pending = current;
      current.sentAt = performance.now();
      const res = await fetch(`http://${base}/api/emergency/cases/${tap.caseId}/nodes`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ code: tap.code }),
      });
      const answered = performance.now() - current.sentAt;
      if (res.status !== 200) throw new Error(`tap ${tap.code}: ${res.status} ${await res.text()}`);
      await Promise.race([all, new Promise((r) => setTimeout(r, 10_000))]);
      pending = null;
      if (tap.warm) continue;
      tapMs.push(answered);
      missing += clients - current.got.length;
      latencies.push(...current.got);
      perTapMax.push(Math.max(0, ...current.got));
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const ws of sockets) ws.close();
    await app.close();
    await pool.end();
    const f = (v: number) => v.toFixed(0);
    return [
      '## Emergency board: live node updates to WebSocket clients',
      '',
      `${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ` +
        `${load.toFixed(1)} at start (1 min, shared machine), PostgreSQL ${process.env.DATABASE_URL ? 'from DATABASE_URL' : 'embedded'}. ` +
        `${clients} board clients (ws, one session) subscribed to the ED board topic, connected in ${connectSeconds.toFixed(1)} s; ` +
        `${taps} one-tap node records over HTTP, one at a time; latency per client from sending the tap to that ` +
        `client holding the event with the node (ms). Server, PostgreSQL and the ${clients} clients in one machine.`,
      '',
      '| clients | taps | deliveries | missing | p50 | p95 | p99 | max | tap answered p50 | slowest client per tap p50 |',
      '|---|---|---|---|---|---|---|---|---|---|',
      `| ${clients} | ${taps} | ${latencies.length} | ${missing} | ${f(percentile(latencies, 50))} | ` +
        `${f(percentile(latencies, 95))} | ${f(percentile(latencies, 99))} | ${f(Math.max(...latencies))} | ` +
        `${f(percentile(tapMs, 50))} | ${f(percentile(perTapMax, 50))} |`,
      '',
    ].join('\n');
  });
}
