export { type DicomServer, startDicomServer, WAVEFORM_SOP_CLASSES } from './scp';
