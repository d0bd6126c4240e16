/**
 * Global measurements from the delineated median beats (domain.md §2): rate and RR statistics, P/PR/QRS/QT
 * intervals, four QTc formulas, frontal P/QRS/T axes and per-lead amplitudes referenced to the PR segment.
 */
import type { Delineation } from '../delineate/index';
import { normaliseLeadName } from '../record';
import type { LeadMeasurements, Measurements } from '../types';

/** QTc formulas; qt in ms, rr in s, hr in bpm. */
export const qtcBazett = (qt: number, rr: number): number => qt / Math.sqrt(rr);
export const qtcFridericia = (qt: number, rr: number): number => qt / Math.cbrt(rr);
export const qtcFramingham = (qt: number, rr: number): number => qt + 154 * (1 - rr);
export const qtcHodges = (qt: number, hr: number): number => qt + 1.75 * (hr - 60);

const round1 = (v: number) => Math.round(v * 10) / 10;

/** RR statistics in ms and the heart rate from the mean RR; empty with fewer than two beats. */
export function rrStatistics(beats: Int32Array, sampleRate: number): Measurements {
  if (beats.length < 2) return {};
  const rr = new Float64Array(beats.length - 1);
  for (let i = 1; i < beats.length; i++) rr[i - 1] = ((beats[i] - beats[i - 1]) * 1000) / sampleRate;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const v of rr) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / rr.length;
  let ss = 0;
  for (const v of rr) ss += (v - mean) ** 2;
  const sd = rr.length > 1 ? Math.sqrt(ss / (rr.length - 1)) : 0;
  return {
    heartRate: round1(60000 / mean),
    rrMean: round1(mean),
    rrMin: round1(min),
    rrMax: round1(max),
    rrSd: round1(sd),
  };
}

/** Level of the PR segment (the 10 ms before QRS onset): the reference for every amplitude. */
function isoelectricLevel(x: Float32Array, qrsOnset: number, fs: number): number {
  const span = Math.max(1, Math.round(0.01 * fs));
  let s = 0;
  let n = 0;
  for (let i = Math.max(0, qrsOnset - span); i <= qrsOnset && i < x.length; i++, n++) s += x[i];
  return n ? s / n : 0;
}

function signedExtreme(x: Float32Array, from: number, to: number, ref: number): number {
  let best = 0;
  for (let i = Math.max(0, from); i <= Math.min(x.length - 1, to); i++) {
    const v = x[i] - ref;
    if (Math.abs(v) > Math.abs(best)) best = v;
  }
  return best;
}

function netArea(x: Float32Array, from: number, to: number, ref: number): number {
  let s = 0;
  for (let i = Math.max(0, from); i <= Math.min(x.length - 1, to); i++) s += x[i] - ref;
  return s;
}

/** Extreme of x − ref over [from, to]: the largest value (sign 1) or the smallest (sign −1), and where. */
function extreme(
  x: Float32Array,
  from: number,
  to: number,
  ref: number,
  sign: 1 | -1,
): { v: number; at: number } {
  let v = 0;
  let at = -1;
  for (let i = from; i <= to; i++) {
    const y = (x[i] - ref) * sign;
    if (y > v) {
      v = y;
      at = i;
    }
  }
  return { v: v * sign, at };
}

/** Q, R, S and R' amplitudes (µV) of one QRS complex; a wave smaller than `minWave` µV does not count. */
function qrsWaves(x: Float32Array, on: number, off: number, ref: number, minWave: number): LeadMeasurements {
  const top = extreme(x, on, off, ref, 1);
  if (top.at < 0 || top.v < minWave) {
    // QS complex: one negative deflection, reported as Q.
    return { qAmp: round1(extreme(x, on, off, ref, -1).v), rAmp: 0, sAmp: 0 };
  }
  const clip = (v: number) => round1(v > -minWave / 2 ? 0 : v);
  // rSR' (e.g. RBBB in V1): a positive wave on each side of the deepest notch, both real waves.
  const notch = extreme(x, on, off, ref, -1);
  if (notch.at > on && notch.at < off) {
    const first = extreme(x, on, notch.at - 1, ref, 1);
    const second = extreme(x, notch.at + 1, off, ref, 1);
    if (first.v >= minWave && second.v >= minWave && Math.min(first.v, second.v) - notch.v >= 2 * minWave) {
      return {
        qAmp: clip(extreme(x, on, first.at, ref, -1).v),
        rAmp: round1(first.v),
        sAmp: clip(notch.v),
        rPrimeAmp: round1(second.v),
      };
    }
  }
  return {
    qAmp: clip(extreme(x, on, top.at, ref, -1).v),
    rAmp: round1(top.v),
    sAmp: clip(extreme(x, top.at, off, ref, -1).v),
  };
}

/** Frontal-plane axis (degrees, −180…180) from net values in leads I and aVF. */
function frontalAxis(lead1: number, aVF: number): number | undefined {
  if (Math.abs(lead1) < 1e-6 && Math.abs(aVF) < 1e-6) return undefined;
  return Math.round((Math.atan2(aVF, lead1) * 180) / Math.PI);
}

/** Leads I and aVF of the median beats, derived from I/II/III when a lead is missing (Einthoven). */
function limbLeads(d: Delineation): { I?: Float32Array; aVF?: Float32Array } {
  const get = (name: string) => {
    for (const [n, x] of d.medians.leads) if (normaliseLeadName(n) === name) return x;
    return undefined;
  };
  let I = get('I');
  let aVF = get('aVF');
  const II = get('II');
  const III = get('III');
  if (!I && II && III) I = II.map((v, i) => v - III[i]);
  if (!aVF && II && III) aVF = II.map((v, i) => (v + III[i]) / 2);
  if (!aVF && I && II) aVF = II.map((v, i) => v - I![i] / 2);
  return { I, aVF };
}

export interface MeasureOptions {
  /** Smallest wave (µV) that counts as a separate Q, R, S or R' wave; default 50 µV (0.5 mm). */
  minWaveAmplitude?: number;
}

/** All measurements of a record from its beats and its delineation (either may be partial). */
export function measure(
  beats: Int32Array,
  sampleRate: number,
  delineation: Delineation | undefined,
  options: MeasureOptions = {},
): Measurements {
  const m: Measurements = rrStatistics(beats, sampleRate);
  if (!delineation) return m;
  const f = delineation.fiducials;
  const fs = delineation.medians.sampleRate;
  const toMs = (samples: number) => Math.round((samples * 1000) / fs);
  m.qrsDuration = toMs(f.qrsOffset - f.qrsOnset);
  if (f.pOnset !== undefined && f.pOffset !== undefined) {
    m.pDuration = toMs(f.pOffset - f.pOnset);
    m.pr = toMs(f.qrsOnset - f.pOnset);
  }
  if (f.tOffset !== undefined) {
    m.qt = toMs(f.tOffset - f.qrsOnset);
    if (m.rrMean !== undefined && m.heartRate !== undefined) {
      const rr = m.rrMean / 1000;
      m.qtcBazett = Math.round(qtcBazett(m.qt, rr));
      m.qtcFridericia = Math.round(qtcFridericia(m.qt, rr));
      m.qtcFramingham = Math.round(qtcFramingham(m.qt, rr));
      m.qtcHodges = Math.round(qtcHodges(m.qt, m.heartRate));
    }
  }

  const { I, aVF } = limbLeads(delineation);
  if (I && aVF) {
    const axis = (from: number, to: number) =>
      frontalAxis(
        netArea(I, from, to, isoelectricLevel(I, f.qrsOnset, fs)),
        netArea(aVF, from, to, isoelectricLevel(aVF, f.qrsOnset, fs)),
      );
    m.qrsAxis = axis(f.qrsOnset, f.qrsOffset);
    if (f.pOnset !== undefined && f.pOffset !== undefined) m.pAxis = axis(f.pOnset, f.pOffset);
    if (f.tOffset !== undefined) m.tAxis = axis(f.jPoint, f.tOffset);
  }

  const minWave = options.minWaveAmplitude ?? 50;
  const leads: Record<string, LeadMeasurements> = {};
  const at = (ms: number) => f.jPoint + Math.round((ms * fs) / 1000);
  for (const [name, x] of delineation.medians.leads) {
    const ref = isoelectricLevel(x, f.qrsOnset, fs);
    const lm: LeadMeasurements = qrsWaves(x, f.qrsOnset, f.qrsOffset, ref, minWave);
    if (f.pOnset !== undefined && f.pOffset !== undefined)
      lm.pAmp = round1(signedExtreme(x, f.pOnset, f.pOffset, ref));
    if (f.tOffset !== undefined) lm.tAmp = round1(signedExtreme(x, at(40), f.tOffset, ref));
    lm.stJ = round1(x[f.jPoint] - ref);
    if (at(60) < x.length) lm.st60 = round1(x[at(60)] - ref);
    if (at(80) < x.length) lm.st80 = round1(x[at(80)] - ref);
    leads[name] = lm;
  }
  m.leads = leads;
  return m;
}
