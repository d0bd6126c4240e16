import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leadNameFromCode, leadNameFromText, scpLeadCode } from '../src/dicom/leads';

test('lead names from SCPECG and MDC codes and from code meanings', () => {
  assert.equal(leadNameFromCode({ value: '5.6.3-9-1', scheme: 'SCPECG', meaning: 'whatever' }), 'I');
  assert.equal(leadNameFromCode({ value: '5.6.3-9-62', scheme: 'SCPECG' }), 'aVR');
  assert.equal(leadNameFromCode({ value: '131329', scheme: 'MDC' }), 'I');
  assert.equal(leadNameFromCode({ value: '2:317', scheme: 'MDC' }), 'III');
  assert.equal(leadNameFromCode({ value: 'MDC_ECG_LEAD_AVF', scheme: 'MDC' }), 'aVF');
  assert.equal(leadNameFromCode({ value: 'X1', scheme: '99LOCAL', meaning: 'Lead I (Einthoven)' }), 'I');
  assert.equal(leadNameFromCode({ value: 'X1', scheme: '99LOCAL' }), undefined);
  assert.equal(leadNameFromText('Lead aVL'), 'aVL');
  assert.equal(leadNameFromText('MDC_ECG_LEAD_V4R'), 'V4R');
  assert.equal(leadNameFromText('  '), undefined);
  assert.deepEqual(scpLeadCode('avf'), { value: '5.6.3-9-64', meaning: 'Lead aVF' });
  assert.equal(scpLeadCode('Pleth'), undefined);
});
