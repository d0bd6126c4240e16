/** Shapes of /api/emergency (docs/emergency-server.md) and their fetchers. */
import type {
  CaseMetricResult,
  Center,
  ChronologyWarning,
  Pathway,
  PathwayCase,
  RegistryProblem,
  TimeSource,
  Treatment,
} from '@lifeline/emergency';
import { get, post } from '../api/client';

export interface TimeNode {
  id: string;
  code: string;
  instance: string | null;
  at: string | null;
  window: { from: string; to: string } | null;
  source: TimeSource;
  sourceDetail: string | null;
  reason: string | null;
  recordedBy: string | null;
  recordedAt: string;
  version: number;
}

export interface CaseSummary {
  id: string;
  center: Center;
  pathwayVersion: string;
  status: 'active' | 'closed';
  startSource: 'triage' | 'ecg' | 'prehospital';
  arrivalMode: string | null;
  sourceEcgId: string | null;
  wristband: string;
  temporaryIdentity: boolean;
  patient: { id: string; name: string; sex: string; age: number | null };
  diagnosis: string | null;
  treatments: Treatment[];
  bypassedEd: boolean | null;
  outcome: string | null;
  createdAt: string;
  createdBy: string | null;
  closedAt: string | null;
  times: TimeNode[];
}

export interface BoardCase extends CaseSummary {
  activations: { team: string; status: string; escalationLevel: number; activatedAt: string }[];
}

export interface ScoreGroup {
  code: string;
  entries: {
    id: string;
    label: string | null;
    total: number;
    display: string;
    interpretation: { zh: string; en: string; level: string };
    at: string;
    author: string | null;
  }[];
  series: { trend: string | null; change: number | null };
}

export interface Activation {
  id: string;
  team: string;
  teamName: string;
  status: 'open' | 'acknowledged' | 'cancelled';
  activatedAt: string;
  activatedBy: string | null;
  escalationLevel: number;
  escalateAt: string | null;
  members: {
    userId: string;
    name: string;
    acknowledgedAt: string | null;
    arrivedAt: string | null;
    escalation: boolean;
  }[];
}

export interface CaseDetail extends CaseSummary {
  fields: Record<string, unknown>;
  delayReasons: { metric?: string; text: string }[];
  pathway: Pathway;
  warnings: ChronologyWarning[];
  metrics: CaseMetricResult[];
  registryProblems: RegistryProblem[];
  otherCases: { id: string; center: Center; status: string }[];
  /** The identification (temporary record merged into this patient) that moved this case, while in force. */
  identification: {
    id: string;
    temporaryPatientId: string;
    patientId: string;
    mergeId: string | null;
    ecgExamIds: string[];
    reason: string;
    at: string;
    by: string | null;
  } | null;
  scores: ScoreGroup[];
  activations: Activation[];
  checklists: {
    id: string;
    checklist: string;
    outcome: 'eligible' | 'needs-review' | 'contraindicated';
    reasons: { code: string; why: string; text: { zh: string; en: string } }[];
    decision: string | null;
    decidedBy: string | null;
    decidedAt: string;
  }[];
  consents: {
    id: string;
    kind: string;
    startedAt: string | null;
    signedAt: string | null;
    hasPhoto: boolean;
    recordedAt: string;
  }[];
  procedures: {
    id: string;
    kind: 'cathlab' | 'or';
    data: Record<string, unknown>;
    recordedBy: string | null;
    updatedAt: string;
  }[];
  events: { at: string; action: string; detail: Record<string, unknown>; userName: string | null }[];
}

export interface NodeAnswer {
  node: TimeNode | null;
  times: TimeNode[];
  warnings: ChronologyWarning[];
}

export const fetchBoard = (center?: string, signal?: AbortSignal) =>
  get<{ serverTime: string; cases: BoardCase[] }>('/api/emergency/board', { center }, signal);
export const fetchCase = (id: string, signal?: AbortSignal) =>
  get<CaseDetail>(`/api/emergency/cases/${id}`, undefined, signal);
export const tapNode = (caseId: string, code: string) =>
  post<NodeAnswer>(`/api/emergency/cases/${caseId}/nodes`, { code });
export const recordManual = (caseId: string, body: { code: string; at: string; reason: string }) =>
  post<NodeAnswer>(`/api/emergency/cases/${caseId}/nodes`, { ...body, source: 'manual' });

/** The pure package's case shape, for countdowns computed in the browser every second. */
export function toPathwayCase(c: CaseSummary): PathwayCase {
  return {
    id: c.id,
    center: c.center,
    arrivalMode: (c.arrivalMode ?? undefined) as PathwayCase['arrivalMode'],
    diagnosis: c.diagnosis ?? undefined,
    treatments: c.treatments,
    bypassedEd: c.bypassedEd ?? undefined,
    times: c.times.map((n) => ({
      code: n.code,
      ...(n.at ? { at: n.at } : {}),
      ...(n.window ? { window: n.window } : {}),
      source: n.source,
      ...(n.instance ? { instance: n.instance } : {}),
    })),
  };
}
