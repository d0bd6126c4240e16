import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { atrialActivity, classifyBeats, detectAf, detectQrs } from '../src/index';
import { readWfdbRecord } from '../src/node/index';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cpsc = path.resolve(repoRoot, '../shared/data/cpsc2021-paf');
const present = existsSync(path.join(cpsc, 'data_8_3.hea'));

async function afOn(name: string) {
  const record = await readWfdbRecord(path.join(cpsc, `${name}.hea`));
  const beats = detectQrs(record);
  const classes = classifyBeats(record, beats);
  const activity = atrialActivity({
    leads: record.leads.map((l) => l.samples),
    sampleRate: record.sampleRate,
    positions: beats,
  });
  return detectAf(beats, record.sampleRate, classes, { atrialActivity: activity });
}

test('cpsc2021 data_8_3 (AF throughout): AF burden ≥ 80 %', {
  skip: !present && 'needs ../shared/data/cpsc2021-paf',
}, async () => {
  const res = await afOn('data_8_3');
  assert.ok(res.burden >= 0.8, `burden ${res.burden}`);
  assert.ok(res.episodes.length >= 1);
});

test('cpsc2021 data_92_19 (two AF episodes): the 40-s episode is found, burden within 10 points', {
  skip: !present && 'needs ../shared/data/cpsc2021-paf',
}, async () => {
  const res = await afOn('data_92_19');
  // Reference AF: 74–92 s and 274–314 s (15.8 % of 362 s); the 18-s episode is below the 30-s clinical minimum.
  assert.ok(
    res.episodes.some((e) => e.start < 314 * 200 && e.end > 274 * 200),
    'long episode found',
  );
  assert.ok(Math.abs(res.burden - 0.158) < 0.1, `burden ${res.burden}`);
});

test('cpsc2021 data_21_8 (no AF, 518 s): no AF episode', {
  skip: !present && 'needs ../shared/data/cpsc2021-paf',
}, async () => {
  const res = await afOn('data_21_8');
  assert.equal(res.episodes.length, 0);
  assert.equal(res.burden, 0);
});
