// Stroke center scores: NIHSS, FAST-ED, BE-FAST, Cincinnati prehospital stroke scale, ASPECTS, mRS.
import {
  type BooleanItem,
  type ChoiceItem,
  type InterpretationBand,
  interpret,
  ordinal,
  pointsOf,
  readItems,
  type ScoreDefinition,
  type ScoreForm,
  sumPoints,
  yesNo,
} from './common';

const choice = (key: string, zh: string, en: string, labels: [string, string][], allowsUntestable = false) =>
  ({
    key,
    label: { zh, en },
    kind: 'choice',
    options: ordinal(labels),
    ...(allowsUntestable ? { allowsUntestable } : {}),
  }) as ChoiceItem;

const MOTOR: [string, string][] = [
  ['无下垂', 'no drift'],
  ['下垂', 'drift'],
  ['能抵抗部分重力', 'some effort against gravity'],
  ['不能抵抗重力', 'no effort against gravity'],
  ['无运动', 'no movement'],
];

// NIH Stroke Scale item wording (NINDS). Motor items, ataxia and dysarthria may be untestable (amputation,
// joint fusion, intubation): recorded as "UN", not scored, and shown next to the total.
const nihssForm: ScoreForm = {
  items: [
    choice('1a', '1a 意识水平', '1a Level of consciousness', [
      ['清醒', 'alert'],
      ['嗜睡，轻微刺激可唤醒', 'not alert, arousable by minor stimulation'],
      ['昏睡，需反复刺激', 'not alert, requires repeated stimulation'],
      ['昏迷，仅有反射', 'reflex responses only or unresponsive'],
    ]),
    choice('1b', '1b 意识水平提问', '1b LOC questions', [
      ['两项均正确', 'answers both correctly'],
      ['一项正确', 'answers one correctly'],
      ['均不正确', 'answers neither correctly'],
    ]),
    choice('1c', '1c 意识水平指令', '1c LOC commands', [
      ['两项均正确', 'performs both tasks'],
      ['一项正确', 'performs one task'],
      ['均不正确', 'performs neither task'],
    ]),
    choice('2', '2 凝视', '2 Best gaze', [
      ['正常', 'normal'],
      ['部分凝视麻痹', 'partial gaze palsy'],
      ['强迫凝视', 'forced deviation'],
    ]),
    choice('3', '3 视野', '3 Visual fields', [
      ['无视野缺损', 'no visual loss'],
      ['部分偏盲', 'partial hemianopia'],
      ['完全偏盲', 'complete hemianopia'],
      ['双侧偏盲', 'bilateral hemianopia'],
    ]),
    choice('4', '4 面瘫', '4 Facial palsy', [
      ['正常', 'normal'],
      ['轻微', 'minor paralysis'],
      ['部分', 'partial paralysis'],
      ['完全', 'complete paralysis'],
    ]),
    choice('5a', '5a 左上肢运动', '5a Motor arm, left', MOTOR, true),
    choice('5b', '5b 右上肢运动', '5b Motor arm, right', MOTOR, true),
    choice('6a', '6a 左下肢运动', '6a Motor leg, left', MOTOR, true),
    choice('6b', '6b 右下肢运动', '6b Motor leg, right', MOTOR, true),
    choice(
      '7',
      '7 肢体共济失调',
      '7 Limb ataxia',
      [
        ['无', 'absent'],
        ['一个肢体有', 'present in one limb'],
        ['两个肢体有', 'present in two limbs'],
      ],
      true,
    ),
    choice('8', '8 感觉', '8 Sensory', [
      ['正常', 'normal'],
      ['轻到中度减退', 'mild-to-moderate loss'],
      ['重度或完全缺失', 'severe or total loss'],
    ]),
    choice('9', '9 语言', '9 Best language', [
      ['正常', 'no aphasia'],
      ['轻到中度失语', 'mild-to-moderate aphasia'],
      ['重度失语', 'severe aphasia'],
      ['哑或完全性失语', 'mute, global aphasia'],
    ]),
    choice(
      '10',
      '10 构音障碍',
      '10 Dysarthria',
      [
        ['正常', 'normal'],
        ['轻到中度', 'mild-to-moderate'],
        ['重度', 'severe'],
      ],
      true,
    ),
    choice('11', '11 忽视症', '11 Extinction and inattention', [
      ['无', 'no abnormality'],
      ['一种感觉模式忽视', 'inattention in one modality'],
      ['严重偏侧忽视或多种模式', 'profound or more than one modality'],
    ]),
  ],
};

const NIHSS_BANDS: InterpretationBand[] = [
  { min: 0, max: 0, level: 'none', zh: '无卒中症状', en: 'no stroke symptoms' },
  { min: 1, max: 4, level: 'minor', zh: '轻型卒中', en: 'minor stroke' },
  { min: 5, max: 15, level: 'moderate', zh: '中度卒中', en: 'moderate stroke' },
  { min: 16, max: 20, level: 'moderate-severe', zh: '中重度卒中', en: 'moderate-to-severe stroke' },
  { min: 21, max: 42, level: 'severe', zh: '重度卒中', en: 'severe stroke' },
];

export const NIHSS: ScoreDefinition = {
  code: 'nihss',
  nameZh: 'NIHSS卒中量表',
  nameEn: 'NIH Stroke Scale',
  centers: ['stroke'],
  reference: 'Brott T et al. Stroke 1989;20:864–70; NINDS NIH Stroke Scale',
  form: nihssForm,
  range: { min: 0, max: 42 },
  compute(items) {
    const r = readItems('nihss', nihssForm, items);
    const total = sumPoints(r);
    const untestable = nihssForm.items.map((i) => i.key).filter((k) => r[k].untestable);
    return {
      code: 'nihss',
      total,
      display: untestable.length ? `${total} (UN: ${untestable.join(', ')})` : String(total),
      interpretation: interpret('nihss', NIHSS_BANDS, total),
      itemPoints: pointsOf(r),
      untestable,
    };
  },
};

const fastEdForm: ScoreForm = {
  items: [
    choice('facialPalsy', '面瘫', 'Facial palsy', [
      ['正常或轻微', 'normal or minor paralysis'],
      ['部分或完全', 'partial or complete paralysis'],
    ]),
    choice('armWeakness', '上肢无力', 'Arm weakness', [
      ['无下垂', 'no drift'],
      ['下垂或能抵抗部分重力', 'drift or some effort against gravity'],
      ['不能抵抗重力或无运动', 'no effort against gravity or no movement'],
    ]),
    choice('speechChanges', '言语改变', 'Speech changes', [
      ['无', 'absent'],
      ['轻到中度', 'mild to moderate'],
      ['重度、完全性失语或哑', 'severe, global aphasia or mute'],
    ]),
    choice('eyeDeviation', '眼球偏斜', 'Eye deviation', [
      ['无', 'absent'],
      ['部分', 'partial'],
      ['强迫偏斜', 'forced deviation'],
    ]),
    choice('denialNeglect', '否认/忽视', 'Denial / neglect', [
      ['无', 'absent'],
      ['单一感觉模式双侧同时刺激消失', 'extinction to bilateral simultaneous stimulation in one modality'],
      ['不认识自己的手或只关注一侧', 'does not recognise own hand or orients only to one side'],
    ]),
  ],
};

export const FAST_ED: ScoreDefinition = {
  code: 'fast-ed',
  nameZh: 'FAST-ED评分',
  nameEn: 'FAST-ED',
  centers: ['stroke'],
  reference: 'Lima FO et al. Stroke 2016;47:2997–3002',
  form: fastEdForm,
  range: { min: 0, max: 9 },
  compute(items) {
    const r = readItems('fast-ed', fastEdForm, items);
    const total = sumPoints(r);
    const lvo = total >= 4;
    return {
      code: 'fast-ed',
      total,
      display: String(total),
      interpretation: lvo
        ? { level: 'lvo-likely', zh: '≥4分，提示大血管闭塞可能', en: '≥ 4: large-vessel occlusion likely' }
        : {
            level: 'lvo-unlikely',
            zh: '<4分，大血管闭塞可能性较低',
            en: '< 4: large-vessel occlusion less likely',
          },
      itemPoints: pointsOf(r),
      details: { suggestsLvo: lvo },
    };
  },
};

/** "Any abnormal item is positive" screens share one shape. */
function anyAbnormalScreen(
  code: string,
  nameZh: string,
  nameEn: string,
  reference: string,
  findings: BooleanItem[],
  extra: ScoreForm['items'] = [],
): ScoreDefinition {
  const form: ScoreForm = { items: [...findings, ...extra] };
  return {
    code,
    nameZh,
    nameEn,
    centers: ['stroke'],
    reference,
    form,
    range: { min: 0, max: findings.length },
    compute(items) {
      const r = readItems(code, form, items);
      const total = sumPoints(r);
      return {
        code,
        total,
        display: total > 0 ? `+ (${total}/${findings.length})` : `− (0/${findings.length})`,
        interpretation:
          total > 0
            ? {
                level: 'positive',
                zh: '阳性：任一项异常，按疑似卒中处理',
                en: 'positive: any abnormal item, treat as suspected stroke',
              }
            : { level: 'negative', zh: '阴性', en: 'negative' },
        itemPoints: pointsOf(r),
      };
    },
  };
}

export const BE_FAST = anyAbnormalScreen(
  'be-fast',
  'BE-FAST评估',
  'BE-FAST',
  'Aroor S et al. Stroke 2017;48:479–81',
  [
    yesNo('balance', 'B 平衡障碍', 'Balance loss'),
    yesNo('eyes', 'E 视物异常', 'Eyes: vision loss'),
    yesNo('face', 'F 面部下垂', 'Face drooping'),
    yesNo('arm', 'A 上肢无力', 'Arm weakness'),
    yesNo('speech', 'S 言语障碍', 'Speech difficulty'),
  ],
  [{ key: 'time', label: { zh: 'T 发病时间', en: 'Time of onset' }, kind: 'datetime', optional: true }],
);

export const CINCINNATI = anyAbnormalScreen(
  'cincinnati',
  '辛辛那提院前卒中量表',
  'Cincinnati Prehospital Stroke Scale',
  'Kothari RU et al. Ann Emerg Med 1999;33:373–8',
  [
    yesNo('facialDroop', '面部下垂', 'Facial droop'),
    yesNo('armDrift', '上肢漂移', 'Arm drift'),
    yesNo('abnormalSpeech', '言语异常', 'Abnormal speech'),
  ],
);

export const ASPECTS_REGIONS: [string, string, string][] = [
  ['C', '尾状核', 'caudate'],
  ['L', '豆状核', 'lentiform nucleus'],
  ['IC', '内囊', 'internal capsule'],
  ['I', '岛叶', 'insular ribbon'],
  ['M1', 'M1 大脑中动脉前皮层', 'M1 anterior MCA cortex'],
  ['M2', 'M2 岛叶外侧皮层', 'M2 MCA cortex lateral to insula'],
  ['M3', 'M3 大脑中动脉后皮层', 'M3 posterior MCA cortex'],
  ['M4', 'M4 M1上方皮层', 'M4 cortex above M1'],
  ['M5', 'M5 M2上方皮层', 'M5 cortex above M2'],
  ['M6', 'M6 M3上方皮层', 'M6 cortex above M3'],
];

// Items are "region affected" (yes/no); each affected region takes one point off 10.
const aspectsForm: ScoreForm = {
  items: ASPECTS_REGIONS.map(([key, zh, en]) => yesNo(key, `${zh}受累`, `${en} affected`)),
};

const ASPECTS_BANDS: InterpretationBand[] = [
  {
    min: 0,
    max: 5,
    level: 'extensive',
    zh: '广泛早期缺血改变（<6）',
    en: 'extensive early ischaemic change (< 6)',
  },
  {
    min: 6,
    max: 7,
    level: 'moderate',
    zh: '中等范围缺血改变（6–7）',
    en: 'moderate early ischaemic change (6–7)',
  },
  {
    min: 8,
    max: 10,
    level: 'limited',
    zh: '轻微或无缺血改变（8–10）',
    en: 'limited or no early ischaemic change (8–10)',
  },
];

export const ASPECTS: ScoreDefinition = {
  code: 'aspects',
  nameZh: 'ASPECTS评分',
  nameEn: 'ASPECTS',
  centers: ['stroke'],
  reference: 'Barber PA et al. Lancet 2000;355:1670–4',
  form: aspectsForm,
  range: { min: 0, max: 10 },
  compute(items) {
    const r = readItems('aspects', aspectsForm, items);
    const affected = Object.keys(r).filter((k) => r[k].value === true);
    const total = 10 - affected.length;
    return {
      code: 'aspects',
      total,
      display: String(total),
      interpretation: interpret('aspects', ASPECTS_BANDS, total),
      // Negative points make the item's effect on the total explicit for the form.
      itemPoints: Object.fromEntries(Object.keys(r).map((k) => [k, r[k].value === true ? -1 : 0])),
      details: { affectedRegions: affected.join(','), atLeast6: total >= 6 },
    };
  },
};

const mrsForm: ScoreForm = {
  items: [
    choice('mrs', 'mRS', 'mRS', [
      ['完全无症状', 'no symptoms'],
      ['有症状但无明显残疾', 'no significant disability'],
      ['轻度残疾，生活自理', 'slight disability, independent'],
      ['中度残疾，需部分帮助但可独立行走', 'moderate disability, walks unassisted'],
      ['中重度残疾，不能独立行走', 'moderately severe disability, cannot walk unassisted'],
      ['重度残疾，卧床', 'severe disability, bedridden'],
      ['死亡', 'dead'],
    ]),
  ],
};

const MRS_BANDS: InterpretationBand[] = [
  {
    min: 0,
    max: 2,
    level: 'independent',
    zh: '功能独立（预后良好）',
    en: 'functionally independent (good outcome)',
  },
  { min: 3, max: 5, level: 'dependent', zh: '功能依赖', en: 'dependent' },
  { min: 6, max: 6, level: 'dead', zh: '死亡', en: 'dead' },
];

export const MRS: ScoreDefinition = {
  code: 'mrs',
  nameZh: '改良Rankin量表',
  nameEn: 'modified Rankin Scale',
  centers: ['stroke'],
  reference: 'van Swieten JC et al. Stroke 1988;19:604–7',
  form: mrsForm,
  range: { min: 0, max: 6 },
  compute(items) {
    const r = readItems('mrs', mrsForm, items);
    const total = r.mrs.points as number;
    return {
      code: 'mrs',
      total,
      display: `mRS ${total}`,
      interpretation: interpret('mrs', MRS_BANDS, total),
      itemPoints: pointsOf(r),
    };
  },
};
