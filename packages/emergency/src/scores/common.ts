// Shared machinery of the clinical scores: FORM metadata for the UI (items, labels, options with points),
// item validation with errors that name the score and the item, and interpretation bands as data.
import { EmergencyInputError } from '../conditions';
import type { Center, Text } from '../types';

export interface ScoreOption {
  value: number | string;
  label: Text;
  points: number;
}

interface ItemBase {
  key: string;
  label: Text;
  /** An optional item may be left out; it then scores nothing. */
  optional?: boolean;
}

export interface ChoiceItem extends ItemBase {
  kind: 'choice';
  options: ScoreOption[];
  /** The item may be answered "UN" (untestable): recorded, shown, but not scored (NIHSS). */
  allowsUntestable?: boolean;
}

export interface BooleanItem extends ItemBase {
  kind: 'boolean';
  /** Points when answered yes. */
  points: number;
}

export interface NumberItem extends ItemBase {
  kind: 'number';
  unit: string;
  min: number;
  max: number;
  integer?: boolean;
  /** Other accepted units and the factor converting them to `unit` (µmol/L × 1/88.4 → mg/dL). */
  alternativeUnits?: { unit: string; factor: number }[];
}

export interface DateTimeItem extends ItemBase {
  kind: 'datetime';
}

export type ScoreItem = ChoiceItem | BooleanItem | NumberItem | DateTimeItem;

export interface ScoreForm {
  items: ScoreItem[];
}

export interface Interpretation {
  level: string;
  zh: string;
  en: string;
}

export interface InterpretationBand extends Interpretation {
  min: number;
  max: number;
}

export type ScoreItems = Record<string, unknown>;

export interface ScoreResult {
  code: string;
  total: number;
  /** How the total is shown, e.g. "9T" for an intubated GCS, "12 (UN: 5a)" for NIHSS. */
  display: string;
  interpretation: Interpretation;
  /** Points per item (null: not scored, e.g. untestable or not answered optional). */
  itemPoints: Record<string, number | null>;
  /** Items recorded as untestable. */
  untestable?: string[];
  /** Score-specific extras (coded values, weighted RTS, predicted risk…). */
  details?: Record<string, number | string | boolean | null>;
}

export interface ScoreDefinition {
  code: string;
  nameZh: string;
  nameEn: string;
  centers: Center[];
  reference: string;
  form: ScoreForm;
  /** Possible range of the total, for the UI. */
  range: { min: number; max: number };
  compute(items: ScoreItems): ScoreResult;
}

export class ScoreInputError extends EmergencyInputError {
  readonly score: string;
  readonly item: string;
  constructor(score: string, item: string, reason: string) {
    super(`${score}.${item}`, reason);
    this.message = `${score} item "${item}": ${reason}`;
    this.name = 'ScoreInputError';
    this.score = score;
    this.item = item;
  }
}

export const UNTESTABLE = 'UN';

export interface ReadItem {
  /** Normalised value: option value, boolean, number in the main unit, ISO text; undefined when absent. */
  value: unknown;
  /** Points from the form (choice/boolean); null for number/datetime items, untestable or absent answers. */
  points: number | null;
  untestable: boolean;
}

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));
}

function readOne(score: string, item: ScoreItem, raw: unknown): ReadItem {
  if (raw === undefined || raw === null || raw === '') {
    if (item.optional) return { value: undefined, points: null, untestable: false };
    throw new ScoreInputError(score, item.key, 'is required');
  }
  switch (item.kind) {
    case 'choice': {
      if (raw === UNTESTABLE) {
        if (item.allowsUntestable) return { value: UNTESTABLE, points: null, untestable: true };
        throw new ScoreInputError(score, item.key, 'cannot be marked untestable');
      }
      // Forms post strings; "2" and 2 are the same answer.
      const option = item.options.find((o) => o.value === raw || String(o.value) === String(raw));
      if (!option) {
        const allowed = item.options.map((o) => o.value).join(', ');
        throw new ScoreInputError(score, item.key, `must be one of ${allowed}, got ${show(raw)}`);
      }
      return { value: option.value, points: option.points, untestable: false };
    }
    case 'boolean': {
      if (typeof raw !== 'boolean')
        throw new ScoreInputError(score, item.key, `must be true or false, got ${show(raw)}`);
      return { value: raw, points: raw ? item.points : 0, untestable: false };
    }
    case 'number': {
      let value: unknown = raw;
      let factor = 1;
      if (typeof raw === 'object' && raw !== null && 'value' in raw && 'unit' in raw) {
        const { unit } = raw as { unit: unknown };
        value = (raw as { value: unknown }).value;
        if (unit !== item.unit) {
          const alt = item.alternativeUnits?.find((u) => u.unit === unit);
          if (!alt) {
            const units = [item.unit, ...(item.alternativeUnits ?? []).map((u) => u.unit)].join(', ');
            throw new ScoreInputError(score, item.key, `unit must be one of ${units}, got ${show(unit)}`);
          }
          factor = alt.factor;
        }
      }
      if (typeof value === 'string' && value.trim() !== '') value = Number(value);
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new ScoreInputError(score, item.key, `must be a number, got ${show(raw)}`);
      if (item.integer && !Number.isInteger(value))
        throw new ScoreInputError(score, item.key, `must be a whole number, got ${value}`);
      const converted = value * factor;
      if (converted < item.min || converted > item.max)
        throw new ScoreInputError(
          score,
          item.key,
          `must be between ${item.min} and ${item.max} ${item.unit}, got ${value}`,
        );
      return { value: converted, points: null, untestable: false };
    }
    case 'datetime': {
      if (typeof raw !== 'string' || !Number.isFinite(Date.parse(raw)))
        throw new ScoreInputError(score, item.key, `must be an ISO date-time, got ${show(raw)}`);
      return { value: raw, points: null, untestable: false };
    }
  }
}

/** Validates every item of a form (unknown keys are refused too, they are usually typos). */
export function readItems(score: string, form: ScoreForm, items: ScoreItems): Record<string, ReadItem> {
  if (!items || typeof items !== 'object' || Array.isArray(items))
    throw new ScoreInputError(score, '(items)', 'must be an object of item values');
  for (const key of Object.keys(items))
    if (!form.items.some((i) => i.key === key))
      throw new ScoreInputError(score, key, 'is not an item of this score');
  const out: Record<string, ReadItem> = {};
  for (const item of form.items) out[item.key] = readOne(score, item, items[item.key]);
  return out;
}

export function interpret(
  score: string,
  bands: readonly InterpretationBand[],
  total: number,
): Interpretation {
  const band = bands.find((b) => total >= b.min && total <= b.max);
  if (!band) throw new ScoreInputError(score, '(total)', `no interpretation band for ${total}`);
  return { level: band.level, zh: band.zh, en: band.en };
}

export function sumPoints(read: Record<string, ReadItem>): number {
  return Object.values(read).reduce((s, r) => s + (r.points ?? 0), 0);
}

export function pointsOf(read: Record<string, ReadItem>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(read).map(([k, r]) => [k, r.points]));
}

/** Options 0..n with labels; most ordinal items are written this way. */
export function ordinal(labels: [string, string][]): ScoreOption[] {
  return labels.map(([zh, en], points) => ({ value: points, label: { zh, en }, points }));
}

export const yesNo = (key: string, zh: string, en: string, points = 1): BooleanItem => ({
  key,
  label: { zh, en },
  kind: 'boolean',
  points,
});

/** Points from a banded table: the first band whose upper bound (exclusive) exceeds the value. */
export function banded(table: readonly { below: number; points: number }[], value: number): number {
  for (const row of table) if (value < row.below) return row.points;
  return table[table.length - 1].points;
}
