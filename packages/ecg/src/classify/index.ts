/** Beat classification into AAMI EC57 classes from a record and its beat positions. */
import { type PacingEvidence, pacingEvidence } from '../detect/pacing';
import { EcgError, type EcgRecord, validateRecord } from '../record';
import type { AamiClass } from '../types';
import { BeatClassifier, type ClassifierOptions } from './classifier';
import { extractBeatFeatures } from './features';

/** Classifier options for the pacing found in the signal: spikes mark paced beats; smeared spikes the paced mode. */
export function pacingOptions(evidence: PacingEvidence): ClassifierOptions {
  if (evidence.kind === 'none') return {};
  return { pacingSpikes: evidence.spikes, pacemaker: evidence.kind === 'low-rate-spikes' };
}

export type { ClassifierOptions } from './classifier';
export { BeatClassifier } from './classifier';
export { type BeatFeatures, extractBeatFeatures } from './features';

export interface ClassifyOptions extends ClassifierOptions {
  /** Indices of the leads to use (default: the first three leads that are not flat). */
  leads?: number[];
  /**
   * Look for pacing in the signal (detect/pacing.ts `pacingEvidence`) when neither `pacingSpikes` nor
   * `pacemaker` is given (default true).
   */
  detectPacing?: boolean;
}

/** Picks up to three leads that carry signal (a flat or missing lead would only dilute shape comparisons). */
export function chooseLeads(record: EcgRecord, wanted?: number[]): number[] {
  if (wanted) {
    for (const i of wanted) {
      if (!Number.isInteger(i) || i < 0 || i >= record.leads.length) {
        throw new EcgError(`options.leads: lead index ${i} is not in 0–${record.leads.length - 1}`);
      }
    }
    if (wanted.length === 0) throw new EcgError('options.leads: at least one lead is needed');
    return wanted;
  }
  const chosen: number[] = [];
  for (let i = 0; i < record.leads.length && chosen.length < 3; i++) {
    const q = record.leads[i].quality;
    if (q === 'flat' || q === 'lead-off') continue;
    chosen.push(i);
  }
  return chosen.length ? chosen : [0];
}

/** Checks a beat list: integers, ascending, inside the record. */
export function validateBeatSamples(samples: Int32Array, length: number, field = 'samples'): void {
  if (!(samples instanceof Int32Array))
    throw new EcgError(`${field}: must be an Int32Array of sample indices`);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (s < 0 || s >= length)
      throw new EcgError(`${field}[${i}] = ${s} is outside the record (0–${length - 1})`);
    if (i > 0 && s <= samples[i - 1])
      throw new EcgError(`${field}[${i}] = ${s} is not after ${samples[i - 1]}`);
  }
}

/**
 * Classifies every beat of a record into AAMI EC57 classes: N, S, V, F (fusion: an on-time beat whose QRS is a
 * blend of the dominant and the record's ventricular shape, see ./fusion), Q (artefact or unclassifiable) and P
 * (beats after pacing spikes found in the signal or given in the options, or the paced morphology with the
 * pacemaker hint or when smeared spikes show a paced record below 500 Hz).
 * Unsupervised: the record's own dominant beat is the reference, nothing is learned from other patients.
 * Returns one class per input sample.
 */
export function classifyBeats(
  record: EcgRecord,
  samples: Int32Array,
  options: ClassifyOptions = {},
): AamiClass[] {
  validateRecord(record);
  const length = record.leads[0].samples.length;
  validateBeatSamples(samples, length);
  if (samples.length === 0) return [];
  if (options.detectPacing !== false && !options.pacingSpikes && options.pacemaker === undefined) {
    options = { ...options, ...pacingOptions(pacingEvidence(record, samples)) };
  }
  const leadIdx = chooseLeads(record, options.leads);
  const leads = leadIdx.map((i) => record.leads[i].samples);
  const features = extractBeatFeatures({ leads, sampleRate: record.sampleRate, positions: samples });
  const classifier = new BeatClassifier(record.sampleRate, leads.length, options);
  classifier.push(features);
  return classifier.drain(true).classes;
}
