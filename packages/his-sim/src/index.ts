// @lifeline/his-sim: simulated HIS traffic (ADT, ECG orders) and a results listener, for demos and tests.
export * from './messages';
export * from './people';
export * from './run';
