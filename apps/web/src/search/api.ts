/** Client of /api/search and /api/research (docs/search-stats.md). */
import { api, get, post, type Query, withQuery } from '../api/client';

export interface SearchFilters {
  patient?: string;
  patientId?: string;
  from?: string;
  to?: string;
  statement?: string;
  match?: 'exact' | 'fuzzy';
  hrMin?: number;
  hrMax?: number;
  qtcMin?: number;
  qtcMax?: number;
  prMin?: number;
  prMax?: number;
  qrsMin?: number;
  qrsMax?: number;
  device?: string;
  departmentId?: string;
  readerId?: string;
  technicianId?: string;
  status?: string;
  priority?: 'routine' | 'urgent' | 'stat';
  critical?: boolean;
  organizationId?: string;
  /** Comma-separated organisation ids (drill-down from the statistics' organisation filter). */
  organizationIds?: string;
}

export type SortKey = 'examAt' | 'qtc' | 'heartRate' | 'signedAt' | 'device';

export interface ExamHit {
  examId: string;
  organizationId: string;
  organizationName: string;
  patientId: string | null;
  patientName: string | null;
  patientSex: string | null;
  patientAge: number | null;
  hisId: string | null;
  examAt: string;
  status: string;
  reportStatus: string | null;
  critical: boolean;
  deviceName: string | null;
  departmentName: string | null;
  priority: string | null;
  readerName: string | null;
  technicianName: string | null;
  signedAt: string | null;
  heartRate: number | null;
  pr: number | null;
  qrs: number | null;
  qt: number | null;
  qtc: number | null;
  statementCodes: string[];
  statementsZh: string;
  statementsEn: string;
}

export interface SerialHit extends ExamHit {
  previousExamId: string | null;
  changes: Partial<Record<'heartRate' | 'pr' | 'qrs' | 'qt' | 'qtc', number>>;
  newStatements: string[];
  resolvedStatements: string[];
}

export interface SavedSearch {
  id: string;
  name: string;
  query: SearchFilters;
  createdAt: string;
}

export const FILTER_KEYS: (keyof SearchFilters)[] = [
  'patient',
  'patientId',
  'from',
  'to',
  'statement',
  'match',
  'hrMin',
  'hrMax',
  'qtcMin',
  'qtcMax',
  'prMin',
  'prMax',
  'qrsMin',
  'qrsMax',
  'device',
  'departmentId',
  'readerId',
  'technicianId',
  'status',
  'priority',
  'critical',
  'organizationId',
  'organizationIds',
];
const NUMERIC = new Set(['hrMin', 'hrMax', 'qtcMin', 'qtcMax', 'prMin', 'prMax', 'qrsMin', 'qrsMax']);

/** Filters from a URL query (drill-down links from the statistics screens put them there). */
export function filtersFromParams(params: URLSearchParams): SearchFilters {
  const out: Record<string, unknown> = {};
  for (const key of FILTER_KEYS) {
    const v = params.get(key);
    if (v === null || v === '') continue;
    out[key] = NUMERIC.has(key) ? Number(v) : key === 'critical' ? v === 'true' : v;
  }
  return out as SearchFilters;
}

export function filtersToParams(f: SearchFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const v = f[key];
    if (v !== undefined && v !== null && v !== '') p.set(key, String(v));
  }
  return p;
}

export const searchExams = (
  f: SearchFilters & { sort?: SortKey; dir?: 'asc' | 'desc'; limit: number; offset: number },
  signal?: AbortSignal,
) =>
  get<{ items: ExamHit[]; total: number; totalCapped: boolean; totalApproximate: boolean }>(
    '/api/search/exams',
    f as unknown as Query,
    signal,
  );

export const exportUrl = (
  f: SearchFilters,
  format: 'xlsx' | 'csv',
  lang: 'zh' | 'en',
  sort?: SortKey,
  dir?: string,
) => withQuery('/api/search/exams/export', { ...(f as unknown as Query), format, lang, sort, dir });

export const patientHistory = (patientId: string, signal?: AbortSignal) =>
  get<{ items: SerialHit[] }>(`/api/search/patients/${patientId}/history`, undefined, signal);

export const listSaved = (signal?: AbortSignal) => get<SavedSearch[]>('/api/search/saved', undefined, signal);
export const saveSearch = (name: string, query: SearchFilters) =>
  post<SavedSearch>('/api/search/saved', { name, query });
export const deleteSaved = (id: string) => api<void>(`/api/search/saved/${id}`, { method: 'DELETE' });

/** The research export answers with a ZIP: fetched here and handed to the browser as a download. */
export async function researchExport(examIds: string[], purpose: string, waveforms: boolean): Promise<void> {
  const res = await fetch('/api/research/export', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ examIds, purpose, waveforms }),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = 'ecg-research-export.zip';
  a.click();
  URL.revokeObjectURL(url);
}
