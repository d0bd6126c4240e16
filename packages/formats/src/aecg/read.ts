import type { EcgRecord, Lead } from '@lifeline/ecg';
import { leadNameFromText } from '../dicom/leads';
import { FormatError, type ParsedEcg } from '../types';
import { decodeXmlText, list, one, parseXml, path, text, type XmlNode } from './xml';

const FORMAT = 'hl7-aecg';

/** Multiplier from a voltage unit (UCUM, or spelled out as some generators do) to µV; undefined if not a voltage. */
function voltToUv(unit: string | undefined): number | undefined {
  const u = (unit ?? 'uV').trim();
  const exact: Record<string, number> = { uV: 1, µV: 1, μV: 1, mV: 1000, V: 1e6, nV: 1e-3 };
  if (u in exact) return exact[u];
  const lower = u.toLowerCase();
  if (/^micro-?volts?$/.test(lower) || lower === 'uv') return 1;
  if (/^milli-?volts?$/.test(lower) || lower === 'mv') return 1000;
  if (/^nano-?volts?$/.test(lower)) return 1e-3;
  if (/^volts?$/.test(lower)) return 1e6;
  return undefined;
}
/** Multiplier from a UCUM time unit to seconds. */
const TIME_TO_S: Record<string, number> = { s: 1, ms: 1e-3, us: 1e-6, min: 60 };

/** MDC measurement codes → Lifeline Measurements fields. */
const MEASUREMENT_CODES: Record<string, string> = {
  MDC_ECG_HEART_RATE: 'heartRate',
  MDC_ECG_TIME_PD_RR: 'rrMean',
  MDC_ECG_TIME_PD_RR_GL: 'rrMean',
  MDC_ECG_TIME_PD_P: 'pDuration',
  MDC_ECG_TIME_PD_PR: 'pr',
  MDC_ECG_TIME_PD_PQ: 'pr',
  MDC_ECG_TIME_PD_QRS: 'qrsDuration',
  MDC_ECG_TIME_PD_QT: 'qt',
  MDC_ECG_TIME_PD_QTC: 'qtcBazett',
  MDC_ECG_TIME_PD_QTCB: 'qtcBazett',
  MDC_ECG_TIME_PD_QTCF: 'qtcFridericia',
  MDC_ECG_ANGLE_P_FRONT: 'pAxis',
  MDC_ECG_ANGLE_QRS_FRONT: 'qrsAxis',
  MDC_ECG_ANGLE_T_FRONT: 'tAxis',
};

const attr = (node: XmlNode | undefined, name: string): string | undefined => text(node?.[`@${name}`]);
const codeOf = (node: XmlNode | undefined) => attr(one(node, 'code'), 'code');

/** HL7 TS "YYYYMMDDHHMMSS.UUUU[+|-ZZzz]" → ISO-8601 (local time stays local) and milliseconds for arithmetic. */
export function hl7TimeToIso(ts: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\.\d+)?([+-]\d{4})?$/.exec((ts ?? '').trim());
  if (!m) return undefined;
  let iso = m[1];
  if (m[2]) iso += `-${m[2]}`;
  if (m[3]) iso += `-${m[3]}`;
  if (m[4]) iso += `T${m[4]}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ? m[7].slice(0, 4) : ''}`;
  if (m[4] && m[8]) iso += `${m[8].slice(0, 3)}:${m[8].slice(3)}`;
  return iso;
}

function hl7TimeToMs(ts: string | undefined): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?(\.\d+)?/.exec((ts ?? '').trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  return Date.UTC(y, mo - 1, d, h, mi, s) + (m[7] ? Number(m[7]) * 1000 : 0);
}

interface SeriesData {
  record: EcgRecord;
  /** Absolute start (ms, from a GLIST_TS head) so absolute annotation times can become sample numbers. */
  startMs?: number;
}

/** Decodes one series or derivedSeries: its sequenceSet(s) of time and lead sequences. */
function readSeries(series: XmlNode, label: string, warnings: string[]): SeriesData {
  const sequences = list(series.component)
    .flatMap((c) => list(c.sequenceSet))
    .flatMap((set) => list(set.component))
    .flatMap((c) => list(c.sequence));
  let sampleRate: number | undefined;
  let startMs: number | undefined;
  let startIso: string | undefined;
  const leads: Lead[] = [];
  for (const seq of sequences) {
    const code = codeOf(seq) ?? '';
    const value = one(seq, 'value');
    const type = attr(value, 'type') ?? '';
    if (type === 'GLIST_TS' || type === 'GLIST_PQ' || /^TIME_/.test(code)) {
      const inc = one(value, 'increment');
      const step = Number(attr(inc, 'value'));
      const unit = attr(inc, 'unit') ?? 's';
      const toS = TIME_TO_S[unit];
      if (!(step > 0) || toS === undefined) {
        throw new FormatError(
          `${label}: time increment "${attr(inc, 'value')} ${unit}" is not a valid step`,
          FORMAT,
        );
      }
      sampleRate = 1 / (step * toS);
      // Rates such as 1/0.002 come out as 499.99999…; devices sample at whole or tenth hertz.
      sampleRate = Math.round(sampleRate * 1000) / 1000;
      if (type === 'GLIST_TS') {
        const head = attr(one(value, 'head'), 'value');
        startMs = hl7TimeToMs(head);
        startIso = hl7TimeToIso(head);
      }
      continue;
    }
    if (type !== 'SLIST_PQ' && type !== 'SLIST_INT') {
      warnings.push(`${label}: sequence ${code || '(no code)'} of type ${type || 'unknown'} ignored`);
      continue;
    }
    const name = leadNameFromText(code) ?? code;
    const origin = one(value, 'origin');
    const scale = one(value, 'scale');
    // A missing origin unit follows the scale's (they share one unit in every generator we know).
    const scaleUnit = voltToUv(attr(scale, 'unit'));
    const originUnit = attr(origin, 'unit') === undefined ? scaleUnit : voltToUv(attr(origin, 'unit'));
    const originUv = Number(attr(origin, 'value') ?? 0) * (originUnit ?? Number.NaN);
    const scaleUv = Number(attr(scale, 'value') ?? 1) * (scaleUnit ?? Number.NaN);
    if (!Number.isFinite(originUv) || !Number.isFinite(scaleUv)) {
      const unit = attr(scale, 'unit') ?? attr(origin, 'unit');
      warnings.push(`${label}: lead ${name} unit "${unit}" is not a voltage, skipped`);
      continue;
    }
    const digits = text(one(value, 'digits')) ?? '';
    const tokens = digits.split(/\s+/).filter(Boolean);
    const samples = new Float32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const d = Number(tokens[i]);
      if (!Number.isFinite(d)) {
        throw new FormatError(
          `${label}: lead ${name} digit ${i + 1} "${tokens[i].slice(0, 20)}" is not a number`,
          FORMAT,
        );
      }
      samples[i] = originUv + scaleUv * d;
    }
    leads.push({ name, samples });
  }
  if (sampleRate === undefined)
    throw new FormatError(`${label}: no time sequence (GLIST_TS/GLIST_PQ)`, FORMAT);
  if (leads.length === 0) throw new FormatError(`${label}: no lead sequences (SLIST_PQ)`, FORMAT);
  const n = Math.min(...leads.map((l) => l.samples.length));
  if (leads.some((l) => l.samples.length !== n)) {
    warnings.push(`${label}: leads differ in length, cut to the shortest (${n} samples)`);
    for (const l of leads) l.samples = l.samples.subarray(0, n);
  }
  const record: EcgRecord = { sampleRate, leads };
  if (startIso) record.startTime = startIso;
  return { record, startMs };
}

interface Collected {
  measurements: Map<string, { value: number; priority: number }>;
  statements: string[];
  annotations: { sample: number; code: string; text?: string }[];
}

/** Converts a PQ in ms/s/bpm/deg to Lifeline units (ms, bpm, degrees). */
function pqValue(value: XmlNode | undefined): number | undefined {
  const v = Number(attr(value, 'value'));
  if (!Number.isFinite(v)) return undefined;
  const unit = attr(value, 'unit') ?? '';
  if (unit === 's') return v * 1000;
  if (unit === 'us') return v / 1000;
  return v;
}

/** Sample numbers of an annotation's supporting region (absolute TS or relative PQ boundaries). */
function roiSamples(annotation: XmlNode, series: SeriesData): { low?: number; high?: number } {
  // A region has one time boundary and optionally lead boundaries (which carry no value).
  const boundary = list(path(annotation, 'support', 'supportingROI')?.component)
    .flatMap((c) => list(c.boundary))
    .find((b) => one(b, 'value') !== undefined);
  if (!boundary) return {};
  const value = one(boundary, 'value');
  const fs = series.record.sampleRate;
  const at = (node: XmlNode | undefined): number | undefined => {
    const raw = attr(node, 'value');
    if (raw === undefined) return undefined;
    if (attr(value, 'type') === 'IVL_TS' || /^\d{14}/.test(raw)) {
      const ms = hl7TimeToMs(raw);
      if (ms === undefined || series.startMs === undefined) return undefined;
      return Math.round(((ms - series.startMs) / 1000) * fs);
    }
    const seconds = Number(raw) * (TIME_TO_S[attr(node, 'unit') ?? 'ms'] ?? Number.NaN);
    return Number.isFinite(seconds) ? Math.round(seconds * fs) : undefined;
  };
  return { low: at(one(value, 'low')), high: at(one(value, 'high')) };
}

/**
 * Walks annotation sets. Measurement priority: representative-beat (global) sets first, then rhythm-level
 * annotations, then per-beat ones, so a file that only measures beat by beat still yields its first beat.
 */
function collectAnnotations(
  annotation: XmlNode,
  series: SeriesData,
  priority: number,
  out: Collected,
  keepPositions: boolean,
): void {
  const code = codeOf(annotation) ?? '';
  const value = one(annotation, 'value');
  const type = attr(value, 'type') ?? '';
  const key = MEASUREMENT_CODES[code.toUpperCase()];
  if (type === 'PQ' && key) {
    const v = pqValue(value);
    const known = out.measurements.get(key);
    if (v !== undefined && (!known || known.priority > priority))
      out.measurements.set(key, { value: v, priority });
  } else if (type === 'ST' || /INTERPRETATION/i.test(code)) {
    const statement = text(value) ?? attr(value, 'displayName');
    if (statement) out.statements.push(statement);
  } else if (type === 'CE' && /^MDC_ECG_RHY$/i.test(code)) {
    const statement = attr(value, 'displayName') ?? attr(value, 'code');
    if (statement && !out.statements.includes(statement)) out.statements.push(statement);
  }
  if (keepPositions && type === 'CE') {
    const label = attr(value, 'code') ?? code;
    const { low, high } = roiSamples(annotation, series);
    if (low !== undefined) out.annotations.push({ sample: low, code: label, text: 'onset' });
    if (high !== undefined) out.annotations.push({ sample: high, code: label, text: 'offset' });
  }
  const nestedPriority = /^MDC_ECG_BEAT$/i.test(code) ? priority + 1 : priority;
  for (const c of list(annotation.component)) {
    for (const a of list(c.annotation)) collectAnnotations(a, series, nestedPriority, out, keepPositions);
  }
}

function annotationsOf(series: XmlNode): XmlNode[] {
  return list(series.subjectOf)
    .flatMap((s) => list(s.annotationSet))
    .flatMap((set) => list(set.component))
    .flatMap((c) => list(c.annotation));
}

/** Reads an HL7 v3 annotated ECG (aECG) XML document. */
export function readHl7Aecg(bytes: Uint8Array): ParsedEcg {
  const doc = parseXml(decodeXmlText(bytes), FORMAT);
  if (!('AnnotatedECG' in doc))
    throw new FormatError('not an HL7 aECG document: root element is not AnnotatedECG', FORMAT);
  // An empty element parses to '' (no attributes, no children).
  const root: XmlNode = typeof doc.AnnotatedECG === 'object' ? list(doc.AnnotatedECG)[0] : {};
  const warnings: string[] = [];
  const allSeries = list(root.component).flatMap((c) => list(c.series));
  if (allSeries.length === 0) throw new FormatError('aECG has no series (component/series)', FORMAT);
  // Prefer the rhythm series; files with several (e.g. continuous extractions) are read one at a time by their first.
  const series = allSeries.find((s) => /RHYTHM/i.test(codeOf(s) ?? '')) ?? allSeries[0];
  if (allSeries.length > 1) warnings.push(`aECG has ${allSeries.length} series; the rhythm series was read`);
  const rhythm = readSeries(series, 'rhythm series', warnings);

  const parsed: ParsedEcg = { format: FORMAT, record: rhythm.record, warnings };
  const collected: Collected = { measurements: new Map(), statements: [], annotations: [] };
  const derived = list(series.derivation)
    .flatMap((d) => list(d.derivedSeries))
    .find((d) => /REPRESENTATIVE|MEDIAN|AVERAGE/i.test(codeOf(d) ?? ''));
  if (derived) {
    try {
      const beats = readSeries(derived, 'representative beat series', warnings);
      parsed.medianBeats = beats.record;
      for (const a of annotationsOf(derived)) collectAnnotations(a, beats, 0, collected, false);
    } catch (e) {
      warnings.push(`representative beats not read: ${(e as Error).message}`);
    }
  }
  for (const a of annotationsOf(series)) collectAnnotations(a, rhythm, 1, collected, true);
  if (collected.measurements.size) {
    parsed.deviceMeasurements = Object.fromEntries([...collected.measurements].map(([k, v]) => [k, v.value]));
  }
  if (collected.statements.length) parsed.deviceStatements = collected.statements;
  if (collected.annotations.length) parsed.annotations = collected.annotations;

  const effective = one(root, 'effectiveTime');
  const acquiredAt =
    hl7TimeToIso(attr(one(effective, 'center'), 'value')) ??
    hl7TimeToIso(attr(one(effective, 'low'), 'value')) ??
    rhythm.record.startTime;
  if (acquiredAt) parsed.acquiredAt = acquiredAt;
  const id = one(root, 'id');
  const idRoot = attr(id, 'root');
  const idExt = attr(id, 'extension');
  if (idRoot || idExt) parsed.instanceUid = idExt ? `${idRoot ?? ''}^${idExt}` : idRoot;

  readSubject(root, parsed);
  const device = path(series, 'author', 'seriesAuthor');
  const manufacturedDevice = one(device, 'manufacturedSeriesDevice');
  const d: NonNullable<ParsedEcg['device']> = {};
  const manufacturer = text(path(device, 'manufacturerOrganization', 'name'));
  const model = text(one(manufacturedDevice, 'manufacturerModelName'));
  const software = text(one(manufacturedDevice, 'softwareName'));
  const serial = attr(one(manufacturedDevice, 'id'), 'extension');
  if (manufacturer) d.manufacturer = manufacturer;
  if (model) d.model = model;
  if (software) d.software = software;
  if (serial && serial !== '0') d.serial = serial;
  if (Object.keys(d).length) parsed.device = d;
  return parsed;
}

function readSubject(root: XmlNode, parsed: ParsedEcg): void {
  const trialSubject = path(
    root,
    'componentOf',
    'timepointEvent',
    'componentOf',
    'subjectAssignment',
    'subject',
    'trialSubject',
  );
  if (!trialSubject) return;
  const patient: NonNullable<ParsedEcg['patient']> = {};
  const ids = list(trialSubject.id)
    .map((i) => attr(i, 'extension') ?? attr(i, 'root'))
    .filter((x): x is string => !!x);
  if (ids[0]) patient.id = ids[0];
  if (ids.length > 1) patient.otherIds = ids.slice(1);
  const person = one(trialSubject, 'subjectDemographicPerson');
  const nameNode = one(person, 'name');
  const name =
    text(nameNode) ??
    [text(one(nameNode, 'family')), text(one(nameNode, 'given'))].filter(Boolean).join(' ').trim();
  if (name) patient.name = name;
  const sex = attr(one(person, 'administrativeGenderCode'), 'code')?.toUpperCase();
  if (sex === 'M' || sex === 'F') patient.sex = sex;
  else if (sex) patient.sex = 'U';
  const birth = hl7TimeToIso(attr(one(person, 'birthTime'), 'value'));
  if (birth && /^\d{4}-\d{2}-\d{2}/.test(birth)) patient.birthDate = birth.slice(0, 10);
  if (Object.keys(patient).length) parsed.patient = patient;
}
