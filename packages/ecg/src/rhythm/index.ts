/** Rhythm analysis on beat sequences: AF episodes and burden, rhythm events, heart-rate variability. */
export { type AfEpisode, type AfOptions, type AfResult, detectAf } from './af';
export { type AtrialActivityInput, atrialActivity } from './atrial';
export {
  detectRhythmEvents,
  type RhythmEvent,
  type RhythmEventOptions,
  type RhythmEventType,
} from './events';
export { detectFlutter, type FlutterEpisode, type FlutterOptions } from './flutter';
export { type FlutterFinding, findFlutter, type LeadFlutter, leadFlutter } from './flutter-waves';
export { computeHrv, type HrvOptions, type HrvResult } from './hrv';
