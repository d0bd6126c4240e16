/**
 * WFDB header (.hea) parser, following the PhysioNet "header(5)" specification: one record line, one line per
 * signal, and `#` comment lines (kept, because PhysioNet/CinC 2021 headers carry `# Age:`, `# Sex:`, `# Dx:`).
 * Multi-segment records (`name/nseg`) list their segments instead of signals (see assembleSegments).
 */
import { EcgError } from '../record';

export interface WfdbSignalSpec {
  /** Name of the file holding the samples, as written in the header (e.g. `100.dat`). */
  fileName: string;
  /** Storage format number (16, 212, 80 …). */
  format: number;
  /** Samples of this signal per frame (the `x2` in `16x2`); 1 unless given. */
  samplesPerFrame: number;
  /** Skew in frames (the `:3` in `212:3`); 0 unless given. */
  skew: number;
  /** Byte offset of the first sample in the file (the `+24` in `16+24`); 0 unless given. */
  byteOffset: number;
  /** ADC units per physical unit; the header's 0 or missing gain means the WFDB default of 200. */
  gain: number;
  /** ADC value that corresponds to 0 physical units; defaults to adcZero. */
  baseline: number;
  /** Physical units, e.g. `mV` (the default), `uV`. */
  units: string;
  adcResolution: number;
  adcZero: number;
  /** Value of the first sample; needed by difference format 8. */
  initialValue: number;
  /** 16-bit sum of all samples, when the header gives one. */
  checksum?: number;
  blockSize: number;
  /** Description, usually the lead name (MLII, V1, I, aVR …). */
  description: string;
}

/** One segment of a multi-segment record: a record name (or `~` for a gap) and its length in frames. */
export interface WfdbSegmentSpec {
  name: string;
  numSamples: number;
}

export interface WfdbHeader {
  recordName: string;
  /** Multi-segment records only: the declared number of segments and the segments in order. */
  numSegments?: number;
  segments?: WfdbSegmentSpec[];
  numSignals: number;
  /** Frames per second; WFDB's default is 250 when the header omits it. */
  samplingFrequency: number;
  counterFrequency?: number;
  baseCounter?: number;
  /** Frames per signal; undefined when the header omits it (then derived from the file size). */
  numSamples?: number;
  /** `HH:MM:SS[.sss]` as written. */
  baseTime?: string;
  /** `DD/MM/YYYY` as written. */
  baseDate?: string;
  signals: WfdbSignalSpec[];
  /** Comment lines, without the leading `#` and surrounding spaces, in file order. */
  comments: string[];
}

const DEFAULT_GAIN = 200;
const DEFAULT_FS = 250;

function fail(message: string): never {
  throw new EcgError(`WFDB header: ${message}`, 'corrupt');
}

function parseNumber(token: string, field: string, line: number): number {
  const v = Number(token);
  if (token === '' || !Number.isFinite(v)) fail(`line ${line}: ${field} "${token}" is not a number`);
  return v;
}

function parseInteger(token: string, field: string, line: number): number {
  const v = parseNumber(token, field, line);
  if (!Number.isInteger(v)) fail(`line ${line}: ${field} "${token}" is not an integer`);
  return v;
}

/** Parses the text of a .hea file. Accepts LF and CRLF line ends. Throws EcgError naming the bad field. */
export function parseWfdbHeader(text: string): WfdbHeader {
  if (typeof text !== 'string') fail('text must be a string');
  const lines = text.split(/\r?\n|\r/);
  const comments: string[] = [];
  let header: WfdbHeader | undefined;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i].trim();
    if (raw === '') continue;
    if (raw.startsWith('#')) {
      comments.push(raw.replace(/^#+/, '').trim());
      continue;
    }
    // A comment may also follow the fields of a line.
    const hash = raw.indexOf('#');
    const content = hash >= 0 ? raw.slice(0, hash).trim() : raw;
    if (hash >= 0) comments.push(raw.slice(hash + 1).trim());
    if (content === '') continue;
    const tokens = content.split(/\s+/);
    if (!header) {
      header = parseRecordLine(tokens, lineNo);
      continue;
    }
    if (header.segments) {
      header.segments.push(parseSegmentLine(tokens, lineNo));
      continue;
    }
    if (header.signals.length >= header.numSignals) {
      fail(`line ${lineNo}: more signal lines than the ${header.numSignals} the record line declares`);
    }
    header.signals.push(parseSignalLine(tokens, lineNo));
  }
  if (!header) fail('no record line found');
  if (header.segments) {
    if (header.segments.length !== header.numSegments) {
      fail(
        `record line declares ${header.numSegments} segments but ${header.segments.length} segment lines follow`,
      );
    }
  } else if (header.signals.length !== header.numSignals) {
    fail(
      `record line declares ${header.numSignals} signals but ${header.signals.length} signal lines follow`,
    );
  }
  header.comments = comments;
  return header;
}

function parseRecordLine(tokens: string[], lineNo: number): WfdbHeader {
  const [recordToken, nsigToken, fsToken, nsampToken, timeToken, dateToken] = tokens;
  // A multi-segment record is written `name/nseg`; its following lines name the segments, not signals.
  const [nameToken, nsegToken] = recordToken.split('/', 2);
  if (!/^[\w.-]+$/.test(nameToken)) fail(`line ${lineNo}: record name "${nameToken}" has invalid characters`);
  if (nsigToken === undefined) fail(`line ${lineNo}: record line has no number of signals`);
  const numSignals = parseInteger(nsigToken, 'number of signals', lineNo);
  if (numSignals < 0 || numSignals > 4096)
    fail(`line ${lineNo}: number of signals ${numSignals} is out of range`);
  const header: WfdbHeader = {
    recordName: nameToken,
    numSignals,
    samplingFrequency: DEFAULT_FS,
    signals: [],
    comments: [],
  };
  if (nsegToken !== undefined) {
    const nseg = parseInteger(nsegToken, 'number of segments', lineNo);
    if (nseg < 1 || nseg > 100000) fail(`line ${lineNo}: number of segments ${nseg} is out of range`);
    header.numSegments = nseg;
    header.segments = [];
  }
  if (fsToken !== undefined) {
    // fs[/counterfreq[(basecounter)]]
    const m = /^([^/()]+)(?:\/([^()]+)(?:\(([^)]*)\))?)?$/.exec(fsToken);
    if (!m) fail(`line ${lineNo}: sampling frequency "${fsToken}" is malformed`);
    const fs = parseNumber(m[1], 'sampling frequency', lineNo);
    if (!(fs > 0)) fail(`line ${lineNo}: sampling frequency ${fs} must be positive`);
    header.samplingFrequency = fs;
    if (m[2] !== undefined) header.counterFrequency = parseNumber(m[2], 'counter frequency', lineNo);
    if (m[3] !== undefined) header.baseCounter = parseNumber(m[3], 'base counter', lineNo);
  }
  if (nsampToken !== undefined) {
    const n = parseInteger(nsampToken, 'number of samples', lineNo);
    if (n < 0) fail(`line ${lineNo}: number of samples ${n} is negative`);
    // 0 means "unknown" in WFDB: derive it from the file size.
    if (n > 0) header.numSamples = n;
  }
  if (timeToken !== undefined) {
    if (!/^\d{1,2}(:\d{1,2}){0,2}(\.\d+)?$/.test(timeToken))
      fail(`line ${lineNo}: base time "${timeToken}" is malformed`);
    header.baseTime = timeToken;
  }
  if (dateToken !== undefined) {
    if (!/^\d{1,2}\/\d{1,2}\/\d{4}$/.test(dateToken))
      fail(`line ${lineNo}: base date "${dateToken}" is malformed`);
    header.baseDate = dateToken;
  }
  return header;
}

function parseSegmentLine(tokens: string[], lineNo: number): WfdbSegmentSpec {
  const [name, nsampToken] = tokens;
  if (!/^([\w.-]+|~)$/.test(name)) fail(`line ${lineNo}: segment name "${name}" has invalid characters`);
  if (nsampToken === undefined) fail(`line ${lineNo}: segment "${name}" has no length`);
  const numSamples = parseInteger(nsampToken, 'segment length', lineNo);
  if (numSamples < 0) fail(`line ${lineNo}: segment length ${numSamples} is negative`);
  return { name, numSamples };
}

function parseSignalLine(tokens: string[], lineNo: number): WfdbSignalSpec {
  const [fileName, fmtToken, gainToken, resToken, zeroToken, initToken, sumToken, blockToken, ...desc] =
    tokens;
  if (fmtToken === undefined) fail(`line ${lineNo}: signal line has no format`);
  // format[xsamps][:skew][+offset]
  const fm = /^(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$/.exec(fmtToken);
  if (!fm) fail(`line ${lineNo}: format "${fmtToken}" is malformed`);
  const samplesPerFrame = fm[2] !== undefined ? Number(fm[2]) : 1;
  if (samplesPerFrame < 1 || samplesPerFrame > 1024) {
    fail(`line ${lineNo}: samples per frame ${samplesPerFrame} is out of range`);
  }
  const spec: WfdbSignalSpec = {
    fileName,
    format: Number(fm[1]),
    samplesPerFrame,
    skew: fm[3] !== undefined ? Number(fm[3]) : 0,
    byteOffset: fm[4] !== undefined ? Number(fm[4]) : 0,
    gain: DEFAULT_GAIN,
    baseline: 0,
    units: 'mV',
    adcResolution: 0,
    adcZero: 0,
    initialValue: 0,
    blockSize: 0,
    description: desc.join(' '),
  };
  let baseline: number | undefined;
  if (gainToken !== undefined) {
    // gain[(baseline)][/units]
    const gm = /^([^(/]+)(?:\(([^)]*)\))?(?:\/(.+))?$/.exec(gainToken);
    if (!gm) fail(`line ${lineNo}: gain "${gainToken}" is malformed`);
    const gain = parseNumber(gm[1], 'ADC gain', lineNo);
    if (gain < 0) fail(`line ${lineNo}: ADC gain ${gain} is negative`);
    spec.gain = gain === 0 ? DEFAULT_GAIN : gain;
    if (gm[2] !== undefined) baseline = parseNumber(gm[2], 'baseline', lineNo);
    if (gm[3] !== undefined) spec.units = gm[3];
  }
  if (resToken !== undefined) spec.adcResolution = parseInteger(resToken, 'ADC resolution', lineNo);
  if (zeroToken !== undefined) spec.adcZero = parseNumber(zeroToken, 'ADC zero', lineNo);
  spec.baseline = baseline ?? spec.adcZero;
  if (initToken !== undefined) spec.initialValue = parseNumber(initToken, 'initial value', lineNo);
  else spec.initialValue = spec.adcZero;
  if (sumToken !== undefined) spec.checksum = parseInteger(sumToken, 'checksum', lineNo);
  if (blockToken !== undefined) spec.blockSize = parseInteger(blockToken, 'block size', lineNo);
  return spec;
}

/**
 * MIT-BIH style first comment line: "<age> <sex> …" (e.g. "69 M 1085 1629 x1"), with "?" or -1 for an unknown
 * age or sex. Only the first comment is read this way (later lines hold medications and diagnoses).
 */
const MIT_DEMOGRAPHICS = /^\s*(-?\d{1,3}|\?)\s+(M|F|\?)(?:\s|$)/;

/**
 * Pulls `Age`, `Sex` and `Dx` (PhysioNet/CinC 2021 style, also LUDB's `<age>:`) out of header comments, and the
 * MIT-BIH convention of a first comment starting with age and sex. Absurd or unknown values are left out.
 */
export function headerDemographics(comments: string[]): { age?: number; sex?: 'M' | 'F'; dx?: string[] } {
  const out: { age?: number; sex?: 'M' | 'F'; dx?: string[] } = {};
  const mit = comments.length > 0 ? MIT_DEMOGRAPHICS.exec(comments[0]) : null;
  if (mit) {
    const age = Number.parseInt(mit[1], 10);
    if (Number.isFinite(age) && age >= 0 && age < 150) out.age = age;
    if (mit[2] === 'M' || mit[2] === 'F') out.sex = mit[2];
  }
  for (const c of comments) {
    // Several fields may share one line (nsr2db: "Age: 64 Sex: F").
    const re = /<?\b(age|sex|dx|diagnoses)>?\s*:\s*([^:]*?)(?=\s+<?\w+>?\s*:|$)/gi;
    for (let m = re.exec(c); m; m = re.exec(c)) {
      const key = m[1].toLowerCase();
      const value = m[2].trim();
      if (key === 'age') {
        const age = Number.parseFloat(value);
        if (Number.isFinite(age) && age >= 0 && age < 150) out.age = age;
      } else if (key === 'sex') {
        if (/^(m|male)$/i.test(value)) out.sex = 'M';
        else if (/^(f|female)$/i.test(value)) out.sex = 'F';
      } else if (value !== '') {
        out.dx = value
          .split(/\s*,\s*/)
          .map((d) => d.trim())
          .filter((d) => d !== '');
      }
    }
  }
  return out;
}
