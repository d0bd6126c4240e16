import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { meanSd, scoreDelineation } from '../src/delineate/evaluate';
import { synthesizeEcg } from '../src/delineate/synthetic';
import { buildMedianBeats, delineate, detectQrs, EcgError, fiducialsInMs } from '../src/index';
import { readAnnotationFile, readWfdbRecord } from '../src/node/index';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const ludb = path.resolve(repoRoot, '../shared/data/ludb-sample');

/** Beats of a synthetic record at a fixed point 20 ms into each QRS, as a detector would report them. */
function beatsOf(record: ReturnType<typeof synthesizeEcg>, offsetMs = 20): Int32Array {
  const onsets = record.meta!.qrsOnsets as number[];
  return Int32Array.from(onsets, (o) => o + Math.round((offsetMs * record.sampleRate) / 1000));
}

test('synthetic ECG: global boundaries within 12 ms of the exact wave limits', () => {
  const record = synthesizeEcg({
    noiseUv: 8,
    qrsDurationMs: 100,
    qtMs: 420,
    pOnsetMs: -170,
    pDurationMs: 110,
  });
  const d = delineate(record, beatsOf(record));
  const f = fiducialsInMs(d);
  // The fiducial is 20 ms after QRS onset, so exact limits are: QRS −20…80, P −190…−80, T end 400.
  assert.ok(Math.abs(f.qrsOnset! - -20) <= 12, `qrsOnset ${f.qrsOnset}`);
  assert.ok(Math.abs(f.qrsOffset! - 80) <= 12, `qrsOffset ${f.qrsOffset}`);
  assert.ok(Math.abs(f.pOnset! - -190) <= 12, `pOnset ${f.pOnset}`);
  assert.ok(Math.abs(f.pOffset! - -80) <= 12, `pOffset ${f.pOffset}`);
  assert.ok(Math.abs(f.tOffset! - 400) <= 12, `tOffset ${f.tOffset}`);
  assert.ok(f.tPeak! > f.qrsOffset! && f.tPeak! < f.tOffset!);
});

test('a record without P waves is delineated without a P wave', () => {
  const record = synthesizeEcg({ noiseUv: 8, pAmplitude: 0 });
  const d = delineate(record, beatsOf(record));
  assert.equal(d.fiducials.pOnset, undefined);
  assert.ok(d.fiducials.tOffset !== undefined);
});

test('median beat ignores a premature ventricular beat and survives misaligned detections', () => {
  const record = synthesizeEcg({ noiseUv: 5, ventricularBeats: [4] });
  const beats = beatsOf(record);
  // Jitter the reported fiducials by up to ±8 ms: alignment must undo it.
  const jitter = [0, 4, -4, 3, 0, -3, 2, -2, 4];
  const jittered = beats.map((b, i) => b + (jitter[i % jitter.length] * record.sampleRate) / 1000);
  const classes = Array.from(beats, (_, i) => (i === 4 ? ('V' as const) : ('N' as const)));
  const m = buildMedianBeats(record, jittered, { classes });
  assert.ok(!m.used.includes(4), 'the V beat is excluded');
  const f = fiducialsInMs(delineate(record, jittered, { classes }));
  assert.ok(Math.abs(f.qrsOffset! - f.qrsOnset! - 90) <= 15, `QRS ${f.qrsOffset! - f.qrsOnset!}`);
});

test('bad beat input is refused with a clear error', () => {
  const record = synthesizeEcg({ durationSec: 3 });
  assert.throws(
    () => delineate(record, new Int32Array(0)),
    (e: unknown) => e instanceof EcgError && /no beats/.test(e.message),
  );
  assert.throws(() => delineate(record, Int32Array.from([100, 99999])), /beats\[1\] = 99999 is outside/);
});

test('a beat at the very edge of the record does not break the median', () => {
  const record = synthesizeEcg({ durationSec: 4 });
  const beats = Int32Array.from([0, ...beatsOf(record)]);
  const d = delineate(record, beats);
  assert.ok(d.fiducials.qrsOffset > d.fiducials.qrsOnset);
});

test('LUDB record 1: intervals close to the annotators', {
  skip: !existsSync(ludb) && 'needs ../shared/data/ludb-sample',
}, async () => {
  const record = await readWfdbRecord(path.join(ludb, 'egm_ludb-ecg.hea'));
  const marks = await Promise.all(
    record.leads.map((l) => readAnnotationFile(path.join(ludb, `egm_ludb-ecg.${l.name.toLowerCase()}`))),
  );
  const beats = detectQrs(record);
  const errors = scoreDelineation(delineate(record, beats), beats, marks, { robust: true });
  const pr = meanSd(errors.pr);
  const qrs = meanSd(errors.qrsDuration);
  const qt = meanSd(errors.qt);
  assert.ok(pr.n >= 4 && qrs.n >= 4 && qt.n >= 4, 'most beats scored');
  // Loose bounds that a broken delineator fails by far (current figures are in docs/benchmarks.md).
  assert.ok(Math.abs(pr.mean) <= 15, `PR ${pr.mean}`);
  assert.ok(Math.abs(qrs.mean) <= 30, `QRS ${qrs.mean}`);
  assert.ok(Math.abs(qt.mean) <= 40 && qt.sd <= 30, `QT ${qt.mean} ± ${qt.sd}`);
});

test('atrial events: dissociated P waves are found between the QRS complexes; locked ones cancel out', async () => {
  const { avConduction, detectAtrialEvents } = await import('../src/delineate/atrial');
  const block = synthesizeEcg({
    noiseUv: 15,
    rrMs: [1600],
    atrialCycleMs: 760,
    qrsDurationMs: 130,
    qtMs: 480,
  });
  const beats = detectQrs(block);
  const d = delineate(block, beats);
  const events = detectAtrialEvents(block, beats, d.fiducials, d.medians.fiducial)!;
  // True P peaks every 760 ms from 200 ms; most must be found, none far from a true one.
  const truth = Array.from({ length: 13 }, (_, k) => (200 + 760 * k) / 2);
  const hits = Array.from(events.samples).filter((s) => truth.some((t) => Math.abs(s - t) <= 10));
  assert.ok(hits.length >= 9, `found ${events.samples.length}, ${hits.length} true`);
  assert.equal(hits.length, events.samples.length, 'no false P waves');
  const av = avConduction(events.samples, beats, block.sampleRate)!;
  assert.ok(Math.abs(av.atrialRate - 79) <= 3 && Math.abs(av.ventricularRate - 38) <= 2, JSON.stringify(av));
  assert.ok(av.prSd > 60);

  const sinus = synthesizeEcg({ noiseUv: 15, rrMs: [1200] });
  const sb = detectQrs(sinus);
  const sd = delineate(sinus, sb);
  assert.ok(detectAtrialEvents(sinus, sb, sd.fiducials, sd.medians.fiducial)!.samples.length <= 2);
});

test('ventricular bigeminy: the T wave of the normal beats is not confused with the early ectopic beat', () => {
  const record = synthesizeEcg({ noiseUv: 10, rrMs: [1000], ventricularBeats: [1, 3, 5, 7, 9], qtMs: 420 });
  const beats = beatsOf(record);
  const classes = Array.from(beats, (_, i) => (i % 2 ? ('V' as const) : ('N' as const)));
  const d = delineate(record, beats, { classes });
  const qt = ((d.fiducials.tOffset! - d.fiducials.qrsOnset) * 1000) / record.sampleRate;
  assert.ok(Math.abs(qt - 420) <= 20, `QT ${qt}`);
  assert.ok(d.medians.rrAfter < d.medians.rrBefore, 'normal beats are followed early and preceded late');
});
