/**
 * Holter pieces without a database: the critical findings taken from a summary (pause limits in and out of AF,
 * sustained fast VT), the beat blob round trip through range reads, the minute index, and the lead choice.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { AamiClass, HolterSummary, RhythmEvent } from '@lifeline/ecg';
import { FileBlobStore } from '../src/blob';
import {
  beatIndex,
  encodeBeats,
  holterCriticalFindings,
  holterLeads,
  isHolterExam,
  readBeats,
} from '../src/modules/ecg/holter';

const FS = 250;

function summaryWith(events: Partial<RhythmEvent>[], afEpisodes: { start: number; end: number }[] = []) {
  return {
    sampleRate: FS,
    events: events.map((e) => ({ beats: 2, durationMs: 0, start: 0, end: 0, ...e })),
    af: { burdenPercent: 0, episodes: afEpisodes.map((a) => ({ ...a, rateBpm: 90 })) },
  } as unknown as HolterSummary;
}

const pause = (atSec: number, ms: number): Partial<RhythmEvent> => ({
  type: 'pause',
  start: atSec * FS,
  end: atSec * FS + (ms / 1000) * FS,
  durationMs: ms,
});

test('a pause ≥ 3 s outside AF is critical; inside AF only from 5 s', () => {
  assert.deepEqual(holterCriticalFindings(summaryWith([pause(100, 2900)])), []);
  const out = holterCriticalFindings(summaryWith([pause(100, 3200), pause(900, 3500)]));
  assert.equal(out.length, 1);
  assert.equal(out[0].ruleId, 'pause');
  assert.equal(out[0].evidence.pauses, 2);
  assert.equal(out[0].evidence.longestRrSec, 3.5);
  assert.equal(out[0].evidence.atSec, 900);

  const af = [{ start: 50 * FS, end: 200 * FS }];
  assert.deepEqual(holterCriticalFindings(summaryWith([pause(100, 4500)], af)), [], '4.5 s in AF is not');
  const inAf = holterCriticalFindings(summaryWith([pause(100, 5200)], af));
  assert.equal(inAf[0]?.evidence.inAf, 1);
});

test('a VT run ≥ 150/min lasting ≥ 30 s is critical; shorter or slower runs are not', () => {
  const run = (ms: number, rateBpm: number): Partial<RhythmEvent> => ({
    type: 'v-run',
    start: 1000 * FS,
    end: 1000 * FS + (ms / 1000) * FS,
    durationMs: ms,
    rateBpm,
    beats: Math.round((ms / 60000) * rateBpm),
  });
  assert.deepEqual(holterCriticalFindings(summaryWith([run(20_000, 180)])), []);
  assert.deepEqual(holterCriticalFindings(summaryWith([run(40_000, 130)])), []);
  const out = holterCriticalFindings(summaryWith([run(20_000, 180), run(35_000, 170)]));
  assert.equal(out.length, 1);
  assert.equal(out[0].ruleId, 'vt');
  assert.equal(out[0].evidence.rateBpm, 170);
  assert.equal(out[0].evidence.durationSec, 35);
});

const dir = mkdtempSync(join(tmpdir(), 'holter-beats-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the beat blob gives back any slice through range reads, classes included', async () => {
  const blobs = new FileBlobStore(dir);
  const n = 1000;
  const samples = Int32Array.from({ length: n }, (_, i) => 100 + i * 200);
  const classes: AamiClass[] = Array.from(
    { length: n },
    (_, i) => (['N', 'S', 'V', 'F', 'Q', 'P'] as const)[i % 6],
  );
  const key = await blobs.put(encodeBeats(samples, classes));
  assert.equal(await blobs.size(key), n * 5);
  const slice = await readBeats(blobs, key, n, 10, 14);
  assert.deepEqual(slice.samples, [2100, 2300, 2500, 2700]);
  assert.deepEqual(slice.classes, ['Q', 'P', 'N', 'S']);
  assert.deepEqual(await readBeats(blobs, key, n, 998, 2000), {
    samples: [199_700, 199_900],
    classes: ['V', 'F'],
  });
  assert.deepEqual(await readBeats(blobs, key, n, 5, 5), { samples: [], classes: [] });
});

test('the minute index points at the first beat of every minute', () => {
  // Beats every 0.8 s for 3 minutes at 250 Hz: 75 per minute.
  const samples = Int32Array.from({ length: 225 }, (_, i) => i * 200);
  assert.deepEqual(beatIndex(samples, FS, 180), [0, 75, 150, 225]);
});

test('Holter leads: at most three, the usual ones first; ISHNE or > 2 min is a Holter', () => {
  const twelve = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
  assert.deepEqual(holterLeads(twelve), ['II', 'V1', 'V5']);
  assert.deepEqual(holterLeads(['MLII', 'V5']), ['MLII', 'V5']);
  assert.deepEqual(holterLeads(['CH1', 'CH2', 'CH3', 'CH4']), ['CH1', 'CH2', 'CH3']);
  assert.equal(isHolterExam({ format: 'ishne', duration_sec: 95.6 }), true);
  assert.equal(isHolterExam({ format: 'wfdb', duration_sec: 1805 }), true);
  assert.equal(isHolterExam({ format: 'dicom', duration_sec: 10 }), false);
});
