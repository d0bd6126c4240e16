/**
 * Default critical ECG values (危急值), after the 2017 Chinese expert consensus on critical ECG values and
 * provincial lists (e.g. Zhejiang). Each rule is data: a site switches rules off or changes thresholds in its
 * configuration; `evaluateCriticalRules` only interprets the ids below.
 */

export interface CriticalRule {
  /** Stable id; selects the check that is run. */
  id: string;
  enabled: boolean;
  /** Numeric limits of the rule (units in the key: bpm, ms, Sec …; flags are 1/0). */
  thresholds: Record<string, number>;
  textZh: string;
  textEn: string;
}

export const DEFAULT_CRITICAL_RULES: readonly CriticalRule[] = [
  {
    id: 'acs-stemi',
    enabled: true,
    // 'consider' STEMI statements alert too (better a checked false alarm), except a posterior pattern that
    // rests on V1–V3 depression alone.
    thresholds: { includeConsider: 1, includePosteriorConsider: 0 },
    textZh: '疑似急性冠脉综合征：ST段抬高型心肌梗死图形',
    textEn: 'Suspected acute coronary syndrome: STEMI pattern',
  },
  {
    id: 'vf',
    enabled: true,
    thresholds: {},
    textZh: '心室扑动/心室颤动',
    textEn: 'Ventricular flutter / fibrillation',
  },
  {
    id: 'vt',
    enabled: true,
    // A VT that fills the whole resting recording is treated as sustained although 10 s < 30 s.
    thresholds: { rateBpm: 150, durationSec: 30, wholeRecordCounts: 1 },
    textZh: '室性心动过速（心室率≥150次/分，持续≥30秒）',
    textEn: 'Ventricular tachycardia ≥ 150/min lasting ≥ 30 s',
  },
  {
    id: 'polymorphic-vt',
    enabled: true,
    thresholds: {},
    textZh: '尖端扭转型室速/多形性室性心动过速',
    textEn: 'Torsades de pointes / polymorphic VT',
  },
  {
    id: 'svt',
    enabled: true,
    // Consensus text says ≥ 200/min; several provincial lists use 230/min. Sites choose.
    thresholds: { rateBpm: 230 },
    textZh: '室上性心动过速（心室率≥230次/分）',
    textEn: 'Supraventricular tachycardia ≥ 230/min',
  },
  {
    id: 'af-rapid',
    enabled: true,
    thresholds: { rateBpm: 180 },
    textZh: '心房颤动/心房扑动伴快速心室率（≥180次/分）',
    textEn: 'Atrial fibrillation/flutter with ventricular rate ≥ 180/min',
  },
  {
    id: 'preexcited-af',
    enabled: true,
    thresholds: { shortestRrMs: 250 },
    textZh: '心室预激伴心房颤动，最短RR间期≤250毫秒',
    textEn: 'Pre-excited atrial fibrillation with shortest RR ≤ 250 ms',
  },
  {
    id: 'severe-bradycardia',
    enabled: true,
    thresholds: { rateBpm: 35 },
    textZh: '严重心动过缓（平均心室率<35次/分）',
    textEn: 'Severe bradycardia: mean ventricular rate < 35/min',
  },
  {
    id: 'av-block',
    enabled: true,
    thresholds: {},
    textZh: '三度或高度房室传导阻滞',
    textEn: 'Complete or high-grade AV block',
  },
  {
    id: 'pause',
    enabled: true,
    // Long-term recordings with AF use the longer limit (AF pauses of 3–5 s are common and benign in Holter).
    thresholds: { pauseSec: 3.0, afPauseSec: 5.0, longTermRecordingSec: 3600 },
    textZh: '长间歇（RR间期≥3.0秒）',
    textEn: 'Pause ≥ 3.0 s',
  },
  {
    id: 'qtc-prolonged',
    enabled: true,
    // With a QRS ≥ 120 ms the QT holds a longer depolarisation; the excess over 100 ms is taken off first
    // (a JT-based adjustment) so that bundle-branch block alone does not raise the alarm. 0 switches it off.
    thresholds: { qtcMs: 550, wideQrsMs: 120, adjustWideQrs: 1 },
    textZh: 'QTc间期显著延长（≥550毫秒）',
    textEn: 'QTc ≥ 550 ms',
  },
  {
    id: 'long-qt-r-on-t',
    enabled: true,
    // A premature beat whose coupling interval is shorter than the QT lands on the T wave.
    thresholds: { couplingToQtRatio: 1.0 },
    textZh: 'QT间期延长伴R on T室性早搏',
    textEn: 'Long QT with R-on-T premature beats',
  },
];
