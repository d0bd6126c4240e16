import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  detectFormat,
  FormatError,
  type InputFile,
  readEcgFiles,
  writeDicomEcg,
  writeDicomPdf,
  writeHl7Aecg,
} from '../src/index';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const data = path.resolve(repoRoot, '../shared/data');
const has = (folder: string) => existsSync(path.join(data, folder));
const load = (rel: string): InputFile => ({
  name: path.basename(rel),
  bytes: new Uint8Array(readFileSync(path.join(data, rel))),
});
const enc = (s: string) => new TextEncoder().encode(s);

const record = {
  sampleRate: 500,
  leads: [
    { name: 'I', samples: Float32Array.from({ length: 1000 }, (_, s) => 800 * Math.sin(s / 40)) },
    { name: 'II', samples: Float32Array.from({ length: 1000 }, (_, s) => 1000 * Math.cos(s / 40)) },
  ],
};

test('detectFormat by magic bytes, XML root and extension', () => {
  assert.equal(detectFormat({ name: 'x.bin', bytes: writeDicomEcg(record) }), 'dicom');
  assert.equal(detectFormat({ name: 'x', bytes: enc(writeHl7Aecg(record)) }), 'hl7-aecg');
  assert.equal(
    detectFormat({
      name: 'a.xml',
      bytes: enc('<?xml version="1.0"?>\n<!DOCTYPE RestingECG SYSTEM "restecg.dtd">\n<RestingECG/>'),
    }),
    'ge-muse-xml',
  );
  assert.equal(
    detectFormat({
      name: 'a.xml',
      bytes: enc('<!-- c --><restingecgdata xmlns="http://www3.medical.philips.com"/>'),
    }),
    'philips-xml',
  );
  assert.equal(detectFormat({ name: 'r.hea', bytes: enc('100 2 360 650000\n') }), 'wfdb');
  assert.equal(detectFormat({ name: 'r.dat', bytes: new Uint8Array(10) }), 'wfdb-signal');
  assert.equal(detectFormat({ name: 'e.csv', bytes: enc('I,II\n1,2\n') }), 'csv');
  assert.equal(detectFormat({ name: 'r.pdf', bytes: enc('%PDF-1.7\n') }), 'pdf');
  assert.equal(detectFormat({ name: 'h.ecg', bytes: enc('ISHNE1.0\u0000\u0000') }), 'ishne');
  assert.equal(detectFormat({ name: 'm.txt', bytes: enc('MSH|^~\\&|A|B\r') }), undefined);
  assert.equal(detectFormat({ name: 'note.xml', bytes: enc('<html/>') }), undefined);
  assert.equal(detectFormat({ name: 'empty', bytes: new Uint8Array(0) }), undefined);
});

const samples: [string, string][] = [
  ['dicom-ecg', 'dicom'],
  ['hl7-aecg/fda-aecg-python', 'hl7-aecg'],
  ['ge-muse-xml', 'ge-muse-xml'],
  ['scp-ecg/scp-tools', 'scp-ecg'],
  ['scp-ecg/ecg-contec', 'scp-ecg'],
];
test('every vendor sample in the shared data is detected as its format', {
  skip: !has('dicom-ecg') && 'needs ../shared/data',
}, () => {
  for (const [folder, format] of samples) {
    if (!has(folder)) continue;
    for (const name of readdirSync(path.join(data, folder))) {
      if (/\.(md|txt)$/i.test(name) || !/\./.test(name)) continue;
      const f = path.join(folder, name);
      if (!/\.(dcm|xml|scp)$/i.test(name)) continue;
      assert.equal(detectFormat(load(f)), format, f);
    }
  }
  if (has('ishne-holter')) assert.equal(detectFormat(load('ishne-holter/ECG_P28.01.ecg')), 'ishne');
  if (has('philips-sierra-xml'))
    assert.equal(detectFormat(load('philips-sierra-xml/1_03/129DYPRG.XML')), 'philips-xml');
});

test('readEcgFiles: a mixed batch, WFDB header + signal + annotations, order kept', {
  skip: !has('ptbxl-sample') && 'needs ../shared/data/ptbxl-sample',
}, () => {
  const batch: InputFile[] = [
    { name: 'ecg.dcm', bytes: writeDicomEcg(record, { patient: { id: 'P1' } }) },
    load('ptbxl-sample/00001_lr.dat'), // signal before its header: still paired
    load('ptbxl-sample/00001_lr.hea'),
    { name: 'ecg.xml', bytes: enc(writeHl7Aecg(record)) },
    { name: 'leads.csv', bytes: enc('time,I (mV)\n0,0.1\n0.004,0.2\n') },
  ];
  const out = readEcgFiles(batch);
  assert.deepEqual(
    out.map((p) => p.format),
    ['dicom', 'wfdb', 'hl7-aecg', 'csv'],
  );
  const wfdb = out[1].record;
  assert.equal(wfdb.sampleRate, 100);
  assert.equal(wfdb.leads.length, 12);
  assert.equal(wfdb.leads[0].samples.length, 1000);
  assert.equal(out[0].patient?.id, 'P1');
  assert.equal(out[3].record.sampleRate, 250);
});

test('readEcgFiles attaches MIT annotations to their WFDB record', {
  skip: !has('physionet-misc-wfdb') && 'needs ../shared/data/physionet-misc-wfdb',
}, () => {
  const dir = path.join(data, 'physionet-misc-wfdb');
  const heaRel = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.hea'))
    .map((f) => path.join('physionet-misc-wfdb', f))
    .find(
      (f) =>
        existsSync(path.join(data, f.replace(/\.hea$/, '.atr'))) &&
        existsSync(path.join(data, f.replace(/\.hea$/, '.dat'))),
    );
  assert.ok(heaRel, 'a WFDB record with .atr and .dat');
  const base = heaRel.replace(/\.hea$/, '');
  const [p] = readEcgFiles([load(`${base}.atr`), load(`${base}.hea`), load(`${base}.dat`)]);
  assert.ok((p.annotations?.length ?? 0) > 10);
  assert.equal(typeof p.annotations?.[0].code, 'string');
});

test('readEcgFiles accepts a renamed WFDB record and its per-lead annotation files', {
  skip: !has('ludb-sample') && 'needs ../shared/data/ludb-sample',
}, () => {
  const names = readdirSync(path.join(data, 'ludb-sample')).filter((n) => n.startsWith('egm_ludb-ecg.'));
  const [p] = readEcgFiles(names.map((n) => load(`ludb-sample/${n}`)));
  assert.equal(p.format, 'wfdb');
  assert.equal(p.record.leads.length, 12);
  assert.equal(p.record.sampleRate, 500);
  assert.ok((p.annotations?.length ?? 0) > 0);
  assert.match(String(p.record.meta?.annotationFile), /^egm_ludb-ecg\./);
});

test('a lone MATLAB file is refused with a reason', () => {
  const mat = new Uint8Array(200);
  mat.set(enc('MATLAB 5.0 MAT-file, Platform: PCWIN64'));
  assert.throws(
    () => readEcgFiles([{ name: 'A0001.mat', bytes: mat }]),
    /A0001\.mat: MATLAB 5 \.mat file without a WFDB \.hea header/,
  );
});

test('readEcgFiles pairs an ISHNE recording with its annotations', {
  skip: !has('ishne-holter') && 'needs ../shared/data/ishne-holter',
}, () => {
  const out = readEcgFiles([load('ishne-holter/ECG_P28.01.ann'), load('ishne-holter/ECG_P28.01.ecg')]);
  assert.equal(out.length, 1);
  assert.equal(out[0].format, 'ishne');
  assert.ok((out[0].annotations?.length ?? 0) > 0);
});

test('readEcgFiles refuses unsupported and corrupt files with the file name and reason', () => {
  const reasons: string[] = [];
  const out = readEcgFiles(
    [
      { name: 'report.pdf', bytes: enc('%PDF-1.4\n') },
      { name: 'report.dcm', bytes: writeDicomPdf(enc('%PDF-1.4\n%%EOF\n')) },
      { name: 'lonely.dat', bytes: new Uint8Array(20) },
      { name: 'msg.txt', bytes: enc('MSH|^~\\&|LAB\r') },
      { name: 'bad.xml', bytes: enc('<AnnotatedECG><component>') },
      { name: 'r1.hea', bytes: enc('r1 1 500 100\nr1.dat 16 200 16 0 0 0 0 II\n') },
      { name: 'ok.csv', bytes: enc('II\n1\n2\n') },
    ],
    { onError: (_f, e) => reasons.push(e.message), csv: { sampleRate: 500 } },
  );
  assert.equal(out.length, 1);
  assert.deepEqual(reasons, [
    'report.pdf: not an ECG: PDF document (a report, not a waveform)',
    'report.dcm: not an ECG: DICOM SOP class Encapsulated PDF Storage',
    'msg.txt: unsupported file: HL7 v2 message, not an ECG',
    reasons[3],
    'r1.hea: WFDB record r1: signal file r1.dat is missing from the upload',
    'lonely.dat: WFDB signal file without its .hea header in the upload',
  ]);
  assert.match(reasons[3], /^bad\.xml: malformed XML at line 1: .*AnnotatedECG/);
  assert.throws(
    () => readEcgFiles([{ name: 'x.bin', bytes: enc('garbage') }]),
    (e: unknown) => e instanceof FormatError && /x\.bin: unsupported file/.test(e.message),
  );
  const truncated = writeDicomEcg(record).subarray(0, 3000);
  assert.throws(() => readEcgFiles([{ name: 'cut.dcm', bytes: truncated }]), /cut\.dcm: /);
});
