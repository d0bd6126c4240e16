/** What the viewer draws: a window of a recording, in microvolts, plus the engine's beats. */
export interface WaveformWindow {
  sampleRate: number;
  /** Time of the first sample of this window, in seconds from the start of the recording. */
  start: number;
  leads: { name: string; samples: ArrayLike<number> }[];
}

export interface BeatMarks {
  /** Sample indices from the start of the recording. */
  samples: ArrayLike<number>;
  /** AAMI class per beat: N, S, V, F, Q, P. */
  classes?: string[];
}

export type LayoutName = '3x4+1' | '3x4+3' | '6x2' | '12x1' | 'strip';

export interface ViewSettings {
  /** Paper speed, mm/s (12.5, 25, 50). */
  speed: number;
  /** Gain, mm/mV (5, 10, 20). */
  gain: number;
  layout: LayoutName;
  /** Rhythm lead(s) for layouts with rhythm strips; II by default. */
  rhythmLeads: string[];
  /** Screen pixels per millimetre at zoom 1 (calibrated by the user for true physical size). */
  pxPerMm: number;
  zoom: number;
}

export const DEFAULT_SETTINGS: ViewSettings = {
  speed: 25,
  gain: 10,
  layout: '3x4+1',
  rhythmLeads: ['II'],
  pxPerMm: 96 / 25.4,
  zoom: 1,
};
