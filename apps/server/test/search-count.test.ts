/**
 * Search totals: exact up to 1,000 matches, beyond that the planner's estimate marked approximate (never below
 * 1,001), while the page itself stays exact.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ExamSpec, generatedWaveform, insertExams } from '../src/seed/bulk-exams';
import { createTestContext, type TestContext } from './helpers';

let ctx: TestContext;
let tech: string;

before(async () => {
  ctx = await createTestContext();
  tech = await ctx.login('ecg.tech');
  const hub = (await ctx.pool.query(`SELECT id FROM organizations WHERE code = 'QSX-RMYY'`)).rows[0].id;
  const created = await ctx.request('POST', '/api/patients', tech, {
    name: '钱七',
    sex: 'F',
    birthDate: '1970-05-05',
  });
  assert.equal(created.statusCode, 200, created.body);
  const patientId = created.json().id as string;
  const start = Date.parse('2025-06-01T00:00:00Z');
  const specs: ExamSpec[] = Array.from({ length: 1300 }, (_, i) => ({
    organizationId: hub,
    patientId,
    examAt: new Date(start + i * 3_600_000),
    deviceName: i < 1200 ? 'GE MAC 2000' : 'Edan SE-1200',
    departmentId: null,
    priority: 'routine',
    statements: ['SR'],
    measurements: { heartRate: 60 + (i % 40), pr: 160, qrsDuration: 90, qt: 400, qtcBazett: 420 },
    critical: false,
    technicianId: null,
    readerId: null,
    signedAfterMin: null,
  }));
  const wave = generatedWaveform();
  const blob = await ctx.app.blobs.put(wave);
  await insertExams(ctx.pool, specs, { blob, sampleRate: 500, sampleCount: wave.byteLength / 4 / 12 });
  await ctx.pool.query('ANALYZE ecg_exam_search');
});
after(async () => ctx.close());

async function find(query: string) {
  const res = await ctx.request('GET', `/api/search/exams?${query}`, tech);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

test('over 1,000 matches the total is an estimate, flagged approximate', async () => {
  const body = await find('device=GE%20MAC%202000&limit=20');
  assert.equal(body.totalApproximate, true);
  assert.equal(body.totalCapped, true);
  assert.ok(body.total > 1000, String(body.total));
  // The estimate is of the right size (statistics are fresh), not an arbitrary figure.
  assert.ok(body.total >= 1001 && body.total <= 2000, String(body.total));
  assert.equal(body.items.length, 20);
  const audit = await ctx.pool.query(
    `SELECT detail FROM audit_log WHERE action = 'ecg.search' ORDER BY seq DESC LIMIT 1`,
  );
  assert.equal(audit.rows[0].detail.totalApproximate, true);
});

test('up to 1,000 matches the total is exact', async () => {
  const body = await find('device=Edan%20SE-1200');
  assert.equal(body.totalApproximate, false);
  assert.equal(body.total, 100);
  const some = await find('hrMin=60&hrMax=60');
  assert.equal(some.total, 33); // i % 40 === 0 for i < 1300: 0, 40, …, 1280
  assert.equal(some.totalApproximate, false);
});
