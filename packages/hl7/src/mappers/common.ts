// Data types shared by the mappers (CX, XPN, XCN, XAD, XTN, CE/CWE, PL) and the PID/PV1 segments.
import { parseHl7Date, parseHl7DateTime } from '../datetime';
import type { Segment } from '../segment';

export type IdentifierType =
  | 'his'
  | 'outpatient'
  | 'inpatient'
  | 'insurance'
  | 'national-id'
  | 'passport'
  | 'visit'
  | 'other';

/**
 * CX-5 identifier type code → our identifier type. HL7 table 0203 codes plus the China national-ID code
 * NNCHN ("national person identifier", country CHN). Sites can override per code through MapOptions.
 */
export const DEFAULT_IDENTIFIER_TYPES: Readonly<Record<string, IdentifierType>> = {
  PI: 'his',
  PT: 'his',
  PK: 'his',
  MR: 'inpatient',
  IP: 'inpatient',
  PN: 'outpatient',
  OP: 'outpatient',
  VN: 'visit',
  AN: 'visit',
  SS: 'insurance',
  HC: 'insurance',
  JHN: 'insurance',
  MC: 'insurance',
  MA: 'insurance',
  NI: 'national-id',
  NNCHN: 'national-id',
  CZ: 'national-id',
  PPN: 'passport',
};

export interface MapOptions {
  /** Overrides or additions to DEFAULT_IDENTIFIER_TYPES, keyed by CX-5 code. */
  identifierTypes?: Record<string, IdentifierType>;
  /** Offset assumed for times sent without one (minutes east of UTC; default +08:00). */
  utcOffsetMinutes?: number;
}

export interface Coded {
  code: string;
  text?: string;
  system?: string;
}

export interface PatientIdentifier {
  value: string;
  type: IdentifierType;
  /** CX-5 as sent ('' when absent). */
  typeCode: string;
  /** CX-4 assigning authority (namespace ID, else universal ID). */
  authority?: string;
}

export interface PersonName {
  /** Display name: family + given without space for Chinese, "given middle family" otherwise. */
  full: string;
  family?: string;
  given?: string;
  middle?: string;
  prefix?: string;
  suffix?: string;
}

export interface Address {
  street?: string;
  other?: string;
  city?: string;
  province?: string;
  postalCode?: string;
  country?: string;
  district?: string;
  type?: string;
  /** The parts joined for display, largest unit first (Chinese order). */
  text: string;
}

export type Sex = 'male' | 'female' | 'other' | 'unknown';

export interface PatientData {
  identifiers: PatientIdentifier[];
  name?: PersonName;
  sex: Sex;
  birthDate?: string;
  phone?: string;
  address?: Address;
}

export interface Practitioner {
  id?: string;
  name?: PersonName;
}

export interface VisitData {
  /** PV1-2 mapped: E emergency, I inpatient, O outpatient, P preadmit, else other. */
  patientClass: 'emergency' | 'inpatient' | 'outpatient' | 'preadmit' | 'other' | 'unknown';
  patientClassCode: string;
  visitNumber?: string;
  /** PV1-3.1 point of care (ward or clinic), else PV1-10 hospital service. */
  department?: string;
  room?: string;
  bed?: string;
  facility?: string;
  hospitalService?: string;
  attending?: Practitioner;
  referring?: Practitioner;
  admitting?: Practitioner;
  admitTime?: string;
  dischargeTime?: string;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

export function nonEmpty(value: string): string | undefined {
  const v = value.trim();
  return v === '' || v === '""' ? undefined : v;
}

/** Collects problems that do not stop a mapping (bad dates and the like). */
export class Warnings {
  readonly list: string[] = [];
  add(path: string, reason: string): void {
    this.list.push(`${path}: ${reason}`);
  }
  date(seg: Segment | undefined, path: string, withTime: boolean, offset?: number): string | undefined {
    if (!seg) return undefined;
    const value = seg.get(path);
    try {
      return withTime ? parseHl7DateTime(value, offset) : parseHl7Date(value);
    } catch (e) {
      this.add(`${seg.id}-${path}`, (e as Error).message);
      return undefined;
    }
  }
}

export function coded(seg: Segment, field: number, repetition = 1): Coded | undefined {
  const code = nonEmpty(seg.get({ field, repetition, component: 1 }));
  const text = nonEmpty(seg.get({ field, repetition, component: 2 }));
  const system = nonEmpty(seg.get({ field, repetition, component: 3 }));
  if (!code && !text) return undefined;
  return { code: code ?? '', ...(text && { text }), ...(system && { system }) };
}

export function identifierType(typeCode: string, value: string, options: MapOptions): IdentifierType {
  const code = typeCode.toUpperCase();
  const table = { ...DEFAULT_IDENTIFIER_TYPES, ...options.identifierTypes };
  if (table[code]) return table[code];
  if (!code && isValidChineseResidentId(value)) return 'national-id';
  return 'other';
}

export function identifiers(seg: Segment, field: number, options: MapOptions): PatientIdentifier[] {
  const out: PatientIdentifier[] = [];
  const n = seg.repetitionCount(field);
  for (let r = 1; r <= n; r++) {
    const value = nonEmpty(seg.get({ field, repetition: r, component: 1 }));
    if (!value) continue;
    const typeCode = seg.get({ field, repetition: r, component: 5 }).trim();
    const authority =
      nonEmpty(seg.get({ field, repetition: r, component: 4, subcomponent: 1 })) ??
      nonEmpty(seg.get({ field, repetition: r, component: 4, subcomponent: 2 }));
    out.push({
      value,
      type: identifierType(typeCode, value, options),
      typeCode,
      ...(authority && { authority }),
    });
  }
  return out;
}

/** XPN (or the name part of XCN starting at `first`). */
export function personName(seg: Segment, field: number, repetition = 1, first = 1): PersonName | undefined {
  const c = (i: number) => nonEmpty(seg.get({ field, repetition, component: first + i, subcomponent: 1 }));
  const family = c(0);
  const given = c(1);
  const middle = c(2);
  const suffix = c(3);
  const prefix = c(4);
  if (!family && !given) return undefined;
  const chinese = CJK.test(`${family ?? ''}${given ?? ''}`);
  const full = chinese ? `${family ?? ''}${given ?? ''}` : [given, middle, family].filter(Boolean).join(' ');
  return {
    full,
    ...(family && { family }),
    ...(given && { given }),
    ...(middle && { middle }),
    ...(prefix && { prefix }),
    ...(suffix && { suffix }),
  };
}

/** Picks the legal name (XPN-7 = L) when several are sent, else the first. */
export function preferredName(seg: Segment, field: number): PersonName | undefined {
  const n = seg.repetitionCount(field);
  for (let r = 1; r <= n; r++) {
    if (seg.get({ field, repetition: r, component: 7 }) === 'L') return personName(seg, field, r);
  }
  return personName(seg, field, 1);
}

export function practitioner(seg: Segment | undefined, field: number): Practitioner | undefined {
  if (!seg || seg.repetitionCount(field) === 0) return undefined;
  const id = nonEmpty(seg.get({ field, component: 1 }));
  const name = personName(seg, field, 1, 2);
  if (!id && !name) return undefined;
  return { ...(id && { id }), ...(name && { name }) };
}

export function mapSex(code: string): Sex {
  switch (code.trim().toUpperCase()) {
    case 'M':
    case '1': // GB/T 2261.1
      return 'male';
    case 'F':
    case '2':
      return 'female';
    case 'O':
      return 'other';
    default:
      return 'unknown';
  }
}

function phone(seg: Segment, field: number): string | undefined {
  const n = seg.repetitionCount(field);
  for (let r = 1; r <= n; r++) {
    const c = (i: number) => nonEmpty(seg.get({ field, repetition: r, component: i }));
    const value = c(1) ?? c(12) ?? (c(7) ? `${c(6) ?? ''}${c(7)}` : undefined);
    if (value) return value;
  }
  return undefined;
}

function address(seg: Segment, field: number): Address | undefined {
  if (seg.repetitionCount(field) === 0) return undefined;
  const c = (i: number) => nonEmpty(seg.get({ field, component: i }));
  const a = {
    street: c(1),
    other: c(2),
    city: c(3),
    province: c(4),
    postalCode: c(5),
    country: c(6),
    type: c(7),
    district: c(9),
  };
  const text = [a.province, a.city, a.district, a.street, a.other].filter(Boolean).join(' ');
  if (!text && !a.postalCode && !a.country) return undefined;
  const out: Address = { text };
  for (const [k, v] of Object.entries(a)) if (v) (out as unknown as Record<string, string>)[k] = v;
  return out;
}

export function mapPatient(pid: Segment, options: MapOptions, warnings: Warnings): PatientData {
  const ids = [...identifiers(pid, 3, options), ...identifiers(pid, 2, options)];
  const ssn = nonEmpty(pid.get('19'));
  if (ssn && !ids.some((i) => i.value === ssn)) {
    ids.push({
      value: ssn,
      type: isValidChineseResidentId(ssn) ? 'national-id' : 'insurance',
      typeCode: 'SS',
    });
  }
  const name = preferredName(pid, 5);
  const birthDate = warnings.date(pid, '7', false);
  const p = phone(pid, 13);
  const addr = address(pid, 11);
  return {
    identifiers: ids,
    ...(name && { name }),
    sex: mapSex(pid.get('8')),
    ...(birthDate && { birthDate }),
    ...(p && { phone: p }),
    ...(addr && { address: addr }),
  };
}

const PATIENT_CLASS: Record<string, VisitData['patientClass']> = {
  E: 'emergency',
  I: 'inpatient',
  O: 'outpatient',
  P: 'preadmit',
};

export function mapVisit(pv1: Segment, options: MapOptions, warnings: Warnings): VisitData {
  const classCode = pv1.get('2').trim();
  const c = (path: string) => nonEmpty(pv1.get(path));
  const visit: VisitData = {
    patientClass: classCode ? (PATIENT_CLASS[classCode.toUpperCase()] ?? 'other') : 'unknown',
    patientClassCode: classCode,
  };
  const set = <K extends keyof VisitData>(k: K, v: VisitData[K] | undefined) => {
    if (v !== undefined) visit[k] = v;
  };
  set('visitNumber', c('19'));
  set('department', c('3.1') ?? c('10'));
  set('room', c('3.2'));
  set('bed', c('3.3'));
  set('facility', c('3.4'));
  set('hospitalService', c('10'));
  set('attending', practitioner(pv1, 7));
  set('referring', practitioner(pv1, 8));
  set('admitting', practitioner(pv1, 17));
  set('admitTime', warnings.date(pv1, '44', true, options.utcOffsetMinutes));
  set('dischargeTime', warnings.date(pv1, '45', true, options.utcOffsetMinutes));
  return visit;
}

/** GB 11643-1999 check: 17 digits + check character (ISO 7064 MOD 11-2; 'X' stands for 10). */
export function isValidChineseResidentId(value: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(value)) return false;
  return chineseIdCheckCharacter(value.slice(0, 17)) === value[17].toUpperCase();
}

export function chineseIdCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error(`national ID: expected 17 digits, got '${first17}'`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}
