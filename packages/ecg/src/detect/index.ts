export { groupDelay, qrsFeatures } from './features';
export {
  detectPacingSpikes,
  type PacingEvidence,
  type PacingSpikeOptions,
  type PacingSpikes,
  pacingEvidence,
} from './pacing';
export * from './qrs';
