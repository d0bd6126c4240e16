import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  detectQrs,
  EcgError,
  type EcgRecord,
  HolterAnalyzer,
  summariseBeats,
  summariseHolter,
  synthesizeEcg,
} from '../src/index';
import { readWfdbRecord } from '../src/node/index';

/** 6 minutes of 3-lead 250 Hz synthetic ECG with varying RR, PVCs and some noise. */
function syntheticHolter(): EcgRecord {
  const rrMs: number[] = [];
  for (let i = 0; i < 500; i++) rrMs.push(700 + 150 * Math.sin(i / 9) + (i % 7) * 10);
  const ventricularBeats: number[] = [];
  for (let i = 11; i < 450; i += 23) ventricularBeats.push(i);
  const full = synthesizeEcg({ sampleRate: 250, durationSec: 360, rrMs, noiseUv: 15, ventricularBeats });
  const pick = ['II', 'V1', 'V5'];
  return {
    sampleRate: 250,
    leads: pick.map((name) => full.leads.find((l) => l.name === name)!),
    meta: full.meta,
  };
}

function runInChunks(record: EcgRecord, sizes: number[], blockSec = 30, marginSec = 2) {
  const analyzer = new HolterAnalyzer({
    sampleRate: record.sampleRate,
    leadNames: record.leads.map((l) => l.name),
    blockSec,
    marginSec,
    includeBeats: true,
  });
  const n = record.leads[0].samples.length;
  let at = 0;
  for (let k = 0; at < n; k++) {
    const len = sizes[k % sizes.length];
    analyzer.push(record.leads.map((l) => l.samples.subarray(at, at + len)));
    at += len;
  }
  return analyzer.finish();
}

test('Holter: same beats and classes whether pushed whole or in chunks of odd sizes', () => {
  const record = syntheticHolter();
  const whole = runInChunks(record, [record.leads[0].samples.length]);
  const chunked = runInChunks(record, [997, 1, 12_345, 77, 4_999]);
  assert.ok(whole.beats && chunked.beats);
  assert.deepEqual(Array.from(chunked.beats.samples), Array.from(whole.beats.samples));
  assert.deepEqual(chunked.beats.classes, whole.beats.classes);
  assert.deepEqual(chunked.counts, whole.counts);
});

test('Holter: block edges neither lose nor double beats (vs. the detector on the whole record)', () => {
  const record = syntheticHolter();
  const reference = detectQrs(record);
  const summary = runInChunks(record, [4_096], 10); // 36 block boundaries
  const beats = summary.beats!.samples;
  const tol = Math.round(0.05 * record.sampleRate);
  const near = (list: Int32Array, x: number) => list.some((y) => Math.abs(y - x) <= tol);
  const missed = Array.from(reference).filter((x) => !near(beats, x));
  const extra = Array.from(beats).filter((x) => !near(reference, x));
  assert.deepEqual(missed, []);
  assert.deepEqual(extra, []);
  for (let i = 1; i < beats.length; i++)
    assert.ok(beats[i] - beats[i - 1] > 0.2 * record.sampleRate, 'no doubles');
});

test('Holter summary: counts, PVC burden, hourly rate and HRV on a known synthetic recording', () => {
  const record = syntheticHolter();
  const s = summariseHolter(record, { startTime: '2026-11-20T08:30:00' });
  assert.equal(s.durationSec, 360);
  const onsets = (record.meta as { qrsOnsets: number[] }).qrsOnsets;
  const pvcs = onsets.filter((_, i) => i >= 11 && (i - 11) % 23 === 0).length;
  assert.ok(Math.abs(s.counts.total - onsets.length) <= 2, `total ${s.counts.total} of ${onsets.length}`);
  assert.ok(Math.abs(s.counts.V - pvcs) <= 1, `V ${s.counts.V} of ${pvcs}`);
  assert.ok(s.pvcBurdenPercent > 3 && s.pvcBurdenPercent < 5);
  assert.equal(s.hourly.length, 1);
  assert.equal(s.hourly[0].clockHour, 8);
  assert.equal(s.hourly[0].V, s.counts.V);
  assert.equal(s.hourly[0].beats, s.counts.total);
  assert.ok(s.heartRate.meanHr! > 75 && s.heartRate.meanHr! < 95, `mean HR ${s.heartRate.meanHr}`);
  assert.ok(s.hrv.sdnn! > 50 && s.hrv.nnCount > 400);
  assert.equal(s.pauses.atLeast2s, 0);
  assert.equal(s.af.episodes.length, 0);
});

test('Holter: pauses and the longest RR are reported', () => {
  const rrMs = [
    ...new Array(30).fill(800),
    3400,
    ...new Array(30).fill(800),
    2300,
    ...new Array(30).fill(800),
  ];
  const full = synthesizeEcg({
    sampleRate: 250,
    durationSec: 80,
    rrMs: [...rrMs, ...new Array(20).fill(800)],
  });
  const s = summariseHolter({ sampleRate: 250, leads: [full.leads[1], full.leads[6]] });
  assert.equal(s.pauses.atLeast2s, 2);
  assert.equal(s.pauses.atLeast3s, 1);
  assert.ok(Math.abs(s.longestRr!.ms - 3400) < 20, `longest ${s.longestRr?.ms}`);
});

test('Holter: bad input is refused with errors naming the problem', () => {
  assert.throws(() => new HolterAnalyzer({ sampleRate: 0, leadNames: ['II'] }), /sampleRate/);
  assert.throws(() => new HolterAnalyzer({ sampleRate: 250, leadNames: [] }), /leadNames/);
  assert.throws(() => new HolterAnalyzer({ sampleRate: 250, leadNames: ['II'], blockSec: 1 }), /blockSec/);
  const a = new HolterAnalyzer({ sampleRate: 250, leadNames: ['II', 'V1'] });
  assert.throws(
    () => a.push([new Float32Array(10)]),
    (e: unknown) => e instanceof EcgError && /2 leads/.test(e.message),
  );
  assert.throws(() => a.push([new Float32Array(10), new Float32Array(9)]), /lead 1 has 9/);
  assert.throws(() => a.push([new Float32Array(10), [1, 2] as unknown as Float32Array]), /Float32Array/);
  // NaN samples (lead-off) must not break the analysis; an empty recording gives an empty summary.
  a.push([new Float32Array(500).fill(Number.NaN), new Float32Array(500)]);
  const s = a.finish();
  assert.equal(s.counts.total, 0);
  assert.throws(() => a.push([new Float32Array(1), new Float32Array(1)]), /finished/);
  assert.throws(() => a.finish(), /already/);
});

const mitdb = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/mitdb');

// The detector adapts its thresholds to the beats it has seen, so a block that starts with 4 s of context can
// disagree on a few weak beats with a detector that has seen the whole record; block edges themselves lose none.
test('mitdb 208 through 5-min blocks: beats agree with whole-record detection (≤ 1 % differ)', {
  skip: !existsSync(path.join(mitdb, '208.hea')) && 'needs ../shared/data/mitdb',
}, async () => {
  const record = await readWfdbRecord(path.join(mitdb, '208.hea'));
  const whole = detectQrs(record);
  const summary = runInChunks(record, [7_919], 300, 4);
  const beats = summary.beats!.samples;
  const tol = Math.round(0.05 * record.sampleRate);
  const near = (list: Int32Array, x: number) => {
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return Math.abs(list[lo] - x) <= tol || (lo > 0 && Math.abs(list[lo - 1] - x) <= tol);
  };
  const differ =
    Array.from(whole).filter((x) => !near(beats, x)).length +
    Array.from(beats).filter((x) => !near(whole, x)).length;
  assert.ok(differ <= 0.01 * whole.length, `${differ} of ${whole.length} beats differ`);
  // 208 has 992 PVCs and 373 fusion beats (which look ventricular) in 30 min.
  assert.ok(summary.counts.V > 900 && summary.counts.V < 1400, `V ${summary.counts.V}`);
});

test('hourly rows follow clock hours from the start time', () => {
  // 2.5 h at exactly 60 bpm (1 beat/s at 250 Hz), starting 08:30: rows 08 (30 min), 09, 10.
  const n = 9000;
  const samples = new Int32Array(n);
  for (let i = 0; i < n; i++) samples[i] = i * 250 + 100;
  const classes = new Array(n).fill('N');
  for (let i = 4000; i < 4010; i++) classes[i] = 'V';
  const s = summariseBeats(
    { samples, classes, sampleRate: 250, totalSamples: n * 250 },
    { startTime: '2026-11-20T08:30:00' },
  );
  assert.deepEqual(
    s.hourly.map((h) => [h.clockHour, h.startSec, h.beats, h.V]),
    [
      [8, 0, 1800, 0],
      [9, 1800, 3600, 10],
      [10, 5400, 3600, 0],
    ],
  );
  assert.equal(s.hourly[1].meanHr, s.hourly[0].meanHr);
  assert.ok(Math.abs(s.heartRate.meanHr! - 60) < 1);
  assert.equal(s.runs.vRuns, 1);
  assert.equal(s.runs.longestVRunBeats, 10);
});

/** 150 s of 3-lead ventricular-paced ECG (wide QRS, no P wave), a 0.5 ms pulse 4 ms before every QRS when `spikes`. */
function pacedHolter(fs: number, spikes: boolean): EcgRecord {
  const full = synthesizeEcg({
    sampleRate: fs,
    durationSec: 150,
    rrMs: [857],
    qrsDurationMs: 150,
    qrsAxis: -60,
    tAxis: 120,
    pAmplitude: 0,
    noiseUv: 10,
  });
  const leads = ['II', 'V1', 'V5'].map((name) => full.leads.find((l) => l.name === name)!);
  if (spikes) {
    const onsets = (full.meta as { qrsOnsets: number[] }).qrsOnsets;
    const width = Math.max(1, Math.round(0.0005 * fs));
    leads.forEach((lead, li) => {
      const gain = Math.cos((li * 0.7 + 0.3) % Math.PI);
      for (const on of onsets) {
        const at = on - Math.round(0.004 * fs);
        for (let k = 0; k < width; k++) lead.samples[at + k] += 1500 * gain;
      }
    });
  }
  return { sampleRate: fs, leads };
}

function runPaced(record: EcgRecord, sizes: number[]) {
  const analyzer = new HolterAnalyzer({
    sampleRate: record.sampleRate,
    leadNames: record.leads.map((l) => l.name),
    blockSec: 30,
    marginSec: 2,
    includeBeats: true,
  });
  const n = record.leads[0].samples.length;
  for (let at = 0, k = 0; at < n; k++) {
    const len = sizes[k % sizes.length];
    analyzer.push(record.leads.map((l) => l.samples.subarray(at, at + len)));
    at += len;
  }
  const spikes = () => analyzer.pacingSpikesFound;
  const summary = analyzer.finish();
  return { summary, spikes: spikes() };
}

test('Holter at 1000 Hz: pacing spikes found block by block mark the beats paced, whatever the chunking', () => {
  const paced = pacedHolter(1000, true);
  const whole = runPaced(paced, [paced.leads[0].samples.length]);
  const { counts } = whole.summary;
  assert.ok(counts.total >= 170, `beats ${counts.total}`);
  assert.ok(counts.paced >= 0.95 * counts.total, JSON.stringify(counts));
  assert.ok(whole.spikes >= counts.paced, `spikes ${whole.spikes}`);
  assert.equal(whole.summary.runs.vRuns, 0);
  const chunked = runPaced(paced, [9_973, 1, 31_337, 500]);
  assert.deepEqual(chunked.summary.beats?.classes, whole.summary.beats?.classes);
  assert.equal(chunked.spikes, whole.spikes);
  // The same rhythm without pulses: nothing paced.
  const plain = runPaced(pacedHolter(1000, false), [50_000]);
  assert.equal(plain.summary.counts.paced, 0);
  assert.equal(plain.spikes, 0);
});

test('Holter below 500 Hz: spikes are not searched (the recorder filter smears them), no beat is called paced', () => {
  const low = runPaced(pacedHolter(250, true), [25_000]);
  assert.equal(low.spikes, 0);
  assert.equal(low.summary.counts.paced, 0);
});
