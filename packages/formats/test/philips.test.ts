import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { EcgRecord } from '@lifeline/ecg';
import { lzwDecode, readPhilipsXml, undoXliDeltas, unpackHalves } from '../src/philips/index';
import { FormatError } from '../src/types';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = path.resolve(repoRoot, '../shared/data/philips-sierra-xml');
const exists = existsSync(dataDir);
const all = exists
  ? readdirSync(dataDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.xml$/i.test(f))
      .map((f) => path.join(dataDir, f))
  : [];
// the *_converted.xml file is an HL7 aECG made from the matching *_orig.xml by another tool: a reference only
const philipsFiles = all.filter((f) => !f.includes('_converted'));
const skip = !exists && 'needs ../shared/data/philips-sierra-xml';

const STANDARD = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
const lead = (r: EcgRecord, name: string) => r.leads.find((l) => l.name === name)?.samples as Float32Array;

/** PageWriters append a 1 mV calibration pulse to every lead at the end; the checks look before it. */
const analysedLength = (n: number) => Math.floor(n * 0.95);

function medianPeakToPeak(x: Float32Array, fs: number, n: number): number {
  const values: number[] = [];
  for (let s = 0; s + fs <= n; s += fs) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = s; i < s + fs; i++) {
      lo = Math.min(lo, x[i]);
      hi = Math.max(hi, x[i]);
    }
    values.push(hi - lo);
  }
  values.sort((a, b) => a - b);
  return values[values.length >> 1];
}

function relativeRms(f: (i: number) => number, ref: Float32Array, n: number): number {
  let e = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    e += f(i) ** 2;
    s += ref[i] ** 2;
  }
  return Math.sqrt(e / s);
}

test('every Philips sample file reads: 12 standard leads, rate, plausible amplitudes, limb-lead identities', {
  skip,
}, () => {
  assert.ok(philipsFiles.length >= 3);
  for (const f of philipsFiles) {
    const name = path.basename(f);
    const r = readPhilipsXml(new Uint8Array(readFileSync(f)));
    assert.equal(r.format, 'philips-xml');
    assert.deepEqual(
      r.record.leads.map((l) => l.name),
      STANDARD,
      name,
    );
    assert.equal(r.record.sampleRate, 500, name);
    const n = r.record.leads[0].samples.length;
    assert.equal(n, 5500, `${name}: 11 s at 500 Hz`);
    const m = analysedLength(n);
    const [I, II, III] = [lead(r.record, 'I'), lead(r.record, 'II'), lead(r.record, 'III')];
    const p2p = medianPeakToPeak(II, 500, m);
    assert.ok(p2p > 300 && p2p < 3000, `${name}: lead II peak-to-peak ${p2p} µV`);
    const einthoven = relativeRms((i) => I[i] + III[i] - II[i], II, m);
    assert.ok(einthoven < 0.05, `${name}: I + III ≈ II (relative error ${einthoven.toFixed(3)})`);
    const [aVR, aVL, aVF] = [lead(r.record, 'aVR'), lead(r.record, 'aVL'), lead(r.record, 'aVF')];
    const goldberger = relativeRms((i) => aVR[i] + aVL[i] + aVF[i], II, m);
    assert.ok(goldberger < 0.05, `${name}: aVR + aVL + aVF ≈ 0 (relative error ${goldberger.toFixed(3)})`);
    // the calibration pulse is 1 mV: a direct check of the resolution scaling
    assert.equal(Math.max(...I.subarray(m)), 1000, `${name}: 1 mV calibration pulse`);
    assert.ok((r.deviceStatements?.length ?? 0) >= 2, `${name}: interpretation statements`);
    assert.ok(r.deviceMeasurements?.heartRate, `${name}: heart rate`);
    assert.ok(r.deviceMeasurements?.qrsDuration, `${name}: QRS duration`);
    assert.ok(
      r.acquiredAt && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(r.acquiredAt),
      `${name}: acquiredAt`,
    );
    assert.ok(r.device?.model, `${name}: device model`);
  }
});

test('Philips 1.03: demographics, measurements and statements as written', { skip }, () => {
  const f = philipsFiles.find((x) => x.endsWith('129DYPRG.XML'));
  if (!f) return;
  const r = readPhilipsXml(new Uint8Array(readFileSync(f)));
  assert.equal(r.patient?.id, '1112010721168bdc');
  assert.equal(r.patient?.sex, 'M');
  assert.equal(r.patient?.age, 50);
  assert.equal(r.deviceMeasurements?.heartRate, 41);
  assert.equal(r.deviceMeasurements?.qt, 476);
  assert.equal(r.deviceMeasurements?.qtcBazett, 393, 'QTc named Bazett because QT and rate confirm it');
  assert.equal(r.deviceMeasurements?.qrsAxis, -21);
  assert.ok(r.deviceStatements?.some((s) => s.startsWith('Sinus bradycardia')));
});

test('Philips 1.04 (UTF-16): XLI decoding agrees with an independent conversion of the same ECG', {
  skip,
}, () => {
  const orig = philipsFiles.find((x) => x.endsWith('ad4d3d80-d165_1-04_orig.xml'));
  const converted = all.find((x) => x.endsWith('ad4d3d80-d165_1-04_converted.xml'));
  if (!orig || !converted) return;
  const r = readPhilipsXml(new Uint8Array(readFileSync(orig)));
  assert.equal(r.patient?.sex, 'F');
  assert.equal(r.patient?.birthDate, '1976-01-01');
  assert.equal(r.device?.model, 'PageWriter Touch');
  assert.equal(r.medianBeats?.leads.length, 12, 'representative beats');
  assert.equal(r.medianBeats?.sampleRate, 500);
  const text = readFileSync(converted, 'utf8');
  const re =
    /<code code="MDC_ECG_LEAD_([^"]*)"[\s\S]*?<scale value="([^"]*)"[\s\S]*?<digits>([^<]*)<\/digits>/g;
  let checked = 0;
  for (let m = re.exec(text); m && checked < 12; m = re.exec(text)) {
    const name = STANDARD.find((s) => s.toUpperCase() === m?.[1]) as string;
    const scale = Number(m[2]);
    const reference = m[3].trim().split(/\s+/).map(Number);
    const mine = lead(r.record, name);
    assert.equal(mine.length, reference.length, name);
    let sum = 0;
    let max = 0;
    for (let i = 0; i < mine.length; i++) {
      const d = Math.abs(mine[i] / scale - reference[i]);
      sum += d;
      max = Math.max(max, d);
    }
    // the other tool's output differs by a unit or two (its own rounding/filtering); a wrong decode differs by far more
    assert.ok(
      sum / mine.length < 1.5 && max <= 6,
      `${name}: mean ${(sum / mine.length).toFixed(2)}, max ${max} units`,
    );
    checked++;
  }
  assert.equal(checked, 12);
  assert.throws(() => readPhilipsXml(new Uint8Array(readFileSync(converted))), /restingecgdata/);
});

test('XLI building blocks: LZW with a code defined by its own use, byte halves, second-difference decoding', () => {
  // codes 65 'A', 66 'B', 256 'AB', 258 (defined while being read) 'ABA', packed 10 bits MSB first
  const codes = [65, 66, 256, 258];
  const bits = codes.flatMap((c) => Array.from({ length: 10 }, (_, k) => (c >> (9 - k)) & 1));
  const packed = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => {
    packed[i >> 3] |= b << (7 - (i & 7));
  });
  assert.equal(new TextDecoder().decode(lzwDecode(packed, 100)), 'ABABABA');
  assert.throws(
    () => lzwDecode(Uint8Array.of(0b01000000, 0b01000000, 0), 100),
    FormatError,
    'code 257 undefined',
  );
  assert.throws(() => lzwDecode(packed, 4), /more than 4 bytes/);
  assert.deepEqual([...unpackHalves(Uint8Array.of(0x01, 0xff, 0x02, 0x00))], [258, -256]);
  // x2 = 2·12 − 10 − seed(5) = 9; x3 = 2·9 − 12 − (64 − 64) = 6; x4 = 2·6 − 9 − (70 − 64) = −3
  assert.deepEqual([...undoXliDeltas(Int16Array.of(10, 12, 64, 70, 0), 5)], [10, 12, 9, 6, -3]);
});

test('Philips XML: bad input gives a FormatError with the reason', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const expectError = (bytes: Uint8Array, pattern: RegExp) =>
    assert.throws(
      () => readPhilipsXml(bytes),
      (e: unknown) => e instanceof FormatError && pattern.test(e.message),
    );
  expectError(new Uint8Array(0), /empty/);
  expectError(enc('   \n  '), /empty/);
  expectError(enc('<other><x/></other>'), /restingecgdata/);
  expectError(enc('<restingecgdata><documentinfo/></restingecgdata>'), /parsedwaveforms/);
  const wave = (attrs: string, body: string) =>
    enc(
      `<restingecgdata><dataacquisition><signalcharacteristics><samplingrate>500</samplingrate></signalcharacteristics></dataacquisition><waveforms><parsedwaveforms ${attrs}>${body}</parsedwaveforms></waveforms></restingecgdata>`,
    );
  expectError(wave('durationperchannel="1000000000" numberofleads="12" leadlabels="I II"', 'AAAA'), /beyond/);
  expectError(
    wave('durationperchannel="10" numberofleads="2" leadlabels="I II"', '!!!not base64!!!'),
    /base64/,
  );
  // an XLI chunk header claiming more bytes than follow
  const chunk = btoa(String.fromCharCode(0xff, 0xff, 0, 0, 0, 0, 0, 0, 1, 2, 3));
  expectError(
    wave('durationperchannel="10" compression="XLI" numberofleads="1" leadlabels="I"', chunk),
    /does not fit/,
  );
  // uncompressed data with too few leads
  expectError(wave('durationperchannel="10" numberofleads="2" leadlabels="I II"', ''), /no data/);
  // a valid tiny uncompressed file reads, with scaling by the resolution attribute
  const samples = new Int16Array(10).map((_, i) => i * 10);
  const b64 = btoa(String.fromCharCode(...new Uint8Array(samples.buffer)));
  const ok = readPhilipsXml(
    wave('durationperchannel="10" numberofleads="2" leadlabels="V1 V2" resolution="2.5"', b64),
  );
  assert.deepEqual(
    ok.record.leads.map((l) => l.name),
    ['V1', 'V2'],
  );
  assert.equal(ok.record.leads[1].samples[4], 90 * 2.5);
});

test('Philips XML: random truncations and corrupted waveform data end in a result or a FormatError', {
  skip,
}, () => {
  const f = philipsFiles.find((x) => x.includes('ZZDEMO')) ?? philipsFiles[0];
  const bytes = new Uint8Array(readFileSync(f));
  const text = new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-8').decode(bytes);
  const start = text.indexOf('>', text.indexOf('<parsedwaveforms')) + 1;
  const end = text.indexOf('</parsedwaveforms>');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let seed = 7;
  const rand = (k: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % k;
  };
  for (let round = 0; round < 60; round++) {
    let mutated: string;
    if (round % 2 === 0) mutated = text.slice(0, rand(text.length));
    else {
      const chars = text.split('');
      for (let k = 0; k < 1 + rand(20); k++) chars[start + rand(end - start)] = alphabet[rand(64)];
      mutated = chars.join('');
    }
    try {
      const r = readPhilipsXml(new TextEncoder().encode(mutated));
      assert.ok(r.record.leads.length > 0);
    } catch (e) {
      assert.ok(e instanceof FormatError, `round ${round}: ${(e as Error).stack}`);
    }
  }
});
