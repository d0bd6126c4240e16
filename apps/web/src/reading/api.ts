/** Shapes of the reading workstation's server answers (modules/reports, critical) and the calls that use them. */
import { get, patch, post } from '../api/client';

export type ReportStatus =
  | 'unreported'
  | 'draft'
  | 'checked'
  | 'diagnosed'
  | 'reviewed'
  | 'signed'
  | 'published'
  | 'superseded';
export type Priority = 'routine' | 'urgent' | 'stat';
export type Template = 'resting-12' | 'holter' | 'paediatric';
export const TEMPLATES: Template[] = ['resting-12', 'holter', 'paediatric'];

export interface WorklistItem {
  examId: string;
  patientId: string | null;
  patientName: string | null;
  examStatus: string;
  critical: boolean;
  orderId: string | null;
  accessionNumber: string | null;
  priority: Priority;
  greenChannel: boolean;
  departmentId: string | null;
  departmentName: string | null;
  reportId: string | null;
  reportStatus: ReportStatus;
  reportVersion: number | null;
  timestamps: Record<string, string | null>;
  turnaround: { startedAt: string; elapsedMin: number; targetMin: number; signed: boolean; overdue: boolean };
}

export interface Worklist {
  targets: Record<Priority, number>;
  total: number;
  items: WorklistItem[];
}

export interface ReportStatement {
  code: string | null;
  textZh: string;
  textEn: string;
  category: string;
  source: 'engine' | 'physician';
  certainty?: 'definite' | 'consider';
}

export interface ReportEvent {
  version: number;
  action: string;
  from: string | null;
  to: string;
  level: number | null;
  userId: string;
  username: string | null;
  displayName: string | null;
  role: string | null;
  reason: string | null;
  detail: Record<string, unknown> | null;
  at: string;
}

export interface SignWarning {
  code: string;
  textZh: string;
  textEn: string;
  critical: boolean;
}

export interface Report {
  id: string;
  examId: string;
  patientId: string | null;
  currentVersion: number;
  version: number;
  status: ReportStatus;
  template: Template;
  reviewLevels: number;
  reviewsDone: number;
  automaticMeasurements: Record<string, number>;
  measurements: Record<string, number>;
  automaticStatements: ReportStatement[];
  statements: ReportStatement[];
  freeText: string;
  conclusion: string;
  amendsVersion: number | null;
  amendmentReason: string | null;
  signWarnings: { code: string; decision: string; note?: string }[] | null;
  signedBy: string | null;
  signedAt: string | null;
  contentHash: string | null;
  verifyToken: string | null;
  hasPdf: boolean;
  publishedAt: string | null;
  versions: { version: number; status: string; signedAt: string | null; amendmentReason: string | null }[];
  events: ReportEvent[];
}

export interface ComparisonAnswer {
  previous: {
    examId: string;
    acquiredAt: string;
    source: 'signed-report' | 'analysis';
    measurements: Record<string, number>;
    statements: ReportStatement[];
  } | null;
  comparison: {
    measurements: { key: string; previous: number | null; current: number | null; change: number | null }[];
    newStatements: { code: string; textZh: string; textEn: string }[];
    resolvedStatements: { code: string; textZh: string; textEn: string }[];
    highlights: {
      newAtrialFibrillation: boolean;
      newStElevation: boolean;
      qtcChangeMs: number | null;
      qtcChangeSignificant: boolean;
    };
  } | null;
}

/** What the editor sends: library statements by code, free-text ones by text. */
export interface StatementInput {
  code?: string;
  text?: string;
  certainty?: 'definite' | 'consider';
}

export interface ReportEdit {
  measurements?: Record<string, number>;
  statements?: StatementInput[];
  freeText?: string;
  conclusion?: string;
  template?: Template;
}

export function toInput(statements: ReportStatement[]): StatementInput[] {
  return statements.map((s) =>
    s.code ? { code: s.code, ...(s.certainty ? { certainty: s.certainty } : {}) } : { text: s.textZh },
  );
}

export const reportOfExam = async (examId: string, signal?: AbortSignal): Promise<Report | null> => {
  const list = await get<{ items: { id: string }[] }>('/api/reports', { examId, limit: 1 }, signal);
  return list.items[0] ? get<Report>(`/api/reports/${list.items[0].id}`, undefined, signal) : null;
};
export const createReport = (examId: string, template?: Template) =>
  post<Report>('/api/reports', { examId, ...(template ? { template } : {}) });
export const saveReport = (id: string, edit: ReportEdit) => patch<Report>(`/api/reports/${id}`, edit);
export const stepReport = (id: string, step: 'check' | 'diagnose' | 'review' | 'publish', body: object) =>
  post<Report>(`/api/reports/${id}/${step}`, body);
export const returnReport = (id: string, reason: string) =>
  post<Report>(`/api/reports/${id}/return`, { reason });
export const amendReport = (id: string, reason: string) =>
  post<Report>(`/api/reports/${id}/amend`, { reason });
export const signCheck = (id: string) =>
  get<{ version: number; status: string; warnings: SignWarning[] }>(`/api/reports/${id}/sign-check`);
export const signReport = (
  id: string,
  acknowledgedWarnings: { code: string; decision: 'confirm' | 'dismiss'; note?: string }[],
) => post<Report>(`/api/reports/${id}/sign`, { acknowledgedWarnings });
export const pdfUrl = (id: string, version?: number) =>
  `/api/reports/${id}/pdf${version ? `?version=${version}` : ''}`;
