/** Client of /api/stats (docs/search-stats.md). Every row carries `drill`: the search filters behind it. */
import { get, type Query, withQuery } from '../api/client';
import type { Drill } from '../charts';

export type Unit = 'day' | 'month' | 'quarter' | 'year';
export interface StatsParams {
  from?: string;
  to?: string;
  unit?: Unit;
  by?: string;
  organizationId?: string;
  /** Comma-separated organisation ids (the organisation filter). */
  organizationIds?: string;
}
export interface StatsOrganization {
  id: string;
  name: string;
  type: string;
  parentId: string | null;
}

export interface VolumeRow {
  bucket: string;
  key: string | null;
  label: string | null;
  exams: number;
  critical: number;
  drill: Drill;
}
export interface DiagnosisStat {
  code: string;
  textZh: string;
  textEn: string;
  exams: number;
  share: number;
  drill: Drill;
}
export interface TrendRow {
  bucket: string;
  code: string;
  exams: number;
  share: number;
  drill: Drill;
}
export interface TurnaroundRow {
  key: string | null;
  label: string | null;
  exams: number;
  medianMin: number | null;
  p90Min: number | null;
  maxMin: number | null;
  /** Percentiles interpolated from histogram buckets (periods of a month or more). */
  approximate?: boolean;
  drill: Drill;
}
export interface WorkloadRow {
  role: 'technician' | 'physician';
  key: string;
  label: string | null;
  exams: number;
  critical: number;
  drill: Drill;
}
export interface CriticalRow {
  bucket: string;
  total: number;
  acknowledged: number;
  inTime: number;
  inTimeShare: number | null;
  medianAckMin: number | null;
  p90AckMin: number | null;
  maxAckMin: number | null;
  drill: Drill;
}
export interface Counts {
  exams: number;
  signed: number;
  unsigned: number;
  critical: number;
}
export interface Dashboard {
  last24h: Counts;
  last30d: Counts;
  daily: { bucket: string; exams: number; critical: number; drill: Drill }[];
  turnaround: { key: string; exams: number; medianMin: number | null; p90Min: number | null; drill: Drill }[];
  topDiagnoses: DiagnosisStat[];
  critical: { total: number; acknowledged: number; inTime: number; inTimeShare: number | null };
}

const q = (p: StatsParams) => p as Query;
export const volume = (p: StatsParams, s?: AbortSignal) =>
  get<{ rows: VolumeRow[] }>('/api/stats/volume', q(p), s);
export const diagnoses = (p: StatsParams, s?: AbortSignal) =>
  get<{ totalExams: number; distribution: DiagnosisStat[]; trend: TrendRow[] }>(
    '/api/stats/diagnoses',
    q(p),
    s,
  );
export const turnaround = (p: StatsParams, s?: AbortSignal) =>
  get<{ rows: TurnaroundRow[] }>('/api/stats/turnaround', q(p), s);
export const workload = (p: StatsParams, s?: AbortSignal) =>
  get<{ rows: WorkloadRow[] }>('/api/stats/workload', q(p), s);
export const critical = (p: StatsParams, s?: AbortSignal) =>
  get<{ rows: CriticalRow[] }>('/api/stats/critical', q(p), s);
export const organizations = (s?: AbortSignal) =>
  get<StatsOrganization[]>('/api/stats/organizations', undefined, s);
export const dashboard = (p: StatsParams, s?: AbortSignal) => get<Dashboard>('/api/stats/dashboard', q(p), s);

export const statsExportUrl = (kind: string, format: 'xlsx' | 'pdf', lang: 'zh' | 'en', p: StatsParams) =>
  withQuery('/api/stats/export', { ...q(p), kind, format, lang });

/** The search screen's URL for a drill-down filter. */
export const drillPath = (drill: Drill) =>
  `/search?${new URLSearchParams(Object.entries(drill).map(([k, v]) => [k, String(v)])).toString()}`;
