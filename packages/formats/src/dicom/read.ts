import type { EcgRecord, Lead } from '@lifeline/ecg';
import { FormatError, type ParsedEcg } from '../types';
import { readAnnotations } from './annotations';
import { first, fixText, type Item, items, num, parseDataset, str, withFileCharset } from './dataset';
import { leadNameFromCode } from './leads';
import {
  dicomAgeToYears,
  dicomDateTimeToIso,
  dicomDateToIso,
  dicomTimeToIso,
  displayPersonName,
  parsePersonName,
} from './values';

const FORMAT = 'dicom';

/** Waveform SOP classes whose channels are ECG leads. */
export const ECG_WAVEFORM_SOP_CLASSES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.9.1.1': '12-Lead ECG Waveform Storage',
  '1.2.840.10008.5.1.4.1.1.9.1.2': 'General ECG Waveform Storage',
  '1.2.840.10008.5.1.4.1.1.9.1.3': 'Ambulatory ECG Waveform Storage',
  '1.2.840.10008.5.1.4.1.1.9.2.1': 'Hemodynamic Waveform Storage',
  '1.2.840.10008.5.1.4.1.1.9.3.1': 'Basic Cardiac Electrophysiology Waveform Storage',
};

/** Names of common non-ECG SOP classes, so the error says what the file is instead of a bare UID. */
const OTHER_SOP_CLASSES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.2': 'CT Image Storage',
  '1.2.840.10008.5.1.4.1.1.4': 'MR Image Storage',
  '1.2.840.10008.5.1.4.1.1.1': 'Computed Radiography Image Storage',
  '1.2.840.10008.5.1.4.1.1.1.1': 'Digital X-Ray Image Storage',
  '1.2.840.10008.5.1.4.1.1.6.1': 'Ultrasound Image Storage',
  '1.2.840.10008.5.1.4.1.1.7': 'Secondary Capture Image Storage',
  '1.2.840.10008.5.1.4.1.1.104.1': 'Encapsulated PDF Storage',
  '1.2.840.10008.5.1.4.1.1.88.11': 'Basic Text SR Storage',
  '1.2.840.10008.5.1.4.1.1.88.22': 'Enhanced SR Storage',
  '1.2.840.10008.5.1.4.1.1.88.33': 'Comprehensive SR Storage',
  '1.2.840.10008.5.1.4.1.1.9.4.1': 'Basic Voice Audio Waveform Storage',
  '1.2.840.10008.5.1.4.1.1.9.1.4': 'General Audio Waveform Storage',
  '1.2.840.10008.5.1.4.1.1.9.5.1': 'Arterial Pulse Waveform Storage',
  '1.2.840.10008.5.1.4.1.1.9.6.1': 'Respiratory Waveform Storage',
};

/** Multiplier from a channel sensitivity unit (UCUM code or its meaning) to microvolts. */
function unitToMicrovolts(code: string | undefined, meaning: string | undefined): number | undefined {
  const c = (code ?? '').trim();
  const table: Record<string, number> = { uV: 1, mV: 1000, V: 1e6, nV: 1e-3 };
  if (c in table) return table[c];
  const m = (meaning ?? '').toLowerCase();
  if (m.startsWith('microvolt')) return 1;
  if (m.startsWith('millivolt')) return 1000;
  if (m === 'volt' || m === 'volts') return 1e6;
  return undefined;
}

interface Group {
  index: number; // 1-based, as annotations reference it
  label: string;
  originality: string;
  channels: number;
  samples: number;
  rate: number;
  item: Item;
}

function describeGroups(ds: Item): Group[] {
  return items(ds.WaveformSequence).map((item, i) => ({
    index: i + 1,
    label: (str(item.MultiplexGroupLabel) ?? '').toUpperCase(),
    originality: (str(item.WaveformOriginality) ?? '').toUpperCase(),
    channels: num(item.NumberOfWaveformChannels) ?? 0,
    samples: num(item.NumberOfWaveformSamples) ?? 0,
    rate: num(item.SamplingFrequency) ?? 0,
    item,
  }));
}

const isMedianLabel = (g: Group) => /MEDIAN|REPRESENTATIVE|AVERAGE/.test(g.label);

/** True when at least one channel of the group is in volts (ECG), not mmHg, °C or %. */
function hasVoltageChannel(g: Group): boolean {
  return items(g.item.ChannelDefinitionSequence).some((def) => {
    const unit = first(def.ChannelSensitivityUnitsSequence);
    return unitToMicrovolts(str(unit?.CodeValue), str(unit?.CodeMeaning)) !== undefined;
  });
}

/**
 * The rhythm group is the longest (in seconds) group with ECG channels that is not labelled as median beats;
 * groups of the same rate and length are its siblings (some devices split the leads over groups). The median
 * group is the one labelled so, or else a DERIVED group shorter than the rhythm (how devices store averages).
 */
function pickGroups(groups: Group[]): { rhythm?: Group; siblings: Group[]; median?: Group } {
  const seconds = (g: Group) => (g.rate > 0 ? g.samples / g.rate : 0);
  const candidates = groups
    .filter((g) => !isMedianLabel(g))
    .sort((a, b) => Number(hasVoltageChannel(b)) - Number(hasVoltageChannel(a)) || seconds(b) - seconds(a));
  const rhythm = candidates[0];
  const siblings = candidates.filter(
    (g) =>
      g !== rhythm &&
      rhythm &&
      g.rate === rhythm.rate &&
      g.samples === rhythm.samples &&
      g.originality === rhythm.originality &&
      hasVoltageChannel(g),
  );
  let median = groups.find(isMedianLabel);
  if (!median && rhythm) {
    median = groups.find(
      (g) =>
        g !== rhythm && !siblings.includes(g) && g.originality === 'DERIVED' && seconds(g) < seconds(rhythm),
    );
  }
  return { rhythm, siblings, median };
}

function waveformBytes(value: unknown): Uint8Array | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return undefined;
}

/** Decodes one multiplex group into leads in microvolts. Non-voltage channels (pressure …) are skipped. */
function decodeGroup(group: Group, warnings: string[]): EcgRecord {
  const { item, channels, samples, rate } = group;
  const what = `multiplex group ${group.index}${group.label ? ` (${group.label})` : ''}`;
  if (!(rate > 0)) throw new FormatError(`${what}: SamplingFrequency missing or not positive`, FORMAT);
  if (!(channels > 0)) throw new FormatError(`${what}: NumberOfWaveformChannels missing or zero`, FORMAT);
  if (!(samples > 0)) throw new FormatError(`${what}: NumberOfWaveformSamples missing or zero`, FORMAT);
  const bits = num(item.WaveformBitsAllocated);
  const interp = (str(item.WaveformSampleInterpretation) ?? '').toUpperCase();
  const layout: Record<string, { bytes: number; signed: boolean }> = {
    '8SB': { bytes: 1, signed: true },
    '8UB': { bytes: 1, signed: false },
    '16SS': { bytes: 2, signed: true },
    '16US': { bytes: 2, signed: false },
    '32SL': { bytes: 4, signed: true },
    '32UL': { bytes: 4, signed: false },
  };
  const kind = layout[`${bits}${interp}`];
  if (!kind) {
    throw new FormatError(
      `${what}: unsupported WaveformBitsAllocated ${bits} with WaveformSampleInterpretation "${interp}"`,
      FORMAT,
    );
  }
  const data = waveformBytes(item.WaveformData);
  if (!data) throw new FormatError(`${what}: WaveformData missing`, FORMAT);
  const expected = channels * samples * kind.bytes;
  if (data.byteLength < expected) {
    throw new FormatError(`truncated: waveform data ${data.byteLength} bytes, expected ${expected}`, FORMAT);
  }
  const view = new DataView(data.buffer, data.byteOffset, expected);
  const read = (offset: number): number => {
    if (kind.bytes === 1) return kind.signed ? view.getInt8(offset) : view.getUint8(offset);
    if (kind.bytes === 2) return kind.signed ? view.getInt16(offset, true) : view.getUint16(offset, true);
    return kind.signed ? view.getInt32(offset, true) : view.getUint32(offset, true);
  };
  const padding = paddingValue(item.WaveformPaddingValue, kind);
  const defs = items(item.ChannelDefinitionSequence);
  if (defs.length !== channels) {
    throw new FormatError(
      `${what}: ChannelDefinitionSequence has ${defs.length} items, NumberOfWaveformChannels says ${channels}`,
      FORMAT,
    );
  }
  const leads: Lead[] = [];
  let padded = 0;
  defs.forEach((def, c) => {
    const source = first(def.ChannelSourceSequence);
    const name =
      leadNameFromCode({
        value: str(source?.CodeValue),
        scheme: str(source?.CodingSchemeDesignator),
        meaning: str(source?.CodeMeaning),
      }) ?? str(def.ChannelLabel);
    const unitItem = first(def.ChannelSensitivityUnitsSequence);
    const sensitivity = num(def.ChannelSensitivity);
    const factor = num(def.ChannelSensitivityCorrectionFactor) ?? 1;
    const baseline = num(def.ChannelBaseline) ?? 0;
    let toUv = unitToMicrovolts(str(unitItem?.CodeValue), str(unitItem?.CodeMeaning));
    if (sensitivity === undefined) {
      warnings.push(`${what} channel ${c + 1}: no ChannelSensitivity, samples taken as raw µV`);
      toUv = toUv ?? 1;
    }
    if (toUv === undefined) {
      const unit = str(unitItem?.CodeValue) ?? str(unitItem?.CodeMeaning) ?? 'none';
      warnings.push(
        `${what} channel ${c + 1} (${name ?? 'unnamed'}): unit "${unit}" is not a voltage, skipped`,
      );
      return;
    }
    const scale = (sensitivity ?? 1) * factor * toUv;
    const out = new Float32Array(samples);
    const stride = channels * kind.bytes;
    for (let s = 0, off = c * kind.bytes; s < samples; s++, off += stride) {
      const raw = read(off);
      if (raw === padding) {
        padded++;
        out[s] = 0;
      } else out[s] = (raw + baseline) * scale;
    }
    leads.push({ name: name ?? `channel ${c + 1}`, samples: out });
    if (!name) warnings.push(`${what} channel ${c + 1}: no lead code, named "channel ${c + 1}"`);
  });
  if (padded > 0) warnings.push(`${what}: ${padded} padding samples (no data) set to 0 µV`);
  if (leads.length === 0) throw new FormatError(`${what}: no channel is an ECG voltage`, FORMAT);
  const filters = filterSettings(defs[0]);
  return filters ? { sampleRate: rate, leads, meta: { filters } } : { sampleRate: rate, leads };
}

/** The acquisition filters the device states (Hz), for display next to the tracing. */
function filterSettings(def: Item | undefined): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  const low = num(def?.FilterLowFrequency);
  const high = num(def?.FilterHighFrequency);
  const notch = num(def?.NotchFilterFrequency);
  if (low !== undefined) out.highPassHz = low;
  if (high !== undefined) out.lowPassHz = high;
  if (notch !== undefined && notch > 0) out.notchHz = notch;
  return Object.keys(out).length ? out : undefined;
}

function paddingValue(value: unknown, kind: { bytes: number; signed: boolean }): number | undefined {
  const bytes = waveformBytes(value);
  if (!bytes || bytes.byteLength < kind.bytes) {
    return typeof value === 'number' ? value : undefined;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (kind.bytes === 1) return kind.signed ? view.getInt8(0) : view.getUint8(0);
  if (kind.bytes === 2) return kind.signed ? view.getInt16(0, true) : view.getUint16(0, true);
  return kind.signed ? view.getInt32(0, true) : view.getUint32(0, true);
}

/** Reads a DICOM waveform object (12-lead, general, ambulatory ECG or hemodynamic) into a ParsedEcg. */
export function readDicomEcg(bytes: Uint8Array): ParsedEcg {
  return withFileCharset(bytes, () => readDataset(parseDataset(bytes)));
}

function readDataset(ds: Item): ParsedEcg {
  const sopClass = str(ds.SOPClassUID) ?? '';
  if (!ECG_WAVEFORM_SOP_CLASSES[sopClass]) {
    const name = OTHER_SOP_CLASSES[sopClass] ?? (sopClass || 'missing');
    throw new FormatError(`not an ECG: DICOM SOP class ${name}`, FORMAT);
  }
  const groups = describeGroups(ds);
  if (groups.length === 0) throw new FormatError('DICOM waveform object has no WaveformSequence', FORMAT);
  const { rhythm, siblings, median } = pickGroups(groups);
  if (!rhythm) throw new FormatError('DICOM waveform object has no rhythm multiplex group', FORMAT);
  const warnings: string[] = [];
  const record = decodeGroup(rhythm, warnings);
  for (const sibling of siblings) {
    const names = new Set(record.leads.map((l) => l.name));
    for (const lead of decodeGroup(sibling, warnings).leads)
      if (!names.has(lead.name)) record.leads.push(lead);
  }

  const acquiredAt =
    dicomDateTimeToIso(ds.AcquisitionDateTime) ??
    joinDateTime(ds.ContentDate, ds.ContentTime) ??
    joinDateTime(ds.StudyDate, ds.StudyTime);
  if (acquiredAt) record.startTime = acquiredAt;
  const parsed: ParsedEcg = { format: FORMAT, record, warnings };
  if (acquiredAt) parsed.acquiredAt = acquiredAt;
  if (median) {
    try {
      parsed.medianBeats = decodeGroup(median, warnings);
    } catch (e) {
      // A broken median group should not cost the rhythm, which is what the ECG is read from.
      warnings.push(`median beats not read: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  const patient: NonNullable<ParsedEcg['patient']> = {};
  const pid = str(ds.PatientID);
  if (pid) patient.id = pid;
  const others = items(ds.OtherPatientIDsSequence)
    .map((o) => str(o.PatientID))
    .filter((x): x is string => !!x);
  const otherIds = str(ds.OtherPatientIDs);
  if (otherIds) others.push(...otherIds.split('\\').filter(Boolean));
  if (others.length) patient.otherIds = others;
  const pn = parsePersonName(ds.PatientName);
  // Top-level values were decoded by dcmjs; with a charset it does not know (ISO 2022 IR 58) they need fixing.
  if (pn)
    for (const k of ['alphabetic', 'ideographic', 'phonetic'] as const) if (pn[k]) pn[k] = fixText(pn[k]);
  if (pn) {
    // Chinese hospitals put the name in characters in the ideographic group; show that one when present.
    if (pn.ideographic) {
      patient.name = displayPersonName(pn.ideographic, true);
      if (pn.alphabetic)
        record.meta = { ...record.meta, patientNameAlphabetic: displayPersonName(pn.alphabetic, false) };
    } else if (pn.alphabetic) patient.name = displayPersonName(pn.alphabetic, false);
  }
  const birth = dicomDateToIso(ds.PatientBirthDate);
  if (birth) patient.birthDate = birth;
  const sex = str(ds.PatientSex)?.toUpperCase();
  if (sex === 'M' || sex === 'F') patient.sex = sex;
  else if (sex === 'O') patient.sex = 'U';
  const age = dicomAgeToYears(ds.PatientAge);
  if (age !== undefined) patient.age = age;
  if (Object.keys(patient).length) parsed.patient = patient;

  const accession = str(ds.AccessionNumber);
  const requested = str(first(ds.RequestAttributesSequence)?.RequestedProcedureID);
  if (accession || requested) {
    parsed.order = {};
    if (accession) parsed.order.accessionNumber = accession;
    if (requested) parsed.order.requestedProcedureId = requested;
  }
  const device: NonNullable<ParsedEcg['device']> = {};
  const manufacturer = str(ds.Manufacturer);
  const model = str(ds.ManufacturerModelName);
  const serial = str(ds.DeviceSerialNumber);
  const software = str(ds.SoftwareVersions);
  if (manufacturer) device.manufacturer = manufacturer;
  if (model) device.model = model;
  if (serial) device.serial = serial;
  if (software) device.software = software;
  if (Object.keys(device).length) parsed.device = device;
  const uid = str(ds.SOPInstanceUID);
  if (uid) parsed.instanceUid = uid;
  record.meta = {
    ...record.meta,
    sopClassUid: sopClass,
    sopClassName: ECG_WAVEFORM_SOP_CLASSES[sopClass],
    studyInstanceUid: str(ds.StudyInstanceUID),
    seriesInstanceUid: str(ds.SeriesInstanceUID),
    multiplexGroup: rhythm.label || undefined,
  };
  readAnnotations(ds, rhythm, parsed);
  return parsed;
}

function joinDateTime(date: unknown, time: unknown): string | undefined {
  const d = dicomDateToIso(date);
  if (!d) return undefined;
  const t = dicomTimeToIso(time);
  return t ? `${d}T${t}` : d;
}
