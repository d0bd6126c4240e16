import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { detectQrs, EcgError, type EcgRecord, QRS_CODES, resample, synthesizeEcg } from '../src/index';
import { readAnnotationFile, readWfdbRecord } from '../src/node/index';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const data = path.resolve(repoRoot, '../shared/data');
const mitdb = path.join(data, 'mitdb');
const nstdb = path.join(data, 'physionet-misc-wfdb/nstdb');
const hasMitdb = existsSync(mitdb);

/** Beat-by-beat matching as bxb does: 150 ms window, from `fromSec`, each reference beat matched once. */
function score(ref: number[], test: ArrayLike<number>, fs: number, fromSec = 300) {
  const win = Math.round(0.15 * fs);
  const start = Math.round(fromSec * fs);
  const r = ref.filter((t) => t >= start);
  const d = Array.from(test).filter((t) => t >= start);
  let i = 0;
  let j = 0;
  let tp = 0;
  while (i < r.length && j < d.length) {
    const diff = d[j] - r[i];
    if (Math.abs(diff) <= win) {
      tp++;
      i++;
      j++;
    } else if (diff < 0) j++;
    else i++;
  }
  return { se: tp / r.length, ppv: tp / Math.max(1, d.length), tp, fn: r.length - tp, fp: d.length - tp };
}

async function referenceBeats(dir: string, rec: string): Promise<number[]> {
  const anns = await readAnnotationFile(path.join(dir, `${rec}.atr`));
  return anns.filter((a) => QRS_CODES.has(a.code)).map((a) => a.sample);
}

// Floors (Se, +P): clean 100, PVC-rich 208, and 203, the hardest (multiform PVCs, flutter, heavy noise).
const FLOORS: [string, number, number][] = [
  ['100', 0.995, 0.995],
  ['208', 0.99, 0.99],
  ['203', 0.99, 0.96],
];
for (const [rec, minSe, minPpv] of FLOORS) {
  test(`mitdb ${rec}: Se ≥ ${minSe * 100} %, +P ≥ ${minPpv * 100} %`, {
    skip: !hasMitdb && 'needs ../shared/data/mitdb',
  }, async () => {
    const record = await readWfdbRecord(path.join(mitdb, `${rec}.hea`));
    const s = score(await referenceBeats(mitdb, rec), detectQrs(record), record.sampleRate);
    assert.ok(s.se >= minSe && s.ppv >= minPpv, `${rec}: ${JSON.stringify(s)}`);
  });
}

test('nstdb 118e12 (12 dB electrode-motion noise): Se ≥ 99 %, +P ≥ 97 %', {
  skip: !existsSync(nstdb) && 'needs ../shared/data/physionet-misc-wfdb/nstdb',
}, async () => {
  const record = await readWfdbRecord(path.join(nstdb, '118e12.hea'));
  const s = score(await referenceBeats(nstdb, '118e12'), detectQrs(record), record.sampleRate);
  assert.ok(s.se >= 0.99 && s.ppv >= 0.97, JSON.stringify(s));
});

test('detection holds at 100, 250, 500 and 1000 Hz and at one tenth of the amplitude', {
  skip: !hasMitdb && 'needs ../shared/data/mitdb',
}, async () => {
  const full = await readWfdbRecord(path.join(mitdb, '119.hea'));
  const seconds = 240;
  const ref = (await referenceBeats(mitdb, '119')).filter((t) => t < seconds * 360);
  const segment = full.leads.map((l) => l.samples.subarray(0, seconds * 360));
  for (const fs of [100, 250, 500, 1000]) {
    const record: EcgRecord = {
      sampleRate: fs,
      leads: segment.map((x, i) => ({ name: `L${i}`, samples: resample(x, 360, fs) })),
    };
    const beats = detectQrs(record);
    const s = score(
      ref.map((t) => Math.round((t * fs) / 360)),
      beats,
      fs,
      5,
    );
    assert.ok(s.se >= 0.99 && s.ppv >= 0.99, `${fs} Hz: ${JSON.stringify(s)}`);
    for (let k = 1; k < beats.length; k++) assert.ok(beats[k] > beats[k - 1], 'ascending');
  }
  const quiet: EcgRecord = {
    sampleRate: 360,
    leads: segment.map((x, i) => ({ name: `L${i}`, samples: x.map((v) => v * 0.1) })),
  };
  const s = score(ref, detectQrs(quiet), 360, 5);
  assert.ok(s.se >= 0.99 && s.ppv >= 0.99, `low amplitude: ${JSON.stringify(s)}`);
});

test('pacing spikes before each QRS give one detection per beat', {
  skip: !hasMitdb && 'needs ../shared/data/mitdb',
}, async () => {
  const full = await readWfdbRecord(path.join(mitdb, '100.hea'));
  const n = 120 * 360;
  const ref = (await referenceBeats(mitdb, '100')).filter((t) => t < n);
  const leads = full.leads.map((l) => Float32Array.from(l.samples.subarray(0, n)));
  // A 5 mV, 1.5 ms pacemaker spike 60 ms before every beat (unipolar pacing artefact).
  for (const t of ref) {
    const at = t - Math.round(0.06 * 360);
    if (at < 0) continue;
    for (const x of leads) x[at] += 5000;
  }
  const beats = detectQrs({
    sampleRate: 360,
    leads: leads.map((samples, i) => ({ name: `L${i}`, samples })),
  });
  const s = score(ref, beats, 360, 5);
  assert.ok(s.se >= 0.99 && s.ppv >= 0.99, JSON.stringify(s));
});

test('no beats in flat or too-short records; bad options are refused', () => {
  const flat: EcgRecord = { sampleRate: 250, leads: [{ name: 'II', samples: new Float32Array(2500) }] };
  assert.equal(detectQrs(flat).length, 0);
  const short: EcgRecord = {
    sampleRate: 250,
    leads: [{ name: 'II', samples: new Float32Array(10).fill(1) }],
  };
  assert.equal(detectQrs(short).length, 0);
  assert.throws(
    () => detectQrs(flat, { leads: [3] }),
    (e: unknown) => e instanceof EcgError && /lead index 3/.test(e.message),
  );
  assert.throws(() => detectQrs({ sampleRate: 0, leads: flat.leads }), EcgError);
  assert.throws(() => detectQrs(flat, { refractorySec: Number.NaN }), /refractorySec/);
});

const cinc = path.join(data, 'cinc2021-12lead');

test('12-lead 500 Hz records (CinC 2021): plausible rates, no RR under 250 ms, flat leads ignored', {
  skip: !existsSync(cinc) && 'needs ../shared/data/cinc2021-12lead',
}, async () => {
  const { readdirSync } = await import('node:fs');
  for (const f of readdirSync(cinc).filter((x) => x.endsWith('.hea'))) {
    const record = await readWfdbRecord(path.join(cinc, f));
    const beats = detectQrs(record);
    const rr = Array.from(beats.subarray(1), (b, i) => (b - beats[i]) / record.sampleRate).sort(
      (a, b) => a - b,
    );
    const hr = 60 / rr[rr.length >> 1];
    assert.ok(hr > 30 && hr < 220, `${f}: median rate ${hr}`);
    assert.ok(rr[0] >= 0.25, `${f}: shortest RR ${rr[0]} s`);
  }
});

test('sinus pauses of 3 s filled with low noise give no false beats and lose none', {
  skip: !hasMitdb && 'needs ../shared/data/mitdb',
}, async () => {
  const full = await readWfdbRecord(path.join(mitdb, '100.hea'));
  const seconds = 240;
  const ref = (await referenceBeats(mitdb, '100')).filter((t) => t < seconds * 360);
  let seed = 9;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed / 0x7fffffff - 0.5) * 40;
  };
  // After every 10th beat (400 ms after its R), insert 3 s of the level reached there plus 20 µV noise.
  const cuts = ref.filter((_, i) => i % 10 === 5).map((t) => t + 144);
  const pause = 3 * 360;
  const total = seconds * 360 + cuts.length * pause;
  const leads = full.leads.map((l) => ({ name: l.name, samples: new Float32Array(total) }));
  const expected: number[] = [];
  let out = 0;
  let from = 0;
  for (const cut of [...cuts, seconds * 360]) {
    for (const [li, lead] of leads.entries())
      lead.samples.set(full.leads[li].samples.subarray(from, cut), out);
    for (const t of ref) if (t >= from && t < cut) expected.push(t - from + out);
    out += cut - from;
    if (cut < seconds * 360) {
      for (const [li, lead] of leads.entries()) {
        const level = full.leads[li].samples[cut];
        for (let i = 0; i < pause; i++) lead.samples[out + i] = level + noise();
      }
      out += pause;
    }
    from = cut;
  }
  const s = score(expected, detectQrs({ sampleRate: 360, leads }), 360, 1);
  assert.equal(s.fn, 0, JSON.stringify(s));
  assert.equal(s.fp, 0, JSON.stringify(s));
});

test('a ventricular rate of 25/min with P waves between the QRS complexes: no P wave is taken for a beat', () => {
  // 3:1 AV block: P waves every 800 ms, every third conducted. In the first 8 s most seconds hold no QRS, only P
  // and T waves, which must not set the initial QRS level.
  for (const durationSec of [20, 24, 30, 36]) {
    const pTimesMs: number[] = [];
    const qrsTimesMs: number[] = [];
    for (let i = 0; 300 + i * 800 < durationSec * 1000 - 600; i++) {
      pTimesMs.push(300 + i * 800);
      if (i % 3 === 0) qrsTimesMs.push(300 + i * 800 + 180);
    }
    const record = synthesizeEcg({
      sampleRate: 500,
      durationSec,
      pTimesMs,
      qrsTimesMs,
      noiseUv: 8,
      qtMs: 360,
    });
    const beats = Array.from(detectQrs(record), (s) => (s * 1000) / 500);
    assert.equal(beats.length, qrsTimesMs.length, `${durationSec} s: ${beats.join(',')}`);
    for (const [k, t] of beats.entries()) {
      assert.ok(Math.abs(t - qrsTimesMs[k]) <= 60, `${durationSec} s beat ${k} at ${t}`);
    }
  }
});
