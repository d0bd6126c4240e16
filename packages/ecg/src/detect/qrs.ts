/**
 * QRS detection on all usable leads. Peaks of the combined envelope (features.ts) are classified by adaptive
 * signal and noise levels in the manner of Pan & Tompkins (IEEE TBME 32:230, 1985): a peak above
 * NPK + 0.33·(SPK − NPK) is a beat (the envelope is amplitude-like, the square root of the integrated energy, so
 * this is a lower bar than P&T's 0.25 on energy), peaks within 360 ms of a beat whose slope is under half of
 * that beat's (and of the recent beats' typical slope) are T waves, and when no beat has come for 1.66 mean RR intervals the gap is searched again at half
 * the threshold. Beats are then placed on a consistent fiducial (the largest band-passed deflection near the
 * peak), weak beats that split an ordinary RR interval without repeating a neighbour's shape are dropped
 * (verify.ts), and in intervals far longer than their neighbours a missed beat is added when its shape closely
 * repeats a nearby beat's (rescue.ts).
 */
import { assessLeadQuality } from '../dsp/quality';
import { EcgError, type EcgRecord, validateRecord } from '../record';
import { type FeatureSignals, finiteCopy, qrsFeatures } from './features';
import { rescueMissedBeats } from './rescue';
import { verifyWeakBeats } from './verify';

export interface QrsOptions {
  /** Indices of the leads to use; default: every lead that assessLeadQuality does not call flat, saturated or lead-off. */
  leads?: number[];
  /** Refractory period in seconds (no two beats closer). Default 0.2 s. */
  refractorySec?: number;
  /** Re-check weak detections against the shape of nearby beats (verify.ts). Default true. */
  verify?: boolean;
}

interface Candidate {
  t: number;
  h: number;
  slope: number;
  /** Accepted only by the search-back at the lower threshold. */
  searchBack?: boolean;
}

const T_WAVE_WINDOW_SEC = 0.36;
const T_SLOPE_RATIO = 0.5;
/** Position of the beat threshold between the noise level and the signal level. */
const THRESHOLD_FRACTION = 0.33;
const SEARCH_BACK_RR = 1.66;
/** Samples (all used leads together) above which only the best leads are used. */
const MAX_WORKING_SAMPLES = 2 ** 27;
const MIN_LEADS_KEPT = 3;

/** Detects QRS complexes; returns ascending sample indices of their fiducial points. */
export function detectQrs(record: EcgRecord, options: QrsOptions = {}): Int32Array {
  validateRecord(record);
  const fs = record.sampleRate;
  if (fs < 50 || fs > 20000) throw new EcgError(`detectQrs: sampleRate ${fs} Hz is outside 50–20000 Hz`);
  const n = record.leads[0].samples.length;
  const refractorySec = options.refractorySec ?? 0.2;
  if (!(refractorySec >= 0.05 && refractorySec <= 1)) {
    throw new EcgError(`detectQrs: refractorySec ${refractorySec} must be between 0.05 and 1 s`);
  }
  let leadIndices = options.leads;
  if (leadIndices) {
    for (const i of leadIndices) {
      if (!Number.isInteger(i) || i < 0 || i >= record.leads.length)
        throw new EcgError(`detectQrs: lead index ${i} does not exist`);
    }
  } else {
    // An hour of evenly spread 2-s windows is plenty to tell a dead or clipped lead from a working one.
    const reports = assessLeadQuality(record, { maxWindows: 1800 });
    leadIndices = reports.flatMap((r, i) => (r.quality === 'good' || r.quality === 'noisy' ? [i] : []));
    // Long multi-lead recordings (a 12-lead Holter) would need gigabytes of working arrays: keep the leads with
    // the most clearly peaked signal, which carry the detection anyway.
    const maxLeads = Math.max(1, Math.floor(MAX_WORKING_SAMPLES / Math.max(1, n)));
    if (leadIndices.length > maxLeads) {
      leadIndices = [...leadIndices]
        .sort((a, b) => reports[b].crestFactor - reports[a].crestFactor)
        .slice(0, Math.max(MIN_LEADS_KEPT, maxLeads))
        .sort((a, b) => a - b);
    }
  }
  if (leadIndices.length === 0 || n < fs * 0.5) return new Int32Array(0);
  const leads = leadIndices.map((i) => finiteCopy(record.leads[i].samples));
  const features = qrsFeatures(leads, fs, true);
  const candidates = findCandidates(features, fs, refractorySec);
  const beats = classifyCandidates(candidates, features, fs, refractorySec);
  const refined = refineFiducials(beats, features, fs, n);
  if (options.verify === false) return refined.positions;
  // Shapes are compared in µV as recorded, so the lead with the larger QRS (usually the cleaner one) counts most.
  const verified = verifyWeakBeats(
    refined.positions,
    refined.heights,
    leads,
    leads.map(() => 1),
    fs,
    {},
    refined.searchBack,
  );
  return rescueMissedBeats(verified, candidates, features.envelope, refined.place, leads, fs);
}

/**
 * Local maxima of the envelope, at least `refractorySec` apart (the larger of two close peaks is kept). The slope
 * of a candidate is filled in lazily (slopeOf), since only candidates close behind a beat need it.
 */
function findCandidates(f: FeatureSignals, fs: number, refractorySec: number): Candidate[] {
  const env = f.envelope;
  const n = env.length;
  const refractory = Math.max(1, Math.round(refractorySec * fs));
  const out: Candidate[] = [];
  let last: Candidate | undefined;
  for (let i = 1; i < n - 1; i++) {
    const v = env[i];
    if (!(v > env[i - 1] && v >= env[i + 1]) || v <= 0) continue;
    if (last && i - last.t < refractory) {
      if (v > last.h) {
        last.t = i;
        last.h = v;
      }
      continue;
    }
    last = { t: i, h: v, slope: -1 };
    out.push(last);
  }
  return out;
}

/** Largest combined slope within ±60 ms of the candidate (computed once, on first use). */
function slopeOf(c: Candidate, f: FeatureSignals, fs: number): number {
  if (c.slope < 0) {
    const half = Math.max(1, Math.round(0.06 * fs));
    c.slope = f.maxSlope(c.t - half, c.t + half);
  }
  return c.slope;
}

/** The last `size` values pushed, with their median (allocation-free: called once per beat). */
class RecentValues {
  private readonly values: Float64Array;
  private readonly scratch: Float64Array;
  private count = 0;
  private next = 0;
  constructor(size: number) {
    this.values = new Float64Array(size);
    this.scratch = new Float64Array(size);
  }
  push(v: number): void {
    this.values[this.next] = v;
    this.next = (this.next + 1) % this.values.length;
    if (this.count < this.values.length) this.count++;
  }
  median(): number {
    if (this.count === 0) return 0;
    // Insertion sort: a handful of values, once or twice per beat (cheaper than a typed-array sort call).
    const s = this.scratch;
    const v = this.values;
    for (let i = 0; i < this.count; i++) {
      const x = v[i];
      let j = i - 1;
      while (j >= 0 && s[j] > x) {
        s[j + 1] = s[j];
        j--;
      }
      s[j + 1] = x;
    }
    return s[this.count >> 1];
  }
}

function median(values: number[]): number {
  return quantile(values, 0.5);
}

/** The value at fraction q of the sorted values (q = 0.5: the upper median, as before). */
function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** Adaptive-threshold classification of candidates into beats (the Pan–Tompkins decision rules). */
function classifyCandidates(
  cands: Candidate[],
  f: FeatureSignals,
  fs: number,
  refractorySec: number,
): Candidate[] {
  if (cands.length === 0) return [];
  // Initial levels from the first 8 s: the QRS level is the 70th percentile of the largest peak in each second.
  // Not the median: in a very slow rhythm (high-grade AV block, 20–30/min) most seconds hold no QRS, and their
  // largest peak is a P or T wave, which would then be taken for the QRS level. The 70th percentile is still a
  // QRS when three of eight seconds hold one, and ignores two seconds of artefact.
  const initEnd = cands[0].t + 8 * fs;
  const perSecond = new Map<number, number>();
  const early: number[] = [];
  for (const c of cands) {
    if (c.t > initEnd) break;
    const sec = Math.floor(c.t / fs);
    perSecond.set(sec, Math.max(perSecond.get(sec) ?? 0, c.h));
    early.push(c.h);
  }
  let spk = quantile([...perSecond.values()], 0.7);
  let npk = Math.min(0.5 * spk, median(early.filter((h) => h < 0.5 * spk)));
  const tWindow = Math.round(T_WAVE_WINDOW_SEC * fs);
  const minGap = Math.round(refractorySec * fs);
  const rrs = new RecentValues(8);
  let rrMean = 0;
  const beats: Candidate[] = [];
  const recentSlopes = new RecentValues(8);
  let typicalSlope = 0;
  // A T wave rises slowly: within the T-wave window, a peak whose slope is under half of both the last beat's and
  // the recent beats' typical slope is taken for the last beat's T wave.
  const looksLikeTWave = (c: Candidate, last: Candidate) =>
    c.t - last.t < tWindow &&
    slopeOf(c, f, fs) < T_SLOPE_RATIO * Math.min(slopeOf(last, f, fs), typicalSlope);

  const accept = (c: Candidate, weight: number) => {
    const last = beats[beats.length - 1];
    if (last) {
      rrs.push(c.t - last.t);
      rrMean = rrs.median();
    }
    beats.push(c);
    spk = weight * c.h + (1 - weight) * spk;
    recentSlopes.push(slopeOf(c, f, fs));
    typicalSlope = recentSlopes.median();
  };

  let searchFrom = 0; // index in cands of the first candidate after the last beat
  for (let k = 0; k < cands.length; k++) {
    const c = cands[k];
    // Search back when the gap since the last beat is too long.
    let last = beats[beats.length - 1];
    while (last && rrMean > 0 && c.t - last.t > SEARCH_BACK_RR * rrMean) {
      const thr2 = 0.5 * (npk + THRESHOLD_FRACTION * (spk - npk));
      let best: Candidate | undefined;
      for (let j = searchFrom; j < k; j++) {
        const b = cands[j];
        if (b.t - last.t < minGap || c.t - b.t < minGap) continue;
        if (looksLikeTWave(b, last)) continue;
        if (b.h > thr2 && (!best || b.h > best.h)) best = b;
      }
      if (!best) break;
      best.searchBack = true;
      accept(best, 0.25);
      searchFrom = cands.indexOf(best, searchFrom) + 1;
      last = best;
    }
    const thr1 = npk + THRESHOLD_FRACTION * (spk - npk);
    let isBeat = c.h > thr1;
    if (isBeat && last) {
      const gap = c.t - last.t;
      if (gap < minGap) isBeat = false;
      else if (looksLikeTWave(c, last)) isBeat = false;
    }
    if (isBeat) {
      accept(c, 0.125);
      searchFrom = k + 1;
    } else npk = 0.125 * c.h + 0.875 * npk;
  }
  return beats;
}

/**
 * Places each beat on the sample, within ±80 ms of the envelope peak, where the band-passed leads deflect most
 * (each lead scaled by its typical QRS amplitude), corrected for the band-pass delay. This lands near the R peak
 * (or the dominant wave of a QS complex) consistently from beat to beat.
 */
function refineFiducials(beats: Candidate[], f: FeatureSignals, fs: number, n: number) {
  const half = Math.round(0.08 * fs);
  const scales = f.leads.map((l) => typicalAmplitude(l.band, beats, half, l.delay));
  const place = (t: number): number => {
    let best = t;
    let bestV = -1;
    for (let i = Math.max(0, t - half); i <= Math.min(n - 1, t + half); i++) {
      let v = 0;
      for (let l = 0; l < f.leads.length; l++) {
        const lead = f.leads[l];
        const j = i + lead.delay;
        if (j < n && scales[l] > 0) v += Math.abs(lead.band[j]) / scales[l];
      }
      if (v > bestV) {
        bestV = v;
        best = i;
      }
    }
    return best;
  };
  const out = new Int32Array(beats.length);
  const heights = new Float64Array(beats.length);
  const searchBack = new Uint8Array(beats.length);
  let count = 0;
  let prev = -1;
  for (const b of beats) {
    const best = place(b.t);
    if (best <= prev) continue;
    heights[count] = b.h;
    searchBack[count] = b.searchBack ? 1 : 0;
    out[count++] = best;
    prev = best;
  }
  return {
    positions: out.slice(0, count),
    heights: heights.slice(0, count),
    searchBack: searchBack.slice(0, count),
    place,
  };
}

/** Median over beats of the largest |band| near each beat: the lead's typical QRS amplitude. */
function typicalAmplitude(band: Float32Array, beats: Candidate[], half: number, delay: number): number {
  const step = Math.max(1, Math.floor(beats.length / 2000));
  const peaks: number[] = [];
  for (let k = 0; k < beats.length; k += step) {
    const t = beats[k].t + delay;
    let m = 0;
    for (let i = Math.max(0, t - half); i <= Math.min(band.length - 1, t + half); i++) {
      const a = Math.abs(band[i]);
      if (a > m) m = a;
    }
    peaks.push(m);
  }
  return median(peaks);
}
