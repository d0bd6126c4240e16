import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  analyzeEcg,
  classifyBeats,
  detectPacingSpikes,
  EcgError,
  type EcgRecord,
  pacingEvidence,
  synthesizeEcg,
} from '../src/index';
import { readAnnotationFile, readWfdbRecord } from '../src/node/index';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const mitdb = path.resolve(repoRoot, '../shared/data/mitdb');

/** A ventricular-paced 12-lead ECG: wide QRS, no P wave, a pacing pulse `leadMs` before each QRS. */
function pacedEcg(
  fs: number,
  opts: { spikeUv?: number; spikeMs?: number; noiseUv?: number } = {},
): EcgRecord {
  const record = synthesizeEcg({
    sampleRate: fs,
    durationSec: 10,
    rrMs: [857],
    qrsDurationMs: 150,
    qrsAxis: -60,
    tAxis: 120,
    pAmplitude: 0,
    noiseUv: opts.noiseUv ?? 10,
  });
  const onsets = (record.meta as { qrsOnsets: number[] }).qrsOnsets;
  const width = Math.max(1, Math.round(((opts.spikeMs ?? 0.5) * fs) / 1000));
  record.leads.forEach((lead, li) => {
    // A bipolar pulse projects differently on each lead; some leads see it small or inverted.
    const gain = Math.cos((li * 0.7 + 0.3) % Math.PI);
    for (const on of onsets) {
      const at = on - Math.round(0.004 * fs);
      for (let k = 0; k < width; k++) lead.samples[at + k] += (opts.spikeUv ?? 1500) * gain;
    }
  });
  return record;
}

test('spikes at 500 Hz: one per paced beat, just before its QRS; none in the same rhythm without pulses', () => {
  const record = pacedEcg(500);
  const onsets = (record.meta as { qrsOnsets: number[] }).qrsOnsets;
  const spikes = detectPacingSpikes(record);
  assert.equal(spikes.searched, true);
  assert.equal(spikes.samples.length, onsets.length);
  spikes.samples.forEach((s, i) => {
    assert.ok(Math.abs(s - (onsets[i] - 2)) <= 1, `${s} vs ${onsets[i]}`);
  });
  const plain = synthesizeEcg({
    sampleRate: 500,
    durationSec: 10,
    rrMs: [857],
    qrsDurationMs: 150,
    noiseUv: 10,
  });
  assert.equal(detectPacingSpikes(plain).samples.length, 0);
});

test('analyzeEcg at 500 and 1000 Hz: paced beats and a definite paced-rhythm statement without any device hint', () => {
  for (const fs of [500, 1000]) {
    const a = analyzeEcg(pacedEcg(fs));
    const classes = a.beats.classes ?? [];
    assert.ok(classes.length >= 10);
    assert.ok(
      classes.every((c) => c === 'P'),
      `${fs} Hz: ${classes.join('')}`,
    );
    const paced = a.statements.find((s) => s.code === 'PACED');
    assert.ok(paced, `${fs} Hz: ${a.statements.map((s) => s.code).join(',')}`);
    assert.equal(paced.certainty, 'definite');
    assert.equal(paced.evidence.values?.spikes, classes.length);
  }
});

test('a lone sharp artefact in one lead, or a single pulse, is not pacing', () => {
  const record = synthesizeEcg({ sampleRate: 500, durationSec: 10, rrMs: [800], noiseUv: 10 });
  record.leads[1].samples[2345] += 3000;
  assert.equal(detectPacingSpikes(record).samples.length, 0);
  for (const lead of record.leads) lead.samples[3000] += 2000;
  const beats = Int32Array.from((record.meta as { qrsOnsets: number[] }).qrsOnsets);
  assert.equal(pacingEvidence(record, beats).kind, 'none');
  const a = analyzeEcg(record);
  assert.ok(!a.statements.some((s) => s.code === 'PACED'));
  assert.ok(!(a.beats.classes ?? []).includes('P'));
});

test('below 500 Hz resolved-spike search is off; smeared spikes only count when consistent', () => {
  const record = pacedEcg(360, { spikeUv: 800, spikeMs: 3 });
  assert.equal(detectPacingSpikes(record).searched, false);
  const beats = Int32Array.from((record.meta as { qrsOnsets: number[] }).qrsOnsets);
  const ev = pacingEvidence(record, beats);
  assert.equal(ev.kind, 'low-rate-spikes');
  const a = analyzeEcg(record);
  assert.equal(a.statements.find((s) => s.code === 'PACED')?.certainty, 'consider');
});

test('bad input: absurd options and invalid records throw EcgError', () => {
  assert.throws(() => detectPacingSpikes({ sampleRate: 500, leads: [] }), EcgError);
  assert.throws(
    () =>
      detectPacingSpikes({ sampleRate: Number.NaN, leads: [{ name: 'II', samples: new Float32Array(10) }] }),
    EcgError,
  );
  const tiny = { sampleRate: 500, leads: [{ name: 'II', samples: new Float32Array(2) }] };
  assert.equal(detectPacingSpikes(tiny).samples.length, 0);
});

test('mitdb 102 and 104 (360 Hz, paced): paced beats found from the signal alone, no hint', async (t) => {
  if (!existsSync(mitdb)) return t.skip('needs ../shared/data/mitdb');
  for (const name of ['102', '104']) {
    const record = await readWfdbRecord(path.join(mitdb, `${name}.hea`));
    const ann = (await readAnnotationFile(path.join(mitdb, `${name}.atr`))).filter((a) =>
      '/fNLRVAFjJaESeQ'.includes(a.symbol),
    );
    const beats = Int32Array.from(ann.map((a) => a.sample));
    const classes = classifyBeats(record, beats);
    let tp = 0;
    let fn = 0;
    let fp = 0;
    ann.forEach((a, i) => {
      const ref = a.symbol === '/' || a.symbol === 'f';
      if (ref) classes[i] === 'P' ? tp++ : fn++;
      else if (classes[i] === 'P') fp++;
    });
    assert.ok(tp / (tp + fn) >= 0.9, `${name} Se ${tp}/${tp + fn}`);
    assert.ok(tp / (tp + fp) >= 0.9, `${name} +P ${tp}/${tp + fp}`);
  }
});
