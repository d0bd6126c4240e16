// Pre-upload checks for the national registries: 中国胸痛中心数据填报平台 (chest pain) and the stroke registry
// of 国家卫健委脑卒中防治工程委员会 (脑防委). The official field lists are not public here; these rules are our
// best-known SUBSET, written as data so they can be completed when a site receives the registry's dictionary.
import { checkChronology } from './chronology';
import { instantRange, matchesCondition } from './conditions';
import { getPathway } from './pathways/index';
import type { CaseCondition, Center, Pathway, PathwayCase } from './types';
import { ARRIVAL_MODES } from './types';

export interface RegistryFieldRule {
  /** Path in the case: arrivalMode, diagnosis, bypassedEd, patient.sex, patient.age, fields.<name>. */
  field: string;
  required?: boolean | CaseCondition;
  type: 'string' | 'number' | 'boolean';
  allowed?: readonly (string | number | boolean)[];
  min?: number;
  max?: number;
}

export interface RegistrySpec {
  code: string;
  center: Center;
  nameZh: string;
  nameEn: string;
  fields: RegistryFieldRule[];
}

const REPERFUSED: CaseCondition = { treatment: ['primary-pci', 'thrombolysis', 'prehospital-thrombolysis'] };
const SEX = ['male', 'female'];
/** The outcome decides which of the discharge / death nodes is required (see the pathway nodes). */
const OUTCOMES = ['discharged', 'transferred', 'died', 'other'];

export const CHEST_PAIN_REGISTRY: RegistrySpec = {
  code: 'cn-chest-pain-center',
  center: 'chest-pain',
  nameZh: '中国胸痛中心数据填报平台',
  nameEn: 'China Chest Pain Center registry',
  fields: [
    { field: 'arrivalMode', required: true, type: 'string', allowed: ARRIVAL_MODES },
    { field: 'patient.sex', required: true, type: 'string', allowed: SEX },
    { field: 'patient.age', required: true, type: 'number', min: 0, max: 120 },
    {
      field: 'diagnosis',
      required: true,
      type: 'string',
      allowed: [
        'STEMI',
        'NSTEMI',
        'UA',
        'aortic-dissection',
        'pulmonary-embolism',
        'non-acs-cardiac',
        'non-cardiac',
        'undetermined',
      ],
    },
    {
      field: 'bypassedEd',
      required: {
        all: [
          { diagnosis: ['STEMI'] },
          { treatment: ['primary-pci'] },
          { arrivalMode: ['ambulance', 'transfer'] },
        ],
      },
      type: 'boolean',
    },
    {
      field: 'fields.noReperfusionReason',
      required: { all: [{ diagnosis: ['STEMI'] }, { not: REPERFUSED }] },
      type: 'string',
    },
    { field: 'fields.killipClass', type: 'string', allowed: ['I', 'II', 'III', 'IV'] },
    { field: 'fields.outcome', type: 'string', allowed: OUTCOMES },
  ],
};

export const STROKE_REGISTRY: RegistrySpec = {
  code: 'cn-stroke-registry',
  center: 'stroke',
  nameZh: '脑防委卒中数据填报平台',
  nameEn: 'China stroke registry (Stroke Prevention Project Committee)',
  fields: [
    { field: 'arrivalMode', required: true, type: 'string', allowed: ARRIVAL_MODES },
    { field: 'patient.sex', required: true, type: 'string', allowed: SEX },
    { field: 'patient.age', required: true, type: 'number', min: 0, max: 120 },
    {
      field: 'diagnosis',
      required: true,
      type: 'string',
      allowed: ['ischemic-stroke', 'tia', 'ich', 'sah', 'cvt', 'stroke-mimic', 'other'],
    },
    {
      field: 'fields.nihssAdmission',
      required: { diagnosis: ['ischemic-stroke'] },
      type: 'number',
      min: 0,
      max: 42,
    },
    // TOAST classification: Adams HP et al. Stroke 1993;24:35–41.
    { field: 'fields.toast', type: 'string', allowed: ['LAA', 'CE', 'SAO', 'SOE', 'SUE'] },
    {
      field: 'fields.mtici',
      required: { treatment: ['evt'] },
      type: 'string',
      allowed: ['0', '1', '2a', '2b', '2c', '3'],
    },
    {
      field: 'fields.noIvtReason',
      required: { all: [{ diagnosis: ['ischemic-stroke'] }, { not: { treatment: ['ivt'] } }] },
      type: 'string',
    },
    { field: 'fields.mrs90', type: 'number', min: 0, max: 6 },
    { field: 'fields.outcome', type: 'string', allowed: OUTCOMES },
  ],
};

export const REGISTRIES: Readonly<Partial<Record<Center, RegistrySpec>>> = {
  'chest-pain': CHEST_PAIN_REGISTRY,
  stroke: STROKE_REGISTRY,
};

export interface RegistryProblem {
  field: string;
  reason: string;
  reasonZh: string;
}

function readField(pathwayCase: PathwayCase, path: string): unknown {
  if (path.startsWith('fields.')) return pathwayCase.fields?.[path.slice('fields.'.length)];
  if (path.startsWith('patient.'))
    return (pathwayCase.patient as Record<string, unknown> | undefined)?.[path.slice(8)];
  return (pathwayCase as unknown as Record<string, unknown>)[path];
}

const isRequired = (c: PathwayCase, r: boolean | CaseCondition | undefined) =>
  r === true || (typeof r === 'object' && matchesCondition(c, r));

/**
 * Problems that would make the registry refuse the case (or that a data manager must fix first): required
 * fields and nodes, enumerations, number ranges, time sources, manual times without a reason, and the
 * chronology warnings. Empty list: ready for sign-off.
 */
export function validateForRegistry(
  pathwayCase: PathwayCase,
  options: { registry?: RegistrySpec; pathway?: Pathway; now?: number } = {},
): RegistryProblem[] {
  const registry = options.registry ?? REGISTRIES[pathwayCase.center];
  if (!registry)
    return [
      {
        field: 'center',
        reason: `no registry for center ${pathwayCase.center}`,
        reasonZh: '该中心无上报平台',
      },
    ];
  const pathway = options.pathway ?? getPathway(pathwayCase.center);
  const problems: RegistryProblem[] = [];
  const add = (field: string, reason: string, reasonZh: string) => problems.push({ field, reason, reasonZh });

  for (const rule of registry.fields) {
    const value = readField(pathwayCase, rule.field);
    if (value === undefined || value === null || value === '') {
      if (isRequired(pathwayCase, rule.required)) add(rule.field, 'required for the registry', '上报必填');
      continue;
    }
    if (typeof value !== rule.type) {
      add(rule.field, `must be a ${rule.type}`, `类型应为${rule.type}`);
      continue;
    }
    if (rule.allowed && !rule.allowed.includes(value as string | number | boolean))
      add(
        rule.field,
        `"${String(value)}" is not one of ${rule.allowed.join(', ')}`,
        `取值"${String(value)}"不在允许范围内`,
      );
    if (
      typeof value === 'number' &&
      ((rule.min !== undefined && value < rule.min) || (rule.max !== undefined && value > rule.max))
    )
      add(rule.field, `must be between ${rule.min} and ${rule.max}`, `应在${rule.min}–${rule.max}之间`);
  }

  for (const node of pathway.nodes) {
    const recorded = pathwayCase.times.filter((t) => t.code === node.code);
    if (recorded.length === 0) {
      if (isRequired(pathwayCase, node.requiredForRegistry))
        add(`times.${node.code}`, `${node.nameEn} is required for the registry`, `缺少${node.nameZh}`);
      continue;
    }
    for (const t of recorded) {
      if (!node.allowedSources.includes(t.source))
        add(
          `times.${node.code}`,
          `source "${t.source}" is not allowed for ${node.nameEn}`,
          `${node.nameZh}的来源"${t.source}"不被允许`,
        );
      // Patient-reported times (onset, injury) are manual by nature; any other manual entry needs a reason.
      if (t.source === 'manual' && !node.allowsWindow && !t.reason?.trim())
        add(`times.${node.code}`, 'manual entry without a reason', `${node.nameZh}手工录入未填写原因`);
      if (!instantRange(t))
        add(`times.${node.code}`, 'time is missing or unreadable', `${node.nameZh}时间无效`);
    }
  }

  // Impossible orders and future times would be refused by the registry; unreadable/duplicate ones too.
  const warnings = checkChronology(pathway, pathwayCase.times, { now: options.now, pathwayCase });
  for (const w of warnings) {
    if (w.kind === 'invalid-time') continue; // already reported above
    add(`times.${w.codes.join('/')}`, w.message.en, w.message.zh);
  }
  return problems;
}
