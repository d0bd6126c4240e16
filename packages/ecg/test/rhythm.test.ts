import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AamiClass, computeHrv, detectAf, detectRhythmEvents, EcgError } from '../src/index';

/** Beat positions from RR intervals (ms) at 1000 Hz, starting at sample 1000. */
function beatsFromRr(rrMs: number[], fs = 1000): Int32Array {
  const out = new Int32Array(rrMs.length + 1);
  out[0] = fs;
  for (let i = 0; i < rrMs.length; i++) out[i + 1] = out[i] + Math.round((rrMs[i] * fs) / 1000);
  return out;
}

/** Small deterministic generator so the "random" RR series is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('HRV matches hand-computed SDNN, RMSSD and pNN50', () => {
  const beats = beatsFromRr([800, 850, 780, 900]);
  const h = computeHrv(beats, undefined, 1000);
  assert.equal(h.nnCount, 4);
  assert.equal(h.meanNn, 832.5);
  // deviations −32.5, 17.5, −52.5, 67.5 → Σd² = 8675, sample SD = √(8675/3)
  assert.ok(Math.abs(h.sdnn! - Math.sqrt(8675 / 3)) < 1e-9);
  // successive differences 50, −70, 120 → RMSSD = √(21800/3); > 50 ms: 2 of 3
  assert.ok(Math.abs(h.rmssd! - Math.sqrt(21800 / 3)) < 1e-9);
  assert.ok(Math.abs(h.pnn50! - 200 / 3) < 1e-9);
  assert.equal(h.sdann, undefined, 'SDANN needs two 5-min segments');
});

test('HRV uses NN intervals only: intervals touching an ectopic beat are left out', () => {
  const beats = beatsFromRr([800, 800, 500, 1100, 800, 800]);
  const classes: AamiClass[] = ['N', 'N', 'N', 'V', 'N', 'N', 'N'];
  const h = computeHrv(beats, classes, 1000);
  assert.equal(h.nnCount, 4);
  assert.equal(h.sdnn, 0);
  assert.equal(h.rmssd, 0);
});

test('SDANN is the SD of the 5-minute mean NN intervals', () => {
  const rr = [...new Array(400).fill(750), ...new Array(300).fill(1000)];
  const beats = beatsFromRr(rr);
  const h = computeHrv(beats, undefined, 1000);
  assert.ok(h.sdann !== undefined && h.sdann > 50, `sdann ${h.sdann}`);
  const flat = computeHrv(beatsFromRr(new Array(1200).fill(800)), undefined, 1000);
  assert.equal(flat.sdann, 0);
});

test('rhythm events: couplet, V run with rate, SV run, bigeminy, trigeminy', () => {
  const classes: AamiClass[] = [];
  const rr: number[] = [];
  const add = (c: AamiClass, r: number) => {
    classes.push(c);
    rr.push(r);
  };
  for (let i = 0; i < 10; i++) add('N', 800);
  add('V', 500);
  add('V', 500); // couplet
  for (let i = 0; i < 6; i++) add('N', 800);
  for (let i = 0; i < 4; i++) add('V', 400); // V run of 4 at 150 bpm
  for (let i = 0; i < 6; i++) add('N', 800);
  for (let i = 0; i < 5; i++) {
    add('N', 800);
    add('V', 500);
  } // bigeminy, 5 cycles
  for (let i = 0; i < 6; i++) add('N', 800);
  for (let i = 0; i < 4; i++) {
    add('N', 800);
    add('N', 800);
    add('V', 500);
  } // trigeminy, 4 cycles
  for (let i = 0; i < 6; i++) add('N', 800);
  for (let i = 0; i < 3; i++) add('S', 450); // SV run
  for (let i = 0; i < 6; i++) add('N', 800);
  const beats = beatsFromRr(rr.slice(1));
  const ev = detectRhythmEvents(beats, classes, 1000);
  const of = (t: string) => ev.filter((e) => e.type === t);
  assert.equal(of('v-couplet').length, 1);
  assert.equal(of('v-run').length, 1);
  assert.equal(of('v-run')[0].beats, 4);
  assert.ok(Math.abs(of('v-run')[0].rateBpm! - 150) < 1, `rate ${of('v-run')[0].rateBpm}`);
  assert.equal(of('bigeminy').length, 1);
  assert.equal(of('bigeminy')[0].beats, 5);
  assert.equal(of('trigeminy').length, 1);
  assert.equal(of('trigeminy')[0].beats, 4);
  assert.equal(of('sv-run').length, 1);
  assert.equal(of('sv-run')[0].beats, 3);
  assert.equal(of('pause').length, 0);
});

test('pauses ≥ 2 s are events and ≥ 3 s are flagged; a short bigeminy is not bigeminy', () => {
  const rr = [800, 800, 2500, 800, 800, 3200, 800, 800];
  const beats = beatsFromRr(rr);
  const classes: AamiClass[] = ['N', 'N', 'V', 'N', 'V', 'N', 'N', 'N', 'N'];
  const ev = detectRhythmEvents(beats, classes, 1000);
  const pauses = ev.filter((e) => e.type === 'pause');
  assert.deepEqual(
    pauses.map((p) => [p.durationMs, p.atLeast3s]),
    [
      [2500, false],
      [3200, true],
    ],
  );
  assert.equal(ev.filter((e) => e.type === 'bigeminy').length, 0);
});

test('bradycardia and tachycardia episodes need the minimum duration', () => {
  const rr = [
    ...new Array(20).fill(800),
    ...new Array(20).fill(1500),
    ...new Array(30).fill(500),
    ...new Array(5).fill(800),
  ];
  const ev = detectRhythmEvents(beatsFromRr(rr), undefined, 1000);
  const brady = ev.filter((e) => e.type === 'bradycardia');
  const tachy = ev.filter((e) => e.type === 'tachycardia');
  assert.equal(brady.length, 1);
  assert.ok(brady[0].rateBpm! < 45 && brady[0].durationMs >= 10000);
  assert.equal(tachy.length, 1);
  assert.ok(Math.abs(tachy[0].rateBpm! - 120) < 2);
  const short = detectRhythmEvents(
    beatsFromRr([...new Array(20).fill(800), 1500, 1500, 1500]),
    undefined,
    1000,
  );
  assert.equal(short.filter((e) => e.type === 'bradycardia').length, 0);
});

test('AF from RR irregularity: one episode over the irregular stretch, burden close to its share', () => {
  const rand = lcg(7);
  const rr: number[] = [];
  for (let t = 0; t < 120_000; t += 800) rr.push(800 + 20 * Math.sin(t / 4000)); // sinus arrhythmia
  for (let t = 0; t < 180_000; ) {
    const r = 380 + 600 * rand();
    rr.push(r);
    t += r;
  }
  for (let t = 0; t < 120_000; t += 800) rr.push(800);
  const beats = beatsFromRr(rr);
  const res = detectAf(beats, 1000);
  assert.equal(res.episodes.length, 1);
  const ep = res.episodes[0];
  assert.ok(Math.abs(ep.start - 121_000) < 10_000, `start ${ep.start}`);
  assert.ok(Math.abs(ep.end - 301_000) < 10_000, `end ${ep.end}`);
  assert.ok(Math.abs(res.burden - 180 / 420) < 0.05, `burden ${res.burden}`);
});

test('AF: bigeminy (regular alternation) and isolated ectopics are not AF', () => {
  const rr: number[] = [];
  for (let i = 0; i < 300; i++) rr.push(i % 2 ? 1100 : 550);
  const classes: AamiClass[] = new Array(rr.length + 1).fill('N');
  // atrial bigeminy: the early beats are S, so RR filtering keeps them; the second difference must handle them
  for (let i = 1; i < classes.length; i += 2) classes[i] = 'S';
  assert.equal(detectAf(beatsFromRr(rr), 1000, classes).episodes.length, 0);
  const sinus: number[] = [];
  for (let i = 0; i < 300; i++) sinus.push(i % 15 === 0 ? 500 : i % 15 === 1 ? 1100 : 800);
  assert.equal(detectAf(beatsFromRr(sinus), 1000).episodes.length, 0);
});

test('bad input: unsorted beats, wrong class count or value, absurd rate all throw EcgError naming the field', () => {
  const beats = Int32Array.from([100, 50, 300]);
  assert.throws(
    () => computeHrv(beats, undefined, 250),
    (e: unknown) => e instanceof EcgError && /samples\[1\]/.test(e.message),
  );
  const ok = Int32Array.from([100, 300, 500]);
  assert.throws(() => detectRhythmEvents(ok, ['N', 'N'], 250), /classes: 2 classes for 3 beats/);
  assert.throws(() => detectRhythmEvents(ok, ['N', 'X' as AamiClass, 'N'], 250), /classes\[1\]/);
  assert.throws(() => detectAf(ok, Number.NaN), /sampleRate/);
  assert.throws(() => detectAf(ok, 250, undefined, { windowBeats: 2 }), /windowBeats/);
  assert.throws(() => computeHrv([1, 2] as unknown as Int32Array, undefined, 250), /Int32Array/);
  assert.deepEqual(detectAf(new Int32Array(0), 250).episodes, []);
  assert.equal(computeHrv(new Int32Array(0), undefined, 250).nnCount, 0);
});

test('bradycardia stretches a few seconds apart are one episode, far apart two', () => {
  const slow = new Array(15).fill(1400); // 21 s at 43 bpm
  const make = (gapBeats: number) =>
    beatsFromRr([
      ...new Array(20).fill(800),
      ...slow,
      ...new Array(gapBeats).fill(700),
      ...slow,
      ...new Array(20).fill(800),
    ]);
  const brady = (beats: Int32Array) =>
    detectRhythmEvents(beats, undefined, 1000).filter((e) => e.type === 'bradycardia');
  assert.equal(brady(make(6)).length, 1);
  assert.equal(brady(make(60)).length, 2);
});
