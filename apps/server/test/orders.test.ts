import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findOrderByAccession, listScheduledOrders } from '../src/modules/orders';
import { createTestContext, type TestContext } from './helpers';

describe('ECG orders', () => {
  let ctx: TestContext;
  let tech: string;
  let town: string;
  let patientId: string;
  let orgId: string;
  before(async () => {
    ctx = await createTestContext();
    tech = await ctx.login('ecg.tech');
    town = await ctx.login('town.tech');
    const p = await ctx.request('POST', '/api/patients', tech, {
      name: '周建国',
      sex: 'M',
      birthDate: '1960-05-01',
    });
    assert.equal(p.statusCode, 200, p.body);
    patientId = p.json().id;
    orgId = p.json().organizationId;
  });
  after(() => ctx.close());

  test('manual order: defaults, generated accession number, audit entry', async () => {
    const res = await ctx.request('POST', '/api/orders', tech, { patientId, greenChannel: true });
    assert.equal(res.statusCode, 200, res.body);
    const o = res.json();
    assert.match(o.accessionNumber, /^ECG\d{8}\d{6}$/);
    assert.equal(o.priority, 'stat', 'green channel orders default to stat');
    assert.equal(o.status, 'scheduled');
    assert.equal(o.source, 'manual');
    const audit = await ctx.pool.query(
      `SELECT 1 FROM audit_log WHERE action = 'order.create' AND resource_id = $1`,
      [o.id],
    );
    assert.equal(audit.rowCount, 1);
  });

  test('bad input names the field; taken accession is 409; nothing written', async () => {
    const before = (await ctx.pool.query('SELECT count(*)::int AS n FROM ecg_orders')).rows[0].n;
    let res = await ctx.request('POST', '/api/orders', tech, { patientId: crypto.randomUUID() });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json().issue[0].expression, ['patientId']);
    res = await ctx.request('POST', '/api/orders', tech, { patientId, priority: 'whenever' });
    assert.equal(res.statusCode, 400);
    res = await ctx.request('POST', '/api/orders', tech, { patientId, accessionNumber: 'has space' });
    assert.equal(res.statusCode, 400);
    res = await ctx.request('POST', '/api/orders', tech, {
      patientId,
      orderingDepartmentId: crypto.randomUUID(),
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json().issue[0].expression, ['orderingDepartmentId']);
    res = await ctx.request('POST', '/api/orders', tech, { patientId, accessionNumber: 'A1001' });
    assert.equal(res.statusCode, 200);
    res = await ctx.request('POST', '/api/orders', tech, { patientId, accessionNumber: 'A1001' });
    assert.equal(res.statusCode, 409);
    assert.deepEqual(res.json().issue[0].expression, ['accessionNumber']);
    const after = (await ctx.pool.query('SELECT count(*)::int AS n FROM ecg_orders')).rows[0].n;
    assert.equal(after, before + 1);
  });

  test('list with filters, scheduled worklist, cancel once', async () => {
    const o = (
      await ctx.request('POST', '/api/orders', tech, {
        patientId,
        accessionNumber: 'A2002',
        scheduledAt: '2026-11-22T01:00:00Z',
      })
    ).json();
    const found = (await ctx.request('GET', '/api/orders?accessionNumber=A2002', tech)).json();
    assert.deepEqual(
      found.items.map((x: { id: string }) => x.id),
      [o.id],
    );
    // The list carries the patient's name (one request for the screen), and the audit entry names who was shown.
    assert.equal(found.items[0].patientName, '周建国');
    const audit = await ctx.pool.query(
      `SELECT detail FROM audit_log WHERE action = 'order.search' ORDER BY seq DESC LIMIT 1`,
    );
    assert.deepEqual(audit.rows[0].detail.patientsShown, [patientId]);
    const worklist = await listScheduledOrders(ctx.pool, orgId, { accessionNumber: 'A2002' });
    assert.equal(worklist.length, 1);
    assert.equal(worklist[0].patient.name, '周建国');
    assert.equal(worklist[0].patient.birthDate, '1960-05-01');
    let res = await ctx.request('POST', `/api/orders/${o.id}/cancel`, tech, { reason: '患者已离院' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'cancelled');
    assert.equal(res.json().cancelReason, '患者已离院');
    res = await ctx.request('POST', `/api/orders/${o.id}/cancel`, tech, { reason: 'again' });
    assert.equal(res.statusCode, 409);
    assert.equal((await listScheduledOrders(ctx.pool, orgId, { accessionNumber: 'A2002' })).length, 0);
    assert.equal((await findOrderByAccession(ctx.pool, orgId, 'A2002'))?.status, 'cancelled');
    const cancelled = (await ctx.request('GET', '/api/orders?status=cancelled', tech)).json();
    assert.ok(cancelled.items.every((x: { status: string }) => x.status === 'cancelled'));
  });

  test('scoping and permissions: another organisation sees nothing; ECG physicians cannot order', async () => {
    const o = (
      await ctx.request('POST', '/api/orders', tech, { patientId, accessionNumber: 'A3003' })
    ).json();
    assert.equal((await ctx.request('GET', '/api/orders?accessionNumber=A3003', town)).json().total, 0);
    assert.equal(
      (await ctx.request('POST', `/api/orders/${o.id}/cancel`, town, { reason: 'xx' })).statusCode,
      404,
    );
    assert.equal(
      (await ctx.request('POST', '/api/orders', town, { patientId })).statusCode,
      400,
      'hub patient unknown to the township hospital',
    );
    const doctor = await ctx.login('ecg.doctor');
    assert.equal((await ctx.request('POST', '/api/orders', doctor, { patientId })).statusCode, 403);
    assert.equal((await ctx.request('GET', '/api/orders', undefined)).statusCode, 401);
  });
});
