import { type EcgRecord, validateRecord } from '@lifeline/ecg';
import dcmjs from 'dcmjs';
import { FormatError } from '../types';
import { scpLeadCode } from './leads';
import { hasIdeographs, isoToDicom, toPersonNameGroup } from './values';

const TWELVE_LEAD = '1.2.840.10008.5.1.4.1.1.9.1.1';
const GENERAL_ECG = '1.2.840.10008.5.1.4.1.1.9.1.2';
const ENCAPSULATED_PDF = '1.2.840.10008.5.1.4.1.1.104.1';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** UUID-derived root (ISO/IEC 9834-8, "2.25."): valid without registering an organisation root. */
const IMPLEMENTATION_CLASS_UID = '2.25.196213867716870466402398371298410592351';
const IMPLEMENTATION_VERSION = 'LIFELINE_0_1';

/** Who and what the object is about; everything is optional, DICOM type-2 fields are written empty. */
export interface DicomWriteInfo {
  patient?: { id?: string; name?: string; birthDate?: string; sex?: 'M' | 'F' | 'U' };
  order?: { accessionNumber?: string; requestedProcedureId?: string };
  /** Acquisition instant (ISO-8601); defaults to record.startTime, then to now. */
  acquiredAt?: string;
  device?: { manufacturer?: string; model?: string; serial?: string; software?: string };
  institution?: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
  /** Interpretation statements written as text annotations. */
  statements?: string[];
  /** Measurements (Lifeline field names, ms/bpm/deg) written as numeric annotations. */
  measurements?: Record<string, number>;
}

/** A new UID under 2.25 from a random UUID (the standard's recipe for UIDs without an org root). */
export function newDicomUid(): string {
  const hex = globalThis.crypto.randomUUID().replace(/-/g, '');
  return `2.25.${BigInt(`0x${hex}`).toString()}`;
}

// biome-ignore lint/suspicious/noExplicitAny: naturalised DICOM datasets are untyped trees
type Dataset = Record<string, any>;

function patientModule(info: DicomWriteInfo): Dataset {
  const p = info.patient ?? {};
  const name = p.name?.trim() ?? '';
  // CJK names go to the ideographic group (with ISO_IR 192 = UTF-8 the whole value is one string).
  const pn = name === '' ? '' : hasIdeographs(name) ? `=${toPersonNameGroup(name)}` : toPersonNameGroup(name);
  return {
    PatientName: pn === '' ? [] : [pn.startsWith('=') ? { Ideographic: pn.slice(1) } : { Alphabetic: pn }],
    PatientID: p.id ?? '',
    PatientBirthDate: p.birthDate ? p.birthDate.replace(/-/g, '') : '',
    PatientSex: p.sex === 'U' ? 'O' : (p.sex ?? ''),
  };
}

function commonModules(
  info: DicomWriteInfo,
  sopClass: string,
  modality: string,
  acquiredAt: string,
): Dataset {
  const when = isoToDicom(acquiredAt);
  const d = info.device ?? {};
  const ds: Dataset = {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: sopClass,
    SOPInstanceUID: info.sopInstanceUid ?? newDicomUid(),
    StudyDate: when.date,
    StudyTime: when.time,
    ContentDate: when.date,
    ContentTime: when.time,
    AcquisitionDateTime: when.dateTime,
    AccessionNumber: info.order?.accessionNumber ?? '',
    Modality: modality,
    Manufacturer: d.manufacturer ?? '',
    ReferringPhysicianName: [],
    ...patientModule(info),
    StudyInstanceUID: info.studyInstanceUid ?? newDicomUid(),
    SeriesInstanceUID: info.seriesInstanceUid ?? newDicomUid(),
    StudyID: info.order?.requestedProcedureId ?? '',
    SeriesNumber: '1',
    InstanceNumber: '1',
  };
  if (info.institution) ds.InstitutionName = info.institution;
  if (d.model) ds.ManufacturerModelName = d.model;
  if (d.serial) ds.DeviceSerialNumber = d.serial;
  if (d.software) ds.SoftwareVersions = d.software;
  return ds;
}

function toPart10(dataset: Dataset): Uint8Array {
  const meta = dcmjs.data.DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset.SOPClassUID,
    MediaStorageSOPInstanceUID: dataset.SOPInstanceUID,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION,
  });
  const dict = new dcmjs.data.DicomDict(meta);
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}

const MEASUREMENT_CODES: Record<
  string,
  { code: string; meaning: string; unit: string; unitMeaning: string }
> = {
  heartRate: { code: '8867-4', meaning: 'Heart rate', unit: '/min', unitMeaning: 'per minute' },
  rrMean: { code: '5.10.2.1-3', meaning: 'RR Interval', unit: 'ms', unitMeaning: 'milliseconds' },
  pDuration: { code: '5.10.2.1-1', meaning: 'P Duration', unit: 'ms', unitMeaning: 'milliseconds' },
  pr: { code: '5.13.5-7', meaning: 'PR Interval', unit: 'ms', unitMeaning: 'milliseconds' },
  qrsDuration: { code: '5.13.5-9', meaning: 'QRS Duration', unit: 'ms', unitMeaning: 'milliseconds' },
  qt: { code: '5.13.5-11', meaning: 'QT Interval', unit: 'ms', unitMeaning: 'milliseconds' },
  qtcBazett: { code: '5.10.2.5-5', meaning: 'QTc Interval', unit: 'ms', unitMeaning: 'milliseconds' },
  pAxis: { code: '5.10.3-11', meaning: 'P Axis', unit: 'deg', unitMeaning: 'degrees' },
  qrsAxis: { code: '5.10.3-13', meaning: 'QRS Axis', unit: 'deg', unitMeaning: 'degrees' },
  tAxis: { code: '5.10.3-15', meaning: 'T Axis', unit: 'deg', unitMeaning: 'degrees' },
};

function annotationSequence(info: DicomWriteInfo): Dataset[] {
  const out: Dataset[] = [];
  for (const text of info.statements ?? []) {
    out.push({ UnformattedTextValue: text, ReferencedWaveformChannels: [1, 0], AnnotationGroupNumber: 0 });
  }
  for (const [key, value] of Object.entries(info.measurements ?? {})) {
    const c = MEASUREMENT_CODES[key];
    if (!c || !Number.isFinite(value)) continue;
    const scheme = c.code.includes('.') ? 'SCPECG' : 'LN';
    out.push({
      MeasurementUnitsCodeSequence: [
        { CodeValue: c.unit, CodingSchemeDesignator: 'UCUM', CodeMeaning: c.unitMeaning },
      ],
      ConceptNameCodeSequence: [
        { CodeValue: c.code, CodingSchemeDesignator: scheme, CodeMeaning: c.meaning },
      ],
      ReferencedWaveformChannels: [1, 0],
      AnnotationGroupNumber: 1,
      NumericValue: String(Math.round(value * 1000) / 1000),
    });
  }
  return out;
}

/**
 * Smallest "nice" sensitivity (µV per count) that keeps every sample inside int16. 16-bit at 1 µV spans ±32 mV,
 * which holds any surface ECG; only wild signals need a coarser step.
 */
function chooseSensitivity(record: EcgRecord): number {
  let maxAbs = 0;
  for (const lead of record.leads) {
    for (const v of lead.samples) if (Number.isFinite(v) && Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  }
  for (const step of [0.5, 1, 1.25, 2.5, 5, 10, 20, 50, 100]) if (maxAbs / step <= 32767) return step;
  return Math.ceil(maxAbs / 32767);
}

/**
 * A DICOM 12-Lead ECG Waveform Storage object (Part 10 file, explicit VR little endian) from a record.
 * Records beyond that IOD's limits (more than 13 leads, over 16384 samples, rate outside 200–1000 Hz) are
 * written as General ECG Waveform Storage instead, so nothing is cut.
 */
export function writeDicomEcg(
  record: EcgRecord,
  info: DicomWriteInfo = {},
  medianBeats?: EcgRecord,
): Uint8Array {
  try {
    validateRecord(record);
  } catch (e) {
    throw new FormatError(`cannot write DICOM: ${(e as Error).message}`, 'dicom');
  }
  const n = record.leads[0].samples.length;
  const fits12 =
    record.leads.length <= 13 && n <= 16384 && record.sampleRate >= 200 && record.sampleRate <= 1000;
  const sopClass = fits12 ? TWELVE_LEAD : GENERAL_ECG;
  const acquiredAt = info.acquiredAt ?? record.startTime ?? new Date().toISOString();
  const ds = commonModules(info, sopClass, 'ECG', acquiredAt);
  ds.AcquisitionContextSequence = [];
  ds.WaveformSequence = [multiplexGroup(record, 'RHYTHM', 'ORIGINAL')];
  if (medianBeats) {
    validateRecord(medianBeats);
    ds.WaveformSequence.push(multiplexGroup(medianBeats, 'MEDIAN BEAT', 'DERIVED'));
  }
  const annotations = annotationSequence(info);
  if (annotations.length) ds.WaveformAnnotationSequence = annotations;
  return toPart10(ds);
}

function multiplexGroup(record: EcgRecord, label: string, originality: string): Dataset {
  const n = record.leads[0].samples.length;
  const channels = record.leads.length;
  const sensitivity = chooseSensitivity(record);
  const data = new Int16Array(n * channels);
  for (let c = 0; c < channels; c++) {
    const src = record.leads[c].samples;
    for (let s = 0; s < n; s++) {
      const v = Math.round(src[s] / sensitivity);
      data[s * channels + c] = Number.isFinite(v) ? Math.max(-32767, Math.min(32767, v)) : 0;
    }
  }
  // Int16Array is in platform order; every platform Node and browsers run on is little endian.
  const bytes = new Uint8Array(data.buffer);
  return {
    _vrMap: { WaveformData: 'OW' },
    MultiplexGroupTimeOffset: '0',
    WaveformOriginality: originality,
    NumberOfWaveformChannels: channels,
    NumberOfWaveformSamples: n,
    SamplingFrequency: String(record.sampleRate),
    MultiplexGroupLabel: label,
    ChannelDefinitionSequence: record.leads.map((lead) => {
      const code = scpLeadCode(lead.name);
      return {
        ChannelSourceSequence: [
          code
            ? {
                CodeValue: code.value,
                CodingSchemeDesignator: 'SCPECG',
                CodingSchemeVersion: '1.3',
                CodeMeaning: code.meaning,
              }
            : {
                CodeValue: lead.name,
                CodingSchemeDesignator: '99LIFELINE',
                CodeMeaning: `Lead ${lead.name}`,
              },
        ],
        ChannelSensitivity: String(sensitivity),
        ChannelSensitivityUnitsSequence: [
          {
            CodeValue: 'uV',
            CodingSchemeDesignator: 'UCUM',
            CodingSchemeVersion: '1.4',
            CodeMeaning: 'microvolt',
          },
        ],
        ChannelSensitivityCorrectionFactor: '1',
        ChannelBaseline: '0',
        ChannelSampleSkew: '0',
        WaveformBitsStored: 16,
      };
    }),
    WaveformBitsAllocated: 16,
    WaveformSampleInterpretation: 'SS',
    WaveformData: [bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)],
  };
}

/** Encapsulated PDF Storage (e.g. the signed ECG report) for the same patient and study. */
export function writeDicomPdf(pdf: Uint8Array, info: DicomWriteInfo & { title?: string } = {}): Uint8Array {
  if (pdf.length < 5 || String.fromCharCode(...pdf.subarray(0, 5)) !== '%PDF-') {
    throw new FormatError('cannot write Encapsulated PDF: document does not start with "%PDF-"', 'dicom');
  }
  const ds = commonModules(info, ENCAPSULATED_PDF, 'DOC', info.acquiredAt ?? new Date().toISOString());
  // The value must have even length; a trailing NUL pad is what the standard prescribes for OB.
  const padded = new Uint8Array(pdf.length + (pdf.length % 2));
  padded.set(pdf);
  Object.assign(ds, {
    _vrMap: { EncapsulatedDocument: 'OB' },
    ConversionType: 'WSD',
    BurnedInAnnotation: 'YES',
    DocumentTitle: info.title ?? 'ECG report',
    ConceptNameCodeSequence: [],
    MIMETypeOfEncapsulatedDocument: 'application/pdf',
    EncapsulatedDocument: [padded.buffer],
    EncapsulatedDocumentLength: pdf.length,
  });
  return toPart10(ds);
}
