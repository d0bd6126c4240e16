import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertValidPathway,
  CHEST_PAIN_PATHWAY,
  describeCondition,
  EmergencyInputError,
  extendPathway,
  METRICS,
  PATHWAYS,
  validatePathway,
} from '../src/index';

test('the three standard pathways are valid and ordered', () => {
  for (const pathway of Object.values(PATHWAYS)) {
    assert.deepEqual(validatePathway(pathway), [], pathway.center);
    const orders = pathway.nodes.map((n) => n.order);
    assert.deepEqual(
      orders,
      [...orders].sort((a, b) => a - b),
    );
  }
});

test('chest pain pathway holds the domain nodes in domain order, transfer nodes included', () => {
  const codes = CHEST_PAIN_PATHWAY.nodes.map((n) => n.code);
  const expected = [
    'onset',
    'call-for-help',
    'first-medical-contact',
    'first-ecg',
    'ecg-diagnosis',
    'ecg-transmitted',
    'referral-door-in',
    'transfer-decision',
    'referral-door-out',
    'door',
    'first-doctor',
    'troponin-drawn',
    'troponin-reported',
    'consult-called',
    'consult-arrived',
    'stemi-diagnosis',
    'aspirin',
    'p2y12',
    'anticoagulant',
    'intervention-decision',
    'cathlab-called',
    'consent-started',
    'consent-signed',
    'cathlab-ready',
    'cathlab-arrival',
    'puncture',
    'angiography',
    'wire-crossing',
    'procedure-end',
    'thrombolysis-screening',
    'thrombolysis-start',
    'thrombolysis-end',
    'discharge',
    'death',
  ];
  const positions = expected.map((c) => codes.indexOf(c));
  assert.ok(
    positions.every((p) => p >= 0),
    `missing ${expected.filter((c) => !codes.includes(c))}`,
  );
  assert.deepEqual(
    positions,
    [...positions].sort((a, b) => a - b),
  );
  const onset = CHEST_PAIN_PATHWAY.nodes.find((n) => n.code === 'onset');
  assert.equal(onset?.allowsWindow, true);
  assert.equal(CHEST_PAIN_PATHWAY.nodes.find((n) => n.code === 'wire-crossing')?.multiple, true);
  assert.deepEqual(CHEST_PAIN_PATHWAY.nodes.find((n) => n.code === 'referral-door-out')?.appliesWhen, {
    arrivalMode: ['transfer'],
  });
});

test('stroke and trauma pathways carry their domain nodes', () => {
  const stroke = PATHWAYS.stroke.nodes.map((n) => n.code);
  for (const c of ['onset', 'door', 'first-imaging', 'ivt-bolus', 'groin-puncture', 'reperfusion', 'mrs-90d'])
    assert.ok(stroke.includes(c), c);
  const trauma = PATHWAYS.trauma.nodes.map((n) => n.code);
  for (const c of [
    'injury',
    'door',
    'trauma-team-arrived',
    'fast-ultrasound',
    'ct',
    'transfusion-start',
    'icu-admission',
  ])
    assert.ok(trauma.includes(c), c);
});

test('extendPathway adds a site node after a given node under a new version', () => {
  const extended = extendPathway(CHEST_PAIN_PATHWAY, {
    version: '1.0.0-site.1',
    nodes: [
      {
        code: 'site:bedside-glucose',
        nameZh: '指尖血糖',
        nameEn: 'Bedside glucose',
        definition: { zh: '指尖血糖结果', en: 'Capillary glucose result' },
        requiredForRegistry: false,
        allowedSources: ['lab', 'tap'],
        group: 'laboratory',
        after: 'first-doctor',
      },
    ],
  });
  assert.equal(extended.version, '1.0.0-site.1');
  assert.equal(CHEST_PAIN_PATHWAY.version, '1.0.0', 'base untouched');
  assert.equal(extended.nodes.length, CHEST_PAIN_PATHWAY.nodes.length + 1);
  const codes = extended.nodes.map((n) => n.code);
  assert.equal(codes.indexOf('site:bedside-glucose'), codes.indexOf('first-doctor') + 1);
  assert.equal(extended.nodes.find((n) => n.code === 'site:bedside-glucose')?.site, true);
});

test('extendPathway refuses colliding codes, same version, and nodes without a place', () => {
  const node = {
    code: 'door',
    nameZh: '到院',
    nameEn: 'Door',
    definition: { zh: '到院', en: 'door' },
    requiredForRegistry: false,
    allowedSources: ['tap' as const],
    group: 'door' as const,
    order: 999,
  };
  assert.throws(
    () => extendPathway(CHEST_PAIN_PATHWAY, { version: '1.1.0', nodes: [node] }),
    (e: unknown) =>
      e instanceof EmergencyInputError && /nodes\[0\]\.code/.test(e.message) && /collides/.test(e.message),
  );
  assert.throws(
    () => extendPathway(CHEST_PAIN_PATHWAY, { version: '1.0.0', nodes: [{ ...node, code: 'site:x' }] }),
    /version/,
  );
  const { order: _order, ...noPlace } = node;
  assert.throws(
    () => extendPathway(CHEST_PAIN_PATHWAY, { version: '1.1.0', nodes: [{ ...noPlace, code: 'site:x' }] }),
    /order or after/,
  );
  assert.throws(
    () => extendPathway(CHEST_PAIN_PATHWAY, { version: '1.1.0', nodes: [{ ...node, code: 'Bad Code' }] }),
    /kebab-case/,
  );
});

test('validatePathway reports each broken field', () => {
  const broken = {
    ...CHEST_PAIN_PATHWAY,
    version: 'v1',
    nodes: [
      { ...CHEST_PAIN_PATHWAY.nodes[0], nameEn: '' },
      { ...CHEST_PAIN_PATHWAY.nodes[0], allowedSources: ['fax' as never] },
      {
        ...CHEST_PAIN_PATHWAY.nodes[1],
        order: 999,
        group: 'lobby' as never,
        appliesWhen: { arrival: ['x'] } as never,
      },
    ],
  };
  const fields = validatePathway(broken).map((p) => `${p.field}: ${p.reason}`);
  assert.ok(fields.some((f) => f.startsWith('version')));
  assert.ok(fields.some((f) => f.startsWith('nodes[0] (onset).nameEn')));
  assert.ok(fields.some((f) => /nodes\[1\] \(onset\)\.code: duplicate/.test(f)));
  assert.ok(fields.some((f) => /unknown source "fax"/.test(f)));
  assert.ok(fields.some((f) => /nodes\[2\] \(call-for-help\)\.group: must be one of/.test(f)));
  assert.ok(
    fields.some((f) => /nodes\[2\] \(call-for-help\)\.appliesWhen: unknown condition "arrival"/.test(f)),
  );
  assert.throws(() => assertValidPathway(broken), EmergencyInputError);
});

test('conditions read in both languages for QC screens', () => {
  const d2w = METRICS.find((m) => m.code === 'cp-door-to-wire');
  assert.deepEqual(describeCondition(d2w?.appliesWhen ?? { all: [] }), {
    zh: '诊断为STEMI且治疗包括primary-pci',
    en: 'diagnosis STEMI and treated with primary-pci',
  });
  assert.equal(
    describeCondition({ not: { bypassedEd: true } }).en,
    'not (bypassed the emergency department)',
  );
  assert.equal(describeCondition({ field: 'outcome', in: ['died'] }).zh, 'outcome为died');
});
