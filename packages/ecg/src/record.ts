/**
 * The record model every part of Lifeline shares: readers produce it, the engine analyses it, the viewer draws it.
 * Samples are physical units (microvolts) in Float32Array, one array per lead, all leads at one sampling rate.
 */

/** Signal quality of one lead; `good` unless a check says otherwise. */
export type LeadQuality = 'good' | 'flat' | 'saturated' | 'noisy' | 'lead-off';

export interface Lead {
  /** Lead name as written on a paper ECG: I, II, III, aVR, aVL, aVF, V1–V6, or the device's own (MLII, V5R …). */
  name: string;
  /** Samples in microvolts. */
  samples: Float32Array;
  quality?: LeadQuality;
}

export interface EcgRecord {
  /** Sampling rate in Hz (samples per second per lead). */
  sampleRate: number;
  leads: Lead[];
  /** Acquisition start as an ISO-8601 instant, when the source gives one. */
  startTime?: string;
  /** Free-form identification kept by readers (record name, device, patient identifiers …). */
  meta?: Record<string, unknown>;
}

/** Standard 12-lead order used for display and for interpretation. */
export const STANDARD_12_LEADS = [
  'I',
  'II',
  'III',
  'aVR',
  'aVL',
  'aVF',
  'V1',
  'V2',
  'V3',
  'V4',
  'V5',
  'V6',
] as const;

export class EcgError extends Error {
  constructor(
    message: string,
    readonly code: 'bad-input' | 'unsupported' | 'corrupt' = 'bad-input',
  ) {
    super(message);
    this.name = 'EcgError';
  }
}

/** Number of samples per lead (all leads have the same length in a valid record). */
export function recordLength(record: EcgRecord): number {
  return record.leads.length === 0 ? 0 : record.leads[0].samples.length;
}

/** Checks the invariants of a record and throws an EcgError naming what is wrong. */
export function validateRecord(record: EcgRecord): void {
  const fs = record.sampleRate;
  if (!Number.isFinite(fs) || fs < 50 || fs > 20000) {
    throw new EcgError(`sampleRate ${fs} Hz is outside 50–20000 Hz`);
  }
  if (record.leads.length === 0) throw new EcgError('record has no leads');
  const n = record.leads[0].samples.length;
  for (const lead of record.leads) {
    if (!(lead.samples instanceof Float32Array))
      throw new EcgError(`lead ${lead.name}: samples must be a Float32Array`);
    if (lead.samples.length !== n) {
      throw new EcgError(
        `lead ${lead.name} has ${lead.samples.length} samples, lead ${record.leads[0].name} has ${n}`,
      );
    }
  }
}

/** Finds a lead by name, case-insensitively, accepting common aliases (MLII → II, AVR → aVR). */
export function findLead(record: EcgRecord, name: string): Lead | undefined {
  const want = normaliseLeadName(name);
  return record.leads.find((l) => normaliseLeadName(l.name) === want);
}

export function normaliseLeadName(name: string): string {
  const n = name
    .trim()
    .replace(/^lead[\s_-]*/i, '')
    .toUpperCase();
  if (n === 'MLII' || n === 'ML2') return 'II';
  if (n === 'MLI') return 'I';
  if (n === 'MLIII') return 'III';
  const roman: Record<string, string> = { '1': 'I', '2': 'II', '3': 'III' };
  if (roman[n]) return roman[n];
  if (n === 'AVR' || n === 'AVL' || n === 'AVF') return 'a' + n.slice(1);
  return n;
}
