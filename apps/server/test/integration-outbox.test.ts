import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { buildAck, type Hl7Message, parseMessage } from '@lifeline/hl7';
import { createMllpServer, type MllpServer } from '@lifeline/hl7/mllp';
import { backoffMs, deliverDue, enqueueMessage } from '../src/modules/integration/outbox';
import { createTestContext, type TestContext } from './helpers';

// Short enough for a test, long enough that a loaded machine does not make a waiting row due by accident.
const FAST = {
  baseDelayMs: 400,
  maxDelayMs: 1600,
  maxAttempts: 3,
  connectTimeoutMs: 500,
  ackTimeoutMs: 2000,
};

function oru(controlId: string): string {
  return [
    `MSH|^~\\&|LIFELINE|QSX-RMYY|EMR|QSX|20261121100000+0800||ORU^R01^ORU_R01|${controlId}|P|2.5.1|||AL|NE||UNICODE UTF-8`,
    'PID|1||H1^^^HIS^PI||王^小明',
    'OBR|1|P1|F1|11524-6^EKG study^LN|||20261121093000',
    'OBX|1|NM|8867-4^Heart rate^LN||72|/min^/min^UCUM|||||F',
  ].join('\r');
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('HL7 outbox: delivery, retry with backoff, error queue and replay', () => {
  let ctx: TestContext;
  let admin: string;
  let orgId: string;
  let port: number;
  let interfaceId: string;
  let receiver: MllpServer | null = null;
  const received: Hl7Message[] = [];
  /** Control IDs the receiver refuses with AE (a receiving system's own validation). */
  const refuse = new Set<string>();

  async function startReceiver() {
    receiver = createMllpServer({
      onMessage: (m) => {
        received.push(m);
        return refuse.has(m.controlId)
          ? buildAck(m, { code: 'AE', text: 'unknown patient H1' })
          : buildAck(m);
      },
    });
    await receiver.listen(port, '127.0.0.1');
  }

  const row = async (id: string) =>
    (await ctx.pool.query('SELECT * FROM hl7_outbox WHERE id = $1', [id])).rows[0];

  /** Waits out the backoff of a row, then sweeps once. */
  async function sweepWhenDue(id: string) {
    const r = await row(id);
    await sleep(Math.max(0, r.next_attempt_at.getTime() - Date.now()) + 20);
    return deliverDue(ctx.app, FAST);
  }

  before(async () => {
    ctx = await createTestContext();
    admin = await ctx.login('admin');
    orgId = (await ctx.pool.query(`SELECT id FROM organizations WHERE code = 'QSX-RMYY'`)).rows[0].id;
    port = await freePort();
    const res = await ctx.request('POST', '/api/integration/interfaces', admin, {
      name: 'EMR 结果',
      direction: 'outbound',
      host: '127.0.0.1',
      port,
      receivingApplication: 'EMR',
      receivingFacility: 'QSX',
    });
    assert.equal(res.statusCode, 200, res.body);
    interfaceId = res.json().id;
  });
  after(async () => {
    await receiver?.close();
    await ctx?.close();
  });

  test('backoff doubles per attempt up to the limit', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 10].map((n) => backoffMs(n, { baseDelayMs: 1000, maxDelayMs: 5000 })),
      [1000, 2000, 4000, 5000, 5000],
    );
  });

  test('a receiver that is down: the row waits with its reason and backoff, then goes out when it is up', async () => {
    const id = await enqueueMessage(ctx.pool, {
      organizationId: orgId,
      interfaceId,
      message: oru('OUT-1'),
      controlId: 'OUT-1',
    });
    assert.deepEqual(await deliverDue(ctx.app, FAST), { sent: 0, failed: 1 });
    const waiting = await row(id);
    assert.equal(waiting.status, 'pending');
    assert.equal(waiting.attempts, 1);
    assert.match(waiting.last_error, /ECONNREFUSED|refused|connect/i);
    assert.equal(waiting.next_attempt_at.getTime() - waiting.updated_at.getTime(), 400, 'first backoff');
    // Not yet due: a sweep right now leaves it alone.
    assert.deepEqual(await deliverDue(ctx.app, FAST), { sent: 0, failed: 0 });

    await startReceiver();
    assert.deepEqual(await sweepWhenDue(id), { sent: 1, failed: 0 });
    const sent = await row(id);
    assert.equal(sent.status, 'sent');
    assert.equal(sent.ack_code, 'AA');
    assert.equal(sent.attempts, 2);
    assert.deepEqual(
      received.map((m) => m.controlId),
      ['OUT-1'],
    );
    assert.equal(received[0].get('OBX-3'), '8867-4');
    // Sent rows are not sent again.
    assert.deepEqual(await deliverDue(ctx.app, FAST), { sent: 0, failed: 0 });
  });

  test('an unreachable destination costs one attempt per sweep, not one per queued row', async () => {
    await receiver?.close();
    receiver = null;
    const ids = [];
    for (const n of [1, 2, 3]) {
      ids.push(
        await enqueueMessage(ctx.pool, {
          organizationId: orgId,
          interfaceId,
          message: oru(`DOWN-${n}`),
          controlId: `DOWN-${n}`,
        }),
      );
    }
    assert.deepEqual(await deliverDue(ctx.app, FAST), { sent: 0, failed: 1 });
    const attempts = await Promise.all(ids.map(async (id) => (await row(id)).attempts));
    assert.deepEqual(attempts, [1, 0, 0]);
    await startReceiver();
    await sweepWhenDue(ids[0]);
    for (const id of ids) assert.equal((await row(id)).status, 'sent');
  });

  test('refused messages end in the error queue; the admin edits and replays them', async () => {
    refuse.add('OUT-2');
    const id = await enqueueMessage(ctx.pool, {
      organizationId: orgId,
      interfaceId,
      message: oru('OUT-2'),
      controlId: 'OUT-2',
    });
    for (let i = 0; i < FAST.maxAttempts; i++) await sweepWhenDue(id);
    const failed = await row(id);
    assert.equal(failed.status, 'error');
    assert.equal(failed.attempts, 3);
    assert.equal(failed.ack_code, 'AE');
    assert.match(failed.last_error, /unknown patient H1/);

    const queue = (await ctx.request('GET', '/api/integration/outbox?status=error', admin)).json();
    assert.deepEqual(
      queue.items.map((i: { id: string; lastError: string }) => i.id),
      [id],
    );
    const detail = (await ctx.request('GET', `/api/integration/outbox/${id}`, admin)).json();
    assert.match(detail.message, /OUT-2/);

    // A replayed message that does not parse is refused, the row stays in the queue.
    const bad = await ctx.request('POST', `/api/integration/outbox/${id}/replay`, admin, {
      message: 'not an HL7 message',
    });
    assert.equal(bad.statusCode, 400);
    assert.equal((await row(id)).status, 'error');

    // The admin corrects the message (new control ID, fixed identifier) and replays it.
    const fixed = oru('OUT-2b').replace('H1^^^HIS^PI', 'H2^^^HIS^PI');
    const replay = await ctx.request('POST', `/api/integration/outbox/${id}/replay`, admin, {
      message: fixed,
    });
    assert.equal(replay.statusCode, 200, replay.body);
    assert.equal(replay.json().status, 'pending');
    assert.deepEqual(await deliverDue(ctx.app, FAST), { sent: 1, failed: 0 });
    const done = await row(id);
    assert.equal(done.status, 'sent');
    assert.equal(done.control_id, 'OUT-2b');
    assert.equal(parseMessage(done.message).get('PID-3'), 'H2');
    assert.equal(received.at(-1)?.controlId, 'OUT-2b');
    // Sent rows cannot be replayed; other organisations' admins do not see them.
    assert.equal(
      (await ctx.request('POST', `/api/integration/outbox/${id}/replay`, admin, {})).statusCode,
      404,
    );
  });

  test('an edited destination (new port) is used when the error-queue row is replayed', async () => {
    await receiver?.close();
    receiver = null;
    const id = await enqueueMessage(ctx.pool, {
      organizationId: orgId,
      interfaceId,
      message: oru('OUT-3'),
      controlId: 'OUT-3',
    });
    for (let i = 0; i < FAST.maxAttempts; i++) await sweepWhenDue(id);
    assert.equal((await row(id)).status, 'error');
    // The EMR moved to another port: fix the destination, replay.
    port = await freePort();
    await startReceiver();
    const patch = await ctx.request('PATCH', `/api/integration/interfaces/${interfaceId}`, admin, { port });
    assert.equal(patch.statusCode, 200, patch.body);
    assert.equal(
      (await ctx.request('POST', `/api/integration/outbox/${id}/replay`, admin, {})).statusCode,
      200,
    );
    assert.deepEqual(await deliverDue(ctx.app, FAST), { sent: 1, failed: 0 });
    assert.equal(received.at(-1)?.controlId, 'OUT-3');
  });

  test('two sweeps at once never send the same row twice (FOR UPDATE SKIP LOCKED)', async () => {
    const before = received.length;
    for (const n of [1, 2, 3, 4]) {
      await enqueueMessage(ctx.pool, {
        organizationId: orgId,
        interfaceId,
        message: oru(`PAR-${n}`),
        controlId: `PAR-${n}`,
      });
    }
    const results = await Promise.all([deliverDue(ctx.app, FAST), deliverDue(ctx.app, FAST)]);
    assert.equal(results[0].sent + results[1].sent, 4);
    const ids = received
      .slice(before)
      .map((m) => m.controlId)
      .sort();
    assert.deepEqual(ids, ['PAR-1', 'PAR-2', 'PAR-3', 'PAR-4']);
  });
});
