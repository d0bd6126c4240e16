// Evaluation of declarative case conditions and of recorded times, shared by metrics, chronology and registry.
import type { CaseCondition, PathwayCase, RecordedNode, Text } from './types';

export class EmergencyInputError extends Error {
  readonly field: string;
  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'EmergencyInputError';
    this.field = field;
  }
}

export function matchesCondition(pathwayCase: PathwayCase, condition: CaseCondition): boolean {
  if ('all' in condition) return condition.all.every((c) => matchesCondition(pathwayCase, c));
  if ('any' in condition) return condition.any.some((c) => matchesCondition(pathwayCase, c));
  if ('not' in condition) return !matchesCondition(pathwayCase, condition.not);
  if ('arrivalMode' in condition)
    return pathwayCase.arrivalMode !== undefined && condition.arrivalMode.includes(pathwayCase.arrivalMode);
  if ('diagnosis' in condition)
    return pathwayCase.diagnosis !== undefined && condition.diagnosis.includes(pathwayCase.diagnosis);
  if ('treatment' in condition)
    return (pathwayCase.treatments ?? []).some((t) => condition.treatment.includes(t));
  if ('bypassedEd' in condition) return (pathwayCase.bypassedEd ?? false) === condition.bypassedEd;
  if ('hasNode' in condition) return pathwayCase.times.some((t) => t.code === condition.hasNode);
  if ('field' in condition) {
    const value = pathwayCase.fields?.[condition.field];
    return value !== undefined && value !== null && condition.in.includes(value);
  }
  throw new EmergencyInputError('condition', `unknown condition ${JSON.stringify(condition)}`);
}

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = s.charCodeAt(at + k) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM) with every field in range: the instant. Anything else (other shapes,
 * out-of-range fields): undefined, and parseInstant takes its general path.
 */
function fastInstant(s: string): number | undefined {
  const len = s.length;
  if (len < 20 || s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':') return;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const se = digits(s, 17, 2);
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59)
    return;
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 1 : 0;
  if (d > DAYS[mo - 1] + leap) return;
  let i = 19;
  let ms = 0;
  if (s[i] === '.') {
    ms = digits(s, i + 1, 3);
    if (ms < 0) return;
    i += 4;
  }
  let offset = 0;
  if (s[i] === 'Z' && i === len - 1) offset = 0;
  else if ((s[i] === '+' || s[i] === '-') && len - i === 6 && s[i + 3] === ':') {
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (oh < 0 || om < 0) return;
    offset = (s[i] === '-' ? -1 : 1) * (oh * 60 + om);
  } else return;
  return Date.UTC(y, mo - 1, d, h, mi, se, ms) - offset * 60_000;
}

/** Milliseconds since the epoch, or null when the text is not a date-time with an explicit offset or Z. */
export function parseInstant(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  // The usual shape (toISOString, or an offset like +08:00) is read by hand: QC over a year parses 10^6 times.
  const fast = fastInstant(text);
  if (fast !== undefined) return fast;
  // A date-time without offset would be read in the machine's zone: ambiguous between server and tablet.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** Earliest and latest possible instant of a recorded node (equal for an exact time); null if unreadable. */
export function instantRange(node: RecordedNode): { earliest: number; latest: number } | null {
  if (node.at !== undefined) {
    const at = parseInstant(node.at);
    return at === null ? null : { earliest: at, latest: at };
  }
  if (node.window) {
    const from = parseInstant(node.window.from);
    const to = parseInstant(node.window.to);
    if (from === null || to === null || from > to) return null;
    return { earliest: from, latest: to };
  }
  return null;
}

/** First exact time recorded for a code (a multiple node such as wire crossing counts from its first). */
export function firstExactTime(pathwayCase: PathwayCase, code: string): number | null {
  let best: number | null = null;
  for (const node of pathwayCase.times) {
    if (node.code !== code || node.at === undefined) continue;
    const at = parseInstant(node.at);
    if (at !== null && (best === null || at < best)) best = at;
  }
  return best;
}

/** A condition in words, for QC screens that explain why a case counts in a metric or needs a node. */
export function describeCondition(condition: CaseCondition): Text {
  const join = (parts: Text[], zh: string, en: string): Text => ({
    zh: parts.map((p) => p.zh).join(zh),
    en: parts.map((p) => p.en).join(en),
  });
  if ('all' in condition) return join(condition.all.map(describeCondition), '且', ' and ');
  if ('any' in condition) return join(condition.any.map(describeCondition), '或', ' or ');
  if ('not' in condition) {
    const inner = describeCondition(condition.not);
    return { zh: `非（${inner.zh}）`, en: `not (${inner.en})` };
  }
  if ('arrivalMode' in condition)
    return {
      zh: `来院方式为${condition.arrivalMode.join('/')}`,
      en: `arrival by ${condition.arrivalMode.join('/')}`,
    };
  if ('diagnosis' in condition)
    return { zh: `诊断为${condition.diagnosis.join('/')}`, en: `diagnosis ${condition.diagnosis.join('/')}` };
  if ('treatment' in condition)
    return {
      zh: `治疗包括${condition.treatment.join('/')}`,
      en: `treated with ${condition.treatment.join('/')}`,
    };
  if ('bypassedEd' in condition)
    return condition.bypassedEd
      ? { zh: '绕行急诊', en: 'bypassed the emergency department' }
      : { zh: '未绕行急诊', en: 'did not bypass the emergency department' };
  if ('hasNode' in condition)
    return { zh: `已记录${condition.hasNode}`, en: `${condition.hasNode} recorded` };
  return {
    zh: `${condition.field}为${condition.in.join('/')}`,
    en: `${condition.field} is ${condition.in.join('/')}`,
  };
}

/** Problems in a condition written by hand (site configuration); empty when well-formed. */
export function conditionProblems(condition: unknown, field: string): string[] {
  if (!condition || typeof condition !== 'object') return [`${field}: must be a condition object`];
  const c = condition as Record<string, unknown>;
  const keys = Object.keys(c);
  if (keys.length === 2 && 'field' in c && 'in' in c)
    return typeof c.field === 'string' && Array.isArray(c.in)
      ? []
      : [`${field}: field must be a name and in a list of values`];
  if (keys.length !== 1) return [`${field}: must have exactly one key, got ${keys.join(', ') || 'none'}`];
  const [key] = keys;
  const value = c[key];
  if (key === 'all' || key === 'any')
    return Array.isArray(value)
      ? value.flatMap((v, i) => conditionProblems(v, `${field}.${key}[${i}]`))
      : [`${field}.${key}: must be a list`];
  if (key === 'not') return conditionProblems(value, `${field}.not`);
  if (key === 'arrivalMode' || key === 'diagnosis' || key === 'treatment')
    return Array.isArray(value) && value.every((v) => typeof v === 'string')
      ? []
      : [`${field}.${key}: must be a list of codes`];
  if (key === 'bypassedEd')
    return typeof value === 'boolean' ? [] : [`${field}.bypassedEd: must be true or false`];
  if (key === 'hasNode') return typeof value === 'string' ? [] : [`${field}.hasNode: must be a node code`];
  return [`${field}: unknown condition "${key}"`];
}
