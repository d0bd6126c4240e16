import type { EcgRecord } from '@lifeline/ecg';

/** Everything a reader could learn from one ECG file, beside the waveform itself. */
export interface ParsedEcg {
  /** Name of the format that read it: 'dicom', 'hl7-aecg', 'scp-ecg', 'philips-xml', 'ge-muse-xml', 'ishne', 'wfdb', 'csv'. */
  format: string;
  record: EcgRecord;
  /** Median/representative beats when the file carries them (same lead names as record). */
  medianBeats?: EcgRecord;
  /** Acquisition instant as ISO-8601 when the file states it (local times without zone are kept as written). */
  acquiredAt?: string;
  patient?: {
    id?: string;
    otherIds?: string[];
    name?: string;
    birthDate?: string; // YYYY-MM-DD
    sex?: 'M' | 'F' | 'U';
    age?: number;
  };
  order?: { accessionNumber?: string; requestedProcedureId?: string; orderingDepartment?: string };
  device?: { manufacturer?: string; model?: string; serial?: string; software?: string };
  /** Identity of the object when the format has one (DICOM SOP Instance UID, aECG id root/extension …). */
  instanceUid?: string;
  /** The device's own measurements (ms, bpm, degrees) when present, keyed by our Measurements field names. */
  deviceMeasurements?: Record<string, number>;
  /** The device's own interpretation statements, as written. */
  deviceStatements?: string[];
  /** Beat or event annotations carried by the file (sample index, code/label). */
  annotations?: { sample: number; code: string; text?: string }[];
  /** Non-fatal problems met while reading (missing optional fields, unknown leads …). */
  warnings?: string[];
}

/** Raised for unsupported or corrupt input; `message` says what is wrong in words a technician understands. */
export class FormatError extends Error {
  constructor(
    message: string,
    readonly format?: string,
  ) {
    super(message);
    this.name = 'FormatError';
  }
}

/** One uploaded or dropped file. */
export interface InputFile {
  name: string;
  bytes: Uint8Array;
}
