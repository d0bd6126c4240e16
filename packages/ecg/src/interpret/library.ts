/**
 * Every statement the engine can make, plus the common statements an ECG physician types, with zh-CN and
 * English text. The report editor offers this list; the engine only ever emits codes that are in it.
 */
import type { Statement } from '../types';

export interface LibraryEntry {
  textZh: string;
  textEn: string;
  category: Statement['category'];
  /** false for statements only a physician makes (the engine never emits them). */
  automatic?: boolean;
}

export const STATEMENT_LIBRARY = {
  // Overall
  NORMAL_ECG: { textZh: '正常心电图', textEn: 'Normal ECG', category: 'other' },
  BORDERLINE_ECG: { textZh: '大致正常心电图', textEn: 'Borderline ECG', category: 'other', automatic: false },
  ABNORMAL_ECG: { textZh: '异常心电图', textEn: 'Abnormal ECG', category: 'other' },
  POOR_QUALITY: {
    textZh: '部分导联干扰，分析受限',
    textEn: 'Poor signal quality in some leads',
    category: 'quality',
  },
  UNANALYSABLE: {
    textZh: '信号质量差，无法分析',
    textEn: 'Signal unsuitable for analysis',
    category: 'quality',
  },

  // Rhythm
  SR: { textZh: '窦性心律', textEn: 'Sinus rhythm', category: 'rhythm' },
  STACH: { textZh: '窦性心动过速', textEn: 'Sinus tachycardia', category: 'rhythm' },
  SBRAD: { textZh: '窦性心动过缓', textEn: 'Sinus bradycardia', category: 'rhythm' },
  SARRH: { textZh: '窦性心律不齐', textEn: 'Sinus arrhythmia', category: 'rhythm' },
  AFIB: { textZh: '心房颤动', textEn: 'Atrial fibrillation', category: 'rhythm' },
  AFLT: { textZh: '心房扑动', textEn: 'Atrial flutter', category: 'rhythm' },
  ATACH: { textZh: '房性心动过速', textEn: 'Atrial tachycardia', category: 'rhythm', automatic: false },
  SVT: { textZh: '室上性心动过速', textEn: 'Supraventricular tachycardia', category: 'rhythm' },
  JUNCTIONAL: { textZh: '交界性心律', textEn: 'Junctional rhythm', category: 'rhythm' },
  ESCAPE: { textZh: '逸搏心律', textEn: 'Escape rhythm', category: 'rhythm', automatic: false },
  PAC: { textZh: '房性早搏', textEn: 'Premature atrial contractions', category: 'rhythm' },
  PVC: { textZh: '室性早搏', textEn: 'Premature ventricular contractions', category: 'rhythm' },
  V_BIGEMINY: { textZh: '室性早搏二联律', textEn: 'Ventricular bigeminy', category: 'rhythm' },
  V_TRIGEMINY: { textZh: '室性早搏三联律', textEn: 'Ventricular trigeminy', category: 'rhythm' },
  A_BIGEMINY: { textZh: '房性早搏二联律', textEn: 'Atrial bigeminy', category: 'rhythm' },
  V_COUPLET: { textZh: '成对室性早搏', textEn: 'Ventricular couplet', category: 'rhythm' },
  SVT_RUN: {
    textZh: '短阵室上性心动过速',
    textEn: 'Run of supraventricular tachycardia',
    category: 'rhythm',
  },
  VT_RUN: { textZh: '短阵室性心动过速', textEn: 'Run of ventricular tachycardia', category: 'rhythm' },
  VT: { textZh: '室性心动过速', textEn: 'Ventricular tachycardia', category: 'rhythm' },
  POLY_VT: {
    textZh: '多形性室性心动过速/尖端扭转型室速',
    textEn: 'Polymorphic VT / torsades de pointes',
    category: 'rhythm',
    automatic: false,
  },
  VF: {
    textZh: '心室颤动/心室扑动',
    textEn: 'Ventricular fibrillation / flutter',
    category: 'rhythm',
    automatic: false,
  },
  PAUSE: { textZh: '长间歇', textEn: 'Pause', category: 'rhythm' },
  SINUS_ARREST: { textZh: '窦性停搏', textEn: 'Sinus arrest', category: 'rhythm', automatic: false },
  PACED: { textZh: '起搏心律', textEn: 'Paced rhythm', category: 'rhythm' },
  AVB1: { textZh: '一度房室传导阻滞', textEn: 'First-degree AV block', category: 'conduction' },
  AVB2_2TO1: {
    textZh: '二度房室传导阻滞（2:1传导）',
    textEn: 'Second-degree AV block with 2:1 conduction',
    category: 'conduction',
  },
  AVB2_I: {
    textZh: '二度I型房室传导阻滞',
    textEn: 'Second-degree AV block, Mobitz I (Wenckebach)',
    category: 'conduction',
  },
  AVB2_II: {
    textZh: '二度II型房室传导阻滞',
    textEn: 'Second-degree AV block, Mobitz II',
    category: 'conduction',
  },
  AVB_HIGH: {
    textZh: '高度房室传导阻滞',
    textEn: 'High-grade AV block',
    category: 'conduction',
  },
  AVB3: { textZh: '三度房室传导阻滞', textEn: 'Complete (third-degree) AV block', category: 'conduction' },
  AV_DISSOCIATION: {
    textZh: '房室分离',
    textEn: 'AV dissociation',
    category: 'conduction',
    automatic: false,
  },

  // Conduction
  RBBB: { textZh: '完全性右束支传导阻滞', textEn: 'Right bundle branch block', category: 'conduction' },
  IRBBB: {
    textZh: '不完全性右束支传导阻滞',
    textEn: 'Incomplete right bundle branch block',
    category: 'conduction',
  },
  LBBB: { textZh: '完全性左束支传导阻滞', textEn: 'Left bundle branch block', category: 'conduction' },
  ILBBB: {
    textZh: '不完全性左束支传导阻滞',
    textEn: 'Incomplete left bundle branch block',
    category: 'conduction',
    automatic: false,
  },
  IVCD: {
    textZh: '室内传导阻滞',
    textEn: 'Nonspecific intraventricular conduction delay',
    category: 'conduction',
  },
  LAFB: { textZh: '左前分支阻滞', textEn: 'Left anterior fascicular block', category: 'conduction' },
  LPFB: { textZh: '左后分支阻滞', textEn: 'Left posterior fascicular block', category: 'conduction' },
  WPW: { textZh: '心室预激', textEn: 'Ventricular pre-excitation (WPW pattern)', category: 'conduction' },
  SHORT_PR: { textZh: '短PR间期', textEn: 'Short PR interval', category: 'conduction' },

  // Axis
  LAD: { textZh: '电轴左偏', textEn: 'Left axis deviation', category: 'axis' },
  RAD: { textZh: '电轴右偏', textEn: 'Right axis deviation', category: 'axis' },
  EXTREME_AXIS: {
    textZh: '电轴极度偏移（无人区电轴）',
    textEn: 'Extreme (northwest) axis',
    category: 'axis',
  },
  CW_ROTATION: { textZh: '顺钟向转位', textEn: 'Clockwise rotation', category: 'axis', automatic: false },
  CCW_ROTATION: {
    textZh: '逆钟向转位',
    textEn: 'Counterclockwise rotation',
    category: 'axis',
    automatic: false,
  },

  // Chambers and voltage
  LVH_VOLTAGE: { textZh: '左心室高电压', textEn: 'Left ventricular high voltage', category: 'hypertrophy' },
  LVH: { textZh: '左心室肥厚', textEn: 'Left ventricular hypertrophy', category: 'hypertrophy' },
  LVH_STRAIN: {
    textZh: '左心室肥厚伴劳损',
    textEn: 'LVH with repolarisation abnormality',
    category: 'hypertrophy',
  },
  RVH: {
    textZh: '右心室肥厚',
    textEn: 'Right ventricular hypertrophy',
    category: 'hypertrophy',
    automatic: false,
  },
  LAE: {
    textZh: '左心房异常（二尖瓣型P波）',
    textEn: 'Left atrial abnormality',
    category: 'hypertrophy',
    automatic: false,
  },
  RAE: {
    textZh: '右心房异常（肺型P波）',
    textEn: 'Right atrial abnormality',
    category: 'hypertrophy',
    automatic: false,
  },
  LOW_VOLTAGE: { textZh: '低电压', textEn: 'Low QRS voltage', category: 'voltage' },
  LOW_VOLTAGE_LIMB: {
    textZh: '肢体导联低电压',
    textEn: 'Low QRS voltage in limb leads',
    category: 'voltage',
  },

  // QT
  LONG_QT: { textZh: 'QT间期延长', textEn: 'Prolonged QT interval', category: 'qt' },
  SHORT_QT: { textZh: 'QT间期缩短', textEn: 'Short QT interval', category: 'qt' },

  // ST-T and ischaemia
  STEMI_INFERIOR: {
    textZh: '下壁ST段抬高，符合急性下壁心肌梗死',
    textEn: 'Inferior ST elevation, consistent with acute inferior STEMI',
    category: 'ischemia',
  },
  STEMI_LATERAL: {
    textZh: '侧壁ST段抬高，符合急性侧壁心肌梗死',
    textEn: 'Lateral ST elevation, consistent with acute lateral STEMI',
    category: 'ischemia',
  },
  STEMI_ANTERIOR: {
    textZh: '前壁/前间壁ST段抬高，符合急性前壁心肌梗死',
    textEn: 'Anterior/septal ST elevation, consistent with acute anterior STEMI',
    category: 'ischemia',
  },
  STEMI_POSTERIOR: {
    textZh: 'V1–V3 ST段压低，需考虑急性后壁心肌梗死（建议加做V7–V9）',
    textEn: 'ST depression V1–V3, consider acute posterior MI (record V7–V9)',
    category: 'ischemia',
  },
  STEMI_RV: {
    textZh: '右胸导联ST段抬高，符合右心室心肌梗死',
    textEn: 'Right precordial ST elevation, consistent with right ventricular MI',
    category: 'ischemia',
  },
  STEMI_SGARBOSSA: {
    textZh: '束支阻滞/起搏心律伴Sgarbossa标准阳性，需考虑急性心肌梗死',
    textEn: 'LBBB/paced rhythm with positive Sgarbossa criteria, consider acute MI',
    category: 'ischemia',
  },
  ST_ELEVATION: { textZh: 'ST段抬高', textEn: 'ST elevation', category: 'st-t' },
  ST_DEPRESSION: { textZh: 'ST段压低', textEn: 'ST depression', category: 'st-t' },
  T_ABNORMAL: {
    textZh: 'T波异常（低平/倒置）',
    textEn: 'T-wave abnormality (flat/inverted)',
    category: 'st-t',
  },
  ST_T_CHANGE: { textZh: 'ST-T改变', textEn: 'ST-T changes', category: 'st-t', automatic: false },
  ISCHEMIA: { textZh: '心肌缺血', textEn: 'Myocardial ischaemia', category: 'ischemia', automatic: false },
  OLD_MI: {
    textZh: '陈旧性心肌梗死',
    textEn: 'Old myocardial infarction',
    category: 'ischemia',
    automatic: false,
  },
  PATHOLOGICAL_Q: {
    textZh: '异常Q波',
    textEn: 'Pathological Q waves',
    category: 'ischemia',
    automatic: false,
  },
  EARLY_REPOL: { textZh: '早期复极', textEn: 'Early repolarisation', category: 'st-t', automatic: false },
  PERICARDITIS: { textZh: '急性心包炎可能', textEn: 'Consider acute pericarditis', category: 'st-t' },
  LIMB_LEAD_REVERSAL: {
    textZh: '肢体导联（左右手）可能接反，请核对电极',
    textEn: 'Consider limb lead reversal (left/right arm) or dextrocardia',
    category: 'quality',
  },
  DEXTROCARDIA: { textZh: '右位心', textEn: 'Dextrocardia', category: 'other', automatic: false },
  ELECTRODE_OFF: { textZh: '电极脱落', textEn: 'Electrode detached', category: 'quality', automatic: false },
  ARTIFACT: { textZh: '基线干扰/伪差', textEn: 'Artefact', category: 'quality', automatic: false },
  SINUS_BRADY_ARRH: {
    textZh: '窦性心动过缓伴不齐',
    textEn: 'Sinus bradycardia with sinus arrhythmia',
    category: 'rhythm',
    automatic: false,
  },
  JPC: {
    textZh: '交界性早搏',
    textEn: 'Premature junctional contractions',
    category: 'rhythm',
    automatic: false,
  },
  MULTIFOCAL_PVC: {
    textZh: '多源性室性早搏',
    textEn: 'Multifocal PVCs',
    category: 'rhythm',
    automatic: false,
  },
  INTERPOLATED_PVC: {
    textZh: '插入性室性早搏',
    textEn: 'Interpolated PVC',
    category: 'rhythm',
    automatic: false,
  },
  A_ESCAPE: { textZh: '房性逸搏', textEn: 'Atrial escape beat', category: 'rhythm', automatic: false },
  J_ESCAPE: { textZh: '交界性逸搏', textEn: 'Junctional escape beat', category: 'rhythm', automatic: false },
  V_ESCAPE: { textZh: '室性逸搏', textEn: 'Ventricular escape beat', category: 'rhythm', automatic: false },
  ABERRANCY: {
    textZh: '室内差异性传导',
    textEn: 'Aberrant ventricular conduction',
    category: 'conduction',
    automatic: false,
  },
  PACED_ECG: { textZh: '起搏心电图', textEn: 'Pacemaker ECG', category: 'rhythm', automatic: false },
  PACEMAKER_MALFUNCTION: {
    textZh: '起搏器功能异常（感知/夺获不良）',
    textEn: 'Pacemaker malfunction (sensing/capture)',
    category: 'rhythm',
    automatic: false,
  },
  BRUGADA: {
    textZh: 'Brugada样心电图改变',
    textEn: 'Brugada-type ECG pattern',
    category: 'st-t',
    automatic: false,
  },
  T_CHANGE: { textZh: 'T波改变', textEn: 'T-wave changes', category: 'st-t', automatic: false },
  ST_CHANGE: { textZh: 'ST段改变', textEn: 'ST-segment changes', category: 'st-t', automatic: false },
  PROMINENT_U: { textZh: 'U波明显', textEn: 'Prominent U waves', category: 'st-t', automatic: false },
  HYPERKALEMIA: {
    textZh: '高钾血症心电图改变可能',
    textEn: 'Consider hyperkalaemia',
    category: 'other',
    automatic: false,
  },
  HYPOKALEMIA: {
    textZh: '低钾血症心电图改变可能',
    textEn: 'Consider hypokalaemia',
    category: 'other',
    automatic: false,
  },
  DIGITALIS: { textZh: '洋地黄效应', textEn: 'Digitalis effect', category: 'other', automatic: false },
  ACUTE_MI: {
    textZh: '急性心肌梗死',
    textEn: 'Acute myocardial infarction',
    category: 'ischemia',
    automatic: false,
  },
  ANTEROSEPTAL_MI: {
    textZh: '前间壁心肌梗死',
    textEn: 'Anteroseptal myocardial infarction',
    category: 'ischemia',
    automatic: false,
  },
  EXTENSIVE_ANTERIOR_MI: {
    textZh: '广泛前壁心肌梗死',
    textEn: 'Extensive anterior myocardial infarction',
    category: 'ischemia',
    automatic: false,
  },
  HIGH_LATERAL_MI: {
    textZh: '高侧壁心肌梗死',
    textEn: 'High lateral myocardial infarction',
    category: 'ischemia',
    automatic: false,
  },
  CHEST_LOW_VOLTAGE: {
    textZh: '胸导联低电压',
    textEn: 'Low QRS voltage in chest leads',
    category: 'voltage',
    automatic: false,
  },
  COMPARE_PREVIOUS: {
    textZh: '与前次心电图比较无明显变化',
    textEn: 'No significant change from the previous ECG',
    category: 'other',
    automatic: false,
  },
  POOR_R_PROGRESSION: {
    textZh: '胸导联R波递增不良',
    textEn: 'Poor R-wave progression',
    category: 'other',
    automatic: false,
  },
} as const satisfies Record<string, LibraryEntry>;

export type StatementCode = keyof typeof STATEMENT_LIBRARY;

/** Builds a Statement from a library code; text and category always come from the library. */
export function statement(
  code: StatementCode,
  certainty: Statement['certainty'],
  evidence: Statement['evidence'] = {},
): Statement {
  const entry: LibraryEntry = STATEMENT_LIBRARY[code];
  return { code, textZh: entry.textZh, textEn: entry.textEn, category: entry.category, certainty, evidence };
}
