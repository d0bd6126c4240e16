/** Resources a FHIR client creates (ServiceRequest, Task), checked field by field into our inputs. */
import { AppError } from '../../lib/errors';
import type { CreateOrderInput } from '../orders';
import { LOCAL_SYSTEMS } from './clinical';
import { patientIdOf } from './search';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function resourceOf(body: unknown, type: string): Json {
  if (!isObject(body)) throw AppError.invalid('resource', 'expected a JSON resource');
  if (body.resourceType !== type) throw AppError.invalid('resourceType', `must be ${type}`);
  return body;
}

function subjectPatient(r: Json, field: string): string {
  const ref = isObject(r[field]) ? (r[field] as Json).reference : undefined;
  const id = typeof ref === 'string' && ref.startsWith('Patient/') ? patientIdOf(ref) : null;
  if (!id) throw AppError.invalid(field, 'must reference a Patient (Patient/<id>)');
  return id;
}

const PRIORITIES = { routine: 'routine', urgent: 'urgent', asap: 'urgent', stat: 'stat' } as const;

/** ServiceRequest → a new ECG order (status active, intent order). */
export function readServiceRequestInput(body: unknown): Omit<CreateOrderInput, 'organizationId'> {
  const r = resourceOf(body, 'ServiceRequest');
  const problems: { field: string; reason: string }[] = [];
  if (r.status !== undefined && r.status !== 'active')
    problems.push({ field: 'status', reason: 'a new order must be active' });
  if (r.intent !== 'order') problems.push({ field: 'intent', reason: "must be 'order'" });
  let patientId = '';
  try {
    patientId = subjectPatient(r, 'subject');
  } catch (err) {
    problems.push({ field: 'subject', reason: (err as AppError).message.replace(/^subject: /, '') });
  }
  const priority = r.priority === undefined ? undefined : PRIORITIES[r.priority as keyof typeof PRIORITIES];
  if (r.priority !== undefined && !priority)
    problems.push({ field: 'priority', reason: 'routine, urgent, asap or stat' });
  const identifiers = Array.isArray(r.identifier) ? (r.identifier as Json[]) : [];
  const identifierValueOf = (system: string) =>
    identifiers.find((i) => i.system === system)?.value as string | undefined;
  const accessionNumber = identifierValueOf(LOCAL_SYSTEMS.accession);
  if (accessionNumber !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(accessionNumber))
    problems.push({ field: 'identifier', reason: 'accession number: letters, digits, . _ - (at most 64)' });
  const code = isObject(r.code) ? r.code : undefined;
  const local = Array.isArray(code?.coding)
    ? (code.coding as Json[]).find((c) => c.system === LOCAL_SYSTEMS.procedure)
    : undefined;
  const occurrence = r.occurrenceDateTime;
  if (occurrence !== undefined && (typeof occurrence !== 'string' || Number.isNaN(Date.parse(occurrence))))
    problems.push({ field: 'occurrenceDateTime', reason: 'must be a date-time' });
  const requester =
    isObject(r.requester) && typeof r.requester.display === 'string' ? r.requester.display : undefined;
  if (problems.length) throw AppError.invalidFields(problems);
  return {
    patientId,
    ...(accessionNumber && { accessionNumber }),
    placerNumber: identifierValueOf(LOCAL_SYSTEMS.placer) ?? null,
    ...(local && typeof local.code === 'string' && { procedureCode: local.code }),
    ...(local && typeof local.display === 'string' && { procedureName: local.display }),
    ...(priority && { priority }),
    orderingClinician: requester?.slice(0, 50) ?? null,
    scheduledAt: (occurrence as string | undefined) ?? null,
  };
}

export interface TaskInput {
  patientId: string | null;
  status: string;
  intent: string;
  codeText: string | null;
  description: string | null;
  focus: string | null;
}

export function readTaskInput(
  body: unknown,
  statuses: readonly string[],
  intents: readonly string[],
): TaskInput {
  const r = resourceOf(body, 'Task');
  const problems: { field: string; reason: string }[] = [];
  if (typeof r.status !== 'string' || !statuses.includes(r.status))
    problems.push({ field: 'status', reason: `one of ${statuses.join(', ')}` });
  if (typeof r.intent !== 'string' || !intents.includes(r.intent))
    problems.push({ field: 'intent', reason: `one of ${intents.join(', ')}` });
  let patientId: string | null = null;
  if (r.for !== undefined) {
    try {
      patientId = subjectPatient(r, 'for');
    } catch (err) {
      problems.push({ field: 'for', reason: (err as AppError).message.replace(/^for: /, '') });
    }
  }
  const code = isObject(r.code) ? r.code : undefined;
  const codeText = typeof code?.text === 'string' ? code.text : null;
  const description = typeof r.description === 'string' ? r.description.slice(0, 2000) : null;
  const focus =
    isObject(r.focus) && typeof r.focus.reference === 'string' ? r.focus.reference.slice(0, 200) : null;
  if (problems.length) throw AppError.invalidFields(problems);
  return { patientId, status: r.status as string, intent: r.intent as string, codeText, description, focus };
}
