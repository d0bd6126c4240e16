/**
 * The resting-ECG pipeline: lead quality → QRS detection → beat classification → delineation → measurements →
 * interpretation → critical values. Pure (no Node APIs): typed arrays in, one EcgAnalysis out.
 */
import { classifyBeats, pacingOptions } from './classify';
import { withFilterCache } from './classify/preprocess';
import { type CriticalRule, evaluateCriticalRules } from './critical';
import { type Delineation, delineate, medianOf } from './delineate';
import { type AvConduction, avConduction, blockedPWave, detectAtrialEvents } from './delineate/atrial';
import { avBlockPattern } from './delineate/avblock';
import { detectQrs, pacingEvidence } from './detect';
import { leadQualityMap } from './dsp/quality';
import { interpret, type Sex } from './interpret';
import { measure } from './measure';
import { EcgError, type EcgRecord, findLead, type Lead, recordLength, validateRecord } from './record';
import { atrialActivity } from './rhythm';
import { findFlutter } from './rhythm/flutter-waves';
import type { AamiClass, EcgAnalysis, Measurements } from './types';

/** Bumped whenever a change can alter stored results (they can then be re-run). */
export const ENGINE_VERSION = 'lifeline-ecg 0.1.0';

export type QrsDetector = (record: EcgRecord) => Int32Array;

export interface AnalyzeOptions {
  age?: number;
  sex?: Sex;
  /** Critical-value rules; default DEFAULT_CRITICAL_RULES. */
  criticalRules?: readonly CriticalRule[];
  /** Beats already known (e.g. from a device or a reviewed annotation); skips detection. */
  beats?: Int32Array;
  /** Classes of `beats`; skips classification. */
  classes?: AamiClass[];
  /** QRS detector to use when `beats` is not given. */
  detectQrs?: QrsDetector;
}

function checkOptions(options: AnalyzeOptions, length: number): void {
  if (options.age !== undefined && !(Number.isFinite(options.age) && options.age >= 0 && options.age < 150))
    throw new EcgError(`age ${options.age} is not an age in years`);
  if (options.sex !== undefined && options.sex !== 'M' && options.sex !== 'F')
    throw new EcgError(`sex '${String(options.sex)}' must be 'M' or 'F'`);
  const beats = options.beats;
  if (beats) {
    if (!(beats instanceof Int32Array)) throw new EcgError('beats must be an Int32Array of sample indices');
    for (let i = 0; i < beats.length; i++) {
      if (beats[i] < 0 || beats[i] >= length)
        throw new EcgError(`beats[${i}] = ${beats[i]} is outside the record`);
      if (i > 0 && beats[i] <= beats[i - 1]) throw new EcgError(`beats[${i}] does not ascend`);
    }
    if (options.classes && options.classes.length !== beats.length)
      throw new EcgError(`classes has ${options.classes.length} entries for ${beats.length} beats`);
  }
}

/**
 * A representative beat spanning more than 20 mV cannot come from a heart through a diagnostic amplifier
 * (IEC 60601-2-25 asks for ±5 mV; carts clip near ±10 mV): wrong units or a broken channel. Such a lead is
 * marked saturated so that interpretation does not read it.
 */
function markImplausibleLeads(delineation: Delineation, quality: Record<string, string>): void {
  for (const [name, x] of delineation.medians.leads) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of x) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi - lo > 20000 && quality[name] === 'good') quality[name] = 'saturated';
  }
}

/** AV relation for slow regular rhythms, where a complete AV block would show (cheap enough to skip otherwise). */
function slowRegularConduction(
  record: EcgRecord,
  beats: Int32Array,
  classes: AamiClass[],
  delineation: Delineation | undefined,
  m: Measurements,
): AvConduction | undefined {
  if (!delineation || beats.length < 3 || m.heartRate === undefined || m.heartRate >= 60) return undefined;
  if ((m.rrSd ?? 0) > 0.1 * (m.rrMean ?? 0)) return undefined;
  const atrial = detectAtrialEvents(
    record,
    beats,
    delineation.fiducials,
    delineation.medians.fiducial,
    classes,
  );
  return atrial ? avConduction(atrial.samples, beats, record.sampleRate) : undefined;
}

/** Leads where P waves are largest (II, V1, I), of good quality; median P-segment consistency over beats. */
export function medianAtrialConsistency(
  record: EcgRecord,
  beats: Int32Array,
  quality: Record<string, string>,
): number | undefined {
  const leads = ['II', 'V1', 'I']
    .map((n) => findLead(record, n))
    .filter((l) => l !== undefined && quality[l.name] === 'good')
    .map((l) => l!.samples);
  if (leads.length === 0) return undefined;
  const values = Array.from(
    atrialActivity({ leads, sampleRate: record.sampleRate, positions: beats }),
  ).filter(Number.isFinite);
  return values.length >= 3 ? medianOf(values) : undefined;
}

/** The record with the assessed lead quality filled in, so that spike search skips flat or saturated leads. */
function withQuality(record: EcgRecord, quality: Record<string, string>): EcgRecord {
  return {
    ...record,
    leads: record.leads.map((l) => ({ ...l, quality: l.quality ?? (quality[l.name] as Lead['quality']) })),
  };
}

/** Analyses a resting ECG (any length, any lead set; 12 leads give the full interpretation). */
export function analyzeEcg(record: EcgRecord, options: AnalyzeOptions = {}): EcgAnalysis {
  // Several stages filter the same leads for morphology: filter each once per analysis.
  return withFilterCache(() => analyzeRecord(record, options));
}

function analyzeRecord(record: EcgRecord, options: AnalyzeOptions): EcgAnalysis {
  validateRecord(record);
  const length = recordLength(record);
  checkOptions(options, length);
  const fs = record.sampleRate;
  const leadQuality = leadQualityMap(record);

  let beats = options.beats;
  if (!beats) {
    if (options.detectQrs) beats = options.detectQrs(record);
    else {
      // The detector would assess lead quality again; hand it the leads already known to carry a signal.
      const live = record.leads.flatMap((l, i) =>
        ['flat', 'saturated', 'lead-off'].includes(leadQuality[l.name]) ? [] : [i],
      );
      beats = detectQrs(record, live.length > 0 ? { leads: live } : {});
    }
  }
  // Pacing from the signal (spikes), unless the classes are given: it decides paced classes and the statement.
  const pacing =
    beats.length === 0 || options.classes
      ? undefined
      : pacingEvidence(
          record.leads.some((l) => l.quality === undefined) ? withQuality(record, leadQuality) : record,
          beats,
        );
  const classes =
    beats.length === 0
      ? []
      : (options.classes ??
        classifyBeats(record, beats, { detectPacing: false, ...(pacing ? pacingOptions(pacing) : {}) }));

  // Bad leads stay out of the delineation unless nothing better is left.
  const goodLeads = record.leads.filter((l) => leadQuality[l.name] === 'good').map((l) => l.name);
  let delineation: Delineation | undefined;
  if (beats.length > 0)
    delineation = delineate(record, beats, {
      classes,
      fiducialLeads: goodLeads.length >= 2 ? goodLeads : undefined,
    });

  if (delineation) markImplausibleLeads(delineation, leadQuality);
  const measurements = measure(beats, fs, delineation);
  const avConduction = slowRegularConduction(record, beats, classes, delineation, measurements);
  // Second-degree AV block: P waves followed through the record (the median beat may show none when the PR
  // interval changes from beat to beat, as in Wenckebach periods).
  // Second-degree block keeps the ventricular rate below the atrial one (a sinus rate of at most 150/min): 2:1
  // conduction gives a regular rate below 80/min, 3:2 and higher ratios an RR that varies with every drop. Other
  // records are not searched (it saves time on every regular sinus rhythm above 80/min).
  const rrVaries = (measurements.rrSd ?? 0) > 0.05 * (measurements.rrMean ?? Number.POSITIVE_INFINITY);
  const hr = measurements.heartRate ?? 0;
  const avBlock =
    delineation && beats.length >= 3 && hr < 120 && (hr < 80 || rrVaries)
      ? avBlockPattern(record, beats, delineation.fiducials, delineation.medians.fiducial, classes)
      : undefined;
  const flutter = beats.length >= 4 ? findFlutter(record, beats, leadQuality) : undefined;
  const atrialConsistency =
    beats.length >= 4 ? medianAtrialConsistency(record, beats, leadQuality) : undefined;
  const statements = interpret({
    measurements,
    beats: { samples: beats, classes },
    sampleRate: fs,
    pWavePresent: delineation?.fiducials.pOnset !== undefined,
    atrialConsistency,
    avConduction,
    avBlock,
    flutter,
    pacing: pacing && {
      kind: pacing.kind,
      spikes: pacing.spikes.length,
      beatsAfterSpike: pacing.beatsAfterSpike,
    },
    blockedP:
      delineation && measurements.heartRate !== undefined && measurements.heartRate < 60
        ? blockedPWave(delineation.medians, delineation.fiducials)
        : undefined,
    age: options.age,
    sex: options.sex,
    leadQuality,
  });
  const analysis: EcgAnalysis = {
    sampleRate: fs,
    durationSec: length / fs,
    leadQuality,
    beats: { samples: beats, classes },
    measurements,
    statements,
    critical: [],
    engineVersion: ENGINE_VERSION,
  };
  analysis.critical = evaluateCriticalRules(analysis, options.criticalRules);
  return analysis;
}
