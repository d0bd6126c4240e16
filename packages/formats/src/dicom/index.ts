export { ECG_WAVEFORM_SOP_CLASSES, readDicomEcg } from './read';
export { type DicomWriteInfo, newDicomUid, writeDicomEcg, writeDicomPdf } from './write';
