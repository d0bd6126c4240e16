/**
 * Streaming Holter analysis with bounded memory. Samples arrive in chunks of any size; internally they are cut
 * into fixed blocks (default 5 min) analysed with an overlap margin on each side, so the result does not depend on
 * how the caller chunks the data. Only the current block and its margins are kept; per beat only its position,
 * class and atrial-activity score are kept (a few bytes × ~100 000 beats a day).
 *
 * Chunk-edge rule: a block accepts the beats its detector finds after the last accepted beat plus a refractory
 * period and before the block end. A QRS straddling a block boundary is seen by both neighbouring windows; the
 * first to reach it accepts it, the other skips it as too close: no beat is lost or doubled.
 *
 * Pacing: at 500 Hz and above, unless the recorder's pace channel is given (`classifier.pacingSpikes`), every
 * block is searched for pacemaker spikes (detect/pacing.ts) and the spikes that lead an accepted beat by at most
 * 300 ms mark it paced, as in the resting analysis. A block needs three such spikes before any is believed.
 */
import { BeatClassifier, type ClassifierOptions } from '../classify/classifier';
import { extractBeatFeatures } from '../classify/features';
import { morphologyFilter } from '../classify/preprocess';
import { detectPacingSpikes, detectQrs } from '../detect';
import { EcgError, type EcgRecord } from '../record';
import { atrialActivity } from '../rhythm/atrial';
import type { AamiClass } from '../types';
import { type HolterSummary, type SummaryOptions, summariseBeats } from './summary';

export type HolterDetector = (record: EcgRecord) => Int32Array;

export interface HolterOptions extends SummaryOptions {
  sampleRate: number;
  /** Lead names, one per lead pushed (their number fixes the lead count). */
  leadNames: string[];
  /** QRS detector run on every block (default: detectQrs of this package). */
  detector?: HolterDetector;
  /** Block length in seconds (default 300). */
  blockSec?: number;
  /** Overlap margin on each side of a block, seconds (default 4). */
  marginSec?: number;
  classifier?: ClassifierOptions;
}

const CLASS_CODES: AamiClass[] = ['N', 'S', 'V', 'F', 'Q', 'P'];
/** Pacing spikes are searched at this sampling rate and above (below it the recorder's filter smears them). */
const MIN_SPIKE_RATE = 500;
/** Spikes, each leading a beat, that a block needs before any of them is believed (a pacemaker paces repeatedly). */
const MIN_BLOCK_SPIKES = 3;

/** Growable typed arrays for the per-beat results. */
class BeatStore {
  samples = new Int32Array(4096);
  classes = new Uint8Array(4096);
  atrial = new Float32Array(4096);
  length = 0;
  push(sample: number, cls: AamiClass, atrial: number): void {
    if (this.length === this.samples.length) {
      const grow = <T extends Int32Array | Uint8Array | Float32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.samples = grow(this.samples);
      this.classes = grow(this.classes);
      this.atrial = grow(this.atrial);
    }
    this.samples[this.length] = sample;
    this.classes[this.length] = CLASS_CODES.indexOf(cls);
    this.atrial[this.length] = atrial;
    this.length++;
  }
}

export class HolterAnalyzer {
  private readonly fs: number;
  private readonly leadCount: number;
  private readonly block: number;
  private readonly margin: number;
  private readonly refractory: number;
  private readonly detector: HolterDetector;
  private readonly classifier: BeatClassifier;
  /** Buffered signal per lead; buffer[l][0] is absolute sample `bufferStart`. */
  private buffer: Float32Array[];
  private bufferLength = 0;
  private bufferStart = 0;
  /** Absolute sample where the next block starts (beats before it are final). */
  private blockStart = 0;
  private lastAccepted = Number.NEGATIVE_INFINITY;
  private total = 0;
  private finished = false;
  private readonly store = new BeatStore();
  /** Atrial-activity score of beats accepted but not yet classified, keyed by detector position. */
  private readonly pendingAtrial = new Map<number, number>();
  /** Search each block for pacing spikes (≥ 500 Hz and no pace channel given). */
  private readonly searchSpikes: boolean;
  /** Spikes accepted so far (a count for the caller; the classifier holds the positions). */
  private spikeCount = 0;
  private lastSpike = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: HolterOptions) {
    const fs = options.sampleRate;
    if (!Number.isFinite(fs) || fs < 50 || fs > 20000)
      throw new EcgError(`sampleRate ${fs} Hz is outside 50–20000 Hz`);
    if (!Array.isArray(options.leadNames) || options.leadNames.length === 0) {
      throw new EcgError('leadNames: at least one lead name is needed');
    }
    const blockSec = options.blockSec ?? 300;
    const marginSec = options.marginSec ?? 4;
    if (!(blockSec >= 10)) throw new EcgError(`blockSec ${blockSec} must be at least 10 s`);
    if (!(marginSec >= 1 && marginSec <= blockSec / 2)) {
      throw new EcgError(`marginSec ${marginSec} must be between 1 s and half the block`);
    }
    this.fs = fs;
    this.leadCount = options.leadNames.length;
    this.block = Math.round(blockSec * fs);
    this.margin = Math.round(marginSec * fs);
    this.refractory = Math.round(0.2 * fs);
    this.detector = options.detector ?? ((r) => detectQrs(r));
    this.classifier = new BeatClassifier(fs, Math.min(3, this.leadCount), options.classifier);
    this.searchSpikes =
      fs >= MIN_SPIKE_RATE && !options.classifier?.pacingSpikes?.length && !options.classifier?.pacemaker;
    this.buffer = options.leadNames.map(() => new Float32Array(this.block + 3 * this.margin));
  }

  /** Samples pushed so far, per lead. */
  get samplesPushed(): number {
    return this.total;
  }

  /** Pacing spikes found in the signal so far, each leading a beat (0 when not searched). */
  get pacingSpikesFound(): number {
    return this.spikeCount;
  }

  /** Adds one chunk: one Float32Array (µV) per lead, all the same length. */
  push(chunk: Float32Array[]): void {
    if (this.finished) throw new EcgError('push: the analysis is finished');
    if (!Array.isArray(chunk) || chunk.length !== this.leadCount) {
      throw new EcgError(
        `push: expected ${this.leadCount} leads, got ${Array.isArray(chunk) ? chunk.length : 'none'}`,
      );
    }
    const n = chunk[0]?.length ?? 0;
    for (let l = 0; l < chunk.length; l++) {
      if (!(chunk[l] instanceof Float32Array)) throw new EcgError(`push: lead ${l} must be a Float32Array`);
      if (chunk[l].length !== n)
        throw new EcgError(`push: lead ${l} has ${chunk[l].length} samples, lead 0 has ${n}`);
    }
    let offset = 0;
    while (offset < n) {
      const room = this.buffer[0].length - this.bufferLength;
      const take = Math.min(room, n - offset);
      for (let l = 0; l < this.leadCount; l++) {
        const src = chunk[l].subarray(offset, offset + take);
        // Non-finite samples (lead-off markers of some recorders) become 0 so filters stay finite.
        const dst = this.buffer[l];
        for (let k = 0; k < take; k++) {
          const v = src[k];
          dst[this.bufferLength + k] = Number.isFinite(v) ? v : 0;
        }
      }
      this.bufferLength += take;
      this.total += take;
      offset += take;
      while (this.bufferStart + this.bufferLength >= this.blockStart + this.block + this.margin) {
        this.processBlock(false);
      }
    }
  }

  /** Analyses what is left and returns the summary. The analyzer cannot be used afterwards. */
  finish(): HolterSummary {
    if (this.finished) throw new EcgError('finish: already called');
    while (this.blockStart < this.total) this.processBlock(true);
    this.finished = true;
    this.collect(this.classifier.drain(true));
    const { samples, classes, atrial, length } = this.store;
    const classList: AamiClass[] = new Array(length);
    for (let i = 0; i < length; i++) classList[i] = CLASS_CODES[classes[i]];
    return summariseBeats(
      {
        samples: samples.slice(0, length),
        classes: classList,
        atrialActivity: atrial.slice(0, length),
        sampleRate: this.fs,
        totalSamples: this.total,
      },
      this.options,
    );
  }

  private processBlock(last: boolean): void {
    const end = Math.min(this.blockStart + this.block, this.total);
    const winStart = Math.max(this.bufferStart, this.blockStart - this.margin);
    const winEnd = Math.min(this.bufferStart + this.bufferLength, end + this.margin);
    const from = winStart - this.bufferStart;
    const to = winEnd - this.bufferStart;
    const leads = this.buffer.map((b) => b.slice(from, to));
    if (to - from >= Math.round(0.5 * this.fs)) {
      const record: EcgRecord = {
        sampleRate: this.fs,
        leads: leads.map((samples, l) => ({ name: this.options.leadNames[l], samples })),
      };
      // A block the detector refuses (e.g. no usable lead) simply yields no beats; the recording goes on.
      let detected: Int32Array;
      try {
        detected = this.detector(record);
      } catch (e) {
        if (!(e instanceof EcgError)) throw e;
        detected = new Int32Array(0);
      }
      const accepted: number[] = [];
      for (const rel of detected) {
        const abs = rel + winStart;
        if (abs <= this.lastAccepted + this.refractory) continue;
        if (abs >= end && !(last && end >= this.total)) continue;
        accepted.push(rel);
        this.lastAccepted = abs;
      }
      if (accepted.length && this.searchSpikes) this.addSpikes(record, accepted, winStart, end);
      if (accepted.length) this.analyseBeats(leads, Int32Array.from(accepted), detected, winStart);
    }
    this.blockStart = end;
    // Keep only the margin before the next block.
    const keepFrom = Math.max(this.bufferStart, this.blockStart - this.margin) - this.bufferStart;
    if (keepFrom > 0) {
      for (const b of this.buffer) b.copyWithin(0, keepFrom, this.bufferLength);
      this.bufferLength -= keepFrom;
      this.bufferStart += keepFrom;
    }
  }

  /**
   * Spikes of this block (before its end, after the last spike kept) that lead one of its accepted beats by at most
   * 300 ms (or follow its fiducial by 30 ms), handed to the classifier before the beats are.
   */
  private addSpikes(record: EcgRecord, accepted: number[], winStart: number, end: number): void {
    const found = detectPacingSpikes(record).samples;
    const before = Math.round(0.3 * this.fs);
    const after = Math.round(0.03 * this.fs);
    const kept: number[] = [];
    let j = 0;
    for (const rel of found) {
      const abs = rel + winStart;
      if (abs <= this.lastSpike || abs >= end) continue;
      while (j < accepted.length && accepted[j] < rel - after) j++;
      if (j < accepted.length && accepted[j] <= rel + before) kept.push(abs);
    }
    if (kept.length < MIN_BLOCK_SPIKES) return;
    this.classifier.addPacingSpikes(Int32Array.from(kept));
    this.lastSpike = kept[kept.length - 1];
    this.spikeCount += kept.length;
  }

  private analyseBeats(
    leads: Float32Array[],
    accepted: Int32Array,
    detected: Int32Array,
    winStart: number,
  ): void {
    const use = leads.slice(0, Math.min(3, leads.length));
    const filtered = use.map((x) => morphologyFilter(x, this.fs));
    const features = extractBeatFeatures({
      leads: use,
      sampleRate: this.fs,
      positions: accepted,
      offset: winStart,
      filtered,
    });
    // Atrial activity uses every detected beat of the window as context, then keeps the accepted ones.
    const activity = atrialActivity({ leads: use, sampleRate: this.fs, positions: detected, filtered });
    let k = 0;
    for (const rel of accepted) {
      while (k < detected.length && detected[k] < rel) k++;
      this.pendingAtrial.set(
        rel + winStart,
        k < detected.length && detected[k] === rel ? activity[k] : Number.NaN,
      );
    }
    this.classifier.push(features);
    this.collect(this.classifier.drain(false));
  }

  private collect(out: { features: { given: number }[]; classes: AamiClass[] }): void {
    for (let i = 0; i < out.classes.length; i++) {
      const at = out.features[i].given;
      this.store.push(at, out.classes[i], this.pendingAtrial.get(at) ?? Number.NaN);
      this.pendingAtrial.delete(at);
    }
  }
}
