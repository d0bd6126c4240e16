/** The Holter summary as GET /api/ecgs/:id/holter answers it (docs/holter.md). */
export interface HolterHour {
  startSec: number;
  clockHour?: number;
  beats: number;
  V: number;
  S: number;
  minHr?: number;
  meanHr?: number;
  maxHr?: number;
}

export type HolterEventType =
  | 'af'
  | 'pause'
  | 'v-couplet'
  | 'v-run'
  | 'sv-couplet'
  | 'sv-run'
  | 'bigeminy'
  | 'trigeminy'
  | 'bradycardia'
  | 'tachycardia';

export interface HolterEvent {
  type: HolterEventType;
  startSec: number;
  endSec: number;
  durationMs: number;
  beats?: number;
  rateBpm?: number;
  atLeast3s?: boolean;
}

export interface HolterView {
  examId: string;
  beatCount: number;
  durationSec: number;
  sampleRate: number;
  leadsAnalysed?: string[];
  counts: { total: number; N: number; S: number; V: number; F: number; paced: number; unknown: number };
  pvcBurdenPercent: number;
  pacBurdenPercent: number;
  heartRate: { minHr?: number; meanHr?: number; maxHr?: number; minAtSec?: number; maxAtSec?: number };
  hourly: HolterHour[];
  longestRr?: { ms: number; atSec: number };
  pauses: { atLeast2s: number; atLeast3s: number; inAfAtLeast5s: number; longestMs?: number };
  af: { burdenPercent: number; longestSec?: number; episodes: unknown[] };
  runs: {
    vCouplets: number;
    vRuns: number;
    longestVRunBeats?: number;
    fastestVRunBpm?: number;
    svCouplets: number;
    svRuns: number;
    longestSvRunBeats?: number;
    bigeminyEpisodes: number;
    trigeminyEpisodes: number;
  };
  hrv: { nnCount: number; meanNn?: number; sdnn?: number; sdann?: number; rmssd?: number; pnn50?: number };
  events: HolterEvent[];
  stripFromSec?: number;
}

/** Beats of a window (GET /api/ecgs/:id/beats). */
export interface BeatWindow {
  sampleRate: number;
  from: number;
  to: number;
  samples: number[];
  classes: string[];
}
