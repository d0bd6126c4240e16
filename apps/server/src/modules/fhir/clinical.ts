/**
 * Rows of visits, orders, results, reports and tasks as FHIR R4 resources (Encounter, ServiceRequest,
 * Observation, DiagnosticReport, DocumentReference, Task). Pure functions: the routes do the SQL and scoping.
 */
import type { Order } from '../orders';

export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const EKG_STUDY = { system: LOINC, code: '11524-6', display: 'EKG study' };
export const LOCAL_SYSTEMS = {
  visit: 'urn:lifeline:identifier:visit',
  accession: 'urn:lifeline:identifier:accession',
  placer: 'urn:lifeline:identifier:placer',
  filler: 'urn:lifeline:identifier:filler',
  procedure: 'urn:lifeline:procedure',
  statement: 'urn:lifeline:ecg-statement',
  lis: 'urn:lifeline:lis-code',
} as const;

/** Global ECG measurements (domain.md §4): engine key → LOINC code, display, UCUM unit. */
export const ECG_OBSERVATION_CODES: Record<string, { code: string; display: string; unit: string }> = {
  heartRate: { code: '8867-4', display: 'Heart rate', unit: '/min' },
  pr: { code: '8625-6', display: 'P-R Interval', unit: 'ms' },
  qrsDuration: { code: '8633-0', display: 'QRS duration', unit: 'ms' },
  qt: { code: '8634-8', display: 'Q-T Interval', unit: 'ms' },
  qtcBazett: { code: '8636-3', display: 'Q-T Interval corrected', unit: 'ms' },
  pAxis: { code: '8626-4', display: 'P wave axis', unit: 'deg' },
  qrsAxis: { code: '8632-2', display: 'QRS axis', unit: 'deg' },
  tAxis: { code: '8638-9', display: 'T wave axis', unit: 'deg' },
};

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);
const v2Type = (code: string, display: string) => ({
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code, display }],
});

// ---- Encounter ----

export interface EncounterRow {
  id: string;
  organization_id: string;
  patient_id: string;
  visit_number: string | null;
  patient_class: string;
  department: string | null;
  room: string | null;
  bed: string | null;
  facility: string | null;
  attending_id: string | null;
  attending_name: string | null;
  admit_time: Date | null;
  discharge_time: Date | null;
  created_at: Date;
}

const ENCOUNTER_CLASS: Record<string, { code: string; display: string }> = {
  emergency: { code: 'EMER', display: 'emergency' },
  inpatient: { code: 'IMP', display: 'inpatient encounter' },
  outpatient: { code: 'AMB', display: 'ambulatory' },
  preadmit: { code: 'PRENC', display: 'pre-admission' },
};

export function encounterResource(r: EncounterRow) {
  const cls = ENCOUNTER_CLASS[r.patient_class] ?? { code: 'AMB', display: 'ambulatory' };
  const location = [r.department, r.room, r.bed].filter(Boolean).join(' ');
  return {
    resourceType: 'Encounter',
    id: r.id,
    ...(r.visit_number && { identifier: [{ system: LOCAL_SYSTEMS.visit, value: r.visit_number }] }),
    status: r.discharge_time ? 'finished' : 'in-progress',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', ...cls },
    subject: { reference: `Patient/${r.patient_id}` },
    ...(r.attending_name || r.attending_id
      ? {
          participant: [
            {
              type: [
                {
                  coding: [
                    {
                      system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                      code: 'ATND',
                      display: 'attender',
                    },
                  ],
                },
              ],
              individual: {
                display: r.attending_name ?? r.attending_id,
                ...(r.attending_id && { identifier: { value: r.attending_id } }),
              },
            },
          ],
        }
      : {}),
    ...(r.admit_time || r.discharge_time
      ? {
          period: {
            ...(r.admit_time && { start: iso(r.admit_time) }),
            ...(r.discharge_time && { end: iso(r.discharge_time) }),
          },
        }
      : {}),
    ...(location && { location: [{ location: { display: location } }] }),
    serviceProvider: { reference: `Organization/${r.organization_id}` },
  };
}

// ---- ServiceRequest ----

const ORDER_STATUS: Record<string, string> = {
  scheduled: 'active',
  'in-progress': 'active',
  completed: 'completed',
  cancelled: 'revoked',
};
export const SERVICE_REQUEST_STATUS: Record<string, string[]> = {
  active: ['scheduled', 'in-progress'],
  completed: ['completed'],
  revoked: ['cancelled'],
};

export function serviceRequestResource(o: Order) {
  return {
    resourceType: 'ServiceRequest',
    id: o.id,
    identifier: [
      { type: v2Type('ACSN', 'Accession ID'), system: LOCAL_SYSTEMS.accession, value: o.accessionNumber },
      ...(o.placerNumber
        ? [{ type: v2Type('PLAC', 'Placer Identifier'), system: LOCAL_SYSTEMS.placer, value: o.placerNumber }]
        : []),
      ...(o.fillerNumber
        ? [{ type: v2Type('FILL', 'Filler Identifier'), system: LOCAL_SYSTEMS.filler, value: o.fillerNumber }]
        : []),
    ],
    status: ORDER_STATUS[o.status] ?? 'unknown',
    intent: 'order',
    priority: o.priority,
    code: {
      coding: [
        EKG_STUDY,
        { system: LOCAL_SYSTEMS.procedure, code: o.procedureCode, display: o.procedureName },
      ],
      text: o.procedureName,
    },
    subject: { reference: `Patient/${o.patientId}` },
    occurrenceDateTime: o.scheduledAt,
    authoredOn: o.createdAt,
    ...(o.orderingClinician && { requester: { display: o.orderingClinician } }),
    ...(o.cancelReason && { note: [{ text: o.cancelReason }] }),
  };
}

// ---- Observation ----

export interface ObservationRow {
  fid: string;
  patient_id: string;
  category: 'laboratory' | 'procedure';
  code: string;
  code_system: string | null;
  code_text: string | null;
  num: number | null;
  txt: string | null;
  comparator: string | null;
  units: string | null;
  reference_range: string | null;
  abnormal_flags: string[];
  status: string;
  at: Date | null;
  issued: Date | null;
  exam_id: string | null;
}

const OBSERVATION_STATUS: Record<string, string> = {
  F: 'final',
  C: 'corrected',
  P: 'preliminary',
  R: 'registered',
  I: 'registered',
  X: 'cancelled',
  D: 'entered-in-error',
  W: 'entered-in-error',
  preliminary: 'preliminary',
  final: 'final',
};

/** LIS coding systems as sent (OBX-3.3) → FHIR system URIs. */
export function codeSystemUri(system: string | null): string {
  if (!system || system === 'L' || system === '99LOCAL') return LOCAL_SYSTEMS.lis;
  if (system === 'LN' || system === LOINC) return LOINC;
  return `${LOCAL_SYSTEMS.lis}:${system}`;
}

export function observationResource(r: ObservationRow) {
  const comparator = r.comparator && ['<', '<=', '>=', '>'].includes(r.comparator) ? r.comparator : undefined;
  const value =
    r.num !== null
      ? {
          valueQuantity: {
            value: r.num,
            ...(comparator && { comparator }),
            ...(r.units && { unit: r.units, system: UCUM, code: r.units }),
          },
        }
      : r.txt
        ? { valueString: r.txt }
        : {};
  return {
    resourceType: 'Observation',
    id: r.fid,
    status: OBSERVATION_STATUS[r.status] ?? 'final',
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/observation-category',
            code: r.category,
            display: r.category === 'laboratory' ? 'Laboratory' : 'Procedure',
          },
        ],
      },
    ],
    code: {
      coding: [
        { system: codeSystemUri(r.code_system), code: r.code, ...(r.code_text && { display: r.code_text }) },
      ],
      ...(r.code_text && { text: r.code_text }),
    },
    subject: { reference: `Patient/${r.patient_id}` },
    ...(r.at && { effectiveDateTime: iso(r.at) }),
    ...(r.issued && { issued: iso(r.issued) }),
    ...value,
    ...(r.abnormal_flags.length
      ? {
          interpretation: r.abnormal_flags.map((f) => ({
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: f },
            ],
          })),
        }
      : {}),
    ...(r.reference_range && { referenceRange: [{ text: r.reference_range }] }),
    ...(r.exam_id && { derivedFrom: [{ display: `ECG exam ${r.exam_id}` }] }),
  };
}

// ---- DiagnosticReport / DocumentReference ----

export interface SignedReportRow {
  report_id: string;
  organization_id: string;
  patient_id: string | null;
  exam_id: string;
  version: number;
  status: string;
  conclusion: string;
  statements: { code: string | null; textZh: string }[];
  signed_by: string;
  signed_at: Date;
  acquired_at: Date | null;
  pdf_blob: string | null;
  pdf_size: number | null;
  measurement_codes: string[];
}

export function binaryIdOf(r: { report_id: string; version: number }): string {
  return `report-${r.report_id}-v${r.version}`;
}

function pdfAttachment(r: SignedReportRow) {
  return {
    contentType: 'application/pdf',
    language: 'zh-CN',
    url: `Binary/${binaryIdOf(r)}`,
    ...(r.pdf_size !== null && { size: r.pdf_size }),
    title: `心电图报告 ECG report v${r.version}`,
    creation: iso(r.signed_at),
  };
}

export function diagnosticReportResource(r: SignedReportRow) {
  return {
    resourceType: 'DiagnosticReport',
    id: r.report_id,
    meta: { versionId: String(r.version) },
    status: r.version > 1 ? 'amended' : 'final',
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/v2-0074',
            code: 'EC',
            display: 'Electrocardiac (e.g., EKG, EEC, Holter)',
          },
        ],
      },
    ],
    code: { coding: [EKG_STUDY], text: '心电图 EKG study' },
    ...(r.patient_id && { subject: { reference: `Patient/${r.patient_id}` } }),
    ...(r.acquired_at && { effectiveDateTime: iso(r.acquired_at) }),
    issued: iso(r.signed_at),
    performer: [{ reference: `Practitioner/${r.signed_by}` }],
    resultsInterpreter: [{ reference: `Practitioner/${r.signed_by}` }],
    ...(r.measurement_codes.length && r.patient_id
      ? { result: r.measurement_codes.map((code) => ({ reference: `Observation/ecg-${r.exam_id}-${code}` })) }
      : {}),
    ...(r.conclusion && { conclusion: r.conclusion }),
    ...(r.statements.some((s) => s.code)
      ? {
          conclusionCode: r.statements
            .filter((s) => s.code)
            .map((s) => ({
              coding: [{ system: LOCAL_SYSTEMS.statement, code: s.code as string, display: s.textZh }],
              text: s.textZh,
            })),
        }
      : {}),
    ...(r.pdf_blob && { presentedForm: [pdfAttachment(r)] }),
  };
}

export function documentReferenceResource(r: SignedReportRow) {
  return {
    resourceType: 'DocumentReference',
    id: r.report_id,
    meta: { versionId: String(r.version) },
    status: 'current',
    docStatus: r.version > 1 ? 'amended' : 'final',
    type: { coding: [EKG_STUDY], text: '心电图报告' },
    category: [
      {
        coding: [
          {
            system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category',
            code: 'clinical-note',
            display: 'Clinical Note',
          },
        ],
      },
    ],
    ...(r.patient_id && { subject: { reference: `Patient/${r.patient_id}` } }),
    date: iso(r.signed_at),
    author: [{ reference: `Practitioner/${r.signed_by}` }],
    custodian: { reference: `Organization/${r.organization_id}` },
    content: [
      { attachment: pdfAttachment(r), format: { system: 'urn:ietf:bcp:13', code: 'application/pdf' } },
    ],
    context: { related: [{ reference: `DiagnosticReport/${r.report_id}` }] },
  };
}

// ---- Task ----

export interface TaskRow {
  id: string;
  organization_id: string;
  patient_id: string | null;
  status: string;
  intent: string;
  code_text: string | null;
  description: string | null;
  focus_reference: string | null;
  authored_on: Date;
  last_modified: Date;
  created_by: string | null;
}

export const TASK_STATUSES = [
  'draft',
  'requested',
  'received',
  'accepted',
  'rejected',
  'ready',
  'cancelled',
  'in-progress',
  'on-hold',
  'failed',
  'completed',
  'entered-in-error',
] as const;
export const TASK_INTENTS = [
  'unknown',
  'proposal',
  'plan',
  'order',
  'original-order',
  'reflex-order',
  'filler-order',
  'instance-order',
  'option',
] as const;

export function taskResource(t: TaskRow) {
  return {
    resourceType: 'Task',
    id: t.id,
    status: t.status,
    intent: t.intent,
    ...(t.code_text && { code: { text: t.code_text } }),
    ...(t.description && { description: t.description }),
    ...(t.focus_reference && { focus: { reference: t.focus_reference } }),
    ...(t.patient_id && { for: { reference: `Patient/${t.patient_id}` } }),
    authoredOn: iso(t.authored_on),
    lastModified: iso(t.last_modified),
    ...(t.created_by && { requester: { reference: `Practitioner/${t.created_by}` } }),
    owner: { reference: `Organization/${t.organization_id}` },
  };
}
