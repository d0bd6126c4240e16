export * from './filters';
export * from './quality';
export * from './resample';
