import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CHECKLISTS,
  type ChecklistAnswers,
  EmergencyInputError,
  evaluateChecklist,
  STEMI_FIBRINOLYSIS_CHECKLIST,
  STROKE_IVT_CHECKLIST,
  validateChecklist,
} from '../src/index';

/** Every indication met, no contraindication: built from the data so a new item cannot be forgotten. */
function clean(checklist: typeof STROKE_IVT_CHECKLIST, numbers: Record<string, number>): ChecklistAnswers {
  const answers: ChecklistAnswers = {};
  for (const item of checklist.items)
    answers[item.code] = item.answer.type === 'number' ? numbers[item.code] : item.kind === 'indication';
  return answers;
}

const strokeNumbers = {
  'hours-since-onset': 2,
  age: 67,
  'systolic-bp': 160,
  'diastolic-bp': 90,
  platelets: 210,
  inr: 1.0,
  glucose: 6.5,
};

test('stroke IVT: a clean answer set is eligible', () => {
  const r = evaluateChecklist(STROKE_IVT_CHECKLIST, clean(STROKE_IVT_CHECKLIST, strokeNumbers));
  assert.equal(r.outcome, 'eligible');
  assert.deepEqual(r.reasons, []);
  assert.equal(r.version, '1.0.0');
});

test('stroke IVT: haemorrhage on CT or glucose out of range is contraindicated, absolute reasons first', () => {
  const answers = clean(STROKE_IVT_CHECKLIST, { ...strokeNumbers, glucose: 2.5 });
  answers.pregnancy = true;
  answers['ich-on-imaging'] = true;
  const r = evaluateChecklist(STROKE_IVT_CHECKLIST, answers);
  assert.equal(r.outcome, 'contraindicated');
  assert.deepEqual(
    r.reasons.map((x) => [x.code, x.why]),
    [
      ['ich-on-imaging', 'absolute-contraindication'],
      ['glucose', 'absolute-contraindication'],
      ['pregnancy', 'relative-contraindication'],
    ],
  );
  assert.match(r.reasons[0].text.zh, /颅内出血/);
  const high = evaluateChecklist(
    STROKE_IVT_CHECKLIST,
    clean(STROKE_IVT_CHECKLIST, { ...strokeNumbers, glucose: 22.3 }),
  );
  assert.equal(high.outcome, 'contraindicated');
});

test('stroke IVT: thresholds at the boundary (4.5 h in, 180 mmHg out, INR 1.7 in)', () => {
  const edge = clean(STROKE_IVT_CHECKLIST, {
    ...strokeNumbers,
    'hours-since-onset': 4.5,
    inr: 1.7,
    'systolic-bp': 179,
  });
  assert.equal(evaluateChecklist(STROKE_IVT_CHECKLIST, edge).outcome, 'eligible');
  const late = evaluateChecklist(STROKE_IVT_CHECKLIST, { ...edge, 'hours-since-onset': 4.6 });
  assert.equal(late.outcome, 'needs-review');
  assert.deepEqual(
    late.reasons.map((x) => x.why),
    ['indication-not-met'],
  );
  assert.equal(
    evaluateChecklist(STROKE_IVT_CHECKLIST, { ...edge, 'systolic-bp': 180 }).outcome,
    'contraindicated',
  );
});

test('unanswered required items need review; optional lab items may stay empty', () => {
  const answers = clean(STROKE_IVT_CHECKLIST, strokeNumbers);
  delete answers.platelets;
  answers.inr = null;
  assert.equal(evaluateChecklist(STROKE_IVT_CHECKLIST, answers).outcome, 'eligible');
  delete answers['large-infarct'];
  const r = evaluateChecklist(STROKE_IVT_CHECKLIST, answers);
  assert.equal(r.outcome, 'needs-review');
  assert.deepEqual(
    r.reasons.map((x) => `${x.code}:${x.why}`),
    ['large-infarct:unanswered'],
  );
});

test('STEMI fibrinolysis: relative contraindication needs review; aortic dissection is contraindicated', () => {
  const numbers = { 'hours-since-onset': 3, 'systolic-bp': 150, 'diastolic-bp': 90 };
  const base = clean(STEMI_FIBRINOLYSIS_CHECKLIST, numbers);
  assert.equal(evaluateChecklist(STEMI_FIBRINOLYSIS_CHECKLIST, base).outcome, 'eligible');
  const hypertensive = evaluateChecklist(STEMI_FIBRINOLYSIS_CHECKLIST, { ...base, 'systolic-bp': 190 });
  assert.equal(hypertensive.outcome, 'needs-review');
  assert.equal(hypertensive.reasons[0].why, 'relative-contraindication');
  assert.equal(
    evaluateChecklist(STEMI_FIBRINOLYSIS_CHECKLIST, { ...base, 'aortic-dissection': true }).outcome,
    'contraindicated',
  );
  assert.equal(
    evaluateChecklist(STEMI_FIBRINOLYSIS_CHECKLIST, { ...base, 'hours-since-onset': 13 }).outcome,
    'needs-review',
  );
  assert.equal(CHECKLISTS['stemi-fibrinolysis'], STEMI_FIBRINOLYSIS_CHECKLIST);
});

test('malformed answers throw naming the item', () => {
  const base = clean(STROKE_IVT_CHECKLIST, strokeNumbers);
  assert.throws(
    () => evaluateChecklist(STROKE_IVT_CHECKLIST, { ...base, pregnancy: 'no' as never }),
    (e: unknown) => e instanceof EmergencyInputError && e.field === 'answers.pregnancy',
  );
  assert.throws(
    () => evaluateChecklist(STROKE_IVT_CHECKLIST, { ...base, age: 300 }),
    /answers\.age: must be a number between 0 and 120/,
  );
  assert.throws(
    () => evaluateChecklist(STROKE_IVT_CHECKLIST, { ...base, mood: true }),
    /answers\.mood: not an item/,
  );
});

test('checklist items carry both languages and unique codes', () => {
  for (const checklist of Object.values(CHECKLISTS)) {
    assert.deepEqual(validateChecklist(checklist), [], checklist.code);
    const codes = checklist.items.map((i) => i.code);
    assert.equal(new Set(codes).size, codes.length, checklist.code);
    for (const item of checklist.items) assert.ok(item.text.zh && item.text.en, item.code);
    assert.ok(checklist.items.some((i) => i.kind === 'absolute'));
  }
});

test('a broken site checklist is reported field by field', () => {
  const broken = {
    ...STEMI_FIBRINOLYSIS_CHECKLIST,
    version: 'draft',
    items: [
      STEMI_FIBRINOLYSIS_CHECKLIST.items[0],
      STEMI_FIBRINOLYSIS_CHECKLIST.items[0],
      {
        code: 'x',
        kind: 'maybe' as never,
        text: { zh: '', en: 'x' },
        answer: { type: 'number' as const, unit: 'h', min: 5, max: 1, triggers: {} },
      },
    ],
  };
  const fields = validateChecklist(broken).map((p) => `${p.field}: ${p.reason}`);
  assert.deepEqual(fields, [
    'version: must be a semantic version',
    'items[1] (hours-since-onset).code: duplicate code',
    'items[2] (x).kind: must be indication, absolute or relative',
    'items[2] (x).text: needs both zh and en text',
    'items[2] (x).answer: min must be below max',
    'items[2] (x).answer.triggers: needs at least one bound',
  ]);
});
