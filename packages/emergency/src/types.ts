// Shared vocabulary of the three centers. Everything here is plain data (JSON-serialisable) so the server can
// store it and the web app can render forms and countdowns from the same definitions.

export type Center = 'chest-pain' | 'stroke' | 'trauma';

/** Bilingual text: every label the users see exists in Chinese and English. */
export interface Text {
  zh: string;
  en: string;
}

/** Where a recorded time came from; audits and the registry care about this (domain.md §3, time integrity). */
export type TimeSource = 'tap' | 'manual' | 'device' | 'interface' | 'ecg' | 'lab';
export const TIME_SOURCES: readonly TimeSource[] = ['tap', 'manual', 'device', 'interface', 'ecg', 'lab'];

export type NodeGroup =
  | 'prehospital'
  | 'transfer'
  | 'door'
  | 'diagnosis'
  | 'consult'
  | 'medication'
  | 'decision'
  | 'cathlab'
  | 'thrombolysis'
  | 'imaging'
  | 'laboratory'
  | 'resuscitation'
  | 'surgery'
  | 'outcome';

export const NODE_GROUPS: readonly NodeGroup[] = [
  'prehospital',
  'transfer',
  'door',
  'diagnosis',
  'consult',
  'medication',
  'decision',
  'cathlab',
  'thrombolysis',
  'imaging',
  'laboratory',
  'resuscitation',
  'surgery',
  'outcome',
];

export type ArrivalMode = 'ambulance' | 'transfer' | 'walk-in' | 'in-hospital';
export const ARRIVAL_MODES: readonly ArrivalMode[] = ['ambulance', 'transfer', 'walk-in', 'in-hospital'];

/**
 * Treatments a case received; metrics and checks decide applicability from these.
 * chest pain: primary PCI, in-hospital or prehospital fibrinolysis, rescue PCI, elective/delayed PCI, CABG;
 * stroke: IV thrombolysis (ivt), endovascular treatment (evt); trauma: surgery, transfusion.
 */
export type Treatment =
  | 'primary-pci'
  | 'thrombolysis'
  | 'prehospital-thrombolysis'
  | 'rescue-pci'
  | 'delayed-pci'
  | 'cabg'
  | 'ivt'
  | 'evt'
  | 'surgery'
  | 'transfusion';

/**
 * Declarative condition on a case, used for node applicability, metric applicability and registry rules.
 * Kept as data (not functions) so definitions can be versioned, stored and shown to QC managers.
 */
export type CaseCondition =
  | { all: CaseCondition[] }
  | { any: CaseCondition[] }
  | { not: CaseCondition }
  | { arrivalMode: ArrivalMode[] }
  | { diagnosis: string[] }
  | { treatment: Treatment[] }
  | { bypassedEd: boolean }
  | { hasNode: string }
  /** A registry/form field of the case (`case.fields[field]`) has one of the values. */
  | { field: string; in: (string | number | boolean)[] };

/** One node of a pathway definition. */
export interface PathwayNode {
  code: string;
  nameZh: string;
  nameEn: string;
  definition: Text;
  /** Display order on the time line; ordering checks use CHRONOLOGY_RULES, not this. */
  order: number;
  /** true: every registry case needs it; a condition: needed only for matching cases. */
  requiredForRegistry: boolean | CaseCondition;
  allowedSources: TimeSource[];
  /** Recorded more than once (e.g. wire crossing per culprit vessel); metrics use the first. */
  multiple?: boolean;
  /** The time may be a window (from–to) when unknown, e.g. symptom onset. */
  allowsWindow?: boolean;
  /** Shown and expected only for matching cases (e.g. transfer nodes). */
  appliesWhen?: CaseCondition;
  group: NodeGroup;
  /** true for nodes added by a site (extendPathway). */
  site?: boolean;
}

export interface Pathway {
  center: Center;
  /** Semantic version of the definition; recorded with every case so old cases keep their meaning. */
  version: string;
  nodes: PathwayNode[];
}

/** A recorded time. `at` is ISO 8601 with an offset; a window replaces `at` when the exact time is unknown. */
export interface RecordedNode {
  code: string;
  at?: string;
  window?: { from: string; to: string };
  source: TimeSource;
  /** For multiple nodes: which instance (e.g. culprit vessel "LAD"). */
  instance?: string;
  editor?: string;
  /** Required by policy for manual entries; carried for audit. */
  reason?: string;
}

export interface DelayReason {
  /** Metric code the delay concerns; absent means the whole case. */
  metric?: string;
  code?: string;
  text: string;
}

/** The minimal case shape the pure functions need; the server maps its records to this. */
export interface PathwayCase {
  id: string;
  center: Center;
  arrivalMode?: ArrivalMode;
  /** e.g. STEMI, NSTEMI, UA, aortic-dissection, ischemic-stroke, ich, sah, tia, major-trauma. */
  diagnosis?: string;
  treatments?: Treatment[];
  /** Patient taken past the emergency department straight to the cath lab (绕行急诊). */
  bypassedEd?: boolean;
  times: RecordedNode[];
  delayReasons?: DelayReason[];
  patient?: { sex?: string; age?: number };
  /** Further registry fields (enumerations checked by validateForRegistry). */
  fields?: Record<string, string | number | boolean | null | undefined>;
}
