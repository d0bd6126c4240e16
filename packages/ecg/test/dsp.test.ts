import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  applyBiquad,
  applyCascade,
  assessLeadQuality,
  bandPass,
  detectMainsFrequency,
  EcgError,
  type EcgRecord,
  highPassBiquad,
  lowPassBiquad,
  notchBiquad,
  removeBaselineWander,
  removePowerline,
  resample,
  resampleRecord,
  WINDOW_VERDICTS,
} from '../src/index';
import { readWfdbRecord } from '../src/node/index';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const mitdb = path.resolve(repoRoot, '../shared/data/mitdb');

function sine(n: number, fs: number, f: number, amp: number, phase = 0): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * f * i) / fs + phase);
  return x;
}

function rms(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / (to - from));
}

/** A crude ECG: narrow 1 mV Gaussian "QRS" pulses at 75 bpm. */
function pulses(n: number, fs: number): Float32Array {
  const x = new Float32Array(n);
  const period = Math.round(0.8 * fs);
  const width = 0.012 * fs;
  for (let c = Math.round(0.3 * fs); c < n; c += period) {
    for (let i = Math.max(0, c - 5 * width); i < Math.min(n, c + 5 * width); i++) {
      x[Math.round(i)] = 1000 * Math.exp(-(((Math.round(i) - c) / width) ** 2));
    }
  }
  return x;
}

test('removePowerline removes a 50 Hz sine and keeps a 10 Hz one', () => {
  const fs = 500;
  const n = fs * 10;
  const wanted = sine(n, fs, 10, 500);
  const hum = sine(n, fs, 50, 300, 0.3);
  const x = wanted.map((v, i) => v + hum[i]);
  assert.equal(detectMainsFrequency(x, fs), 50);
  const y = removePowerline(x, fs, 50);
  const err = y.map((v, i) => v - wanted[i]);
  // Judge the middle (edges carry the notch's settling).
  assert.ok(rms(err, fs, n - fs) < 0.03 * 300, `residual ${rms(err, fs, n - fs)}`);
  assert.ok(Math.abs(rms(y, fs, n - fs) - rms(wanted, fs, n - fs)) < 10);
  // 60 Hz mains is also found.
  assert.equal(
    detectMainsFrequency(
      sine(n, fs, 60, 200).map((v, i) => v + wanted[i]),
      fs,
    ),
    60,
  );
});

test('removeBaselineWander removes slow drift and keeps QRS-like pulses', () => {
  const fs = 360;
  const n = fs * 20;
  const ecg = pulses(n, fs);
  const drift = sine(n, fs, 0.15, 2000);
  const y = removeBaselineWander(
    ecg.map((v, i) => v + drift[i] + 500),
    fs,
  );
  const err = y.map((v, i) => v - ecg[i]);
  // Residual drift and the pulses' own DC share are small next to the 2 mV drift.
  let worst = 0;
  for (let i = 2 * fs; i < n - 2 * fs; i++) worst = Math.max(worst, Math.abs(err[i] + 0));
  assert.ok(worst < 150, `worst residual ${worst} µV`);
  let peak = 0;
  for (let i = 2 * fs; i < n - 2 * fs; i++) peak = Math.max(peak, y[i]);
  assert.ok(peak > 850, `pulse peak ${peak}`);
});

test('bandPass passes the QRS band and rejects drift and high-frequency noise', () => {
  const fs = 250;
  const n = fs * 8;
  const inBand = bandPass(sine(n, fs, 12, 100), fs, 5, 25);
  const slow = bandPass(sine(n, fs, 0.3, 100), fs, 5, 25);
  const fast = bandPass(sine(n, fs, 90, 100), fs, 5, 25);
  const mid = [fs, n - fs] as const;
  assert.ok(rms(inBand, ...mid) > 60);
  assert.ok(rms(slow, ...mid) < 2);
  assert.ok(rms(fast, ...mid) < 10);
  assert.throws(() => bandPass(new Float32Array(10), fs, 30, 5), EcgError);
  assert.throws(() => bandPass(new Float32Array(10), fs, 5, 200), /Nyquist/);
  assert.throws(() => removeBaselineWander(new Float32Array(10), Number.NaN), EcgError);
});

test('resample converts between any rates and preserves a sine', () => {
  const x = sine(3600, 360, 7, 1000);
  const up = resample(x, 360, 500);
  assert.equal(up.length, 5000);
  const expected = sine(5000, 500, 7, 1000);
  let worst = 0;
  for (let i = 50; i < 4950; i++) worst = Math.max(worst, Math.abs(up[i] - expected[i]));
  assert.ok(worst < 5, `upsampling error ${worst}`);
  const down = resample(x, 360, 128);
  assert.equal(down.length, 1280);
  const e2 = sine(1280, 128, 7, 1000);
  worst = 0;
  for (let i = 60; i < 1220; i++) worst = Math.max(worst, Math.abs(down[i] - e2[i]));
  assert.ok(worst < 30, `downsampling error ${worst}`);
  // A tone above the new Nyquist is removed rather than folded back.
  const aliased = resample(sine(3600, 360, 100, 1000), 360, 128);
  assert.ok(rms(aliased, 60, 1220) < 100, `alias ${rms(aliased, 60, 1220)}`);
  const rec: EcgRecord = { sampleRate: 360, leads: [{ name: 'II', samples: x }] };
  assert.equal(resampleRecord(rec, 180).leads[0].samples.length, 1800);
  assert.throws(() => resample(x, 0, 100), /fromHz/);
  assert.throws(() => resample(x, 360, Number.POSITIVE_INFINITY), /toHz/);
});

test('assessLeadQuality: flat, saturated, noisy, lead-off (mains) and good', () => {
  const fs = 250;
  const n = fs * 20;
  const good = pulses(n, fs);
  const flat = new Float32Array(n).fill(120);
  const saturated = good.map((v, i) => (i % (fs * 2) < fs ? 5000 : v));
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff - 0.5;
  };
  const noisy = new Float32Array(n).map(() => 800 * (rand() + rand() + rand()));
  const mains = sine(n, fs, 50, 400).map((v) => v + 3);
  const record: EcgRecord = {
    sampleRate: fs,
    leads: [
      { name: 'good', samples: good },
      { name: 'flat', samples: flat },
      { name: 'sat', samples: saturated },
      { name: 'noisy', samples: noisy },
      { name: 'mains', samples: mains },
    ],
  };
  const reports = assessLeadQuality(record);
  assert.deepEqual(
    reports.map((r) => r.quality),
    ['good', 'flat', 'saturated', 'noisy', 'lead-off'],
  );
  // Window verdicts: 10 windows of 2 s; the clipped lead alternates clipped (2) and clean (0) windows.
  const sat = reports[2].windows;
  assert.equal(sat.length, 2 * fs);
  assert.deepEqual(Array.from(sat.starts.subarray(0, 3)), [0, 500, 1000]);
  assert.ok(
    sat.verdicts.every((v) => v === 2),
    'each window starts with a 1-s clipped stretch',
  );
  assert.ok(reports[0].windows.verdicts.every((v) => WINDOW_VERDICTS[v] === 'good'));
  const noisyWindows = reports[3].windows.verdicts.filter((v) => WINDOW_VERDICTS[v] === 'noisy').length;
  assert.ok(noisyWindows >= 5, `${noisyWindows} of 10 noise windows judged noisy`);
});

test('assessLeadQuality calls both mitdb 100 leads good', {
  skip: !existsSync(mitdb) && 'needs ../shared/data/mitdb',
}, async () => {
  const r = await readWfdbRecord(path.join(mitdb, '100.hea'));
  const short: EcgRecord = {
    ...r,
    leads: r.leads.map((l) => ({ ...l, samples: l.samples.subarray(0, 360 * 120) })),
  };
  assert.deepEqual(
    assessLeadQuality(short).map((x) => x.quality),
    ['good', 'good'],
  );
});

const cinc = path.resolve(repoRoot, '../shared/data/cinc2021-12lead');

test('assessLeadQuality finds the zeroed chest leads of a real Chapman 12-lead record', {
  skip: !existsSync(cinc) && 'needs ../shared/data/cinc2021-12lead',
}, async () => {
  const r = await readWfdbRecord(path.join(cinc, 'JS20004.hea'));
  const bad = assessLeadQuality(r)
    .filter((q) => q.quality !== 'good')
    .map((q) => `${q.name}=${q.quality}`);
  assert.deepEqual(bad, ['V2=flat', 'V4=flat', 'V6=flat']);
});

test('applyCascade equals one applyBiquad pass per section', () => {
  const fs = 360;
  const x = sine(4000, fs, 3, 500).map((v, i) => v + (i % 50 === 0 ? 2000 : 0) + 300);
  const sections = [highPassBiquad(5, fs), lowPassBiquad(18, fs), lowPassBiquad(18, fs), notchBiquad(50, fs)];
  let ref: Float32Array = x;
  for (const s of sections) ref = applyBiquad(ref, s);
  const fused = applyCascade(x, sections);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(fused[i] - ref[i]));
  assert.ok(worst < 0.01, `difference ${worst}`);
  assert.deepEqual(applyCascade(x, []), x);
  assert.equal(applyCascade(new Float32Array(0), sections).length, 0);
});
