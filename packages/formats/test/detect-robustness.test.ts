import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FormatError, readDicomEcg, readEcgCsv, readHl7Aecg, readMuseXml } from '../src/index';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const data = path.resolve(repoRoot, '../shared/data');

/** Small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const cases: [string, (bytes: Uint8Array) => unknown][] = [
  ['dicom-ecg/pydicom_waveform_ecg.dcm', readDicomEcg],
  ['hl7-aecg/fda-aecg-python/subject1_0.xml', readHl7Aecg],
  ['ge-muse-xml/braveheart_example1.xml', readMuseXml],
];

for (const [rel, read] of cases) {
  const file = path.join(data, rel);
  test(`truncated or damaged ${path.basename(rel)}: a FormatError or a result, never a crash`, {
    skip: !existsSync(file) && `needs ../shared/data/${path.dirname(rel)}`,
  }, () => {
    const bytes = new Uint8Array(readFileSync(file));
    const rnd = random(42);
    for (let k = 0; k < 24; k++) {
      let damaged: Uint8Array;
      if (k % 2 === 0) damaged = bytes.subarray(0, Math.floor(rnd() * bytes.length));
      else {
        damaged = bytes.slice();
        for (let j = 0; j < 16; j++) damaged[Math.floor(rnd() * damaged.length)] = Math.floor(rnd() * 256);
      }
      try {
        read(damaged);
      } catch (e) {
        assert.ok(e instanceof FormatError, `case ${k}: ${(e as Error).name}: ${(e as Error).message}`);
        assert.ok((e as Error).message.length > 5);
      }
    }
  });
}

test('random bytes are refused by every reader with a FormatError', () => {
  const rnd = random(7);
  for (let k = 0; k < 20; k++) {
    const bytes = Uint8Array.from({ length: 50 + Math.floor(rnd() * 500) }, () => Math.floor(rnd() * 256));
    for (const read of [
      readDicomEcg,
      readHl7Aecg,
      readMuseXml,
      (b: Uint8Array) => readEcgCsv(b, { sampleRate: 500 }),
    ]) {
      assert.throws(() => read(bytes), FormatError);
    }
  }
});
