export * from './annotations';
export { decodeSamples, encodeSamples, SUPPORTED_FORMATS, samplesInBytes } from './formats';
export * from './header';
export * from './mat';
export * from './record';
