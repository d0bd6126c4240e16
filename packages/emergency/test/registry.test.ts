import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type PathwayCase, type RecordedNode, validateForRegistry } from '../src/index';

const NOW = Date.parse('2026-03-02T00:00:00+08:00');
const t = (code: string, hhmm: string, extra: Partial<RecordedNode> = {}): RecordedNode => ({
  code,
  at: `2026-03-01T${hhmm}:00+08:00`,
  source: 'tap',
  ...extra,
});

function stemiPpci(): PathwayCase {
  return {
    id: 'cp-1',
    center: 'chest-pain',
    arrivalMode: 'ambulance',
    diagnosis: 'STEMI',
    treatments: ['primary-pci'],
    bypassedEd: true,
    patient: { sex: 'male', age: 63 },
    fields: { killipClass: 'I' },
    times: [
      {
        code: 'onset',
        window: { from: '2026-03-01T07:00:00+08:00', to: '2026-03-01T07:30:00+08:00' },
        source: 'manual',
      },
      t('call-for-help', '07:40'),
      t('first-medical-contact', '07:55'),
      t('first-ecg', '08:00', { source: 'ecg' }),
      t('ecg-diagnosis', '08:04', { source: 'ecg' }),
      t('door', '08:30'),
      t('first-doctor', '08:31'),
      t('stemi-diagnosis', '08:05'),
      t('intervention-decision', '08:06'),
      t('cathlab-called', '08:07'),
      t('consent-started', '08:32'),
      t('consent-signed', '08:38', { source: 'manual', reason: 'tablet offline' }),
      t('cathlab-ready', '08:30'),
      t('cathlab-arrival', '08:35'),
      t('puncture', '08:40'),
      t('angiography', '08:45'),
      t('wire-crossing', '08:58'),
      t('procedure-end', '09:30'),
    ],
  };
}

test('a complete STEMI primary PCI case has no problems', () => {
  assert.deepEqual(validateForRegistry(stemiPpci(), { now: NOW }), []);
});

test('missing required fields and nodes are named, conditional requirements applied', () => {
  const c = stemiPpci();
  c.patient = { sex: 'male' };
  delete c.bypassedEd;
  c.times = c.times.filter((x) => x.code !== 'wire-crossing' && x.code !== 'first-ecg');
  const fields = validateForRegistry(c, { now: NOW }).map((p) => p.field);
  assert.deepEqual(fields.sort(), ['bypassedEd', 'patient.age', 'times.first-ecg', 'times.wire-crossing']);
  // A walk-in NSTEMI needs neither cath lab nodes nor the bypass flag nor transfer nodes.
  const nstemi: PathwayCase = {
    id: 'cp-2',
    center: 'chest-pain',
    arrivalMode: 'walk-in',
    diagnosis: 'NSTEMI',
    patient: { sex: 'female', age: 70 },
    times: [
      { code: 'onset', at: '2026-03-01T06:00:00+08:00', source: 'manual' },
      t('first-medical-contact', '08:00'),
      t('first-ecg', '08:05', { source: 'ecg' }),
      t('ecg-diagnosis', '08:08', { source: 'ecg' }),
      t('door', '08:00'),
      t('first-doctor', '08:03'),
    ],
  };
  assert.deepEqual(validateForRegistry(nstemi, { now: NOW }), []);
});

test('enumerations, types, ranges, sources and manual reasons are checked', () => {
  const c = stemiPpci();
  c.patient = { sex: 'M', age: 130 };
  c.fields = { killipClass: 'V', outcome: 3 };
  c.times = c.times.map((x) => (x.code === 'door' ? { ...x, source: 'ecg' as const } : x));
  c.times.push(t('troponin-drawn', '08:32', { source: 'manual' }));
  const problems = validateForRegistry(c, { now: NOW });
  const byField = Object.fromEntries(problems.map((p) => [p.field, p.reason]));
  assert.match(byField['patient.sex'], /"M" is not one of male, female/);
  assert.match(byField['patient.age'], /between 0 and 120/);
  assert.match(byField['fields.killipClass'], /"V"/);
  assert.match(byField['fields.outcome'], /must be a string/);
  assert.match(byField['times.door'], /source "ecg" is not allowed/);
  assert.match(byField['times.troponin-drawn'], /manual entry without a reason/);
  assert.ok(problems.every((p) => p.reasonZh.length > 0));
});

test('the recorded outcome requires its time node', () => {
  const died = stemiPpci();
  died.fields = { outcome: 'died' };
  assert.deepEqual(
    validateForRegistry(died, { now: NOW }).map((p) => p.field),
    ['times.death'],
  );
  died.times.push(t('death', '12:00'));
  assert.deepEqual(validateForRegistry(died, { now: NOW }), []);
  const home = stemiPpci();
  home.fields = { outcome: 'discharged' };
  assert.deepEqual(
    validateForRegistry(home, { now: NOW }).map((p) => p.field),
    ['times.discharge'],
  );
});

test('STEMI without reperfusion needs the reason; chronology problems block upload', () => {
  const c = stemiPpci();
  c.treatments = [];
  c.times = c.times.filter((x) => !['cathlab-called', 'wire-crossing'].includes(x.code));
  c.times.push(t('discharge', '08:00'));
  const problems = validateForRegistry(c, { now: NOW });
  const fields = problems.map((p) => p.field);
  assert.ok(fields.includes('fields.noReperfusionReason'), fields.join(','));
  assert.ok(fields.includes('times.door/discharge'), fields.join(','));
});

test('stroke registry: NIHSS, mTICI for thrombectomy, reason for no thrombolysis', () => {
  const c: PathwayCase = {
    id: 'st-1',
    center: 'stroke',
    arrivalMode: 'walk-in',
    diagnosis: 'ischemic-stroke',
    treatments: ['evt'],
    patient: { sex: 'female', age: 77 },
    fields: { nihssAdmission: 50, mtici: '4' },
    times: [
      { code: 'onset', at: '2026-03-01T06:00:00+08:00', source: 'manual' },
      t('door', '08:00'),
      t('first-imaging', '08:20'),
      t('consent-signed', '08:40'),
      t('groin-puncture', '09:10'),
      t('reperfusion', '09:50'),
    ],
  };
  const fields = validateForRegistry(c, { now: NOW })
    .map((p) => p.field)
    .sort();
  assert.deepEqual(fields, ['fields.mtici', 'fields.nihssAdmission', 'fields.noIvtReason']);
  assert.deepEqual(
    validateForRegistry({ ...c, id: 'tr', center: 'trauma' }).map((p) => p.field),
    ['center'],
  );
});
