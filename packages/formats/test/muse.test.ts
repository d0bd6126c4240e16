import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { type EcgRecord, readWfdb } from '@lifeline/ecg';
import { FormatError, readMuseXml } from '../src/index';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const dataDir = path.resolve(repoRoot, '../shared/data/ge-muse-xml');
const hasData = existsSync(dataDir);
const skip = !hasData && 'needs ../shared/data/ge-muse-xml';
const TWELVE = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
const enc = (s: string) => new TextEncoder().encode(s);
const lead = (r: EcgRecord, name: string) => {
  const l = r.leads.find((x) => x.name === name);
  assert.ok(l, `lead ${name}`);
  return l.samples;
};

function leadXml(id: string, raw: number[], perBit = 4.88, byteCount?: number): string {
  const bytes = new Uint8Array(new Int16Array(raw).buffer);
  const b64 = btoa(String.fromCharCode(...bytes));
  return `<LeadData><LeadByteCountTotal>${byteCount ?? bytes.length}</LeadByteCountTotal>
    <LeadSampleCountTotal>${byteCount === undefined ? raw.length : byteCount / 2}</LeadSampleCountTotal>
    <LeadAmplitudeUnitsPerBit>${perBit}</LeadAmplitudeUnitsPerBit><LeadAmplitudeUnits>MICROVOLTS</LeadAmplitudeUnits>
    <LeadID>${id}</LeadID><LeadSampleSize>2</LeadSampleSize><WaveFormData>${b64}</WaveFormData></LeadData>`;
}

function museXml(rhythmLeads: string, extra = ''): string {
  return `<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE RestingECG SYSTEM "restecg.dtd">
<RestingECG>
  <PatientDemographics><PatientID>0012345</PatientID><PatientAge>61</PatientAge><AgeUnits>YEARS</AgeUnits>
    <DateofBirth>03-09-1964</DateofBirth><Gender>FEMALE</Gender><PatientLastName>M\u00dcLLER</PatientLastName>
    <PatientFirstName>ANNA</PatientFirstName></PatientDemographics>
  <TestDemographics><AcquisitionDevice>MAC55</AcquisitionDevice><AcquisitionTime>14:16:23</AcquisitionTime>
    <AcquisitionDate>08-03-2021</AcquisitionDate><AcquisitionSoftwareVersion>010A</AcquisitionSoftwareVersion></TestDemographics>
  <RestingECGMeasurements><VentricularRate>72</VentricularRate><QTCorrected>410</QTCorrected></RestingECGMeasurements>
  <Diagnosis><Modality>RESTING</Modality>
    <DiagnosisStatement><StmtFlag>ENDSLINE</StmtFlag><StmtText>Normal sinus rhythm</StmtText></DiagnosisStatement>
    <DiagnosisStatement><StmtText>Anterior infarct</StmtText></DiagnosisStatement>
    <DiagnosisStatement><StmtFlag>ENDSLINE</StmtFlag><StmtText>, age undetermined</StmtText></DiagnosisStatement>
    <DiagnosisStatement><StmtText>T wave abnormality,</StmtText></DiagnosisStatement>
    <DiagnosisStatement><StmtFlag>USERINSERT</StmtFlag><StmtFlag>ENDSLINE</StmtFlag><StmtText>consider lateral ischemia</StmtText></DiagnosisStatement>
  </Diagnosis>
  ${extra}
  <Waveform><WaveformType>Rhythm</WaveformType><SampleBase>500</SampleBase><SampleExponent>0</SampleExponent>
    ${rhythmLeads}</Waveform>
</RestingECG>`;
}

test('every MUSE sample ingests: 12 leads in standard order, plausible amplitudes, measurements', {
  skip,
}, () => {
  const files = readdirSync(dataDir).filter((f) => f.endsWith('.xml'));
  assert.ok(files.length >= 1);
  for (const f of files) {
    const p = readMuseXml(new Uint8Array(readFileSync(path.join(dataDir, f))));
    assert.equal(p.format, 'ge-muse-xml');
    assert.deepEqual(
      p.record.leads.map((l) => l.name),
      TWELVE,
      f,
    );
    assert.equal(p.record.sampleRate, 500);
    assert.equal(p.record.leads[0].samples.length, 5000);
    assert.equal(p.medianBeats?.leads.length, 12);
    const ii = lead(p.record, 'II');
    const sorted = Float32Array.from(ii).sort();
    const peak = sorted[sorted.length - 1] - sorted[sorted.length >> 1];
    assert.ok(peak >= 300 && peak <= 3000, `${f}: lead II R ${peak} µV`);
    const [i, iii, avr] = [lead(p.record, 'I'), lead(p.record, 'III'), lead(p.record, 'aVR')];
    for (let s = 0; s < i.length; s += 50) {
      assert.ok(Math.abs(i[s] + iii[s] - ii[s]) < 1e-3);
      assert.ok(Math.abs(avr[s] + (i[s] + ii[s]) / 2) < 1e-3);
    }
    // Every QRS time the cart reports falls on a QRS complex (a large deflection within ±60 ms) in lead II.
    const mid = sorted[sorted.length >> 1];
    for (const a of p.annotations ?? []) {
      let big = 0;
      for (let s = Math.max(0, a.sample - 30); s < Math.min(ii.length, a.sample + 30); s++)
        big = Math.max(big, Math.abs(ii[s] - mid));
      assert.ok(big > 300, `${f}: QRS at sample ${a.sample}`);
    }
    for (const key of ['heartRate', 'pr', 'qrsDuration', 'qt', 'qtcBazett', 'pAxis', 'qrsAxis', 'tAxis']) {
      assert.equal(typeof p.deviceMeasurements?.[key], 'number', `${f}: ${key}`);
    }
  }
});

test('MUSE example 1: known measurements and first samples', { skip }, () => {
  const p = readMuseXml(new Uint8Array(readFileSync(path.join(dataDir, 'braveheart_example1.xml'))));
  assert.deepEqual(p.deviceMeasurements, {
    heartRate: 48,
    pr: 138,
    qrsDuration: 96,
    qt: 452,
    qtcBazett: 403,
    qtcFridericia: 419,
    pAxis: 51,
    qrsAxis: 20,
    tAxis: 40,
  });
  // Median lead I starts with raw 3, 2 (base64 "AwACAA…") at 4.88 µV per bit.
  assert.ok(Math.abs((p.medianBeats?.leads[0].samples[0] ?? 0) - 3 * 4.88) < 1e-3);
  assert.ok(Math.abs((p.medianBeats?.leads[0].samples[1] ?? 0) - 2 * 4.88) < 1e-3);
  assert.deepEqual(p.record.meta?.derivedLeads, ['III', 'aVR', 'aVL', 'aVF']);
  // The cart's 8 QRS detections, first at 614 ms; R peaks of lead II lie within 60 ms of them.
  assert.equal(p.annotations?.length, 8);
  assert.deepEqual(p.annotations?.[0], { sample: 307, code: 'QRS', text: 'type 0' });
  const ii = p.record.leads[1].samples;
  for (const a of p.annotations ?? []) {
    let peak = a.sample;
    for (let s = Math.max(0, a.sample - 30); s < Math.min(ii.length, a.sample + 30); s++)
      if (ii[s] > ii[peak]) peak = s;
    assert.ok(ii[peak] > 500, `R wave near sample ${a.sample}`);
  }
});

// The WFDB copies in egm-wfdb-converted were made from egm_muse-sinus.xml; when that XML is present the
// two must hold the same signal (independent amplitude and lead-order check).
const egmXml = path.join(dataDir, 'egm_muse-sinus.xml');
test('MUSE equals its WFDB conversion', {
  skip: !existsSync(egmXml) && 'needs ../shared/data/ge-muse-xml/egm_muse-sinus.xml',
}, () => {
  const p = readMuseXml(new Uint8Array(readFileSync(egmXml)));
  const dir = path.join(dataDir, 'egm-wfdb-converted');
  const w = readWfdb(
    readFileSync(path.join(dir, 'muse-sinus.hea'), 'utf8'),
    (name) => new Uint8Array(readFileSync(path.join(dir, name))),
  );
  for (const name of TWELVE) {
    const a = lead(p.record, name);
    const b = w.leads.find((l) => l.name.toUpperCase() === name.toUpperCase())?.samples;
    assert.ok(b, `WFDB has ${name}`);
    // Same signal: correlation near 1; same amplitude: least-squares gain within 5 % (the converter may
    // have re-quantised at 5 µV per unit where MUSE uses 4.88).
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let s = 0; s < Math.min(a.length, b.length); s++) {
      ab += a[s] * b[s];
      aa += a[s] * a[s];
      bb += b[s] * b[s];
    }
    const correlation = ab / Math.sqrt(aa * bb);
    const gain = ab / bb;
    assert.ok(correlation > 0.99, `${name}: correlation ${correlation}`);
    assert.ok(gain > 0.95 && gain < 1.05, `${name}: amplitude ratio ${gain}`);
  }
  assert.ok(p.deviceStatements?.some((s) => /sinus rhythm/i.test(s)));
});

test('synthetic MUSE: demographics, statement lines, Latin-1, 8 → 12 leads', () => {
  const xml = museXml(
    ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']
      .map((id, k) => leadXml(id, [10 * (k + 1), -20, 30, 0]))
      .join(''),
  );
  const latin1 = Uint8Array.from(xml, (c) => c.charCodeAt(0));
  const p = readMuseXml(latin1);
  assert.deepEqual(
    p.record.leads.map((l) => l.name),
    TWELVE,
  );
  assert.ok(Math.abs(lead(p.record, 'III')[0] - (20 - 10) * 4.88) < 1e-3);
  assert.ok(Math.abs(lead(p.record, 'aVL')[0] - (10 - 20 / 2) * 4.88) < 1e-3);
  assert.ok(Math.abs(lead(p.record, 'aVF')[0] - (20 - 10 / 2) * 4.88) < 1e-3);
  assert.deepEqual(p.patient, {
    id: '0012345',
    name: 'MÜLLER ANNA',
    sex: 'F',
    birthDate: '1964-03-09',
    age: 61,
  });
  assert.equal(p.acquiredAt, '2021-08-03T14:16:23');
  assert.deepEqual(p.deviceStatements, [
    'Normal sinus rhythm',
    'Anterior infarct, age undetermined',
    'T wave abnormality, consider lateral ischemia',
  ]);
  assert.deepEqual(p.deviceMeasurements, { heartRate: 72, qtcBazett: 410 });
  assert.equal(p.device?.model, 'MAC55');
});

test('bad MUSE input raises FormatError with the reason', () => {
  assert.throws(() => readMuseXml(enc('<RestingECG><Waveform></RestingECG>')), /malformed XML/);
  assert.throws(() => readMuseXml(enc('<AnnotatedECG/>')), /root element is not RestingECG/);
  assert.throws(() => readMuseXml(enc(museXml(''))), /Rhythm: no LeadData/);
  assert.throws(
    () =>
      readMuseXml(
        enc(museXml(leadXml('I', [1, 2, 3]).replace('<LeadSampleCountTotal>3', '<LeadSampleCountTotal>600'))),
      ),
    /truncated: Rhythm lead I waveform data 6 bytes, expected 1200/,
  );
  assert.throws(
    () =>
      readMuseXml(
        enc(
          museXml(
            leadXml('I', [1]).replace(/<WaveFormData>.*<\/WaveFormData>/, '<WaveFormData>@@@</WaveFormData>'),
          ),
        ),
      ),
    /not valid base64/,
  );
  assert.throws(
    () => readMuseXml(enc(museXml(leadXml('I', [1]).replace('MICROVOLTS', 'MMHG')))),
    FormatError,
  );
  assert.throws(
    () => readMuseXml(enc(museXml(leadXml('I', [1])).replace('<SampleBase>500', '<SampleBase>x'))),
    /SampleBase/,
  );
});
