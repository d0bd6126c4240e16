// Chest pain center scores: GRACE (in-hospital death), HEART, TIMI for UA/NSTEMI, Killip class.
import {
  banded,
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

// GRACE in-hospital death nomogram: Granger CB et al., Arch Intern Med 2003;163:2345–2353 (Figure/Table 3).
// Bands are half-open: "50–69" means 50 ≤ x < 70; the lowest band is "below the first bound".
export const GRACE_TABLES = {
  age: [
    { below: 30, points: 0 },
    { below: 40, points: 8 },
    { below: 50, points: 25 },
    { below: 60, points: 41 },
    { below: 70, points: 58 },
    { below: 80, points: 75 },
    { below: 90, points: 91 },
    { below: Number.POSITIVE_INFINITY, points: 100 },
  ],
  heartRate: [
    { below: 50, points: 0 },
    { below: 70, points: 3 },
    { below: 90, points: 9 },
    { below: 110, points: 15 },
    { below: 150, points: 24 },
    { below: 200, points: 38 },
    { below: Number.POSITIVE_INFINITY, points: 46 },
  ],
  systolicBp: [
    { below: 80, points: 58 },
    { below: 100, points: 53 },
    { below: 120, points: 43 },
    { below: 140, points: 34 },
    { below: 160, points: 24 },
    { below: 200, points: 10 },
    { below: Number.POSITIVE_INFINITY, points: 0 },
  ],
  /** Creatinine in mg/dL. */
  creatinine: [
    { below: 0.4, points: 1 },
    { below: 0.8, points: 4 },
    { below: 1.2, points: 7 },
    { below: 1.6, points: 10 },
    { below: 2.0, points: 13 },
    { below: 4.0, points: 21 },
    { below: Number.POSITIVE_INFINITY, points: 28 },
  ],
} as const;

/** Chinese labs report creatinine in µmol/L: 1 mg/dL = 88.4 µmol/L. */
export const CREATININE_UMOL_PER_MG_DL = 88.4;

const GRACE_BANDS: InterpretationBand[] = [
  { min: 0, max: 108, level: 'low', zh: '低危（院内死亡<1%）', en: 'low risk (in-hospital death < 1 %)' },
  { min: 109, max: 140, level: 'intermediate', zh: '中危（院内死亡1%–3%）', en: 'intermediate risk (1–3 %)' },
  { min: 141, max: 1000, level: 'high', zh: '高危（院内死亡>3%）', en: 'high risk (> 3 %)' },
];

const KILLIP_OPTIONS = [
  { value: 'I', label: { zh: 'I级：无心衰', en: 'I: no heart failure' }, points: 1 },
  { value: 'II', label: { zh: 'II级：肺部啰音、S3奔马律', en: 'II: rales, S3 gallop' }, points: 2 },
  { value: 'III', label: { zh: 'III级：急性肺水肿', en: 'III: acute pulmonary oedema' }, points: 3 },
  { value: 'IV', label: { zh: 'IV级：心源性休克', en: 'IV: cardiogenic shock' }, points: 4 },
];
const GRACE_KILLIP_POINTS: Record<string, number> = { I: 0, II: 20, III: 39, IV: 59 };

const graceForm: ScoreForm = {
  items: [
    { key: 'age', label: { zh: '年龄', en: 'Age' }, kind: 'number', unit: 'years', min: 18, max: 120 },
    {
      key: 'heartRate',
      label: { zh: '心率', en: 'Heart rate' },
      kind: 'number',
      unit: '/min',
      min: 0,
      max: 300,
    },
    {
      key: 'systolicBp',
      label: { zh: '收缩压', en: 'Systolic BP' },
      kind: 'number',
      unit: 'mmHg',
      min: 0,
      max: 300,
    },
    {
      key: 'creatinine',
      label: { zh: '血肌酐', en: 'Serum creatinine' },
      kind: 'number',
      unit: 'mg/dL',
      min: 0.05,
      max: 25,
      alternativeUnits: [
        { unit: 'µmol/L', factor: 1 / CREATININE_UMOL_PER_MG_DL },
        { unit: 'umol/L', factor: 1 / CREATININE_UMOL_PER_MG_DL },
      ],
    },
    {
      key: 'killip',
      label: { zh: 'Killip分级', en: 'Killip class' },
      kind: 'choice',
      options: KILLIP_OPTIONS,
    },
    yesNo('cardiacArrest', '入院时心脏骤停', 'Cardiac arrest at admission', 39),
    yesNo('stDeviation', 'ST段偏移', 'ST-segment deviation', 28),
    yesNo('elevatedEnzymes', '心肌酶升高', 'Elevated cardiac enzymes', 14),
  ],
};

export const GRACE: ScoreDefinition = {
  code: 'grace',
  nameZh: 'GRACE评分（院内死亡）',
  nameEn: 'GRACE score (in-hospital death)',
  centers: ['chest-pain'],
  reference: 'Granger CB et al. Arch Intern Med 2003;163:2345–53',
  form: graceForm,
  range: { min: 1, max: 372 },
  compute(items) {
    const r = readItems('grace', graceForm, items);
    const itemPoints = {
      age: banded(GRACE_TABLES.age, r.age.value as number),
      heartRate: banded(GRACE_TABLES.heartRate, r.heartRate.value as number),
      systolicBp: banded(GRACE_TABLES.systolicBp, r.systolicBp.value as number),
      creatinine: banded(GRACE_TABLES.creatinine, r.creatinine.value as number),
      killip: GRACE_KILLIP_POINTS[r.killip.value as string],
      cardiacArrest: r.cardiacArrest.points,
      stDeviation: r.stDeviation.points,
      elevatedEnzymes: r.elevatedEnzymes.points,
    };
    const total = Object.values(itemPoints).reduce((s: number, p) => s + (p ?? 0), 0);
    return {
      code: 'grace',
      total,
      display: String(total),
      interpretation: interpret('grace', GRACE_BANDS, total),
      itemPoints,
      details: { creatinineMgDl: Math.round((r.creatinine.value as number) * 100) / 100 },
    };
  },
};

const heartForm: ScoreForm = {
  items: [
    {
      key: 'history',
      label: { zh: '病史', en: 'History' },
      kind: 'choice',
      options: ordinal([
        ['轻度可疑', 'slightly suspicious'],
        ['中度可疑', 'moderately suspicious'],
        ['高度可疑', 'highly suspicious'],
      ]),
    },
    {
      key: 'ecg',
      label: { zh: '心电图', en: 'ECG' },
      kind: 'choice',
      options: ordinal([
        ['正常', 'normal'],
        ['非特异性复极异常', 'non-specific repolarisation disturbance'],
        ['明显ST段压低', 'significant ST deviation'],
      ]),
    },
    { key: 'age', label: { zh: '年龄', en: 'Age' }, kind: 'number', unit: 'years', min: 0, max: 120 },
    {
      key: 'riskFactors',
      label: { zh: '危险因素', en: 'Risk factors' },
      kind: 'choice',
      options: ordinal([
        ['无已知危险因素', 'no known risk factors'],
        ['1–2个危险因素', '1–2 risk factors'],
        ['≥3个危险因素或动脉粥样硬化病史', '≥ 3 risk factors or history of atherosclerotic disease'],
      ]),
    },
    {
      key: 'troponin',
      label: { zh: '肌钙蛋白', en: 'Troponin' },
      kind: 'choice',
      options: ordinal([
        ['≤正常上限', '≤ normal limit'],
        ['1–3倍正常上限', '1–3 × normal limit'],
        ['>3倍正常上限', '> 3 × normal limit'],
      ]),
    },
  ],
};

/** HEART age points: < 45: 0, 45–64: 1, ≥ 65: 2 (Six AJ et al. Neth Heart J 2008). */
export const HEART_AGE_TABLE = [
  { below: 45, points: 0 },
  { below: 65, points: 1 },
  { below: Number.POSITIVE_INFINITY, points: 2 },
];

const HEART_BANDS: InterpretationBand[] = [
  { min: 0, max: 3, level: 'low', zh: '低危（6周MACE约1.7%）', en: 'low risk (6-week MACE ≈ 1.7 %)' },
  { min: 4, max: 6, level: 'moderate', zh: '中危（约16.6%）', en: 'moderate risk (≈ 16.6 %)' },
  { min: 7, max: 10, level: 'high', zh: '高危（约50.1%）', en: 'high risk (≈ 50.1 %)' },
];

export const HEART: ScoreDefinition = {
  code: 'heart',
  nameZh: 'HEART评分',
  nameEn: 'HEART score',
  centers: ['chest-pain'],
  reference: 'Six AJ et al. Neth Heart J 2008;16:191–6; Backus BE et al. Int J Cardiol 2013;168:2153–8',
  form: heartForm,
  range: { min: 0, max: 10 },
  compute(items) {
    const r = readItems('heart', heartForm, items);
    const itemPoints = { ...pointsOf(r), age: banded(HEART_AGE_TABLE, r.age.value as number) };
    const total = Object.values(itemPoints).reduce((s: number, p) => s + (p ?? 0), 0);
    return {
      code: 'heart',
      total,
      display: String(total),
      interpretation: interpret('heart', HEART_BANDS, total),
      itemPoints,
    };
  },
};

const timiForm: ScoreForm = {
  items: [
    yesNo('age65', '年龄≥65岁', 'Age ≥ 65'),
    yesNo('riskFactors3', '≥3个冠心病危险因素', '≥ 3 CAD risk factors'),
    yesNo('knownStenosis', '已知冠脉狭窄≥50%', 'Known coronary stenosis ≥ 50 %'),
    yesNo('aspirin7d', '近7天服用阿司匹林', 'Aspirin use in the past 7 days'),
    yesNo('severeAngina', '24小时内≥2次心绞痛', '≥ 2 angina episodes in 24 h'),
    yesNo('stDeviation', 'ST段偏移≥0.5mm', 'ST deviation ≥ 0.5 mm'),
    yesNo('positiveMarker', '心肌标志物阳性', 'Positive cardiac marker'),
  ],
};

/** 14-day all-cause death, MI or urgent revascularisation by TIMI score (Antman EM et al. JAMA 2000). */
export const TIMI_14_DAY_RISK_PERCENT = [4.7, 4.7, 8.3, 13.2, 19.9, 26.2, 40.9, 40.9];

const TIMI_BANDS: InterpretationBand[] = [
  { min: 0, max: 2, level: 'low', zh: '低危', en: 'low risk' },
  { min: 3, max: 4, level: 'intermediate', zh: '中危', en: 'intermediate risk' },
  { min: 5, max: 7, level: 'high', zh: '高危', en: 'high risk' },
];

export const TIMI: ScoreDefinition = {
  code: 'timi',
  nameZh: 'TIMI评分（UA/NSTEMI）',
  nameEn: 'TIMI risk score (UA/NSTEMI)',
  centers: ['chest-pain'],
  reference: 'Antman EM et al. JAMA 2000;284:835–42',
  form: timiForm,
  range: { min: 0, max: 7 },
  compute(items) {
    const r = readItems('timi', timiForm, items);
    const total = sumPoints(r);
    return {
      code: 'timi',
      total,
      display: String(total),
      interpretation: interpret('timi', TIMI_BANDS, total),
      itemPoints: pointsOf(r),
      details: { risk14DayPercent: TIMI_14_DAY_RISK_PERCENT[total] },
    };
  },
};

const killipForm: ScoreForm = {
  items: [
    {
      key: 'killip',
      label: { zh: 'Killip分级', en: 'Killip class' },
      kind: 'choice',
      options: KILLIP_OPTIONS,
    },
  ],
};

// Hospital mortality in the original series: Killip T, Kimball JT. Am J Cardiol 1967;20:457–64.
const KILLIP_BANDS: InterpretationBand[] = [
  {
    min: 1,
    max: 1,
    level: 'I',
    zh: 'Killip I级（原始队列死亡率约6%）',
    en: 'Killip I (original mortality ≈ 6 %)',
  },
  { min: 2, max: 2, level: 'II', zh: 'Killip II级（约17%）', en: 'Killip II (≈ 17 %)' },
  { min: 3, max: 3, level: 'III', zh: 'Killip III级（约38%）', en: 'Killip III (≈ 38 %)' },
  { min: 4, max: 4, level: 'IV', zh: 'Killip IV级（约81%）', en: 'Killip IV (≈ 81 %)' },
];

export const KILLIP: ScoreDefinition = {
  code: 'killip',
  nameZh: 'Killip分级',
  nameEn: 'Killip class',
  centers: ['chest-pain'],
  reference: 'Killip T, Kimball JT. Am J Cardiol 1967;20:457–64',
  form: killipForm,
  range: { min: 1, max: 4 },
  compute(items) {
    const r = readItems('killip', killipForm, items);
    const total = r.killip.points as number;
    return {
      code: 'killip',
      total,
      display: `Killip ${r.killip.value}`,
      interpretation: interpret('killip', KILLIP_BANDS, total),
      itemPoints: pointsOf(r),
    };
  },
};
