import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type AamiClass, classifyBeats, detectQrs, EcgError, synthesizeEcg } from '../src/index';
import { readAnnotationFile, readWfdbRecord } from '../src/node/index';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const mitdb = path.resolve(repoRoot, '../shared/data/mitdb');
const MIT_TO_AAMI: Record<string, AamiClass> = {
  N: 'N',
  L: 'N',
  R: 'N',
  e: 'N',
  j: 'N',
  A: 'S',
  a: 'S',
  J: 'S',
  S: 'S',
  V: 'V',
  E: 'V',
  F: 'F',
  '/': 'P',
  f: 'P',
  Q: 'Q',
};

test('synthetic: wide premature beats are V, the rest N', () => {
  const ventricularBeats = [5, 12, 13, 25, 31, 40];
  const record = synthesizeEcg({
    sampleRate: 360,
    durationSec: 50,
    rrMs: [850],
    ventricularBeats,
    noiseUv: 10,
  });
  const onsets = (record.meta as { qrsOnsets: number[] }).qrsOnsets;
  const beats = Int32Array.from(onsets.map((s) => s + Math.round(0.04 * 360)));
  const classes = classifyBeats(record, beats, { leads: [1, 6] });
  const want = onsets.map((_, i) => (ventricularBeats.includes(i) ? 'V' : 'N'));
  assert.deepEqual(classes, want);
});

test('synthetic: narrow beats 30 % early in a regular rhythm are S; the same in an irregular rhythm are not', () => {
  const rrMs = new Array(60).fill(900);
  for (const i of [10, 25, 40]) rrMs[i] = 600;
  const record = synthesizeEcg({ sampleRate: 250, durationSec: 55, rrMs, noiseUv: 5 });
  const onsets = (record.meta as { qrsOnsets: number[] }).qrsOnsets;
  const beats = Int32Array.from(onsets);
  const classes = classifyBeats(record, beats);
  const early = classes.flatMap((c, i) => (c === 'S' ? [i] : []));
  // rrMs[i] is the interval after beat i, so beat i + 1 is the early one.
  assert.deepEqual(early, [11, 26, 41]);
  assert.ok(!classes.includes('V'));
});

test('synthetic: an intermittent wide bundle-branch pattern preceded by P waves stays N', () => {
  const narrow = synthesizeEcg({ sampleRate: 250, durationSec: 60, rrMs: [800], noiseUv: 10 });
  const wide = synthesizeEcg({
    sampleRate: 250,
    durationSec: 40,
    rrMs: [800],
    noiseUv: 10,
    qrsDurationMs: 150,
    rPrimeLeads: ['V1', 'V2'],
    qrsAxis: -20,
    tAxis: 160,
  });
  const join = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const record = {
    sampleRate: 250,
    leads: narrow.leads.map((l, i) => ({
      name: l.name,
      samples: join([l.samples, wide.leads[i].samples, l.samples]),
    })),
  };
  const beats = detectQrs(record);
  const classes = classifyBeats(record, beats, { leads: [1, 6, 10] });
  const inWide = classes.filter((_, i) => beats[i] > 61 * 250 && beats[i] < 99 * 250);
  assert.ok(inWide.length > 40);
  assert.ok(
    inWide.every((c) => c === 'N'),
    inWide.join(''),
  );
});

test('bad input: positions outside the record, unsorted, wrong type or bad lead index throw EcgError', () => {
  const record = synthesizeEcg({ sampleRate: 250, durationSec: 5 });
  const n = record.leads[0].samples.length;
  assert.throws(
    () => classifyBeats(record, Int32Array.from([10, n])),
    (e: unknown) => e instanceof EcgError && /outside/.test(e.message),
  );
  assert.throws(() => classifyBeats(record, Int32Array.from([300, 200])), /not after/);
  assert.throws(() => classifyBeats(record, [1, 2] as unknown as Int32Array), /Int32Array/);
  assert.throws(() => classifyBeats(record, Int32Array.from([100]), { leads: [40] }), /options\.leads/);
  assert.deepEqual(classifyBeats(record, new Int32Array(0)), []);
  // A flat record still classifies without crashing.
  const flat = { sampleRate: 250, leads: [{ name: 'II', samples: new Float32Array(2500) }] };
  assert.equal(classifyBeats(flat, Int32Array.from([300, 500, 700])).length, 3);
});

/** V sensitivity and positive predictivity from minute 5 (EC57), reference fusion beats not counted as false V. */
function vScore(refClasses: string[], refSamples: Int32Array, predicted: string[], from: number) {
  let tp = 0;
  let fn = 0;
  let fp = 0;
  for (let i = 0; i < refClasses.length; i++) {
    if (refSamples[i] < from) continue;
    if (refClasses[i] === 'V') predicted[i] === 'V' ? tp++ : fn++;
    else if (predicted[i] === 'V' && refClasses[i] !== 'F') fp++;
  }
  return { se: tp / (tp + fn), ppv: tp / (tp + fp) };
}

for (const name of ['119', '208']) {
  const hea = path.join(mitdb, `${name}.hea`);
  test(`mitdb ${name}: V Se and +P ≥ 85 % on the reference beats`, {
    skip: !existsSync(hea) && 'needs ../shared/data/mitdb',
  }, async () => {
    const record = await readWfdbRecord(hea);
    const ann = (await readAnnotationFile(path.join(mitdb, `${name}.atr`))).filter(
      (a) => MIT_TO_AAMI[a.symbol],
    );
    const samples = Int32Array.from(ann.map((a) => a.sample));
    const classes = classifyBeats(record, samples);
    const s = vScore(
      ann.map((a) => MIT_TO_AAMI[a.symbol]),
      samples,
      classes,
      300 * record.sampleRate,
    );
    assert.ok(s.se >= 0.85 && s.ppv >= 0.85, `Se ${s.se}, +P ${s.ppv}`);
  });
}

test('mitdb 119 with detected beats: V Se and +P ≥ 85 %', {
  skip: !existsSync(path.join(mitdb, '119.hea')) && 'needs ../shared/data/mitdb',
}, async () => {
  const record = await readWfdbRecord(path.join(mitdb, '119.hea'));
  const ann = (await readAnnotationFile(path.join(mitdb, '119.atr'))).filter((a) => MIT_TO_AAMI[a.symbol]);
  const beats = detectQrs(record);
  const classes = classifyBeats(record, beats);
  // Map each reference beat to the nearest detection within 150 ms.
  const tol = 0.15 * record.sampleRate;
  const predicted = ann.map((a) => {
    let best = -1;
    for (let k = 0; k < beats.length; k++) if (Math.abs(beats[k] - a.sample) <= tol) best = k;
    return best >= 0 ? classes[best] : '';
  });
  const s = vScore(
    ann.map((a) => MIT_TO_AAMI[a.symbol]),
    Int32Array.from(ann.map((a) => a.sample)),
    predicted,
    300 * record.sampleRate,
  );
  assert.ok(s.se >= 0.85 && s.ppv >= 0.85, `Se ${s.se}, +P ${s.ppv}`);
});

test('mitdb 102 (paced) with the pacemaker hint: paced beats are P (Se and +P ≥ 90 %)', {
  skip: !existsSync(path.join(mitdb, '102.hea')) && 'needs ../shared/data/mitdb',
}, async () => {
  const record = await readWfdbRecord(path.join(mitdb, '102.hea'));
  const ann = (await readAnnotationFile(path.join(mitdb, '102.atr'))).filter((a) => MIT_TO_AAMI[a.symbol]);
  const classes = classifyBeats(record, Int32Array.from(ann.map((a) => a.sample)), { pacemaker: true });
  let tp = 0;
  let fn = 0;
  let fp = 0;
  ann.forEach((a, i) => {
    if (MIT_TO_AAMI[a.symbol] === 'P') classes[i] === 'P' ? tp++ : fn++;
    else if (classes[i] === 'P') fp++;
  });
  assert.ok(tp / (tp + fn) >= 0.9 && tp / (tp + fp) >= 0.9, `Se ${tp / (tp + fn)}, +P ${tp / (tp + fp)}`);
  // Without the hint and with the signal's own pacing search switched off, nothing is called paced (the search
  // itself is tested in pacing.test.ts).
  assert.ok(
    !classifyBeats(record, Int32Array.from(ann.map((a) => a.sample)), { detectPacing: false }).includes('P'),
  );
});
