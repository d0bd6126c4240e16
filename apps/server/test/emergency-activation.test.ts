import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { pendingDeliveries, sweepEscalations } from '../src/modules/emergency';
import { createTestContext, type TestContext } from './helpers';

interface Received {
  path: string;
  url: string;
  body: string;
}

/** A local HTTP server standing in for the WeChat Work robot, a webhook receiver and an SMS gateway. */
async function fakeEndpoint() {
  const received: Received[] = [];
  let failuresLeft = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ path: (req.url ?? '').split('?')[0], url: req.url ?? '', body });
      if (failuresLeft > 0) {
        failuresLeft--;
        res.writeHead(503).end('busy');
        return;
      }
      if (req.url?.startsWith('/wecom-bad')) {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"errcode":93000,"errmsg":"invalid webhook url"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    base,
    received,
    failNext(n: number) {
      failuresLeft = n;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

// The server's own escalation timer runs fast here, to show it runs at all (explicit sweeps use future clocks).
process.env.EMERGENCY_SWEEP_MS = '200';

async function settle() {
  await Promise.all([...pendingDeliveries]);
}

describe('team activation, acknowledgement, escalation and notification channels', () => {
  let ctx: TestContext;
  let endpoint: Awaited<ReturnType<typeof fakeEndpoint>>;
  let admin: string;
  let nurse: string;
  let qc: string;
  let cathlab: string;
  let cardio: string;
  let doctor: string;
  let caseId: string;
  const channels: Record<string, string> = {};

  before(async () => {
    ctx = await createTestContext();
    endpoint = await fakeEndpoint();
    [admin, nurse, qc, cathlab, cardio, doctor] = await Promise.all(
      ['admin', 'ed.nurse', 'qc', 'cathlab', 'cardio', 'ed.doctor'].map((u) => ctx.login(u)),
    );
    const c = await ctx.request('POST', '/api/emergency/cases', nurse, {
      center: 'chest-pain',
      unknownPatient: { sex: 'M' },
    });
    caseId = c.json().id;
  });
  after(async () => {
    await settle();
    await endpoint.close();
    await ctx.close();
  });

  test('channel configuration is validated field by field', async () => {
    const bad = await ctx.request('POST', '/api/notification-channels', admin, {
      kind: 'webhook',
      name: 'x',
      config: { url: 'ftp://x' },
    });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().issue[0].expression, ['config.url']);
    const sms = await ctx.request('POST', '/api/notification-channels', admin, {
      kind: 'sms',
      name: 'sms',
      config: { urlTemplate: `${endpoint.base}/sms?to={phone}`, phones: ['13800138000'] },
    });
    assert.equal(sms.statusCode, 400);
    assert.deepEqual(sms.json().issue[0].expression, ['config.urlTemplate']);
    assert.equal(
      (
        await ctx.request('POST', '/api/notification-channels', nurse, {
          kind: 'webhook',
          name: 'x',
          config: { url: 'http://x' },
        })
      ).statusCode,
      403,
    );

    const make = async (kind: string, name: string, config: object) => {
      const res = await ctx.request('POST', '/api/notification-channels', admin, { kind, name, config });
      assert.equal(res.statusCode, 200, res.body);
      channels[name] = res.json().id;
    };
    await make('wecom-robot', 'wecom', {
      url: `${endpoint.base}/wecom?key=abc`,
      phones: ['13800138000'],
      retryDelayMs: 10,
    });
    await make('webhook', 'hook', {
      url: `${endpoint.base}/hook`,
      headers: { 'x-token': 's3cret' },
      retries: 2,
      retryDelayMs: 10,
    });
    await make('sms', 'sms', {
      urlTemplate: `${endpoint.base}/sms?to={phone}&msg={text}`,
      phones: ['13800138000', '13900139000'],
      retryDelayMs: 10,
    });
    await make('wecom-robot', 'wecom-bad', {
      url: `${endpoint.base}/wecom-bad`,
      retries: 1,
      retryDelayMs: 10,
    });
    const probe = await ctx.request(
      'POST',
      `/api/notification-channels/${channels['wecom-bad']}/test`,
      admin,
    );
    assert.equal(probe.json().ok, false);
    assert.match(probe.json().error, /errcode 93000/);
  });

  test('one click alerts the cath-lab team in the app and through every channel (with retries)', async () => {
    const teams = (await ctx.request('GET', '/api/emergency/teams', nurse)).json();
    const cath = teams.find((t: { code: string }) => t.code === 'cathlab');
    assert.ok(
      cath.members.some((m: { name: string }) => m.name === '林杰（导管室）'),
      'default members by role/department',
    );
    const patch = await ctx.request('PATCH', `/api/emergency/teams/${cath.id}`, qc, {
      channelIds: [channels.wecom, channels.hook, channels.sms],
      escalateAfterMinutes: 5,
    });
    assert.equal(patch.statusCode, 200, patch.body);
    assert.equal(
      (await ctx.request('PATCH', `/api/emergency/teams/${cath.id}`, nurse, { escalateAfterMinutes: 1 }))
        .statusCode,
      403,
    );
    const optionsRes = await ctx.request('GET', '/api/emergency/teams/options', qc);
    assert.equal(optionsRes.statusCode, 200, optionsRes.body);
    const options = optionsRes.json();
    assert.ok(options.users.some((u: { name: string }) => u.name === '林杰（导管室）'));
    assert.equal(options.channels.length, 4);
    const foreign = await ctx.request('PATCH', `/api/emergency/teams/${cath.id}`, qc, {
      memberIds: ['00000000-0000-4000-8000-000000000009'],
    });
    assert.deepEqual(foreign.json().issue[0].expression, ['memberIds']);

    endpoint.failNext(1); // the first request fails: the adapter retries
    const res = await ctx.request('POST', `/api/emergency/cases/${caseId}/activations`, nurse, {
      team: 'cathlab',
      note: '下壁STEMI',
    });
    assert.equal(res.statusCode, 200, res.body);
    const again = await ctx.request('POST', `/api/emergency/cases/${caseId}/activations`, nurse, {
      team: 'cathlab',
    });
    assert.equal(again.statusCode, 409);
    await settle();

    const paths = endpoint.received.map((r) => r.path);
    assert.ok(paths.filter((p) => p === '/wecom').length >= 1);
    assert.ok(paths.includes('/hook'));
    assert.equal(paths.filter((p) => p === '/sms').length, 2, 'one SMS per phone');
    const wecom = endpoint.received.filter((r) => r.path === '/wecom').at(-1) as Received;
    const wecomBody = JSON.parse(wecom.body);
    assert.equal(wecomBody.msgtype, 'text');
    assert.match(wecomBody.text.content, /启动导管室团队/);
    assert.deepEqual(wecomBody.text.mentioned_mobile_list, ['13800138000']);
    const hook = JSON.parse((endpoint.received.find((r) => r.path === '/hook') as Received).body);
    assert.equal(hook.kind, 'emergency.activation');
    assert.equal(hook.resourceId, caseId);
    const sms = endpoint.received.find((r) => r.path === '/sms') as Received;
    assert.match(decodeURIComponent(sms.url), /启动导管室团队/);
    const deliveries = await ctx.pool.query(
      `SELECT status, attempts FROM notification_deliveries ORDER BY created_at`,
    );
    assert.ok(deliveries.rows.every((d) => d.status === 'sent'));
    assert.ok(
      deliveries.rows.some((d) => d.attempts === 2),
      'the failed first attempt was retried',
    );

    // In-app: the cath-lab member sees it in the header list and in "my activations".
    const mine = (await ctx.request('GET', '/api/notifications?unread=true', cathlab)).json();
    assert.ok(mine.unread >= 1);
    assert.equal(mine.items[0].severity, 'critical');
    assert.equal(mine.items[0].link, `/emergency/cases/${caseId}`);
    const open = (await ctx.request('GET', '/api/emergency/activations/mine', cathlab)).json();
    assert.equal(open.length, 1);

    // The activation also recorded the pathway's "cath lab called" time.
    const c = (await ctx.request('GET', `/api/emergency/cases/${caseId}`, nurse)).json();
    assert.ok(
      c.times.some(
        (t: { code: string; source: string }) => t.code === 'cathlab-called' && t.source === 'tap',
      ),
    );
  });

  test('each member acknowledges and arrives; a non-member cannot; acknowledgement stops escalation', async () => {
    const open = (await ctx.request('GET', '/api/emergency/activations/mine', cathlab)).json();
    const activationId = open[0].id;
    assert.equal(
      (await ctx.request('POST', `/api/emergency/activations/${activationId}/ack`, doctor)).statusCode,
      403,
    );
    const ack = await ctx.request('POST', `/api/emergency/activations/${activationId}/ack`, cathlab);
    assert.equal(ack.statusCode, 200, ack.body);
    assert.ok(ack.json().acknowledgedAt);
    const arrive = await ctx.request('POST', `/api/emergency/activations/${activationId}/arrive`, cardio);
    assert.ok(arrive.json().arrivedAt);
    const c = (await ctx.request('GET', `/api/emergency/cases/${caseId}`, nurse)).json();
    const act = c.activations.find((a: { id: string }) => a.id === activationId);
    assert.equal(act.status, 'acknowledged');
    assert.equal(act.escalateAt, null);
    const members = act.members as {
      name: string;
      acknowledgedAt: string | null;
      arrivedAt: string | null;
    }[];
    assert.ok(members.find((m) => m.name === '林杰（导管室）')?.acknowledgedAt);
    assert.ok(members.find((m) => m.name === '郑伟（心内科）')?.arrivedAt);
    assert.deepEqual(await sweepEscalations(ctx.app, new Date(Date.now() + 60 * 60_000)), []);
    assert.equal((await ctx.request('GET', '/api/emergency/activations/mine', cathlab)).json().length, 0);
  });

  test('nobody acknowledges within N minutes: the sweep escalates once per period, up to the limit', async () => {
    const stroke = (
      await ctx.request('POST', '/api/emergency/cases', nurse, { center: 'stroke', unknownPatient: {} })
    ).json();
    const res = await ctx.request('POST', `/api/emergency/cases/${stroke.id}/activations`, nurse, {
      team: 'stroke',
    });
    assert.equal(res.statusCode, 200, res.body);
    const { activationId } = res.json();
    const t0 = Date.now();
    assert.deepEqual(await sweepEscalations(ctx.app, new Date(t0 + 4 * 60_000)), [], 'not yet due');
    // Two sweeps racing (two server processes): exactly one escalates.
    const [a, b] = await Promise.all([
      sweepEscalations(ctx.app, new Date(t0 + 5 * 60_000 + 1000)),
      sweepEscalations(ctx.app, new Date(t0 + 5 * 60_000 + 1000)),
    ]);
    assert.deepEqual([...a, ...b], [activationId]);
    const row = (
      await ctx.pool.query('SELECT escalation_level, escalate_at FROM emergency_activations WHERE id = $1', [
        activationId,
      ])
    ).rows[0];
    assert.equal(row.escalation_level, 1);
    assert.ok(row.escalate_at.getTime() > t0 + 9 * 60_000, 'next escalation N minutes later');
    // The escalation contact (ED physician by default) is alerted and becomes a member who may acknowledge.
    const docNotes = (await ctx.request('GET', '/api/notifications', doctor)).json().items;
    assert.ok(
      docNotes.some(
        (n: { kind: string; title: string }) => n.kind === 'emergency.escalation' && /升级1/.test(n.title),
      ),
    );
    await sweepEscalations(ctx.app, new Date(t0 + 11 * 60_000));
    await sweepEscalations(ctx.app, new Date(t0 + 16 * 60_000));
    await sweepEscalations(ctx.app, new Date(t0 + 60 * 60_000));
    const last = (
      await ctx.pool.query('SELECT escalation_level, escalate_at FROM emergency_activations WHERE id = $1', [
        activationId,
      ])
    ).rows[0];
    assert.equal(last.escalation_level, 3);
    assert.equal(last.escalate_at, null, 'stops after the last level');
    const ack = await ctx.request('POST', `/api/emergency/activations/${activationId}/ack`, doctor);
    assert.equal(ack.statusCode, 200, ack.body);
    const events = (await ctx.request('GET', `/api/emergency/cases/${stroke.id}`, nurse))
      .json()
      .events.map((e: { action: string }) => e.action);
    assert.deepEqual(
      events.filter((e: string) => e.startsWith('team.')),
      ['team.activate', 'team.escalate', 'team.escalate', 'team.escalate', 'team.ack'],
    );
  });

  test('an activation can be stood down: no escalation, members told', async () => {
    const trauma = (
      await ctx.request('POST', '/api/emergency/cases', nurse, { center: 'trauma', unknownPatient: {} })
    ).json();
    const { activationId } = (
      await ctx.request('POST', `/api/emergency/cases/${trauma.id}/activations`, nurse, { team: 'trauma' })
    ).json();
    assert.equal(
      (
        await ctx.request('POST', `/api/emergency/activations/${activationId}/cancel`, cathlab, {
          reason: '误触',
        })
      ).statusCode,
      403,
    );
    const res = await ctx.request('POST', `/api/emergency/activations/${activationId}/cancel`, nurse, {
      reason: '误触',
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(await sweepEscalations(ctx.app, new Date(Date.now() + 60 * 60_000)), []);
    assert.equal(
      (
        await ctx.request('POST', `/api/emergency/activations/${activationId}/cancel`, nurse, {
          reason: '误触',
        })
      ).statusCode,
      409,
    );
    const traumaUser = await ctx.login('trauma');
    const notes = (await ctx.request('GET', '/api/notifications', traumaUser))
      .json()
      .items.map((n: { kind: string }) => n.kind);
    assert.deepEqual(notes.slice(0, 2), ['emergency.activation.cancel', 'emergency.activation']);
    const c = (await ctx.request('GET', `/api/emergency/cases/${trauma.id}`, nurse)).json();
    assert.ok(c.times.some((t: { code: string }) => t.code === 'trauma-team-activated'));
  });

  test("the server's own timer escalates a due activation without anyone calling the sweep", async () => {
    const c = (
      await ctx.request('POST', '/api/emergency/cases', nurse, { center: 'stroke', unknownPatient: {} })
    ).json();
    const { activationId } = (
      await ctx.request('POST', `/api/emergency/cases/${c.id}/activations`, nurse, { team: 'stroke' })
    ).json();
    await ctx.pool.query(
      `UPDATE emergency_activations SET escalate_at = now() - interval '1 second' WHERE id = $1`,
      [activationId],
    );
    let level = 0;
    for (let i = 0; i < 40 && level === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      level = (
        await ctx.pool.query('SELECT escalation_level FROM emergency_activations WHERE id = $1', [
          activationId,
        ])
      ).rows[0].escalation_level;
    }
    assert.equal(level, 1);
  });

  test('notifications are read and acknowledged only by their recipient', async () => {
    const mine = (await ctx.request('GET', '/api/notifications', cathlab)).json().items;
    const id = mine[0].id;
    assert.equal((await ctx.request('POST', `/api/notifications/${id}/ack`, nurse)).statusCode, 404);
    const ok = await ctx.request('POST', `/api/notifications/${id}/ack`, cathlab);
    assert.equal(ok.statusCode, 200);
    assert.ok(ok.json().ackedAt);
    assert.equal((await ctx.request('GET', '/api/notifications')).statusCode, 401);
  });
});
