import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { EcgRecord } from '@lifeline/ecg';
import { crcCcitt, readScpEcg } from '../src/scp/index';
import { FormatError } from '../src/types';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = path.resolve(repoRoot, '../shared/data/scp-ecg');
const exists = existsSync(dataDir);
const files = exists
  ? readdirSync(dataDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.scp$/i.test(f))
      .map((f) => path.join(dataDir, f))
  : [];

// ---------- helpers: measuring plausibility ----------

const lead = (r: EcgRecord, name: string) => r.leads.find((l) => l.name === name)?.samples;

/** Median over 1-s windows of the peak-to-peak amplitude: a QRS-sized number for any lead with beats. */
function medianPeakToPeak(x: Float32Array, fs: number): number {
  const w = Math.round(fs);
  const values: number[] = [];
  for (let s = 0; s + w <= x.length; s += w) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = s; i < s + w; i++) {
      lo = Math.min(lo, x[i]);
      hi = Math.max(hi, x[i]);
    }
    values.push(hi - lo);
  }
  values.sort((a, b) => a - b);
  return values[values.length >> 1];
}

/** Relative RMS of I + III − II against II. */
function einthovenError(r: EcgRecord): number | undefined {
  const [I, II, III] = [lead(r, 'I'), lead(r, 'II'), lead(r, 'III')];
  if (!I || !II || !III) return undefined;
  let e = 0;
  let s = 0;
  for (let i = 0; i < I.length; i++) {
    e += (I[i] + III[i] - II[i]) ** 2;
    s += II[i] ** 2;
  }
  return Math.sqrt(e / s);
}

// ---------- helpers: building SCP files, so every decoding path can be checked against a known signal ----------

function u16(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff];
}
function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** Writes a complete SCP file: pointer table for sections 0–11 plus any others, section and file CRCs. */
function buildScp(payloads: Map<number, Uint8Array>): Uint8Array {
  const ids = [...new Set([...Array(12).keys(), ...payloads.keys()])]
    .filter((id) => id !== 0)
    .sort((a, b) => a - b);
  const padded = (d: Uint8Array) => (d.length % 2 ? Uint8Array.from([...d, 0]) : d);
  const s0Length = 16 + 10 * (ids.length + 1);
  let offset = 6 + s0Length;
  const table: number[] = [...u16(0), ...u32(s0Length), ...u32(7)];
  const bodies: Uint8Array[] = [];
  for (const id of ids) {
    const data = payloads.get(id);
    if (!data) {
      table.push(...u16(id), ...u32(0), ...u32(0));
      continue;
    }
    const body = padded(data);
    table.push(...u16(id), ...u32(16 + body.length), ...u32(offset + 1));
    bodies.push(section(id, body));
    offset += 16 + body.length;
  }
  const all = [section(0, Uint8Array.from(table)), ...bodies];
  const out = new Uint8Array(offset);
  let o = 6;
  for (const s of all) {
    out.set(s, o);
    o += s.length;
  }
  out.set(u32(offset), 2);
  out.set(u16(crcCcitt(out, 2)), 0);
  return out;
}

function section(id: number, data: Uint8Array): Uint8Array {
  const s = new Uint8Array(16 + data.length);
  s.set([...u16(0), ...u16(id), ...u32(s.length), 20, 20], 0);
  s.set([0x53, 0x43, 0x50, 0x45, 0x43, 0x47], 10); // "SCPECG"
  s.set(data, 16);
  s.set(u16(crcCcitt(s, 2)), 0);
  return s;
}

/** Splits a real file into its section payloads (to mutate them and rebuild with valid CRCs). */
function splitScp(bytes: Uint8Array): Map<number, Uint8Array> {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const map = new Map<number, Uint8Array>();
  const s0 = v.getUint32(10, true);
  for (let p = 22; p + 10 <= 6 + s0; p += 10) {
    const [id, len, idx] = [v.getUint16(p, true), v.getUint32(p + 2, true), v.getUint32(p + 6, true)];
    if (id !== 0 && len > 0) map.set(id, bytes.slice(idx - 1 + 16, idx - 1 + len));
  }
  return map;
}

/** Default-table Huffman encoder (EN 1064 default table), MSB first. */
function huffmanEncode(values: ArrayLike<number>): Uint8Array {
  const bits: number[] = [];
  const put = (v: number, n: number) => {
    for (let i = n - 1; i >= 0; i--) bits.push((v >> i) & 1);
  };
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const a = Math.abs(v);
    if (v === 0) bits.push(0);
    else if (a <= 8) {
      put((1 << a) - 1, a); // a ones
      bits.push(0, v < 0 ? 1 : 0);
    } else if (v >= -128 && v <= 127) {
      put(0b1111111110, 10);
      put(v & 0xff, 8);
    } else {
      put(0b1111111111, 10);
      put(v & 0xffff, 16);
    }
  }
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => {
    out[i >> 3] |= b << (7 - (i & 7));
  });
  return out;
}

function secondDifferences(x: ArrayLike<number>): Int32Array {
  const d = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) d[i] = i < 2 ? x[i] : x[i] - 2 * x[i - 1] + x[i - 2];
  return d;
}

function leadSection(codes: number[], n: number, referenceSubtracted: boolean): Uint8Array {
  const flags = (referenceSubtracted ? 1 : 0) | 4 | (codes.length << 3);
  return Uint8Array.from([codes.length, flags, ...codes.flatMap((c) => [...u32(1), ...u32(n), c])]);
}

function encodedSection(avm: number, intervalUs: number, diff: number, bimodal: number, leads: Uint8Array[]) {
  const head = [...u16(avm), ...u16(intervalUs), diff, bimodal, ...leads.flatMap((l) => u16(l.length))];
  const out = new Uint8Array(head.length + leads.reduce((s, l) => s + l.length, 0));
  out.set(head);
  let o = head.length;
  for (const l of leads) {
    out.set(l, o);
    o += l.length;
  }
  return out;
}

const int16Bytes = (x: ArrayLike<number>) => {
  const b = new Uint8Array(x.length * 2);
  const v = new DataView(b.buffer);
  for (let i = 0; i < x.length; i++) v.setInt16(i * 2, x[i], true);
  return b;
};

/** A synthetic 3-lead ECG in integer units: baseline wander plus a QRS-like bump every 0.8 s at 500 Hz. */
function syntheticEcg(n: number, beatAt: number[], beat: (t: number, lead: number) => number): Int32Array[] {
  return [0, 1, 2].map((l) => {
    const x = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let v = 40 * Math.sin((2 * Math.PI * i) / 1700 + l);
      for (const b of beatAt) if (Math.abs(i - b) < 300) v += beat(i - b, l);
      x[i] = Math.round(v);
    }
    return x;
  });
}
const bump = (t: number, l: number) =>
  (l + 1) * 400 * Math.exp(-((t / 8) ** 2)) - 60 * Math.exp(-(((t - 90) / 25) ** 2));

// ---------- real files ----------

test('every SCP-ECG sample file reads with plausible leads, rate and amplitudes', {
  skip: !exists && 'needs ../shared/data/scp-ecg',
}, () => {
  assert.ok(files.length >= 4, 'sample files found');
  for (const f of files) {
    const name = path.basename(f);
    const r = readScpEcg(new Uint8Array(readFileSync(f)));
    assert.equal(r.format, 'scp-ecg');
    const { record } = r;
    assert.ok(record.sampleRate >= 250 && record.sampleRate <= 2000, `${name}: rate ${record.sampleRate}`);
    assert.ok(record.leads.length >= 8, `${name}: ${record.leads.length} leads`);
    assert.deepEqual(
      record.leads.slice(0, 2).map((l) => l.name),
      ['I', 'II'],
      `${name}: I and II lead the order`,
    );
    const n = record.leads[0].samples.length;
    assert.ok(n / record.sampleRate >= 9, `${name}: at least 9 s`);
    // lead II carries the QRS: 0.3–3 mV peak-to-peak per second shows the µV scaling is right
    const II = lead(record, 'II') as Float32Array;
    const p2p = medianPeakToPeak(II, record.sampleRate);
    assert.ok(p2p > 300 && p2p < 3000, `${name}: lead II median peak-to-peak ${p2p.toFixed(0)} µV`);
    const e = einthovenError(record);
    if (e !== undefined)
      assert.ok(e < 0.05, `${name}: Einthoven I + III ≈ II (relative error ${e.toFixed(3)})`);
    assert.ok(
      r.acquiredAt && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(r.acquiredAt),
      `${name}: acquiredAt`,
    );
  }
});

test('SCP-ECG: Example.scp (default Huffman, second differences) gives its 12 leads, 500 Hz, measurements', {
  skip: !exists && 'needs ../shared/data/scp-ecg',
}, () => {
  const f = files.find((x) => x.endsWith('Example.scp'));
  if (!f) return;
  const r = readScpEcg(new Uint8Array(readFileSync(f)));
  assert.equal(r.record.sampleRate, 500);
  assert.deepEqual(
    r.record.leads.map((l) => l.name),
    ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'III', 'aVR', 'aVL', 'aVF'],
  );
  assert.equal(r.record.leads[0].samples.length, 5000);
  assert.equal(r.patient?.id, 'SBJ-123');
  assert.equal(r.patient?.sex, 'M');
  assert.equal(r.deviceMeasurements?.qrsDuration, 120);
  assert.equal(r.deviceMeasurements?.qrsAxis, -61);
  assert.equal(r.medianBeats?.leads.length, 12, 'section 5 reference beats offered as median beats');
});

test('SCP-ECG: device statements and measurements of the Welch Allyn files', {
  skip: !exists && 'needs ../shared/data/scp-ecg',
}, () => {
  const withStatements = files.filter((f) => /ECG_\d+/.test(path.basename(f)));
  for (const f of withStatements) {
    const r = readScpEcg(new Uint8Array(readFileSync(f)));
    assert.ok((r.deviceStatements?.length ?? 0) >= 2, `${path.basename(f)}: statements`);
    assert.ok(r.deviceMeasurements?.heartRate && r.deviceMeasurements.heartRate > 30);
    assert.ok(r.deviceMeasurements?.qtcBazett);
    assert.equal(r.device?.manufacturer, 'Welch Allyn Cardio Control');
    // Latin-1 text stays Latin-1 (Swedish å, ä), not mistaken for GB2312
    for (const s of r.deviceStatements ?? []) assert.ok(!/[\u4e00-\u9fff]/.test(s), s);
  }
});

// ---------- synthetic files: decoding paths the sample files do not use ----------

test('SCP-ECG: reference beat subtraction is undone at the QRS positions of section 4', () => {
  const n = 5000;
  const beats = [400, 1200, 2000, 2800, 3600, 4400];
  const truth = syntheticEcg(n, beats, bump);
  const refLen = 300;
  const fc = 100; // fiducial at sample 100 of the reference beat (1-based)
  // reference beat stored at half the rhythm's AVM (500 vs 1000 nV): its units are twice as fine
  const reference = [0, 1, 2].map((l) =>
    Int32Array.from({ length: refLen }, (_, k) => Math.round(2 * bump(k - (fc - 1), l))),
  );
  const residual = truth.map((x, l) => {
    const r = Int32Array.from(x);
    for (const b of beats) {
      for (let s = b - 50; s <= b + 150; s++) r[s] -= Math.round(reference[l][fc - 1 + (s - b)] / 2);
    }
    return r;
  });
  const qrs = [...u16(refLen * 2), ...u16(fc), ...u16(beats.length)];
  for (const b of beats) qrs.push(...u16(0), ...u32(b + 1 - 50), ...u32(b + 1), ...u32(b + 1 + 150));
  for (const b of beats) qrs.push(...u32(b + 1 - 60), ...u32(b + 1 + 160));
  const file = buildScp(
    new Map([
      [3, leadSection([1, 2, 3], n, true)],
      [4, Uint8Array.from(qrs)],
      [5, encodedSection(500, 2000, 0, 0, reference.map(int16Bytes))],
      [6, encodedSection(1000, 2000, 0, 0, residual.map(int16Bytes))],
    ]),
  );
  const r = readScpEcg(file);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.record.sampleRate, 500);
  for (let l = 0; l < 3; l++) {
    let maxErr = 0;
    for (let i = 0; i < n; i++)
      maxErr = Math.max(maxErr, Math.abs(r.record.leads[l].samples[i] - truth[l][i]));
    assert.ok(maxErr <= 1.01, `lead ${l}: max error ${maxErr} µV (rounding of the halved reference only)`);
  }
  // without the flag the residual comes back: QRS peaks are (almost) gone
  const flat = readScpEcg(
    buildScp(
      new Map([
        [3, leadSection([1, 2, 3], n, false)],
        [6, encodedSection(1000, 2000, 0, 0, residual.map(int16Bytes))],
      ]),
    ),
  );
  assert.ok(Math.abs(flat.record.leads[1].samples[400]) < 100);
  assert.ok(Math.abs(r.record.leads[1].samples[400] - truth[1][400]) <= 1);
});

test('SCP-ECG: default and explicit (bit-reversed) Huffman tables decode second differences exactly', () => {
  const n = 3000;
  const truth = syntheticEcg(n, [300, 1100, 1900, 2700], bump);
  const streams = truth.map((x) => huffmanEncode(secondDifferences(x)));
  const common = new Map([
    [3, leadSection([1, 2, 61], n, false)],
    [6, encodedSection(2500, 2000, 2, 0, streams)],
  ]);
  const withDefault = readScpEcg(buildScp(new Map([...common, [2, Uint8Array.from(u16(19999))]])));
  // the same table written out explicitly: base codes stored with their bits reversed, as the standard says
  const codes: number[][] = [[1, 1, 0, 0b0]];
  for (let a = 1; a <= 8; a++) {
    codes.push(
      [a + 2, a + 2, a, (((1 << a) - 1) << 2) | 0b00],
      [a + 2, a + 2, -a, (((1 << a) - 1) << 2) | 0b01],
    );
  }
  codes.push([10, 18, 0, 0b1111111110], [10, 26, 0, 0b1111111111]);
  const reverse = (v: number, bits: number) => {
    let r = 0;
    for (let i = 0; i < bits; i++) r = (r << 1) | ((v >> i) & 1);
    return r;
  };
  const table = [...u16(1), ...u16(codes.length)];
  for (const [p, t, value, code] of codes)
    table.push(p, t, 1, ...u16(value & 0xffff), ...u32(reverse(code, p)));
  const explicit = readScpEcg(buildScp(new Map([...common, [2, Uint8Array.from(table)]])));
  for (const r of [withDefault, explicit]) {
    assert.deepEqual(
      r.record.leads.map((l) => l.name),
      ['I', 'II', 'III'],
    );
    for (let l = 0; l < 3; l++) {
      for (let i = 0; i < n; i += 7) assert.equal(r.record.leads[l].samples[i], truth[l][i] * 2.5);
    }
  }
});

test('SCP-ECG: bimodal compression is expanded back to the full rate', () => {
  const n = 4000;
  const beats = [500, 1300, 2100, 2900, 3700];
  // QRS inside the protected area, a T wave outside it: the T wave is what decimation has to restore
  const wave = (t: number, l: number) =>
    (l + 1) * 300 * Math.exp(-((t / 10) ** 2)) + 250 * Math.exp(-(((t - 110) / 25) ** 2));
  const truth = syntheticEcg(n, beats, wave);
  const areas = beats.map((b) => [b + 1 - 40, b + 1 + 40]);
  const inside = (i: number) => areas.some(([s, e]) => i + 1 >= s && i + 1 <= e);
  // store full rate inside protected areas, the mean of each pair outside them (factor 2)
  const stored = truth.map((x) => {
    const out: number[] = [];
    let i = 0;
    while (i < n) {
      if (inside(i)) out.push(x[i++]);
      else {
        let j = i;
        let sum = 0;
        while (j < n && j - i < 2 && !inside(j)) sum += x[j++];
        out.push(Math.round(sum / (j - i)));
        i = j;
      }
    }
    return out;
  });
  const qrs = [...u16(200), ...u16(50), ...u16(beats.length)];
  for (const b of beats) qrs.push(...u16(0), ...u32(b + 1 - 40), ...u32(b + 1), ...u32(b + 1 + 40));
  for (const [s, e] of areas) qrs.push(...u32(s), ...u32(e));
  const reference = [0, 1, 2].map(() => int16Bytes(new Int16Array(100)));
  const r = readScpEcg(
    buildScp(
      new Map([
        [3, leadSection([1, 2, 3], n, false)],
        [4, Uint8Array.from(qrs)],
        [5, encodedSection(1000, 2000, 0, 0, reference)],
        [6, encodedSection(1000, 4000, 0, 1, stored.map(int16Bytes))],
      ]),
    ),
  );
  assert.equal(r.record.sampleRate, 500, 'output at the reference beat rate');
  assert.equal(r.record.leads[0].samples.length, n);
  for (let l = 0; l < 3; l++) {
    for (const b of beats) assert.equal(r.record.leads[l].samples[b], truth[l][b], 'QRS kept at full rate');
    let maxErr = 0;
    for (let i = 0; i < n; i++)
      maxErr = Math.max(maxErr, Math.abs(r.record.leads[l].samples[i] - truth[l][i]));
    assert.ok(
      maxErr < 4,
      `lead ${l}: interpolation error ${maxErr.toFixed(2)} µV outside the protected areas`,
    );
  }
});

test('SCP-ECG: leads recorded one group after another keep their time; unconnected leads are marked flat', () => {
  const ramp = Int16Array.from({ length: 1000 }, (_, i) => (i % 100) - 50);
  const defs = [
    [1, 1, 1000],
    [2, 1, 1000],
    [3, 1001, 2000],
    [4, 1001, 2000],
  ];
  const s3 = Uint8Array.from([
    4,
    4 | (2 << 3),
    ...defs.flatMap(([code, a, b]) => [...u32(a), ...u32(b), code]),
  ]);
  const data = [ramp, ramp, ramp, new Int16Array(1000)].map(int16Bytes);
  const r = readScpEcg(
    buildScp(
      new Map([
        [3, s3],
        [6, encodedSection(1000, 2000, 0, 0, data)],
      ]),
    ),
  );
  assert.equal(r.record.leads[0].samples.length, 2000);
  assert.equal(r.record.leads[0].samples[999], 49);
  assert.equal(r.record.leads[0].samples[1500], 0, 'I was not recorded in the second group');
  assert.equal(r.record.leads[2].samples[1000], -50, 'V1 starts at sample 1001');
  assert.equal(r.record.leads[3].quality, 'flat');
  assert.ok(r.warnings?.some((w) => /not recorded simultaneously/.test(w)));
});

// ---------- bad input ----------

const tiny = () =>
  buildScp(
    new Map([
      [3, leadSection([1, 2], 500, false)],
      [
        6,
        encodedSection(1000, 2000, 0, 0, [int16Bytes(new Int16Array(500)), int16Bytes(new Int16Array(500))]),
      ],
    ]),
  );

test('SCP-ECG: bad input is rejected with a FormatError that says why', () => {
  const good = tiny();
  assert.equal(readScpEcg(good).record.leads.length, 2);
  const expectError = (bytes: Uint8Array, pattern: RegExp) =>
    assert.throws(
      () => readScpEcg(bytes),
      (e: unknown) => e instanceof FormatError && pattern.test(e.message),
    );
  expectError(new Uint8Array(0), /too short/);
  expectError(good.subarray(0, good.length - 100), /truncated/);
  const flipped = good.slice();
  flipped[good.length - 10] ^= 0x40;
  expectError(flipped, /CRC/);
  // a wrong file CRC over intact sections is a known writer quirk: kept, with a warning (rejected when strict)
  const quirk = good.slice();
  quirk[0] ^= 0xff;
  assert.ok(readScpEcg(quirk).warnings?.some((w) => /file CRC mismatch/.test(w)));
  assert.throws(() => readScpEcg(quirk, { strictCrc: true }), FormatError);
  const noRhythm = buildScp(new Map([[3, leadSection([1], 10, false)]]));
  expectError(noRhythm, /section 6/);
  const absurd = buildScp(
    new Map([
      [3, Uint8Array.from([1, 4 | 8, ...u32(1), ...u32(0xfffffff0), 1])],
      [6, encodedSection(1000, 2000, 0, 0, [new Uint8Array(10)])],
    ]),
  );
  expectError(absurd, /declares/);
  const zeroInterval = buildScp(
    new Map([
      [3, leadSection([1], 5, false)],
      [6, encodedSection(1000, 0, 0, 0, [new Uint8Array(10)])],
    ]),
  );
  expectError(zeroInterval, /interval/);
});

test('SCP-ECG: random truncations and bit flips end in a result or a FormatError, never a hang or crash', {
  skip: !exists && 'needs ../shared/data/scp-ecg',
}, () => {
  const f = files.find((x) => /ECG_2008/.test(x)) ?? files[0];
  const original = new Uint8Array(readFileSync(f));
  const payloads = splitScp(original);
  let seed = 12345;
  const rand = (k: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % k;
  };
  let outcomes = 0;
  for (let round = 0; round < 300; round++) {
    let bytes: Uint8Array;
    if (round % 3 === 0) {
      bytes = original.slice(0, rand(original.length));
    } else {
      // corrupt section contents but keep the CRCs valid so the parser itself is exercised
      const mutated = new Map([...payloads].map(([id, d]) => [id, d.slice()]));
      const ids = [...mutated.keys()];
      for (let k = 0; k < 1 + rand(4); k++) {
        const d = mutated.get(ids[rand(ids.length)]) as Uint8Array;
        if (d.length) d[rand(d.length)] ^= 1 << rand(8);
      }
      bytes = buildScp(mutated);
      if (round % 3 === 2) bytes[rand(bytes.length)] ^= 1 << rand(8);
    }
    try {
      const r = readScpEcg(bytes);
      assert.ok(r.record.leads.length > 0);
    } catch (e) {
      assert.ok(e instanceof FormatError, `round ${round}: ${(e as Error).stack}`);
    }
    outcomes++;
  }
  assert.equal(outcomes, 300);
});
