import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeEcg, type EcgAnalysis, synthesizeEcg } from '../src/index';

/**
 * A record with P waves every `ppMs` from 300 ms and QRS complexes after the conducted ones. `pr(i)` gives the
 * PR (ms) of P wave i, or undefined when P wave i is not conducted.
 */
function avRecord(ppMs: number, pr: (i: number) => number | undefined, durationSec = 20, noiseUv = 8) {
  const pTimesMs: number[] = [];
  const qrsTimesMs: number[] = [];
  for (let i = 0; 300 + i * ppMs < durationSec * 1000 - 600; i++) {
    const t = 300 + i * ppMs;
    pTimesMs.push(t);
    const d = pr(i);
    if (d !== undefined) qrsTimesMs.push(t + d);
  }
  return synthesizeEcg({ sampleRate: 500, durationSec, pTimesMs, qrsTimesMs, noiseUv, qtMs: 360 });
}

const codes = (a: EcgAnalysis) => a.statements.map((s) => `${s.code}:${s.certainty}`).join(' ');
const find = (a: EcgAnalysis, code: string) => a.statements.find((s) => s.code === code);

test('Mobitz I (Wenckebach 4:3): progressive PR prolongation then a dropped P wave', () => {
  const prs = [160, 260, 320];
  const a = analyzeEcg(avRecord(750, (i) => prs[i % 4]));
  const s = find(a, 'AVB2_I');
  assert.ok(s, codes(a));
  assert.equal(s.certainty, 'definite');
  assert.ok(Number(s.evidence.values?.typicalDrops) >= 2);
  for (const other of ['AVB2_II', 'AVB2_2TO1', 'AFIB', 'AVB1']) assert.ok(!find(a, other), codes(a));
});

test('Mobitz II (4:3): constant PR before and after a suddenly non-conducted P wave', () => {
  const a = analyzeEcg(avRecord(750, (i) => (i % 4 === 3 ? undefined : 180)));
  const s = find(a, 'AVB2_II');
  assert.ok(s, codes(a));
  assert.equal(s.certainty, 'definite');
  for (const other of ['AVB2_I', 'AVB2_2TO1', 'AFIB']) assert.ok(!find(a, other), codes(a));
});

test('2:1 AV block: every other P wave blocked, constant PR', () => {
  const a = analyzeEcg(avRecord(700, (i) => (i % 2 === 1 ? undefined : 180)));
  const s = find(a, 'AVB2_2TO1');
  assert.ok(s, codes(a));
  assert.equal(s.certainty, 'definite');
  assert.ok(Math.abs(Number(s.evidence.values?.atrialRate) - 86) <= 3);
  for (const other of ['AVB2_I', 'AVB2_II']) assert.ok(!find(a, other), codes(a));
});

test('no second-degree block: 1:1 conduction, long constant PR (first-degree only), and a blocked PAC', () => {
  const normal = analyzeEcg(avRecord(800, () => 160));
  for (const c of ['AVB2_I', 'AVB2_II', 'AVB2_2TO1']) assert.ok(!find(normal, c), codes(normal));
  const first = analyzeEcg(avRecord(800, () => 260));
  for (const c of ['AVB2_I', 'AVB2_II', 'AVB2_2TO1']) assert.ok(!find(first, c), codes(first));
  assert.ok(find(first, 'AVB1'), codes(first));
  // A premature P wave (400 ms after the previous one) that is not conducted is a blocked PAC, not AV block.
  const pTimesMs: number[] = [];
  const qrsTimesMs: number[] = [];
  for (let i = 0; i < 22; i++) {
    pTimesMs.push(300 + i * 800);
    qrsTimesMs.push(300 + i * 800 + 160);
    if (i === 8 || i === 15) pTimesMs.push(300 + i * 800 + 400);
  }
  pTimesMs.sort((x, y) => x - y);
  const pac = analyzeEcg(
    synthesizeEcg({ sampleRate: 500, durationSec: 19, pTimesMs, qrsTimesMs, noiseUv: 8 }),
  );
  for (const c of ['AVB2_I', 'AVB2_II', 'AVB2_2TO1']) assert.ok(!find(pac, c), codes(pac));
});
