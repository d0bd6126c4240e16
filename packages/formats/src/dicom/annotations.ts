import type { ParsedEcg } from '../types';
import { first, type Item, items, num, str } from './dataset';

/** Device measurement names (DICOM/SCPECG code meanings, LOINC) → Lifeline Measurements fields. */
const MEASUREMENT_BY_MEANING: [RegExp, string][] = [
  [/^(ventricular )?heart rate$|^ventricular rate$/i, 'heartRate'],
  [/^rr interval$/i, 'rrMean'],
  [/^p (wave )?duration$/i, 'pDuration'],
  [/^pr interval$|^pq interval$/i, 'pr'],
  [/^qrs duration$/i, 'qrsDuration'],
  [/^qt interval$/i, 'qt'],
  // Devices state QTc without its formula; Bazett is the default of nearly all resting ECG carts.
  [/^qtc interval$|^qtc$/i, 'qtcBazett'],
  [/^qtc.*bazett/i, 'qtcBazett'],
  [/^qtc.*fridericia/i, 'qtcFridericia'],
  [/^p axis$/i, 'pAxis'],
  [/^(qrs|r) axis$/i, 'qrsAxis'],
  [/^t axis$/i, 'tAxis'],
];

function measurementKey(meaning: string | undefined): string | undefined {
  if (!meaning) return undefined;
  // "QTc Interval Global", "Mean RR Interval" … name the same quantity as the plain wording.
  const plain = meaning
    .replace(/\b(global|mean|average|overall)\b/gi, '')
    .replace(/[^A-Za-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return MEASUREMENT_BY_MEANING.find(([re]) => re.test(plain))?.[1];
}

/**
 * Waveform annotations: numeric ones become device measurements, text or coded ones statements, and those with
 * sample positions or time offsets in the rhythm group become annotations of the record.
 */
export function readAnnotations(ds: Item, rhythm: { index: number; rate: number }, parsed: ParsedEcg): void {
  const measurements: Record<string, number> = {};
  const globalKeys = new Set<string>();
  const statements: string[] = [];
  const annotations: { sample: number; code: string; text?: string }[] = [];
  for (const a of items(ds.WaveformAnnotationSequence)) {
    const concept = first(a.ConceptNameCodeSequence);
    const meaning = str(concept?.CodeMeaning);
    const text = str(a.UnformattedTextValue);
    const value = num(a.NumericValue);
    const refs = (
      Array.isArray(a.ReferencedWaveformChannels) ? a.ReferencedWaveformChannels : []
    ) as number[];
    const positions = a.ReferencedSamplePositions;
    const offsets = a.ReferencedTimeOffsets;
    if ((positions !== undefined && positions !== null) || (offsets !== undefined && offsets !== null)) {
      // Positions are 1-based sample numbers within the referenced multiplex group, time offsets are seconds
      // from its start; only the rhythm group's are kept (sample numbers refer to the record).
      if (refs.length >= 1 && refs[0] !== rhythm.index) continue;
      const sample =
        positions !== undefined && positions !== null
          ? Number(Array.isArray(positions) ? positions[0] : positions) - 1
          : Math.round(Number(Array.isArray(offsets) ? offsets[0] : offsets) * rhythm.rate);
      const code = meaning ?? str(first(a.ConceptCodeSequence)?.CodeMeaning) ?? text;
      if (Number.isFinite(sample) && sample >= 0 && code)
        annotations.push(text ? { sample, code, text } : { sample, code });
      continue;
    }
    if (value !== undefined && meaning) {
      const key = measurementKey(meaning);
      // Channel 0 means "all channels" (a global value); a value for one lead only yields to a global one.
      const global = refs.length < 2 || refs[1] === 0;
      if (key && (!(key in measurements) || (global && !globalKeys.has(key)))) {
        measurements[key] = value;
        if (global) globalKeys.add(key);
      }
      continue;
    }
    if (text) statements.push(text);
    else {
      const coded = str(first(a.ConceptCodeSequence)?.CodeMeaning);
      if (coded) statements.push(coded);
    }
  }
  if (Object.keys(measurements).length) parsed.deviceMeasurements = measurements;
  if (statements.length) parsed.deviceStatements = statements;
  if (annotations.length) parsed.annotations = annotations;
}
