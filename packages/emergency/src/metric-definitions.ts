// Time metrics of the three centers as data (domain.md §3 table). Each interval metric keeps its definition as
// start node → end node; the targets are defaults a site overrides in configuration (see metrics.ts).
// Sources: 中国胸痛中心认证标准（第六版）for the chest pain targets (FMC-to-ECG ≤10 min, D2W ≤90 min in ≥75 %,
// bypass ≥30 %); 2017 ESC STEMI guideline (FMC-to-device ≤90/≤120 min, DIDO ≤30 min, DTN ≤30 min);
// AHA/ASA 2019 acute ischaemic stroke guideline (door-to-imaging ≤25 min, DNT ≤60 min aim ≤45, DPT ≤90 min);
// ACS Committee on Trauma, Resources for Optimal Care of the Injured Patient (team at bedside ≤15 min).
import type { CaseCondition, Center } from './types';

interface MetricBase {
  code: string;
  nameZh: string;
  nameEn: string;
  center: Center;
  /** Which cases count; absent means every case of the center. */
  appliesWhen?: CaseCondition;
  source: string;
}

export interface IntervalMetric extends MetricBase {
  kind: 'interval';
  start: string;
  end: string;
  /** null: no default, the site defines it (the metric is still reported). */
  targetMinutes: number | null;
  /** Stretch goal shown next to the target (e.g. D2W aim ≤ 60). */
  aimMinutes?: number;
  /** Share of cases that must be within target for the period to comply (0–1). */
  targetShare?: number;
  /** The period mean must also be within target (CN CPC reads FMC-to-ECG as a monthly mean). */
  meanWithinTarget?: boolean;
  /** Case-specific targets, first match wins (e.g. FMC-to-device ≤120 min for transfers). */
  targetWhen?: { when: CaseCondition; minutes: number }[];
  /** A negative interval means "already done" (e.g. trauma team waiting for a pre-alerted patient). */
  negativeMeansZero?: boolean;
}

export interface ProportionMetric extends MetricBase {
  kind: 'proportion';
  /** Cases in the denominator. */
  eligibleWhen: CaseCondition;
  /** Eligible cases that count in the numerator. */
  numeratorWhen: CaseCondition;
  /** Minimum proportion (0–1) for compliance. */
  targetProportion: number;
}

export type MetricDefinition = IntervalMetric | ProportionMetric;

const STEMI_PPCI: CaseCondition = { all: [{ diagnosis: ['STEMI'] }, { treatment: ['primary-pci'] }] };
const CPC = '中国胸痛中心认证标准（第六版）';
const ESC_STEMI = '2017 ESC STEMI guideline';
const AHA_STROKE = 'AHA/ASA 2019 acute ischaemic stroke guideline';

export const METRICS: readonly MetricDefinition[] = [
  {
    kind: 'interval',
    code: 'cp-fmc-to-ecg',
    nameZh: '首次医疗接触至首份心电图时间',
    nameEn: 'FMC-to-ECG',
    center: 'chest-pain',
    start: 'first-medical-contact',
    end: 'first-ecg',
    targetMinutes: 10,
    targetShare: 0.75,
    meanWithinTarget: true,
    source: CPC,
  },
  {
    kind: 'interval',
    code: 'cp-ecg-to-diagnosis',
    nameZh: '首份心电图至确诊时间',
    nameEn: 'ECG-to-diagnosis',
    center: 'chest-pain',
    start: 'first-ecg',
    end: 'stemi-diagnosis',
    targetMinutes: 10,
    appliesWhen: { diagnosis: ['STEMI'] },
    source: CPC,
  },
  {
    kind: 'interval',
    code: 'cp-troponin-turnaround',
    nameZh: '肌钙蛋白抽血至报告时间',
    nameEn: 'Troponin turnaround',
    center: 'chest-pain',
    start: 'troponin-drawn',
    end: 'troponin-reported',
    targetMinutes: 20,
    appliesWhen: { hasNode: 'troponin-drawn' },
    source: CPC,
  },
  {
    kind: 'interval',
    code: 'cp-door-to-wire',
    nameZh: '进门至导丝通过时间（D2W）',
    nameEn: 'Door-to-wire (D2W)',
    center: 'chest-pain',
    start: 'door',
    end: 'wire-crossing',
    targetMinutes: 90,
    aimMinutes: 60,
    targetShare: 0.75,
    appliesWhen: STEMI_PPCI,
    source: CPC,
  },
  {
    kind: 'interval',
    code: 'cp-cathlab-activation',
    nameZh: '导管室启动至激活时间',
    nameEn: 'Cath lab activation',
    center: 'chest-pain',
    start: 'cathlab-called',
    end: 'cathlab-ready',
    targetMinutes: 30,
    appliesWhen: { treatment: ['primary-pci'] },
    source: CPC,
  },
  {
    kind: 'interval',
    code: 'cp-door-to-needle',
    nameZh: '进门至溶栓时间（DTN）',
    nameEn: 'Door-to-needle, chest pain (DTN)',
    center: 'chest-pain',
    start: 'door',
    end: 'thrombolysis-start',
    targetMinutes: 30,
    appliesWhen: { treatment: ['thrombolysis'] },
    source: `${CPC}; ${ESC_STEMI}`,
  },
  {
    kind: 'interval',
    code: 'cp-door-in-door-out',
    nameZh: '转出医院入门至出门时间（DIDO）',
    nameEn: 'Door-in-door-out (DIDO)',
    center: 'chest-pain',
    start: 'referral-door-in',
    end: 'referral-door-out',
    targetMinutes: 30,
    appliesWhen: { arrivalMode: ['transfer'] },
    source: `${CPC}; ${ESC_STEMI}`,
  },
  {
    kind: 'interval',
    code: 'cp-fmc-to-device',
    nameZh: '首次医疗接触至导丝通过时间',
    nameEn: 'FMC-to-device',
    center: 'chest-pain',
    start: 'first-medical-contact',
    end: 'wire-crossing',
    targetMinutes: 90,
    targetWhen: [{ when: { arrivalMode: ['transfer'] }, minutes: 120 }],
    appliesWhen: STEMI_PPCI,
    source: ESC_STEMI,
  },
  {
    kind: 'proportion',
    code: 'cp-bypass-rate',
    nameZh: '绕行急诊直达导管室比例',
    nameEn: 'Cath lab bypass rate',
    center: 'chest-pain',
    eligibleWhen: { all: [STEMI_PPCI, { arrivalMode: ['ambulance', 'transfer'] }] },
    numeratorWhen: { bypassedEd: true },
    targetProportion: 0.3,
    source: `${CPC} (some sites ≥ 50 %)`,
  },
  {
    kind: 'interval',
    code: 'st-door-to-imaging',
    nameZh: '进门至首次影像时间',
    nameEn: 'Stroke door-to-imaging',
    center: 'stroke',
    start: 'door',
    end: 'first-imaging',
    targetMinutes: 25,
    source: `${AHA_STROKE} (≤25 min; Chinese stroke centers commonly ≤30 min)`,
  },
  {
    kind: 'interval',
    code: 'st-door-to-needle',
    nameZh: '进门至溶栓时间（DNT）',
    nameEn: 'Stroke door-to-needle (DNT)',
    center: 'stroke',
    start: 'door',
    end: 'ivt-bolus',
    targetMinutes: 60,
    aimMinutes: 45,
    appliesWhen: { treatment: ['ivt'] },
    source: AHA_STROKE,
  },
  {
    kind: 'interval',
    code: 'st-door-to-puncture',
    nameZh: '进门至股动脉穿刺时间（DPT）',
    nameEn: 'Stroke door-to-puncture (DPT)',
    center: 'stroke',
    start: 'door',
    end: 'groin-puncture',
    targetMinutes: 90,
    appliesWhen: { treatment: ['evt'] },
    source: AHA_STROKE,
  },
  {
    kind: 'interval',
    code: 'tr-team-response',
    nameZh: '创伤团队响应时间',
    nameEn: 'Trauma team response',
    center: 'trauma',
    start: 'door',
    end: 'trauma-team-arrived',
    targetMinutes: 15,
    negativeMeansZero: true,
    source: 'ACS COT, Resources for Optimal Care of the Injured Patient',
  },
  {
    kind: 'interval',
    code: 'tr-door-to-ct',
    nameZh: '进门至CT时间',
    nameEn: 'Trauma door-to-CT',
    center: 'trauma',
    start: 'door',
    end: 'ct',
    targetMinutes: null,
    appliesWhen: { hasNode: 'ct' },
    source: 'site-defined',
  },
  {
    kind: 'interval',
    code: 'tr-door-to-or',
    nameZh: '进门至手术室时间',
    nameEn: 'Trauma door-to-OR',
    center: 'trauma',
    start: 'door',
    end: 'operating-room',
    targetMinutes: null,
    appliesWhen: { treatment: ['surgery'] },
    source: 'site-defined',
  },
];
