/**
 * Applies mapped inbound HL7 events to the database through the patients and orders modules, as the
 * interface's system user. Each function returns what it changed (ids only), stored on the message row.
 */
import {
  type AdtEvent,
  Hl7MappingError,
  type InboundEvent,
  type OrderData,
  type OrderMessage,
  type PatientData,
  type PatientIdentifier,
  type ResultMessage,
  type VisitData,
} from '@lifeline/hl7';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTransaction, type Queryable } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { nationalIdProblem, normaliseNationalId, normalisePhone, phoneProblem } from '../../lib/identity';
import { cancelOrder, createOrder, type OrderPriority } from '../orders';
import { createPatient, mergePatients, type PatientFields, updatePatient } from '../patients';
import type { SystemActor } from './actor';

export interface ApplyContext {
  app: FastifyInstance;
  request: FastifyRequest;
  actor: SystemActor;
  messageId: string;
  warnings: string[];
}

export type Effects = Record<string, string[]>;

export const LOCAL_TYPES = ['his', 'inpatient', 'outpatient', 'insurance'] as const;
type LocalType = (typeof LOCAL_TYPES)[number];
const IDENTIFIER_VALUE = /^[\w.\-/]+$/;

function add(effects: Effects, key: string, value: string) {
  effects[key] = [...(effects[key] ?? []), value];
}

/**
 * The surviving patient holding any of the identifiers (HIS number first, national ID last), or null. One query:
 * the candidates are ranked by type, then by their order in the message.
 */
export async function findPatientId(
  app: FastifyInstance,
  db: Queryable,
  organizationId: string,
  identifiers: PatientIdentifier[],
): Promise<string | null> {
  const order = [...LOCAL_TYPES, 'national-id'] as const;
  const types: string[] = [];
  const lookups: string[] = [];
  const ranks: number[] = [];
  for (const [rank, type] of order.entries()) {
    for (const ident of identifiers.filter((i) => i.type === type)) {
      types.push(type);
      lookups.push(
        type === 'national-id' ? app.fieldCrypto.lookupHash(normaliseNationalId(ident.value)) : ident.value,
      );
      ranks.push(rank * 1000 + types.length);
    }
  }
  if (types.length === 0) return null;
  const { rows } = await db.query<{ id: string }>(
    `SELECT coalesce(p.merged_into_id, p.id) AS id
     FROM unnest($2::text[], $3::text[], $4::int[]) AS c(type, lookup, rank)
     JOIN patient_identifiers i ON i.organization_id = $1 AND i.type = c.type AND i.lookup = c.lookup
     JOIN patients p ON p.id = i.patient_id
     ORDER BY c.rank LIMIT 1`,
    [organizationId, types, lookups, ranks],
  );
  return rows[0]?.id ?? null;
}

/** PID data as patient fields; values our registry would refuse are dropped with a warning, not the message. */
export function patientFields(p: PatientData, warnings: string[]): PatientFields {
  const fields: PatientFields = {};
  if (p.name?.full) fields.name = p.name.full;
  if (p.sex !== 'unknown') fields.sex = p.sex === 'male' ? 'M' : p.sex === 'female' ? 'F' : 'U';
  if (p.birthDate) fields.birthDate = p.birthDate;
  const national = p.identifiers.find((i) => i.type === 'national-id');
  if (national) {
    const problem = nationalIdProblem(normaliseNationalId(national.value));
    if (problem) warnings.push(`PID-3 national ID ignored: ${problem}`);
    else fields.nationalId = national.value;
  }
  if (p.phone) {
    const problem = phoneProblem(normalisePhone(p.phone));
    if (problem) warnings.push(`PID-13 phone ignored: ${problem}`);
    else fields.phone = p.phone;
  }
  if (p.address?.text) fields.address = p.address.text;
  const identifiers: NonNullable<PatientFields['identifiers']> = [];
  for (const i of p.identifiers) {
    if (!(LOCAL_TYPES as readonly string[]).includes(i.type)) continue;
    if (!IDENTIFIER_VALUE.test(i.value)) {
      warnings.push(`PID-3 identifier '${i.value}' ignored: may hold only letters, digits and . - _ /`);
      continue;
    }
    if (identifiers.some((x) => x.type === i.type && x.value === i.value)) continue;
    identifiers.push({ type: i.type as LocalType, value: i.value, issuer: i.authority ?? null });
  }
  fields.identifiers = identifiers;
  return fields;
}

/**
 * Creates the patient, or updates the one found by identifier. `demographics: false` (results) only creates:
 * a laboratory is not the registry of names and addresses.
 */
export async function upsertPatient(
  ctx: ApplyContext,
  p: PatientData,
  effects: Effects,
  demographics = true,
): Promise<string> {
  const { app, request, actor } = ctx;
  const fields = patientFields(p, ctx.warnings);
  const existing = await findPatientId(app, app.db, actor.organizationId, p.identifiers);
  if (!existing) {
    if (!fields.name)
      throw new Hl7MappingError('PID-5', 'a patient name is required to register a new patient');
    const created = await createPatient(app, request, fields);
    add(effects, 'patientsCreated', created.id);
    return created.id;
  }
  if (!demographics) return existing;
  // Identifiers are added to those on file, never replaced: the HIS may send only some of them.
  const { rows } = await app.db.query<{ type: LocalType; display: string; issuer: string | null }>(
    `SELECT type, display, issuer FROM patient_identifiers WHERE patient_id = $1 AND type <> 'national-id'`,
    [existing],
  );
  const merged: NonNullable<PatientFields['identifiers']> = rows.map((r) => ({
    type: r.type,
    value: r.display,
    issuer: r.issuer,
  }));
  let added = false;
  for (const i of fields.identifiers ?? []) {
    if (merged.some((m) => m.type === i.type && m.value === i.value)) continue;
    merged.push(i);
    added = true;
  }
  // The identifier list is rewritten only when something is new: rewriting gives the rows new ids, and an
  // undo of an earlier merge moves identifiers back by id.
  const { identifiers: _sent, ...demographicFields } = fields;
  await updatePatient(
    app,
    request,
    existing,
    added ? { ...demographicFields, identifiers: merged } : demographicFields,
  );
  add(effects, 'patientsUpdated', existing);
  return existing;
}

export async function upsertEncounter(
  db: Queryable,
  organizationId: string,
  patientId: string,
  visit: VisitData,
  messageId: string,
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO encounters (organization_id, patient_id, visit_number, patient_class, patient_class_code, department,
       room, bed, facility, attending_id, attending_name, admit_time, discharge_time, source_message_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (organization_id, visit_number) WHERE visit_number IS NOT NULL DO UPDATE SET
       patient_id = EXCLUDED.patient_id, patient_class = EXCLUDED.patient_class,
       patient_class_code = EXCLUDED.patient_class_code,
       department = coalesce(EXCLUDED.department, encounters.department),
       room = coalesce(EXCLUDED.room, encounters.room), bed = coalesce(EXCLUDED.bed, encounters.bed),
       facility = coalesce(EXCLUDED.facility, encounters.facility),
       attending_id = coalesce(EXCLUDED.attending_id, encounters.attending_id),
       attending_name = coalesce(EXCLUDED.attending_name, encounters.attending_name),
       admit_time = coalesce(EXCLUDED.admit_time, encounters.admit_time),
       discharge_time = coalesce(EXCLUDED.discharge_time, encounters.discharge_time),
       source_message_id = EXCLUDED.source_message_id, updated_at = now()
     RETURNING id`,
    [
      organizationId,
      patientId,
      visit.visitNumber ?? null,
      visit.patientClass,
      visit.patientClassCode || null,
      visit.department ?? null,
      visit.room ?? null,
      visit.bed ?? null,
      visit.facility ?? null,
      visit.attending?.id ?? null,
      visit.attending?.name?.full ?? null,
      visit.admitTime ?? null,
      visit.dischargeTime ?? null,
      messageId,
    ],
  );
  return rows[0].id;
}

async function applyAdt(ctx: ApplyContext, event: AdtEvent, effects: Effects): Promise<void> {
  const { app, request, actor } = ctx;
  if (event.event === 'A40') {
    for (const [n, m] of event.merges.entries()) {
      const surviving = await upsertPatient(ctx, m.surviving, effects);
      const retired = await findPatientId(app, app.db, actor.organizationId, m.retiredIdentifiers);
      if (!retired) {
        ctx.warnings.push(`MRG[${n + 1}]-1: no patient holds the retired identifiers; nothing to merge`);
        continue;
      }
      if (retired === surviving) {
        ctx.warnings.push(`MRG[${n + 1}]: already merged`);
        continue;
      }
      await mergePatients(app, request, surviving, retired, `HL7 ADT^A40 ${event.source.controlId}`);
      add(effects, 'patientsMerged', `${retired}→${surviving}`);
    }
    return;
  }
  const patientId = await upsertPatient(ctx, event.patient, effects);
  if (event.visit) {
    add(
      effects,
      'encounters',
      await upsertEncounter(app.db, actor.organizationId, patientId, event.visit, ctx.messageId),
    );
  }
}

const PRIORITY: Record<OrderData['priority'], OrderPriority> = {
  STAT: 'stat',
  ASAP: 'urgent',
  ROUTINE: 'routine',
};

async function orderIdFor(db: Queryable, organizationId: string, o: OrderData): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM ecg_orders WHERE organization_id = $1
       AND ((placer_number IS NOT NULL AND placer_number = $2) OR accession_number = $3 OR accession_number = $2)
     ORDER BY created_at DESC LIMIT 1`,
    [organizationId, o.placerOrderNumber ?? null, o.accessionNumber ?? null],
  );
  return rows[0]?.id ?? null;
}

async function departmentId(db: Queryable, organizationId: string, text?: string): Promise<string | null> {
  if (!text) return null;
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM departments WHERE organization_id = $1 AND (code = $2 OR name = $2) LIMIT 1',
    [organizationId, text],
  );
  return rows[0]?.id ?? null;
}

async function applyOrders(ctx: ApplyContext, event: OrderMessage, effects: Effects): Promise<void> {
  const { app, request, actor } = ctx;
  if (!event.patient) throw new Hl7MappingError('PID', 'an order message needs the patient (PID)');
  const patientId = await upsertPatient(ctx, event.patient, effects);
  if (event.visit) {
    add(
      effects,
      'encounters',
      await upsertEncounter(app.db, actor.organizationId, patientId, event.visit, ctx.messageId),
    );
  }
  for (const [n, o] of event.orders.entries()) {
    const where = `ORC[${n + 1}]`;
    const existing = await orderIdFor(app.db, actor.organizationId, o);
    if (o.action === 'cancel') {
      if (!existing)
        throw new Hl7MappingError(
          `${where}-2`,
          `no order ${o.placerOrderNumber ?? o.accessionNumber} to cancel`,
        );
      try {
        await cancelOrder(app, request, existing, o.reason ?? `cancelled by HIS (${o.control})`);
        add(effects, 'ordersCancelled', existing);
      } catch (err) {
        // A cancel of an order that is already closed changes nothing; say so instead of failing the message.
        if (!(err instanceof AppError && err.statusCode === 409)) throw err;
        ctx.warnings.push(`${where}: ${err.message}`);
      }
      continue;
    }
    if (o.action !== 'create') {
      ctx.warnings.push(`${where}-1: order control ${o.control} is not applied`);
      continue;
    }
    if (existing) {
      ctx.warnings.push(`${where}: order ${o.placerOrderNumber ?? o.accessionNumber} already exists`);
      continue;
    }
    const dept = await departmentId(app.db, actor.organizationId, o.orderingDepartment);
    const order = await inTransaction(app.db, async (client) => {
      const created = await createOrder(client, {
        organizationId: actor.organizationId,
        patientId,
        accessionNumber: o.accessionNumber ?? o.placerOrderNumber,
        placerNumber: o.placerOrderNumber ?? null,
        fillerNumber: o.fillerOrderNumber ?? null,
        procedureCode: o.procedure?.code,
        procedureName: o.procedure?.text ?? o.procedure?.code,
        priority: PRIORITY[o.priority],
        orderingDepartmentId: dept,
        orderingClinician: o.orderingProvider?.name?.full ?? o.orderingProvider?.id ?? null,
        scheduledAt: o.requestedTime ?? null,
        source: 'hl7',
        createdBy: actor.userId,
      });
      await request.audit(
        {
          action: 'order.create',
          resourceType: 'ecg-order',
          resourceId: created.id,
          patientId,
          detail: { accessionNumber: created.accessionNumber, priority: created.priority },
        },
        client,
      );
      return created;
    });
    add(effects, 'ordersCreated', order.id);
  }
}

function numericOf(value: unknown): { num: number | null; text: string | null; comparator: string | null } {
  if (typeof value === 'number') return { num: value, text: null, comparator: null };
  if (typeof value === 'string') return { num: null, text: value, comparator: null };
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('comparator' in v || 'separator' in v) {
      return {
        num: typeof v.value === 'number' ? v.value : null,
        text: [v.comparator, v.value, v.separator, v.value2].filter((x) => x !== undefined).join(''),
        comparator: typeof v.comparator === 'string' ? v.comparator : null,
      };
    }
    if ('data' in v) return { num: null, text: `[${String(v.typeOfData ?? 'ED')} data]`, comparator: null };
    if ('code' in v) return { num: null, text: String(v.text ?? v.code), comparator: null };
  }
  return { num: null, text: null, comparator: null };
}

async function applyResults(ctx: ApplyContext, event: ResultMessage, effects: Effects): Promise<void> {
  const { app, actor } = ctx;
  if (!event.patient) throw new Hl7MappingError('PID', 'a result message needs the patient (PID)');
  const patientId = await upsertPatient(ctx, event.patient, effects, false);
  await inTransaction(app.db, async (client) => {
    for (const report of event.reports) {
      for (const obs of report.observations) {
        const v = numericOf(obs.value);
        const { rows } = await client.query<{ id: string }>(
          `INSERT INTO lab_results (organization_id, patient_id, message_id, placer_order_number, filler_order_number,
             service_code, service_text, code, code_text, code_system, value_type, value_numeric, value_text, comparator,
             units, reference_range, abnormal_flags, status, observed_at, reported_at)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20) RETURNING id`,
          [
            actor.organizationId,
            patientId,
            ctx.messageId,
            report.placerOrderNumber ?? null,
            report.fillerOrderNumber ?? null,
            report.service?.code ?? null,
            report.service?.text ?? null,
            obs.code.code,
            obs.code.text ?? null,
            obs.code.system ?? null,
            obs.valueType,
            v.num,
            v.text,
            v.comparator,
            obs.units?.code ?? obs.units?.text ?? null,
            obs.referenceRange ?? null,
            obs.abnormalFlags,
            obs.status || report.resultStatus || 'F',
            obs.observationTime ?? report.observationTime ?? null,
            report.reportedTime ?? null,
          ],
        );
        add(effects, 'labResults', rows[0].id);
      }
    }
    await ctx.request.audit(
      {
        action: 'lab-result.create',
        resourceType: 'lab-result',
        patientId,
        detail: { count: effects.labResults?.length ?? 0 },
      },
      client,
    );
  });
}

export async function applyEvent(ctx: ApplyContext, event: InboundEvent): Promise<Effects> {
  const effects: Effects = {};
  ctx.warnings.push(...event.warnings);
  if (event.kind === 'adt') await applyAdt(ctx, event, effects);
  else if (event.kind === 'order') await applyOrders(ctx, event, effects);
  else await applyResults(ctx, event, effects);
  return effects;
}
