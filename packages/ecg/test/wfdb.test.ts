import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  beatsToAnnotations,
  decodeSamples,
  EcgError,
  encodeSamples,
  headerDemographics,
  matToRecord,
  parseAnnotations,
  parseMat,
  parseWfdbHeader,
  readWfdb,
  writeAnnotations,
} from '../src/index';
import { readAnnotationFile, readMatRecord, readWfdbRecord } from '../src/node/index';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const data = path.resolve(repoRoot, '../shared/data');
const mitdb = path.join(data, 'mitdb');
const hasMitdb = existsSync(mitdb);
const cinc = path.join(data, 'cinc2021-12lead');
const paf = path.join(data, 'cpsc2021-paf');

test('header: record line, signal lines with baseline/units/offset, comments, CRLF', () => {
  const text = [
    'rec01 3 500/1000(12) 5000 10:20:30.5 02/03/2021',
    'rec01.dat 16x1+24 1000.0(-5)/uV 16 3 -68 1250 0 I',
    'rec01.dat 16x1+24 0 16 3 -58 -5598 0 II',
    '# Age: 78',
    '# Sex: Female',
    'rec01.b 212:2 200(1024)/mV 12 0 0 0 0 V5 lateral',
    '# Dx: 164934002,426783006',
    '',
  ].join('\r\n');
  const h = parseWfdbHeader(text);
  assert.equal(h.recordName, 'rec01');
  assert.equal(h.numSignals, 3);
  assert.equal(h.samplingFrequency, 500);
  assert.equal(h.counterFrequency, 1000);
  assert.equal(h.baseCounter, 12);
  assert.equal(h.numSamples, 5000);
  assert.equal(h.baseTime, '10:20:30.5');
  assert.equal(h.baseDate, '02/03/2021');
  assert.deepEqual(h.comments, ['Age: 78', 'Sex: Female', 'Dx: 164934002,426783006']);
  const [a, b, c] = h.signals;
  assert.equal(a.format, 16);
  assert.equal(a.byteOffset, 24);
  assert.equal(a.gain, 1000);
  assert.equal(a.baseline, -5);
  assert.equal(a.units, 'uV');
  assert.equal(a.checksum, 1250);
  assert.equal(a.description, 'I');
  assert.equal(b.gain, 200, 'gain 0 means the WFDB default 200');
  assert.equal(b.baseline, 3, 'baseline defaults to ADC zero');
  assert.equal(b.units, 'mV');
  assert.equal(c.skew, 2);
  assert.equal(c.description, 'V5 lateral');
});

test('header: garbage and inconsistent headers throw EcgError naming the field', () => {
  const bad: [string, RegExp][] = [
    ['', /no record line/],
    ['rec x 360', /number of signals/],
    ['rec 1 -360 10\nrec.dat 16 200 12 0 0 0 0 I', /sampling frequency/],
    ['rec 2 360 10\nrec.dat 16 200 12 0 0 0 0 I', /declares 2 signals/],
    ['rec 1 360 10\nrec.dat 16q 200 12 0 0 0 0 I', /format/],
    ['rec 1 360 10\nrec.dat 16 abc 12 0 0 0 0 I', /ADC gain/],
    ['rec/2 1 360 10', /declares 2 segments/],
  ];
  for (const [text, re] of bad) {
    assert.throws(
      () => parseWfdbHeader(text),
      (e: unknown) => e instanceof EcgError && re.test(e.message),
      text,
    );
  }
});

test('formats: each decoder reproduces hand-built bytes', () => {
  // 212: samples 995, 1011 as in mitdb 100 (bytes e3 33 f3) and -1, -2048.
  assert.deepEqual(
    Array.from(decodeSamples(Uint8Array.of(0xe3, 0x33, 0xf3, 0xff, 0x8f, 0x00), 0, 212, 4)),
    [995, 1011, -1, -2048],
  );
  assert.deepEqual(Array.from(decodeSamples(Uint8Array.of(0xfe, 0xff, 0x01, 0x80), 0, 16, 2)), [-2, -32767]);
  assert.deepEqual(Array.from(decodeSamples(Uint8Array.of(0xff, 0xfe, 0x7f, 0xff), 0, 61, 2)), [-2, 32767]);
  assert.deepEqual(Array.from(decodeSamples(Uint8Array.of(0, 128, 255), 0, 80, 3)), [-128, 0, 127]);
  assert.deepEqual(Array.from(decodeSamples(Uint8Array.of(0, 0, 0xff, 0xff), 0, 160, 2)), [-32768, 32767]);
  assert.deepEqual(Array.from(decodeSamples(Uint8Array.of(0xff, 0xff, 0xff, 1, 0, 0), 0, 24, 2)), [-1, 1]);
  assert.deepEqual(Array.from(decodeSamples(Uint8Array.of(0xfe, 0xff, 0xff, 0xff), 0, 32, 1)), [-2]);
  assert.deepEqual(
    Array.from(decodeSamples(Int8Array.of(5, -3, 2) as unknown as Uint8Array, 0, 8, 3)),
    [5, -3, 2],
  );
  // 311: A=1, B=-1, C=511 packed as bits 0–9, 10–19, 20–29 of one little-endian word.
  const w311 = (1 | (0x3ff << 10) | (511 << 20)) >>> 0;
  const b311 = Uint8Array.of(w311 & 255, (w311 >> 8) & 255, (w311 >> 16) & 255, w311 >>> 24);
  assert.deepEqual(Array.from(decodeSamples(b311, 0, 311, 3)), [1, -1, 511]);
  // 310: A=3, B=-2 in bits 1–10 of each 16-bit word; C=-300 split in the words' top 5 bits (low half first).
  const c = -300 & 0x3ff;
  const w0 = (3 << 1) | ((c & 0x1f) << 11);
  const w1 = ((-2 & 0x3ff) << 1) | ((c >> 5) << 11);
  const b310 = Uint8Array.of(w0 & 255, w0 >> 8, w1 & 255, w1 >> 8);
  assert.deepEqual(Array.from(decodeSamples(b310, 0, 310, 3)), [3, -2, -300]);
  // Encoders round-trip.
  const values = Int32Array.of(0, 1, -1, 2047, -2048, 100, -7);
  assert.deepEqual(decodeSamples(encodeSamples(values, 212), 0, 212, values.length), values);
  assert.deepEqual(decodeSamples(encodeSamples(values, 16), 0, 16, values.length), values);
});

test('record: format 8 differences, two files, µV conversion, byte offset, truncation', () => {
  const header = ['syn 2 250 4', 'syn.d8 8 100/mV 8 0 10 0 0 A', 'syn.d16 16+4 2(1)/uV 16 0 0 0 0 B'].join(
    '\n',
  );
  const d8 = Int8Array.of(0, 5, -3, 2);
  const d16 = new Uint8Array(4 + 8);
  d16.set(encodeSamples([1, 3, 5, -1], 16), 4);
  const record = readWfdb(header, { 'syn.d8': new Uint8Array(d8.buffer), 'syn.d16': d16 });
  assert.equal(record.sampleRate, 250);
  // Format 8: running sum from the initial value 10 → 10, 15, 12, 14 ADC; (adc − 0) / 100 mV = 100, 150 … µV.
  assert.deepEqual(Array.from(record.leads[0].samples), [100, 150, 120, 140]);
  // (adc − 1) / 2 µV.
  assert.deepEqual(Array.from(record.leads[1].samples), [0, 1, 2, -1]);
  assert.throws(
    () => readWfdb(header, { 'syn.d8': new Uint8Array(d8.buffer), 'syn.d16': d16.subarray(0, 9) }),
    (e: unknown) => e instanceof EcgError && /syn\.d16.*holds 2 frames/.test(e.message),
  );
  const partial = readWfdb(
    header,
    { 'syn.d8': new Uint8Array(d8.buffer), 'syn.d16': d16.subarray(0, 9) },
    { allowTruncated: true },
  );
  assert.equal(partial.leads[0].samples.length, 2);
  assert.throws(() => readWfdb(header, {}), /syn\.d8.*not provided/);
});

test('mitdb 100: first samples match the raw bytes, header fields and comments', {
  skip: !hasMitdb && 'needs ../shared/data/mitdb',
}, async () => {
  const raw = readFileSync(path.join(mitdb, '100.dat'));
  // Format 212: the first 3 bytes hold MLII = 0xe3 | (0x3 << 8) = 995 and V5 = 0xf3 | (0x3 << 8) = 1011.
  assert.deepEqual([raw[0], raw[1], raw[2]], [0xe3, 0x33, 0xf3]);
  const r = await readWfdbRecord(path.join(mitdb, '100.hea'));
  assert.equal(r.sampleRate, 360);
  assert.deepEqual(
    r.leads.map((l) => l.name),
    ['MLII', 'V5'],
  );
  assert.equal(r.leads[0].samples.length, 650000);
  // (995 − 1024) / 200 mV = −0.145 mV; (1011 − 1024) / 200 = −0.065 mV.
  assert.equal(r.leads[0].samples[0], -145);
  assert.equal(r.leads[1].samples[0], -65);
  assert.deepEqual(r.meta?.comments, ['69 M 1085 1629 x1', 'Aldomet, Inderal']);
  assert.equal(r.meta?.recordName, '100');
  assert.equal(r.meta?.warnings, undefined, 'checksums in the header match');
});

test('CinC 2021 12-lead: MATLAB v4 .mat through the 16x1+24 header, age/sex/dx', {
  skip: !existsSync(cinc) && 'needs ../shared/data/cinc2021-12lead',
}, async () => {
  const r = await readWfdbRecord(path.join(cinc, 'E07500.hea'));
  assert.equal(r.sampleRate, 500);
  assert.equal(r.leads.length, 12);
  assert.equal(r.leads[3].name, 'aVR');
  assert.equal(r.leads[0].samples.length, 5000);
  // First int16 after the 24-byte v4 header is 0xffbc = −68 at 1000/mV → −68 µV, as the header's initial value.
  assert.equal(r.leads[0].samples[0], -68);
  assert.equal(r.leads[1].samples[0], -58);
  assert.equal(r.meta?.age, 78);
  assert.equal(r.meta?.sex, 'M');
  assert.deepEqual(r.meta?.dx, ['67741000119109', '426177001']);
  assert.equal(r.meta?.warnings, undefined);
});

test('CPSC 2021: fractional gain with explicit baseline', {
  skip: !existsSync(paf) && 'needs ../shared/data/cpsc2021-paf',
}, async () => {
  const r = await readWfdbRecord(path.join(paf, 'data_8_2.hea'));
  assert.equal(r.sampleRate, 200);
  // Initial value 3659 with baseline −167477 and gain 34043.467/mV: (3659 + 167477) / 34043.467 mV ≈ 5027 µV.
  assert.ok(Math.abs(r.leads[0].samples[0] - ((3659 + 167477) / 34043.46727318676) * 1000) < 0.01);
  assert.equal(r.meta?.warnings, undefined);
});

test('annotations: every mitdb .atr round-trips (parsed identical; bytes identical when aux ends in NUL)', {
  skip: !hasMitdb && 'needs ../shared/data/mitdb',
}, async () => {
  const files = readdirSync(mitdb).filter((f) => f.endsWith('.atr'));
  assert.ok(files.length >= 25);
  let rhythm = 0;
  let sameBytes = 0;
  for (const f of files) {
    const bytes = new Uint8Array(readFileSync(path.join(mitdb, f)));
    const anns = parseAnnotations(bytes);
    const written = writeAnnotations(anns);
    assert.deepEqual(parseAnnotations(written), anns, f);
    // WFDB writes aux text with a terminating NUL; a few old files omit it, so only their layout differs.
    if (Buffer.compare(Buffer.from(written), Buffer.from(bytes)) === 0) sameBytes++;
    rhythm += anns.filter((a) => a.symbol === '+' && a.aux?.startsWith('(')).length;
  }
  assert.ok(sameBytes >= files.length - 3, `${sameBytes} of ${files.length} byte-identical`);
  assert.ok(rhythm > 25, 'rhythm changes carry aux text such as (AFIB');
  const a203 = await readAnnotationFile(path.join(mitdb, '203.atr'));
  assert.ok(a203.some((a) => a.aux === '(AFIB'));
  assert.ok(
    a203.some((a) => a.subtype !== 0),
    '203 has SUB fields',
  );
});

test('annotations: SKIP, NUM, CHN, AUX and beatsToAnnotations', () => {
  const anns = [
    { sample: 5, symbol: 'N', code: 1, subtype: 0, chan: 0, num: 0 },
    { sample: 100000, symbol: '+', code: 28, subtype: 0, chan: 1, num: 3, aux: '(AFIB' },
    { sample: 100200, symbol: 'V', code: 5, subtype: -1, chan: 1, num: 3 },
  ];
  const back = parseAnnotations(writeAnnotations(anns));
  assert.deepEqual(back, anns);
  const built = beatsToAnnotations(Int32Array.of(10, 20, 30), ['N', 'V', '/']);
  assert.deepEqual(
    built.map((a) => [a.sample, a.code]),
    [
      [10, 1],
      [20, 5],
      [30, 12],
    ],
  );
  assert.throws(() => beatsToAnnotations([10, 5]), /before/);
  assert.throws(() => beatsToAnnotations([10], ['Z']), /not an MIT mnemonic/);
  assert.throws(() => writeAnnotations([{ ...anns[1] }, { ...anns[0] }]), /before the previous/);
  assert.throws(() => parseAnnotations(Uint8Array.of(0, 59 << 2, 1)), /SKIP.*cut off/);
});

const cpsc2018 = path.join(data, 'cpsc2018');

test('MAT level 5 (CPSC 2018): compressed struct with age, sex and a 12×N matrix in mV', {
  skip: !existsSync(cpsc2018) && 'needs ../shared/data/cpsc2018',
}, async () => {
  const r = await readMatRecord(path.join(cpsc2018, 'A1980.mat'));
  assert.equal(r.leads.length, 12);
  assert.equal(r.leads[0].name, 'I');
  assert.equal(r.leads[0].samples.length, 5000);
  assert.equal(r.meta?.age, 52);
  assert.equal(r.meta?.sex, 'M');
  // Lead II = I + III (Einthoven) holds for the stored mV values, which shows rows are leads in order.
  const [i, ii, iii] = r.leads.map((l) => l.samples);
  let worst = 0;
  for (let k = 0; k < 5000; k++) worst = Math.max(worst, Math.abs(ii[k] - (i[k] + iii[k])));
  assert.ok(worst < 20, `Einthoven residual ${worst} µV`);
});

test('MAT level 4 (CinC 2021): the val matrix, and garbage refused', {
  skip: !existsSync(cinc) && 'needs ../shared/data/cinc2021-12lead',
}, async () => {
  const vars = await parseMat(new Uint8Array(readFileSync(path.join(cinc, 'E07500.mat'))));
  assert.equal(vars[0].name, 'val');
  assert.deepEqual(vars[0].dims, [12, 5000]);
  assert.deepEqual(Array.from(vars[0].data!.subarray(0, 2)), [-68, -58]);
  const r = matToRecord(vars, { microvoltsPerUnit: 1 });
  assert.equal(r.leads[0].samples[0], -68);
  await assert.rejects(parseMat(Uint8Array.of(1, 2, 3)), (e: unknown) => e instanceof EcgError);
  await assert.rejects(
    parseMat(new TextEncoder().encode('MATLAB 5.0 MAT-file'.padEnd(126, ' ') + 'IM\x0f\0\0\0\xff\xff\0\0')),
    (e: unknown) => e instanceof EcgError,
  );
});

test('multi-segment record: layout, segments with a missing lead, and a gap', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeline-wfdb-'));
  try {
    writeFileSync(
      path.join(dir, 'multi.hea'),
      'multi/4 2 250 9 12:00:00 03/04/2025\nmulti_layout 0\nseg1 3\n~ 2\nseg2 4\n# Age: 50 Sex: F\n',
    );
    writeFileSync(
      path.join(dir, 'multi_layout.hea'),
      'multi_layout 2 250 0\n~ 0 200 16 0 0 0 0 II\n~ 0 200 16 0 0 0 0 V1\n',
    );
    writeFileSync(
      path.join(dir, 'seg1.hea'),
      'seg1 2 250 3\nseg1.dat 16 200 16 0 0 0 0 II\nseg1.dat 16 200 16 0 0 0 0 V1\n',
    );
    writeFileSync(path.join(dir, 'seg1.dat'), encodeSamples([200, -200, 400, -400, 600, -600], 16));
    writeFileSync(path.join(dir, 'seg2.hea'), 'seg2 1 250 4\nseg2.dat 16 100 16 0 0 0 0 II\n');
    writeFileSync(path.join(dir, 'seg2.dat'), encodeSamples([100, 200, 300, 400], 16));
    const r = await readWfdbRecord(path.join(dir, 'multi.hea'));
    assert.equal(r.sampleRate, 250);
    assert.deepEqual(
      r.leads.map((l) => l.name),
      ['II', 'V1'],
    );
    // seg1: 200/200 mV = 1 mV …; gap of 2 frames; seg2 (II only, gain 100): 1, 2, 3, 4 mV.
    assert.deepEqual(Array.from(r.leads[0].samples), [1000, 2000, 3000, 0, 0, 1000, 2000, 3000, 4000]);
    assert.deepEqual(Array.from(r.leads[1].samples), [-1000, -2000, -3000, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(r.meta?.gaps, [
      { start: 3, length: 2 },
      { lead: 'V1', start: 5, length: 4 },
    ]);
    assert.equal(r.meta?.age, 50);
    assert.equal(r.startTime, '2025-04-03T12:00:00');
    assert.throws(() => parseWfdbHeader('multi/3 2 250 9\nseg1 3\n'), /declares 3 segments/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readWfdbRecord refuses signal files outside the record folder and reports missing files', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeline-wfdb-'));
  try {
    writeFileSync(path.join(dir, 'up.hea'), 'up 1 250 2\n../secret.dat 16 200 16 0 0 0 0 II\n');
    await assert.rejects(readWfdbRecord(path.join(dir, 'up.hea')), /outside the record/);
    writeFileSync(path.join(dir, 'gone.hea'), 'gone 1 250 2\ngone.dat 16 200 16 0 0 0 0 II\n');
    await assert.rejects(
      readWfdbRecord(path.join(dir, 'gone')),
      (e: unknown) => e instanceof EcgError && /ENOENT/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('header demographics: MIT-BIH first comment "69 M 1085 1629 x1" gives age and sex', () => {
  const header = parseWfdbHeader(
    '100 2 360 650000\n100.dat 212 200 11 1024 995 -22131 0 MLII\n100.dat 212 200 11 1024 1011 20052 0 V5\n# 69 M 1085 1629 x1\n# Aldomet, Inderal\n',
  );
  assert.deepEqual(headerDemographics(header.comments), { age: 69, sex: 'M' });
  assert.deepEqual(headerDemographics(['75 F 1011 654 x1']), { age: 75, sex: 'F' });
  // Unknown or absurd values are left out, not guessed.
  assert.deepEqual(headerDemographics(['? ? 1011 654 x1']), {});
  assert.deepEqual(headerDemographics(['-1 F 1011 654 x1']), { sex: 'F' });
  assert.deepEqual(headerDemographics(['230 M 1011']), { sex: 'M' });
  // Only the first comment, and only "<number> <M|F|?>": medication lines and free text do not match.
  assert.deepEqual(headerDemographics(['Aldomet, Inderal', '69 M 1085']), {});
  assert.deepEqual(headerDemographics(['12 Months follow-up']), {});
  assert.deepEqual(headerDemographics(['69 Male']), {});
  // CinC key–value comments still win where both appear.
  assert.deepEqual(headerDemographics(['69 M x1', 'Age: 70', 'Sex: Female']), { age: 70, sex: 'F' });
});

test('mitdb 100 and 208 read with the demographics of their header', async (t) => {
  const mitdb = path.join(data, 'mitdb');
  if (!existsSync(path.join(mitdb, '100.hea'))) return t.skip('needs ../shared/data/mitdb');
  const r100 = await readWfdbRecord(path.join(mitdb, '100.hea'));
  assert.equal(r100.meta?.age, 69);
  assert.equal(r100.meta?.sex, 'M');
  const r208 = await readWfdbRecord(path.join(mitdb, '208.hea'));
  assert.equal(r208.meta?.age, 23);
  assert.equal(r208.meta?.sex, 'F');
});
