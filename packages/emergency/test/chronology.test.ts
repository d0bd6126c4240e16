import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CHEST_PAIN_PATHWAY,
  CHRONOLOGY_RULES,
  checkChronology,
  PATHWAYS,
  type RecordedNode,
} from '../src/index';

const NOW = Date.parse('2026-03-01T12:00:00+08:00');
const t = (code: string, hhmm: string, extra: Partial<RecordedNode> = {}): RecordedNode => ({
  code,
  at: `2026-03-01T${hhmm}:00+08:00`,
  source: 'tap',
  ...extra,
});

test('a consistent primary PCI case gives no warnings', () => {
  const times = [
    {
      code: 'onset',
      window: { from: '2026-03-01T07:30:00+08:00', to: '2026-03-01T08:00:00+08:00' },
      source: 'manual' as const,
    },
    t('first-medical-contact', '08:20'),
    t('first-ecg', '08:25', { source: 'ecg' }),
    t('door', '09:00'),
    t('cathlab-arrival', '09:30'),
    t('puncture', '09:35'),
    t('angiography', '09:38'),
    t('wire-crossing', '09:50', { instance: 'LAD' }),
    t('wire-crossing', '10:05', { instance: 'RCA' }),
    t('procedure-end', '10:30'),
  ];
  assert.deepEqual(checkChronology(CHEST_PAIN_PATHWAY, times, { now: NOW }), []);
});

test('wire before door and procedure end before puncture are flagged with codes and both languages', () => {
  const warnings = checkChronology(
    CHEST_PAIN_PATHWAY,
    [t('door', '09:00'), t('puncture', '08:40'), t('wire-crossing', '08:50'), t('procedure-end', '08:30')],
    { now: NOW },
  );
  const pairs = warnings.filter((w) => w.kind === 'order').map((w) => w.codes.join('>'));
  assert.ok(pairs.includes('door>wire-crossing'), pairs.join(','));
  assert.ok(pairs.includes('puncture>procedure-end'), pairs.join(','));
  const wire = warnings.find((w) => w.codes.join('>') === 'door>wire-crossing');
  assert.equal(wire?.minutes, 10);
  assert.match(wire?.message.zh ?? '', /导丝通过时间早于到达本院大门时间/);
  assert.match(wire?.message.en ?? '', /Wire crossing is recorded 10 min before/);
});

test('needle before door is flagged except for prehospital fibrinolysis', () => {
  const times = [t('door', '09:00'), t('thrombolysis-start', '08:45')];
  const base = { id: 'c1', center: 'chest-pain' as const };
  const inHospital = checkChronology(CHEST_PAIN_PATHWAY, times, {
    now: NOW,
    pathwayCase: { ...base, treatments: ['thrombolysis'] },
  });
  assert.ok(inHospital.some((w) => w.codes.join('>') === 'door>thrombolysis-start'));
  const prehospital = checkChronology(CHEST_PAIN_PATHWAY, times, {
    now: NOW,
    pathwayCase: { ...base, treatments: ['prehospital-thrombolysis'] },
  });
  assert.equal(prehospital.filter((w) => w.kind === 'order').length, 0);
  // Without case facts the stricter reading applies: the warning is still given.
  const noFacts = checkChronology(CHEST_PAIN_PATHWAY, times, { now: NOW });
  assert.ok(noFacts.some((w) => w.codes.join('>') === 'door>thrombolysis-start'));
});

test('onset after first medical contact: only when even the earliest onset is later', () => {
  const fmc = t('first-medical-contact', '08:20');
  const windowOverlapping = {
    code: 'onset',
    window: { from: '2026-03-01T08:00:00+08:00', to: '2026-03-01T08:30:00+08:00' },
    source: 'manual' as const,
  };
  assert.deepEqual(checkChronology(CHEST_PAIN_PATHWAY, [windowOverlapping, fmc], { now: NOW }), []);
  const late = checkChronology(CHEST_PAIN_PATHWAY, [t('onset', '08:40'), fmc], { now: NOW });
  assert.deepEqual(
    late.map((w) => w.codes),
    [['onset', 'first-medical-contact']],
  );
});

test('discharge before arrival, times in the future, bad times, unknown and duplicate nodes', () => {
  const warnings = checkChronology(
    CHEST_PAIN_PATHWAY,
    [
      t('door', '09:00'),
      t('discharge', '08:00'),
      t('first-doctor', '13:00'),
      t('first-ecg', 'xx:yy'),
      { code: 'first-ecg', at: '2026-03-01 09:05', source: 'ecg' },
      t('teleport', '09:00'),
      t('door', '09:01'),
      {
        code: 'door',
        window: { from: '2026-03-01T08:00:00+08:00', to: '2026-03-01T09:00:00+08:00' },
        source: 'manual',
      },
    ],
    { now: NOW },
  );
  const kinds = warnings.map((w) => `${w.kind}:${w.codes.join('>')}`);
  assert.ok(kinds.includes('order:door>discharge'), kinds.join(' '));
  assert.ok(kinds.includes('future:first-doctor'));
  assert.equal(
    kinds.filter((k) => k === 'invalid-time:first-ecg').length,
    2,
    'date without offset is refused',
  );
  assert.ok(kinds.includes('unknown-node:teleport'));
  assert.ok(kinds.includes('duplicate:door'));
  assert.ok(kinds.includes('window-not-allowed:door'));
});

test('the future tolerance absorbs small clock skew', () => {
  const skew = new Date(NOW + 30_000).toISOString();
  assert.deepEqual(
    checkChronology(CHEST_PAIN_PATHWAY, [{ code: 'door', at: skew, source: 'device' }], { now: NOW }),
    [],
  );
});

test('stroke and trauma rules: imaging before door, team activation order', () => {
  const stroke = checkChronology(PATHWAYS.stroke, [t('door', '09:00'), t('first-imaging', '08:50')], {
    now: NOW,
    pathwayCase: { id: 's', center: 'stroke', arrivalMode: 'ambulance' },
  });
  assert.deepEqual(
    stroke.map((w) => w.codes),
    [['door', 'first-imaging']],
  );
  // Drip-and-ship: imaged and lysed at the referring hospital before arriving here.
  const dripAndShip = checkChronology(
    PATHWAYS.stroke,
    [t('first-imaging', '08:30'), t('ivt-bolus', '08:50'), t('door', '09:40'), t('groin-puncture', '10:00')],
    {
      now: NOW,
      pathwayCase: { id: 's2', center: 'stroke', arrivalMode: 'transfer', treatments: ['ivt', 'evt'] },
    },
  );
  assert.deepEqual(dripAndShip, []);
  const trauma = checkChronology(
    PATHWAYS.trauma,
    [
      t('injury', '08:00'),
      t('door', '08:30'),
      t('trauma-team-activated', '08:40'),
      t('trauma-team-arrived', '08:35'),
    ],
    { now: NOW },
  );
  assert.deepEqual(
    trauma.map((w) => w.codes),
    [['trauma-team-activated', 'trauma-team-arrived']],
  );
});

test('ordering rules are data referring only to node codes of their centers', () => {
  for (const rule of CHRONOLOGY_RULES) {
    const codes = rule.centers.flatMap((center) => PATHWAYS[center].nodes.map((n) => n.code));
    for (const code of [rule.before, rule.after])
      assert.ok(code === '*' || codes.includes(code), `rule names unknown node ${code}`);
  }
});
