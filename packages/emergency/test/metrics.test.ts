import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  aggregateMetrics,
  assertValidMetric,
  CHEST_PAIN_PATHWAY,
  computeCaseMetrics,
  EmergencyInputError,
  type IntervalAggregate,
  type IntervalCaseResult,
  monthPeriod,
  type PathwayCase,
  type ProportionAggregate,
  percentile,
} from '../src/index';

const at = (hhmm: string, day = '01') => `2026-03-${day}T${hhmm}:00+08:00`;
const node = (code: string, hhmm: string, day = '01') => ({
  code,
  at: at(hhmm, day),
  source: 'tap' as const,
});

/** A STEMI primary PCI case with door at 09:00 and wire crossing after `d2w` minutes. */
function ppci(id: string, d2w: number, extra: Partial<PathwayCase> = {}): PathwayCase {
  const wire = new Date(Date.parse(at('09:00')) + d2w * 60_000).toISOString();
  return {
    id,
    center: 'chest-pain',
    arrivalMode: 'walk-in',
    diagnosis: 'STEMI',
    treatments: ['primary-pci'],
    times: [
      node('first-medical-contact', '09:00'),
      node('first-ecg', '09:06'),
      node('stemi-diagnosis', '09:12'),
      node('door', '09:00'),
      { code: 'wire-crossing', at: wire, source: 'tap' },
    ],
    ...extra,
  };
}

const interval = (results: ReturnType<typeof computeCaseMetrics>, code: string) =>
  results.find((r) => r.metric === code) as IntervalCaseResult;

test('case metrics: minutes, target check and the first of several wire crossings', () => {
  const c = ppci('a', 75);
  c.times.push({ code: 'wire-crossing', at: at('10:40'), source: 'tap', instance: 'RCA' });
  const results = computeCaseMetrics(c);
  assert.deepEqual(interval(results, 'cp-door-to-wire'), {
    metric: 'cp-door-to-wire',
    kind: 'interval',
    applicable: true,
    targetMinutes: 90,
    minutes: 75,
    withinTarget: true,
    missingNodes: [],
  });
  assert.equal(interval(results, 'cp-fmc-to-ecg').minutes, 6);
  assert.equal(interval(results, 'cp-ecg-to-diagnosis').minutes, 6);
  assert.equal(interval(results, 'cp-door-to-wire').minutes, 75);
  assert.equal(
    computeCaseMetrics(ppci('b', 91)).find((r) => r.metric === 'cp-door-to-wire')?.kind,
    'interval',
  );
  assert.equal(interval(computeCaseMetrics(ppci('b', 91)), 'cp-door-to-wire').withinTarget, false);
  assert.equal(
    interval(computeCaseMetrics(ppci('b', 90)), 'cp-door-to-wire').withinTarget,
    true,
    'target inclusive',
  );
});

test('missing nodes are listed and non-applicable metrics say so', () => {
  const c = ppci('m', 60);
  c.times = c.times.filter((t) => t.code !== 'door');
  const results = computeCaseMetrics(c);
  const d2w = interval(results, 'cp-door-to-wire');
  assert.equal(d2w.minutes, null);
  assert.equal(d2w.withinTarget, null);
  assert.deepEqual(d2w.missingNodes, ['door']);
  const dido = interval(results, 'cp-door-in-door-out');
  assert.equal(dido.applicable, false, 'DIDO only for transfers');
  assert.deepEqual(dido.missingNodes, []);
  assert.equal(interval(results, 'cp-door-to-needle').applicable, false, 'DTN only for fibrinolysis');
  const nstemi = computeCaseMetrics({ ...ppci('n', 60), diagnosis: 'NSTEMI', treatments: [] });
  assert.equal(interval(nstemi, 'cp-door-to-wire').applicable, false, 'D2W only for STEMI primary PCI');
});

test('end before start is reported, not turned into a negative duration', () => {
  const c = ppci('neg', 30);
  c.times.push(node('cathlab-called', '09:20'), node('cathlab-ready', '09:10'));
  const r = interval(computeCaseMetrics(c), 'cp-cathlab-activation');
  assert.equal(r.minutes, null);
  assert.equal(r.problem, 'end-before-start');
});

test('FMC-to-device uses 120 min for transfers; DIDO applies to transfers', () => {
  const transfer = ppci('t', 100, { arrivalMode: 'transfer' });
  transfer.times.push(node('referral-door-in', '07:50'), node('referral-door-out', '08:25'));
  transfer.times[0] = node('first-medical-contact', '07:50');
  const results = computeCaseMetrics(transfer);
  const f2d = interval(results, 'cp-fmc-to-device');
  assert.equal(f2d.targetMinutes, 120);
  assert.equal(f2d.minutes, 170);
  assert.equal(f2d.withinTarget, false);
  const dido = interval(results, 'cp-door-in-door-out');
  assert.equal(dido.minutes, 35);
  assert.equal(dido.withinTarget, false);
});

test('per-site override changes the target; bad overrides name the field', () => {
  const config = { targets: { 'cp-door-to-wire': { targetMinutes: 60 } } };
  assert.equal(interval(computeCaseMetrics(ppci('o', 75), config), 'cp-door-to-wire').withinTarget, false);
  assert.throws(
    () => computeCaseMetrics(ppci('o', 75), { targets: { 'cp-door-to-wire': { targetMinutes: -5 } } }),
    (e: unknown) => e instanceof EmergencyInputError && e.field === 'targets.cp-door-to-wire.targetMinutes',
  );
  assert.throws(
    () => computeCaseMetrics(ppci('o', 75), { targets: { 'no-such': {} } }),
    /targets\.no-such: unknown/,
  );
  assert.throws(
    () => computeCaseMetrics(ppci('o', 75), { targets: { 'cp-bypass-rate': { targetProportion: 30 } } }),
    /between 0 and 1/,
  );
  assert.throws(() => computeCaseMetrics({ center: 'chest-pain', times: [] } as never), /case\.id: required/);
});

test('trauma team waiting before arrival counts as zero minutes', () => {
  const c: PathwayCase = {
    id: 'tr',
    center: 'trauma',
    times: [node('door', '10:00'), node('trauma-team-arrived', '09:55')],
  };
  const r = interval(computeCaseMetrics(c), 'tr-team-response');
  assert.equal(r.minutes, 0);
  assert.equal(r.withinTarget, true);
  assert.equal(interval(computeCaseMetrics(c), 'tr-door-to-ct').applicable, false);
});

test('aggregation: mean, median, % within target, outliers with their delay reasons, period filter', () => {
  const cases: PathwayCase[] = [
    ppci('c1', 50),
    ppci('c2', 70),
    ppci('c3', 80),
    ppci('c4', 120, {
      delayReasons: [
        { metric: 'cp-door-to-wire', code: 'consent', text: '家属犹豫，知情同意延误' },
        { metric: 'cp-fmc-to-ecg', text: 'not about D2W' },
        { text: 'whole case: night shift' },
      ],
    }),
    ppci('c5', 100),
    ppci('incomplete', 60, { times: [node('door', '09:00')] }),
    ppci('april', 10, {
      times: [
        { code: 'door', at: '2026-04-02T09:00:00+08:00', source: 'tap' },
        { code: 'wire-crossing', at: '2026-04-02T09:10:00+08:00', source: 'tap' },
      ],
    }),
  ];
  const march = { from: '2026-03-01T00:00:00+08:00', to: '2026-04-01T00:00:00+08:00' };
  const d2w = aggregateMetrics(cases, march).find((m) => m.metric === 'cp-door-to-wire') as IntervalAggregate;
  assert.equal(d2w.eligible, 6);
  assert.equal(d2w.n, 5);
  assert.deepEqual(d2w.incompleteCaseIds, ['incomplete']);
  assert.equal(d2w.mean, 84);
  assert.equal(d2w.median, 80);
  assert.equal(d2w.p90, null, 'fewer than 10 cases');
  assert.equal(d2w.pctWithinTarget, 60);
  assert.equal(d2w.compliant, false, '60 % < 75 %');
  assert.deepEqual(
    d2w.outliers.map((o) => [o.caseId, o.minutes]),
    [
      ['c4', 120],
      ['c5', 100],
    ],
  );
  assert.deepEqual(
    d2w.outliers[0].delayReasons.map((r) => r.text),
    ['家属犹豫，知情同意延误', 'whole case: night shift'],
  );
  const all = aggregateMetrics(cases).find((m) => m.metric === 'cp-door-to-wire') as IntervalAggregate;
  assert.equal(all.n, 6, 'without a period every case counts');
});

test('aggregation: p90 from 10 cases, site target changes compliance', () => {
  const cases = Array.from({ length: 10 }, (_, i) => ppci(`p${i}`, 10 * (i + 1)));
  const d2w = aggregateMetrics(cases).find((m) => m.metric === 'cp-door-to-wire') as IntervalAggregate;
  assert.equal(d2w.median, 55);
  assert.equal(d2w.p90, 91);
  assert.equal(d2w.pctWithinTarget, 90);
  assert.equal(d2w.compliant, true);
  const strict = aggregateMetrics(cases, undefined, {
    targets: { 'cp-door-to-wire': { targetMinutes: 60, targetShare: 0.5 } },
  }).find((m) => m.metric === 'cp-door-to-wire') as IntervalAggregate;
  assert.equal(strict.pctWithinTarget, 60);
  assert.equal(strict.compliant, true);
  assert.equal(percentile([], 0.5), null);
});

test('bypass rate counts only ambulance/transfer STEMI primary PCI cases', () => {
  const cases: PathwayCase[] = [
    ppci('b1', 60, { arrivalMode: 'ambulance', bypassedEd: true }),
    ppci('b2', 60, { arrivalMode: 'ambulance', bypassedEd: false }),
    ppci('b3', 60, { arrivalMode: 'transfer', bypassedEd: true }),
    ppci('b4', 60, { arrivalMode: 'ambulance' }),
    ppci('walk', 60, { arrivalMode: 'walk-in', bypassedEd: true }),
    ppci('lysis', 60, { arrivalMode: 'ambulance', treatments: ['thrombolysis'], bypassedEd: true }),
  ];
  const bypass = aggregateMetrics(cases).find((m) => m.metric === 'cp-bypass-rate') as ProportionAggregate;
  assert.equal(bypass.eligible, 4);
  assert.equal(bypass.numerator, 2);
  assert.equal(bypass.proportion, 0.5);
  assert.equal(bypass.compliant, true);
  const strict = aggregateMetrics(cases, undefined, {
    targets: { 'cp-bypass-rate': { targetProportion: 0.6 } },
  });
  assert.equal((strict.find((m) => m.metric === 'cp-bypass-rate') as ProportionAggregate).compliant, false);
});

test('aggregation rejects a bad period naming the field', () => {
  assert.throws(() => aggregateMetrics([], { from: 'March', to: '2026-04-01T00:00:00Z' }), /period\.from/);
  assert.throws(
    () => aggregateMetrics([], { from: '2026-04-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }),
    /period\.to: must be after/,
  );
});

test('site metrics: an extra interval metric is computed; a broken one is refused naming the field', () => {
  const extra = {
    kind: 'interval' as const,
    code: 'site:door-to-aspirin',
    nameZh: '进门至阿司匹林时间',
    nameEn: 'Door-to-aspirin',
    center: 'chest-pain' as const,
    start: 'door',
    end: 'aspirin',
    targetMinutes: 10,
    source: 'site protocol',
  };
  const c = ppci('x', 60);
  c.times.push(node('aspirin', '09:08'));
  const r = interval(computeCaseMetrics(c, { extra: [extra] }), 'site:door-to-aspirin');
  assert.equal(r.minutes, 8);
  assert.equal(r.withinTarget, true);
  assert.throws(() => computeCaseMetrics(c, { extra: [{ ...extra, end: '' }] }), /site:door-to-aspirin\.end/);
  assert.throws(
    () => computeCaseMetrics(c, { extra: [{ ...extra, code: 'cp-door-to-wire' }] }),
    /already exists/,
  );
  assert.throws(
    () => assertValidMetric({ ...extra, end: 'teleport' }, CHEST_PAIN_PATHWAY),
    /"teleport" is not in pathway/,
  );
  assert.throws(() => computeCaseMetrics(c, { disabled: ['nope'] }), /disabled\.nope/);
  assert.throws(
    () =>
      computeCaseMetrics(c, { extra: [{ ...extra, appliesWhen: { treatment: 'primary-pci' } as never }] }),
    /site:door-to-aspirin\.appliesWhen\.treatment: must be a list of codes/,
  );
  const off = computeCaseMetrics(c, { disabled: ['cp-door-to-wire'] }).map((m) => m.metric);
  assert.ok(!off.includes('cp-door-to-wire'));
});

test('monthPeriod gives local calendar months; a case at 23:30 on the last day stays in its month', () => {
  assert.deepEqual(monthPeriod('2026-12'), {
    from: '2026-12-01T00:00:00+08:00',
    to: '2027-01-01T00:00:00+08:00',
  });
  const late = ppci('late', 30, {
    times: [
      { code: 'door', at: '2026-03-31T23:30:00+08:00', source: 'tap' },
      { code: 'wire-crossing', at: '2026-04-01T00:00:00+08:00', source: 'tap' },
    ],
  });
  const inMonth = (month: string) =>
    (
      aggregateMetrics([late], monthPeriod(month)).find(
        (m) => m.metric === 'cp-door-to-wire',
      ) as IntervalAggregate
    ).n;
  assert.equal(inMonth('2026-03'), 1);
  assert.equal(inMonth('2026-04'), 0);
  assert.throws(() => monthPeriod('2026-13'), /month: must be YYYY-MM/);
  assert.throws(() => monthPeriod('2026-03', 'CST'), /utcOffset/);
});
