import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { synthesizeEcg } from '../src/delineate/synthetic';
import { analyzeEcg, DEFAULT_CRITICAL_RULES, EcgError, ENGINE_VERSION } from '../src/index';
import { readWfdbRecord } from '../src/node/index';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const cinc = path.resolve(repoRoot, '../shared/data/cinc2021-12lead');

test('synthetic inferior STEMI at 75/min: the whole pipeline finds rhythm, territory and the critical value', () => {
  const record = synthesizeEcg({
    rrMs: [800],
    noiseUv: 15,
    stShift: { II: 250, III: 300, aVF: 280, aVL: -150, I: -50 },
  });
  const a = analyzeEcg(record, { age: 62, sex: 'M' });
  assert.equal(a.engineVersion, ENGINE_VERSION);
  assert.equal(a.durationSec, 10);
  assert.ok(Math.abs(a.beats.samples.length - 12) <= 1, `beats ${a.beats.samples.length}`);
  assert.ok(Math.abs(a.measurements.heartRate! - 75) <= 2);
  const codes = a.statements.map((s) => s.code);
  assert.ok(codes.includes('SR'), codes.join());
  assert.ok(codes.includes('STEMI_INFERIOR'), codes.join());
  assert.deepEqual(
    a.critical.map((c) => c.ruleId),
    ['acs-stemi'],
  );
  // The same record with the STEMI rule switched off raises no critical value.
  const rules = DEFAULT_CRITICAL_RULES.map((r) => (r.id === 'acs-stemi' ? { ...r, enabled: false } : r));
  assert.deepEqual(analyzeEcg(record, { criticalRules: rules }).critical, []);
});

test('synthetic bradycardia of 30/min raises the severe-bradycardia critical value', () => {
  const record = synthesizeEcg({ rrMs: [2000], durationSec: 12, noiseUv: 10 });
  const a = analyzeEcg(record);
  assert.ok(a.statements.some((s) => s.code === 'SBRAD'));
  assert.ok(a.critical.some((c) => c.ruleId === 'severe-bradycardia'));
});

test('given beats skip detection; bad options are refused with the field named', () => {
  const record = synthesizeEcg({ durationSec: 5, noiseUv: 10 });
  const beats = Int32Array.from(record.meta!.qrsOnsets as number[], (o) => o + 10);
  assert.deepEqual(Array.from(analyzeEcg(record, { beats }).beats.samples), Array.from(beats));
  assert.throws(
    () => analyzeEcg(record, { age: -3 }),
    (e: unknown) => e instanceof EcgError && /age/.test(e.message),
  );
  assert.throws(() => analyzeEcg(record, { sex: 'X' as 'M' }), /sex/);
  assert.throws(() => analyzeEcg(record, { beats: Int32Array.from([5, 3]) }), /ascend/);
  assert.throws(() => analyzeEcg(record, { beats, classes: ['N'] }), /classes/);
  assert.throws(() => analyzeEcg({ sampleRate: 500, leads: [] }), /no leads/);
});

test('a flat record gives an analysis without beats, not a crash', () => {
  const leads = ['I', 'II', 'V1'].map((name) => ({ name, samples: new Float32Array(5000) }));
  const a = analyzeEcg({ sampleRate: 500, leads });
  assert.equal(a.beats.samples.length, 0);
  assert.ok(
    a.statements.some((s) => s.code === 'UNANALYSABLE'),
    a.statements.map((s) => s.code).join(),
  );
});

test('CinC 2021 E07500 (sinus bradycardia): bradycardia and plausible intervals', {
  skip: !existsSync(cinc) && 'needs ../shared/data/cinc2021-12lead',
}, async () => {
  const record = await readWfdbRecord(path.join(cinc, 'E07500.hea'));
  const a = analyzeEcg(record, { age: 78, sex: 'M' });
  assert.ok(a.statements.some((s) => s.code === 'SBRAD'));
  const m = a.measurements;
  assert.ok(m.heartRate! > 50 && m.heartRate! < 60);
  assert.ok(m.qrsDuration! >= 60 && m.qrsDuration! <= 120);
  assert.ok(m.pr! >= 120 && m.pr! <= 220);
  assert.ok(m.qt! >= 350 && m.qt! <= 500);
  assert.equal(Object.keys(m.leads!).length, 12);
});

test('malformed signals: a NaN dropout, absurd amplitudes and a 50 Hz record do not crash or mislead', () => {
  const dropout = synthesizeEcg({ noiseUv: 10 });
  for (const lead of dropout.leads) lead.samples.fill(Number.NaN, 1000, 1500);
  const a = analyzeEcg(dropout);
  assert.ok(a.measurements.qrsDuration! > 60 && a.measurements.qrsDuration! < 130);
  assert.ok(Number.isFinite(a.measurements.leads!.V2.rAmp!));

  const wrongUnits = synthesizeEcg({ noiseUv: 10, stShift: { V2: 300, V3: 300 } });
  for (const lead of wrongUnits.leads) for (let i = 0; i < lead.samples.length; i++) lead.samples[i] *= 1e5;
  const b = analyzeEcg(wrongUnits);
  assert.deepEqual(
    b.statements.map((s) => s.code),
    ['UNANALYSABLE'],
  );
  assert.deepEqual(b.critical, []);

  const coarse = analyzeEcg(synthesizeEcg({ sampleRate: 50, noiseUv: 10, qrsDurationMs: 90 }));
  assert.ok(coarse.statements.every((s) => s.category === 'rhythm' || s.category === 'quality'));
});

test('complete AV block: regular P waves marching through a slow escape rhythm raise the AV-block critical value', () => {
  const block = synthesizeEcg({ noiseUv: 20, rrMs: [1300], atrialCycleMs: 710, atrialStartMs: 300 });
  const a = analyzeEcg(block);
  const avb = a.statements.find((s) => s.code === 'AVB3');
  assert.equal(avb?.certainty, 'consider');
  assert.ok(Math.abs(Number(avb?.evidence.values?.atrialRate) - 85) <= 3);
  assert.ok(a.critical.some((c) => c.ruleId === 'av-block'));
  // Sinus bradycardia at a similar rate is not called AV block.
  const brady = analyzeEcg(synthesizeEcg({ noiseUv: 20, rrMs: [1300] }));
  assert.ok(!brady.statements.some((s) => s.code === 'AVB3'));
  assert.ok(!brady.critical.some((c) => c.ruleId === 'av-block'));
});

test('2:1 AV block: the non-conducted P wave in the median beat is recognised; sinus bradycardia is not', () => {
  const block = analyzeEcg(
    synthesizeEcg({ noiseUv: 15, rrMs: [1400], atrialCycleMs: 700, atrialStartMs: 240 }),
  );
  const s = block.statements.find((x) => x.code === 'AVB2_2TO1');
  // Every P wave is followed through the record (delineate/avblock.ts): four or more 2:1 cycles are definite.
  assert.equal(s?.certainty, 'definite');
  assert.ok(Number(s?.evidence.values?.typicalDrops) >= 4);
  assert.ok(Math.abs(Number(s?.evidence.values?.atrialRate) - 86) <= 3);
  const brady = analyzeEcg(synthesizeEcg({ noiseUv: 15, rrMs: [1400] }));
  assert.ok(!brady.statements.some((x) => x.code.startsWith('AVB')));
});
