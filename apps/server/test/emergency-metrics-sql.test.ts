import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  aggregateMetrics,
  aggregateMetricsByPeriod,
  type Center,
  METRICS,
  type MetricAggregate,
  monthPeriod,
  type Period,
} from '@lifeline/emergency';
import { LISTED_CASES } from '../src/modules/emergency/case-metrics';
import { casesAround } from '../src/modules/emergency/metric-cases';
import { createTestContext, type TestContext } from './helpers';

process.env.EMERGENCY_SWEEP_MS = '0';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Node offsets (minutes from the door) and spread; 15 % of non-door nodes are left out. */
const PLAN: Record<Center, [string, number, number][]> = {
  'chest-pain': [
    ['first-medical-contact', -40, 45],
    ['door', 0, 0],
    ['first-ecg', -35, 50],
    ['stemi-diagnosis', 5, 20],
    ['troponin-drawn', 5, 10],
    ['troponin-reported', 20, 40],
    ['cathlab-called', 10, 15],
    ['cathlab-ready', 25, 30],
    ['referral-door-in', -120, 30],
    ['referral-door-out', -100, 40],
    ['wire-crossing', 40, 90],
  ],
  stroke: [
    ['door', 0, 0],
    ['first-imaging', 10, 30],
    ['ivt-bolus', 30, 60],
    ['groin-puncture', 60, 80],
  ],
  trauma: [
    ['door', 0, 0],
    ['trauma-team-arrived', -10, 30],
    ['ct', 15, 40],
    ['operating-room', 40, 90],
  ],
};

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The endpoint lists at most LISTED_CASES outliers (longest first, ties by case id) and incomplete case ids (by
 * id), with the totals; the package lists all of them in case order. Both are brought to the endpoint's shape.
 */
function normalise(list: (MetricAggregate & { outlierCount?: number; incompleteCount?: number })[]) {
  return list.map((m) =>
    m.kind === 'interval'
      ? {
          ...m,
          incompleteCaseIds: [...m.incompleteCaseIds].sort(byText).slice(0, LISTED_CASES),
          incompleteCount: m.incompleteCount ?? m.incompleteCaseIds.length,
          outliers: [...m.outliers]
            .sort((a, b) => b.minutes - a.minutes || byText(a.caseId, b.caseId))
            .slice(0, LISTED_CASES),
          outlierCount: m.outlierCount ?? m.outliers.length,
        }
      : m,
  );
}

const trendFields = (m: MetricAggregate) =>
  m.kind === 'interval'
    ? {
        metric: m.metric,
        kind: m.kind,
        n: m.n,
        eligible: m.eligible,
        mean: m.mean,
        median: m.median,
        pctWithinTarget: m.pctWithinTarget,
        compliant: m.compliant,
      }
    : {
        metric: m.metric,
        kind: m.kind,
        eligible: m.eligible,
        proportion: m.proportion,
        compliant: m.compliant,
      };

describe('emergency QC aggregated in SQL equals the metrics module on the same cases', () => {
  let ctx: TestContext;
  let nurse: string;
  let doctor: string;
  let qc: string;
  let orgId: string;
  const nodeIds = new Map<string, Map<string, string>>();
  const caseIds: string[] = [];

  before(async () => {
    ctx = await createTestContext();
    [nurse, doctor, qc] = await Promise.all(['ed.nurse', 'ed.doctor', 'qc'].map((u) => ctx.login(u)));
    orgId = (await ctx.request('GET', '/api/auth/me', qc)).json().organizationId;
  });
  after(() => ctx.close());

  /** The reference: the cases around the period loaded into Node and aggregated by @lifeline/emergency. */
  async function reference(center: Center, period: Period) {
    const cases = await casesAround(ctx.pool, orgId, center, period);
    const codes = new Set(METRICS.filter((d) => d.center === center).map((d) => d.code));
    return aggregateMetrics(cases, period).filter((m) => codes.has(m.metric));
  }

  async function compareMonth(center: Center, month: string) {
    const res = await ctx.request('GET', `/api/emergency/metrics?center=${center}&month=${month}`, qc);
    assert.equal(res.statusCode, 200, res.body);
    const expected = await reference(center, monthPeriod(month, '+08:00'));
    assert.deepEqual(normalise(res.json().metrics), normalise(expected), `${center} ${month}`);
    return res.json().metrics as MetricAggregate[];
  }

  async function compareTrend(center: Center) {
    const res = await ctx.request(
      'GET',
      `/api/emergency/metrics/trend?center=${center}&end=2026-04&months=3`,
      qc,
    );
    assert.equal(res.statusCode, 200, res.body);
    const periods = ['2026-02', '2026-03', '2026-04'].map((m) => monthPeriod(m, '+08:00'));
    const cases = await casesAround(ctx.pool, orgId, center, { from: periods[0].from, to: periods[2].to });
    const codes = new Set(METRICS.filter((d) => d.center === center).map((d) => d.code));
    const expected = aggregateMetricsByPeriod(cases, periods).map((list) =>
      list.filter((m) => codes.has(m.metric)).map(trendFields),
    );
    assert.deepEqual(
      res.json().months.map((m: { metrics: unknown }) => m.metrics),
      expected,
    );
  }

  test('realistic cases over three months, including midnight and month edges', async () => {
    const r = rng(15);
    const centers: Center[] = ['chest-pain', 'chest-pain', 'chest-pain', 'stroke', 'trauma'];
    for (let i = 0; i < 45; i++) {
      const center = centers[i % centers.length];
      // Doors from 1 Feb to 30 Apr 2026 (Beijing); every ninth case just after midnight on the 1st of a month.
      const door =
        i % 9 === 0
          ? Date.parse(`2026-0${3 + (i % 2)}-01T00:0${i % 7}:00+08:00`)
          : Date.parse('2026-02-01T00:00:00+08:00') + Math.floor(r() * 88 * 24) * 3600_000 + 7 * 60_000;
      const arrivalMode = (['ambulance', 'transfer', 'walk-in', 'in-hospital'] as const)[Math.floor(r() * 4)];
      const start = await ctx.request('POST', '/api/emergency/cases', nurse, {
        center,
        unknownPatient: { sex: i % 2 ? 'F' : 'M', estimatedAge: 50 + (i % 30) },
        arrivalMode,
      });
      assert.equal(start.statusCode, 200, start.body);
      const id = start.json().id as string;
      caseIds.push(id);
      const ids = new Map<string, string>();
      for (const [code, offset, spread] of PLAN[center]) {
        if (code !== 'door' && r() < 0.15) continue;
        const res = await ctx.request('POST', `/api/emergency/cases/${id}/nodes`, nurse, {
          code,
          source: 'manual',
          at: new Date(door + Math.round((offset + r() * spread) * 60) * 1000).toISOString(),
          reason: '病历回顾录入',
        });
        assert.equal(res.statusCode, 200, res.body);
        ids.set(code, res.json().node.id);
      }
      nodeIds.set(id, ids);
      const treatments =
        center === 'chest-pain'
          ? [r() < 0.8 ? 'primary-pci' : 'thrombolysis']
          : center === 'stroke'
            ? [r() < 0.5 ? 'ivt' : 'evt']
            : r() < 0.6
              ? ['surgery']
              : [];
      const patch = await ctx.request('PATCH', `/api/emergency/cases/${id}`, doctor, {
        diagnosis: center === 'chest-pain' ? (r() < 0.7 ? 'STEMI' : 'NSTEMI') : undefined,
        treatments,
        bypassedEd: r() < 0.4,
        ...(r() < 0.3 ? { delayReasons: [{ metric: 'cp-door-to-wire', text: '导管室占台' }] } : {}),
      });
      assert.equal(patch.statusCode, 200, patch.body);
    }
    for (const month of ['2026-02', '2026-03', '2026-04'])
      for (const center of ['chest-pain', 'stroke', 'trauma'] as const) await compareMonth(center, month);
    const march = await compareMonth('chest-pain', '2026-03');
    const d2w = march.find((m) => m.metric === 'cp-door-to-wire');
    assert.ok(d2w && d2w.kind === 'interval' && d2w.n > 0, 'the set has door-to-wire cases in March');
    await compareTrend('chest-pain');
    await compareTrend('stroke');
    // A whole range by from/to.
    const range = await ctx.request(
      'GET',
      '/api/emergency/metrics?center=chest-pain&from=2026-02-01T00:00:00%2B08:00&to=2026-05-01T00:00:00%2B08:00',
      qc,
    );
    assert.deepEqual(
      normalise(range.json().metrics),
      normalise(
        await reference('chest-pain', { from: '2026-02-01T00:00:00+08:00', to: '2026-05-01T00:00:00+08:00' }),
      ),
    );
  });

  test('a node edited after the fact, a deleted node and changed case fields show in the next QC read', async () => {
    const range = { from: '2026-02-01T00:00:00+08:00', to: '2026-05-01T00:00:00+08:00' };
    const url = `/api/emergency/metrics?center=chest-pain&from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`;
    const before = (await ctx.request('GET', url, qc)).json().metrics as MetricAggregate[];
    const d2wBefore = before.find((m) => m.metric === 'cp-door-to-wire');
    assert.ok(d2wBefore?.kind === 'interval');
    // A STEMI primary-PCI case with both nodes: its wire time is moved 5 hours later (a late outlier now).
    const counted = caseIds.filter((id) => {
      const ids = nodeIds.get(id);
      return ids?.has('wire-crossing') && ids.has('door') && !d2wBefore.incompleteCaseIds.includes(id);
    });
    const cp = [];
    for (const id of counted) {
      const c = (await ctx.request('GET', `/api/emergency/cases/${id}`, qc)).json();
      if (c.diagnosis === 'STEMI' && c.treatments.includes('primary-pci')) cp.push(c);
    }
    assert.ok(cp.length >= 3, 'enough STEMI primary-PCI cases in the set');
    const edited = cp[0];
    const wireAt = edited.times.find((t: { code: string }) => t.code === 'wire-crossing').at;
    const edit = await ctx.request(
      'PATCH',
      `/api/emergency/cases/${edited.id}/nodes/${nodeIds.get(edited.id)?.get('wire-crossing')}`,
      doctor,
      {
        at: new Date(Date.parse(wireAt) + 5 * 3600_000).toISOString(),
        source: 'manual',
        reason: '核对导管室记录',
      },
    );
    assert.equal(edit.statusCode, 200, edit.body);
    // Another loses its door-to-wire end node.
    const deleted = cp[1];
    const del = await ctx.request(
      'DELETE',
      `/api/emergency/cases/${deleted.id}/nodes/${nodeIds.get(deleted.id)?.get('wire-crossing')}`,
      doctor,
      { reason: '误录' },
    );
    assert.equal(del.statusCode, 200, del.body);
    // A third is re-diagnosed as NSTEMI and leaves the metric's population.
    const rediagnosed = cp[2];
    await ctx.request('PATCH', `/api/emergency/cases/${rediagnosed.id}`, doctor, { diagnosis: 'NSTEMI' });

    const after = (await ctx.request('GET', url, qc)).json().metrics as MetricAggregate[];
    assert.deepEqual(normalise(after), normalise(await reference('chest-pain', range)));
    const d2w = after.find((m) => m.metric === 'cp-door-to-wire');
    assert.ok(d2w?.kind === 'interval');
    assert.equal(d2w.eligible, d2wBefore.eligible - 1, 'the re-diagnosed case left the population');
    assert.equal(d2w.n, d2wBefore.n - 2, 'deleted node and re-diagnosis');
    assert.ok(d2w.incompleteCaseIds.includes(deleted.id));
    assert.equal(d2w.outliers[0].caseId, edited.id, 'the edited case is now the longest outlier');
    for (const month of ['2026-02', '2026-03', '2026-04']) await compareMonth('chest-pain', month);
    await compareTrend('chest-pain');
  });

  test('cases that existed before the metric rows (backfill) are computed on the first QC read', async () => {
    // Drop every row and mark every case stale, as migration 0015 does for an existing database.
    await ctx.pool.query('DELETE FROM emergency_case_metrics');
    await ctx.pool.query(
      'INSERT INTO emergency_case_metrics_stale (case_id) SELECT id FROM emergency_cases ON CONFLICT DO NOTHING',
    );
    for (const center of ['chest-pain', 'stroke', 'trauma'] as const) await compareMonth(center, '2026-03');
    // Every case has a row for each metric that applies to it (FMC-to-ECG and team response apply to all).
    const rows = await ctx.pool.query(
      'SELECT count(DISTINCT case_id)::int AS n FROM emergency_case_metrics WHERE case_id = ANY($1::uuid[])',
      [caseIds],
    );
    assert.equal(rows.rows[0].n, caseIds.length);
    assert.equal((await ctx.pool.query('SELECT 1 FROM emergency_case_metrics_stale')).rowCount, 0);
  });

  test('a case of another organisation is computed but never counted for this one', async () => {
    const url = '/api/emergency/metrics?center=chest-pain&month=2026-03';
    const before = (await ctx.request('GET', url, qc)).json();
    const other = await ctx.pool.query<{ id: string }>(
      'SELECT id FROM organizations WHERE id <> $1 ORDER BY code LIMIT 1',
      [orgId],
    );
    const patient = await ctx.pool.query<{ id: string }>('SELECT id FROM patients LIMIT 1');
    const c = await ctx.pool.query<{ id: string }>(
      `INSERT INTO emergency_cases (organization_id, patient_id, center, pathway_version, start_source, wristband,
         diagnosis, treatments, arrival_mode)
       VALUES ($1, $2, 'chest-pain', '1.0.0', 'triage', 'OTHER-ORG-1', 'STEMI', ARRAY['primary-pci'], 'walk-in')
       RETURNING id`,
      [other.rows[0].id, patient.rows[0].id],
    );
    await ctx.pool.query(
      `INSERT INTO emergency_time_nodes (case_id, organization_id, code, at, source)
       VALUES ($1, $2, 'door', '2026-03-10T10:00:00+08:00', 'tap'),
              ($1, $2, 'wire-crossing', '2026-03-10T15:00:00+08:00', 'tap')`,
      [c.rows[0].id, other.rows[0].id],
    );
    const after = (await ctx.request('GET', url, qc)).json();
    assert.deepEqual(after.metrics, before.metrics);
    const rows = await ctx.pool.query(
      `SELECT minutes FROM emergency_case_metrics WHERE case_id = $1 AND metric = 'cp-door-to-wire'`,
      [c.rows[0].id],
    );
    assert.equal(rows.rows[0]?.minutes, 300, 'the row exists, for its own organisation');
  });

  test('bad input is refused', async () => {
    for (const q of [
      'center=chest-pain&month=2026-00',
      'center=chest-pain&from=2026-03-01T00:00:00Z&to=2026-02-01T00:00:00Z',
      'center=chest-pain&from=yesterday&to=2026-02-01T00:00:00Z',
      'center=cardiology&month=2026-03',
    ]) {
      const res = await ctx.request('GET', `/api/emergency/metrics?${q}`, qc);
      assert.equal(res.statusCode, 400, `${q}: ${res.body}`);
    }
    const trend = await ctx.request('GET', '/api/emergency/metrics/trend?center=stroke&end=2026-4', qc);
    assert.equal(trend.statusCode, 400);
  });
});
