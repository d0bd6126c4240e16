import type { AvConduction } from '../delineate/atrial';
import type { AvBlockPattern } from '../delineate/avblock';
import type { FlutterFinding } from '../rhythm/flutter-waves';
import type { BeatList, Measurements } from '../types';

export type Sex = 'M' | 'F';

/** Everything the interpretation rules look at. */
export interface InterpretInput {
  measurements: Measurements;
  beats: BeatList;
  sampleRate: number;
  /** Whether the representative beat has a P wave before the QRS. */
  pWavePresent: boolean;
  /**
   * Median beat-to-beat consistency of the pre-QRS segment (−1…1, rhythm/atrialActivity): ≈0.7–0.95 with P
   * waves, ≈0–0.4 in AF. Optional second opinion on P-wave presence.
   */
  atrialConsistency?: number;
  /** P waves not locked to the QRS, related to the QRS rhythm (only computed for slow regular rhythms). */
  avConduction?: AvConduction;
  /** Atrial flutter waves found in the record (rhythm/flutter-waves.ts). */
  flutter?: FlutterFinding;
  /** P–QRS pattern of second-degree AV block (delineate/avblock.ts), when P waves could be followed. */
  avBlock?: AvBlockPattern;
  /** A copy of the P wave half a cycle after the conducted one in the median beat (see blockedPWave). */
  blockedP?: { correlation: number; amplitudeRatio: number };
  /**
   * Pacing found in the signal (detect/pacing.ts): spikes resolved at ≥ 500 Hz make a paced rhythm definite;
   * smeared spikes below 500 Hz, with the paced morphology, make it "consider".
   */
  pacing?: { kind: 'spikes' | 'low-rate-spikes' | 'none'; spikes: number; beatsAfterSpike: number };
  age?: number;
  sex?: Sex;
  /** Lead name → quality ('good', 'noisy', 'flat' …); leads not 'good' are not used for morphology. */
  leadQuality?: Record<string, string>;
}
