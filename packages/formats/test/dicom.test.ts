import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { EcgRecord } from '@lifeline/ecg';
import dcmjs from 'dcmjs';
import { leadNameFromText } from '../src/dicom/leads';
import { FormatError, readDicomEcg, writeDicomEcg, writeDicomPdf } from '../src/index';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const dataDir = path.resolve(repoRoot, '../shared/data/dicom-ecg');
const hasData = existsSync(dataDir);
const hasDcmtk = spawnSync('dcmdump', ['--version']).status === 0;
const MORTARA = path.join(dataDir, 'pydicom_waveform_ecg.dcm');
const GE_HEMO = path.join(dataDir, 'jap1968_test_ecg.dcm');
const TWELVE = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

const load = (file: string) => new Uint8Array(readFileSync(file));
const lead = (r: EcgRecord, name: string) => {
  const found = r.leads.find((l) => l.name === name);
  assert.ok(found, `lead ${name} present`);
  return found.samples;
};
const median = (a: Float32Array) => Float32Array.from(a).sort()[a.length >> 1];

/** Raw sample values of every WaveformData element, in file order, as printed by DCMTK's dcmdump. */
function dcmdumpWaveforms(file: string): number[][] {
  const out = spawnSync('dcmdump', ['+L', '+P', '5400,1010', file], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return out.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const values = /OW ([0-9a-f\\]+)/.exec(line)?.[1] ?? '';
      return values.split('\\').map((h) => {
        const v = Number.parseInt(h, 16);
        return v >= 0x8000 ? v - 0x10000 : v;
      });
    });
}

function assertEinthoven(r: EcgRecord, toleranceUv: number) {
  const [i, ii, iii] = [lead(r, 'I'), lead(r, 'II'), lead(r, 'III')];
  let worst = 0;
  for (let s = 0; s < i.length; s++) worst = Math.max(worst, Math.abs(i[s] + iii[s] - ii[s]));
  assert.ok(worst <= toleranceUv, `I + III − II reaches ${worst} µV`);
}

function assertPlausibleRWave(r: EcgRecord) {
  const ii = lead(r, 'II');
  const base = median(ii);
  let peak = 0;
  for (const v of ii) peak = Math.max(peak, Math.abs(v - base));
  assert.ok(peak >= 300 && peak <= 3000, `lead II peak ${peak} µV within 0.3–3 mV`);
}

test('Mortara 12-lead DICOM: leads, amplitudes, median beats, device data', {
  skip: !hasData && 'needs ../shared/data/dicom-ecg',
}, () => {
  const p = readDicomEcg(load(MORTARA));
  assert.equal(p.format, 'dicom');
  assert.equal(p.record.sampleRate, 1000);
  assert.deepEqual(
    p.record.leads.map((l) => l.name),
    TWELVE,
  );
  assert.equal(p.record.leads[0].samples.length, 10000);
  assert.equal(p.medianBeats?.leads.length, 12);
  assert.equal(p.medianBeats?.leads[0].samples.length, 1200);
  assert.deepEqual(
    p.medianBeats?.leads.map((l) => l.name),
    TWELVE,
  );
  assertPlausibleRWave(p.record);
  assertEinthoven(p.record, 5);
  assert.equal(p.acquiredAt, '2013-01-25T10:59:19');
  assert.deepEqual(p.patient, {
    id: '642341',
    name: 'Anonymous',
    birthDate: '1971-01-23',
    sex: 'F',
    age: 42,
  });
  assert.equal(p.order?.accessionNumber, '03028041970546');
  assert.equal(p.device?.manufacturer, 'Mortara Instrument, Inc.');
  assert.equal(p.instanceUid, '1.3.6.1.4.1.20029.40.20130125105919.5407.1.1');
  assert.deepEqual(p.deviceMeasurements, {
    rrMean: 982,
    pr: 161,
    qrsDuration: 75,
    qt: 368,
    qtcBazett: 370,
    pAxis: 74,
    qrsAxis: 52,
    tAxis: 57,
  });
  assert.deepEqual(p.deviceStatements, ['RITMO SINUSALE', 'ECG NORMALE']);
  assert.equal(p.annotations?.length, 66);
  assert.deepEqual(p.annotations?.[0], { sample: 298, code: 'P Onset' });
  // The device's fiducial points sit on QRS complexes of the rhythm strip.
  const ii = lead(p.record, 'II');
  const base = median(ii);
  const fiducials = (p.annotations ?? []).filter((a) => a.code === 'Fiducial Point');
  assert.equal(fiducials.length, 11);
  for (const a of fiducials) {
    let big = 0;
    for (let s = a.sample - 40; s < a.sample + 40; s++) big = Math.max(big, Math.abs(ii[s] - base));
    assert.ok(big > 300, `QRS at ${a.sample}`);
  }
});

test('GE MAC hemodynamic DICOM: mV sensitivity, heart rate', {
  skip: !hasData && 'needs ../shared/data/dicom-ecg',
}, () => {
  const p = readDicomEcg(load(GE_HEMO));
  assert.equal(p.record.sampleRate, 240);
  assert.deepEqual(
    p.record.leads.map((l) => l.name),
    TWELVE,
  );
  assert.equal(p.record.leads[0].samples.length, 2400);
  assert.equal(p.medianBeats, undefined);
  assertPlausibleRWave(p.record);
  assertEinthoven(p.record, 10);
  assert.equal(p.deviceMeasurements?.heartRate, 69);
  assert.deepEqual(p.patient, {
    id: '123-654',
    name: 'Patient Test',
    birthDate: '1944-01-02',
    sex: 'M',
    age: 55,
  });
  assert.equal(p.acquiredAt, '1999-12-23T10:07:09');
});

test('samples equal dcmdump raw values × sensitivity', {
  skip: (!hasData && 'needs ../shared/data/dicom-ecg') || (!hasDcmtk && 'needs DCMTK dcmdump'),
}, () => {
  for (const [file, sensitivity] of [
    [MORTARA, 1.25],
    [GE_HEMO, 0.00122 * 1000],
  ] as const) {
    const raw = dcmdumpWaveforms(file)[0];
    const p = readDicomEcg(load(file));
    const channels = p.record.leads.length;
    assert.equal(raw.length, channels * p.record.leads[0].samples.length);
    for (let k = 0; k < raw.length; k += 97) {
      const got = p.record.leads[k % channels].samples[Math.floor(k / channels)];
      assert.ok(Math.abs(got - raw[k] * sensitivity) < 1e-3, `${path.basename(file)} value ${k}`);
    }
    // Lead order: the channel source code meanings of the first multiplex group, in dcmdump's order.
    const dump = spawnSync('dcmdump', [file], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
    const meanings = [...dump.matchAll(/^ {12}\(0008,0104\) LO \[(Lead [^\]]*)\]/gm)].map((m) =>
      leadNameFromText(m[1]),
    );
    assert.deepEqual(
      meanings.slice(0, channels),
      p.record.leads.map((l) => l.name),
      path.basename(file),
    );
  }
});

test('implicit VR, big endian and deflated transfer syntaxes give the same samples', {
  skip: (!hasData && 'needs ../shared/data/dicom-ecg') || (!hasDcmtk && 'needs DCMTK dcmconv'),
}, () => {
  const reference = readDicomEcg(load(MORTARA));
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeline-dicom-ts-'));
  try {
    for (const option of ['+ti', '+te', '+td']) {
      const out = path.join(dir, `ts${option}.dcm`);
      assert.equal(spawnSync('dcmconv', [option, MORTARA, out]).status, 0, `dcmconv ${option}`);
      const p = readDicomEcg(load(out));
      assert.deepEqual(
        p.record.leads.map((l) => l.name),
        TWELVE,
      );
      for (const [c, l] of p.record.leads.entries()) {
        assert.deepEqual(
          l.samples.subarray(0, 2000),
          reference.record.leads[c].samples.subarray(0, 2000),
          `${option} ${l.name}`,
        );
      }
      assert.deepEqual(p.deviceMeasurements, reference.deviceMeasurements);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function syntheticRecord(): EcgRecord {
  const fs = 500;
  const n = 5000;
  const i = new Float32Array(n);
  const ii = new Float32Array(n);
  for (let s = 0; s < n; s++) {
    const t = s / fs;
    const beat = Math.exp(-(((t % 0.8) - 0.4) ** 2) / 0.0002);
    i[s] = 600 * beat + 30 * Math.sin(2 * Math.PI * t);
    ii[s] = 1100 * beat - 20;
  }
  const iii = i.map((v, s) => ii[s] - v);
  return {
    sampleRate: fs,
    leads: [
      { name: 'I', samples: i },
      { name: 'II', samples: ii },
      { name: 'III', samples: iii },
      { name: 'V2', samples: i.map((v) => -v) },
    ],
  };
}

test('DICOM writer round trip: same samples within quantisation, Chinese name, statements', () => {
  const record = syntheticRecord();
  const bytes = writeDicomEcg(record, {
    patient: { id: 'MRN-7', name: '张三', birthDate: '1960-05-06', sex: 'M' },
    order: { accessionNumber: 'ACC-1' },
    acquiredAt: '2026-03-04T05:06:07',
    statements: ['窦性心律', 'Normal ECG'],
    measurements: { heartRate: 75, qrsDuration: 92 },
  });
  const p = readDicomEcg(bytes);
  assert.equal(p.record.meta?.sopClassUid, '1.2.840.10008.5.1.4.1.1.9.1.1');
  assert.deepEqual(
    p.record.leads.map((l) => l.name),
    ['I', 'II', 'III', 'V2'],
  );
  record.leads.forEach((l, c) => {
    let worst = 0;
    l.samples.forEach((v, s) => {
      worst = Math.max(worst, Math.abs(v - p.record.leads[c].samples[s]));
    });
    assert.ok(worst <= 0.5 + 1e-6, `lead ${l.name} differs by ${worst} µV`);
  });
  assert.equal(p.patient?.name, '张三');
  assert.equal(p.patient?.birthDate, '1960-05-06');
  assert.equal(p.order?.accessionNumber, 'ACC-1');
  assert.equal(p.acquiredAt, '2026-03-04T05:06:07');
  assert.deepEqual(p.deviceStatements, ['窦性心律', 'Normal ECG']);
  assert.deepEqual(p.deviceMeasurements, { heartRate: 75, qrsDuration: 92 });
  assert.match(p.instanceUid ?? '', /^2\.25\.\d+$/);
});

test('median beats round trip; both PN groups: the ideographic name is shown', () => {
  const record = syntheticRecord();
  const beats: EcgRecord = {
    sampleRate: 500,
    leads: record.leads.map((l) => ({ name: l.name, samples: l.samples.slice(0, 600) })),
  };
  const bytes = rewrite(writeDicomEcg(record, {}, beats), (ds) => {
    ds.PatientName = [{ Alphabetic: 'Zhang^San', Ideographic: '张^三' }];
  });
  const p = readDicomEcg(bytes);
  assert.equal(p.medianBeats?.leads.length, 4);
  assert.equal(p.medianBeats?.leads[0].samples.length, 600);
  assert.ok(Math.abs((p.medianBeats?.leads[1].samples[300] ?? 0) - beats.leads[1].samples[300]) <= 0.5);
  assert.equal(p.patient?.name, '张三');
  assert.equal(p.record.meta?.patientNameAlphabetic, 'Zhang San');
});

test('GB18030 files (common on Chinese carts) decode names and nested statements', {
  skip: !hasDcmtk && 'needs DCMTK dcmconv',
}, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeline-dicom-gb-'));
  try {
    const utf8 = path.join(dir, 'utf8.dcm');
    const gb = path.join(dir, 'gb.dcm');
    writeFileSync(
      utf8,
      writeDicomEcg(syntheticRecord(), { patient: { name: '王小明' }, statements: ['窦性心律', '电轴左偏'] }),
    );
    const conv = spawnSync('dcmconv', ['+C', 'GB18030', utf8, gb], { encoding: 'utf8' });
    if (conv.status !== 0) return; // DCMTK built without character set conversion
    assert.match(spawnSync('dcmdump', [gb], { encoding: 'latin1' }).stdout, /\[GB18030\]/);
    const p = readDicomEcg(load(gb));
    assert.equal(p.patient?.name, '王小明');
    assert.deepEqual(p.deviceStatements, ['窦性心律', '电轴左偏']);
    // Same bytes declared as "\ISO 2022 IR 58" (GB2312), which dcmjs itself does not decode.
    if (spawnSync('dcmodify', ['-nb', '-m', '(0008,0005)=\\ISO 2022 IR 58', gb]).status === 0) {
      const ir58 = readDicomEcg(load(gb));
      assert.equal(ir58.patient?.name, '王小明');
      assert.deepEqual(ir58.deviceStatements, ['窦性心律', '电轴左偏']);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function groupsOf(bytes: Uint8Array): Record<string, unknown>[] {
  const dict = dcmjs.data.DicomMessage.readFile(bytes.slice().buffer as ArrayBuffer);
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict).WaveformSequence;
}

test('leads split over groups are merged; a longer pressure group is not taken for the rhythm', () => {
  const n = 1000;
  const wave = (k: number) => Float32Array.from({ length: n }, (_, s) => 100 * k * Math.sin(s / 10));
  const limb = writeDicomEcg({
    sampleRate: 500,
    leads: [
      { name: 'I', samples: wave(1) },
      { name: 'II', samples: wave(2) },
    ],
  });
  const chest = writeDicomEcg({
    sampleRate: 500,
    leads: [
      { name: 'V1', samples: wave(3) },
      { name: 'V2', samples: wave(4) },
    ],
  });
  const pressure = groupsOf(
    writeDicomEcg({ sampleRate: 500, leads: [{ name: 'II', samples: new Float32Array(4 * n).fill(90) }] }),
  )[0];
  for (const def of pressure.ChannelDefinitionSequence as Record<string, unknown>[]) {
    def.ChannelSensitivityUnitsSequence = [
      { CodeValue: 'mm[Hg]', CodingSchemeDesignator: 'UCUM', CodeMeaning: 'mmHg' },
    ];
    def.ChannelSourceSequence = [
      { CodeValue: 'ART', CodingSchemeDesignator: '99X', CodeMeaning: 'Arterial pressure' },
    ];
  }
  const combined = rewrite(limb, (ds) => {
    ds.WaveformSequence = [pressure, groupsOf(limb)[0], groupsOf(chest)[0]];
  });
  const p = readDicomEcg(combined);
  assert.deepEqual(
    p.record.leads.map((l) => l.name),
    ['I', 'II', 'V1', 'V2'],
  );
  assert.equal(p.record.leads[0].samples.length, n);
  assert.ok(Math.abs(p.record.leads[3].samples[20] - wave(4)[20]) <= 0.5);
});

test('long records are written as General ECG, and the writer rejects an invalid record', () => {
  const n = 20000;
  const long: EcgRecord = {
    sampleRate: 500,
    leads: [{ name: 'II', samples: new Float32Array(n).fill(100) }],
  };
  const p = readDicomEcg(writeDicomEcg(long));
  assert.equal(p.record.meta?.sopClassUid, '1.2.840.10008.5.1.4.1.1.9.1.2');
  assert.equal(p.record.leads[0].samples.length, n);
  assert.throws(() => writeDicomEcg({ sampleRate: 500, leads: [] }), FormatError);
});

test('written DICOM passes dcmdump without errors', { skip: !hasDcmtk && 'needs DCMTK dcmdump' }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeline-dicom-'));
  try {
    const ecg = path.join(dir, 'ecg.dcm');
    writeFileSync(ecg, writeDicomEcg(syntheticRecord(), { patient: { name: 'Li Si' }, statements: ['x'] }));
    const pdf = path.join(dir, 'report.dcm');
    writeFileSync(pdf, writeDicomPdf(new TextEncoder().encode('%PDF-1.4\n%%EOF\n'), { title: 'ECG' }));
    for (const file of [ecg, pdf]) {
      const out = spawnSync('dcmdump', ['-E', file], { encoding: 'utf8' });
      assert.equal(out.status, 0, out.stderr);
      assert.doesNotMatch(out.stderr + out.stdout, /^[EW]: /m);
    }
    const dump = spawnSync('dcmdump', [ecg], { encoding: 'utf8' }).stdout;
    assert.match(dump, /TwelveLeadECGWaveformStorage/);
    assert.match(dump, /\(5400,1010\) OW/);
    assert.match(spawnSync('dcmdump', [pdf], { encoding: 'utf8' }).stdout, /application\/pdf/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function rewrite(bytes: Uint8Array, change: (ds: Record<string, unknown>) => void): Uint8Array {
  const dict = dcmjs.data.DicomMessage.readFile(bytes.slice().buffer as ArrayBuffer);
  const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict);
  change(ds);
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(ds);
  return new Uint8Array(dict.write());
}

test('8-bit signed samples with baseline, correction factor and mV sensitivity', () => {
  const raw = Int8Array.from([-128, -1, 0, 1, 127, 10]); // 3 samples × 2 channels, interleaved
  const bytes = rewrite(writeDicomEcg(syntheticRecord()), (ds) => {
    const group = (ds.WaveformSequence as Record<string, unknown>[])[0];
    group.WaveformBitsAllocated = 8;
    group.WaveformSampleInterpretation = 'SB';
    group.NumberOfWaveformChannels = 2;
    group.NumberOfWaveformSamples = 3;
    group._vrMap = { WaveformData: 'OB' };
    group.WaveformData = [new Uint8Array(raw.buffer).slice().buffer];
    const defs = (group.ChannelDefinitionSequence as Record<string, unknown>[]).slice(0, 2);
    for (const def of defs) {
      def.ChannelSensitivity = 0.005;
      def.ChannelSensitivityCorrectionFactor = 1.1;
      def.ChannelBaseline = 2;
      def.ChannelSensitivityUnitsSequence = [
        { CodeValue: 'mV', CodingSchemeDesignator: 'UCUM', CodeMeaning: 'millivolt' },
      ];
      def.WaveformBitsStored = 8;
    }
    group.ChannelDefinitionSequence = defs;
  });
  const p = readDicomEcg(bytes);
  const expected = (v: number) => (v + 2) * 0.005 * 1.1 * 1000;
  assert.deepEqual(
    p.record.leads.map((l) => l.name),
    ['I', 'II'],
  );
  for (let s = 0; s < 3; s++) {
    assert.ok(Math.abs(p.record.leads[0].samples[s] - expected(raw[2 * s])) < 1e-3, `I[${s}]`);
    assert.ok(Math.abs(p.record.leads[1].samples[s] - expected(raw[2 * s + 1])) < 1e-3, `II[${s}]`);
  }
});

test('bad DICOM input raises FormatError with the reason', () => {
  const good = writeDicomEcg(syntheticRecord());
  assert.throws(() => readDicomEcg(new TextEncoder().encode('hello')), /no "DICM" marker/);
  assert.throws(() => readDicomEcg(good.subarray(0, 400)), FormatError);
  const ct = rewrite(good, (ds) => {
    ds.SOPClassUID = '1.2.840.10008.5.1.4.1.1.2';
  });
  assert.throws(() => readDicomEcg(ct), /not an ECG: DICOM SOP class CT Image Storage/);
  const short = rewrite(good, (ds) => {
    (ds.WaveformSequence as Record<string, unknown>[])[0].NumberOfWaveformSamples = 6000;
  });
  assert.throws(() => readDicomEcg(short), /truncated: waveform data 40000 bytes, expected 48000/);
  const noRate = rewrite(good, (ds) => {
    delete (ds.WaveformSequence as Record<string, unknown>[])[0].SamplingFrequency;
  });
  assert.throws(() => readDicomEcg(noRate), /SamplingFrequency/);
});
