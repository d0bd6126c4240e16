import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { EcgRecord } from '@lifeline/ecg';
import { FormatError, readHl7Aecg, writeHl7Aecg } from '../src/index';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const dataDir = path.resolve(repoRoot, '../shared/data/hl7-aecg');
const hasData = existsSync(dataDir);
const skip = !hasData && 'needs ../shared/data/hl7-aecg';

function xmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return xmlFiles(p);
    return e.name.endsWith('.xml') ? [p] : [];
  });
}

const lead = (r: EcgRecord, name: string) => r.leads.find((l) => l.name === name)?.samples;
const enc = (s: string) => new TextEncoder().encode(s);

// aECG documents elsewhere in the data (e.g. the Philips tool's aECG conversions) are read too.
const philipsDir = path.resolve(repoRoot, '../shared/data/philips-sierra-xml');
const otherAecg = existsSync(philipsDir)
  ? xmlFiles(philipsDir).filter((f) => /<AnnotatedECG[\s>]/.test(readFileSync(f, 'latin1').slice(0, 4000)))
  : [];

test('every aECG sample ingests with plausible amplitudes and Einthoven consistency', { skip }, () => {
  const files = [...xmlFiles(dataDir), ...otherAecg];
  assert.ok(files.length >= 2);
  for (const file of files) {
    const name = path.basename(file);
    const p = readHl7Aecg(new Uint8Array(readFileSync(file)));
    assert.equal(p.format, 'hl7-aecg');
    const r = p.record;
    assert.ok(r.sampleRate >= 100 && r.sampleRate <= 10000, `${name}: rate ${r.sampleRate}`);
    const ii = lead(r, 'II');
    assert.ok(ii, `${name}: has lead II`);
    if (ii.length < 2 * r.sampleRate) continue; // fragments (minimum_aecg.xml) carry no full beat
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of ii) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    assert.ok(hi - lo >= 300 && hi - lo <= 5000, `${name}: lead II range ${hi - lo} µV`);
    const [i, iii] = [lead(r, 'I'), lead(r, 'III')];
    if (i && iii) {
      // 95th percentile, not the maximum: some carts put a 1 mV calibration pulse on every lead at the start.
      const residual = Float32Array.from(i, (v, s) => Math.abs(v + iii[s] - ii[s])).sort();
      const p95 = residual[Math.floor(residual.length * 0.95)];
      assert.ok(p95 <= 20, `${name}: I + III − II reaches ${p95} µV (95th percentile)`);
    }
  }
});

test('FDA aECG: lead order, representative beats, measurements, subject', { skip }, () => {
  const p = readHl7Aecg(new Uint8Array(readFileSync(path.join(dataDir, 'fda-aecg-python/subject1_0.xml'))));
  assert.deepEqual(
    p.record.leads.map((l) => l.name),
    ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'III', 'aVR', 'aVL', 'aVF'],
  );
  assert.equal(p.record.sampleRate, 500);
  assert.equal(p.record.leads[0].samples.length, 5000);
  assert.equal(p.medianBeats?.leads.length, 12);
  assert.equal(p.medianBeats?.sampleRate, 500);
  assert.deepEqual(p.deviceMeasurements, {
    pDuration: 102,
    pr: 148,
    qrsDuration: 120,
    qt: 420,
    qtcBazett: 443,
    pAxis: 44,
    qrsAxis: -61,
    tAxis: 86,
  });
  assert.deepEqual(p.deviceStatements, ['Sinus Rhythm']);
  assert.equal(p.acquiredAt, '2002-11-22T09:10:00');
  assert.equal(p.record.startTime, '2002-11-22T09:10:00');
  assert.deepEqual(p.patient, { id: 'subject1', name: 'Clark', sex: 'M', birthDate: '1953-05-08' });
  assert.equal(p.device?.model, 'ELI250');
  assert.equal(p.instanceUid, '61d1a24f-b47e-41aa-ae95-f8ac302f4eeb^subject1_0');
  // Wave boundaries become sample numbers: the first P wave starts 122 ms after the 500 Hz series head.
  assert.ok(
    p.annotations?.some((a) => a.code === 'MDC_ECG_WAVC_PWAVE' && a.sample === 61 && a.text === 'onset'),
  );
  // Every QRS wave annotated by the cart spans a large deflection of lead II.
  const ii = lead(p.record, 'II') ?? new Float32Array(0);
  const qrs = (p.annotations ?? []).filter((a) => a.code === 'MDC_ECG_WAVC_QRSWAVE');
  const onsets = qrs.filter((a) => a.text === 'onset');
  const offsets = qrs.filter((a) => a.text === 'offset');
  assert.ok(onsets.length >= 10 && onsets.length === offsets.length);
  onsets.forEach((on, k) => {
    const seg = ii.subarray(on.sample, offsets[k].sample + 1);
    assert.ok(Math.max(...seg) - Math.min(...seg) > 300, `QRS ${k} at ${on.sample}`);
  });
});

test('minimum aECG: scale and origin applied', { skip }, () => {
  const p = readHl7Aecg(new Uint8Array(readFileSync(path.join(dataDir, 'fda-aecg-python/minimum_aecg.xml'))));
  assert.deepEqual(Array.from(lead(p.record, 'II') ?? []).slice(0, 4), [-5, -5, -5, -5]);
});

test('aECG writer round trip keeps samples, rate, beats, measurements and patient', () => {
  const n = 2500;
  const i = Float32Array.from({ length: n }, (_, s) => Math.round(500 * Math.sin(s / 20)));
  const ii = Float32Array.from({ length: n }, (_, s) => Math.round(900 * Math.cos(s / 30)));
  const record: EcgRecord = {
    sampleRate: 500,
    leads: [
      { name: 'I', samples: i },
      { name: 'II', samples: ii },
      { name: 'aVR', samples: i.map((v, s) => -(v + ii[s]) / 2) },
    ],
  };
  const beats: EcgRecord = {
    sampleRate: 500,
    leads: record.leads.map((l) => ({ ...l, samples: l.samples.slice(0, 400) })),
  };
  const xml = writeHl7Aecg(
    record,
    {
      patient: { id: 'P-9', name: '李四 <Li>', birthDate: '1980-01-02', sex: 'F' },
      acquiredAt: '2026-01-02T03:04:05.250',
      measurements: { heartRate: 72, qt: 400 },
      statements: ['窦性心律 & normal'],
    },
    beats,
  );
  const p = readHl7Aecg(enc(xml));
  assert.deepEqual(
    p.record.leads.map((l) => l.name),
    ['I', 'II', 'aVR'],
  );
  assert.equal(p.record.sampleRate, 500);
  for (const [k, l] of record.leads.entries()) {
    const back = p.record.leads[k].samples;
    for (let s = 0; s < n; s++) assert.ok(Math.abs(back[s] - l.samples[s]) <= 0.5, `${l.name}[${s}]`);
  }
  assert.equal(p.medianBeats?.leads[0].samples.length, 400);
  assert.deepEqual(p.deviceMeasurements, { heartRate: 72, qt: 400 });
  assert.deepEqual(p.deviceStatements, ['窦性心律 & normal']);
  assert.deepEqual(p.patient, { id: 'P-9', name: '李四 <Li>', sex: 'F', birthDate: '1980-01-02' });
  assert.equal(p.acquiredAt, '2026-01-02T03:04:05.250');
});

test('bad aECG input raises FormatError with the reason', () => {
  assert.throws(
    () => readHl7Aecg(enc('<AnnotatedECG><id root="x"></AnnotatedECG>')),
    /malformed XML at line 1/,
  );
  assert.throws(() => readHl7Aecg(enc('\u0000\u0001garbage')), FormatError);
  assert.throws(() => readHl7Aecg(enc('<RestingECG/>')), /root element is not AnnotatedECG/);
  assert.throws(() => readHl7Aecg(enc('<AnnotatedECG/>')), /no series/);
  const noTime = `<AnnotatedECG xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><component><series><code code="RHYTHM"/>
    <component><sequenceSet><component><sequence><code code="MDC_ECG_LEAD_II"/>
    <value xsi:type="SLIST_PQ"><origin value="0" unit="uV"/><scale value="1" unit="uV"/><digits>1 2 3</digits></value>
    </sequence></component></sequenceSet></component></series></component></AnnotatedECG>`;
  assert.throws(() => readHl7Aecg(enc(noTime)), /no time sequence/);
  const badDigit = noTime
    .replace(
      '<component><sequence><code code="MDC_ECG_LEAD_II"/>',
      '<component><sequence><code code="TIME_RELATIVE"/><value xsi:type="GLIST_PQ"><head value="0" unit="s"/><increment value="0.002" unit="s"/></value></sequence></component><component><sequence><code code="MDC_ECG_LEAD_II"/>',
    )
    .replace('1 2 3', '1 x 3');
  assert.throws(() => readHl7Aecg(enc(badDigit)), /lead II digit 2 "x" is not a number/);
  const ok = readHl7Aecg(enc(badDigit.replace('1 x 3', '1 2 3')));
  assert.deepEqual(Array.from(ok.record.leads[0].samples), [1, 2, 3]);
  assert.throws(() => writeHl7Aecg({ sampleRate: 500, leads: [] }), /cannot write aECG/);
});
