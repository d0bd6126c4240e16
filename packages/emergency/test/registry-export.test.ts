import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildRegistryRecord,
  CHEST_PAIN_MAPPING,
  localTime,
  mappingForCenter,
  type PathwayCase,
  type RecordedNode,
  STROKE_MAPPING,
  TRAUMA_MAPPING,
} from '../src/index';

const NOW = Date.parse('2026-03-05T00:00:00+08:00');
const TZ = 'Asia/Shanghai';
const t = (code: string, hhmm: string, extra: Partial<RecordedNode> = {}): RecordedNode => ({
  code,
  at: `2026-03-01T${hhmm}:00+08:00`,
  source: 'tap',
  ...extra,
});

function stemi(): PathwayCase {
  return {
    id: 'cp-1',
    center: 'chest-pain',
    arrivalMode: 'ambulance',
    diagnosis: 'STEMI',
    treatments: ['primary-pci'],
    bypassedEd: false,
    patient: { sex: 'male', age: 63 },
    fields: { killipClass: 'II', outcome: 'discharged' },
    delayReasons: [{ metric: 'cp-door-to-wire', text: '家属犹豫' }],
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
      t('consent-signed', '08:38'),
      t('cathlab-ready', '08:30'),
      t('cathlab-arrival', '08:35'),
      t('puncture', '08:40'),
      t('angiography', '08:45'),
      t('wire-crossing', '09:02', { instance: 'RCA' }),
      t('wire-crossing', '08:58', { instance: 'LAD' }),
      t('procedure-end', '09:30'),
      { code: 'discharge', at: '2026-03-04T10:00:00+08:00', source: 'tap' },
    ],
  };
}

test('a complete STEMI case maps to the registry field set with codes and local times', () => {
  const { record, problems } = buildRegistryRecord(stemi(), CHEST_PAIN_MAPPING, { timeZone: TZ, now: NOW });
  assert.deepEqual(problems, []);
  assert.equal(record.arrivalMode, '1');
  assert.equal(record.sex, '1');
  assert.equal(record.age, 63);
  assert.equal(record.diagnosis, '1');
  assert.equal(record.killip, '2');
  assert.equal(record.onsetTime, '2026-03-01 07:00', 'window start');
  assert.equal(record.onsetTimeTo, '2026-03-01 07:30', 'window end');
  assert.equal(record.doorTime, '2026-03-01 08:30');
  assert.equal(record.wireTime, '2026-03-01 08:58', 'the first wire crossing of several vessels');
  assert.equal(record.primaryPci, true);
  assert.equal(record.thrombolysis, false);
  assert.equal(record.bypassEd, false);
  assert.equal(record.delayReason, '家属犹豫');
  assert.equal(record.lysisStartTime, null, 'not required without thrombolysis');
});

test('missing fields are named by the registry field, conditionally; values without a code are refused', () => {
  const c = stemi();
  c.times = c.times.filter((x) => x.code !== 'wire-crossing' && x.code !== 'door');
  c.patient = { sex: 'U' };
  c.fields = { killipClass: 'V', outcome: 'died' };
  const { problems, record } = buildRegistryRecord(c, CHEST_PAIN_MAPPING, { timeZone: TZ, now: NOW });
  const fields = problems.map((p) => p.field);
  for (const f of ['wireTime', 'doorTime', 'sex', 'age', 'killip', 'deathTime'])
    assert.ok(fields.includes(f), `${f} named in ${fields.join(', ')}`);
  assert.ok(!fields.includes('dischargeTime'), 'discharge time is not required for a death');
  assert.match(problems.find((p) => p.field === 'doorTime')?.reasonZh ?? '', /缺少到达本院大门时间/);
  assert.match(problems.find((p) => p.field === 'killip')?.reason ?? '', /"V" has no registry code/);
  assert.equal(record.killip, null);
  // A walk-in NSTEMI needs no cath-lab times.
  const n = stemi();
  n.diagnosis = 'NSTEMI';
  n.treatments = [];
  n.arrivalMode = 'walk-in';
  n.times = n.times.filter(
    (x) => !['call-for-help', 'stemi-diagnosis', 'wire-crossing', 'cathlab-called'].includes(x.code),
  );
  const nst = buildRegistryRecord(n, CHEST_PAIN_MAPPING, { timeZone: TZ, now: NOW }).problems.map(
    (p) => p.field,
  );
  assert.ok(
    !nst.includes('wireTime') && !nst.includes('callTime') && !nst.includes('bypassEd'),
    nst.join(','),
  );
});

test('chronology problems of the pre-upload check are carried over under the registry field', () => {
  const c = stemi();
  c.times = c.times.map((x) => (x.code === 'wire-crossing' ? { ...x, at: '2026-03-01T08:10:00+08:00' } : x));
  const { problems } = buildRegistryRecord(c, CHEST_PAIN_MAPPING, { timeZone: TZ, now: NOW });
  assert.ok(problems.length > 0, 'wire before door is refused');
});

test('local times follow the zone across midnight; stroke and trauma mappings exist', () => {
  assert.equal(localTime(Date.parse('2026-02-28T16:30:00Z'), TZ), '2026-03-01 00:30');
  assert.equal(localTime(Date.parse('2026-02-28T16:30:00Z'), 'UTC'), '2026-02-28 16:30');
  assert.equal(mappingForCenter('stroke'), STROKE_MAPPING);
  assert.equal(mappingForCenter('trauma'), TRAUMA_MAPPING);
  const trauma: PathwayCase = {
    id: 'tr-1',
    center: 'trauma',
    arrivalMode: 'ambulance',
    diagnosis: 'major-trauma',
    patient: { sex: 'F', age: 30 },
    fields: { outcome: 'discharged', iss: 25, injuryMechanism: 'traffic' },
    times: [
      t('injury', '07:00', { source: 'manual' }),
      t('door', '07:40'),
      t('trauma-team-arrived', '07:45'),
    ],
  };
  const r = buildRegistryRecord(trauma, TRAUMA_MAPPING, { timeZone: TZ, now: NOW });
  assert.deepEqual(
    r.problems.map((p) => p.field),
    ['dischargeTime'],
  );
  assert.equal(r.record.mechanism, '1');
  assert.equal(r.record.sex, '2');
  assert.throws(() => buildRegistryRecord(trauma, STROKE_MAPPING, { timeZone: TZ }), /for stroke/);
});
