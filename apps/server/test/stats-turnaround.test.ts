/**
 * Turnaround percentiles from the monthly histograms (migration 0010) against exact percentile_cont over the same
 * exams: counts and maxima equal, median and p90 within the 2 % bucket width; periods with partial months at both
 * ends; histogram rows follow updates (a changed priority moves an exam to another key).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { histogramPercentile } from '../src/modules/stats/turnaround';
import { type ExamSpec, generatedWaveform, insertExams } from '../src/seed/bulk-exams';
import { seededRandom } from '../src/seed/people';
import { createTestContext, type TestContext } from './helpers';

let ctx: TestContext;
let chief: string;
let hub: string;
let town: string;
const users: Record<string, string> = {};

before(async () => {
  ctx = await createTestContext();
  const org = async (code: string) =>
    (await ctx.pool.query(`SELECT id FROM organizations WHERE code = $1`, [code])).rows[0].id as string;
  hub = await org('QSX-RMYY');
  town = await org('QSX-CGZ');
  for (const r of (await ctx.pool.query(`SELECT id, username FROM users`)).rows) users[r.username] = r.id;
  const dept = (await ctx.pool.query(`SELECT id FROM departments WHERE organization_id = $1 LIMIT 1`, [hub]))
    .rows[0].id as string;
  const tech = await ctx.login('ecg.tech');
  const created = await ctx.request('POST', '/api/patients', tech, {
    name: '王五',
    sex: 'M',
    birthDate: '1960-01-01',
  });
  assert.equal(created.statusCode, 200, created.body);
  const patient = created.json().id as string;
  const rand = seededRandom(77);
  const start = Date.parse('2025-01-10T00:00:00+08:00');
  const readers = ['ecg.doctor', 'ecg.senior', 'ecg.chief'].map((u) => users[u]);
  const specs: ExamSpec[] = Array.from({ length: 600 }, (_, i) => {
    const priority = (['routine', 'urgent', 'stat'] as const)[i % 3];
    const median = priority === 'stat' ? 3 : priority === 'urgent' ? 8 : 25;
    const g = Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand());
    return {
      organizationId: i % 5 === 0 ? town : hub,
      patientId: patient,
      examAt: new Date(start + rand() * 110 * 86_400_000),
      deviceName: 'GE MAC 2000',
      departmentId: dept,
      priority,
      statements: ['SR'],
      measurements: { heartRate: 70, pr: 160, qrsDuration: 90, qt: 400, qtcBazett: 420 },
      critical: false,
      technicianId: users['ecg.tech'],
      readerId: readers[i % 3],
      signedAfterMin: Math.round(median * Math.exp(0.8 * g) * 10) / 10,
    };
  });
  const wave = generatedWaveform();
  const blob = await ctx.app.blobs.put(wave);
  await insertExams(ctx.pool, specs, { blob, sampleRate: 500, sampleCount: wave.byteLength / 4 / 12 });
  chief = await ctx.login('ecg.chief');
});
after(async () => ctx.close());

interface Exact {
  key: string;
  exams: number;
  median: number;
  p90: number;
  max: number;
}
async function exact(from: string, to: string, keyCol: string): Promise<Map<string, Exact>> {
  const m = 'extract(epoch FROM signed_at - received_at)::float8 / 60';
  const { rows } = await ctx.pool.query<Exact>(
    `SELECT ${keyCol} AS key, count(*)::int AS exams,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ${m}) AS median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY ${m}) AS p90, max(${m}) AS max
     FROM ecg_exam_search WHERE signed_at IS NOT NULL AND exam_at >= $1 AND exam_at < $2 GROUP BY 1`,
    [from, to],
  );
  return new Map(rows.map((r) => [r.key, r]));
}

async function stat(query: string) {
  const res = await ctx.request('GET', `/api/stats/turnaround?${query}`, chief);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as {
    rows: {
      key: string;
      exams: number;
      medianMin: number;
      p90Min: number;
      maxMin: number;
      approximate: boolean;
    }[];
  };
}

function assertClose(
  got: { rows: { key: string; exams: number; medianMin: number; p90Min: number; maxMin: number }[] },
  want: Map<string, Exact>,
) {
  assert.equal(got.rows.length, want.size);
  for (const r of got.rows) {
    const w = want.get(r.key);
    assert.ok(w, `unexpected key ${r.key}`);
    assert.equal(r.exams, w.exams, `${r.key} exams`);
    assert.equal(r.maxMin, Math.round(w.max * 10) / 10, `${r.key} max`);
    // Bucket width 2 % plus rounding to 0.1 min.
    assert.ok(
      Math.abs(r.medianMin - w.median) <= w.median * 0.02 + 0.06,
      `${r.key} median ${r.medianMin} vs ${w.median}`,
    );
    assert.ok(Math.abs(r.p90Min - w.p90) <= w.p90 * 0.02 + 0.06, `${r.key} p90 ${r.p90Min} vs ${w.p90}`);
  }
}

test('histogram percentiles follow percentile_cont; exact with one or two values per bucket', () => {
  assert.equal(histogramPercentile([], 0.5), null);
  assert.equal(
    histogramPercentile(
      [
        { exams: 1, min: 8, max: 8 },
        { exams: 1, min: 12, max: 12 },
      ],
      0.5,
    ),
    10,
  );
  // 1..9 in one bucket spread evenly: the percentiles of an even spread are exact.
  assert.equal(histogramPercentile([{ exams: 9, min: 1, max: 9 }], 0.5), 5);
  assert.equal(histogramPercentile([{ exams: 9, min: 1, max: 9 }], 0.9), 8.2);
  assert.equal(
    histogramPercentile(
      [
        { exams: 2, min: 30, max: 31 },
        { exams: 1, min: 2, max: 2 },
      ],
      0,
    ),
    2,
  );
});

test('turnaround over partial months at both ends matches the exact figures', async () => {
  // 2025-01-20 .. 2025-04-15: January and April partial (read from the search table), February and March whole.
  const from = '2025-01-19T16:00:00.000Z';
  const to = '2025-04-15T03:00:00.000Z';
  const byPriority = await stat(`from=${from}&to=${to}&by=priority`);
  assert.ok(byPriority.rows.some((r) => r.approximate));
  assertClose(byPriority, await exact(from, to, "coalesce(priority, 'routine')"));
  const byReader = await stat(`from=${from}&to=${to}&by=reader`);
  assertClose(byReader, await exact(from, to, 'reader_id::text'));
  assert.ok(byReader.rows.every((r) => typeof (r as { label?: string }).label === 'string'));
});

test('a period shorter than a month is exact; the member hospital sees only its own exams', async () => {
  const from = '2025-02-03T00:00:00.000Z';
  const to = '2025-02-20T00:00:00.000Z';
  const got = await stat(`from=${from}&to=${to}&by=priority`);
  const want = await exact(from, to, "coalesce(priority, 'routine')");
  for (const r of got.rows) {
    const w = want.get(r.key);
    assert.ok(w);
    assert.equal(r.approximate, false);
    assert.equal(r.medianMin, Math.round(w.median * 10) / 10);
    assert.equal(r.p90Min, Math.round(w.p90 * 10) / 10);
  }
  const townTech = await ctx.login('town.tech');
  const res = await ctx.request('GET', `/api/stats/turnaround?from=${from}&to=${to}`, townTech);
  // Technicians do not read statistics.
  assert.equal(res.statusCode, 403);
  const bad = await ctx.request('GET', '/api/stats/turnaround?from=2025-02-03&by=nobody', chief);
  assert.equal(bad.statusCode, 400);
});

test('the histogram follows updates: a changed priority moves the exam to the other key', async () => {
  const from = '2025-01-01T00:00:00.000Z';
  const to = '2025-06-01T00:00:00.000Z';
  const before = await stat(`from=${from}&to=${to}&by=priority`);
  const { rows } = await ctx.pool.query<{ id: string }>(
    `SELECT o.id FROM ecg_orders o JOIN ecg_exams e ON e.order_id = o.id
     JOIN ecg_exam_search s ON s.exam_id = e.id
     WHERE o.priority = 'routine' AND s.signed_at IS NOT NULL LIMIT 3`,
  );
  await ctx.pool.query(`UPDATE ecg_orders SET priority = 'stat' WHERE id = ANY($1::uuid[])`, [
    rows.map((r) => r.id),
  ]);
  const afterUpdate = await stat(`from=${from}&to=${to}&by=priority`);
  const n = (b: typeof before, k: string) => b.rows.find((r) => r.key === k)?.exams ?? 0;
  assert.equal(n(afterUpdate, 'routine'), n(before, 'routine') - 3);
  assert.equal(n(afterUpdate, 'stat'), n(before, 'stat') + 3);
  assertClose(afterUpdate, await exact(from, to, "coalesce(priority, 'routine')"));
  const total = await ctx.pool.query(
    `SELECT sum(exams)::int AS n FROM ecg_turnaround_monthly WHERE dim = 'priority'`,
  );
  const signed = await ctx.pool.query(
    'SELECT count(*)::int AS n FROM ecg_exam_search WHERE signed_at IS NOT NULL',
  );
  assert.equal(total.rows[0].n, signed.rows[0].n);
});
