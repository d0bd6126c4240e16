import { randomInt } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTransaction, type Queryable } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { patientInOrg } from '../patients';
import {
  insertOrder,
  type Order,
  type OrderFilter,
  type OrderRow,
  orderByAccession,
  orderInOrg,
  orderOut,
  searchOrders,
  setOrderStatus,
} from './repo';
import type { OrderPriority, OrderStatus } from './schemas';

export interface CreateOrderInput {
  organizationId: string;
  patientId: string;
  accessionNumber?: string;
  placerNumber?: string | null;
  fillerNumber?: string | null;
  procedureCode?: string;
  procedureName?: string;
  priority?: OrderPriority;
  greenChannel?: boolean;
  orderingDepartmentId?: string | null;
  orderingClinician?: string | null;
  scheduledAt?: string | null;
  source?: 'manual' | 'hl7';
  createdBy?: string | null;
}

/** ECG + date + 6 random digits: unique enough to retry on the rare collision, readable on a worklist. */
function newAccessionNumber(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `ECG${day}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

/**
 * Creates an order after checking that patient and department belong to the organisation. Throws 400 naming the
 * field, or 409 when the accession number is taken. Pass a transaction client to combine it with other writes.
 */
export async function createOrder(db: Queryable, input: CreateOrderInput): Promise<Order> {
  const problems: { field: string; reason: string }[] = [];
  const patient = await patientInOrg(db, input.organizationId, input.patientId);
  if (!patient) problems.push({ field: 'patientId', reason: 'no such patient in this organisation' });
  else if (patient.merged_into_id)
    problems.push({ field: 'patientId', reason: 'patient was merged; order for the surviving record' });
  if (input.orderingDepartmentId) {
    const dept = await db.query('SELECT 1 FROM departments WHERE id = $1 AND organization_id = $2', [
      input.orderingDepartmentId,
      input.organizationId,
    ]);
    if (!dept.rowCount)
      problems.push({ field: 'orderingDepartmentId', reason: 'no such department in this organisation' });
  }
  if (problems.length) throw AppError.invalidFields(problems);
  const accessionNumber = input.accessionNumber ?? newAccessionNumber();
  if (await orderByAccession(db, input.organizationId, accessionNumber)) {
    throw AppError.conflict(`accession number ${accessionNumber} is already used`, 'accessionNumber');
  }
  const row = await insertOrder(db, {
    organizationId: input.organizationId,
    patientId: input.patientId,
    accessionNumber,
    placerNumber: input.placerNumber,
    fillerNumber: input.fillerNumber,
    procedureCode: input.procedureCode ?? 'ECG12',
    procedureName: input.procedureName ?? '常规十二导联心电图',
    priority: input.priority ?? (input.greenChannel ? 'stat' : 'routine'),
    greenChannel: input.greenChannel ?? false,
    orderingDepartmentId: input.orderingDepartmentId,
    orderingClinician: input.orderingClinician,
    scheduledAt: input.scheduledAt,
    source: input.source ?? 'manual',
    createdBy: input.createdBy,
  });
  return orderOut(row);
}

export async function findOrderByAccession(
  db: Queryable,
  organizationId: string,
  accessionNumber: string,
): Promise<Order | undefined> {
  const row = await orderByAccession(db, organizationId, accessionNumber);
  return row && orderOut(row);
}

export async function findOrder(
  db: Queryable,
  organizationId: string,
  id: string,
): Promise<Order | undefined> {
  const row = await orderInOrg(db, organizationId, id);
  return row && orderOut(row);
}

/** A scheduled order with what a modality worklist shows of its patient. */
export interface ScheduledOrder extends Order {
  patient: { id: string; name: string; sex: 'M' | 'F' | 'U'; birthDate: string | null; hisId: string | null };
}

/** Orders still waiting for their ECG (scheduled or in progress), oldest first; the DICOM worklist uses it. */
export async function listScheduledOrders(
  db: Queryable,
  organizationId: string,
  filter: {
    from?: string;
    to?: string;
    procedureCode?: string;
    accessionNumber?: string;
    limit?: number;
  } = {},
): Promise<ScheduledOrder[]> {
  const params: unknown[] = [organizationId];
  const where = [`o.organization_id = $1`, `o.status IN ('scheduled', 'in-progress')`];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.from) add('o.scheduled_at >= ?', filter.from);
  if (filter.to) add('o.scheduled_at < ?', filter.to);
  if (filter.procedureCode) add('o.procedure_code = ?', filter.procedureCode);
  if (filter.accessionNumber) add('o.accession_number = ?', filter.accessionNumber);
  const limit = Math.min(Math.max(filter.limit ?? 500, 1), 5000);
  const { rows } = await db.query<
    OrderRow & { p_name: string; p_sex: 'M' | 'F' | 'U'; p_birth: string | null; his_id: string | null }
  >(
    `SELECT o.*, p.name AS p_name, p.sex AS p_sex, p.birth_date AS p_birth,
       (SELECT i.display FROM patient_identifiers i WHERE i.patient_id = p.id AND i.type = 'his' LIMIT 1) AS his_id
     FROM ecg_orders o JOIN patients p ON p.id = o.patient_id
     WHERE ${where.join(' AND ')} ORDER BY o.scheduled_at, o.id LIMIT ${limit}`,
    params,
  );
  return rows.map((r) => ({
    ...orderOut(r),
    patient: { id: r.patient_id, name: r.p_name, sex: r.p_sex, birthDate: r.p_birth, hisId: r.his_id },
  }));
}

/** Moves an order on when its ECG arrives (scheduled → in-progress); other states are left alone. */
export async function markOrderInProgress(db: Queryable, organizationId: string, id: string): Promise<void> {
  await db.query(
    `UPDATE ecg_orders SET status = 'in-progress', updated_at = now()
     WHERE id = $1 AND organization_id = $2 AND status = 'scheduled'`,
    [id, organizationId],
  );
}

// ---- HTTP handlers ----

export async function create(
  app: FastifyInstance,
  request: FastifyRequest,
  body: Omit<CreateOrderInput, 'organizationId'>,
) {
  const user = requireUser(request.user);
  return inTransaction(app.db, async (client) => {
    const order = await createOrder(client, {
      ...body,
      organizationId: user.organizationId,
      source: 'manual',
      createdBy: user.id,
    });
    await request.audit(
      {
        action: 'order.create',
        resourceType: 'ecg-order',
        resourceId: order.id,
        patientId: order.patientId,
        detail: { accessionNumber: order.accessionNumber, priority: order.priority },
      },
      client,
    );
    return order;
  });
}

export async function list(app: FastifyInstance, request: FastifyRequest, query: Partial<OrderFilter>) {
  const user = requireUser(request.user);
  const { rows, total } = await searchOrders(app.db, user.organizationId, {
    ...query,
    limit: query.limit ?? 50,
    offset: query.offset ?? 0,
  });
  // Names are patient data: shown only to users who may read patients, and the patients shown are audited.
  const withNames = user.permissions.has('patient.read');
  await request.audit({
    action: 'order.search',
    resourceType: 'ecg-order',
    detail: {
      status: query.status ?? null,
      patientId: query.patientId ?? null,
      returned: rows.length,
      ...(withNames && { patientsShown: [...new Set(rows.map((r) => r.patient_id))] }),
    },
  });
  return {
    items: rows.map((r) => ({
      ...orderOut(r),
      ...(withNames && r.patient_name !== null && { patientName: r.patient_name }),
    })),
    total,
  };
}

export async function cancel(app: FastifyInstance, request: FastifyRequest, id: string, reason: string) {
  const user = requireUser(request.user);
  return inTransaction(app.db, async (client) => {
    const order = await orderInOrg(client, user.organizationId, id, true);
    if (!order) throw AppError.notFound('order');
    const closed: OrderStatus[] = ['completed', 'cancelled'];
    if (closed.includes(order.status)) throw AppError.conflict(`order is already ${order.status}`, 'status');
    const updated = await setOrderStatus(client, user.organizationId, id, 'cancelled', reason);
    await request.audit(
      {
        action: 'order.cancel',
        resourceType: 'ecg-order',
        resourceId: id,
        patientId: order.patient_id,
        detail: { previousStatus: order.status },
      },
      client,
    );
    return orderOut(updated as OrderRow);
  });
}
