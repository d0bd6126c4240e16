// The record a case becomes when it is uploaded to a national registry: a mapping from our case to the
// registry's field set, written as data (target field, where its value comes from, the registry's code for each of
// our values, whether the registry requires it). The official data dictionaries of 中国胸痛中心数据填报平台, the
// 脑防委 stroke platform and the trauma data platform are not public here: the target names and codes below are
// our own, to be replaced by the site's copy of the dictionary (a RegistryMapping is plain JSON).
import { instantRange, matchesCondition } from './conditions';
import { validateForRegistry } from './registry';
import type { CaseCondition, Center, PathwayCase, RecordedNode } from './types';

export type RegistryValueSource =
  /** A case attribute: arrivalMode, diagnosis, bypassedEd, treatments, patient.sex, patient.age, fields.<name>. */
  | { field: string }
  /** The first recorded time of a node, as local time in the organisation's zone ("YYYY-MM-DD HH:mm"). */
  | { time: string; windowEdge?: 'from' | 'to' }
  /** Whether a treatment was given (true/false). */
  | { treatment: string }
  /** The delay reasons as one text (registry "delay reason" free text). */
  | { delayReasons: true };

export interface RegistryFieldMap {
  /** The registry's field name. */
  target: string;
  /** Chinese label, shown when the field is missing. */
  labelZh: string;
  from: RegistryValueSource;
  required?: boolean | CaseCondition;
  /** Our value → the registry's code; a value not listed is a problem (named, with the allowed values). */
  codes?: Readonly<Record<string, string | number>>;
}

export interface RegistryMapping {
  registry: string;
  center: Center;
  version: string;
  fields: RegistryFieldMap[];
}

const ARRIVAL_CODES = { ambulance: '1', transfer: '2', 'walk-in': '3', 'in-hospital': '4' } as const;
const SEX_CODES = { male: '1', female: '2', M: '1', F: '2' } as const;
const OUTCOME_CODES = { discharged: '1', transferred: '2', died: '3', other: '9' } as const;
const PCI: CaseCondition = { treatment: ['primary-pci'] };
const LYSIS: CaseCondition = { treatment: ['thrombolysis', 'prehospital-thrombolysis'] };
const TRANSFER: CaseCondition = { arrivalMode: ['transfer'] };
const AMBULANCE: CaseCondition = { arrivalMode: ['ambulance'] };
const DIED: CaseCondition = { field: 'outcome', in: ['died'] };
const LEFT: CaseCondition = { field: 'outcome', in: ['discharged', 'transferred'] };

const common = (outcomeRequired: boolean): RegistryFieldMap[] => [
  {
    target: 'arrivalMode',
    labelZh: '来院方式',
    from: { field: 'arrivalMode' },
    required: true,
    codes: ARRIVAL_CODES,
  },
  { target: 'sex', labelZh: '性别', from: { field: 'patient.sex' }, required: true, codes: SEX_CODES },
  { target: 'age', labelZh: '年龄', from: { field: 'patient.age' }, required: true },
  {
    target: 'outcome',
    labelZh: '转归',
    from: { field: 'fields.outcome' },
    required: outcomeRequired,
    codes: OUTCOME_CODES,
  },
  { target: 'dischargeTime', labelZh: '出院时间', from: { time: 'discharge' }, required: LEFT },
  { target: 'deathTime', labelZh: '死亡时间', from: { time: 'death' }, required: DIED },
  { target: 'delayReason', labelZh: '延误原因', from: { delayReasons: true } },
];

export const CHEST_PAIN_MAPPING: RegistryMapping = {
  registry: 'cn-chest-pain-center',
  center: 'chest-pain',
  version: '2026.1',
  fields: [
    ...common(true),
    {
      target: 'diagnosis',
      labelZh: '出院诊断',
      from: { field: 'diagnosis' },
      required: true,
      codes: {
        STEMI: '1',
        NSTEMI: '2',
        UA: '3',
        'aortic-dissection': '4',
        'pulmonary-embolism': '5',
        'non-acs-cardiac': '6',
        'non-cardiac': '7',
        undetermined: '9',
      },
    },
    { target: 'onsetTime', labelZh: '发病时间', from: { time: 'onset' }, required: true },
    { target: 'onsetTimeTo', labelZh: '发病时间（区间止）', from: { time: 'onset', windowEdge: 'to' } },
    { target: 'callTime', labelZh: '呼救时间', from: { time: 'call-for-help' }, required: AMBULANCE },
    {
      target: 'fmcTime',
      labelZh: '首次医疗接触时间',
      from: { time: 'first-medical-contact' },
      required: true,
    },
    { target: 'firstEcgTime', labelZh: '首份心电图时间', from: { time: 'first-ecg' }, required: true },
    {
      target: 'ecgDiagnosisTime',
      labelZh: '首份心电图诊断时间',
      from: { time: 'ecg-diagnosis' },
      required: true,
    },
    {
      target: 'referralDoorInTime',
      labelZh: '到达转出医院时间',
      from: { time: 'referral-door-in' },
      required: TRANSFER,
    },
    {
      target: 'transferDecisionTime',
      labelZh: '决定转院时间',
      from: { time: 'transfer-decision' },
      required: TRANSFER,
    },
    {
      target: 'referralDoorOutTime',
      labelZh: '离开转出医院时间',
      from: { time: 'referral-door-out' },
      required: TRANSFER,
    },
    { target: 'doorTime', labelZh: '到达本院大门时间', from: { time: 'door' }, required: true },
    {
      target: 'firstDoctorTime',
      labelZh: '首次医生接诊时间',
      from: { time: 'first-doctor' },
      required: true,
    },
    { target: 'troponinDrawnTime', labelZh: '肌钙蛋白抽血时间', from: { time: 'troponin-drawn' } },
    { target: 'troponinReportTime', labelZh: '肌钙蛋白报告时间', from: { time: 'troponin-reported' } },
    {
      target: 'stemiDiagnosisTime',
      labelZh: 'STEMI确诊时间',
      from: { time: 'stemi-diagnosis' },
      required: { diagnosis: ['STEMI'] },
    },
    { target: 'aspirinTime', labelZh: '阿司匹林给药时间', from: { time: 'aspirin' } },
    { target: 'p2y12Time', labelZh: 'P2Y12抑制剂给药时间', from: { time: 'p2y12' } },
    { target: 'primaryPci', labelZh: '直接PCI', from: { treatment: 'primary-pci' } },
    { target: 'thrombolysis', labelZh: '溶栓', from: { treatment: 'thrombolysis' } },
    {
      target: 'bypassEd',
      labelZh: '绕行急诊',
      from: { field: 'bypassedEd' },
      required: { all: [{ diagnosis: ['STEMI'] }, PCI, { arrivalMode: ['ambulance', 'transfer'] }] },
    },
    {
      target: 'interventionDecisionTime',
      labelZh: '决定介入手术时间',
      from: { time: 'intervention-decision' },
      required: PCI,
    },
    {
      target: 'cathlabCalledTime',
      labelZh: '启动导管室时间',
      from: { time: 'cathlab-called' },
      required: PCI,
    },
    {
      target: 'consentStartTime',
      labelZh: '开始知情同意时间',
      from: { time: 'consent-started' },
      required: { any: [PCI, LYSIS] },
    },
    {
      target: 'consentSignTime',
      labelZh: '签署知情同意书时间',
      from: { time: 'consent-signed' },
      required: { any: [PCI, LYSIS] },
    },
    { target: 'cathlabReadyTime', labelZh: '导管室激活时间', from: { time: 'cathlab-ready' }, required: PCI },
    {
      target: 'cathlabArrivalTime',
      labelZh: '患者到达导管室时间',
      from: { time: 'cathlab-arrival' },
      required: PCI,
    },
    { target: 'punctureTime', labelZh: '穿刺时间', from: { time: 'puncture' }, required: PCI },
    { target: 'angiographyTime', labelZh: '造影开始时间', from: { time: 'angiography' }, required: PCI },
    { target: 'wireTime', labelZh: '导丝通过时间', from: { time: 'wire-crossing' }, required: PCI },
    { target: 'procedureEndTime', labelZh: '手术结束时间', from: { time: 'procedure-end' }, required: PCI },
    {
      target: 'lysisStartTime',
      labelZh: '溶栓开始时间',
      from: { time: 'thrombolysis-start' },
      required: LYSIS,
    },
    { target: 'lysisEndTime', labelZh: '溶栓结束时间', from: { time: 'thrombolysis-end' }, required: LYSIS },
    {
      target: 'killip',
      labelZh: 'Killip分级',
      from: { field: 'fields.killipClass' },
      codes: { I: '1', II: '2', III: '3', IV: '4' },
    },
    {
      target: 'noReperfusionReason',
      labelZh: '未再灌注原因',
      from: { field: 'fields.noReperfusionReason' },
      required: { all: [{ diagnosis: ['STEMI'] }, { not: { any: [PCI, LYSIS] } }] },
    },
  ],
};

export const STROKE_MAPPING: RegistryMapping = {
  registry: 'cn-stroke-registry',
  center: 'stroke',
  version: '2026.1',
  fields: [
    ...common(true),
    {
      target: 'diagnosis',
      labelZh: '诊断',
      from: { field: 'diagnosis' },
      required: true,
      codes: {
        'ischemic-stroke': '1',
        tia: '2',
        ich: '3',
        sah: '4',
        cvt: '5',
        'stroke-mimic': '8',
        other: '9',
      },
    },
    { target: 'lastKnownWellTime', labelZh: '发病/最后正常时间', from: { time: 'onset' }, required: true },
    { target: 'doorTime', labelZh: '到院时间', from: { time: 'door' }, required: true },
    { target: 'imagingTime', labelZh: '首次影像检查时间', from: { time: 'first-imaging' }, required: true },
    { target: 'ivt', labelZh: '静脉溶栓', from: { treatment: 'ivt' } },
    {
      target: 'ivtBolusTime',
      labelZh: '静脉溶栓给药时间',
      from: { time: 'ivt-bolus' },
      required: { treatment: ['ivt'] },
    },
    { target: 'evt', labelZh: '血管内治疗', from: { treatment: 'evt' } },
    {
      target: 'punctureTime',
      labelZh: '股动脉穿刺时间',
      from: { time: 'groin-puncture' },
      required: { treatment: ['evt'] },
    },
    {
      target: 'reperfusionTime',
      labelZh: '再通时间',
      from: { time: 'reperfusion' },
      required: { treatment: ['evt'] },
    },
    {
      target: 'nihssAdmission',
      labelZh: '入院NIHSS',
      from: { field: 'fields.nihssAdmission' },
      required: { diagnosis: ['ischemic-stroke'] },
    },
    {
      target: 'toast',
      labelZh: 'TOAST分型',
      from: { field: 'fields.toast' },
      codes: { LAA: '1', CE: '2', SAO: '3', SOE: '4', SUE: '5' },
    },
    {
      target: 'mtici',
      labelZh: 'mTICI分级',
      from: { field: 'fields.mtici' },
      required: { treatment: ['evt'] },
      codes: { '0': '0', '1': '1', '2a': '2a', '2b': '2b', '2c': '2c', '3': '3' },
    },
    {
      target: 'noIvtReason',
      labelZh: '未溶栓原因',
      from: { field: 'fields.noIvtReason' },
      required: { all: [{ diagnosis: ['ischemic-stroke'] }, { not: { treatment: ['ivt'] } }] },
    },
    { target: 'mrs90', labelZh: '90天mRS', from: { field: 'fields.mrs90' } },
  ],
};

export const TRAUMA_MAPPING: RegistryMapping = {
  registry: 'cn-trauma-registry',
  center: 'trauma',
  version: '2026.1',
  fields: [
    ...common(true),
    {
      target: 'diagnosis',
      labelZh: '创伤分类',
      from: { field: 'diagnosis' },
      required: true,
      codes: { 'major-trauma': '1', 'minor-trauma': '2' },
    },
    { target: 'injuryTime', labelZh: '受伤时间', from: { time: 'injury' }, required: true },
    { target: 'doorTime', labelZh: '到院时间', from: { time: 'door' }, required: true },
    { target: 'teamActivatedTime', labelZh: '启动创伤团队时间', from: { time: 'trauma-team-activated' } },
    {
      target: 'teamArrivedTime',
      labelZh: '创伤团队到达时间',
      from: { time: 'trauma-team-arrived' },
      required: true,
    },
    { target: 'ctTime', labelZh: 'CT检查时间', from: { time: 'ct' } },
    {
      target: 'orTime',
      labelZh: '进入手术室时间',
      from: { time: 'operating-room' },
      required: { treatment: ['surgery'] },
    },
    { target: 'iss', labelZh: 'ISS评分', from: { field: 'fields.iss' }, required: true },
    { target: 'gcs', labelZh: 'GCS评分', from: { field: 'fields.gcs' } },
    {
      target: 'mechanism',
      labelZh: '致伤原因',
      from: { field: 'fields.injuryMechanism' },
      required: true,
      codes: { traffic: '1', fall: '2', blunt: '3', penetrating: '4', burn: '5', other: '9' },
    },
  ],
};

export const REGISTRY_MAPPINGS: Readonly<Record<string, RegistryMapping>> = {
  [CHEST_PAIN_MAPPING.registry]: CHEST_PAIN_MAPPING,
  [STROKE_MAPPING.registry]: STROKE_MAPPING,
  [TRAUMA_MAPPING.registry]: TRAUMA_MAPPING,
};

export function mappingForCenter(center: Center): RegistryMapping {
  const m = Object.values(REGISTRY_MAPPINGS).find((x) => x.center === center);
  if (!m) throw new Error(`no registry mapping for center ${center}`);
  return m;
}

export interface RegistryRecordProblem {
  field: string;
  reason: string;
  reasonZh: string;
}

/** "YYYY-MM-DD HH:mm" wall-clock time of an instant in a zone (registries take local times). */
export function localTime(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}`;
}

function readPath(c: PathwayCase, path: string): unknown {
  if (path.startsWith('fields.')) return c.fields?.[path.slice(7)];
  if (path.startsWith('patient.')) return (c.patient as Record<string, unknown> | undefined)?.[path.slice(8)];
  return (c as unknown as Record<string, unknown>)[path];
}

function firstNode(c: PathwayCase, code: string): RecordedNode | undefined {
  const all = c.times.filter((t) => t.code === code && instantRange(t));
  return all.sort((a, b) => (instantRange(a)?.earliest ?? 0) - (instantRange(b)?.earliest ?? 0))[0];
}

/**
 * The registry record of a case, and every field the registry would refuse: required fields that are missing
 * (named by the registry's field and our label) and values with no registry code. `problems` also carries the
 * pre-upload checks of validateForRegistry (chronology, sources, manual times without reason).
 */
export function buildRegistryRecord(
  c: PathwayCase,
  mapping: RegistryMapping,
  options: { timeZone: string; now?: number },
): { record: Record<string, string | number | boolean | null>; problems: RegistryRecordProblem[] } {
  if (c.center !== mapping.center) throw new Error(`mapping ${mapping.registry} is for ${mapping.center}`);
  const record: Record<string, string | number | boolean | null> = {};
  const problems: RegistryRecordProblem[] = [];
  for (const f of mapping.fields) {
    let value: string | number | boolean | null = null;
    const src = f.from;
    if ('field' in src) {
      const v = readPath(c, src.field);
      if (v !== undefined && v !== null && v !== '') value = v as string | number | boolean;
    } else if ('time' in src) {
      const node = firstNode(c, src.time);
      const range = node && instantRange(node);
      if (range) value = localTime(src.windowEdge === 'to' ? range.latest : range.earliest, options.timeZone);
    } else if ('treatment' in src) {
      value = (c.treatments ?? []).includes(src.treatment as never);
    } else {
      const text = (c.delayReasons ?? []).map((d) => d.text).join('；');
      value = text || null;
    }
    if (value !== null && f.codes) {
      const code = f.codes[String(value)];
      if (code === undefined) {
        problems.push({
          field: f.target,
          reason: `"${String(value)}" has no registry code (allowed: ${Object.keys(f.codes).join(', ')})`,
          reasonZh: `${f.labelZh}取值"${String(value)}"无对应的平台代码`,
        });
        value = null;
      } else value = code;
    }
    const required =
      f.required === true || (typeof f.required === 'object' && matchesCondition(c, f.required));
    if (value === null && required && !problems.some((p) => p.field === f.target))
      problems.push({ field: f.target, reason: 'required by the registry', reasonZh: `缺少${f.labelZh}` });
    record[f.target] = value;
  }
  // Rules of the pre-upload check that the mapping does not already name (chronology, sources, reasons).
  for (const p of validateForRegistry(c, { now: options.now })) {
    if (p.field === 'center') continue;
    if (problems.some((q) => q.reason === p.reason && q.field === p.field)) continue;
    const mapped = mapping.fields.find((f) => fieldOfSource(f.from) === p.field);
    if (mapped && problems.some((q) => q.field === mapped.target)) continue;
    problems.push({ field: mapped?.target ?? p.field, reason: p.reason, reasonZh: p.reasonZh });
  }
  return { record, problems };
}

function fieldOfSource(src: RegistryValueSource): string | null {
  if ('field' in src) return src.field;
  if ('time' in src) return `times.${src.time}`;
  return null;
}
