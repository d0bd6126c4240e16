/**
 * Fuzz tests: malformed headers, signal files, annotation files, MAT files and records must give a result or a
 * clear EcgError — never another exception, never a hang. Deterministic (seeded) and bounded, a few seconds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assessLeadQuality,
  detectQrs,
  EcgError,
  type EcgRecord,
  encodeSamples,
  parseAnnotations,
  parseMat,
  parseWfdbHeader,
  readWfdb,
  removeBaselineWander,
  resample,
  writeAnnotations,
} from '../src/index';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    // xorshift32
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Runs fn; passes when it returns or throws an EcgError, fails on any other exception. */
function survives(what: string, fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof EcgError))
      assert.fail(`${what}: threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
    assert.ok(e.message.length > 10, `${what}: error message too vague: ${e.message}`);
  }
}

async function survivesAsync(what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof EcgError))
      assert.fail(`${what}: threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
}

const GOOD_HEADER = [
  'rec 2 360 1000 10:00:00 01/02/2020',
  'rec.dat 212 200 11 1024 995 0 0 MLII',
  'rec.dat 212 200(0)/mV 11 1024 1011 0 0 V5',
  '# Age: 60 Sex: M',
].join('\r\n');
const TOKENS = [
  'rec',
  '2',
  '360',
  '-1',
  '0',
  '1e309',
  'NaN',
  '212',
  '16x',
  '16+24',
  '200(0)/mV',
  '()',
  '/',
  '#',
  '\n',
  '\r\n',
  ' ',
  'x',
  '9999999999',
  '1/0',
  ':',
  '8',
  '310',
  '61',
];

test('fuzz: mutated and random WFDB headers give a header or an EcgError', () => {
  const rand = rng(1);
  for (let k = 0; k < 3000; k++) {
    let text: string;
    if (k % 2 === 0) {
      const chars = GOOD_HEADER.split('');
      const edits = 1 + Math.floor(rand() * 6);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * chars.length);
        const op = rand();
        if (op < 0.4) chars[at] = String.fromCharCode(32 + Math.floor(rand() * 95));
        else if (op < 0.7) chars.splice(at, 1 + Math.floor(rand() * 10));
        else chars.splice(at, 0, TOKENS[Math.floor(rand() * TOKENS.length)]);
      }
      text = chars.join('');
    } else {
      text = Array.from(
        { length: Math.floor(rand() * 30) },
        () => TOKENS[Math.floor(rand() * TOKENS.length)],
      ).join(rand() < 0.5 ? ' ' : '');
    }
    survives(`header ${JSON.stringify(text)}`, () => parseWfdbHeader(text));
  }
  assert.throws(() => parseWfdbHeader(undefined as unknown as string), EcgError);
});

test('fuzz: truncated, oversized and random signal files with valid and mutated headers', () => {
  const rand = rng(2);
  const samples = new Int32Array(2000).map(() => Math.floor(rand() * 4096) - 2048);
  const dat = encodeSamples(samples, 212);
  for (let k = 0; k < 400; k++) {
    const cut = Math.floor(rand() * (dat.length + 50));
    const bytes =
      cut <= dat.length
        ? dat.subarray(0, cut)
        : Uint8Array.from({ length: cut }, () => Math.floor(rand() * 256));
    const fmt = [212, 16, 80, 61, 310, 311, 24, 32, 8, 160, 999][Math.floor(rand() * 11)];
    const nsamp = [1000, 0, 1e12, 7, 2 ** 31][Math.floor(rand() * 5)];
    const header = GOOD_HEADER.replaceAll('212', String(fmt)).replace(' 1000 ', ` ${nsamp} `);
    survives(`signal fmt ${fmt} nsamp ${nsamp} bytes ${cut}`, () => {
      const r = readWfdb(header, { 'rec.dat': bytes }, { allowTruncated: rand() < 0.5, maxSamples: 1e6 });
      for (const l of r.leads) assert.ok(l.samples.every(Number.isFinite), 'decoded samples are finite');
    });
  }
});

test('fuzz: random and truncated annotation streams', () => {
  const rand = rng(3);
  const anns = Array.from({ length: 200 }, (_, i) => ({
    sample: i * 700 + Math.floor(rand() * 5000),
    symbol: 'N',
    code: 1 + Math.floor(rand() * 40),
    subtype: 0,
    chan: 0,
    num: Math.floor(rand() * 3),
    aux: rand() < 0.1 ? '(AFIB' : undefined,
  })).sort((a, b) => a.sample - b.sample);
  const good = writeAnnotations(anns);
  for (let k = 0; k < 1000; k++) {
    let bytes: Uint8Array;
    if (k % 3 === 0)
      bytes = Uint8Array.from({ length: Math.floor(rand() * 400) }, () => Math.floor(rand() * 256));
    else {
      bytes = good.slice(0, Math.floor(rand() * good.length));
      for (let e = 0; e < 3; e++)
        if (bytes.length > 0) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
    }
    survives('annotations', () => {
      const out = parseAnnotations(bytes);
      // What we parse, we can write back.
      const positive = out.filter((a) => a.code >= 1 && a.code <= 49 && a.sample >= 0);
      const ordered: typeof positive = [];
      for (const a of positive)
        if (ordered.length === 0 || a.sample >= ordered[ordered.length - 1].sample) ordered.push(a);
      parseAnnotations(
        writeAnnotations(ordered.map((a) => ({ ...a, aux: a.aux?.replace(/[^\x20-\x7e]/g, '') }))),
      );
    });
  }
  assert.throws(
    () => writeAnnotations([{ sample: Number.NaN, symbol: 'N', code: 1, subtype: 0, chan: 0, num: 0 }]),
    EcgError,
  );
});

test('fuzz: random and truncated MAT files', async () => {
  const rand = rng(4);
  // A valid level 4 file: int16 12×50 "val".
  const v4 = new Uint8Array(24 + 12 * 50 * 2);
  const view = new DataView(v4.buffer);
  view.setInt32(0, 30, true);
  view.setInt32(4, 12, true);
  view.setInt32(8, 50, true);
  view.setInt32(12, 0, true);
  view.setInt32(16, 4, true);
  v4.set([118, 97, 108, 0], 20);
  assert.equal((await parseMat(v4))[0].dims[1], 50);
  const header5 = new TextEncoder().encode('MATLAB 5.0 MAT-file'.padEnd(124, ' '));
  for (let k = 0; k < 300; k++) {
    let bytes: Uint8Array;
    if (k % 2 === 0) {
      bytes = v4.slice(0, Math.floor(rand() * v4.length));
      if (bytes.length > 4) bytes[Math.floor(rand() * 20)] = Math.floor(rand() * 256);
    } else {
      const body = Uint8Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256));
      // Plausible tags now and then: miMATRIX (14) or miCOMPRESSED (15) with random lengths.
      if (body.length >= 8)
        body.set([14 + (k % 4 === 1 ? 1 : 0), 0, 0, 0, Math.floor(rand() * 255), 0, 0, 0]);
      bytes = new Uint8Array(128 + body.length);
      bytes.set(header5);
      bytes.set([0, 1, 0x49, 0x4d], 124);
      bytes.set(body, 128);
    }
    await survivesAsync('mat', () => parseMat(bytes));
  }
});

test('fuzz: records with NaN, infinities, absurd rates and sizes', () => {
  const rand = rng(5);
  const rates = [250, 360, 1, 0, -5, Number.NaN, 1e9, Number.POSITIVE_INFINITY, 49, 50, 20000];
  for (let k = 0; k < 60; k++) {
    const fs = rates[k % rates.length];
    const n = [0, 1, 10, 500, 3000][Math.floor(rand() * 5)];
    const nLeads = 1 + Math.floor(rand() * 3);
    const leads = Array.from({ length: nLeads }, (_, l) => {
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const r = rand();
        x[i] =
          r < 0.02
            ? Number.NaN
            : r < 0.03
              ? Number.POSITIVE_INFINITY
              : r < 0.04
                ? 3e38
                : 1000 * Math.sin(i / 7) * (rand() - 0.5);
      }
      return { name: `L${l}`, samples: x };
    });
    const record: EcgRecord = { sampleRate: fs, leads };
    survives(`detectQrs fs=${fs} n=${n}`, () => {
      const beats = detectQrs(record);
      assert.ok(beats instanceof Int32Array);
      for (let i = 0; i < beats.length; i++)
        assert.ok(beats[i] >= 0 && beats[i] < n && (i === 0 || beats[i] > beats[i - 1]));
    });
    survives(`quality fs=${fs}`, () => assessLeadQuality(record));
    survives(`baseline fs=${fs}`, () => removeBaselineWander(leads[0].samples, fs));
    survives(`resample fs=${fs}`, () => resample(leads[0].samples, fs, 250));
  }
  survives('mismatched lead lengths', () =>
    detectQrs({
      sampleRate: 250,
      leads: [
        { name: 'a', samples: new Float32Array(10) },
        { name: 'b', samples: new Float32Array(9) },
      ],
    }),
  );
  survives('samples not typed', () =>
    detectQrs({ sampleRate: 250, leads: [{ name: 'a', samples: [1, 2, 3] as unknown as Float32Array }] }),
  );
});
