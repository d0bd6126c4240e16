/**
 * Result types shared across the engine. Detection, classification, delineation, measurement and interpretation
 * each fill a part of EcgAnalysis; the server stores it as JSON and the viewer draws from it.
 */

/** AAMI EC57 beat classes: normal, supraventricular ectopic, ventricular ectopic, fusion, unknown, paced. */
export type AamiClass = 'N' | 'S' | 'V' | 'F' | 'Q' | 'P';

/** MIT/WFDB annotation code written for each AAMI class when we output beats as a WFDB annotation file. */
export const AAMI_TO_MIT: Record<AamiClass, string> = { N: 'N', S: 'A', V: 'V', F: 'F', Q: 'Q', P: '/' };

export interface BeatList {
  /** Sample index of each beat's fiducial point (QRS), ascending. */
  samples: Int32Array;
  /** AAMI class of each beat, same length as samples. */
  classes?: AamiClass[];
}

/** Global measurements, in ms, bpm, degrees and µV; a value is absent when it could not be measured. */
export interface Measurements {
  heartRate?: number;
  rrMean?: number;
  rrMin?: number;
  rrMax?: number;
  rrSd?: number;
  pDuration?: number;
  pr?: number;
  qrsDuration?: number;
  qt?: number;
  qtcBazett?: number;
  qtcFridericia?: number;
  qtcFramingham?: number;
  qtcHodges?: number;
  pAxis?: number;
  qrsAxis?: number;
  tAxis?: number;
  /** Per-lead amplitudes of the representative beat, keyed by lead name. */
  leads?: Record<string, LeadMeasurements>;
}

export interface LeadMeasurements {
  pAmp?: number;
  qAmp?: number;
  rAmp?: number;
  sAmp?: number;
  rPrimeAmp?: number;
  tAmp?: number;
  stJ?: number;
  st60?: number;
  st80?: number;
}

/** A coded interpretation statement with the evidence that produced it. */
export interface Statement {
  /** Stable code, e.g. 'SR', 'STACH', 'AFIB', 'STEMI_INFERIOR'. */
  code: string;
  textZh: string;
  textEn: string;
  category:
    | 'rhythm'
    | 'conduction'
    | 'axis'
    | 'hypertrophy'
    | 'st-t'
    | 'qt'
    | 'voltage'
    | 'ischemia'
    | 'quality'
    | 'other';
  /** 'definite' or 'consider' (uncertain findings say "consider", they do not guess). */
  certainty: 'definite' | 'consider';
  evidence: { leads?: string[]; values?: Record<string, number | string> };
}

/** A critical-value (危急值) rule that fired. */
export interface CriticalFinding {
  ruleId: string;
  textZh: string;
  textEn: string;
  /** Why it fired, e.g. { heartRate: 32, threshold: 35 }. */
  evidence: Record<string, number | string | string[]>;
}

export interface EcgAnalysis {
  sampleRate: number;
  durationSec: number;
  leadQuality: Record<string, string>;
  beats: BeatList;
  measurements: Measurements;
  statements: Statement[];
  critical: CriticalFinding[];
  /** Engine version, so stored results can be re-run when the engine changes. */
  engineVersion: string;
}
