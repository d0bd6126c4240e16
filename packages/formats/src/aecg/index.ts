export { hl7TimeToIso, readHl7Aecg } from './read';
export { type AecgWriteInfo, isoToHl7Time, mdcLeadCode, writeHl7Aecg } from './write';
