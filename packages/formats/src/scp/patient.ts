/** SCP-ECG section 1: tagged patient and acquisition data (tag 1 byte, length 2 bytes, value). */
import type { ParsedEcg } from '../types';
import { type ByteView, decodeText } from './bytes';
import type { SectionSpan } from './signal';

const MANUFACTURERS: Record<number, string> = {
  1: 'Burdick',
  2: 'Cambridge',
  3: 'Compumed',
  4: 'Datamed',
  5: 'Fukuda',
  6: 'Hewlett-Packard',
  7: 'Marquette',
  8: 'Mortara',
  9: 'Nihon Kohden',
  10: 'Okin',
  11: 'Quinton',
  12: 'Siemens',
  13: 'Spacelabs',
  14: 'Telemed',
  15: 'Hellige',
  16: 'ESA-OTE',
  17: 'Schiller',
  18: 'Picker-Schwarzer',
  19: 'Elettronica-Trentina',
  20: 'Zwönitz',
};

export interface PatientSection {
  patient: NonNullable<ParsedEcg['patient']>;
  device: NonNullable<ParsedEcg['device']>;
  acquiredAt?: string;
  meta: Record<string, unknown>;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function validDate(y: number, m: number, d: number): string | undefined {
  if (y < 1850 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** Splits a NUL-separated run of strings. */
function strings(bytes: Uint8Array): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0) {
      out.push(decodeText(bytes.subarray(start, i)));
      start = i + 1;
    }
  }
  return out;
}

/** Tag 14 (acquiring device): fixed 36-byte part, then revision, serial, software and manufacturer strings. */
function readDevice(
  value: Uint8Array,
  device: PatientSection['device'],
  meta: Record<string, unknown>,
): void {
  if (value.length < 36) return;
  const model = decodeText(value.subarray(8, 14));
  if (model) device.model = model;
  meta.scpProtocolRevision = value[14] / 10;
  meta.mainsFrequencyHz = value[18] === 1 ? 50 : value[18] === 2 ? 60 : undefined;
  const revLen = value[35];
  const rest = value.subarray(36 + revLen);
  const [serial, software, scpSoftware, manufacturer] = strings(rest);
  if (serial) device.serial = serial;
  if (software) device.software = software;
  if (scpSoftware && !software) device.software = scpSoftware;
  const m = manufacturer || MANUFACTURERS[value[7]];
  if (m) device.manufacturer = m;
}

export function readPatientSection(v: ByteView, s: SectionSpan, warnings: string[]): PatientSection {
  const patient: PatientSection['patient'] = {};
  const device: PatientSection['device'] = {};
  const meta: Record<string, unknown> = {};
  let date: string | undefined;
  let time: string | undefined;
  let lastName = '';
  let firstName = '';
  const end = s.offset + s.length;
  let o = s.offset + 16;
  while (o + 3 <= end) {
    const tag = v.bytes[o];
    const len = v.u16(o + 1, 'SCP section 1 tag length');
    if (tag === 255) break;
    if (o + 3 + len > end) {
      warnings.push(`SCP section 1: tag ${tag} (${len} bytes) runs past the section end; rest ignored`);
      break;
    }
    const value = v.bytes.subarray(o + 3, o + 3 + len);
    const u16 = (i: number) => value[i] | (value[i + 1] << 8);
    switch (tag) {
      case 0:
        lastName = decodeText(value);
        break;
      case 1:
        firstName = decodeText(value);
        break;
      case 2:
        patient.id = decodeText(value) || undefined;
        break;
      case 4:
        // age value and unit (1 = years, 2 months, 3 weeks, 4 days, 5 hours)
        if (len >= 3 && value[2] <= 1 && u16(0) > 0 && u16(0) < 150) patient.age = u16(0);
        break;
      case 5:
        if (len >= 4) patient.birthDate = validDate(u16(0), value[2], value[3]);
        break;
      case 8:
        if (len >= 1) patient.sex = value[0] === 1 ? 'M' : value[0] === 2 ? 'F' : 'U';
        break;
      case 14:
        readDevice(value, device, meta);
        break;
      case 25:
        if (len >= 4) date = validDate(u16(0), value[2], value[3]);
        break;
      case 26:
        if (len >= 3 && value[0] < 24 && value[1] < 60 && value[2] < 60) {
          time = `${pad(value[0])}:${pad(value[1])}:${pad(value[2])}`;
        }
        break;
      case 27:
        if (len >= 2) meta.highPassHz = u16(0) / 100;
        break;
      case 28:
        if (len >= 2) meta.lowPassHz = u16(0);
        break;
      case 31:
        meta.sequenceNumber = decodeText(value) || undefined;
        break;
      default:
        break;
    }
    o += 3 + len;
  }
  const name = [lastName, firstName].filter(Boolean).join(', ');
  if (name) patient.name = name;
  return { patient, device, acquiredAt: date ? (time ? `${date}T${time}` : date) : undefined, meta };
}
