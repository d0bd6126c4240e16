import { normaliseLeadName } from '@lifeline/ecg';

/**
 * ECG lead numbers shared by SCP-ECG (EN 1064 lead codes) and the IEEE 11073 MDC ECG lead codes used by DICOM
 * (CID 3001): SCPECG code value "5.6.3-9-n" and MDC code 131328 + n denote the same lead n.
 */
const LEAD_BY_NUMBER: Record<number, string> = {
  1: 'I',
  2: 'II',
  3: 'V1',
  4: 'V2',
  5: 'V3',
  6: 'V4',
  7: 'V5',
  8: 'V6',
  9: 'V7',
  10: 'V2R',
  11: 'V3R',
  12: 'V4R',
  13: 'V5R',
  14: 'V6R',
  15: 'V7R',
  16: 'X',
  17: 'Y',
  18: 'Z',
  19: 'CC5',
  20: 'CM5',
  61: 'III',
  62: 'aVR',
  63: 'aVL',
  64: 'aVF',
  65: '-aVR',
  66: 'V8',
  67: 'V9',
  68: 'V8R',
  69: 'V9R',
};

const NUMBER_BY_LEAD = new Map(Object.entries(LEAD_BY_NUMBER).map(([n, name]) => [name, Number(n)]));

const MDC_LEAD_BASE = 131328;

/** Lead name from a DICOM channel source code (SCPECG or MDC) and its meaning; undefined when neither says. */
export function leadNameFromCode(code: {
  value?: string;
  scheme?: string;
  meaning?: string;
}): string | undefined {
  const value = (code.value ?? '').trim();
  const scp = /^5\.6\.3-9-(\d+)$/.exec(value);
  if (scp && LEAD_BY_NUMBER[Number(scp[1])]) return LEAD_BY_NUMBER[Number(scp[1])];
  if ((code.scheme ?? '').toUpperCase() === 'MDC') {
    // MDC codes appear as the full number (131329) or as partition:term ("2:257"), partition 2 being ECG.
    const full = /^\d+$/.test(value) ? Number(value) : undefined;
    const split = /^2:(\d+)$/.exec(value);
    const n = (full ?? (split ? 2 * 65536 + Number(split[1]) : Number.NaN)) - MDC_LEAD_BASE;
    if (LEAD_BY_NUMBER[n]) return LEAD_BY_NUMBER[n];
  }
  if (code.meaning) return leadNameFromText(code.meaning);
  if (/^MDC_ECG_LEAD_/i.test(value)) return leadNameFromText(value);
  return undefined;
}

/**
 * Lead name from free text such as "Lead I (Einthoven)", "Lead aVR", "MDC_ECG_LEAD_AVR", "V4R".
 * Parenthesised qualifiers are dropped; the rest goes through the engine's normaliser.
 */
export function leadNameFromText(text: string): string | undefined {
  const cleaned = text
    .replace(/\(.*?\)/g, '')
    .replace(/^MDC_ECG_LEAD_/i, '')
    .replace(/^lead[\s_-]*/i, '')
    .trim();
  if (!cleaned) return undefined;
  if (/^-?avr$/i.test(cleaned) && cleaned.startsWith('-')) return '-aVR';
  return normaliseLeadName(cleaned);
}

/** SCP-ECG/MDC lead number of a lead name, for writers; undefined for leads outside the table. */
export function leadNumber(name: string): number | undefined {
  return NUMBER_BY_LEAD.get(normaliseLeadName(name));
}

export function scpLeadCode(name: string): { value: string; meaning: string } | undefined {
  const n = leadNumber(name);
  if (n === undefined) return undefined;
  return { value: `5.6.3-9-${n}`, meaning: `Lead ${LEAD_BY_NUMBER[n]}` };
}
