import {
  type DecodeWfdbOptions,
  decodeWfdbRecord,
  headerDemographics,
  parseAnnotations,
  parseWfdbHeader,
} from '@lifeline/ecg';
import { readHl7Aecg } from './aecg/read';
import { decodeXmlText, xmlRootName } from './aecg/xml';
import { type CsvOptions, readEcgCsv } from './csv/read';
import { readDicomEcg } from './dicom/read';
import { readIshne } from './ishne';
import { readMuseXml } from './muse/read';
import { readPhilipsXml } from './philips';
import { readScpEcg } from './scp';
import { FormatError, type InputFile, type ParsedEcg } from './types';

/**
 * Format names detectFormat returns. Besides the ECG formats there are companions that only make sense with
 * their main file ('wfdb-signal' for .dat/.mat, 'ishne-annotations' for .ann) and recognised non-ECG files
 * ('pdf', 'image') so the error can say what the file is.
 */
export type DetectedFormat =
  | 'dicom'
  | 'hl7-aecg'
  | 'ge-muse-xml'
  | 'philips-xml'
  | 'scp-ecg'
  | 'ishne'
  | 'ishne-annotations'
  | 'wfdb'
  | 'wfdb-signal'
  | 'csv'
  | 'pdf'
  | 'image';

const XML_ROOTS: Record<string, DetectedFormat> = {
  AnnotatedECG: 'hl7-aecg',
  RestingECG: 'ge-muse-xml',
  restingecgdata: 'philips-xml',
};

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function extension(name: string): string {
  const m = /\.([A-Za-z0-9]+)$/.exec(name);
  return m ? m[1].toLowerCase() : '';
}

/** SCP-ECG: section 0 (id 0) starts at byte 6; its reserved field reads "SCPECG" from version 2 on. */
function looksLikeScp(bytes: Uint8Array): boolean {
  if (bytes.length < 22) return false;
  if (ascii(bytes, 16, 6) === 'SCPECG') return true;
  const total = bytes[2] | (bytes[3] << 8) | (bytes[4] << 16) | (bytes[5] << 24);
  return bytes[8] === 0 && bytes[9] === 0 && total === bytes.length;
}

/** Identifies a file by magic bytes, XML root element, then extension. Undefined when nothing fits. */
export function detectFormat(file: InputFile): DetectedFormat | undefined {
  const { bytes } = file;
  const ext = extension(file.name);
  if (bytes.length >= 132 && ascii(bytes, 128, 4) === 'DICM') return 'dicom';
  if (ascii(bytes, 0, 8) === 'ISHNE1.0') return 'ishne';
  if (ascii(bytes, 0, 8) === 'ANN  1.0') return 'ishne-annotations';
  if (ascii(bytes, 0, 5) === '%PDF-') return 'pdf';
  if (ascii(bytes, 0, 10) === 'MATLAB 5.0') return ext === 'mat' ? 'wfdb-signal' : undefined;
  if (
    (bytes[0] === 0xff && bytes[1] === 0xd8) ||
    ascii(bytes, 1, 3) === 'PNG' ||
    ascii(bytes, 0, 4) === 'GIF8' ||
    (ascii(bytes, 0, 2) === 'BM' && ext === 'bmp')
  ) {
    return 'image';
  }
  if (ext === 'scp' || looksLikeScp(bytes)) return 'scp-ecg';
  const head = decodeXmlText(bytes.subarray(0, 4096))
    .replace(/^\ufeff/, '')
    .trimStart();
  if (head.startsWith('<')) {
    const root = xmlRootName(head);
    if (root && XML_ROOTS[root]) return XML_ROOTS[root];
    if (root && /^restingecgdata$/i.test(root)) return 'philips-xml';
    return undefined;
  }
  if (/^(MSH|FHS|BHS)\|/.test(head)) return undefined; // HL7 v2 messages often come as .txt
  if (ext === 'hea') return 'wfdb';
  if (ext === 'dat' || ext === 'mat') return 'wfdb-signal';
  if (ext === 'ann') return 'ishne-annotations';
  if (ext === 'csv' || ext === 'tsv' || ext === 'txt') return 'csv';
  if (ext === 'ecg' && bytes.length >= 8 && ascii(bytes, 0, 5) === 'ISHNE') return 'ishne';
  return undefined;
}

export interface ReadEcgFilesOptions {
  csv?: CsvOptions;
  wfdb?: DecodeWfdbOptions;
  /**
   * Called for each file that cannot be read; the batch then goes on with the others. Without it the first
   * failure throws.
   */
  onError?: (file: InputFile, error: FormatError) => void;
}

const baseName = (name: string) => name.replace(/^.*[\\/]/, '');
const stem = (name: string) => baseName(name).replace(/\.[^.]*$/, '');

function asFormatError(file: InputFile, e: unknown, format?: string): FormatError {
  const reason = e instanceof Error ? e.message : String(e);
  return new FormatError(
    `${baseName(file.name)}: ${reason}`,
    format ?? (e instanceof FormatError ? e.format : undefined),
  );
}

/** Words for what an unrecognised file seems to be, so the technician knows why it was refused. */
function describeUnknown(file: InputFile): string {
  const head = decodeXmlText(file.bytes.subarray(0, 4096))
    .replace(/^\ufeff/, '')
    .trimStart();
  if (/^(MSH|FHS|BHS)\|/.test(head)) return 'HL7 v2 message, not an ECG';
  if (head.startsWith('{') || head.startsWith('[')) return 'JSON document, not a known ECG format';
  if (head.startsWith('<')) return `XML document <${xmlRootName(head) ?? '?'}> is not a known ECG format`;
  if (file.bytes.length === 0) return 'empty file';
  return 'not a known ECG format';
}

/** Annotation files of the record (same name, e.g. 100.atr, 100.qrs): the reference .atr first. */
function attachWfdbAnnotations(
  header: InputFile,
  recordName: string,
  byName: Map<string, InputFile>,
  used: Set<InputFile>,
  parsed: ParsedEcg,
): void {
  const candidates = [...new Set(byName.values())].filter(
    (f) =>
      f !== header &&
      !used.has(f) &&
      (stem(f.name) === recordName || stem(f.name) === stem(header.name)) &&
      !/\.(hea|dat|mat)$/i.test(f.name),
  );
  candidates.sort((a, b) => Number(extension(b.name) === 'atr') - Number(extension(a.name) === 'atr'));
  for (const f of candidates) {
    used.add(f);
    if (parsed.annotations) continue;
    try {
      const annotations = parseAnnotations(f.bytes);
      parsed.annotations = annotations.map((a) =>
        a.aux ? { sample: a.sample, code: a.symbol, text: a.aux } : { sample: a.sample, code: a.symbol },
      );
      parsed.record.meta = { ...parsed.record.meta, annotationFile: baseName(f.name) };
    } catch (e) {
      parsed.warnings?.push(`${baseName(f.name)}: not a WFDB annotation file (${(e as Error).message})`);
    }
  }
}

/** A WFDB record from its header and the signal files found in the same batch. */
function readWfdbFromBatch(
  header: InputFile,
  byName: Map<string, InputFile>,
  used: Set<InputFile>,
  options: DecodeWfdbOptions | undefined,
): ParsedEcg {
  const h = parseWfdbHeader(new TextDecoder().decode(header.bytes));
  const files: Record<string, Uint8Array> = {};
  for (const s of h.signals) {
    // Renamed copies (100.hea → patient7.hea) still name 100.dat inside; accept patient7.dat then.
    const renamed = `${stem(header.name)}${/\.[^.]*$/.exec(s.fileName)?.[0] ?? ''}`;
    const f =
      byName.get(s.fileName) ??
      byName.get(s.fileName.toLowerCase()) ??
      byName.get(renamed) ??
      byName.get(renamed.toLowerCase());
    if (!f)
      throw new FormatError(
        `WFDB record ${h.recordName}: signal file ${s.fileName} is missing from the upload`,
        'wfdb',
      );
    files[s.fileName] = f.bytes;
    used.add(f);
  }
  const record = decodeWfdbRecord(h, files, options);
  const parsed: ParsedEcg = { format: 'wfdb', record, warnings: [] };
  attachWfdbAnnotations(header, h.recordName, byName, used, parsed);
  if (record.startTime) parsed.acquiredAt = record.startTime;
  const demo = headerDemographics(h.comments);
  if (demo.age !== undefined || demo.sex) {
    parsed.patient = {};
    if (demo.age !== undefined) parsed.patient.age = demo.age;
    if (demo.sex) parsed.patient.sex = demo.sex;
  }
  return parsed;
}

/** Reads one file whose format is already known (not companions). */
function readOne(
  file: InputFile,
  format: DetectedFormat,
  companion: InputFile | undefined,
  options: ReadEcgFilesOptions,
): ParsedEcg {
  switch (format) {
    case 'dicom':
      return readDicomEcg(file.bytes);
    case 'hl7-aecg':
      return readHl7Aecg(file.bytes);
    case 'ge-muse-xml':
      return readMuseXml(file.bytes);
    case 'philips-xml':
      return readPhilipsXml(file.bytes);
    case 'scp-ecg':
      return readScpEcg(file.bytes);
    case 'ishne':
      return readIshne(file.bytes, companion?.bytes);
    case 'csv':
      return readEcgCsv(file.bytes, options.csv);
    case 'pdf':
      throw new FormatError('not an ECG: PDF document (a report, not a waveform)', 'pdf');
    case 'image':
      throw new FormatError('not an ECG: image file (scanned ECGs cannot be analysed)', 'image');
    default:
      throw new FormatError(`unsupported file format "${format}"`);
  }
}

/**
 * Reads a batch of uploaded files into ECGs. Multi-file records are put together from the batch: a WFDB .hea
 * with its .dat/.mat, an ISHNE .ecg with the .ann of the same name. Results follow the order of the main files.
 */
export function readEcgFiles(files: InputFile[], options: ReadEcgFilesOptions = {}): ParsedEcg[] {
  const byName = new Map<string, InputFile>();
  for (const f of files) {
    byName.set(baseName(f.name), f);
    if (!byName.has(baseName(f.name).toLowerCase())) byName.set(baseName(f.name).toLowerCase(), f);
  }
  const formats = new Map(files.map((f) => [f, detectFormat(f)]));
  const used = new Set<InputFile>();
  const results: ParsedEcg[] = [];
  const fail = (file: InputFile, e: unknown, format?: string) => {
    const error = asFormatError(file, e, format);
    if (!options.onError) throw error;
    options.onError(file, error);
  };

  // WFDB headers first, so their signal and annotation files are claimed before the others are looked at.
  const wfdb = new Map<InputFile, ParsedEcg | Error>();
  for (const file of files) {
    if (formats.get(file) !== 'wfdb') continue;
    used.add(file);
    try {
      wfdb.set(file, readWfdbFromBatch(file, byName, used, options.wfdb));
    } catch (e) {
      wfdb.set(file, e instanceof Error ? e : new Error(String(e)));
    }
  }
  for (const file of files) {
    const format = formats.get(file);
    if (format === 'wfdb') {
      const outcome = wfdb.get(file);
      if (outcome instanceof Error) fail(file, outcome, format);
      else if (outcome) results.push(outcome);
      continue;
    }
    if (format === 'wfdb-signal' || format === 'ishne-annotations' || used.has(file)) continue;
    try {
      if (format === undefined) throw new FormatError(`unsupported file: ${describeUnknown(file)}`);
      const companion =
        format === 'ishne'
          ? files.find((f) => formats.get(f) === 'ishne-annotations' && stem(f.name) === stem(file.name))
          : undefined;
      if (companion) used.add(companion);
      results.push(readOne(file, format, companion, options));
    } catch (e) {
      // FormatError, the engine's EcgError or an unexpected reader failure: all are this file's problem.
      fail(file, e, format);
    }
    used.add(file);
  }
  for (const file of files) {
    const format = formats.get(file);
    if (used.has(file)) continue;
    if (format === 'wfdb-signal') {
      const matlab = ascii(file.bytes, 0, 10) === 'MATLAB 5.0';
      const reason = matlab
        ? 'MATLAB 5 .mat file without a WFDB .hea header: only WFDB records (header + .mat) are read'
        : 'WFDB signal file without its .hea header in the upload';
      fail(file, new FormatError(reason), 'wfdb');
    }
    if (format === 'ishne-annotations')
      fail(file, new FormatError('ISHNE annotation file without its .ecg recording'), 'ishne');
  }
  return results;
}
