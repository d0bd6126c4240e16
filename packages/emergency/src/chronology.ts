// Chronology checks: impossible or implausible orders of recorded times. They produce WARNINGS for the data
// clerk and never block recording (a late correction must always be possible; domain.md §3 time integrity).
// The constraints are data: pairs of node codes that must be ordered, independent of the display order.
import { instantRange, matchesCondition } from './conditions';
import type { CaseCondition, Center, Pathway, PathwayCase, RecordedNode, Text } from './types';

/**
 * `before` must not be later than `after`. '*' stands for every other node recorded in the case (minus
 * `except`). `when` limits the rule to matching cases (e.g. needle before door is legal for prehospital
 * fibrinolysis).
 */
export interface OrderRule {
  before: string;
  after: string;
  centers: Center[];
  except?: string[];
  when?: CaseCondition;
}

const ALL: Center[] = ['chest-pain', 'stroke', 'trauma'];
const CP: Center[] = ['chest-pain'];
const ST: Center[] = ['stroke'];
const TR: Center[] = ['trauma'];
const NOT_TRANSFER: CaseCondition = { not: { arrivalMode: ['transfer'] } };
const OUTCOME_CODES = ['discharge', 'death', 'mrs-90d'];

function chain(centers: Center[], codes: string[], when?: CaseCondition): OrderRule[] {
  return codes.slice(1).map((after, i) => ({ before: codes[i], after, centers, ...(when ? { when } : {}) }));
}

export const CHRONOLOGY_RULES: readonly OrderRule[] = [
  // Onset / injury precede everything else in the case.
  { before: 'onset', after: '*', centers: ['chest-pain', 'stroke'] },
  { before: 'injury', after: '*', centers: TR },
  // Ambulance run and transfer legs.
  ...chain(ALL, [
    'call-for-help',
    'ambulance-dispatched',
    'ambulance-at-scene',
    'ambulance-left-scene',
    'door',
  ]),
  ...chain(ALL, ['referral-door-in', 'transfer-decision', 'referral-door-out', 'door']),
  { before: 'referral-door-in', after: 'referral-door-out', centers: ALL },
  { before: 'first-medical-contact', after: 'referral-door-out', centers: ALL },
  { before: 'first-medical-contact', after: 'door', centers: ALL },
  { before: 'door', after: 'first-doctor', centers: ALL },
  // Nothing happens after discharge or death except the other outcome nodes.
  { before: '*', after: 'discharge', centers: ALL, except: OUTCOME_CODES },
  { before: '*', after: 'death', centers: ALL, except: OUTCOME_CODES },
  // Chest pain.
  { before: 'first-medical-contact', after: 'first-ecg', centers: CP },
  { before: 'first-ecg', after: 'ecg-diagnosis', centers: CP },
  { before: 'first-ecg', after: 'ecg-transmitted', centers: CP },
  { before: 'first-ecg', after: 'stemi-diagnosis', centers: CP },
  { before: 'troponin-drawn', after: 'troponin-reported', centers: CP },
  { before: 'consult-called', after: 'consult-arrived', centers: CP },
  { before: 'cathlab-called', after: 'cathlab-ready', centers: CP },
  { before: 'consent-started', after: 'consent-signed', centers: CP },
  { before: 'door', after: 'cathlab-arrival', centers: CP },
  ...chain(CP, ['cathlab-arrival', 'puncture', 'angiography', 'wire-crossing', 'procedure-end']),
  { before: 'puncture', after: 'procedure-end', centers: CP },
  { before: 'door', after: 'wire-crossing', centers: CP },
  ...chain(CP, ['thrombolysis-screening', 'thrombolysis-start', 'thrombolysis-end']),
  { before: 'first-medical-contact', after: 'thrombolysis-start', centers: CP },
  {
    before: 'door',
    after: 'thrombolysis-start',
    centers: CP,
    when: { not: { treatment: ['prehospital-thrombolysis'] } },
  },
  // Stroke (drip-and-ship cases may be imaged and lysed at the referring hospital).
  { before: 'door', after: 'first-imaging', centers: ST, when: NOT_TRANSFER },
  { before: 'door', after: 'ivt-bolus', centers: ST, when: NOT_TRANSFER },
  { before: 'first-imaging', after: 'ivt-bolus', centers: ST, when: NOT_TRANSFER },
  { before: 'first-imaging', after: 'imaging-reported', centers: ST },
  { before: 'door', after: 'groin-puncture', centers: ST },
  { before: 'first-imaging', after: 'groin-puncture', centers: ST },
  { before: 'groin-puncture', after: 'reperfusion', centers: ST },
  // Trauma.
  { before: 'trauma-team-activated', after: 'trauma-team-arrived', centers: TR },
  { before: 'door', after: 'ct', centers: TR },
  { before: 'door', after: 'operating-room', centers: TR },
  { before: 'door', after: 'icu-admission', centers: TR },
];

export type ChronologyWarningKind =
  | 'order'
  | 'future'
  | 'invalid-time'
  | 'unknown-node'
  | 'duplicate'
  | 'window-not-allowed';

export interface ChronologyWarning {
  kind: ChronologyWarningKind;
  codes: string[];
  message: Text;
  /** For order warnings: by how many minutes the later node precedes the earlier one. */
  minutes?: number;
}

export interface ChronologyOptions {
  /** Reference "now" (ms since epoch); defaults to the clock of the caller. */
  now?: number;
  /** Clock skew tolerated before a time counts as "in the future". */
  futureToleranceMinutes?: number;
  rules?: readonly OrderRule[];
  /** Case facts for rules with a `when` condition (arrival mode, treatments). */
  pathwayCase?: Omit<PathwayCase, 'times'>;
}

const MINUTE = 60_000;

function names(pathway: Pathway, code: string): Text {
  const node = pathway.nodes.find((n) => n.code === code);
  return node ? { zh: node.nameZh, en: node.nameEn } : { zh: code, en: code };
}

/**
 * Warnings about the recorded times of one case. Never throws on bad times: unreadable entries become
 * warnings too, so a half-filled form can always be checked.
 */
export function checkChronology(
  pathway: Pathway,
  recordedNodes: readonly RecordedNode[],
  options: ChronologyOptions = {},
): ChronologyWarning[] {
  const warnings: ChronologyWarning[] = [];
  const now = options.now ?? Date.now();
  const tolerance = (options.futureToleranceMinutes ?? 1) * MINUTE;
  const known = new Map(pathway.nodes.map((n) => [n.code, n]));
  const ranges = new Map<string, { earliest: number; latest: number }[]>();

  for (const node of recordedNodes) {
    const def = known.get(node.code);
    const label = names(pathway, node.code);
    if (!def) {
      warnings.push({
        kind: 'unknown-node',
        codes: [node.code],
        message: { zh: `未知时间节点"${node.code}"`, en: `unknown time node "${node.code}"` },
      });
      continue;
    }
    if (node.window && !def.allowsWindow) {
      warnings.push({
        kind: 'window-not-allowed',
        codes: [node.code],
        message: { zh: `${label.zh}须记录确切时间`, en: `${label.en} needs an exact time, not a window` },
      });
    }
    const range = instantRange(node);
    if (!range) {
      warnings.push({
        kind: 'invalid-time',
        codes: [node.code],
        message: {
          zh: `${label.zh}的时间无法识别（需带时区的ISO时间）`,
          en: `${label.en}: time is not a valid ISO date-time with offset`,
        },
      });
      continue;
    }
    if (range.latest > now + tolerance) {
      warnings.push({
        kind: 'future',
        codes: [node.code],
        message: { zh: `${label.zh}晚于当前时间`, en: `${label.en} is in the future` },
      });
    }
    const list = ranges.get(node.code) ?? [];
    if (list.length > 0 && !def.multiple) {
      warnings.push({
        kind: 'duplicate',
        codes: [node.code],
        message: { zh: `${label.zh}重复记录`, en: `${label.en} is recorded more than once` },
      });
    }
    list.push(range);
    ranges.set(node.code, list);
  }

  const rules = (options.rules ?? CHRONOLOGY_RULES).filter((r) => r.centers.includes(pathway.center));
  const seenPairs = new Set<string>();
  for (const rule of rules) {
    // Without case facts a conditional rule is judged as for a case with nothing known (no treatment, no
    // transfer): the stricter reading, so a forgotten option cannot hide an impossible order.
    const facts = options.pathwayCase ?? { id: '', center: pathway.center };
    if (rule.when && !matchesCondition({ ...facts, times: [...recordedNodes] }, rule.when)) continue;
    const excluded = new Set([...(rule.except ?? []), rule.before, rule.after]);
    const befores = rule.before === '*' ? [...ranges.keys()].filter((c) => !excluded.has(c)) : [rule.before];
    const afters = rule.after === '*' ? [...ranges.keys()].filter((c) => !excluded.has(c)) : [rule.after];
    for (const before of befores) {
      for (const after of afters) {
        const key = `${before}>${after}`;
        if (seenPairs.has(key)) continue;
        seenPairs.add(key);
        const gap = worstGap(ranges.get(before), ranges.get(after));
        if (gap === null || gap <= 0) continue;
        const b = names(pathway, before);
        const a = names(pathway, after);
        const minutes = Math.ceil(gap / MINUTE);
        warnings.push({
          kind: 'order',
          codes: [before, after],
          minutes,
          message: {
            zh: `${a.zh}早于${b.zh}（相差${minutes}分钟），请核对`,
            en: `${a.en} is recorded ${minutes} min before ${b.en}; please check`,
          },
        });
      }
    }
  }
  return warnings;
}

/** How far (ms) the latest-possible "after" time lies before the earliest-possible "before" time. */
function worstGap(
  befores: { earliest: number; latest: number }[] | undefined,
  afters: { earliest: number; latest: number }[] | undefined,
): number | null {
  if (!befores || !afters) return null;
  const latestBeforeStart = Math.max(...befores.map((r) => r.earliest));
  const earliestAfterEnd = Math.min(...afters.map((r) => r.latest));
  return latestBeforeStart - earliestAfterEnd;
}
