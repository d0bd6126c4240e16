// @lifeline/hl7: HL7 v2 parsing, building, acknowledgements and domain mappers. Pure: no Node APIs here;
// the MLLP transport lives in the separate entry '@lifeline/hl7/mllp'.
export * from './ack';
export * from './builders/ecg-oru';
export * from './charset';
export * from './datetime';
export * from './delimiters';
export * from './errors';
export * from './inbound';
export * from './mappers/adt';
export * from './mappers/common';
export * from './mappers/orders';
export * from './mappers/results';
export * from './message';
export * from './parse';
export * from './segment';
