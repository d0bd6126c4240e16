/** Critical-value evaluation: which configured rule fired on an analysis, and the evidence against its limits. */
import { EcgError } from '../record';
import type { CriticalFinding, EcgAnalysis, Statement } from '../types';
import { type CriticalRule, DEFAULT_CRITICAL_RULES } from './rules';

export { type CriticalRule, DEFAULT_CRITICAL_RULES } from './rules';

type Evidence = CriticalFinding['evidence'];
type Check = (a: EcgAnalysis, t: Record<string, number>) => Evidence | undefined;

const find = (a: EcgAnalysis, ...codes: string[]): Statement[] =>
  a.statements.filter((s) => codes.includes(s.code));
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

const CHECKS: Record<string, Check> = {
  'acs-stemi': (a, t) => {
    const hits = a.statements.filter(
      (s) =>
        s.code.startsWith('STEMI_') &&
        (s.certainty === 'definite' ||
          (t.includeConsider === 1 && (s.code !== 'STEMI_POSTERIOR' || t.includePosteriorConsider === 1))),
    );
    if (hits.length === 0) return undefined;
    return {
      statements: hits.map((s) => s.code),
      leads: [...new Set(hits.flatMap((s) => s.evidence.leads ?? []))],
    };
  },
  vf: (a) => (find(a, 'VF').length ? { statements: ['VF'] } : undefined),
  vt: (a, t) => {
    for (const s of find(a, 'VT', 'VT_RUN')) {
      const rate =
        num(s.evidence.values?.rate) ?? num(s.evidence.values?.heartRate) ?? a.measurements.heartRate;
      const duration = num(s.evidence.values?.durationSec) ?? (s.code === 'VT' ? a.durationSec : 0);
      const sustained = duration >= t.durationSec || (s.code === 'VT' && t.wholeRecordCounts === 1);
      if (rate !== undefined && rate >= t.rateBpm && sustained) {
        return {
          statement: s.code,
          rateBpm: rate,
          durationSec: duration,
          thresholdRateBpm: t.rateBpm,
          thresholdDurationSec: t.durationSec,
        };
      }
    }
    return undefined;
  },
  'polymorphic-vt': (a) => (find(a, 'POLY_VT').length ? { statements: ['POLY_VT'] } : undefined),
  svt: (a, t) => {
    for (const s of find(a, 'SVT', 'SVT_RUN', 'ATACH')) {
      const rate =
        num(s.evidence.values?.rate) ?? num(s.evidence.values?.heartRate) ?? a.measurements.heartRate;
      if (rate !== undefined && rate >= t.rateBpm)
        return { statement: s.code, rateBpm: rate, thresholdRateBpm: t.rateBpm };
    }
    return undefined;
  },
  'af-rapid': (a, t) => {
    const af = find(a, 'AFIB', 'AFLT');
    const hr = a.measurements.heartRate;
    if (af.length && hr !== undefined && hr >= t.rateBpm)
      return { statement: af[0].code, heartRate: hr, thresholdRateBpm: t.rateBpm };
    return undefined;
  },
  'preexcited-af': (a, t) => {
    const rrMin = a.measurements.rrMin;
    if (find(a, 'AFIB').length && find(a, 'WPW').length && rrMin !== undefined && rrMin <= t.shortestRrMs)
      return { shortestRrMs: rrMin, thresholdMs: t.shortestRrMs };
    return undefined;
  },
  'severe-bradycardia': (a, t) => {
    const hr = a.measurements.heartRate;
    return hr !== undefined && hr < t.rateBpm ? { heartRate: hr, thresholdRateBpm: t.rateBpm } : undefined;
  },
  'av-block': (a) => {
    const hits = find(a, 'AVB3', 'AVB_HIGH');
    return hits.length ? { statements: hits.map((s) => s.code) } : undefined;
  },
  pause: (a, t) => {
    const rrMax = a.measurements.rrMax;
    if (rrMax === undefined) return undefined;
    const longTermAf = a.durationSec >= t.longTermRecordingSec && find(a, 'AFIB', 'AFLT').length > 0;
    const limit = longTermAf ? t.afPauseSec : t.pauseSec;
    const sec = rrMax / 1000;
    return sec >= limit ? { longestRrSec: sec, thresholdSec: limit } : undefined;
  },
  'qtc-prolonged': (a, t) => {
    const qtc = a.measurements.qtcBazett;
    if (qtc === undefined) return undefined;
    const qrs = a.measurements.qrsDuration ?? 0;
    const adjusted = t.adjustWideQrs === 1 && qrs >= t.wideQrsMs ? qtc - (qrs - 100) : qtc;
    if (adjusted < t.qtcMs) return undefined;
    const evidence: Evidence = { qtcBazett: qtc };
    if (adjusted !== qtc) Object.assign(evidence, { qrsDuration: qrs, qtcAdjusted: adjusted });
    evidence.thresholdMs = t.qtcMs;
    return evidence;
  },
  'long-qt-r-on-t': (a, t) => {
    const qt = a.measurements.qt;
    const { samples, classes } = a.beats;
    if (qt === undefined || !classes || find(a, 'LONG_QT').length === 0) return undefined;
    let shortest = Number.POSITIVE_INFINITY;
    for (let i = 1; i < samples.length; i++) {
      if (classes[i] !== 'V') continue;
      shortest = Math.min(shortest, ((samples[i] - samples[i - 1]) * 1000) / a.sampleRate);
    }
    if (shortest <= qt * t.couplingToQtRatio)
      return { couplingMs: Math.round(shortest), qt, thresholdRatio: t.couplingToQtRatio };
    return undefined;
  },
};

/** Ids the evaluator understands (a rule with another id is a configuration error). */
export const CRITICAL_RULE_IDS = Object.keys(CHECKS);

/**
 * Runs the enabled rules on an analysis. Thresholds missing from a configured rule fall back to the default
 * rule's thresholds. Throws EcgError for an unknown rule id or a non-numeric threshold.
 */
export function evaluateCriticalRules(
  analysis: EcgAnalysis,
  rules: readonly CriticalRule[] = DEFAULT_CRITICAL_RULES,
): CriticalFinding[] {
  const findings: CriticalFinding[] = [];
  for (const rule of rules) {
    const check = CHECKS[rule.id];
    if (!check) throw new EcgError(`criticalRules: unknown rule id '${rule.id}'`);
    if (!rule.enabled) continue;
    const defaults = DEFAULT_CRITICAL_RULES.find((r) => r.id === rule.id)?.thresholds ?? {};
    const thresholds = { ...defaults, ...rule.thresholds };
    for (const [key, value] of Object.entries(thresholds)) {
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new EcgError(`criticalRules: rule '${rule.id}' threshold '${key}' must be a finite number`);
    }
    const evidence = check(analysis, thresholds);
    if (evidence) findings.push({ ruleId: rule.id, textZh: rule.textZh, textEn: rule.textEn, evidence });
  }
  return findings;
}
