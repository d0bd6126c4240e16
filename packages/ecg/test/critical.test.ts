import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CriticalRule, DEFAULT_CRITICAL_RULES, evaluateCriticalRules } from '../src/critical';
import { statement } from '../src/interpret';
import type { AamiClass, EcgAnalysis, Measurements, Statement } from '../src/types';

function analysis(
  measurements: Measurements,
  statements: Statement[] = [],
  extra: Partial<EcgAnalysis> = {},
): EcgAnalysis {
  return {
    sampleRate: 500,
    durationSec: 10,
    leadQuality: {},
    beats: { samples: new Int32Array(0) },
    measurements,
    statements,
    critical: [],
    engineVersion: 'test',
    ...extra,
  };
}
const ids = (a: EcgAnalysis, rules?: CriticalRule[]) => evaluateCriticalRules(a, rules).map((f) => f.ruleId);

test('every default rule has an id, zh/en text and numeric thresholds', () => {
  assert.ok(DEFAULT_CRITICAL_RULES.length >= 10);
  for (const r of DEFAULT_CRITICAL_RULES) {
    assert.ok(r.textZh && r.textEn && r.enabled, r.id);
    for (const v of Object.values(r.thresholds)) assert.equal(typeof v, 'number');
  }
});

test('a normal ECG fires nothing', () => {
  assert.deepEqual(
    ids(analysis({ heartRate: 72, rrMax: 900, qtcBazett: 420 }, [statement('SR', 'definite')])),
    [],
  );
});

test('STEMI statement fires acs-stemi with its leads; an ST depression alone does not', () => {
  const stemi = statement('STEMI_INFERIOR', 'definite', { leads: ['II', 'III', 'aVF'] });
  const f = evaluateCriticalRules(analysis({ heartRate: 80 }, [stemi]));
  assert.equal(f[0].ruleId, 'acs-stemi');
  assert.deepEqual(f[0].evidence.leads, ['II', 'III', 'aVF']);
  assert.deepEqual(ids(analysis({}, [statement('ST_DEPRESSION', 'consider')])), []);
  const consider = analysis({}, [statement('STEMI_ANTERIOR', 'consider')]);
  assert.deepEqual(ids(consider), ['acs-stemi']);
  const strict = DEFAULT_CRITICAL_RULES.map((r) =>
    r.id === 'acs-stemi' ? { ...r, thresholds: { includeConsider: 0 } } : r,
  );
  assert.deepEqual(ids(consider, strict), []);
});

test('severe bradycardia: 32/min fires with evidence, 35/min does not', () => {
  const f = evaluateCriticalRules(analysis({ heartRate: 32 }));
  assert.deepEqual(
    f.map((x) => x.ruleId),
    ['severe-bradycardia'],
  );
  assert.deepEqual(f[0].evidence, { heartRate: 32, thresholdRateBpm: 35 });
  assert.deepEqual(ids(analysis({ heartRate: 35 })), []);
});

test('pause ≥ 3 s fires; 2.9 s does not; long-term AF uses the 5 s limit', () => {
  assert.deepEqual(ids(analysis({ rrMax: 3000 })), ['pause']);
  assert.deepEqual(ids(analysis({ rrMax: 2900 })), []);
  const af = [statement('AFIB', 'definite')];
  assert.deepEqual(ids(analysis({ rrMax: 4000, heartRate: 80 }, af, { durationSec: 86400 })), []);
  assert.deepEqual(ids(analysis({ rrMax: 5200, heartRate: 80 }, af, { durationSec: 86400 })), ['pause']);
});

test('QTc ≥ 550 fires; 549 does not', () => {
  assert.deepEqual(ids(analysis({ qtcBazett: 550 })), ['qtc-prolonged']);
  assert.deepEqual(ids(analysis({ qtcBazett: 549 })), []);
});

test('VT: sustained whole-record VT at 180/min fires, a 3-beat run does not, slow VT does not', () => {
  assert.deepEqual(
    ids(analysis({ heartRate: 180 }, [statement('VT', 'definite', { values: { rate: 180 } })])),
    ['vt'],
  );
  const run = statement('VT_RUN', 'definite', { values: { rate: 190, durationSec: 0.7, beats: 3 } });
  assert.deepEqual(ids(analysis({ heartRate: 90 }, [run])), []);
  const longRun = statement('VT_RUN', 'definite', { values: { rate: 190, durationSec: 31 } });
  assert.deepEqual(ids(analysis({ heartRate: 90 }, [longRun])), ['vt']);
  assert.deepEqual(
    ids(analysis({ heartRate: 120 }, [statement('VT', 'definite', { values: { rate: 120 } })])),
    [],
  );
});

test('VF, polymorphic VT and AV block fire on their statements', () => {
  assert.deepEqual(ids(analysis({}, [statement('VF', 'definite')])), ['vf']);
  assert.deepEqual(ids(analysis({}, [statement('POLY_VT', 'definite')])), ['polymorphic-vt']);
  assert.deepEqual(ids(analysis({ heartRate: 40 }, [statement('AVB3', 'definite')])), ['av-block']);
  assert.deepEqual(ids(analysis({ heartRate: 70 }, [statement('AVB1', 'definite')])), []);
});

test('SVT fires at ≥ 230/min by default and at 200/min when a site lowers the threshold', () => {
  const svt = (rate: number) =>
    analysis({ heartRate: rate }, [statement('SVT', 'consider', { values: { heartRate: rate } })]);
  assert.deepEqual(ids(svt(240)), ['svt']);
  assert.deepEqual(ids(svt(210)), []);
  const lowered = [{ ...DEFAULT_CRITICAL_RULES.find((r) => r.id === 'svt')!, thresholds: { rateBpm: 200 } }];
  assert.deepEqual(ids(svt(210), lowered), ['svt']);
});

test('AF with rate ≥ 180 fires af-rapid; pre-excited AF with shortest RR ≤ 250 ms fires', () => {
  assert.deepEqual(ids(analysis({ heartRate: 185 }, [statement('AFIB', 'definite')])), ['af-rapid']);
  assert.deepEqual(ids(analysis({ heartRate: 150 }, [statement('AFIB', 'definite')])), []);
  const wpwAf = [statement('AFIB', 'definite'), statement('WPW', 'consider')];
  assert.deepEqual(ids(analysis({ heartRate: 150, rrMin: 240 }, wpwAf)), ['preexcited-af']);
  assert.deepEqual(ids(analysis({ heartRate: 150, rrMin: 300 }, wpwAf)), []);
});

test('long QT with an R-on-T PVC fires; a late PVC does not', () => {
  const classes: AamiClass[] = ['N', 'N', 'V', 'N'];
  const beats = (v: number) => ({ samples: Int32Array.from([500, 1000, v, 1600]), classes });
  const longQt = [statement('LONG_QT', 'definite'), statement('PVC', 'definite')];
  assert.deepEqual(ids(analysis({ qt: 520, qtcBazett: 520 }, longQt, { beats: beats(1200) })), [
    'long-qt-r-on-t',
  ]);
  assert.deepEqual(ids(analysis({ qt: 520, qtcBazett: 520 }, longQt, { beats: beats(1400) })), []);
});

test('a disabled rule stays silent', () => {
  const rules = DEFAULT_CRITICAL_RULES.map((r) =>
    r.id === 'severe-bradycardia' ? { ...r, enabled: false } : r,
  );
  assert.deepEqual(ids(analysis({ heartRate: 30 }), rules), []);
});

test('unknown rule ids and non-numeric thresholds are configuration errors', () => {
  assert.throws(
    () =>
      evaluateCriticalRules(analysis({}), [
        { id: 'nope', enabled: true, thresholds: {}, textZh: '', textEn: '' },
      ]),
    /unknown rule id 'nope'/,
  );
  const bad = [{ ...DEFAULT_CRITICAL_RULES[7], thresholds: { rateBpm: Number.NaN } }];
  assert.throws(() => evaluateCriticalRules(analysis({ heartRate: 30 }), bad), /threshold 'rateBpm'/);
});

test('QTc with a wide QRS is judged after taking off the QRS excess over 100 ms', () => {
  assert.deepEqual(ids(analysis({ qtcBazett: 580, qrsDuration: 150 })), []);
  const f = evaluateCriticalRules(analysis({ qtcBazett: 620, qrsDuration: 150 }));
  assert.deepEqual(f[0].evidence, { qtcBazett: 620, qrsDuration: 150, qtcAdjusted: 570, thresholdMs: 550 });
  const raw = DEFAULT_CRITICAL_RULES.map((r) =>
    r.id === 'qtc-prolonged' ? { ...r, thresholds: { ...r.thresholds, adjustWideQrs: 0 } } : r,
  );
  assert.deepEqual(ids(analysis({ qtcBazett: 580, qrsDuration: 150 }), raw), ['qtc-prolonged']);
});
