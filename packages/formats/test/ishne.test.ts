import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readIshne } from '../src/ishne/index';
import { crcCcitt } from '../src/scp/index';
import { FormatError } from '../src/types';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = path.resolve(repoRoot, '../shared/data/ishne-holter');
const exists = existsSync(dataDir);
const skip = !exists && 'needs ../shared/data/ishne-holter';
const load = (name: string) => new Uint8Array(readFileSync(path.join(dataDir, name)));

// ---------- a small ISHNE writer, so header fields and bad sizes can be tested without the sample file ----------

interface Synthetic {
  leads: number;
  samplesPerLead: number;
  /** Samples actually written (defaults to samplesPerLead). */
  written?: number;
  rate?: number;
  resolutionNv?: number;
  variable?: string;
}

function writeIshne(o: Synthetic, magic = 'ISHNE1.0'): Uint8Array {
  const variable = new TextEncoder().encode(o.variable ?? '');
  const written = o.written ?? o.samplesPerLead;
  const dataOffset = 522 + variable.length;
  const bytes = new Uint8Array(dataOffset + written * o.leads * 2);
  const v = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(magic), 0);
  v.setInt32(10, variable.length, true);
  v.setInt32(14, o.samplesPerLead, true);
  v.setInt32(18, 522, true);
  v.setInt32(22, dataOffset, true);
  v.setInt16(26, 1, true);
  bytes.set(new TextEncoder().encode('Wang'), 28);
  bytes.set(new TextEncoder().encode('Li'), 68);
  bytes.set(new TextEncoder().encode('P-001'), 108);
  v.setInt16(128, 2, true); // female
  const int16s = (offset: number, values: number[]) => {
    for (let i = 0; i < values.length; i++) v.setInt16(offset + 2 * i, values[i], true);
  };
  int16s(132, [15, 6, 1960]); // birth date: day, month, year
  int16s(138, [3, 2, 2024]); // record date
  int16s(150, [8, 30, 5]); // start time
  v.setInt16(156, o.leads, true);
  const specs = [6, 11, 15]; // II, V1, V5
  for (let l = 0; l < 12; l++) {
    v.setInt16(158 + 2 * l, l < o.leads ? specs[l % 3] : -9, true);
    v.setInt16(182 + 2 * l, l === 1 ? 4 : 1, true); // lead 2 "intermittent disconnection"
    v.setInt16(206 + 2 * l, o.resolutionNv ?? 2500, true);
  }
  v.setInt16(272, o.rate ?? 200, true);
  bytes.set(variable, 522);
  for (let i = 0; i < written; i++) {
    for (let l = 0; l < o.leads; l++)
      v.setInt16(dataOffset + 2 * (i * o.leads + l), (l + 1) * 100 + (i % 7), true);
  }
  v.setUint16(8, crcCcitt(bytes, 10, 522 + variable.length), true);
  return bytes;
}

function writeAnnotations(beats: [string, number][], startSample = 0): Uint8Array {
  const header = writeIshne({ leads: 1, samplesPerLead: 0, written: 0 }, 'ANN  1.0');
  const out = new Uint8Array(522 + 4 + beats.length * 4);
  out.set(header.subarray(0, 522));
  const v = new DataView(out.buffer);
  v.setUint32(522, startSample, true);
  let previous = startSample;
  beats.forEach(([label, sample], k) => {
    out[526 + 4 * k] = label.charCodeAt(0);
    out[527 + 4 * k] = label.charCodeAt(1) || 0;
    v.setUint16(528 + 4 * k, sample - previous, true);
    previous = sample;
  });
  return out;
}

// ---------- sample file ----------

test('ISHNE sample: 12 leads at 1000 Hz in µV, header fields, and its 97 beat annotations on the QRS', {
  skip,
}, () => {
  const r = readIshne(load('ECG_P28.01.ecg'), load('ECG_P28.01.ann'));
  assert.equal(r.format, 'ishne');
  assert.equal(r.record.sampleRate, 1000);
  assert.deepEqual(
    r.record.leads.map((l) => l.name),
    ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
  );
  const n = r.record.leads[0].samples.length;
  assert.equal(n, 95573, 'ECG size from the header, validated against the file length');
  assert.equal(r.acquiredAt, '2000-01-01T07:00:00');
  assert.equal(r.patient?.id, 'ECG_P28.01');
  const annotations = r.annotations ?? [];
  assert.equal(annotations.length, 97);
  assert.ok(
    annotations.every((a, i) => i === 0 || a.sample > annotations[i - 1].sample),
    'ascending',
  );
  assert.ok(annotations.filter((a) => a.code === 'N').length > 80, 'mostly normal beats');
  // each normal-beat annotation sits on a QRS: the largest |II| within ±50 ms is 0.3–3 mV (5000 nV resolution)
  const II = r.record.leads[1].samples;
  let onQrs = 0;
  const normal = annotations.filter((a) => a.code === 'N');
  for (const a of normal) {
    let peak = 0;
    for (let i = Math.max(0, a.sample - 50); i < Math.min(n, a.sample + 50); i++)
      peak = Math.max(peak, Math.abs(II[i]));
    if (peak > 300 && peak < 3000) onQrs++;
  }
  assert.ok(onQrs / normal.length > 0.9, `${onQrs} of ${normal.length} annotations on a QRS`);
  const [I, III] = [r.record.leads[0].samples, r.record.leads[2].samples];
  let e = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    e += (I[i] + III[i] - II[i]) ** 2;
    s += II[i] ** 2;
  }
  assert.ok(Math.sqrt(e / s) < 0.05, 'Einthoven');
  assert.ok(
    r.warnings?.some((w) => /CRC not set/.test(w)),
    'the .ann writer left its CRC at 0: said, not hidden',
  );
});

// ---------- synthetic files ----------

test('ISHNE: header fields, lead codes, quality, resolution and annotations of a written file', () => {
  const ecg = writeIshne({ leads: 3, samplesPerLead: 1000, rate: 200, resolutionNv: 2500, variable: 'note' });
  const ann = writeAnnotations(
    [
      ['N', 120],
      ['V', 300],
      ['N', 480],
    ],
    100,
  );
  const r = readIshne(ecg, ann);
  assert.deepEqual(
    r.record.leads.map((l) => l.name),
    ['II', 'V1', 'V5'],
  );
  assert.equal(r.record.leads[1].quality, 'lead-off');
  assert.equal(r.record.sampleRate, 200);
  assert.equal(r.record.leads[2].samples[3], (300 + 3) * 2.5, 'int16 × 2500 nV → µV');
  assert.equal(r.acquiredAt, '2024-02-03T08:30:05');
  assert.deepEqual(r.patient, { name: 'Li, Wang', id: 'P-001', birthDate: '1960-06-15', sex: 'F' });
  assert.equal(r.record.meta?.variableBlock, 'note');
  assert.deepEqual(
    r.annotations?.map((a) => [a.sample, a.code]),
    [
      [120, 'N'],
      [300, 'V'],
      [480, 'N'],
    ],
  );
});

test('ISHNE: bad input gives a FormatError with the reason', () => {
  const good = writeIshne({ leads: 2, samplesPerLead: 500 });
  assert.equal(readIshne(good).record.leads.length, 2);
  const expectError = (bytes: Uint8Array, pattern: RegExp, ann?: Uint8Array) =>
    assert.throws(
      () => readIshne(bytes, ann),
      (e: unknown) => e instanceof FormatError && pattern.test(e.message),
    );
  expectError(new Uint8Array(0), /too short/);
  expectError(good.subarray(0, 300), /too short/);
  expectError(good.subarray(0, good.length - 10), /truncated/);
  const wrongMagic = good.slice();
  wrongMagic.set(new TextEncoder().encode('ISHNE2.0'), 0);
  expectError(wrongMagic, /magic/);
  const corrupt = good.slice();
  corrupt[200] ^= 0x10;
  expectError(corrupt, /CRC mismatch/);
  expectError(writeIshne({ leads: 2, samplesPerLead: 2_000_000_000, written: 500 }), /truncated/);
  expectError(writeIshne({ leads: 40, samplesPerLead: 10 }), /number of leads/);
  expectError(writeIshne({ leads: 2, samplesPerLead: 10, rate: 0 }), /sampling rate/);
  const hugeVariable = good.slice();
  new DataView(hugeVariable.buffer).setInt32(10, 0x7fffffff, true);
  expectError(hugeVariable, /variable-length block/);
  expectError(good, /annotation file.*magic/, good);
});

test('ISHNE: random truncations and bit flips end in a result or a FormatError, never a hang or crash', () => {
  const original = writeIshne({ leads: 3, samplesPerLead: 2000, variable: 'abc' });
  const ann = writeAnnotations([
    ['N', 100],
    ['N', 300],
  ]);
  let seed = 99;
  const rand = (k: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % k;
  };
  for (let round = 0; round < 400; round++) {
    const bytes = round % 2 ? original.slice(0, rand(original.length)) : original.slice();
    const annBytes = ann.slice();
    for (let k = 0; k < rand(4); k++) {
      // flip bits in the header, then fix the CRC half of the time so the field checks are exercised
      bytes[10 + rand(512)] ^= 1 << rand(8);
      annBytes[rand(annBytes.length)] ^= 1 << rand(8);
    }
    if (round % 4 === 0 && bytes.length >= 522) {
      new DataView(bytes.buffer).setUint16(8, crcCcitt(bytes, 10, 522), true);
    }
    try {
      const r = readIshne(bytes, round % 3 === 0 ? annBytes : undefined);
      assert.ok(r.record.leads.length > 0);
    } catch (e) {
      assert.ok(e instanceof FormatError, `round ${round}: ${(e as Error).stack}`);
    }
  }
});
