// ADT^A01/A04/A08 (admit/register/update) and ADT^A40 (merge) → plain objects the server applies.
import { Hl7MappingError } from '../errors';
import type { Hl7Message } from '../message';
import {
  identifiers,
  type MapOptions,
  mapPatient,
  mapVisit,
  nonEmpty,
  type PatientData,
  type PatientIdentifier,
  type PersonName,
  personName,
  type VisitData,
  Warnings,
} from './common';

export const SUPPORTED_ADT_EVENTS = ['A01', 'A04', 'A08', 'A40'] as const;

export interface MessageSource {
  controlId: string;
  /** MSH-3.1 */
  sendingApplication: string;
  /** MSH-4.1 */
  sendingFacility: string;
  /** MSH-7 as ISO 8601 */
  sentAt?: string;
}

export interface PatientMerge {
  /** The patient that survives (PID of the merge group). */
  surviving: PatientData;
  /** MRG-1: identifiers of the patient record that disappears. */
  retiredIdentifiers: PatientIdentifier[];
  retiredAccount?: string;
  retiredVisitNumber?: string;
  retiredName?: PersonName;
}

export interface AdtEvent {
  kind: 'adt';
  /** MSH-9.2 (or EVN-1 for old messages without it), e.g. 'A01'. */
  event: string;
  source: MessageSource;
  /** EVN-2, else MSH-7. */
  eventTime?: string;
  patient: PatientData;
  visit?: VisitData;
  /** Filled for A40 (and other merge events): one entry per PID/MRG pair. */
  merges: PatientMerge[];
  warnings: string[];
}

export function messageSource(
  message: Hl7Message,
  warnings: Warnings,
  options: MapOptions = {},
): MessageSource {
  const msh = message.header;
  const sentAt = warnings.date(msh, '7', true, options.utcOffsetMinutes);
  return {
    controlId: message.controlId,
    sendingApplication: msh.get('3.1'),
    sendingFacility: msh.get('4.1'),
    ...(sentAt && { sentAt }),
  };
}

/** Maps an ADT message. Throws Hl7MappingError when it is not ADT or has no PID. */
export function mapAdt(message: Hl7Message, options: MapOptions = {}): AdtEvent {
  const { code, trigger } = message.type;
  if (code !== 'ADT') throw new Hl7MappingError('MSH-9', `expected an ADT message, got ${code}^${trigger}`);
  const warnings = new Warnings();
  const evn = message.segment('EVN');
  const event = trigger || evn?.get('1') || '';
  if (!event) throw new Hl7MappingError('MSH-9.2', 'ADT event (trigger) is missing');
  const pid = message.segment('PID');
  if (!pid) throw new Hl7MappingError('PID', `ADT^${event} has no PID segment`);
  const patient = mapPatient(pid, options, warnings);
  if (patient.identifiers.length === 0) {
    throw new Hl7MappingError('PID-3', 'no patient identifier (PID-3 is empty)');
  }
  const pv1 = message.segment('PV1');
  const source = messageSource(message, warnings, options);
  const eventTime = warnings.date(evn, '2', true, options.utcOffsetMinutes) ?? source.sentAt;
  const merges = mapMerges(message, options, warnings);
  if (event === 'A40' && merges.length === 0) {
    throw new Hl7MappingError('MRG', 'ADT^A40 has no MRG segment naming the patient to merge');
  }
  return {
    kind: 'adt',
    event,
    source,
    ...(eventTime && { eventTime }),
    patient,
    ...(pv1 && { visit: mapVisit(pv1, options, warnings) }),
    merges,
    warnings: warnings.list,
  };
}

/** Pairs every MRG with the PID before it (A40 may merge several patients in one message). */
function mapMerges(message: Hl7Message, options: MapOptions, warnings: Warnings): PatientMerge[] {
  const merges: PatientMerge[] = [];
  let lastPid: PatientData | undefined;
  for (const s of message.segments) {
    if (s.id === 'PID') lastPid = mapPatient(s, options, warnings);
    if (s.id !== 'MRG') continue;
    if (!lastPid) throw new Hl7MappingError('MRG', 'MRG appears before any PID');
    const retired = identifiers(s, 1, options);
    if (retired.length === 0) throw new Hl7MappingError('MRG-1', 'prior patient identifier list is empty');
    const account = nonEmpty(s.get('3'));
    const visitNumber = nonEmpty(s.get('5'));
    const name = personName(s, 7);
    merges.push({
      surviving: lastPid,
      retiredIdentifiers: retired,
      ...(account && { retiredAccount: account }),
      ...(visitNumber && { retiredVisitNumber: visitNumber }),
      ...(name && { retiredName: name }),
    });
  }
  return merges;
}
