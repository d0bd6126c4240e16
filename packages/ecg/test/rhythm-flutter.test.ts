import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { detectFlutter, detectQrs, synthesizeEcg } from '../src/index';
import { readWfdbRecord } from '../src/node/index';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const mitdb = path.resolve(repoRoot, '../shared/data/mitdb');

/** Lead II without P waves plus a 300/min sawtooth of the given amplitude (µV). */
function flutterEcg(rrMs: number, amplitude: number) {
  const rec = synthesizeEcg({ sampleRate: 250, durationSec: 40, rrMs: [rrMs], pAmplitude: 0, noiseUv: 20 });
  const ii = rec.leads[1].samples;
  for (let i = 0; i < ii.length; i++) {
    const phase = ((i / 250) * 5) % 1;
    ii[i] += amplitude * (phase < 0.8 ? 1 - (2 * phase) / 0.8 : -1 + (2 * (phase - 0.8)) / 0.2);
  }
  return { lead: ii, beats: detectQrs(rec) };
}

test('flutter waves at 300/min with 2:1 and 3:1 conduction are flagged as "consider"', () => {
  for (const [rr, conduction] of [
    [400, 2],
    [600, 3],
  ]) {
    const { lead, beats } = flutterEcg(rr, 200);
    const ep = detectFlutter(lead, 250, beats);
    assert.ok(ep.length >= 1, `rr ${rr}`);
    assert.equal(ep[0].conduction, conduction);
    assert.ok(Math.abs(ep[0].atrialRate - 300) <= 12, `rate ${ep[0].atrialRate}`);
    assert.equal(ep[0].certainty, 'consider');
  }
});

test('sinus tachycardia at 150/min with P waves is not flutter', () => {
  const rec = synthesizeEcg({ sampleRate: 250, durationSec: 40, rrMs: [400], noiseUv: 20 });
  assert.deepEqual(detectFlutter(rec.leads[1].samples, 250, detectQrs(rec)), []);
});

test('no flutter on mitdb 100 and 122 (sinus rhythm)', {
  skip: !existsSync(path.join(mitdb, '100.hea')) && 'needs ../shared/data/mitdb',
}, async () => {
  for (const name of ['100', '122']) {
    const rec = await readWfdbRecord(path.join(mitdb, `${name}.hea`));
    assert.deepEqual(detectFlutter(rec.leads[0].samples, rec.sampleRate, detectQrs(rec)), [], name);
  }
});

test('flutter: bad input throws, short input gives nothing', () => {
  assert.throws(
    () => detectFlutter([1, 2] as unknown as Float32Array, 250, new Int32Array(0)),
    /Float32Array/,
  );
  assert.throws(() => detectFlutter(new Float32Array(10), 10, new Int32Array(0)), /sampleRate/);
  assert.deepEqual(detectFlutter(new Float32Array(100), 250, Int32Array.from([10, 20])), []);
});
