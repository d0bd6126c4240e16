// Hand-worked examples from the published point tables (each computed by hand from the cited paper).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeScore, GRACE, HEART, KILLIP, recordScore, SCORES, ScoreInputError, TIMI } from '../src/index';

const grace = (over: Record<string, unknown> = {}) => ({
  age: 72,
  heartRate: 95,
  systolicBp: 110,
  creatinine: 1.3,
  killip: 'II',
  cardiacArrest: false,
  stDeviation: true,
  elevatedEnzymes: true,
  ...over,
});

test('GRACE: 72 y, HR 95, SBP 110, Cr 1.3 mg/dL, Killip II, ST deviation, enzymes = 75+15+43+10+20+28+14 = 205, high', () => {
  const r = GRACE.compute(grace());
  assert.equal(r.total, 205);
  assert.equal(r.interpretation.level, 'high');
  assert.deepEqual(r.itemPoints, {
    age: 75,
    heartRate: 15,
    systolicBp: 43,
    creatinine: 10,
    killip: 20,
    cardiacArrest: 0,
    stDeviation: 28,
    elevatedEnzymes: 14,
  });
});

test('GRACE accepts creatinine in µmol/L (÷ 88.4) as Chinese labs report it', () => {
  const r = GRACE.compute(grace({ creatinine: { value: 115, unit: 'µmol/L' } }));
  assert.equal(r.details?.creatinineMgDl, 1.3);
  assert.equal(r.total, 205);
  // 106 µmol/L = 1.199 mg/dL → 7 points; 107 µmol/L = 1.21 mg/dL → 10 points.
  assert.equal(GRACE.compute(grace({ creatinine: { value: 106, unit: 'umol/L' } })).itemPoints.creatinine, 7);
  assert.equal(
    GRACE.compute(grace({ creatinine: { value: 107, unit: 'umol/L' } })).itemPoints.creatinine,
    10,
  );
  assert.throws(
    () => GRACE.compute(grace({ creatinine: { value: 1.3, unit: 'mmol/L' } })),
    /creatinine.*unit/,
  );
});

test('GRACE risk bands: 108 low, 111 intermediate, 140 intermediate, 143 high', () => {
  const base = {
    age: 60,
    heartRate: 70,
    systolicBp: 200,
    creatinine: 0.8,
    killip: 'II',
    cardiacArrest: false,
  };
  // 58 + 9 + 0 + 7 + 20 + 14 = 108
  const low = GRACE.compute({ ...base, stDeviation: false, elevatedEnzymes: true });
  assert.equal(low.total, 108);
  assert.equal(low.interpretation.level, 'low');
  const mid = GRACE.compute({ ...base, creatinine: 1.2, stDeviation: false, elevatedEnzymes: true });
  assert.equal(mid.total, 111);
  assert.equal(mid.interpretation.level, 'intermediate');
  // 91 + 3 + 0 + 4 + 0 + 28 + 14 = 140
  const edge = GRACE.compute({
    ...base,
    age: 80,
    heartRate: 50,
    creatinine: 0.4,
    killip: 'I',
    stDeviation: true,
    elevatedEnzymes: true,
  });
  assert.equal(edge.total, 140);
  assert.equal(edge.interpretation.level, 'intermediate');
  const high = GRACE.compute({
    ...base,
    age: 80,
    heartRate: 49,
    creatinine: 1.2,
    killip: 'I',
    stDeviation: true,
    elevatedEnzymes: true,
  });
  assert.equal(high.total, 143);
  assert.equal(high.interpretation.level, 'high');
});

test('GRACE band edges follow the half-open table (HR 49 → 0, 50 → 3; SBP 79 → 58, 80 → 53)', () => {
  assert.equal(GRACE.compute(grace({ heartRate: 49 })).itemPoints.heartRate, 0);
  assert.equal(GRACE.compute(grace({ heartRate: 50 })).itemPoints.heartRate, 3);
  assert.equal(GRACE.compute(grace({ systolicBp: 79 })).itemPoints.systolicBp, 58);
  assert.equal(GRACE.compute(grace({ systolicBp: 80 })).itemPoints.systolicBp, 53);
  assert.equal(GRACE.compute(grace({ age: 90 })).itemPoints.age, 100);
  assert.equal(GRACE.compute(grace({ killip: 'IV', cardiacArrest: true })).total, 205 - 20 + 59 + 39);
});

test('GRACE rejects bad items naming the item', () => {
  const named = (item: string) => (e: unknown) =>
    e instanceof ScoreInputError && e.item === item && e.message.includes(`"${item}"`);
  assert.throws(() => GRACE.compute(grace({ age: 'old' })), named('age'));
  assert.throws(() => GRACE.compute(grace({ age: 150 })), named('age'));
  assert.throws(() => GRACE.compute(grace({ heartRate: undefined })), named('heartRate'));
  assert.throws(() => GRACE.compute(grace({ killip: 'V' })), named('killip'));
  assert.throws(() => GRACE.compute(grace({ stDeviation: 'yes' })), named('stDeviation'));
  assert.throws(() => GRACE.compute(grace({ troponin: 1 })), named('troponin'));
  assert.throws(() => GRACE.compute(null as never), /items/);
});

test('HEART: age points <45/45–64/≥65 and the risk bands', () => {
  const items = { history: 1, ecg: 1, age: 50, riskFactors: 1, troponin: 0 };
  const r = HEART.compute(items);
  assert.equal(r.total, 4);
  assert.equal(r.interpretation.level, 'moderate');
  assert.equal(HEART.compute({ ...items, age: 44 }).total, 3);
  assert.equal(HEART.compute({ ...items, age: 44 }).interpretation.level, 'low');
  assert.equal(HEART.compute({ ...items, age: 64 }).itemPoints.age, 1);
  assert.equal(HEART.compute({ ...items, age: 65 }).itemPoints.age, 2);
  const max = HEART.compute({ history: 2, ecg: 2, age: 80, riskFactors: 2, troponin: '2' });
  assert.equal(max.total, 10);
  assert.equal(max.interpretation.level, 'high');
  assert.throws(() => HEART.compute({ ...items, ecg: 3 }), /heart item "ecg": must be one of 0, 1, 2/);
});

test('TIMI UA/NSTEMI: three positive items = 3, intermediate, 13.2 % at 14 days', () => {
  const r = TIMI.compute({
    age65: true,
    riskFactors3: false,
    knownStenosis: true,
    aspirin7d: true,
    severeAngina: false,
    stDeviation: false,
    positiveMarker: false,
  });
  assert.equal(r.total, 3);
  assert.equal(r.interpretation.level, 'intermediate');
  assert.equal(r.details?.risk14DayPercent, 13.2);
  assert.throws(() => TIMI.compute({ age65: true }), /timi item "riskFactors3": is required/);
});

test('Killip class and the registry', () => {
  const r = KILLIP.compute({ killip: 'III' });
  assert.equal(r.total, 3);
  assert.equal(r.display, 'Killip III');
  assert.equal(computeScore('killip', { killip: 'I' }).interpretation.level, 'I');
  assert.throws(() => computeScore('apache', {}), /unknown score code "apache"/);
  for (const code of [
    'grace',
    'heart',
    'timi',
    'killip',
    'nihss',
    'gcs',
    'fast-ed',
    'be-fast',
    'cincinnati',
    'aspects',
    'mrs',
    'rts',
    'iss',
    'crams',
    'phi',
    'trauma-score',
    'trauma-index',
  ]) {
    const score = SCORES[code];
    assert.ok(score, code);
    assert.equal(score.code, code);
    assert.ok(score.nameZh && score.nameEn && score.reference && score.form.items.length > 0, code);
    for (const item of score.form.items) assert.ok(item.label.zh && item.label.en, `${code}.${item.key}`);
  }
});

test('recordScore keeps items, result, time and author; refuses a missing author', () => {
  const r = recordScore('killip', { killip: 'II' }, '2026-03-01T09:00:00+08:00', 'dr.wang');
  assert.equal(r.result.total, 2);
  assert.deepEqual(r.items, { killip: 'II' });
  assert.throws(
    () => recordScore('killip', { killip: 'II' }, '2026-03-01T09:00:00+08:00', ' '),
    /author: required/,
  );
  assert.throws(() => recordScore('killip', { killip: 'II' }, 'now', 'dr.wang'), /at: must be/);
});
