/**
 * The statistics' organisation filter (organizationIds): a network-level user picks hospitals, the statistics and
 * their drill-down lists cover only those, and nothing outside the user's tree can be added.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestContext, type TestContext } from './helpers';
import { loadSearchFixture, type SearchFixture } from './search-fixture';

let ctx: TestContext;
let fx: SearchFixture;
let chief: string;
const range = 'from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z';

before(async () => {
  ctx = await createTestContext();
  fx = await loadSearchFixture(ctx);
  chief = await ctx.login('ecg.chief');
});
after(async () => ctx.close());

async function get(path: string, cookie = chief) {
  const res = await ctx.request('GET', path, cookie);
  assert.equal(res.statusCode, 200, `${path}: ${res.body}`);
  return res.json();
}
const total = (rows: { exams: number }[]) => rows.reduce((a, r) => a + r.exams, 0);

test('the hub lists its network for the filter', async () => {
  const orgs: { id: string; name: string; parentId: string | null }[] = await get('/api/stats/organizations');
  const ids = orgs.map((o) => o.id);
  assert.ok(ids.includes(fx.hub) && ids.includes(fx.town));
  assert.equal(orgs[0].id, fx.hub);
  assert.equal(orgs.find((o) => o.id === fx.town)?.parentId, fx.hub);
});

test('volume, diagnoses and workload cover only the picked hospitals; drill-down keeps the filter', async () => {
  const all = await get(`/api/stats/volume?${range}&unit=year`);
  assert.equal(total(all.rows), 6);
  const town = await get(`/api/stats/volume?${range}&unit=year&organizationIds=${fx.town}`);
  assert.equal(total(town.rows), 1);
  const both = await get(`/api/stats/volume?${range}&unit=year&organizationIds=${fx.town},${fx.hub}`);
  assert.equal(total(both.rows), 6);
  const hubOnly = await get(`/api/stats/volume?${range}&unit=year&by=organization&organizationIds=${fx.hub}`);
  assert.deepEqual(
    hubOnly.rows.map((r: { key: string }) => r.key),
    [fx.hub],
  );

  // The bar's drill-down filter finds exactly the exams counted in it.
  const drill = new URLSearchParams(town.rows[0].drill).toString();
  assert.match(drill, /organizationIds=/);
  const list = await get(`/api/search/exams?${drill}`);
  assert.deepEqual(
    list.items.map((i: { examId: string }) => i.examId),
    [fx.exams.e5],
  );

  const dx = await get(`/api/stats/diagnoses?${range}&organizationIds=${fx.town}`);
  assert.equal(dx.totalExams, 1);
  assert.deepEqual(
    dx.distribution.map((d: { code: string }) => d.code),
    ['STACH'],
  );
  const tat = await get(`/api/stats/turnaround?${range}&organizationIds=${fx.town}`);
  assert.equal(tat.rows.length, 0); // the member hospital's exam is unsigned
  const work = await get(`/api/stats/workload?${range}&organizationIds=${fx.town}`);
  assert.deepEqual(
    work.rows.map((r: { key: string }) => r.key),
    [fx.users['town.tech']],
  );
});

test('organisations outside the caller’s tree add nothing; bad lists are refused', async () => {
  // A township user may not widen its scope to the hub by naming it.
  const townTech = await ctx.login('town.tech');
  const widened = await get(`/api/search/exams?organizationIds=${fx.hub},${fx.town}`, townTech);
  assert.deepEqual(
    widened.items.map((i: { examId: string }) => i.examId),
    [fx.exams.e5],
  );
  const hubOnly = await get(`/api/search/exams?organizationIds=${fx.hub}`, townTech);
  assert.equal(hubOnly.total, 0);
  const stranger = '00000000-0000-4000-8000-000000000001';
  const none = await get(`/api/stats/volume?${range}&unit=year&organizationIds=${stranger}`);
  assert.equal(total(none.rows), 0);
  const search = await get(`/api/search/exams?organizationIds=${stranger}`);
  assert.equal(search.total, 0);
  for (const bad of ['x', `${fx.hub};${fx.town}`, `${fx.hub},`]) {
    const res = await ctx.request('GET', `/api/stats/volume?organizationIds=${bad}`, chief);
    assert.equal(res.statusCode, 400, bad);
  }
});
