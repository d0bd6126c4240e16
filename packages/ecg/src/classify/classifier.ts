/**
 * Unsupervised, per-record beat classification (no training on any database): beats are clustered on line by
 * shape, the largest cluster is taken as the patient's dominant (normally conducted) beat, and each beat is then
 * judged against that dominant template (shape correlation, QRS width, amplitude) and against the local rhythm
 * (prematurity, compensatory pause). This is the classic template-matching design of Holter systems, re-stated
 * from the literature (e.g. Hamilton & Tompkins' and EP Limited's open descriptions), written from scratch here.
 *
 * The classifier is streaming: `push` clusters beats as they arrive, `drain` classifies the beats whose next beat
 * is known (prematurity and compensatory pause need it). A whole record is simply pushed then drained with
 * `final = true`.
 */
import { EcgError } from '../record';
import type { AamiClass } from '../types';
import {
  type BeatFeatures,
  type BeatWindow,
  beatWindow,
  bestCorrelation,
  shapeRms,
  templateFromShape,
} from './features';
import { fusionFit } from './fusion';

export interface ClassifierOptions {
  /** Correlation needed to join an existing cluster (default 0.92). */
  clusterCorrelation?: number;
  /** Maximum number of clusters kept; beyond it beats join their best match (default 48). */
  maxClusters?: number;
  /**
   * Pacemaker spikes (absolute sample indices, ascending) as flagged by the recorder's pace channel. A beat whose
   * QRS follows a spike within 300 ms is paced (class P). Spikes are not searched for in the signal: at Holter
   * sampling rates, behind the recorder's anti-aliasing filter, they cannot be told from sharp QRS complexes.
   */
  pacingSpikes?: Int32Array;
  /**
   * The patient has a pacemaker but no spike channel is given (from the order or the device): the dominant
   * morphology, and shapes like it at non-premature timing, are called paced (P); clearly narrower shapes are
   * native beats; early, different shapes stay V. Assumes a mostly paced rhythm.
   */
  pacemaker?: boolean;
  /** Noise ratio above which a beat is unclassifiable, class Q (default 0.45). */
  noiseRatio?: number;
}

interface Cluster {
  template: Float32Array;
  rms: number;
  count: number;
  widthMs: number;
  /** Classified beats of this cluster, and how many of them were premature. */
  judged: number;
  premature: number;
  preSum: number;
  /** Beat counter value when the cluster last received a beat. */
  lastUsed: number;
  /** Beats of this cluster still waiting in `pending`. */
  pendingRefs: number;
  /** Running mean of the beats' pre-QRS segments (where P waves are). */
  atrial?: Float32Array;
  /** Beats whose pre-QRS segment was compared with the dominant one, and the sum of those correlations. */
  pJudged: number;
  pSum: number;
  /** Beats of this cluster classified V (the record's ventricular template is the cluster with most). */
  vCount: number;
}

interface PendingBeat {
  f: BeatFeatures;
  cluster: number;
}

const HISTORY = 8;
/** Mean pre-QRS correlation with the dominant beat's above which P waves are taken as present and alike. */
const P_PRESENT = 0.6;
/** Mean self-consistency of the dominant beats' pre-QRS segments above which P waves can be compared at all. */
const P_MEASURABLE = 0.4;
/** A cluster smaller than this share of the dominant cluster is "rare". */
const RARE_SHARE = 0.02;
/** RR over the reference below which a beat is early enough to be supraventricular, and within a run. */
const S_PREMATURE = 0.85;
const S_RUN_PREMATURE = 0.85;
/** Consecutive S beats after which their rate becomes the new reference rate. */
const MAX_S_RUN = 8;
/** An early beat's interval must also be this much shorter than the interval before it. */
const ABRUPT = 0.9;
/** A cluster unused for this many beats may be recycled when the cluster table is full. */
const STALE_BEATS = 2000;
/** RR before a beat, relative to the local median RR, below which the beat counts as premature. */
const PREMATURE = 0.88;
/** Local RR irregularity above which early beats are not called supraventricular (AF-like background). */
const IRREGULAR = 0.18;
/** AF-type irregularity (median of min first/second successive RR difference) above which the rhythm looks like AF. */
const FIBRILLATORY = 0.07;
/** Fusion: RR window (relative to the local median) of an on-time beat, blend share, fit and gain over one template. */
const FUSION_MIN_PRE = 0.9;
const FUSION_MAX_PRE = 1.3;
const FUSION_SHARE_MIN = 0.3;
const FUSION_SHARE_MAX = 0.85;
const FUSION_R2 = 0.7;
const FUSION_GAIN = 0.75;
const FUSION_MIN_V = 5;
/** Each template alone must explain this much of a fusion beat (both wavefronts are visible in it). */
const FUSION_MIN_PART = 0.2;
/** A fusion cluster holds at most this share of the dominant cluster's beats. */
const FUSION_MAX_CLUSTER = 0.5;

export class BeatClassifier {
  private readonly win: BeatWindow;
  private readonly clusters: Cluster[] = [];
  private readonly pending: PendingBeat[] = [];
  /** Centres of the last HISTORY classified beats, for RR context. */
  private readonly history: number[] = [];
  private readonly opts: Required<ClassifierOptions>;
  private beatCounter = 0;
  /** Recent normal-to-normal intervals (samples), the reference for prematurity of supraventricular beats. */
  private nnHistory: number[] = [];
  private sRun = 0;
  /** Beats of the current S run whose pre-QRS segment is unlike the sinus P wave. */
  private sRunForeignP = 0;
  private lastClass: AamiClass | undefined;
  private lastInterval: number | undefined;
  /** Cluster indices by decreasing size, refreshed now and then. */
  private order: number[] = [];

  constructor(
    readonly sampleRate: number,
    readonly leadCount: number,
    options: ClassifierOptions = {},
  ) {
    this.win = beatWindow(sampleRate);
    this.opts = {
      clusterCorrelation: options.clusterCorrelation ?? 0.92,
      maxClusters: options.maxClusters ?? 48,
      pacingSpikes: options.pacingSpikes ?? new Int32Array(0),
      pacemaker: options.pacemaker ?? false,
      noiseRatio: options.noiseRatio ?? 0.45,
    };
  }

  /** Number of beats waiting for classification. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Adds beats (in time order) and assigns each to a shape cluster. */
  push(features: BeatFeatures[]): void {
    for (const f of features) this.pending.push({ f, cluster: this.assign(f) });
  }

  /**
   * Classifies pending beats. Without `final`, the last HISTORY beats stay pending (their local rhythm context
   * needs the beats that follow).
   * Returns the classes and the features of the classified beats, in order.
   */
  drain(final: boolean): { features: BeatFeatures[]; classes: AamiClass[] } {
    const count = final ? this.pending.length : Math.max(0, this.pending.length - HISTORY);
    const features: BeatFeatures[] = [];
    const classes: AamiClass[] = [];
    if (count === 0) return { features, classes };
    const dominant = this.dominantCluster();
    const clusterCorr = new Map<number, number>();
    const corrToDominant = (c: number): number => {
      let v = clusterCorr.get(c);
      if (v === undefined) {
        v =
          c === dominant
            ? 1
            : this.templateCorrelation(this.clusters[c].template, this.clusters[dominant].template);
        clusterCorr.set(c, v);
      }
      return v;
    };
    const all = this.pending;
    const dom = this.clusters[dominant];
    // First pass: rhythm context of each beat, and how premature each cluster is as a whole.
    const pre = new Float64Array(count);
    const irregular = new Uint8Array(count);
    const fibrillatory = new Uint8Array(count);
    const pWave = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const centre = all[i].f.centre;
      const prev = i > 0 ? all[i - 1].f.centre : this.history[this.history.length - 1];
      const local = this.localRr(all, i);
      pre[i] = prev !== undefined ? (centre - prev) / local.median : 1;
      irregular[i] = local.irregularity > IRREGULAR ? 1 : 0;
      fibrillatory[i] = local.fibrillatory > FIBRILLATORY ? 1 : 0;
      const cl = this.clusters[all[i].cluster];
      pWave[i] = correlation(all[i].f.atrial, this.clusters[dominant].atrial);
      if (!Number.isNaN(pWave[i])) {
        cl.pJudged++;
        cl.pSum += pWave[i];
      }
      cl.judged++;
      cl.preSum += Math.min(pre[i], 2);
      if (pre[i] < PREMATURE) cl.premature++;
    }
    for (let i = 0; i < count; i++) {
      const beat = all[i];
      const centre = beat.f.centre;
      const prev = i > 0 ? all[i - 1].f.centre : this.history[this.history.length - 1];
      const interval = prev !== undefined ? centre - prev : undefined;
      // Prematurity against the recent normal-to-normal interval as well as against the local median: inside a
      // run of supraventricular beats the local median is the run's own rate, the NN interval is not.
      const nnRef = this.nnHistory.length >= 3 ? medianOf(this.nnHistory) : undefined;
      const preNn = interval !== undefined && nnRef ? interval / nnRef : 1;
      const prevClass = i > 0 ? classes[i - 1] : this.lastClass;
      // Sinus arrhythmia shortens RR gradually; an ectopic beat comes abruptly, shorter than the interval before.
      const before = i > 1 ? all[i - 1].f.centre - all[i - 2].f.centre : this.lastInterval;
      const abrupt = interval !== undefined && before !== undefined && interval < ABRUPT * before;
      const early =
        pre[i] < S_PREMATURE ||
        (preNn < S_PREMATURE && (abrupt || (prevClass === 'S' && preNn < S_RUN_PREMATURE)));
      let cls = this.decide(
        beat,
        dominant,
        corrToDominant(beat.cluster),
        pre[i],
        early && !irregular[i],
        fibrillatory[i] === 1,
        pWave[i],
      );
      if ((cls === 'N' || cls === 'V') && this.isFusion(beat, dominant, pre[i])) cls = 'F';
      if (cls === 'V') this.clusters[beat.cluster].vCount++;
      classes.push(cls);
      features.push(beat.f);
      if (interval !== undefined && cls === 'N' && prevClass === 'N') {
        this.nnHistory.push(interval);
        if (this.nnHistory.length > HISTORY) this.nnHistory.shift();
      }
      // A long run of "S" is more likely a new sinus rate than an atrial tachycardia when its P waves look like the
      // sinus P waves (or when P waves cannot be compared): then its rate becomes the reference.
      this.sRun = cls === 'S' ? this.sRun + 1 : 0;
      // At fast rates the P wave merges into the previous T wave and cannot be measured; a much faster rate than
      // the sinus reference then counts against sinus origin too.
      const unlikeSinus = pWave[i] < 0.3 || (Number.isNaN(pWave[i]) && preNn < 0.75);
      this.sRunForeignP = cls === 'S' ? this.sRunForeignP + (unlikeSinus ? 1 : 0) : 0;
      const dominantHasP = dom.pJudged >= 3 && dom.pSum / dom.pJudged > P_MEASURABLE;
      const foreign = dominantHasP && this.sRunForeignP * 2 >= this.sRun;
      if (this.sRun >= MAX_S_RUN && !foreign && interval !== undefined)
        this.nnHistory = [interval, interval, interval];
      this.lastClass = cls;
      this.lastInterval = interval;
    }
    for (let i = 0; i < count; i++) {
      this.clusters[all[i].cluster].pendingRefs--;
      this.history.push(all[i].f.centre);
      if (this.history.length > HISTORY) this.history.shift();
    }
    all.splice(0, count);
    return { features, classes };
  }

  private assign(f: BeatFeatures): number {
    this.beatCounter++;
    if (this.beatCounter % 256 === 0 || this.order.length !== this.clusters.length) {
      this.order = this.clusters
        .map((_, i) => i)
        .sort((x, y) => this.clusters[y].count - this.clusters[x].count);
    }
    const rms = shapeRms(f.shape, this.leadCount, this.win);
    let best = -1;
    let bestCorr = -2;
    let bestLag = 0;
    // Most beats match one of the big clusters: try them first and stop at the first good match.
    for (const c of this.order) {
      const cl = this.clusters[c];
      const ratio = rms / (cl.rms || 1);
      if (ratio < 0.6 || ratio > 1.65) continue;
      const { corr, lag } = bestCorrelation(f.shape, cl.template, this.leadCount, this.win);
      if (corr > bestCorr) {
        bestCorr = corr;
        best = c;
        bestLag = lag;
        if (corr >= this.opts.clusterCorrelation) break;
      }
    }
    if (best >= 0 && bestCorr >= this.opts.clusterCorrelation) return this.update(best, f, bestLag, rms);
    const fresh: Cluster = {
      template: templateFromShape(f.shape, this.leadCount, this.win),
      rms,
      count: 1,
      widthMs: f.widthMs,
      judged: 0,
      premature: 0,
      preSum: 0,
      lastUsed: this.beatCounter,
      pendingRefs: 1,
      atrial: f.atrial ? Float32Array.from(f.atrial) : undefined,
      pJudged: 0,
      pSum: 0,
      vCount: 0,
    };
    if (this.clusters.length < this.opts.maxClusters) {
      this.clusters.push(fresh);
      return this.clusters.length - 1;
    }
    // Full: recycle a small cluster not seen for a long time (old artefacts), so that a morphology appearing
    // late in a 24-h recording still gets its own cluster. Clusters with beats awaiting classification stay.
    let victim = -1;
    for (let c = 0; c < this.clusters.length; c++) {
      const cl = this.clusters[c];
      if (cl.pendingRefs > 0 || this.beatCounter - cl.lastUsed < STALE_BEATS) continue;
      if (victim < 0 || cl.count < this.clusters[victim].count) victim = c;
    }
    if (victim >= 0) {
      this.clusters[victim] = fresh;
      this.order = [];
      return victim;
    }
    if (best < 0) {
      // Every cluster failed the amplitude gate: join the nearest by amplitude.
      let bestDiff = Infinity;
      for (let c = 0; c < this.clusters.length; c++) {
        const d = Math.abs(Math.log(rms / (this.clusters[c].rms || 1)));
        if (d < bestDiff) {
          bestDiff = d;
          best = c;
        }
      }
      bestLag = 0;
    }
    return this.update(best, f, bestLag, rms);
  }

  private update(c: number, f: BeatFeatures, lag: number, rms: number): number {
    const cl = this.clusters[c];
    // Slowly adapting templates follow gradual changes (axis shifts with posture) without absorbing outliers.
    const alpha = Math.max(0.02, 1 / (cl.count + 1));
    const len = this.win.length;
    const span = len + 2 * this.win.lagMargin;
    for (let l = 0; l < this.leadCount; l++) {
      const src = l * span + this.win.lagMargin + lag;
      for (let k = 0; k < len; k++) {
        const t = l * len + k;
        cl.template[t] += alpha * (f.shape[src + k] - cl.template[t]);
      }
    }
    cl.rms += alpha * (rms - cl.rms);
    if (f.atrial) {
      if (!cl.atrial) cl.atrial = Float32Array.from(f.atrial);
      else for (let k = 0; k < cl.atrial.length; k++) cl.atrial[k] += alpha * (f.atrial[k] - cl.atrial[k]);
    }
    cl.widthMs += alpha * (f.widthMs - cl.widthMs);
    cl.count++;
    cl.lastUsed = this.beatCounter;
    cl.pendingRefs++;
    return c;
  }

  /** Classes for a paced patient without a spike channel (see ClassifierOptions.pacemaker). */
  private decidePaced(beat: PendingBeat, dominant: number, clusterCorr: number, pre: number): AamiClass {
    if (beat.cluster === dominant) return 'P';
    const d = this.clusters[dominant];
    const own = this.clusters[beat.cluster];
    const widthRatio = own.widthMs / (d.widthMs || 1);
    const early = pre < PREMATURE;
    if (widthRatio < 0.75) return early ? 'S' : 'N';
    if (clusterCorr >= 0.8 && !early) return 'P';
    return clusterCorr < 0.75 && early ? 'V' : 'P';
  }

  /**
   * Fusion (class F): a beat outside the dominant cluster, on time (not premature: the sinus impulse must reach
   * the ventricles together with the ectopic one), whose QRS is fitted as a blend of the dominant template and the
   * record's ventricular template (the cluster with most V beats) clearly better than by either alone, with both
   * parts carrying real weight. Needs a ventricular morphology seen at least FUSION_MIN_V times.
   */
  private isFusion(beat: PendingBeat, dominant: number, pre: number): boolean {
    if (this.opts.pacemaker || beat.cluster === dominant) return false;
    if (pre < FUSION_MIN_PRE || pre > FUSION_MAX_PRE) return false;
    let vc = -1;
    for (let c = 0; c < this.clusters.length; c++) {
      if (c === dominant || this.clusters[c].vCount < FUSION_MIN_V) continue;
      if (vc < 0 || this.clusters[c].vCount > this.clusters[vc].vCount) vc = c;
    }
    if (vc < 0 || vc === beat.cluster) return false;
    // A shape nearly as common as the dominant one is a second conduction pattern, not a chance coincidence.
    if (this.clusters[beat.cluster].count > FUSION_MAX_CLUSTER * this.clusters[dominant].count) return false;
    const fit = fusionFit(
      beat.f.shape,
      this.clusters[dominant].template,
      this.clusters[vc].template,
      this.leadCount,
      this.win,
    );
    const single = Math.max(fit.r2Normal, fit.r2Ventricular);
    return (
      fit.ventricularShare >= FUSION_SHARE_MIN &&
      fit.ventricularShare <= FUSION_SHARE_MAX &&
      fit.r2Blend >= FUSION_R2 &&
      fit.r2Normal >= FUSION_MIN_PART &&
      fit.r2Ventricular >= FUSION_MIN_PART &&
      1 - fit.r2Blend <= FUSION_GAIN * (1 - single)
    );
  }

  private spikeCursor = 0;

  /**
   * Appends pacing spikes found while streaming (absolute sample indices, ascending, after every spike given so
   * far). Spikes must be added before the beats they precede are pushed.
   */
  addPacingSpikes(spikes: Int32Array): void {
    if (spikes.length === 0) return;
    const old = this.opts.pacingSpikes;
    if (old.length && spikes[0] <= old[old.length - 1]) {
      throw new EcgError('addPacingSpikes: spikes must come after those already given');
    }
    // Spikes the cursor has passed are no longer needed: only the unread tail is kept.
    const tail = old.subarray(this.spikeCursor);
    const next = new Int32Array(tail.length + spikes.length);
    next.set(tail);
    next.set(spikes, tail.length);
    this.opts.pacingSpikes = next;
    this.spikeCursor = 0;
  }

  /** True when a pacing spike lies within 300 ms before (or 30 ms after) the QRS centre. Beats arrive in order. */
  private followsPacingSpike(centre: number): boolean {
    const spikes = this.opts.pacingSpikes;
    if (spikes.length === 0) return false;
    const before = Math.round(0.3 * this.sampleRate);
    const after = Math.round(0.03 * this.sampleRate);
    while (this.spikeCursor < spikes.length && spikes[this.spikeCursor] < centre - before) this.spikeCursor++;
    return this.spikeCursor < spikes.length && spikes[this.spikeCursor] <= centre + after;
  }

  private dominantCluster(): number {
    let best = 0;
    for (let c = 1; c < this.clusters.length; c++)
      if (this.clusters[c].count > this.clusters[best].count) best = c;
    return best;
  }

  private templateCorrelation(a: Float32Array, b: Float32Array): number {
    // Pad `a` with its edge values into a shape so the lag search of bestCorrelation applies.
    const len = this.win.length;
    const m = this.win.lagMargin;
    const span = len + 2 * m;
    const shape = new Float32Array(this.leadCount * span);
    for (let l = 0; l < this.leadCount; l++) {
      for (let k = 0; k < span; k++) shape[l * span + k] = a[l * len + Math.min(len - 1, Math.max(0, k - m))];
    }
    return bestCorrelation(shape, b, this.leadCount, this.win).corr;
  }

  /**
   * Median of the RR intervals around beat i (up to HISTORY before and after), in samples, and their irregularity
   * (mean absolute successive difference over that median: ≈0 in sinus rhythm, ≥0.15 in atrial fibrillation).
   */
  private localRr(
    all: PendingBeat[],
    i: number,
  ): { median: number; irregularity: number; fibrillatory: number } {
    const centres: number[] = [];
    for (let k = i - HISTORY; k <= i + HISTORY; k++) {
      if (k < 0) {
        const h = this.history.length + k;
        if (h >= 0) centres.push(this.history[h]);
      } else if (k < all.length) centres.push(all[k].f.centre);
    }
    const rr: number[] = [];
    for (let k = 1; k < centres.length; k++) {
      const d = centres[k] - centres[k - 1];
      if (d > 0) rr.push(d);
    }
    if (rr.length === 0) return { median: this.sampleRate, irregularity: 0, fibrillatory: 0 };
    let diffSum = 0;
    for (let k = 1; k < rr.length; k++) diffSum += Math.abs(rr[k] - rr[k - 1]);
    // AF-type irregularity (as in rhythm/af.ts): the smaller of the first and second successive differences,
    // so bigeminal alternation, which repeats every second interval, does not count.
    const e: number[] = [];
    for (let k = 2; k < rr.length; k++) {
      const d1 = Math.abs(rr[k] - rr[k - 1]) / (rr[k] + rr[k - 1]);
      const d2 = Math.abs(rr[k] - rr[k - 2]) / (rr[k] + rr[k - 2]);
      e.push(2 * Math.min(d1, d2));
    }
    e.sort((a, b) => a - b);
    rr.sort((a, b) => a - b);
    const median = rr[rr.length >> 1];
    return {
      median,
      irregularity: rr.length > 1 ? diffSum / (rr.length - 1) / median : 0,
      fibrillatory: e.length ? e[e.length >> 1] : 0,
    };
  }

  private decide(
    beat: PendingBeat,
    dominant: number,
    clusterCorr: number,
    pre: number,
    supraventricular: boolean,
    fibrillatory: boolean,
    pWave: number,
  ): AamiClass {
    const f = beat.f;
    if (f.noiseRatio > this.opts.noiseRatio) return 'Q';
    if (this.followsPacingSpike(f.centre)) return 'P';
    // `supraventricular`: early against a regular background (in atrial fibrillation every other beat is early).
    if (this.opts.pacemaker) return this.decidePaced(beat, dominant, clusterCorr, pre);
    if (beat.cluster === dominant) return supraventricular ? 'S' : 'N';
    const d = this.clusters[dominant];
    const own = this.clusters[beat.cluster];
    const { corr } = bestCorrelation(f.shape, d.template, this.leadCount, this.win);
    const widthRatio = f.widthMs / (d.widthMs || 1);
    const clusterWidthRatio = own.widthMs / (d.widthMs || 1);
    const clusterPremature = own.judged > 0 ? own.premature / own.judged : 0;
    // A ventricular beat differs in shape AND shows it either by a wide QRS or by coming early; a different shape
    // alone (axis shift, lead artefact, intermittent aberration at normal timing) is not enough.
    const diff = Math.min(corr, clusterCorr);
    const clusterMeanPre = own.judged > 0 ? own.preSum / own.judged : 1;
    const wide = widthRatio > 1.3 || clusterWidthRatio > 1.2;
    // In atrial fibrillation every cluster has some early beats; only a cluster that is early as a rule counts.
    // Against an irregular background (AF) half of all beats come "early": a narrow cluster there counts as early
    // only when it is very early on average; otherwise QRS width and shape must carry the decision.
    const early =
      (clusterPremature > 0.5 || clusterMeanPre < 0.8) &&
      !(fibrillatory && clusterWidthRatio < 1 && clusterMeanPre > 0.7);
    // Artefact rather than beat: far too early for any beat, or a small, rare shape unlike the dominant beat
    // (noise spikes, T or P waves taken for a QRS). Calling these V would flood the V counts with false alarms.
    const amp = shapeRms(f.shape, this.leadCount, this.win) / (d.rms || 1);
    if (pre < 0.3 || (amp < 0.5 && diff < 0.5 && own.count < 5)) return 'Q';
    // Conducted, not ventricular: the dominant beats have P waves, and this cluster, at normal timing, is preceded
    // by the same P wave (intermittent or rate-dependent bundle branch block, aberrancy, posture changes).
    const dominantP = d.pJudged >= 3 ? d.pSum / d.pJudged : 0;
    const clusterP = own.pJudged >= 3 ? own.pSum / own.pJudged : 0;
    if (!early && dominantP > P_PRESENT && clusterP > P_PRESENT && !(pWave < 0.4))
      return supraventricular ? 'S' : 'N';
    if (diff < 0.75 && (wide || early)) return 'V';
    if (diff < 0.88 && wide && early) return 'V';
    // A rare shape unrelated to the dominant beat, at normal timing and width: late-coupled or escape ventricular
    // beats. A common one (a second conduction pattern, lead repositioning) stays N.
    if (diff < 0.3 && !fibrillatory && own.count >= 3 && own.count < RARE_SHARE * d.count && amp > 0.6)
      return 'V';
    if (supraventricular && diff >= 0.8) return 'S';
    return 'N';
  }
}

function medianOf(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Pearson correlation of two equal-length arrays; NaN when either is missing or flat. */
function correlation(a: Float32Array | undefined, b: Float32Array | undefined): number {
  if (!a || !b || a.length !== b.length) return Number.NaN;
  let ma = 0;
  let mb = 0;
  for (let k = 0; k < a.length; k++) {
    ma += a[k];
    mb += b[k];
  }
  ma /= a.length;
  mb /= b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let k = 0; k < a.length; k++) {
    sab += (a[k] - ma) * (b[k] - mb);
    saa += (a[k] - ma) ** 2;
    sbb += (b[k] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Number.NaN;
}
