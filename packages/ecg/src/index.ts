// Part C: delineation, measurements, interpretation, critical values and the analysis pipeline.
export * from './analyze';
export {
  BeatClassifier,
  type ClassifierOptions,
  type ClassifyOptions,
  classifyBeats,
  pacingOptions,
} from './classify';
export * from './critical';
export * from './delineate';
export { type SyntheticOptions, synthesizeEcg } from './delineate/synthetic';
export * from './detect';
export * from './dsp';
export * from './holter';
export * from './interpret';
export * from './measure';
export * from './record';
export * from './rhythm';
export * from './types';
export * from './wfdb';
