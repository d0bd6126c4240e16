// ORU^R01 (LIS, point-of-care devices such as troponin analysers) → results stored on the patient.
import { Hl7MappingError } from '../errors';
import type { Hl7Message } from '../message';
import type { Segment } from '../segment';
import { type MessageSource, messageSource } from './adt';
import {
  type Coded,
  coded,
  type MapOptions,
  mapPatient,
  mapVisit,
  nonEmpty,
  type PatientData,
  type Practitioner,
  practitioner,
  type VisitData,
  Warnings,
} from './common';

export interface EncapsulatedData {
  sourceApplication?: string;
  /** ED-2, e.g. 'Application' */
  typeOfData: string;
  /** ED-3, e.g. 'PDF' */
  dataSubtype: string;
  /** ED-4, e.g. 'Base64' */
  encoding: string;
  /** ED-5 as sent (base64 text when encoding is Base64). */
  data: string;
}

export interface StructuredNumeric {
  comparator?: string;
  value?: number;
  separator?: string;
  value2?: number;
}

export type ObservationValue = number | string | Coded | EncapsulatedData | StructuredNumeric;

export interface Observation {
  setId?: string;
  valueType: string;
  code: Coded;
  subId?: string;
  /** First value; numbers for NM, objects for CE/CWE/ED/SN, ISO text for DT/TS/DTM, text otherwise. */
  value?: ObservationValue;
  /** Every repetition (TX and FT lines, repeated codes). */
  values: ObservationValue[];
  units?: Coded;
  referenceRange?: string;
  abnormalFlags: string[];
  /** OBX-11: F final, C corrected, P preliminary, X cannot obtain, … */
  status: string;
  observationTime?: string;
  responsibleObserver?: Practitioner;
  notes: string[];
}

export interface ResultReport {
  placerOrderNumber?: string;
  fillerOrderNumber?: string;
  service?: Coded;
  observationTime?: string;
  reportedTime?: string;
  /** OBR-25 */
  resultStatus: string;
  observations: Observation[];
  notes: string[];
}

export interface ResultMessage {
  kind: 'result';
  source: MessageSource;
  patient?: PatientData;
  visit?: VisitData;
  reports: ResultReport[];
  warnings: string[];
}

export function mapResults(message: Hl7Message, options: MapOptions = {}): ResultMessage {
  const { code, trigger } = message.type;
  if (code !== 'ORU' || (trigger && trigger !== 'R01')) {
    throw new Hl7MappingError('MSH-9', `expected ORU^R01, got ${code}^${trigger}`);
  }
  const warnings = new Warnings();
  const offset = options.utcOffsetMinutes;
  const reports: ResultReport[] = [];
  let report: ResultReport | undefined;
  let observation: Observation | undefined;
  for (const s of message.segments) {
    if (s.id === 'OBR') {
      observation = undefined;
      report = mapObr(s, warnings, offset);
      reports.push(report);
    } else if (s.id === 'OBX') {
      if (!report) throw new Hl7MappingError('OBX', 'OBX appears before any OBR');
      observation = mapObx(s, warnings, offset);
      report.observations.push(observation);
    } else if (s.id === 'NTE') {
      const text = s
        .repetitions(3)
        .map((r) => r[0])
        .join('\n');
      if (observation) observation.notes.push(text);
      else if (report) report.notes.push(text);
    }
  }
  if (reports.length === 0) throw new Hl7MappingError('OBR', 'ORU^R01 holds no OBR segment');
  const pid = message.segment('PID');
  const pv1 = message.segment('PV1');
  return {
    kind: 'result',
    source: messageSource(message, warnings, options),
    ...(pid && { patient: mapPatient(pid, options, warnings) }),
    ...(pv1 && { visit: mapVisit(pv1, options, warnings) }),
    reports,
    warnings: warnings.list,
  };
}

function mapObr(obr: Segment, warnings: Warnings, offset?: number): ResultReport {
  const r: ResultReport = { resultStatus: obr.get('25').trim(), observations: [], notes: [] };
  const placer = nonEmpty(obr.get('2.1'));
  const filler = nonEmpty(obr.get('3.1'));
  const service = coded(obr, 4);
  const observed = warnings.date(obr, '7', true, offset);
  const reported = warnings.date(obr, '22', true, offset);
  if (placer) r.placerOrderNumber = placer;
  if (filler) r.fillerOrderNumber = filler;
  if (service) r.service = service;
  if (observed) r.observationTime = observed;
  if (reported) r.reportedTime = reported;
  return r;
}

function mapObx(obx: Segment, warnings: Warnings, offset?: number): Observation {
  const valueType = obx.get('2').trim().toUpperCase();
  const code = coded(obx, 3) ?? { code: '' };
  const values: ObservationValue[] = [];
  const n = obx.repetitionCount(5);
  for (let rep = 1; rep <= n; rep++) {
    const v = readValue(obx, valueType, rep, warnings, offset);
    if (v !== undefined) values.push(v);
  }
  const obs: Observation = {
    valueType,
    code,
    values,
    abnormalFlags: obx
      .repetitions(8)
      .map((r) => r[0])
      .filter((f) => f !== ''),
    status: obx.get('11').trim(),
    notes: [],
  };
  if (values.length > 0) {
    // TX/FT repetitions are lines of one text; other types keep their first value.
    obs.value =
      (valueType === 'TX' || valueType === 'FT') && values.length > 1 ? values.join('\n') : values[0];
  }
  const setId = nonEmpty(obx.get('1'));
  const subId = nonEmpty(obx.get('4'));
  const units = coded(obx, 6);
  const range = nonEmpty(obx.get('7'));
  const time = warnings.date(obx, '14', true, offset);
  const observer = practitioner(obx, 16);
  if (setId) obs.setId = setId;
  if (subId) obs.subId = subId;
  if (units) obs.units = units;
  if (range) obs.referenceRange = range;
  if (time) obs.observationTime = time;
  if (observer) obs.responsibleObserver = observer;
  return obs;
}

function readValue(
  obx: Segment,
  type: string,
  repetition: number,
  warnings: Warnings,
  offset?: number,
): ObservationValue | undefined {
  const c = (i: number) => obx.get({ field: 5, repetition, component: i });
  switch (type) {
    case 'NM': {
      const text = c(1).trim();
      if (text === '') return undefined;
      const n = Number(text);
      if (Number.isFinite(n)) return n;
      warnings.add('OBX-5', `NM value '${text}' is not a number; kept as text`);
      return text;
    }
    case 'SN': {
      const sn: StructuredNumeric = {};
      const num = (t: string) => (t.trim() !== '' && Number.isFinite(Number(t)) ? Number(t) : undefined);
      if (nonEmpty(c(1))) sn.comparator = c(1).trim();
      if (num(c(2)) !== undefined) sn.value = num(c(2));
      if (nonEmpty(c(3))) sn.separator = c(3).trim();
      if (num(c(4)) !== undefined) sn.value2 = num(c(4));
      return Object.keys(sn).length ? sn : undefined;
    }
    case 'CE':
    case 'CWE':
    case 'CNE':
    case 'CF':
      return coded(obx, 5, repetition);
    case 'ED': {
      const ed: EncapsulatedData = {
        typeOfData: c(2),
        dataSubtype: c(3),
        encoding: c(4),
        data: obx.getRaw({ field: 5, repetition, component: 5 }),
      };
      if (nonEmpty(c(1))) ed.sourceApplication = c(1);
      return ed;
    }
    case 'DT':
    case 'TS':
    case 'DTM': {
      const dt = warnings.date(obx, `5[${repetition}]`, type !== 'DT', offset);
      return dt ?? nonEmpty(c(1));
    }
    default: {
      // ST, TX, FT and unknown types: the whole repetition as text (components joined back for display).
      const raw = obx.getRaw({ field: 5, repetition });
      if (raw === '') return undefined;
      return type === 'ST' || type === 'TX' || type === 'FT' ? obx.get({ field: 5, repetition }) : raw;
    }
  }
}

/** Decodes the bytes of a Base64 ED value (e.g. the PDF of a report). */
export function decodeEncapsulated(ed: EncapsulatedData): Uint8Array {
  if (ed.encoding.toUpperCase() !== 'BASE64') {
    throw new Hl7MappingError('OBX-5.4', `encoding '${ed.encoding}' is not Base64`);
  }
  const clean = ed.data.replace(/\s+/g, '');
  let binary: string;
  try {
    binary = atob(clean);
  } catch {
    throw new Hl7MappingError('OBX-5.5', 'data is not valid Base64');
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
