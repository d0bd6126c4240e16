export * from './aecg';
export * from './csv';
export { type DetectedFormat, detectFormat, type ReadEcgFilesOptions, readEcgFiles } from './detect';
export * from './dicom';
export * from './ishne';
export * from './muse';
export * from './philips';
export * from './scp';
export * from './types';
