import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { type RegistryUploadRunner, startRegistryUploads } from '../src/modules/emergency';
import { createTestContext, type TestContext } from './helpers';

/** A local HTTP server standing in for the registry: answers per wristband are scripted by the test. */
interface Received {
  headers: IncomingMessage['headers'];
  body: { registry: string; hospitalCode: string; uploadId: string; record: Record<string, unknown> };
}

describe('upload of cases to the national registries', () => {
  let ctx: TestContext;
  let nurse: string;
  let doctor: string;
  let qc: string;
  let registry: Server;
  let url: string;
  let runner: RegistryUploadRunner;
  const received: Received[] = [];
  /** Answers to give, by the record's doorTime (unique per case), consumed in order; default 200. */
  const script = new Map<string, { status: number; body: unknown }[]>();

  before(async () => {
    ctx = await createTestContext();
    nurse = await ctx.login('ed.nurse');
    doctor = await ctx.login('ed.doctor');
    qc = await ctx.login('qc');
    registry = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        const body = JSON.parse(raw);
        received.push({ headers: req.headers, body });
        const next = script.get(body.localCaseId)?.shift() ?? {
          status: 200,
          body: { code: 0, data: { caseId: `TR-${received.length}` } },
        };
        res.writeHead(next.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(next.body));
      });
    });
    registry.listen(0, '127.0.0.1');
    await once(registry, 'listening');
    url = `http://127.0.0.1:${(registry.address() as { port: number }).port}/api/upload`;
    runner = await startRegistryUploads(ctx.app, {
      retryLimit: 2,
      retryDelaySeconds: 1,
      pollingIntervalSeconds: 0.5,
    });
  });
  after(async () => {
    await runner?.stop();
    registry?.close();
    await ctx.close();
  });

  /** A trauma case with everything the trauma registry requires. */
  async function completeTraumaCase() {
    const p = await ctx.request('POST', '/api/patients', nurse, {
      name: '周建国',
      sex: 'M',
      birthDate: '1980-06-01',
    });
    assert.equal(p.statusCode, 200, p.body);
    const c = (
      await ctx.request('POST', '/api/emergency/cases', nurse, { center: 'trauma', patientId: p.json().id })
    ).json();
    const injury = await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, {
      code: 'injury',
      source: 'manual',
      at: new Date(Date.now() - 3600_000).toISOString(),
      reason: '目击者所述',
    });
    assert.equal(injury.statusCode, 200, injury.body);
    for (const code of ['door', 'trauma-team-arrived', 'discharge']) {
      const r = await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, { code });
      assert.equal(r.statusCode, 200, r.body);
    }
    const patch = await ctx.request('PATCH', `/api/emergency/cases/${c.id}`, doctor, {
      arrivalMode: 'ambulance',
      diagnosis: 'major-trauma',
      outcome: 'discharged',
      fields: { iss: 25, injuryMechanism: 'traffic' },
    });
    assert.equal(patch.statusCode, 200, patch.body);
    return c.id as string;
  }

  async function waitForStatus(caseId: string, statuses: string[], timeoutMs = 60_000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = (await ctx.request('GET', `/api/emergency/cases/${caseId}/registry`, qc)).json();
      if (r.uploads[0] && statuses.includes(r.uploads[0].status)) return r;
      if (Date.now() > until) throw new Error(`upload of ${caseId} still ${JSON.stringify(r.uploads[0])}`);
      await new Promise((res) => setTimeout(res, 200));
    }
  }

  test('missing fields are named; no endpoint configured is refused; bad endpoint input is refused', async () => {
    const cp = (
      await ctx.request('POST', '/api/emergency/cases', nurse, { center: 'chest-pain', unknownPatient: {} })
    ).json();
    const r = await ctx.request('POST', `/api/emergency/cases/${cp.id}/registry-uploads`, qc);
    assert.equal(r.statusCode, 400);
    const fields = r.json().issue.flatMap((i: { expression: string[] }) => i.expression);
    for (const f of ['arrivalMode', 'sex', 'age', 'diagnosis', 'doorTime', 'fmcTime', 'firstEcgTime'])
      assert.ok(fields.includes(f), `${f} in ${fields.join(', ')}`);
    const view = (await ctx.request('GET', `/api/emergency/cases/${cp.id}/registry`, nurse)).json();
    assert.equal(view.registry, 'cn-chest-pain-center');
    assert.ok(view.problems.some((p: { field: string }) => p.field === 'doorTime'));

    const tr = await completeTraumaCase();
    for (const bad of [{ iss: { value: 25 } }, { iss: [25] }, { note: 'x'.repeat(201) }]) {
      const res = await ctx.request('PATCH', `/api/emergency/cases/${tr}`, doctor, { fields: bad });
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
      assert.match(res.body, /fields\.(iss|note)/);
    }
    const none = await ctx.request('POST', `/api/emergency/cases/${tr}/registry-uploads`, qc);
    assert.equal(none.statusCode, 400, none.body);
    assert.match(none.body, /registry/);
    const forbidden = await ctx.request('POST', `/api/emergency/cases/${tr}/registry-uploads`, nurse);
    assert.equal(forbidden.statusCode, 403, 'sign-off is for the data manager');
    for (const [reg, body, status] of [
      ['cn-trauma-registry', { url: 'ftp://x.example/y' }, 400],
      ['cn-trauma-registry', { url: 'not a url at all' }, 400],
      ['no-such-registry', { url: 'https://x.example/y' }, 400],
      ['cn-trauma-registry', { url: 'https://x.example/y', timeoutMs: 5 }, 400],
    ] as const) {
      const res = await ctx.request('PUT', `/api/emergency/registry/endpoints/${reg}`, qc, body);
      assert.equal(res.statusCode, status, `${reg} ${JSON.stringify(body)}: ${res.body}`);
    }
  });

  test('an upload is retried after a server error until accepted; the registry case id and status are kept', async () => {
    const put = await ctx.request('PUT', '/api/emergency/registry/endpoints/cn-trauma-registry', qc, {
      url,
      headers: { authorization: 'Bearer secret-token' },
      hospitalCode: 'H330328',
    });
    assert.equal(put.statusCode, 200, put.body);
    const ep = put.json().items.find((i: { registry: string }) => i.registry === 'cn-trauma-registry');
    assert.deepEqual(ep.headerNames, ['authorization'], 'header values are not shown');
    assert.ok(!put.body.includes('secret-token'));

    const caseId = await completeTraumaCase();
    script.set(caseId, [{ status: 503, body: { message: 'busy' } }]);
    const up = await ctx.request('POST', `/api/emergency/cases/${caseId}/registry-uploads`, qc);
    assert.equal(up.statusCode, 200, up.body);
    assert.equal(up.json().status, 'queued');
    const dup = await ctx.request('POST', `/api/emergency/cases/${caseId}/registry-uploads`, qc);
    assert.equal(dup.statusCode, 409, 'one upload in flight per case');
    const done = await waitForStatus(caseId, ['accepted', 'failed', 'rejected']);
    const u = done.uploads.find((x: { id: string }) => x.id === up.json().id);
    assert.equal(u.status, 'accepted');
    assert.equal(u.attempts, 2, 'one 503, then accepted');
    assert.match(u.registryCaseId, /^TR-\d+$/);
    assert.ok(u.signedOffBy, 'the data manager who signed it off');
    const mine = received.filter((r) => r.body.uploadId === u.id);
    assert.equal(mine.length, 2);
    assert.equal(mine[1].headers.authorization, 'Bearer secret-token');
    assert.equal(mine[1].headers['idempotency-key'], u.id);
    assert.equal(mine[1].body.hospitalCode, 'H330328');
    const rec = mine[1].body.record;
    assert.equal(rec.arrivalMode, '1');
    assert.equal(rec.sex, '1');
    assert.equal(rec.mechanism, '1');
    assert.equal(rec.iss, 25);
    assert.match(String(rec.doorTime), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    const audit = await ctx.pool.query(
      `SELECT action FROM audit_log WHERE resource_id = $1 AND action LIKE 'emergency.registry.%' ORDER BY seq`,
      [caseId],
    );
    assert.deepEqual(
      audit.rows.map((r) => r.action).filter((a) => a !== 'emergency.registry.read'),
      ['emergency.registry.upload', 'emergency.registry.accepted'],
    );
  });

  test('a registry refusal is kept and not retried; a retry after fixing is accepted; persistent errors fail', async () => {
    const rejected = await completeTraumaCase();
    script.set(rejected, [
      { status: 422, body: { code: 1, errors: [{ field: 'iss', message: '超出范围' }] } },
    ]);
    const up = await ctx.request('POST', `/api/emergency/cases/${rejected}/registry-uploads`, qc);
    assert.equal(up.statusCode, 200, up.body);
    const r = await waitForStatus(rejected, ['accepted', 'failed', 'rejected']);
    assert.equal(r.uploads[0].status, 'rejected');
    assert.equal(r.uploads[0].attempts, 1);
    assert.equal(r.uploads[0].lastStatusCode, 422);
    const stored = await ctx.pool.query('SELECT response FROM emergency_registry_uploads WHERE id = $1', [
      up.json().id,
    ]);
    assert.equal(stored.rows[0].response.errors[0].field, 'iss');
    const retry = await ctx.request('POST', `/api/emergency/registry/uploads/${up.json().id}/retry`, qc);
    assert.equal(retry.statusCode, 200, retry.body);
    assert.equal((await waitForStatus(rejected, ['accepted', 'failed'])).uploads[0].status, 'accepted');
    const again = await ctx.request('POST', `/api/emergency/registry/uploads/${up.json().id}/retry`, qc);
    assert.equal(again.statusCode, 409, 'an accepted upload is not retried');

    const down = await completeTraumaCase();
    script.set(
      down,
      [1, 2, 3, 4].map(() => ({ status: 500, body: { message: 'down' } })),
    );
    await ctx.request('POST', `/api/emergency/cases/${down}/registry-uploads`, qc);
    const f = await waitForStatus(down, ['failed', 'accepted']);
    assert.equal(f.uploads[0].status, 'failed');
    assert.equal(f.uploads[0].attempts, 3, 'first attempt and two retries');
    assert.equal(f.uploads[0].lastError, 'HTTP 500');

    const list = await ctx.request('GET', '/api/emergency/registry/uploads?status=failed', qc);
    assert.equal(list.statusCode, 200);
    assert.ok(
      list.json().items.some((i: { caseId: string; wristband: string }) => i.caseId === down && i.wristband),
    );
    const bad = await ctx.request('GET', '/api/emergency/registry/uploads?status=lost', qc);
    assert.equal(bad.statusCode, 400);
  });
});
