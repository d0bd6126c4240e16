// Trauma (and neurological) scores computed from the items: GCS, Revised Trauma Score, Injury Severity Score.
import {
  type InterpretationBand,
  interpret,
  ordinal,
  pointsOf,
  readItems,
  type ScoreDefinition,
  type ScoreForm,
} from './common';

const gcsForm: ScoreForm = {
  items: [
    {
      key: 'eyes',
      label: { zh: '睁眼反应 E', en: 'Eye opening (E)' },
      kind: 'choice',
      options: [
        { value: 1, label: { zh: '不睁眼', en: 'none' }, points: 1 },
        { value: 2, label: { zh: '刺痛睁眼', en: 'to pain' }, points: 2 },
        { value: 3, label: { zh: '呼唤睁眼', en: 'to speech' }, points: 3 },
        { value: 4, label: { zh: '自动睁眼', en: 'spontaneous' }, points: 4 },
      ],
    },
    {
      key: 'verbal',
      label: { zh: '语言反应 V', en: 'Verbal response (V)' },
      kind: 'choice',
      options: [
        { value: 1, label: { zh: '无发声', en: 'none' }, points: 1 },
        { value: 2, label: { zh: '只能发声', en: 'incomprehensible sounds' }, points: 2 },
        { value: 3, label: { zh: '言语错乱', en: 'inappropriate words' }, points: 3 },
        { value: 4, label: { zh: '回答错误', en: 'confused' }, points: 4 },
        { value: 5, label: { zh: '回答正确', en: 'oriented' }, points: 5 },
        // Intubated: verbal cannot be tested; shown as "T" and not added (Teasdale & Jennett convention).
        { value: 'T', label: { zh: 'T 气管插管', en: 'T: intubated' }, points: 0 },
      ],
    },
    {
      key: 'motor',
      label: { zh: '运动反应 M', en: 'Motor response (M)' },
      kind: 'choice',
      options: [
        { value: 1, label: { zh: '无运动', en: 'none' }, points: 1 },
        { value: 2, label: { zh: '异常伸直（去大脑）', en: 'extension' }, points: 2 },
        { value: 3, label: { zh: '异常屈曲（去皮层）', en: 'abnormal flexion' }, points: 3 },
        { value: 4, label: { zh: '刺痛回缩', en: 'withdraws from pain' }, points: 4 },
        { value: 5, label: { zh: '刺痛定位', en: 'localises pain' }, points: 5 },
        { value: 6, label: { zh: '遵嘱动作', en: 'obeys commands' }, points: 6 },
      ],
    },
  ],
};

const GCS_BANDS: InterpretationBand[] = [
  { min: 3, max: 8, level: 'severe', zh: '重度意识障碍（3–8）', en: 'severe (3–8)' },
  { min: 9, max: 12, level: 'moderate', zh: '中度意识障碍（9–12）', en: 'moderate (9–12)' },
  { min: 13, max: 15, level: 'mild', zh: '轻度或正常（13–15）', en: 'mild or normal (13–15)' },
];

export const GCS: ScoreDefinition = {
  code: 'gcs',
  nameZh: '格拉斯哥昏迷评分',
  nameEn: 'Glasgow Coma Scale',
  centers: ['trauma', 'stroke'],
  reference: 'Teasdale G, Jennett B. Lancet 1974;2:81–4',
  form: gcsForm,
  range: { min: 2, max: 15 },
  compute(items) {
    const r = readItems('gcs', gcsForm, items);
    const intubated = r.verbal.value === 'T';
    const total = (r.eyes.points ?? 0) + (r.verbal.points ?? 0) + (r.motor.points ?? 0);
    const components = `E${r.eyes.value}V${r.verbal.value}M${r.motor.value}`;
    return {
      code: 'gcs',
      total,
      display: intubated ? `${total}T` : String(total),
      interpretation: intubated
        ? {
            level: 'intubated',
            zh: `气管插管，语言不可评（E+M=${total}）`,
            en: `intubated, verbal not testable (E+M = ${total})`,
          }
        : interpret('gcs', GCS_BANDS, total),
      itemPoints: { ...pointsOf(r), verbal: intubated ? null : r.verbal.points },
      untestable: intubated ? ['verbal'] : [],
      details: { components, intubated },
    };
  },
};

// Revised Trauma Score: Champion HR et al. J Trauma 1989;29:623–9. Coded values 0–4 per variable.
export function rtsCodedGcs(gcs: number): number {
  if (gcs >= 13) return 4;
  if (gcs >= 9) return 3;
  if (gcs >= 6) return 2;
  if (gcs >= 4) return 1;
  return 0;
}
export function rtsCodedSystolicBp(sbp: number): number {
  if (sbp > 89) return 4;
  if (sbp >= 76) return 3;
  if (sbp >= 50) return 2;
  if (sbp >= 1) return 1;
  return 0;
}
export function rtsCodedRespiratoryRate(rr: number): number {
  if (rr > 29) return 3;
  if (rr >= 10) return 4;
  if (rr >= 6) return 2;
  if (rr >= 1) return 1;
  return 0;
}
export const RTS_WEIGHTS = { gcs: 0.9368, systolicBp: 0.7326, respiratoryRate: 0.2908 } as const;

const rtsForm: ScoreForm = {
  items: [
    {
      key: 'gcs',
      label: { zh: 'GCS', en: 'GCS' },
      kind: 'number',
      unit: 'points',
      min: 3,
      max: 15,
      integer: true,
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
      key: 'respiratoryRate',
      label: { zh: '呼吸频率', en: 'Respiratory rate' },
      kind: 'number',
      unit: '/min',
      min: 0,
      max: 99,
    },
  ],
};

export const RTS: ScoreDefinition = {
  code: 'rts',
  nameZh: '修正创伤评分',
  nameEn: 'Revised Trauma Score',
  centers: ['trauma'],
  reference: 'Champion HR et al. J Trauma 1989;29:623–9',
  form: rtsForm,
  range: { min: 0, max: 7.8408 },
  compute(items) {
    const r = readItems('rts', rtsForm, items);
    const gcsCoded = rtsCodedGcs(r.gcs.value as number);
    const sbpCoded = rtsCodedSystolicBp(r.systolicBp.value as number);
    const rrCoded = rtsCodedRespiratoryRate(r.respiratoryRate.value as number);
    const weighted =
      RTS_WEIGHTS.gcs * gcsCoded + RTS_WEIGHTS.systolicBp * sbpCoded + RTS_WEIGHTS.respiratoryRate * rrCoded;
    const total = Math.round(weighted * 10_000) / 10_000;
    const triage = gcsCoded + sbpCoded + rrCoded;
    return {
      code: 'rts',
      total,
      display: total.toFixed(4),
      // Champion 1989: a triage RTS below 12 identifies patients who should go to a trauma center.
      interpretation:
        triage < 12
          ? {
              level: 'trauma-center',
              zh: `分诊RTS ${triage}<12，建议送创伤中心`,
              en: `triage RTS ${triage} < 12: trauma center`,
            }
          : { level: 'normal', zh: '分诊RTS 12，生理指标正常', en: 'triage RTS 12: physiology normal' },
      itemPoints: { gcs: gcsCoded, systolicBp: sbpCoded, respiratoryRate: rrCoded },
      details: { gcsCoded, sbpCoded, rrCoded, triageRts: triage, weightedRts: total },
    };
  },
};

export const ISS_REGIONS: [string, string, string][] = [
  ['headNeck', '头颈部', 'Head or neck'],
  ['face', '面部', 'Face'],
  ['chest', '胸部', 'Chest'],
  ['abdomen', '腹部及盆腔脏器', 'Abdomen or pelvic contents'],
  ['extremities', '四肢及骨盆', 'Extremities or pelvic girdle'],
  ['external', '体表', 'External'],
];

const AIS_LABELS: [string, string][] = [
  ['无损伤', 'no injury'],
  ['轻度', 'minor'],
  ['中度', 'moderate'],
  ['重度', 'serious'],
  ['严重', 'severe'],
  ['危重', 'critical'],
  ['极重（目前不可救治）', 'maximal (currently untreatable)'],
];

const issForm: ScoreForm = {
  items: ISS_REGIONS.map(([key, zh, en]) => ({
    key,
    label: { zh: `${zh}最高AIS`, en: `${en}: highest AIS` },
    kind: 'choice' as const,
    options: ordinal(AIS_LABELS),
  })),
};

const ISS_BANDS: InterpretationBand[] = [
  { min: 0, max: 8, level: 'minor', zh: '轻伤', en: 'minor' },
  { min: 9, max: 15, level: 'moderate', zh: '中度伤', en: 'moderate' },
  { min: 16, max: 24, level: 'severe', zh: '严重创伤（ISS>15）', en: 'major trauma (ISS > 15)' },
  { min: 25, max: 75, level: 'critical', zh: '危重创伤（ISS≥25）', en: 'critical major trauma (ISS ≥ 25)' },
];

export const ISS: ScoreDefinition = {
  code: 'iss',
  nameZh: '损伤严重度评分',
  nameEn: 'Injury Severity Score',
  centers: ['trauma'],
  reference: 'Baker SP et al. J Trauma 1974;14:187–96',
  form: issForm,
  range: { min: 0, max: 75 },
  compute(items) {
    const r = readItems('iss', issForm, items);
    const ais = ISS_REGIONS.map(([key]) => r[key].points as number);
    // Any AIS 6 (unsurvivable) sets ISS to 75 by definition.
    const total = ais.includes(6)
      ? 75
      : [...ais]
          .sort((a, b) => b - a)
          .slice(0, 3)
          .reduce((s, a) => s + a * a, 0);
    return {
      code: 'iss',
      total,
      display: String(total),
      interpretation: interpret('iss', ISS_BANDS, total),
      itemPoints: pointsOf(r),
      details: { majorTrauma: total > 15 },
    };
  },
};
