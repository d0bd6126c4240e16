import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type InterpretInput, interpret, STATEMENT_LIBRARY, stElevationLimit } from '../src/index';
import type { AamiClass, LeadMeasurements, Measurements } from '../src/types';

const NAMES = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

/** A normal adult 12-lead set of amplitudes (µV). */
function normalLeads(): Record<string, LeadMeasurements> {
  const base: Record<string, LeadMeasurements> = {
    I: { rAmp: 700, sAmp: -100 },
    II: { rAmp: 1000, sAmp: -100 },
    III: { rAmp: 400, sAmp: -200 },
    aVR: { rAmp: 100, sAmp: -800 },
    aVL: { rAmp: 400, sAmp: -200 },
    aVF: { rAmp: 700, sAmp: -100 },
    V1: { rAmp: 200, sAmp: -900 },
    V2: { rAmp: 400, sAmp: -1200 },
    V3: { rAmp: 700, sAmp: -800 },
    V4: { rAmp: 1200, sAmp: -400 },
    V5: { rAmp: 1300, sAmp: -200 },
    V6: { rAmp: 1000, sAmp: -100 },
  };
  for (const n of NAMES)
    Object.assign(base[n], { qAmp: 0, tAmp: n === 'aVR' ? -200 : 250, stJ: 0, st60: 10, st80: 20 });
  return base;
}

function input(
  over: Partial<Measurements> = {},
  extra: Partial<InterpretInput> = {},
  rrSamples = 400,
): InterpretInput {
  const beats = Int32Array.from({ length: 12 }, (_, i) => 200 + i * rrSamples);
  const measurements: Measurements = {
    heartRate: Math.round((60 * 500) / rrSamples),
    rrMean: rrSamples * 2,
    rrMin: rrSamples * 2,
    rrMax: rrSamples * 2,
    pDuration: 100,
    pr: 160,
    qrsDuration: 90,
    qt: 380,
    qtcBazett: 410,
    qtcFridericia: 400,
    qrsAxis: 50,
    leads: normalLeads(),
    ...over,
  };
  return {
    measurements,
    beats: { samples: beats, classes: Array.from(beats, () => 'N') },
    sampleRate: 500,
    pWavePresent: true,
    ...extra,
  };
}
const codes = (i: InterpretInput) =>
  interpret(i).map((s) => s.code + (s.certainty === 'consider' ? '?' : ''));
function withLeads(
  change: Record<string, Partial<LeadMeasurements>>,
  over: Partial<Measurements> = {},
  extra: Partial<InterpretInput> = {},
) {
  const i = input(over, extra);
  for (const [n, v] of Object.entries(change)) Object.assign(i.measurements.leads![n], v);
  return i;
}

test('a normal ECG is sinus rhythm and normal', () => {
  assert.deepEqual(codes(input()), ['SR', 'NORMAL_ECG']);
});

test('every emitted statement carries library text, category and evidence', () => {
  const s = interpret(input({ heartRate: 120 }, {}, 250))[0];
  assert.equal(s.code, 'STACH');
  assert.equal(s.textZh, '窦性心动过速');
  assert.equal(s.textEn, 'Sinus tachycardia');
  assert.equal(s.category, 'rhythm');
  assert.equal(s.evidence.values?.heartRate, 120);
});

test('statement library holds every code with zh/en text, including physician-only phrases', () => {
  const entries = Object.entries(STATEMENT_LIBRARY);
  assert.ok(entries.length >= 60);
  for (const [code, e] of entries) assert.ok(e.textZh && e.textEn && e.category, code);
  const zh = new Set<string>(entries.map(([, e]) => e.textZh));
  for (const phrase of [
    '正常心电图',
    '窦性心律不齐',
    '心肌缺血',
    'ST-T改变',
    '左心室肥厚',
    '早期复极',
    '电轴左偏',
  ])
    assert.ok(zh.has(phrase), phrase);
});

test('rate limits: 100/min is sinus rhythm, 101 tachycardia, 59 bradycardia', () => {
  assert.ok(codes(input({ heartRate: 100 }, {}, 300)).includes('SR'));
  assert.ok(codes(input({ heartRate: 101 })).includes('STACH'));
  assert.ok(codes(input({ heartRate: 59 })).includes('SBRAD'));
});

test('irregular rhythm without P waves is AF; regular narrow tachycardia without P is "consider SVT"', () => {
  const rr = [300, 520, 380, 610, 290, 450, 560, 330, 480, 400, 620];
  let t = 100;
  const samples = Int32Array.from([t, ...rr.map((r) => (t += r))]);
  const af = input({ heartRate: 70, rrMin: 580, rrMax: 1240 }, { pWavePresent: false });
  af.beats = { samples, classes: Array.from(samples, () => 'N') };
  assert.ok(codes(af).includes('AFIB'));
  assert.ok(codes(input({ heartRate: 150 }, { pWavePresent: false }, 200)).includes('SVT?'));
  // The same irregular rhythm with P waves is sinus arrhythmia, never AF.
  const sa = { ...af, pWavePresent: true };
  assert.ok(!codes(sa).some((c) => c.startsWith('AFIB')));
});

test('ectopy: counts, bigeminy, a VT run with its rate, and a pause', () => {
  const classes: AamiClass[] = ['N', 'V', 'N', 'V', 'N', 'V', 'N', 'N', 'S', 'N', 'N', 'N'];
  const i = input({ rrMax: 2400 });
  i.beats.classes = classes;
  const out = interpret(i);
  assert.equal(out.find((s) => s.code === 'PVC')?.evidence.values?.count, 3);
  assert.equal(out.find((s) => s.code === 'PAC')?.evidence.values?.count, 1);
  assert.ok(out.some((s) => s.code === 'V_BIGEMINY'));
  assert.ok(out.some((s) => s.code === 'PAUSE'));
  const run = input();
  run.beats.classes = ['N', 'N', 'V', 'V', 'V', 'V', 'N', 'N', 'N', 'N', 'N', 'N'];
  const vt = interpret(run).find((s) => s.code === 'VT_RUN');
  assert.equal(vt?.evidence.values?.beats, 4);
  assert.equal(vt?.evidence.values?.rate, 75);
});

test('PR limits: 220 ms first-degree AV block, 100 ms short PR, 100 ms with wide QRS consider WPW', () => {
  assert.ok(codes(input({ pr: 220 })).includes('AVB1'));
  assert.ok(codes(input({ pr: 100 })).includes('SHORT_PR'));
  assert.ok(codes(input({ pr: 100, qrsDuration: 116 })).includes('WPW?'));
});

test('bundle branch blocks and IVCD by QRS width and lead shapes', () => {
  const rbbb = withLeads(
    { V1: { rAmp: 300, sAmp: -400, rPrimeAmp: 900 }, I: { sAmp: -300 }, V6: { sAmp: -350 } },
    { qrsDuration: 140 },
  );
  assert.ok(codes(rbbb).includes('RBBB'));
  const irbbb = withLeads({ V1: { rAmp: 300, sAmp: -400, rPrimeAmp: 500 } }, { qrsDuration: 112 });
  assert.ok(codes(irbbb).includes('IRBBB'));
  const lbbb = withLeads(
    { V1: { rAmp: 100, sAmp: -1800 }, I: { sAmp: 0 }, V5: { sAmp: 0 }, V6: { sAmp: 0 } },
    { qrsDuration: 150 },
  );
  assert.ok(codes(lbbb).includes('LBBB'));
  assert.ok(codes(input({ qrsDuration: 130 })).includes('IVCD'));
  assert.ok(!codes(input({ qrsDuration: 118 })).some((c) => /BBB|IVCD/.test(c)));
});

test('axis: −50° is LAD with consider LAFB, +120° RAD, −120° extreme', () => {
  assert.deepEqual(
    codes(input({ qrsAxis: -50 })).filter((c) => c !== 'SR'),
    ['LAD', 'LAFB?'],
  );
  assert.ok(codes(input({ qrsAxis: -20 })).includes('NORMAL_ECG'));
  assert.ok(codes(input({ qrsAxis: 120 })).includes('RAD'));
  assert.ok(codes(input({ qrsAxis: -120 })).includes('EXTREME_AXIS'));
});

test("LVH voltage: Sokolow–Lyon, and Cornell with the women's limit", () => {
  assert.ok(
    codes(withLeads({ V1: { sAmp: -1800 }, V5: { rAmp: 2000 } }, {}, { age: 60 })).includes('LVH_VOLTAGE'),
  );
  assert.ok(
    codes(withLeads({ V1: { sAmp: -1800 }, V5: { rAmp: 2000 } }, {}, { age: 25 })).includes('LVH_VOLTAGE?'),
  );
  const cornell = { aVL: { rAmp: 1200 }, V3: { sAmp: -1200 } }; // 2.4 mV
  assert.ok(codes(withLeads(cornell, {}, { sex: 'F', age: 60 })).includes('LVH_VOLTAGE'));
  assert.ok(!codes(withLeads(cornell, {}, { sex: 'M', age: 60 })).includes('LVH_VOLTAGE'));
});

test('QTc limits differ by sex; ≥ 500 ms is definite', () => {
  assert.ok(codes(input({ qtcBazett: 455 }, { sex: 'M' })).includes('LONG_QT?'));
  assert.ok(!codes(input({ qtcBazett: 455 }, { sex: 'F' })).some((c) => c.startsWith('LONG_QT')));
  assert.ok(codes(input({ qtcBazett: 510 }, { sex: 'F' })).includes('LONG_QT'));
});

test('low voltage in limb and chest leads', () => {
  const small: Record<string, Partial<LeadMeasurements>> = {};
  for (const n of NAMES) small[n] = { rAmp: 200, sAmp: -150 };
  assert.ok(codes(withLeads(small)).includes('LOW_VOLTAGE'));
});

test('STEMI limits by lead, age and sex (Fourth Universal Definition)', () => {
  assert.equal(stElevationLimit('II'), 100);
  assert.equal(stElevationLimit('V2', 'M', 45), 200);
  assert.equal(stElevationLimit('V2', 'M', 35), 250);
  assert.equal(stElevationLimit('V3', 'F', 35), 150);
});

test('inferior STEMI with reciprocal depression is definite and names its leads', () => {
  const i = withLeads({ II: { stJ: 150 }, III: { stJ: 250 }, aVF: { stJ: 200 }, aVL: { stJ: -120 } });
  const s = interpret(i).find((x) => x.code === 'STEMI_INFERIOR');
  assert.equal(s?.certainty, 'definite');
  assert.deepEqual(s?.evidence.leads, ['II', 'III', 'aVF', 'aVL']);
  assert.equal(s?.evidence.values?.stJ_III, 250);
  // One lead alone is not a STEMI.
  assert.ok(!codes(withLeads({ III: { stJ: 250 } })).some((c) => c.startsWith('STEMI')));
});

test('anterior ST elevation of 1.8 mm in V2–V3: STEMI for a woman, not for a man of 45', () => {
  const st = { V2: { stJ: 180 }, V3: { stJ: 180 } };
  assert.ok(codes(withLeads(st, {}, { sex: 'F', age: 45 })).includes('STEMI_ANTERIOR?'));
  assert.ok(!codes(withLeads(st, {}, { sex: 'M', age: 45 })).some((c) => c.startsWith('STEMI')));
  assert.ok(
    codes(withLeads({ V2: { stJ: 220 }, V3: { stJ: 220 } }, {}, { sex: 'M', age: 45 })).includes(
      'STEMI_ANTERIOR?',
    ),
  );
  assert.ok(
    !codes(withLeads({ V2: { stJ: 220 }, V3: { stJ: 220 } }, {}, { sex: 'M', age: 35 })).some((c) =>
      c.startsWith('STEMI'),
    ),
  );
});

test('posterior: V1–V3 depression is "consider"; noisy leads are not used', () => {
  assert.ok(
    codes(withLeads({ V1: { stJ: -150 }, V2: { stJ: -150 }, V3: { stJ: -120 } })).includes(
      'STEMI_POSTERIOR?',
    ),
  );
  const noisy = withLeads({ II: { stJ: 300 }, III: { stJ: 300 }, aVF: { stJ: 300 } });
  noisy.leadQuality = Object.fromEntries(NAMES.map((n) => [n, ['II', 'III'].includes(n) ? 'noisy' : 'good']));
  const out = codes(noisy);
  assert.ok(!out.some((c) => c.startsWith('STEMI_INFERIOR')));
  assert.ok(out.includes('POOR_QUALITY'));
});

test('LBBB: ST elevation is judged by Sgarbossa, not by the plain J-point rule', () => {
  const lbbb = {
    V1: { rAmp: 100, sAmp: -1800, stJ: 250 },
    V2: { rAmp: 100, sAmp: -2000, stJ: 250 },
    I: { sAmp: 0 },
    V5: { sAmp: 0, stJ: 150 },
    V6: { sAmp: 0, stJ: 150 },
  };
  const out = codes(withLeads(lbbb, { qrsDuration: 150 }));
  assert.ok(out.includes('LBBB'));
  assert.ok(out.includes('STEMI_SGARBOSSA?'), out.join());
  assert.ok(!out.includes('STEMI_ANTERIOR') && !out.includes('STEMI_ANTERIOR?'));
  // Discordant elevation proportionate to the S wave (ratio < 0.25) is expected in LBBB.
  const plain = {
    ...lbbb,
    V1: { rAmp: 100, sAmp: -1800, stJ: 200 },
    V2: { rAmp: 100, sAmp: -2000, stJ: 200 },
    V5: { sAmp: 0, stJ: 0 },
    V6: { sAmp: 0, stJ: 0 },
  };
  assert.ok(!codes(withLeads(plain, { qrsDuration: 150 })).includes('STEMI_SGARBOSSA?'));
});

test('all leads unusable: one statement that the ECG cannot be analysed', () => {
  const i = input({}, { leadQuality: Object.fromEntries(NAMES.map((n) => [n, 'lead-off'])) });
  assert.deepEqual(codes(i), ['UNANALYSABLE']);
});

test('pre-QRS consistency overrides a P wave the delineation missed; 120/min without P is "consider" sinus', () => {
  const rr = [300, 520, 380, 610, 290, 450, 560, 330, 480, 400, 620];
  let t = 100;
  const samples = Int32Array.from([t, ...rr.map((r) => (t += r))]);
  const irregular = input(
    { heartRate: 70, rrMin: 580, rrMax: 1240 },
    { pWavePresent: false, atrialConsistency: 0.85 },
  );
  irregular.beats = { samples, classes: Array.from(samples, () => 'N') };
  assert.ok(!codes(irregular).some((c) => c.startsWith('AFIB')));
  assert.ok(codes({ ...irregular, atrialConsistency: 0.2 }).includes('AFIB'));
  assert.ok(codes(input({ heartRate: 120 }, { pWavePresent: false }, 250)).includes('STACH?'));
});

test('left/right arm reversal: lead I inverted and aVR upright', () => {
  const swapped = withLeads({
    I: { pAmp: -80, rAmp: 100, sAmp: -700, tAmp: -200 },
    aVR: { rAmp: 700, sAmp: -100, tAmp: 200 },
  });
  assert.ok(codes(swapped).includes('LIMB_LEAD_REVERSAL?'));
  assert.ok(!codes(input()).includes('LIMB_LEAD_REVERSAL?'));
});

test('many runs and couplets give one statement each, with the longest run as evidence', () => {
  const i = input();
  i.beats.classes = ['N', 'V', 'V', 'N', 'V', 'V', 'V', 'N', 'V', 'V', 'V', 'V'];
  const out = interpret(i);
  assert.equal(out.filter((s) => s.code === 'V_COUPLET').length, 1);
  const runs = out.filter((s) => s.code === 'VT_RUN');
  assert.equal(runs.length, 1);
  assert.deepEqual(runs[0].evidence.values, { runs: 2, beats: 4, rate: 75, durationSec: 2.4 });
});

test('LVH: ST elevation discordant to a deep S wave is not a STEMI unless it reaches 25 % of the S', () => {
  const lvh = {
    V1: { rAmp: 200, sAmp: -2600, stJ: 250 },
    V2: { rAmp: 300, sAmp: -3000, stJ: 300 },
    V3: { rAmp: 500, sAmp: -2500, stJ: 260 },
    V5: { rAmp: 2200, sAmp: -100 },
  };
  const out = codes(withLeads(lvh, {}, { sex: 'M', age: 60 }));
  assert.ok(out.includes('LVH_VOLTAGE'), out.join());
  assert.ok(!out.some((c) => c.startsWith('STEMI')), out.join());
  const big = { ...lvh, V2: { rAmp: 300, sAmp: -3000, stJ: 800 }, V3: { rAmp: 500, sAmp: -2500, stJ: 700 } };
  assert.ok(codes(withLeads(big, {}, { sex: 'M', age: 60 })).includes('STEMI_ANTERIOR?'));
});

test('irregular rhythm: a "P wave" on the median beat does not outvote fibrillatory atrial activity', () => {
  const rr = [300, 520, 380, 610, 290, 450, 560, 330, 480, 400, 620];
  let t = 100;
  const samples = Int32Array.from([t, ...rr.map((r) => (t += r))]);
  // An implausible "P" (axis −70°) is ignored: AF outright.
  const af = input(
    { heartRate: 70, rrMin: 580, rrMax: 1240, pAxis: -70 },
    { pWavePresent: true, atrialConsistency: 0.2 },
  );
  af.beats = { samples, classes: Array.from(samples, () => 'N') };
  assert.ok(codes(af).includes('AFIB'));
  // A sinus-like P against fibrillatory consistency: the evidence conflicts, so "consider".
  const conflict = { ...af, measurements: { ...af.measurements, pAxis: 50 } };
  assert.ok(codes(conflict).includes('AFIB?'));
});

test('AV dissociation evidence: AVB3 only with a slow regular QRS rhythm and a faster regular atrial rhythm', () => {
  const av = { atrialRate: 80, ventricularRate: 38, ppRegularity: 1, prSd: 120, atrialEvents: 10 };
  const slow = input({ heartRate: 38 }, { pWavePresent: false, avConduction: av }, 790);
  assert.ok(codes(slow).includes('AVB3?'));
  assert.ok(
    !codes({ ...slow, avConduction: { ...av, prSd: 10 } }).includes('AVB3?'),
    'fixed PR is conduction',
  );
  assert.ok(!codes({ ...slow, avConduction: { ...av, ppRegularity: 0.5 } }).includes('AVB3?'));
  assert.ok(!codes({ ...slow, avConduction: { ...av, atrialRate: 42 } }).includes('AVB3?'));
});

test('diffuse ST elevation without reciprocal depression: consider pericarditis, STEMI only "consider"', () => {
  const diffuse = withLeads(
    {
      I: { stJ: 150 },
      II: { stJ: 200 },
      aVF: { stJ: 150 },
      aVL: { stJ: 100 },
      V2: { stJ: 250 },
      V3: { stJ: 250 },
      V4: { stJ: 200 },
      V5: { stJ: 200 },
      V6: { stJ: 150 },
      aVR: { stJ: -150 },
    },
    {},
    { sex: 'M', age: 50 },
  );
  const out = codes(diffuse);
  assert.ok(out.includes('PERICARDITIS?'), out.join());
  assert.ok(out.includes('STEMI_ANTERIOR?') && !out.includes('STEMI_ANTERIOR'), out.join());
});
