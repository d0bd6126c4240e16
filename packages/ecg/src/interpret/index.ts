/** Interpretation: coded statements with zh-CN/English text and evidence, from measurements and beats. */
import type { Statement } from '../types';
import { statement } from './library';
import { morphologyStatements } from './morphology';
import { rhythmStatements } from './rhythm';
import { stemiStatements } from './stemi';
import type { InterpretInput } from './types';

export { type LibraryEntry, STATEMENT_LIBRARY, type StatementCode, statement } from './library';
export { rrIrregularity } from './rhythm';
export { stElevationLimit, TERRITORIES } from './stemi';
export type { InterpretInput, Sex } from './types';

/** Codes that, alone, still make a normal ECG. */
const NORMAL_CODES = new Set(['SR', 'SARRH']);

export function interpret(input: InterpretInput): Statement[] {
  const out: Statement[] = [];
  const bad = Object.entries(input.leadQuality ?? {}).filter(([, q]) => q !== 'good');
  const total = Object.keys(input.leadQuality ?? {}).length;
  if (total > 0 && bad.length === total) {
    return [statement('UNANALYSABLE', 'definite', { leads: bad.map(([n]) => n) })];
  }
  if (bad.length > 0) {
    out.push(
      statement('POOR_QUALITY', 'definite', {
        leads: bad.map(([n]) => n),
        values: Object.fromEntries(bad.map(([n, q]) => [n, q])),
      }),
    );
  }
  const rhythm = rhythmStatements(input);
  out.push(...rhythm);
  // Below 100 Hz the QRS and ST are too coarsely sampled for morphology: rhythm statements only.
  if (input.sampleRate < 100) return out;
  const paced = rhythm.some((s) => s.code === 'PACED');
  const morphology = morphologyStatements(input, paced);
  out.push(...morphology);
  const has = (code: string) => morphology.some((s) => s.code === code);
  out.push(
    ...stemiStatements(input, {
      secondaryRepolarisation: paced || has('LBBB'),
      confounded: has('LVH_VOLTAGE') || has('IVCD'),
      lvh: has('LVH_VOLTAGE'),
    }),
  );
  const clinical = out.filter((s) => s.category !== 'quality');
  if (clinical.length > 0 && clinical.every((s) => NORMAL_CODES.has(s.code) && s.certainty === 'definite')) {
    out.push(statement('NORMAL_ECG', 'definite'));
  }
  return out;
}
