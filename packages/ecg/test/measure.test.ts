import assert from 'node:assert/strict';
import { test } from 'node:test';
import { synthesizeEcg } from '../src/delineate/synthetic';
import {
  delineate,
  measure,
  qtcBazett,
  qtcFramingham,
  qtcFridericia,
  qtcHodges,
  rrStatistics,
} from '../src/index';

function analyse(options: Parameters<typeof synthesizeEcg>[0]) {
  const record = synthesizeEcg({ noiseUv: 5, ...options });
  const beats = Int32Array.from(record.meta!.qrsOnsets as number[], (o) => o + 10);
  return measure(beats, record.sampleRate, delineate(record, beats));
}

test('QTc formulas match domain.md §2 at RR 0.8 s', () => {
  assert.equal(Math.round(qtcBazett(400, 0.8)), 447);
  assert.equal(Math.round(qtcFridericia(400, 0.8)), 431);
  assert.equal(Math.round(qtcFramingham(400, 0.8)), 431);
  assert.equal(Math.round(qtcHodges(400, 75)), 426);
  // At 60/min every correction leaves the QT unchanged.
  assert.equal(qtcBazett(400, 1), 400);
  assert.equal(qtcFramingham(400, 1), 400);
});

test('RR statistics and heart rate', () => {
  const m = rrStatistics(Int32Array.from([0, 400, 800, 1400]), 500);
  assert.equal(m.heartRate, 64.3);
  assert.equal(m.rrMin, 800);
  assert.equal(m.rrMax, 1200);
  assert.equal(m.rrSd, 230.9);
  assert.deepEqual(rrStatistics(Int32Array.from([10]), 500), {});
});

test('intervals of a synthetic ECG at 75/min', () => {
  const m = analyse({ rrMs: [800], qrsDurationMs: 100, qtMs: 400, pOnsetMs: -170, pDurationMs: 110 });
  assert.equal(m.heartRate, 75);
  assert.ok(Math.abs(m.qrsDuration! - 100) <= 15, `QRS ${m.qrsDuration}`);
  assert.ok(Math.abs(m.pr! - 170) <= 15, `PR ${m.pr}`);
  assert.ok(Math.abs(m.pDuration! - 110) <= 20, `P ${m.pDuration}`);
  assert.ok(Math.abs(m.qt! - 400) <= 15, `QT ${m.qt}`);
  assert.equal(m.qtcBazett, Math.round(qtcBazett(m.qt!, 0.8)));
});

test('frontal axes follow the vectors the ECG was drawn with', () => {
  for (const axis of [-60, 0, 45, 75, 120]) {
    const m = analyse({ qrsAxis: axis, tAxis: 30, pAxis: 60 });
    assert.ok(Math.abs(m.qrsAxis! - axis) <= 8, `QRS axis ${m.qrsAxis} for ${axis}`);
    assert.ok(Math.abs(m.tAxis! - 30) <= 10, `T axis ${m.tAxis}`);
    assert.ok(Math.abs(m.pAxis! - 60) <= 10, `P axis ${m.pAxis}`);
  }
});

test('per-lead amplitudes: R, S, R′ and ST at J / J+60 / J+80', () => {
  const m = analyse({ qrsAxis: 60, qrsAmplitude: 1500, stShift: { V2: 300 }, rPrimeLeads: ['V1'] });
  const II = m.leads!.II;
  assert.ok(Math.abs(II.rAmp! - 1500) <= 60, `R(II) ${II.rAmp}`);
  const v5 = m.leads!.V5;
  assert.ok(Math.abs(v5.rAmp! - 1950) <= 80, `R(V5) ${v5.rAmp}`);
  const v1 = m.leads!.V1;
  assert.ok(v1.rPrimeAmp !== undefined && v1.rPrimeAmp > 500, `R'(V1) ${v1.rPrimeAmp}`);
  const v2 = m.leads!.V2;
  assert.ok(Math.abs(v2.stJ! - 300) <= 60 && Math.abs(v2.st60! - 300) <= 60, `ST(V2) ${v2.stJ} ${v2.st60}`);
  assert.ok(Math.abs(m.leads!.V4.stJ!) <= 40, 'no ST shift where none was drawn');
});

test('measure without a delineation still gives the rate; one beat gives nothing', () => {
  assert.deepEqual(Object.keys(measure(Int32Array.from([0, 500]), 500, undefined)).sort(), [
    'heartRate',
    'rrMax',
    'rrMean',
    'rrMin',
    'rrSd',
  ]);
  assert.deepEqual(measure(Int32Array.from([3]), 500, undefined), {});
});
