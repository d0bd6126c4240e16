// @lifeline/hl7/mllp: MLLP transport (Node sockets). The parsing core stays in '@lifeline/hl7'.
export * from './client';
export * from './framing';
export * from './server';
