import { normaliseLeadName } from '../record';
import type { LeadMeasurements } from '../types';
import type { InterpretInput } from './types';

/** Per-lead measurements by standard name, leaving out leads whose quality is not good. */
export function usableLeads(input: InterpretInput): Map<string, LeadMeasurements> {
  const out = new Map<string, LeadMeasurements>();
  for (const [name, lm] of Object.entries(input.measurements.leads ?? {})) {
    const q = input.leadQuality?.[name];
    if (q && q !== 'good') continue;
    out.set(normaliseLeadName(name), lm);
  }
  return out;
}

/** Peak-to-peak QRS amplitude (µV). */
export function qrsPeakToPeak(lm: LeadMeasurements): number {
  const top = Math.max(lm.rAmp ?? 0, lm.rPrimeAmp ?? 0);
  const bottom = Math.min(lm.qAmp ?? 0, lm.sAmp ?? 0);
  return top - bottom;
}
