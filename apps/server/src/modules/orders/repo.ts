/** SQL of ECG orders. Every query is scoped by organisation. */
import type { Queryable } from '../../db/pool';
import type { OrderPriority, OrderStatus } from './schemas';

export interface OrderRow {
  id: string;
  organization_id: string;
  patient_id: string;
  accession_number: string;
  placer_number: string | null;
  filler_number: string | null;
  procedure_code: string;
  procedure_name: string;
  priority: OrderPriority;
  green_channel: boolean;
  ordering_department_id: string | null;
  ordering_clinician: string | null;
  status: OrderStatus;
  scheduled_at: Date;
  source: 'manual' | 'hl7';
  cancel_reason: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** An order as the API and other modules see it. */
export interface Order {
  id: string;
  organizationId: string;
  patientId: string;
  accessionNumber: string;
  placerNumber: string | null;
  fillerNumber: string | null;
  procedureCode: string;
  procedureName: string;
  priority: OrderPriority;
  greenChannel: boolean;
  orderingDepartmentId: string | null;
  orderingClinician: string | null;
  status: OrderStatus;
  scheduledAt: string;
  createdAt: string;
  source: 'manual' | 'hl7';
  cancelReason: string | null;
}

export function orderOut(r: OrderRow): Order {
  return {
    id: r.id,
    organizationId: r.organization_id,
    patientId: r.patient_id,
    accessionNumber: r.accession_number,
    placerNumber: r.placer_number,
    fillerNumber: r.filler_number,
    procedureCode: r.procedure_code,
    procedureName: r.procedure_name,
    priority: r.priority,
    greenChannel: r.green_channel,
    orderingDepartmentId: r.ordering_department_id,
    orderingClinician: r.ordering_clinician,
    status: r.status,
    scheduledAt: r.scheduled_at.toISOString(),
    createdAt: r.created_at.toISOString(),
    source: r.source,
    cancelReason: r.cancel_reason,
  };
}

export interface NewOrder {
  organizationId: string;
  patientId: string;
  accessionNumber: string;
  placerNumber?: string | null;
  fillerNumber?: string | null;
  procedureCode: string;
  procedureName: string;
  priority: OrderPriority;
  greenChannel: boolean;
  orderingDepartmentId?: string | null;
  orderingClinician?: string | null;
  scheduledAt?: string | Date | null;
  source: 'manual' | 'hl7';
  createdBy?: string | null;
}

export async function insertOrder(db: Queryable, o: NewOrder): Promise<OrderRow> {
  const { rows } = await db.query<OrderRow>(
    `INSERT INTO ecg_orders (organization_id, patient_id, accession_number, placer_number, filler_number,
       procedure_code, procedure_name, priority, green_channel, ordering_department_id, ordering_clinician,
       scheduled_at, source, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,coalesce($12::timestamptz, now()),$13,$14) RETURNING *`,
    [
      o.organizationId,
      o.patientId,
      o.accessionNumber,
      o.placerNumber ?? null,
      o.fillerNumber ?? null,
      o.procedureCode,
      o.procedureName,
      o.priority,
      o.greenChannel,
      o.orderingDepartmentId ?? null,
      o.orderingClinician ?? null,
      o.scheduledAt ?? null,
      o.source,
      o.createdBy ?? null,
    ],
  );
  return rows[0];
}

export async function orderInOrg(
  db: Queryable,
  orgId: string,
  id: string,
  forUpdate = false,
): Promise<OrderRow | undefined> {
  const { rows } = await db.query<OrderRow>(
    `SELECT * FROM ecg_orders WHERE id = $1 AND organization_id = $2 ${forUpdate ? 'FOR UPDATE' : ''}`,
    [id, orgId],
  );
  return rows[0];
}

export async function orderByAccession(
  db: Queryable,
  orgId: string,
  accessionNumber: string,
): Promise<OrderRow | undefined> {
  const { rows } = await db.query<OrderRow>(
    'SELECT * FROM ecg_orders WHERE organization_id = $1 AND accession_number = $2',
    [orgId, accessionNumber],
  );
  return rows[0];
}

export interface OrderFilter {
  status?: OrderStatus;
  patientId?: string;
  accessionNumber?: string;
  from?: string;
  to?: string;
  procedureCode?: string;
  limit: number;
  offset: number;
}

export async function searchOrders(
  db: Queryable,
  orgId: string,
  f: OrderFilter,
): Promise<{ rows: (OrderRow & { patient_name: string | null })[]; total: number }> {
  const params: unknown[] = [orgId];
  const where = ['o.organization_id = $1'];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.status) add('o.status = ?', f.status);
  if (f.patientId) add('o.patient_id = ?', f.patientId);
  if (f.accessionNumber) add('o.accession_number = ?', f.accessionNumber);
  if (f.from) add('o.scheduled_at >= ?', f.from);
  if (f.to) add('o.scheduled_at < ?', f.to);
  if (f.procedureCode) add('o.procedure_code = ?', f.procedureCode);
  // The patient's name comes with each order: a list screen must not read every patient one request at a time.
  const { rows } = await db.query<OrderRow & { total: number; patient_name: string | null }>(
    `SELECT o.*, p.name AS patient_name, count(*) OVER () AS total
       FROM ecg_orders o LEFT JOIN patients p ON p.id = o.patient_id
      WHERE ${where.join(' AND ')}
      ORDER BY o.scheduled_at, o.created_at, o.id LIMIT ${f.limit} OFFSET ${f.offset}`,
    params,
  );
  return { rows, total: rows[0]?.total ?? 0 };
}

export async function setOrderStatus(
  db: Queryable,
  orgId: string,
  id: string,
  status: OrderStatus,
  cancelReason: string | null = null,
): Promise<OrderRow | undefined> {
  const { rows } = await db.query<OrderRow>(
    `UPDATE ecg_orders SET status = $3, cancel_reason = coalesce($4, cancel_reason), updated_at = now()
     WHERE id = $1 AND organization_id = $2 RETURNING *`,
    [id, orgId, status, cancelReason],
  );
  return rows[0];
}
