/**
 * DICOM Modality Worklist (C-FIND) answers from the ECG orders: carts query by date, accession number or patient
 * ID and get patient and order, so nobody retypes demographics at the bedside.
 */
import { namePinyin } from '../../lib/identity';
import type { ScheduledOrder } from '../orders';

type Elements = Record<string, unknown>;

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0].trim() || undefined;
  return undefined;
}

function dicomDate(iso: string): string {
  return iso.slice(0, 10).replace(/-/g, '');
}

/** A DICOM date or range (YYYYMMDD, YYYYMMDD-, -YYYYMMDD, YYYYMMDD-YYYYMMDD) as ISO bounds [from, to). */
export function dateRange(value: string | undefined): { from?: string; to?: string } {
  if (!value) return {};
  const m = /^(\d{8})?(-)?(\d{8})?$/.exec(value.trim());
  if (!m) return {};
  const iso = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
  const next = (d: string) => {
    const t = new Date(`${iso(d)}T00:00:00Z`);
    t.setUTCDate(t.getUTCDate() + 1);
    return t.toISOString().slice(0, 10);
  };
  const [, a, dash, b] = m;
  if (a && !dash) return { from: `${iso(a)}T00:00:00+08:00`, to: `${next(a)}T00:00:00+08:00` };
  return {
    from: a ? `${iso(a)}T00:00:00+08:00` : undefined,
    to: b ? `${next(b)}T00:00:00+08:00` : undefined,
  };
}

export interface WorklistQuery {
  accessionNumber?: string;
  patientId?: string;
  from?: string;
  to?: string;
  modality?: string;
}

export function parseWorklistQuery(e: Elements): WorklistQuery {
  const steps = e.ScheduledProcedureStepSequence as Elements[] | Elements | undefined;
  const step = (Array.isArray(steps) ? steps[0] : steps) ?? {};
  const range = dateRange(str(step.ScheduledProcedureStepStartDate));
  return {
    accessionNumber: str(e.AccessionNumber)?.replace(/\*$/, ''),
    patientId: str(e.PatientID)?.replace(/\*$/, ''),
    modality: str(step.Modality),
    ...range,
  };
}

/** DICOM person name with the alphabetic (pinyin) and ideographic (Chinese) groups: Zhang^San=张^三. */
export function personName(name: string): string {
  if (!/[\u3400-\u9fff]/.test(name)) return name;
  const surnameLength =
    /^(欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|令狐|夏侯|长孙)/.test(name) && name.length > 2 ? 2 : 1;
  const family = name.slice(0, surnameLength);
  const given = name.slice(surnameLength);
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return `${cap(namePinyin(family).full)}^${cap(namePinyin(given).full)}=${family}^${given}`;
}

export function worklistItem(order: ScheduledOrder, stationAeTitle: string): Elements {
  const scheduled = new Date(order.scheduledAt);
  // Local (China Standard Time) date and time, as carts display them.
  const local = new Date(scheduled.getTime() + 8 * 3600_000).toISOString();
  return {
    SpecificCharacterSet: 'ISO_IR 192',
    AccessionNumber: order.accessionNumber,
    PatientName: personName(order.patient.name),
    PatientID: order.patient.hisId ?? order.patient.id,
    PatientBirthDate: order.patient.birthDate ? dicomDate(order.patient.birthDate) : '',
    PatientSex: order.patient.sex === 'U' ? 'O' : order.patient.sex,
    RequestedProcedureID: order.accessionNumber,
    RequestedProcedureDescription: order.procedureName,
    RequestedProcedurePriority:
      order.priority === 'stat' ? 'STAT' : order.priority === 'urgent' ? 'HIGH' : 'ROUTINE',
    StudyInstanceUID: `2.25.${BigInt(`0x${order.id.replace(/-/g, '')}`).toString()}`,
    ScheduledProcedureStepSequence: [
      {
        Modality: 'ECG',
        ScheduledStationAETitle: stationAeTitle,
        ScheduledProcedureStepStartDate: dicomDate(local),
        ScheduledProcedureStepStartTime: local.slice(11, 19).replace(/:/g, ''),
        ScheduledProcedureStepDescription: order.procedureName,
        ScheduledProcedureStepID: order.accessionNumber,
      },
    ],
  };
}
