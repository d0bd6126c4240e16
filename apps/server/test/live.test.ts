/**
 * Live updates across server processes: two app instances on one database; an ECG uploaded through one reaches
 * a WebSocket client of the other through PostgreSQL NOTIFY, scoped to the organisation.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { build } from '../src/app';
import { createPool, type Pool } from '../src/db/pool';
import { type JobRunner, startJobs } from '../src/jobs';
import { publish } from '../src/modules/live';
import { dataFolder, file, upload } from './ecg-helpers';
import { createTestContext, type TestContext, testConfig } from './helpers';

const dicom = dataFolder('dicom-ecg');

interface Client {
  socket: WebSocket;
  messages: Record<string, unknown>[];
  next(pred: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

async function connect(port: number, cookie?: string): Promise<Client> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: cookie ? { cookie } : {} });
  const messages: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)));
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return {
    socket,
    messages,
    async next(pred, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = messages.find(pred);
        if (hit) return hit;
        const left = until - Date.now();
        if (left <= 0) throw new Error(`no matching message; got ${JSON.stringify(messages)}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
  };
}

describe('live updates over WebSocket, fanned out by NOTIFY', { skip: dicom.skip }, () => {
  let ctx: TestContext;
  let second: FastifyInstance;
  let secondPool: Pool;
  let port: number;
  let jobs: JobRunner | undefined;
  let tech: string;
  let town: string;
  let hubOrg: string;
  let townOrg: string;
  const clients: Client[] = [];

  before(async () => {
    ctx = await createTestContext();
    // A second server process on the same database (and blob folder), as behind a load balancer.
    secondPool = createPool(ctx.url, 2);
    second = await build({
      config: testConfig({ dataDir: ctx.dataDir }),
      db: secondPool,
      fieldCrypto: ctx.fieldCrypto,
      logger: false,
    });
    await second.listen({ port: 0, host: '127.0.0.1' });
    port = (second.server.address() as { port: number }).port;
    tech = await ctx.login('ecg.tech');
    town = await ctx.login('town.tech');
    hubOrg = (await ctx.request('GET', '/api/auth/me', tech)).json().organizationId;
    townOrg = (await ctx.request('GET', '/api/auth/me', town)).json().organizationId;
  });
  after(async () => {
    for (const c of clients) c.socket.close();
    await jobs?.stop();
    await second.close();
    await secondPool.end();
    await ctx.close();
  });

  test('without a session the upgrade is refused', async () => {
    await assert.rejects(connect(port), /HTTP 401/);
    await assert.rejects(connect(port, 'lifeline_session=forged'), /HTTP 401/);
  });

  test('a client may subscribe only to its own organisation', async () => {
    const c = await connect(port, town);
    clients.push(c);
    c.socket.send(JSON.stringify({ type: 'subscribe', topics: [`ecg.worklist:${hubOrg}`] }));
    const m = await c.next((x) => x.type === 'error');
    assert.match(String(m.message), /not allowed/);
    c.socket.send('not json');
    await c.next((x) => x.type === 'error' && /JSON/.test(String(x.message)));
  });

  test('acquired and analysed events reach the other instance; other organisations hear nothing', async () => {
    const hubClient = await connect(port, tech);
    const townClient = await connect(port, town);
    clients.push(hubClient, townClient);
    hubClient.socket.send(JSON.stringify({ type: 'subscribe', topics: [`ecg.worklist:${hubOrg}`] }));
    townClient.socket.send(JSON.stringify({ type: 'subscribe', topics: [`ecg.worklist:${townOrg}`] }));
    await hubClient.next((m) => m.type === 'subscribed');
    await townClient.next((m) => m.type === 'subscribed');

    // Uploaded through the first instance (inject), heard on the second one's socket.
    const [r] = (await upload(ctx, tech, [file(join(dicom.dir, 'jap1968_test_ecg.dcm'))])).json().results;
    const acquired = await hubClient.next(
      (m) => m.type === 'event' && (m.payload as { type: string }).type === 'ecg.acquired',
    );
    assert.equal(acquired.topic, `ecg.worklist:${hubOrg}`);
    assert.equal((acquired.payload as { examId: string }).examId, r.examId);

    jobs = await startJobs(ctx.app, { pollingIntervalSeconds: 0.5 });
    const analysed = await hubClient.next(
      (m) => m.type === 'event' && (m.payload as { type: string }).type === 'ecg.analysed',
    );
    assert.equal((analysed.payload as { examId: string }).examId, r.examId);
    assert.equal((analysed.payload as { status: string }).status, 'analysed');
    assert.ok(((analysed.payload as { statements: string[] }).statements ?? []).length > 0);

    // publish() from the second instance reaches a client of the same instance, too.
    await publish(second, `ecg.worklist:${hubOrg}`, { type: 'ping', n: 1 });
    await hubClient.next((m) => m.type === 'event' && (m.payload as { type: string }).type === 'ping');
    assert.equal(
      townClient.messages.filter((m) => m.type === 'event').length,
      0,
      'the township hospital received none of the hub events',
    );
  });

  test('an event published in a rolled-back transaction is never delivered', async () => {
    const c = await connect(port, tech);
    clients.push(c);
    c.socket.send(JSON.stringify({ type: 'subscribe', topics: [`ecg.worklist:${hubOrg}`] }));
    await c.next((m) => m.type === 'subscribed');
    const client = await ctx.pool.connect();
    try {
      await client.query('BEGIN');
      await publish(ctx.app, `ecg.worklist:${hubOrg}`, { type: 'rolled-back' }, client);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    await publish(ctx.app, `ecg.worklist:${hubOrg}`, { type: 'committed' });
    await c.next((m) => m.type === 'event' && (m.payload as { type: string }).type === 'committed');
    assert.ok(
      !c.messages.some((m) => m.type === 'event' && (m.payload as { type: string }).type === 'rolled-back'),
    );
    await assert.rejects(
      publish(ctx.app, `ecg.worklist:${hubOrg}`, { big: 'x'.repeat(9000) }),
      /send ids, not documents/,
    );
  });

  test('a lost LISTEN connection is re-established and events flow again', async () => {
    const c = await connect(port, tech);
    clients.push(c);
    c.socket.send(JSON.stringify({ type: 'subscribe', topics: [`ecg.worklist:${hubOrg}`] }));
    await c.next((m) => m.type === 'subscribed');
    const killed = await ctx.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE application_name = 'lifeline-live' AND datname = current_database()`,
    );
    assert.ok((killed.rowCount ?? 0) >= 1, 'a LISTEN connection was there to kill');
    // Publish until one arrives: events during the reconnect gap (about a second) may be lost, later ones not.
    let n = 0;
    const deadline = Date.now() + 10_000;
    for (;;) {
      n++;
      await publish(ctx.app, `ecg.worklist:${hubOrg}`, { type: 'after-reconnect', n });
      try {
        await c.next(
          (m) => m.type === 'event' && (m.payload as { type: string }).type === 'after-reconnect',
          300,
        );
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
    }
  });
});
