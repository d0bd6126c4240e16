import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EcgError, findLead, normaliseLeadName, validateRecord } from '../src/index';

test('lead names normalise to paper-ECG spelling', () => {
  assert.equal(normaliseLeadName('MLII'), 'II');
  assert.equal(normaliseLeadName('AVR'), 'aVR');
  assert.equal(normaliseLeadName('lead_v1'), 'V1');
});

test('validateRecord names the lead whose length differs', () => {
  const record = {
    sampleRate: 500,
    leads: [
      { name: 'I', samples: new Float32Array(10) },
      { name: 'II', samples: new Float32Array(9) },
    ],
  };
  assert.throws(
    () => validateRecord(record),
    (e: unknown) => e instanceof EcgError && /lead II/.test(e.message),
  );
  assert.equal(findLead(record, 'ii')?.name, 'II');
});

test('validateRecord refuses absurd sampling rates', () => {
  assert.throws(
    () => validateRecord({ sampleRate: 1e9, leads: [{ name: 'I', samples: new Float32Array(1) }] }),
    /sampleRate/,
  );
});
