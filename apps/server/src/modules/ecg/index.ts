/** ECG acquisition: what other modules (DICOM SCP, drop folder, HL7, reports) may use. */
export { analyseExam } from './analyse';
export { type IngestChannel, type IngestOptions, type IngestResult, ingestEcgFiles } from './ingest';
export { type ExamRow, examInOrg } from './repo';
export { ecgRoutes } from './routes';
export { loadRecord, readWaveformWindow, type WaveformShape } from './waveform';
