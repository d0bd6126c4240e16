/**
 * What a report says, independent of HTTP and SQL: coded statements from the engine's library, the omission check
 * run before signing, the canonical content that is hashed and signed, and the serial comparison of two ECGs.
 */
import { createHash } from 'node:crypto';
import { STATEMENT_LIBRARY } from '@lifeline/ecg';
import { AppError } from '../../lib/errors';

export const TEMPLATES = ['resting-12', 'holter', 'paediatric'] as const;
export type Template = (typeof TEMPLATES)[number];

/** A statement on a report: a library code (text from the library) or free text (code null). */
export interface ReportStatement {
  code: string | null;
  textZh: string;
  textEn: string;
  category: string;
  /** engine: proposed by the analysis; physician: added or kept by a person. */
  source: 'engine' | 'physician';
  certainty?: 'definite' | 'consider';
}

export interface StatementInput {
  code?: string;
  text?: string;
  certainty?: 'definite' | 'consider';
}

const LIBRARY = STATEMENT_LIBRARY as Record<string, { textZh: string; textEn: string; category: string }>;

/** Turns editor input into report statements; an unknown code is a 400 naming its position. */
export function statementsFromInput(input: StatementInput[], field = 'statements'): ReportStatement[] {
  const problems: { field: string; reason: string }[] = [];
  const out: ReportStatement[] = [];
  input.forEach((s, i) => {
    if (s.code) {
      const entry = LIBRARY[s.code];
      if (!entry) {
        problems.push({ field: `${field}.${i}.code`, reason: `'${s.code}' is not in the statement library` });
        return;
      }
      out.push({
        code: s.code,
        textZh: entry.textZh,
        textEn: entry.textEn,
        category: entry.category,
        source: 'physician',
        ...(s.certainty ? { certainty: s.certainty } : {}),
      });
    } else if (s.text?.trim()) {
      const text = s.text.trim();
      out.push({ code: null, textZh: text, textEn: text, category: 'other', source: 'physician' });
    } else {
      problems.push({ field: `${field}.${i}`, reason: 'give a library code or a text' });
    }
  });
  if (problems.length) throw AppError.invalidFields(problems);
  return out;
}

interface EngineStatement {
  code: string;
  textZh: string;
  textEn: string;
  category: string;
  certainty: 'definite' | 'consider';
}

export function engineStatements(analysis: Record<string, unknown> | null): ReportStatement[] {
  const list = (analysis?.statements as EngineStatement[] | undefined) ?? [];
  return list.map((s) => ({
    code: s.code,
    textZh: s.textZh,
    textEn: s.textEn,
    category: s.category,
    source: 'engine',
    certainty: s.certainty,
  }));
}

/** The global measurements a report shows and a technician may correct (per-lead amplitudes stay automatic). */
export const MEASUREMENT_KEYS = [
  'heartRate',
  'rrMean',
  'pDuration',
  'pr',
  'qrsDuration',
  'qt',
  'qtcBazett',
  'qtcFridericia',
  'pAxis',
  'qrsAxis',
  'tAxis',
] as const;
export type MeasurementKey = (typeof MEASUREMENT_KEYS)[number];
export type ReportMeasurements = Partial<Record<MeasurementKey, number>>;

export function engineMeasurements(analysis: Record<string, unknown> | null): ReportMeasurements {
  const m = (analysis?.measurements as Record<string, unknown> | undefined) ?? {};
  const out: ReportMeasurements = {};
  for (const k of MEASUREMENT_KEYS) {
    const v = m[k];
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = Math.round(v);
  }
  return out;
}

/**
 * Findings a physician must not leave out silently. Each watched engine code is satisfied by any of the codes
 * in its family on the report (e.g. an inferior STEMI by "acute MI" too).
 */
const STEMI_FAMILY = [
  'STEMI_INFERIOR',
  'STEMI_LATERAL',
  'STEMI_ANTERIOR',
  'STEMI_POSTERIOR',
  'STEMI_RV',
  'STEMI_SGARBOSSA',
  'ACUTE_MI',
  'ANTEROSEPTAL_MI',
  'EXTENSIVE_ANTERIOR_MI',
  'HIGH_LATERAL_MI',
];
const WATCHED: Record<string, string[]> = {
  AFIB: ['AFIB'],
  AFLT: ['AFLT', 'AFIB'],
  VF: ['VF'],
  VT: ['VT', 'POLY_VT', 'VT_RUN'],
  VT_RUN: ['VT_RUN', 'VT', 'POLY_VT'],
  POLY_VT: ['POLY_VT'],
  AVB3: ['AVB3', 'AVB_HIGH'],
  AVB_HIGH: ['AVB_HIGH', 'AVB3'],
  AVB2_II: ['AVB2_II', 'AVB_HIGH', 'AVB3'],
  LONG_QT: ['LONG_QT'],
  WPW: ['WPW'],
  PAUSE: ['PAUSE', 'SINUS_ARREST'],
  BRUGADA: ['BRUGADA'],
  PACEMAKER_MALFUNCTION: ['PACEMAKER_MALFUNCTION'],
  ...Object.fromEntries(STEMI_FAMILY.filter((c) => c.startsWith('STEMI_')).map((c) => [c, STEMI_FAMILY])),
};

export interface OmissionWarning {
  code: string;
  textZh: string;
  textEn: string;
  /** The engine also raised a critical value on this ECG. */
  critical: boolean;
}

/** Engine findings of the watched kinds that the report's statements do not contain. */
export function omissions(
  automatic: ReportStatement[],
  report: ReportStatement[],
  criticalCodes: string[],
): OmissionWarning[] {
  const present = new Set(report.map((s) => s.code).filter((c): c is string => c !== null));
  const seen = new Set<string>();
  const out: OmissionWarning[] = [];
  for (const s of automatic) {
    if (!s.code || seen.has(s.code)) continue;
    const family = WATCHED[s.code];
    if (!family || family.some((c) => present.has(c))) continue;
    seen.add(s.code);
    out.push({ code: s.code, textZh: s.textZh, textEn: s.textEn, critical: criticalCodes.includes(s.code) });
  }
  return out;
}

/** Statement codes that make a critical value when a physician puts them on a report. */
export const CRITICAL_STATEMENT_CODES = new Set([...STEMI_FAMILY, 'VF', 'VT', 'POLY_VT', 'AVB3', 'AVB_HIGH']);

/** JSON with keys sorted at every level: the same content always gives the same bytes, whatever jsonb did. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .filter((k) => obj[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

/** Everything a signature vouches for. Status is left out: publishing or superseding does not alter content. */
export interface SignedContent {
  reportId: string;
  version: number;
  organizationId: string;
  examId: string;
  patientId: string | null;
  template: string;
  automaticMeasurements: unknown;
  measurements: unknown;
  automaticStatements: unknown;
  statements: unknown;
  freeText: string;
  conclusion: string;
  amendsVersion: number | null;
  amendmentReason: string | null;
  signWarnings: unknown;
  /** Every workflow step of this version before signing: who (and in which role) checked, diagnosed, reviewed. */
  trail: TrailStep[];
  signedBy: string;
  signedAt: string;
}

export interface TrailStep {
  action: string;
  userId: string | null;
  role: string | null;
  level: number | null;
  reason: string | null;
  at: string;
}

export function contentHash(content: SignedContent): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** Serial comparison: what changed between the previous ECG and this one. */
export interface Comparison {
  measurements: {
    key: MeasurementKey;
    previous: number | null;
    current: number | null;
    change: number | null;
  }[];
  newStatements: { code: string; textZh: string; textEn: string }[];
  resolvedStatements: { code: string; textZh: string; textEn: string }[];
  highlights: {
    newAtrialFibrillation: boolean;
    newStElevation: boolean;
    qtcChangeMs: number | null;
    /** |QTc change| ≥ 60 ms, the usual threshold for a clinically relevant change. */
    qtcChangeSignificant: boolean;
  };
}

const AF_CODES = ['AFIB', 'AFLT'];
const ST_ELEVATION_CODES = [...STEMI_FAMILY, 'ST_ELEVATION'];

export function compareEcgs(
  previous: { measurements: ReportMeasurements; statements: ReportStatement[] },
  current: { measurements: ReportMeasurements; statements: ReportStatement[] },
): Comparison {
  const codes = (list: ReportStatement[]) =>
    new Map(list.filter((s) => s.code).map((s) => [s.code as string, s]));
  const before = codes(previous.statements);
  const now = codes(current.statements);
  const pick = (s: ReportStatement) => ({ code: s.code as string, textZh: s.textZh, textEn: s.textEn });
  const newStatements = [...now.values()].filter((s) => !before.has(s.code as string)).map(pick);
  const resolvedStatements = [...before.values()].filter((s) => !now.has(s.code as string)).map(pick);
  const measurements = MEASUREMENT_KEYS.map((key) => {
    const p = previous.measurements[key] ?? null;
    const c = current.measurements[key] ?? null;
    return { key, previous: p, current: c, change: p !== null && c !== null ? c - p : null };
  });
  const qtc = measurements.find((m) => m.key === 'qtcBazett')?.change ?? null;
  const isNew = (family: string[]) => family.some((c) => now.has(c)) && !family.some((c) => before.has(c));
  return {
    measurements,
    newStatements,
    resolvedStatements,
    highlights: {
      newAtrialFibrillation: isNew(AF_CODES),
      newStElevation: isNew(ST_ELEVATION_CODES),
      qtcChangeMs: qtc,
      qtcChangeSignificant: qtc !== null && Math.abs(qtc) >= 60,
    },
  };
}
