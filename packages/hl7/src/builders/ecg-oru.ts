// A signed ECG report → ORU^R01: numeric OBX per measurement (LOINC + UCUM), coded OBX per statement,
// a TX OBX for the conclusion and the PDF as an ED OBX. Amendments go out with result status C.
import { formatHl7Date, formatHl7DateTime } from '../datetime';
import { DEFAULT_DELIMITERS } from '../delimiters';
import { Hl7MappingError } from '../errors';
import { Hl7Message } from '../message';
import type { Segment } from '../segment';

/** LOINC codes of the global ECG measurements (domain.md §4) with their UCUM units. */
export const ECG_MEASUREMENTS = {
  heartRate: { loinc: '8867-4', name: 'Heart rate', unit: '/min' },
  prInterval: { loinc: '8625-6', name: 'P-R Interval', unit: 'ms' },
  qrsDuration: { loinc: '8633-0', name: 'QRS duration', unit: 'ms' },
  qtInterval: { loinc: '8634-8', name: 'Q-T Interval', unit: 'ms' },
  qtcInterval: { loinc: '8636-3', name: 'Q-T Interval corrected', unit: 'ms' },
  pAxis: { loinc: '8626-4', name: 'P wave axis', unit: 'deg' },
  qrsAxis: { loinc: '8632-2', name: 'QRS axis', unit: 'deg' },
  tAxis: { loinc: '8638-9', name: 'T wave axis', unit: 'deg' },
} as const;

export type EcgMeasurementKey = keyof typeof ECG_MEASUREMENTS;

/** LOINC codes used for the report as a whole and its narrative parts. */
export const ECG_REPORT_CODES = {
  study: { code: '11524-6', text: 'EKG study', system: 'LN' },
  impression: { code: '8601-7', text: 'EKG impression', system: 'LN' },
  interpretation: { code: '18844-1', text: 'EKG interpretation', system: 'LN' },
} as const;

export interface EcgReportInput {
  /** MSH-10; generated when absent. */
  messageControlId?: string;
  sendingApplication?: string;
  sendingFacility?: string;
  receivingApplication?: string;
  receivingFacility?: string;
  /** MSH-18, e.g. 'UNICODE UTF-8' (default) or 'GB 18030-2000'. */
  charset?: string;
  patient: {
    identifiers: { value: string; typeCode?: string; authority?: string }[];
    name?: { family: string; given?: string } | string;
    sex?: 'male' | 'female' | 'other' | 'unknown';
    /** YYYY-MM-DD */
    birthDate?: string;
  };
  visit?: { visitNumber?: string; patientClassCode?: string; department?: string; bed?: string };
  order: { placerOrderNumber?: string; fillerOrderNumber?: string; accessionNumber?: string };
  acquiredAt: Date;
  signedAt: Date;
  /** 'final' → F; 'corrected' (an amendment of a report already sent) → C. */
  status?: 'final' | 'corrected';
  measurements: Partial<Record<EcgMeasurementKey, number>>;
  statements?: { code: string; text: string; system?: string }[];
  conclusion?: string;
  signer: { id: string; family: string; given?: string };
  pdf?: Uint8Array;
  utcOffsetMinutes?: number;
}

const SEX_CODES = { male: 'M', female: 'F', other: 'O', unknown: 'U' } as const;

const BASE64_CODES = new TextEncoder().encode(
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
);

/**
 * Base64 (RFC 4648) without Node's Buffer. Writes ASCII codes into a byte array and decodes it once: string
 * building per character would take seconds for a multi-megabyte PDF.
 */
export function toBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = BASE64_CODES[n >> 18];
    out[o++] = BASE64_CODES[(n >> 12) & 63];
    out[o++] = BASE64_CODES[(n >> 6) & 63];
    out[o++] = BASE64_CODES[n & 63];
  }
  if (i < bytes.length) {
    const two = i + 1 < bytes.length;
    const n = (bytes[i] << 16) | ((two ? bytes[i + 1] : 0) << 8);
    out[o++] = BASE64_CODES[n >> 18];
    out[o++] = BASE64_CODES[(n >> 12) & 63];
    out[o++] = two ? BASE64_CODES[(n >> 6) & 63] : 0x3d;
    out[o++] = 0x3d;
  }
  return new TextDecoder().decode(out);
}

export function buildEcgOruR01(report: EcgReportInput): Hl7Message {
  if (!report.patient?.identifiers?.some((i) => i.value)) {
    throw new Hl7MappingError('patient.identifiers', 'at least one identifier is required');
  }
  if (!report.order?.placerOrderNumber && !report.order?.fillerOrderNumber) {
    throw new Hl7MappingError('order', 'a placer or filler order number is required');
  }
  if (!report.signer?.id) throw new Hl7MappingError('signer.id', 'the signing physician is required');
  for (const [key, value] of Object.entries(report.measurements ?? {})) {
    if (!(key in ECG_MEASUREMENTS)) throw new Hl7MappingError(`measurements.${key}`, 'unknown measurement');
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Hl7MappingError(`measurements.${key}`, `expected a finite number, got ${String(value)}`);
    }
  }
  const offset = report.utcOffsetMinutes;
  const resultStatus = report.status === 'corrected' ? 'C' : 'F';
  const signedAt = formatHl7DateTime(report.signedAt, offset);
  const acquiredAt = formatHl7DateTime(report.acquiredAt, offset);

  const m = Hl7Message.create(DEFAULT_DELIMITERS);
  const msh = m.header;
  msh.set('3', report.sendingApplication ?? 'LIFELINE');
  msh.set('4', report.sendingFacility ?? '');
  msh.set('5', report.receivingApplication ?? '');
  msh.set('6', report.receivingFacility ?? '');
  msh.set('7', signedAt);
  msh.set('9', ['ORU', 'R01', 'ORU_R01']);
  msh.set('10', report.messageControlId ?? globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 20));
  msh.set('11', 'P');
  msh.set('12', '2.5.1');
  msh.set('15', 'AL');
  msh.set('16', 'NE');
  msh.set('18', report.charset ?? 'UNICODE UTF-8');

  const pid = m.addSegment('PID');
  pid.set('1', '1');
  report.patient.identifiers.forEach((id, i) => {
    pid.set({ field: 3, repetition: i + 1, component: 1 }, id.value);
    if (id.authority) pid.set({ field: 3, repetition: i + 1, component: 4 }, id.authority);
    pid.set({ field: 3, repetition: i + 1, component: 5 }, id.typeCode ?? 'PI');
  });
  const name = report.patient.name;
  if (typeof name === 'string') pid.set('5', name);
  else if (name) pid.set('5', [name.family, name.given ?? '']);
  if (report.patient.birthDate) pid.set('7', formatHl7Date(report.patient.birthDate));
  if (report.patient.sex) pid.set('8', SEX_CODES[report.patient.sex]);

  if (report.visit) {
    const pv1 = m.addSegment('PV1');
    pv1.set('1', '1');
    pv1.set('2', report.visit.patientClassCode ?? 'O');
    if (report.visit.department || report.visit.bed) {
      pv1.set('3', [report.visit.department ?? '', '', report.visit.bed ?? '']);
    }
    if (report.visit.visitNumber) pv1.set('19', report.visit.visitNumber);
  }

  const orc = m.addSegment('ORC');
  orc.set('1', 'RE');
  if (report.order.placerOrderNumber) orc.set('2', report.order.placerOrderNumber);
  if (report.order.fillerOrderNumber) orc.set('3', report.order.fillerOrderNumber);
  orc.set('5', 'CM');

  const obr = m.addSegment('OBR');
  obr.set('1', '1');
  if (report.order.placerOrderNumber) obr.set('2', report.order.placerOrderNumber);
  if (report.order.fillerOrderNumber) obr.set('3', report.order.fillerOrderNumber);
  const study = ECG_REPORT_CODES.study;
  obr.set('4', [study.code, study.text, study.system]);
  obr.set('7', acquiredAt);
  if (report.order.accessionNumber) obr.set('18', report.order.accessionNumber);
  obr.set('22', signedAt);
  obr.set('24', 'EC'); // diagnostic service section (table 0074): electrocardiac
  obr.set('25', resultStatus);
  // OBR-32 principal result interpreter (NDL): the name is a CNN written in subcomponents.
  obr.set({ field: 32, component: 1, subcomponent: 1 }, report.signer.id);
  obr.set({ field: 32, component: 1, subcomponent: 2 }, report.signer.family);
  if (report.signer.given) obr.set({ field: 32, component: 1, subcomponent: 3 }, report.signer.given);

  let setId = 0;
  const addObx = (type: string, code: readonly string[], subId = ''): Segment => {
    const obx = m.addSegment('OBX');
    obx.set('1', String(++setId));
    obx.set('2', type);
    obx.set('3', code);
    if (subId) obx.set('4', subId);
    obx.set('11', resultStatus);
    obx.set('14', acquiredAt);
    obx.set('16', [report.signer.id, report.signer.family, report.signer.given ?? '']);
    return obx;
  };

  for (const key of Object.keys(ECG_MEASUREMENTS) as EcgMeasurementKey[]) {
    const value = report.measurements[key];
    if (value === undefined) continue;
    const def = ECG_MEASUREMENTS[key];
    const obx = addObx('NM', [def.loinc, def.name, 'LN']);
    obx.set('5', formatNumber(value));
    obx.set('6', [def.unit, def.unit, 'UCUM']);
  }
  (report.statements ?? []).forEach((st, i) => {
    const it = ECG_REPORT_CODES.interpretation;
    const obx = addObx('CWE', [it.code, it.text, it.system], String(i + 1));
    obx.set('5', [st.code, st.text, st.system ?? 'L']);
  });
  if (report.conclusion) {
    const im = ECG_REPORT_CODES.impression;
    const obx = addObx('TX', [im.code, im.text, im.system]);
    report.conclusion.split(/\r\n|\r|\n/).forEach((line, i) => {
      obx.set({ field: 5, repetition: i + 1 }, line);
    });
  }
  if (report.pdf) {
    const obx = addObx('ED', [study.code, study.text, study.system]);
    obx.set('5', ['', 'Application', 'PDF', 'Base64', toBase64(report.pdf)]);
  }
  return m;
}

function formatNumber(value: number): string {
  // Integers stay integers; others keep at most 3 decimals (intervals in ms need no more).
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
}
