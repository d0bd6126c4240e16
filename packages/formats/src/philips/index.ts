/**
 * Philips PageWriter / Sierra ECG XML reader (restingecgdata, versions 1.03, 1.04, 1.04.01): base64 waveforms,
 * plain or XLI-compressed, limb-lead reconstruction, demographics, device, measurements and interpretation.
 */
import type { EcgRecord, Lead } from '@lifeline/ecg';
import { XMLParser } from 'fast-xml-parser';
import { FormatError, type ParsedEcg } from '../types';
import { decodeXli } from './xli';

export { decodeXli, lzwDecode, undoXliDeltas, unpackHalves } from './xli';

const FORMAT = 'philips-xml';
const STANDARD = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
/** 16 leads × 10 min at 1 kHz is far beyond any resting ECG; refuse more rather than allocate blindly. */
const MAX_SAMPLES = 600_000;

type Node = Record<string, unknown>;

function fail(message: string): never {
  throw new FormatError(`Philips XML: ${message}`, FORMAT);
}

/** Text of an element whether the parser gave a string, a number or an object with attributes. */
function text(n: unknown): string | undefined {
  if (n === undefined || n === null) return undefined;
  if (typeof n === 'string' || typeof n === 'number' || typeof n === 'boolean') return String(n).trim();
  if (Array.isArray(n)) return text(n[0]);
  if (typeof n === 'object') return text((n as Node)['#text']);
  return undefined;
}

function child(n: unknown, ...path: string[]): unknown {
  let cur = n;
  for (const p of path) {
    if (Array.isArray(cur)) cur = cur[0];
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Node)[p];
  }
  return cur;
}

function attr(n: unknown, name: string): string | undefined {
  return text(child(n, `@_${name}`));
}

function list(n: unknown): unknown[] {
  return n === undefined || n === null ? [] : Array.isArray(n) ? n : [n];
}

/** Placeholder values PageWriters write into empty fields. */
const meaningful = (s: string | undefined) => (s && !/^-+$/.test(s) ? s : undefined);

function num(n: unknown): number | undefined {
  const s = text(n);
  if (!s) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/** XML files from PageWriters are UTF-16 (with BOM) or UTF-8. */
function decodeXml(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe)
    return new TextDecoder('utf-16le').decode(bytes);
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff)
    return new TextDecoder('utf-16be').decode(bytes);
  if (bytes.length >= 2 && bytes[0] === 0x3c && bytes[1] === 0)
    return new TextDecoder('utf-16le').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}

function base64(s: string, what: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) fail(`${what} is not valid base64`);
  // atob exists in browsers and Node alike; this package must not depend on Buffer
  let binary: string;
  try {
    binary = atob(clean);
  } catch {
    fail(`${what} is not valid base64 (length ${clean.length})`);
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function int16le(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length >> 1);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = dv.getInt16(i * 2, true);
  return out;
}

/** Median of |f(t)|: robust to the calibration pulse, which breaks the limb-lead identities on purpose. */
const medianAbs = (f: (t: number) => number, n: number) => {
  const a = new Float64Array(n);
  for (let t = 0; t < n; t++) a[t] = Math.abs(f(t));
  a.sort();
  return n ? a[n >> 1] : 0;
};

/**
 * PageWriters store III, aVR, aVL and aVF as residuals from their values computed from I and II. Decide per
 * lead by the limb-lead identities themselves: the reading with the smaller typical (median) deviation from
 * the identity wins, so files that store the full leads are left alone.
 */
function reconstructLimbLeads(byName: Map<string, Int16Array | Int32Array>, warnings: string[]): void {
  const I = byName.get('I');
  const II = byName.get('II');
  if (!I || !II) return;
  const n = I.length;
  const restore = (
    name: string,
    expected: (t: number, stored: number) => number,
    fromResidual: (t: number, stored: number) => number,
  ) => {
    const raw = byName.get(name);
    if (!raw) return;
    const errAsStored = medianAbs((t) => raw[t] - expected(t, raw[t]), n);
    const errAsResidual = medianAbs((t) => raw[t], n);
    if (errAsResidual < errAsStored) {
      const out = new Int32Array(n);
      for (let t = 0; t < n; t++) out[t] = fromResidual(t, raw[t]);
      byName.set(name, out);
      warnings.push(`${name} reconstructed from I and II (file stores the residual)`);
    }
  };
  restore(
    'III',
    (t) => II[t] - I[t],
    (t, r) => II[t] - I[t] - r,
  );
  const III = byName.get('III') as Int16Array | Int32Array;
  restore(
    'aVR',
    (t) => -Math.floor((I[t] + II[t]) / 2),
    (t, r) => -r - Math.floor((I[t] + II[t]) / 2),
  );
  if (!III) return;
  restore(
    'aVL',
    (t) => Math.floor((I[t] - III[t]) / 2),
    (t, r) => Math.floor((I[t] - III[t]) / 2) - r,
  );
  restore(
    'aVF',
    (t) => Math.floor((II[t] + III[t]) / 2),
    (t, r) => Math.floor((II[t] + III[t]) / 2) - r,
  );
}

function leadLabels(wave: unknown, signal: unknown, count: number): string[] {
  const given = attr(wave, 'leadlabels');
  if (given)
    return given
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, count || undefined);
  const type = text(child(signal, 'acquisitiontype')) ?? text(child(signal, 'leadset'));
  const channels = count || num(child(signal, 'numberchannelsallocated')) || 12;
  return Array.from({ length: channels }, (_, i) =>
    (type === 'STD-12' || type === '10-WIRE') && i < 12 ? STANDARD[i] : `Channel ${i + 1}`,
  );
}

function decodeWaveform(
  node: unknown,
  what: string,
  labels: string[],
  samples: number,
  warnings: string[],
): Map<string, Int16Array | Int32Array> {
  const encoding = attr(node, 'dataencoding') ?? 'Base64';
  if (encoding.toLowerCase() !== 'base64') fail(`${what}: data encoding "${encoding}" is not supported`);
  const compression =
    attr(node, 'compression') ??
    (attr(node, 'compressflag') === 'True' ? attr(node, 'compressmethod') : undefined);
  const bytes = base64(text(node) ?? '', what);
  if (bytes.length === 0) fail(`${what} holds no data`);
  let leads: Int16Array[];
  if (compression && compression.toUpperCase() === 'XLI') {
    leads = decodeXli(bytes, samples, labels.length);
  } else if (!compression || /^(none|uncompressed)$/i.test(compression)) {
    const all = int16le(bytes);
    leads = labels.map((_, i) => all.subarray(i * samples, (i + 1) * samples));
  } else {
    fail(`${what}: compression "${compression}" is not supported`);
  }
  if (leads.length < labels.length) fail(`${what}: ${labels.length} leads declared, ${leads.length} found`);
  const map = new Map<string, Int16Array | Int32Array>();
  labels.forEach((name, i) => {
    const lead = leads[i];
    if (lead.length < samples) {
      warnings.push(`${what}: lead ${name} has ${lead.length} of ${samples} samples; padded with zeros`);
      const padded = new Int16Array(samples);
      padded.set(lead);
      map.set(name, padded);
    } else map.set(name, lead.subarray(0, samples));
  });
  return map;
}

function toRecord(
  map: Map<string, Int16Array | Int32Array>,
  sampleRate: number,
  resolutionUv: number,
): EcgRecord {
  const leads: Lead[] = [...map].map(([name, v]) => ({
    name,
    samples: Float32Array.from(v, (x) => x * resolutionUv),
  }));
  return { sampleRate, leads };
}

/**
 * Device measurements, from the interpretation's own block first (1.04: heartrate, print, qtcb …; 1.03:
 * meanventrate, meanprint, meanqtc …), then the measurement sections, each name in either version's spelling.
 */
function readMeasurements(root: unknown): Record<string, number> | undefined {
  const interp = list(child(root, 'interpretations', 'interpretation'))[0];
  const sources = [
    child(interp, 'globalmeasurements'),
    child(interp, 'interpretationmeasurements'),
    child(root, 'measurements', 'globalmeasurements'),
    child(root, 'internalmeasurements', 'crossleadmeasurements'),
  ].filter(Boolean);
  const pick = (...names: string[]) => {
    for (const src of sources)
      for (const name of names) {
        const v = num(child(src, name));
        if (v !== undefined) return v;
      }
    return undefined;
  };
  const m: Record<string, number> = {};
  const set = (key: string, v: number | undefined, lo: number, hi: number) => {
    if (v !== undefined && v >= lo && v <= hi) m[key] = v;
  };
  set('heartRate', pick('heartrate', 'meanventrate'), 1, 400);
  set('rrMean', pick('rrint', 'meanrrint'), 100, 5000);
  set('pDuration', pick('pdur'), 1, 400);
  set('pr', pick('print', 'meanprint'), 1, 1000);
  set('qrsDuration', pick('qrsdur', 'meanqrsdur'), 1, 400);
  set('qt', pick('qtint', 'meanqtint'), 1, 1000);
  set('qtcBazett', pick('qtcb'), 1, 1000);
  set('qtcFridericia', pick('qtcf'), 1, 1000);
  set('pAxis', pick('pfrontaxis'), -180, 360);
  set('qrsAxis', pick('qrsfrontaxis'), -180, 360);
  set('tAxis', pick('tfrontaxis'), -180, 360);
  const qtc = pick('meanqtc');
  if (qtc !== undefined && qtc > 0 && qtc < 1000 && m.qtcBazett === undefined) {
    // the file does not name the formula: call it Bazett only when QT and rate confirm it
    const bazett = m.qt && m.heartRate ? m.qt / Math.sqrt(60 / m.heartRate) : undefined;
    m[bazett !== undefined && Math.abs(bazett - qtc) <= 4 ? 'qtcBazett' : 'qtc'] = qtc;
  }
  return Object.keys(m).length ? m : undefined;
}

function readStatements(root: unknown): string[] | undefined {
  const out: string[] = [];
  for (const interp of list(child(root, 'interpretations', 'interpretation'))) {
    for (const st of list(child(interp, 'statement'))) {
      const left = text(child(st, 'leftstatement'));
      const right = text(child(st, 'rightstatement'));
      if (left) out.push(right ? `${left} (${right})` : left);
    }
    const severity = text(child(interp, 'severity'));
    if (severity) out.push(severity);
  }
  return out.length ? out : undefined;
}

export function readPhilipsXml(bytes: Uint8Array): ParsedEcg {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) fail('the file is empty');
  const xml = decodeXml(bytes);
  if (!xml.trim()) fail('the file is empty');
  let doc: Node;
  try {
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      removeNSPrefix: true,
      parseTagValue: false,
      parseAttributeValue: false,
      processEntities: true,
    });
    doc = parser.parse(xml) as Node;
  } catch (e) {
    fail(`not well-formed XML (${(e as Error).message.split('\n')[0]})`);
  }
  const root = doc?.restingecgdata;
  if (!root || typeof root !== 'object') fail('no <restingecgdata> root element: not a Philips ECG XML file');
  const warnings: string[] = [];
  const version = text(child(root, 'documentinfo', 'documentversion'));
  if (version && !/^1\.0[34]/.test(version)) warnings.push(`document version ${version} is untested`);

  const acq = child(root, 'dataacquisition');
  const signal = child(acq, 'signalcharacteristics');
  const wave = child(root, 'waveforms', 'parsedwaveforms');
  if (!wave) fail('no <parsedwaveforms> element: the file carries no waveform');
  const sampleRate = num(attr(wave, 'samplespersecond')) ?? num(child(signal, 'samplingrate'));
  if (!sampleRate || sampleRate < 50 || sampleRate > 20000)
    fail(`sampling rate ${sampleRate} Hz is not plausible`);
  const resolution = num(attr(wave, 'resolution')) ?? num(child(signal, 'signalresolution')) ?? 5;
  if (!(resolution > 0 && resolution < 1000)) fail(`signal resolution ${resolution} µV is not plausible`);
  const durationMs = num(attr(wave, 'durationperchannel'));
  if (!durationMs || durationMs <= 0) fail('durationperchannel is missing or not positive');
  const samples = Math.round((durationMs * sampleRate) / 1000);
  if (samples > MAX_SAMPLES) fail(`${samples} samples per lead is beyond any resting ECG`);
  const labels = leadLabels(wave, signal, num(attr(wave, 'numberofleads')) ?? 0);
  if (labels.length === 0 || labels.length > 32) fail(`${labels.length} leads is not plausible`);

  const map = decodeWaveform(wave, 'parsedwaveforms', labels, samples, warnings);
  const offset = num(attr(wave, 'signaloffset')) ?? num(child(signal, 'signaloffset')) ?? 0;
  if (offset !== 0) {
    for (const [name, v] of map)
      map.set(
        name,
        Int32Array.from(v, (x) => x - offset),
      );
  }
  reconstructLimbLeads(map, warnings);
  const acquiredDate = attr(acq, 'date');
  const acquiredTime = attr(acq, 'time');
  const acquiredAt = acquiredDate
    ? acquiredTime
      ? `${acquiredDate}T${acquiredTime}`
      : acquiredDate
    : undefined;
  const record = toRecord(map, sampleRate, resolution);
  record.startTime = acquiredAt;
  record.meta = { format: FORMAT, documentVersion: version };

  const result: ParsedEcg = { format: FORMAT, record, warnings };
  if (acquiredAt) result.acquiredAt = acquiredAt;

  const rep = child(root, 'waveforms', 'repbeats');
  if (rep) {
    try {
      const repRate = num(attr(rep, 'samplespersec')) ?? sampleRate;
      const repRes = num(attr(rep, 'resolution')) ?? resolution;
      const beats = new Map<string, Int16Array>();
      for (const beat of list(child(rep, 'repbeat'))) {
        const name = attr(beat, 'leadname');
        const w = child(beat, 'waveform');
        if (!name || !w) continue;
        const b = base64(text(w) ?? '', `repbeat ${name}`);
        // representative beats are usually plain int16; some writers compress them like the rhythm
        const compressed = /^xli$/i.test(attr(rep, 'compression') ?? attr(w, 'compression') ?? '');
        beats.set(name, compressed ? (decodeXli(b, 10_000, 1)[0] ?? new Int16Array(0)) : int16le(b));
      }
      if (beats.size > 0) {
        const n = Math.min(...[...beats.values()].map((b) => b.length));
        const trimmed = new Map([...beats].map(([k, v]) => [k, v.subarray(0, n)] as [string, Int16Array]));
        if (n > 0) result.medianBeats = toRecord(trimmed, repRate, repRes);
      }
    } catch (e) {
      warnings.push(`representative beats ignored: ${(e as Error).message}`);
    }
  }

  const general = child(root, 'patient', 'generalpatientdata');
  if (general) {
    const patient: NonNullable<ParsedEcg['patient']> = {};
    const id = meaningful(text(child(general, 'patientid')));
    if (id) patient.id = id;
    const mrn = meaningful(text(child(general, 'MRN')));
    if (mrn && mrn !== id) patient.otherIds = [mrn];
    const name = [text(child(general, 'name', 'lastname')), text(child(general, 'name', 'firstname'))]
      .map(meaningful)
      .filter(Boolean)
      .join(', ');
    if (name) patient.name = name;
    const dob = text(child(general, 'age', 'dateofbirth'));
    if (dob && /^\d{4}-\d{2}-\d{2}$/.test(dob)) patient.birthDate = dob;
    const years = num(child(general, 'age', 'years'));
    if (years !== undefined && years >= 0 && years < 150) patient.age = years;
    const sex = text(child(general, 'sex'))?.toLowerCase();
    if (sex) patient.sex = sex.startsWith('m') ? 'M' : sex.startsWith('f') ? 'F' : 'U';
    if (Object.keys(patient).length) result.patient = patient;
  }

  const machine = child(acq, 'machine');
  if (machine) {
    const [maker, , software] = (attr(machine, 'detaildescription') ?? '').split(':');
    result.device = {
      manufacturer: meaningful(maker?.trim()) ?? 'Philips',
      model: meaningful(text(machine)),
      serial: meaningful(attr(machine, 'machineid')),
      software: meaningful(software?.trim()),
    };
  }
  const order = meaningful(text(child(root, 'orderinfo', 'ordernumber')));
  if (order) result.order = { accessionNumber: order };
  const docName = text(child(root, 'documentinfo', 'documentname'));
  if (docName) result.instanceUid = docName.replace(/\.xml$/i, '');
  const measurements = readMeasurements(root);
  if (measurements) result.deviceMeasurements = measurements;
  const statements = readStatements(root);
  if (statements) result.deviceStatements = statements;
  return result;
}
