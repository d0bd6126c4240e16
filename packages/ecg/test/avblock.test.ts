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

test('high-grade AV block: 3:1 and 4:1 conduction with a constant PR is AVB_HIGH and a critical value', () => {
  for (const [ratio, ppMs] of [
    [3, 600],
    [3, 800],
    [4, 500],
  ] as const) {
    const a = analyzeEcg(avRecord(ppMs, (i) => (i % ratio === 0 ? 180 : undefined), 24));
    const s = find(a, 'AVB_HIGH');
    assert.ok(s, `${ratio}:1 at ${ppMs} ms: ${codes(a)}`);
    assert.equal(s.certainty, 'definite');
    assert.equal(s.evidence.values?.conductionRatio, `${ratio}:1`);
    assert.ok(Math.abs(Number(s.evidence.values?.atrialRate) - 60_000 / ppMs) <= 3);
    // Not mistaken for Mobitz II (a constant PR around the drops) or 2:1.
    for (const other of ['AVB2_I', 'AVB2_II', 'AVB2_2TO1', 'AVB3']) assert.ok(!find(a, other), codes(a));
    assert.ok(
      a.critical.some((c) => c.ruleId === 'av-block'),
      `critical: ${a.critical.map((c) => c.ruleId)}`,
    );
  }
});

test('high-grade AV block with a varying ratio (2:1 and 3:1 alternating)', () => {
  const conducted = new Set<number>();
  for (let i = 0; i < 40; i += 5) conducted.add(i).add(i + 2);
  const a = analyzeEcg(avRecord(650, (i) => (conducted.has(i) ? 170 : undefined), 24));
  const s = find(a, 'AVB_HIGH');
  assert.ok(s, codes(a));
  assert.equal(s.evidence.values?.conductionRatio, '3:1');
});

test('no high-grade statement for 2:1 block, Wenckebach or 1:1 conduction', () => {
  const twoToOne = analyzeEcg(avRecord(700, (i) => (i % 2 === 1 ? undefined : 180), 24));
  assert.ok(find(twoToOne, 'AVB2_2TO1') && !find(twoToOne, 'AVB_HIGH'), codes(twoToOne));
  const prs = [160, 260, 320];
  const wenckebach = analyzeEcg(avRecord(750, (i) => prs[i % 4], 24));
  assert.ok(!find(wenckebach, 'AVB_HIGH'), codes(wenckebach));
  const normal = analyzeEcg(avRecord(900, () => 160, 24));
  assert.ok(!find(normal, 'AVB_HIGH'), codes(normal));
});
