// Hand-worked examples against the published item definitions (NIHSS: NINDS form; FAST-ED: Lima 2016;
// ASPECTS: Barber 2000; mRS: van Swieten 1988).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ASPECTS,
  BE_FAST,
  CINCINNATI,
  FAST_ED,
  MRS,
  NIHSS,
  ScoreInputError,
  scoreSeries,
} from '../src/index';

// Left MCA syndrome worked by hand: 0+1+0+1+2+2+0+4+0+3+0+1+2+1+1 = 18.
const leftMca = {
  '1a': 0,
  '1b': 1,
  '1c': 0,
  '2': 1,
  '3': 2,
  '4': 2,
  '5a': 0,
  '5b': 4,
  '6a': 0,
  '6b': 3,
  '7': 0,
  '8': 1,
  '9': 2,
  '10': 1,
  '11': 1,
};

test('NIHSS: 15 items summed, moderate-to-severe at 18', () => {
  const r = NIHSS.compute(leftMca);
  assert.equal(r.total, 18);
  assert.equal(r.display, '18');
  assert.equal(r.interpretation.level, 'moderate-severe');
  assert.equal(NIHSS.form.items.length, 15);
});

test('NIHSS: untestable items are marked, not scored, and shown', () => {
  const r = NIHSS.compute({ ...leftMca, '10': 'UN', '5a': 'UN' });
  assert.equal(r.total, 17);
  assert.deepEqual(r.untestable, ['5a', '10']);
  assert.equal(r.display, '17 (UN: 5a, 10)');
  assert.equal(r.itemPoints['10'], null);
  assert.throws(
    () => NIHSS.compute({ ...leftMca, '1a': 'UN' }),
    (e: unknown) => e instanceof ScoreInputError && e.item === '1a' && /untestable/.test(e.message),
  );
});

test('NIHSS boundaries: 0 none, 42 maximum; out-of-range item named', () => {
  const zero = Object.fromEntries(Object.keys(leftMca).map((k) => [k, 0]));
  assert.equal(NIHSS.compute(zero).interpretation.level, 'none');
  const max = {
    '1a': 3,
    '1b': 2,
    '1c': 2,
    '2': 2,
    '3': 3,
    '4': 3,
    '5a': 4,
    '5b': 4,
    '6a': 4,
    '6b': 4,
    '7': 2,
    '8': 2,
    '9': 3,
    '10': 2,
    '11': 2,
  };
  assert.equal(NIHSS.compute(max).total, 42);
  assert.equal(NIHSS.compute(max).interpretation.level, 'severe');
  assert.equal(NIHSS.compute({ ...zero, '4': 1 }).interpretation.level, 'minor');
  assert.equal(NIHSS.compute({ ...zero, '5b': 4, '6b': 1 }).interpretation.level, 'moderate');
  assert.throws(
    () => NIHSS.compute({ ...leftMca, '9': 4 }),
    /nihss item "9": must be one of 0, 1, 2, 3, got 4/,
  );
  assert.throws(() => NIHSS.compute({ ...leftMca, '5b': 2.5 }), /"5b"/);
});

test('NIHSS series around thrombolysis: baseline is the last score before the bolus', () => {
  const s = scoreSeries(
    [
      { at: '2026-03-01T10:45:00+08:00', total: 12, label: '1 h' },
      { at: '2026-03-01T09:10:00+08:00', total: 20, label: 'arrival' },
      { at: '2026-03-01T09:30:00+08:00', total: 18, label: 'pre-thrombolysis' },
      { at: '2026-03-02T09:45:00+08:00', total: 8, label: '24 h' },
    ],
    { eventAt: '2026-03-01T09:45:00+08:00', direction: 'higher-is-worse', relevantChange: 4 },
  );
  assert.deepEqual(
    s.points.map((p) => p.label),
    ['arrival', 'pre-thrombolysis', '1 h', '24 h'],
  );
  assert.equal(s.baseline?.label, 'pre-thrombolysis');
  assert.deepEqual(
    s.points.map((p) => p.deltaFromBaseline),
    [2, 0, -6, -10],
  );
  assert.deepEqual(
    s.points.map((p) => p.deltaFromPrevious),
    [null, -2, -6, -4],
  );
  assert.deepEqual(
    s.points.map((p) => p.minutesFromEvent),
    [-35, -15, 60, 1440],
  );
  assert.equal(s.change, -10);
  assert.equal(s.trend, 'improved');
  const worse = scoreSeries(
    [
      { at: '2026-03-01T09:30:00+08:00', total: 6 },
      { at: '2026-03-01T12:00:00+08:00', total: 10 },
    ],
    { relevantChange: 4 },
  );
  assert.equal(worse.trend, 'worsened');
  assert.equal(scoreSeries([{ at: '2026-03-01T09:30:00+08:00', total: 6 }]).trend, null);
  assert.throws(() => scoreSeries([{ at: 'yesterday', total: 6 }]), /entries\[0\]\.at/);
});

test('FAST-ED: ≥ 4 suggests large-vessel occlusion', () => {
  const items = { facialPalsy: 1, armWeakness: 2, speechChanges: 1, eyeDeviation: 1, denialNeglect: 0 };
  const r = FAST_ED.compute(items);
  assert.equal(r.total, 5);
  assert.equal(r.details?.suggestsLvo, true);
  assert.equal(FAST_ED.compute({ ...items, armWeakness: 0, eyeDeviation: 1 }).total, 3);
  assert.equal(
    FAST_ED.compute({ ...items, armWeakness: 1 }).interpretation.level,
    'lvo-likely',
    '4 is positive',
  );
  assert.equal(FAST_ED.compute({ ...items, armWeakness: 0 }).interpretation.level, 'lvo-unlikely');
  assert.throws(() => FAST_ED.compute({ ...items, facialPalsy: 2 }), /"facialPalsy"/);
});

test('BE-FAST and Cincinnati: any abnormal item is positive', () => {
  const normal = { balance: false, eyes: false, face: false, arm: false, speech: false };
  assert.equal(BE_FAST.compute(normal).interpretation.level, 'negative');
  const r = BE_FAST.compute({ ...normal, balance: true, time: '2026-03-01T08:00:00+08:00' });
  assert.equal(r.interpretation.level, 'positive');
  assert.equal(r.display, '+ (1/5)');
  assert.throws(() => BE_FAST.compute({ ...normal, time: 'this morning' }), /"time"/);
  assert.equal(
    CINCINNATI.compute({ facialDroop: false, armDrift: true, abnormalSpeech: false }).interpretation.level,
    'positive',
  );
  assert.throws(
    () => CINCINNATI.compute({ facialDroop: false, armDrift: 'yes', abnormalSpeech: false }),
    /"armDrift": must be true or false/,
  );
});

test('ASPECTS: 10 minus one per affected region', () => {
  const none = Object.fromEntries(ASPECTS.form.items.map((i) => [i.key, false]));
  assert.equal(ASPECTS.compute(none).total, 10);
  const r = ASPECTS.compute({ ...none, I: true, M1: true, M2: true });
  assert.equal(r.total, 7);
  assert.equal(r.interpretation.level, 'moderate');
  assert.equal(r.details?.affectedRegions, 'I,M1,M2');
  const five = ASPECTS.compute({ ...none, C: true, L: true, IC: true, I: true, M5: true });
  assert.equal(five.total, 5);
  assert.equal(five.details?.atLeast6, false);
  assert.throws(() => ASPECTS.compute({ ...none, M7: true }), /"M7": is not an item/);
});

test('mRS 0–6', () => {
  assert.equal(MRS.compute({ mrs: 2 }).interpretation.level, 'independent');
  assert.equal(MRS.compute({ mrs: 3 }).interpretation.level, 'dependent');
  assert.equal(MRS.compute({ mrs: 6 }).display, 'mRS 6');
  assert.throws(() => MRS.compute({ mrs: 7 }), /"mrs"/);
});
