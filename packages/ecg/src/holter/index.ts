/** Holter (long-term ECG) analysis: streaming analyzer and summary. */
import { type EcgRecord, validateRecord } from '../record';
import { HolterAnalyzer, type HolterOptions } from './analyzer';
import type { HolterSummary } from './summary';

export { HolterAnalyzer, type HolterDetector, type HolterOptions } from './analyzer';
export {
  type ClassifiedBeats,
  type HolterSummary,
  type HourlyHeartRate,
  type SummaryOptions,
  summariseBeats,
} from './summary';

/** Convenience: runs a whole in-memory record through the streaming analyzer (same result as pushing it in chunks). */
export function summariseHolter(
  record: EcgRecord,
  options: Omit<HolterOptions, 'sampleRate' | 'leadNames'> & Partial<Pick<HolterOptions, 'leadNames'>> = {},
): HolterSummary {
  validateRecord(record);
  const analyzer = new HolterAnalyzer({
    ...options,
    sampleRate: record.sampleRate,
    leadNames: options.leadNames ?? record.leads.map((l) => l.name),
    startTime: options.startTime ?? record.startTime,
  });
  const step = Math.round(record.sampleRate * 60);
  const n = record.leads[0].samples.length;
  for (let at = 0; at < n; at += step)
    analyzer.push(record.leads.map((l) => l.samples.subarray(at, at + step)));
  return analyzer.finish();
}
