// Thrombolysis indication / contraindication checklists as structured, versioned data. The evaluation only
// sorts the answers (eligible, contraindicated, needs review); the decision stays with the physician and the
// answers are stored with it. Sites with a different protocol supply their own checklist object.
import { EmergencyInputError } from './conditions';
import type { Center, Text } from './types';

export type ChecklistItemKind = 'indication' | 'absolute' | 'relative';

/** A numeric answer "triggers" when any given bound is hit (below/above are strict, atMost/atLeast inclusive). */
export interface NumberTrigger {
  below?: number;
  above?: number;
  atMost?: number;
  atLeast?: number;
}

export type ChecklistAnswerSpec =
  | { type: 'boolean' }
  | { type: 'number'; unit: string; min: number; max: number; triggers: NumberTrigger };

export interface ChecklistItem {
  code: string;
  kind: ChecklistItemKind;
  text: Text;
  /** boolean: yes = indication met / contraindication present. number: triggered = met / present. */
  answer: ChecklistAnswerSpec;
  /** May stay unanswered without forcing a review (e.g. INR when no anticoagulant use is suspected). */
  optional?: boolean;
}

export interface Checklist {
  code: string;
  version: string;
  center: Center;
  nameZh: string;
  nameEn: string;
  reference: string;
  items: ChecklistItem[];
}

const yes = (code: string, kind: ChecklistItemKind, zh: string, en: string): ChecklistItem => ({
  code,
  kind,
  text: { zh, en },
  answer: { type: 'boolean' },
});

const num = (
  code: string,
  kind: ChecklistItemKind,
  zh: string,
  en: string,
  unit: string,
  range: [number, number],
  triggers: NumberTrigger,
  optional = false,
): ChecklistItem => ({
  code,
  kind,
  text: { zh, en },
  answer: { type: 'number', unit, min: range[0], max: range[1], triggers },
  ...(optional ? { optional } : {}),
});

/** STEMI fibrinolysis: 2017 ESC STEMI guideline Table 10; 中国急性ST段抬高型心肌梗死诊断和治疗指南（2019）. */
export const STEMI_FIBRINOLYSIS_CHECKLIST: Checklist = {
  code: 'stemi-fibrinolysis',
  version: '1.0.0',
  center: 'chest-pain',
  nameZh: 'STEMI溶栓适应证与禁忌证',
  nameEn: 'STEMI fibrinolysis indications and contraindications',
  reference:
    '2017 ESC STEMI guideline (Ibanez B et al., Eur Heart J 2018;39:119–77), CSC STEMI guideline 2019',
  items: [
    num(
      'hours-since-onset',
      'indication',
      '发病至今（小时）≤12',
      'Hours since symptom onset ≤ 12',
      'h',
      [0, 240],
      { atMost: 12 },
    ),
    yes(
      'stemi-ecg',
      'indication',
      '心电图符合STEMI（或新发左束支阻滞）',
      'ECG meets STEMI criteria (or new LBBB)',
    ),
    yes(
      'pci-not-timely',
      'indication',
      '预计首次医疗接触至导丝通过>120分钟（无法及时行直接PCI）',
      'Expected FMC-to-wire > 120 min (primary PCI not timely)',
    ),
    yes(
      'prior-ich',
      'absolute',
      '既往颅内出血或不明原因卒中',
      'Previous intracranial haemorrhage or stroke of unknown origin',
    ),
    yes('ischaemic-stroke-6m', 'absolute', '6个月内缺血性卒中', 'Ischaemic stroke in the preceding 6 months'),
    yes(
      'cns-lesion',
      'absolute',
      '中枢神经系统损伤、肿瘤或动静脉畸形',
      'CNS damage, neoplasm or arteriovenous malformation',
    ),
    yes(
      'recent-trauma-1m',
      'absolute',
      '近1个月内重大创伤、手术或头部外伤',
      'Major trauma, surgery or head injury within 1 month',
    ),
    yes(
      'gi-bleeding-1m',
      'absolute',
      '近1个月内消化道出血',
      'Gastrointestinal bleeding within the past month',
    ),
    yes(
      'bleeding-disorder',
      'absolute',
      '已知出血性疾病（月经除外）',
      'Known bleeding disorder (excluding menses)',
    ),
    yes('aortic-dissection', 'absolute', '主动脉夹层', 'Aortic dissection'),
    yes(
      'noncompressible-puncture-24h',
      'absolute',
      '24小时内不可压迫部位穿刺（如肝活检、腰穿）',
      'Non-compressible puncture in the past 24 h (e.g. liver biopsy, lumbar puncture)',
    ),
    yes(
      'tia-6m',
      'relative',
      '6个月内短暂性脑缺血发作',
      'Transient ischaemic attack in the preceding 6 months',
    ),
    yes('oral-anticoagulant', 'relative', '口服抗凝药治疗', 'Oral anticoagulant therapy'),
    yes('pregnancy', 'relative', '妊娠或产后1周内', 'Pregnancy or within 1 week post-partum'),
    num(
      'systolic-bp',
      'relative',
      '收缩压>180mmHg（难治性高血压）',
      'Systolic BP > 180 mmHg (refractory)',
      'mmHg',
      [0, 300],
      { above: 180 },
    ),
    num('diastolic-bp', 'relative', '舒张压>110mmHg', 'Diastolic BP > 110 mmHg', 'mmHg', [0, 200], {
      above: 110,
    }),
    yes('advanced-liver-disease', 'relative', '晚期肝病', 'Advanced liver disease'),
    yes('infective-endocarditis', 'relative', '感染性心内膜炎', 'Infective endocarditis'),
    yes('active-peptic-ulcer', 'relative', '活动性消化性溃疡', 'Active peptic ulcer'),
    yes('prolonged-cpr', 'relative', '长时间或创伤性心肺复苏', 'Prolonged or traumatic resuscitation'),
  ],
};

/**
 * Stroke IV thrombolysis (alteplase or tenecteplase): 中国急性缺血性脑卒中诊治指南2018 and AHA/ASA 2019.
 * Blood pressure uses the Chinese threshold (≥ 180/100 mmHg after treatment); AHA uses > 185/110.
 */
export const STROKE_IVT_CHECKLIST: Checklist = {
  code: 'stroke-ivt',
  version: '1.0.0',
  center: 'stroke',
  nameZh: '急性缺血性卒中静脉溶栓（阿替普酶/替奈普酶）适应证与禁忌证',
  nameEn: 'Acute ischaemic stroke IV thrombolysis (alteplase/tenecteplase)',
  reference: '中国急性缺血性脑卒中诊治指南2018; Powers WJ et al. Stroke 2019;50:e344–e418',
  items: [
    yes(
      'ischaemic-stroke-deficit',
      'indication',
      '缺血性卒中导致的神经功能缺损',
      'Ischaemic stroke with a measurable neurological deficit',
    ),
    num(
      'hours-since-onset',
      'indication',
      '发病（最后正常）至今≤4.5小时',
      'Onset / last known well ≤ 4.5 h ago',
      'h',
      [0, 240],
      { atMost: 4.5 },
    ),
    num('age', 'indication', '年龄≥18岁', 'Age ≥ 18 years', 'years', [0, 120], { atLeast: 18 }),
    yes('consent', 'indication', '患者或家属知情同意', 'Informed consent from patient or family'),
    yes('ich-on-imaging', 'absolute', '影像提示颅内出血', 'Intracranial haemorrhage on imaging'),
    yes('prior-ich', 'absolute', '既往颅内出血史', 'History of intracranial haemorrhage'),
    yes(
      'head-trauma-or-stroke-3m',
      'absolute',
      '近3个月严重头颅外伤或卒中史',
      'Severe head trauma or stroke within 3 months',
    ),
    yes(
      'intracranial-neoplasm',
      'absolute',
      '颅内肿瘤、巨大颅内动脉瘤',
      'Intracranial neoplasm or giant aneurysm',
    ),
    yes(
      'intracranial-surgery-3m',
      'absolute',
      '近3个月颅内或椎管内手术',
      'Intracranial or intraspinal surgery within 3 months',
    ),
    yes(
      'gi-gu-bleeding-21d',
      'absolute',
      '近3周内胃肠或泌尿系统出血',
      'Gastrointestinal or urinary bleeding within 3 weeks',
    ),
    yes('active-bleeding', 'absolute', '活动性内脏出血', 'Active internal bleeding'),
    yes('aortic-arch-dissection', 'absolute', '主动脉弓夹层', 'Aortic arch dissection'),
    yes(
      'arterial-puncture-7d',
      'absolute',
      '近1周内不易压迫止血部位的动脉穿刺',
      'Arterial puncture at a non-compressible site within 1 week',
    ),
    num(
      'systolic-bp',
      'absolute',
      '降压后收缩压≥180mmHg',
      'Systolic BP ≥ 180 mmHg despite treatment',
      'mmHg',
      [0, 300],
      { atLeast: 180 },
    ),
    num(
      'diastolic-bp',
      'absolute',
      '降压后舒张压≥100mmHg',
      'Diastolic BP ≥ 100 mmHg despite treatment',
      'mmHg',
      [0, 200],
      { atLeast: 100 },
    ),
    num(
      'platelets',
      'absolute',
      '血小板<100×10⁹/L（无怀疑时可不等结果）',
      'Platelets < 100 × 10⁹/L (need not be awaited without suspicion)',
      '10^9/L',
      [0, 2000],
      { below: 100 },
      true,
    ),
    yes(
      'lmwh-24h',
      'absolute',
      '24小时内接受过治疗剂量低分子肝素',
      'Therapeutic low-molecular-weight heparin within 24 h',
    ),
    num(
      'inr',
      'absolute',
      '口服抗凝剂且INR>1.7',
      'On oral anticoagulant with INR > 1.7',
      'INR',
      [0.5, 20],
      { above: 1.7 },
      true,
    ),
    yes(
      'doac-48h',
      'absolute',
      '48小时内使用凝血酶或Xa因子抑制剂',
      'Thrombin or factor Xa inhibitor within 48 h',
    ),
    num(
      'glucose',
      'absolute',
      '血糖<2.8或>22.22mmol/L',
      'Glucose < 2.8 or > 22.22 mmol/L',
      'mmol/L',
      [0, 60],
      {
        below: 2.8,
        above: 22.22,
      },
    ),
    yes(
      'large-infarct',
      'absolute',
      'CT/MRI提示大面积梗死（>1/3大脑中动脉供血区）',
      'Large infarct on CT/MRI (> 1/3 MCA territory)',
    ),
    yes(
      'minor-or-improving',
      'relative',
      '轻型非致残性卒中或症状快速改善',
      'Minor non-disabling deficit or rapidly improving symptoms',
    ),
    yes('pregnancy', 'relative', '妊娠', 'Pregnancy'),
    yes(
      'seizure-at-onset',
      'relative',
      '起病时痫性发作遗留神经功能缺损',
      'Seizure at onset with post-ictal deficit',
    ),
    yes(
      'major-surgery-14d',
      'relative',
      '近2周内大型外科手术或严重外伤',
      'Major surgery or serious trauma within 2 weeks',
    ),
    yes('mi-3m', 'relative', '近3个月内心肌梗死', 'Myocardial infarction within 3 months'),
    yes(
      'late-window-risk',
      'relative',
      '3–4.5小时内且年龄>80岁、NIHSS>25、口服抗凝药或糖尿病合并既往卒中',
      '3–4.5 h window with age > 80, NIHSS > 25, oral anticoagulant use, or diabetes with prior stroke',
    ),
  ],
};

export const CHECKLISTS: Readonly<Record<string, Checklist>> = {
  [STEMI_FIBRINOLYSIS_CHECKLIST.code]: STEMI_FIBRINOLYSIS_CHECKLIST,
  [STROKE_IVT_CHECKLIST.code]: STROKE_IVT_CHECKLIST,
};

/** Problems in a (site-supplied) checklist definition; empty when usable. */
export function validateChecklist(checklist: Checklist): { field: string; reason: string }[] {
  const problems: { field: string; reason: string }[] = [];
  if (!checklist?.code?.trim()) problems.push({ field: 'code', reason: 'required' });
  if (!/^\d+\.\d+\.\d+/.test(checklist?.version ?? ''))
    problems.push({ field: 'version', reason: 'must be a semantic version' });
  if (!Array.isArray(checklist?.items) || checklist.items.length === 0)
    return [...problems, { field: 'items', reason: 'must be a non-empty list' }];
  const seen = new Set<string>();
  checklist.items.forEach((item, i) => {
    const at = `items[${i}]${item.code ? ` (${item.code})` : ''}`;
    if (!item.code?.trim()) problems.push({ field: `${at}.code`, reason: 'required' });
    if (seen.has(item.code)) problems.push({ field: `${at}.code`, reason: 'duplicate code' });
    seen.add(item.code);
    if (!['indication', 'absolute', 'relative'].includes(item.kind))
      problems.push({ field: `${at}.kind`, reason: 'must be indication, absolute or relative' });
    if (!item.text?.zh?.trim() || !item.text?.en?.trim())
      problems.push({ field: `${at}.text`, reason: 'needs both zh and en text' });
    if (item.answer?.type === 'number') {
      const { min, max, triggers } = item.answer;
      if (!(min < max)) problems.push({ field: `${at}.answer`, reason: 'min must be below max' });
      if (!triggers || Object.keys(triggers).length === 0)
        problems.push({ field: `${at}.answer.triggers`, reason: 'needs at least one bound' });
    } else if (item.answer?.type !== 'boolean') {
      problems.push({ field: `${at}.answer.type`, reason: 'must be boolean or number' });
    }
  });
  return problems;
}

export type ChecklistAnswers = Record<string, boolean | number | null | undefined>;
export type ChecklistOutcome = 'eligible' | 'contraindicated' | 'needs-review';

export interface ChecklistReason {
  code: string;
  why: 'absolute-contraindication' | 'relative-contraindication' | 'indication-not-met' | 'unanswered';
  text: Text;
}

export interface ChecklistEvaluation {
  checklist: string;
  version: string;
  outcome: ChecklistOutcome;
  reasons: ChecklistReason[];
}

function triggered(t: NumberTrigger, v: number): boolean {
  return (
    (t.below !== undefined && v < t.below) ||
    (t.above !== undefined && v > t.above) ||
    (t.atMost !== undefined && v <= t.atMost) ||
    (t.atLeast !== undefined && v >= t.atLeast)
  );
}

/**
 * Sorts the answers: any absolute contraindication → contraindicated; any relative contraindication, unmet
 * indication or unanswered required item → needs-review; otherwise eligible. Malformed answers throw.
 */
export function evaluateChecklist(checklist: Checklist, answers: ChecklistAnswers): ChecklistEvaluation {
  if (!answers || typeof answers !== 'object') throw new EmergencyInputError('answers', 'must be an object');
  for (const key of Object.keys(answers))
    if (!checklist.items.some((i) => i.code === key))
      throw new EmergencyInputError(`answers.${key}`, `not an item of checklist ${checklist.code}`);
  const reasons: ChecklistReason[] = [];
  for (const item of checklist.items) {
    const value = answers[item.code];
    if (value === undefined || value === null) {
      if (!item.optional) reasons.push({ code: item.code, why: 'unanswered', text: item.text });
      continue;
    }
    let hit: boolean;
    if (item.answer.type === 'boolean') {
      if (typeof value !== 'boolean')
        throw new EmergencyInputError(
          `answers.${item.code}`,
          `must be true or false, got ${JSON.stringify(value)}`,
        );
      hit = value;
    } else {
      const { min, max, unit } = item.answer;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
        throw new EmergencyInputError(
          `answers.${item.code}`,
          `must be a number between ${min} and ${max} ${unit}, got ${JSON.stringify(value)}`,
        );
      hit = triggered(item.answer.triggers, value);
    }
    if (item.kind === 'indication' && !hit)
      reasons.push({ code: item.code, why: 'indication-not-met', text: item.text });
    if (item.kind === 'absolute' && hit)
      reasons.push({ code: item.code, why: 'absolute-contraindication', text: item.text });
    if (item.kind === 'relative' && hit)
      reasons.push({ code: item.code, why: 'relative-contraindication', text: item.text });
  }
  const outcome: ChecklistOutcome = reasons.some((r) => r.why === 'absolute-contraindication')
    ? 'contraindicated'
    : reasons.length > 0
      ? 'needs-review'
      : 'eligible';
  // Absolute reasons first: they are what the physician must see.
  const rank = {
    'absolute-contraindication': 0,
    'relative-contraindication': 1,
    'indication-not-met': 2,
    unanswered: 3,
  };
  reasons.sort((a, b) => rank[a.why] - rank[b.why]);
  return { checklist: checklist.code, version: checklist.version, outcome, reasons };
}
