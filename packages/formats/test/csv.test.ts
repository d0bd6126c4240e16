import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FormatError, readEcgCsv } from '../src/index';

const enc = (s: string) => new TextEncoder().encode(s);
const near = (a: number, b: number) => Math.abs(a - b) < 1e-3;

test('CSV with time column in seconds and mV header hints', () => {
  const csv = 'time (s),I (mV),II (mV),avr (mV)\n0,0.1,0.2,-0.15\n0.002,0.3,0.5,-0.4\n0.004,1.2,1.5,-1.35\n';
  const p = readEcgCsv(enc(csv));
  assert.equal(p.format, 'csv');
  assert.equal(p.record.sampleRate, 500);
  assert.deepEqual(
    p.record.leads.map((l) => l.name),
    ['I', 'II', 'aVR'],
  );
  assert.ok(near(p.record.leads[1].samples[2], 1500));
  assert.deepEqual(p.warnings, []);
});

test('CSV in µV with a sampling-rate comment, semicolons, index column, CRLF and BOM', () => {
  const csv =
    '\ufeff# exported by cart X\r\n# sampling rate: 250\r\nsample;V1;V2\r\n1;100;-50\r\n2;120;-40\r\n3;900;800\r\n';
  const p = readEcgCsv(enc(csv));
  assert.equal(p.record.sampleRate, 250);
  assert.deepEqual(
    p.record.leads.map((l) => l.name),
    ['V1', 'V2'],
  );
  assert.deepEqual(Array.from(p.record.leads[0].samples), [100, 120, 900]);
  assert.match(p.warnings?.[0] ?? '', /taken as µV/);
});

test('CSV options override: rate, units; time in ms; tab separated; guess mV from range', () => {
  const tsv = 't_ms\tII\n0\t1\n4\t2\n8\t3\n';
  const guessed = readEcgCsv(enc(tsv));
  assert.equal(guessed.record.sampleRate, 250);
  assert.deepEqual(Array.from(guessed.record.leads[0].samples), [1000, 2000, 3000]);
  const forced = readEcgCsv(enc(tsv), { units: 'uV', sampleRate: 1000 });
  assert.equal(forced.record.sampleRate, 1000);
  assert.deepEqual(Array.from(forced.record.leads[0].samples), [1, 2, 3]);
  const noHeader = readEcgCsv(enc('1 2\n3 4\n'), { sampleRate: 100, units: 'mV' });
  assert.deepEqual(
    noHeader.record.leads.map((l) => l.name),
    ['channel 1', 'channel 2'],
  );
  assert.deepEqual(Array.from(noHeader.record.leads[1].samples), [2000, 4000]);
});

test('decimal commas with semicolon separators', () => {
  const p = readEcgCsv(enc('time (s);II (mV)\n0;0,5\n0,002;-1,25\n'), { sampleRate: 500 });
  assert.deepEqual(Array.from(p.record.leads[0].samples), [500, -1250]);
});

test('bad CSV raises FormatError naming line and column', () => {
  assert.throws(() => readEcgCsv(enc('')), /empty CSV/);
  assert.throws(() => readEcgCsv(enc('I,II\n1,2\n')), /sampling rate unknown/);
  assert.throws(
    () => readEcgCsv(enc('I,II\n1,2\n3,abc\n'), { sampleRate: 500 }),
    /line 3, column "II": "abc" is not a number/,
  );
  assert.throws(
    () => readEcgCsv(enc('I,II\n1,2\n3\n'), { sampleRate: 500 }),
    /line 3: 1 values, header has 2 columns/,
  );
  assert.throws(() => readEcgCsv(enc('I,II\n'), { sampleRate: 500 }), /no data rows/);
  assert.throws(() => readEcgCsv(enc('time\n0\n0.002\n')), FormatError);
});
