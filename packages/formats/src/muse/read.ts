import { type EcgRecord, type Lead, normaliseLeadName, STANDARD_12_LEADS } from '@lifeline/ecg';
import { decodeXmlText, list, one, parseXml, text, type XmlNode } from '../aecg/xml';
import { FormatError, type ParsedEcg } from '../types';

const FORMAT = 'ge-muse-xml';

/** MUSE RestingECGMeasurements elements → Lifeline Measurements fields (MUSE states ms, bpm and degrees). */
const MEASUREMENTS: Record<string, string> = {
  VentricularRate: 'heartRate',
  PRInterval: 'pr',
  QRSDuration: 'qrsDuration',
  QTInterval: 'qt',
  // MUSE's QTCorrected is Bazett's; Fridericia has its own (misspelt) element.
  QTCorrected: 'qtcBazett',
  QTcFrederica: 'qtcFridericia',
  QTcFridericia: 'qtcFridericia',
  PAxis: 'pAxis',
  RAxis: 'qrsAxis',
  TAxis: 'tAxis',
};

/** Base64 → bytes without Node's Buffer, so the reader also runs in the browser. */
function base64ToBytes(b64: string, what: string): Uint8Array {
  const clean = b64.replace(/\s+/g, '');
  let binary: string;
  try {
    binary = atob(clean);
  } catch {
    throw new FormatError(`${what}: WaveFormData is not valid base64`, FORMAT);
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function amplitudeToMicrovolts(units: string | undefined): number | undefined {
  const u = (units ?? 'MICROVOLTS').trim().toUpperCase();
  if (u === 'MICROVOLTS' || u === 'UV') return 1;
  if (u === 'MILLIVOLTS' || u === 'MV') return 1000;
  if (u === 'VOLTS' || u === 'V') return 1e6;
  return undefined;
}

/** Decodes one <Waveform> (Rhythm or Median): little-endian signed samples × LeadAmplitudeUnitsPerBit. */
function readWaveform(waveform: XmlNode, warnings: string[]): EcgRecord {
  const type = text(waveform.WaveformType) ?? 'waveform';
  const base = Number(text(waveform.SampleBase));
  const exponent = Number(text(waveform.SampleExponent) ?? 0);
  const sampleRate = base * 10 ** exponent;
  if (!(sampleRate > 0))
    throw new FormatError(`${type}: SampleBase "${text(waveform.SampleBase)}" is not a rate`, FORMAT);
  const leads: Lead[] = [];
  for (const leadData of list(waveform.LeadData)) {
    const id = text(leadData.LeadID);
    if (!id) throw new FormatError(`${type}: a LeadData has no LeadID`, FORMAT);
    const what = `${type} lead ${id}`;
    const size = Number(text(leadData.LeadSampleSize) ?? 2);
    if (size !== 2 && size !== 1 && size !== 4)
      throw new FormatError(`${what}: LeadSampleSize ${size} unsupported`, FORMAT);
    const bytes = base64ToBytes(text(leadData.WaveFormData) ?? '', what);
    const declaredCount = Number(text(leadData.LeadSampleCountTotal));
    const count =
      Number.isFinite(declaredCount) && declaredCount > 0 ? declaredCount : Math.floor(bytes.length / size);
    if (bytes.length < count * size) {
      throw new FormatError(
        `truncated: ${what} waveform data ${bytes.length} bytes, expected ${count * size}`,
        FORMAT,
      );
    }
    const perBit = Number(text(leadData.LeadAmplitudeUnitsPerBit) ?? 1);
    const unit = amplitudeToMicrovolts(text(leadData.LeadAmplitudeUnits));
    if (unit === undefined || !Number.isFinite(perBit)) {
      throw new FormatError(
        `${what}: amplitude "${text(leadData.LeadAmplitudeUnitsPerBit)} ${text(leadData.LeadAmplitudeUnits)}" per bit is not a voltage`,
        FORMAT,
      );
    }
    const scale = perBit * unit;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const samples = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const raw =
        size === 2 ? view.getInt16(i * 2, true) : size === 1 ? view.getInt8(i) : view.getInt32(i * 4, true);
      samples[i] = raw * scale;
    }
    leads.push({ name: normaliseLeadName(id), samples });
  }
  if (leads.length === 0) throw new FormatError(`${type}: no LeadData`, FORMAT);
  const n = Math.min(...leads.map((l) => l.samples.length));
  if (leads.some((l) => l.samples.length !== n)) {
    warnings.push(`${type}: leads differ in length, cut to ${n} samples`);
    for (const l of leads) l.samples = l.samples.subarray(0, n);
  }
  const derivedLeads: string[] = [];
  const record: EcgRecord = { sampleRate, leads: completeTwelveLeads(leads, derivedLeads) };
  // Not a problem, so not a warning; kept so a viewer can mark computed leads.
  if (derivedLeads.length) record.meta = { derivedLeads };
  return record;
}

/**
 * MUSE stores the 8 independent leads (I, II, V1–V6); the other limb leads follow from Einthoven's and
 * Goldberger's relations: III = II − I, aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2.
 * Leads come back in the standard 12-lead order, then any others.
 */
function completeTwelveLeads(leads: Lead[], derivedOut: string[]): Lead[] {
  const byName = new Map(leads.map((l) => [l.name, l.samples]));
  const i = byName.get('I');
  const ii = byName.get('II');
  if (i && ii) {
    const derive = (name: string, f: (a: number, b: number) => number) => {
      if (byName.has(name)) return;
      byName.set(
        name,
        i.map((a, k) => f(a, ii[k])),
      );
    };
    const derived = ['III', 'aVR', 'aVL', 'aVF'].filter((n) => !byName.has(n));
    derive('III', (a, b) => b - a);
    derive('aVR', (a, b) => -(a + b) / 2);
    derive('aVL', (a, b) => a - b / 2);
    derive('aVF', (a, b) => b - a / 2);
    derivedOut.push(...derived);
  }
  const ordered: Lead[] = [];
  for (const name of STANDARD_12_LEADS) {
    const samples = byName.get(name);
    if (samples) ordered.push({ name, samples });
  }
  for (const l of leads) if (!(STANDARD_12_LEADS as readonly string[]).includes(l.name)) ordered.push(l);
  return ordered;
}

/** MUSE dates are MM-DD-YYYY (US order); also accept YYYY-MM-DD. */
function museDateToIso(value: string | undefined): string | undefined {
  const s = (value ?? '').trim();
  let m = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$/.exec(s);
  if (m) return `${m[3]}-${m[1].padStart(2, '0')}-${m[2].padStart(2, '0')}`;
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m ? s : undefined;
}

/** Statement lines: fragments join until one carries the ENDSLINE flag, as MUSE prints them. */
function readStatements(diagnosis: XmlNode | undefined): string[] {
  const lines: string[] = [];
  let current = '';
  for (const stmt of list(diagnosis?.DiagnosisStatement)) {
    const fragment = text(stmt.StmtText);
    // Continuations often start with their punctuation (", age undetermined"): no space before it.
    if (fragment)
      current = !current
        ? fragment
        : /^[,;.:)]/.test(fragment)
          ? current + fragment
          : `${current} ${fragment}`;
    const flags = list(stmt.StmtFlag).map((f) => (text(f) ?? '').toUpperCase());
    if (flags.includes('ENDSLINE') && current) {
      lines.push(current);
      current = '';
    }
  }
  if (current) lines.push(current);
  return lines;
}

/**
 * The cart's QRS detections (QRSTimesTypes). Time is in milliseconds from the start of the rhythm strip (it
 * agrees with GlobalRR and with the R peaks, whatever ECGSampleBase is); Type is the beat class the cart
 * assigned (0 = the dominant form).
 */
function readQrsTimes(root: XmlNode, rate: number) {
  const out: { sample: number; code: string; text?: string }[] = [];
  for (const q of list(one(root, 'QRSTimesTypes')?.QRS)) {
    const ms = Number(text(q.Time));
    if (!Number.isFinite(ms) || ms < 0) continue;
    const type = text(q.Type);
    const sample = Math.round((ms / 1000) * rate);
    out.push(type === undefined ? { sample, code: 'QRS' } : { sample, code: 'QRS', text: `type ${type}` });
  }
  return out;
}

/** Reads a GE MUSE RestingECG XML export (base64 rhythm and median waveforms, measurements, statements). */
export function readMuseXml(bytes: Uint8Array): ParsedEcg {
  const doc = parseXml(decodeXmlText(bytes), FORMAT);
  if (!('RestingECG' in doc))
    throw new FormatError('not a GE MUSE export: root element is not RestingECG', FORMAT);
  const root: XmlNode = typeof doc.RestingECG === 'object' ? list(doc.RestingECG)[0] : {};
  const warnings: string[] = [];
  const waveforms = list(root.Waveform);
  const rhythm = waveforms.find((w) => /rhythm/i.test(text(w.WaveformType) ?? ''));
  if (!rhythm) throw new FormatError('MUSE export has no Rhythm waveform', FORMAT);
  const record = readWaveform(rhythm, warnings);
  const parsed: ParsedEcg = { format: FORMAT, record, warnings };
  const median = waveforms.find((w) => /median/i.test(text(w.WaveformType) ?? ''));
  if (median) {
    try {
      parsed.medianBeats = readWaveform(median, warnings);
    } catch (e) {
      warnings.push(`median beats not read: ${(e as Error).message}`);
    }
  }

  const measurementsNode = one(root, 'RestingECGMeasurements') ?? one(root, 'OriginalRestingECGMeasurements');
  const measurements: Record<string, number> = {};
  for (const [element, key] of Object.entries(MEASUREMENTS)) {
    const v = Number(text(measurementsNode?.[element]));
    if (text(measurementsNode?.[element]) !== undefined && Number.isFinite(v)) measurements[key] = v;
  }
  if (Object.keys(measurements).length) parsed.deviceMeasurements = measurements;
  const qrs = readQrsTimes(root, record.sampleRate);
  if (qrs.length) parsed.annotations = qrs;
  const statements = readStatements(one(root, 'Diagnosis'));
  const finalStatements = statements.length ? statements : readStatements(one(root, 'OriginalDiagnosis'));
  if (finalStatements.length) parsed.deviceStatements = finalStatements;

  const demo = one(root, 'PatientDemographics');
  const patient: NonNullable<ParsedEcg['patient']> = {};
  const id = text(demo?.PatientID);
  if (id) patient.id = id;
  const name = [text(demo?.PatientLastName), text(demo?.PatientFirstName)].filter(Boolean).join(' ');
  if (name) patient.name = name;
  const gender = text(demo?.Gender)?.toUpperCase();
  if (gender === 'MALE' || gender === 'M') patient.sex = 'M';
  else if (gender === 'FEMALE' || gender === 'F') patient.sex = 'F';
  else if (gender) patient.sex = 'U';
  const birth = museDateToIso(text(demo?.DateofBirth));
  if (birth) patient.birthDate = birth;
  const age = Number(text(demo?.PatientAge));
  const ageUnits = (text(demo?.AgeUnits) ?? 'YEARS').toUpperCase();
  if (text(demo?.PatientAge) !== undefined && Number.isFinite(age)) {
    const perYear: Record<string, number> = { YEARS: 1, MONTHS: 12, WEEKS: 52.18, DAYS: 365.25, HOURS: 8766 };
    patient.age = Math.round((age / (perYear[ageUnits] ?? 1)) * 100) / 100;
  }
  if (Object.keys(patient).length) parsed.patient = patient;

  const test = one(root, 'TestDemographics');
  const date = museDateToIso(text(test?.AcquisitionDate));
  if (date) {
    const time = text(test?.AcquisitionTime);
    parsed.acquiredAt =
      time && /^\d{2}:\d{2}(:\d{2})?$/.test(time)
        ? `${date}T${time.length === 5 ? `${time}:00` : time}`
        : date;
    record.startTime = parsed.acquiredAt;
  }
  const order = one(root, 'Order');
  const accession = text(order?.AccessionNumber) ?? text(test?.AccessionNumber) ?? text(order?.OrderNumber);
  if (accession) parsed.order = { accessionNumber: accession };
  const device: NonNullable<ParsedEcg['device']> = { manufacturer: 'GE Healthcare' };
  const model = text(test?.AcquisitionDevice);
  const software = text(test?.AcquisitionSoftwareVersion);
  const serial = text(test?.CartNumber) ?? text(one(root, 'PharmaData')?.PharmaCartID);
  if (model) device.model = model;
  if (software) device.software = software;
  if (serial) device.serial = serial;
  parsed.device = device;
  const uniqueId = text(one(root, 'PharmaData')?.PharmaUniqueECGID);
  if (uniqueId) parsed.instanceUid = uniqueId;
  const museVersion = text(one(root, 'MuseInfo')?.MuseVersion);
  if (museVersion) record.meta = { ...record.meta, museVersion };
  return parsed;
}
