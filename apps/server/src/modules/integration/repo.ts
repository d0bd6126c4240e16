/** SQL of interfaces, the inbound message store, visits and lab results. Scoped by organisation where users read. */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../db/pool';
import type { SystemActor } from './actor';

export interface InterfaceRow {
  id: string;
  organization_id: string;
  name: string;
  direction: 'inbound' | 'outbound';
  sending_application: string | null;
  sending_facility: string | null;
  host: string | null;
  port: number | null;
  receiving_application: string | null;
  receiving_facility: string | null;
  system_user_id: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export function interfaceOut(r: InterfaceRow) {
  return {
    id: r.id,
    organizationId: r.organization_id,
    name: r.name,
    direction: r.direction,
    sendingApplication: r.sending_application,
    sendingFacility: r.sending_facility,
    host: r.host,
    port: r.port,
    receivingApplication: r.receiving_application,
    receivingFacility: r.receiving_facility,
    systemUserId: r.system_user_id,
    active: r.active,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
export type Interface = ReturnType<typeof interfaceOut>;

export interface InterfaceInput {
  name: string;
  direction: 'inbound' | 'outbound';
  sendingApplication?: string | null;
  sendingFacility?: string | null;
  host?: string | null;
  port?: number | null;
  receivingApplication?: string | null;
  receivingFacility?: string | null;
  active?: boolean;
}

/**
 * The system user acting for an interface: it owns the audit entries of what the interface writes. It cannot
 * log in (inactive, no usable password hash).
 */
export async function createSystemUser(db: Queryable, organizationId: string, name: string): Promise<string> {
  const username = `hl7.${randomBytes(4).toString('hex')}`;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO users (username, display_name, password_hash, organization_id, roles, active)
     VALUES ($1, $2, '!system-user-no-login', $3, '{}', false) RETURNING id`,
    [username, `接口 ${name}`, organizationId],
  );
  return rows[0].id;
}

export async function insertInterface(
  db: Queryable,
  organizationId: string,
  systemUserId: string,
  input: InterfaceInput,
): Promise<InterfaceRow> {
  const { rows } = await db.query<InterfaceRow>(
    `INSERT INTO hl7_interfaces (organization_id, name, direction, sending_application, sending_facility, host, port,
       receiving_application, receiving_facility, system_user_id, active)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
    [
      organizationId,
      input.name,
      input.direction,
      input.sendingApplication ?? null,
      input.sendingFacility ?? null,
      input.host ?? null,
      input.port ?? null,
      input.receivingApplication ?? null,
      input.receivingFacility ?? null,
      systemUserId,
      input.active ?? true,
    ],
  );
  return rows[0];
}

export async function updateInterfaceRow(
  db: Queryable,
  organizationId: string,
  id: string,
  patch: Partial<InterfaceInput>,
): Promise<InterfaceRow | undefined> {
  const columns: Record<string, string> = {
    name: 'name',
    sendingApplication: 'sending_application',
    sendingFacility: 'sending_facility',
    host: 'host',
    port: 'port',
    receivingApplication: 'receiving_application',
    receivingFacility: 'receiving_facility',
    active: 'active',
  };
  const sets: string[] = [];
  const params: unknown[] = [id, organizationId];
  for (const [key, column] of Object.entries(columns)) {
    const value = patch[key as keyof InterfaceInput];
    if (value === undefined) continue;
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  }
  const { rows } = await db.query<InterfaceRow>(
    `UPDATE hl7_interfaces SET ${[...sets, 'updated_at = now()'].join(', ')}
     WHERE id = $1 AND organization_id = $2 RETURNING *`,
    params,
  );
  return rows[0];
}

export async function interfacesOf(db: Queryable, organizationId: string): Promise<InterfaceRow[]> {
  const { rows } = await db.query<InterfaceRow>(
    'SELECT * FROM hl7_interfaces WHERE organization_id = $1 ORDER BY direction, name',
    [organizationId],
  );
  return rows;
}

export async function interfaceById(db: Queryable, id: string): Promise<InterfaceRow | undefined> {
  const { rows } = await db.query<InterfaceRow>('SELECT * FROM hl7_interfaces WHERE id = $1', [id]);
  return rows[0];
}

/**
 * The inbound interface of a sender with its acting user: an exact application + facility row first, else a
 * row for the application with no facility (a HIS that sends varying MSH-4).
 */
export async function inboundInterfaceFor(
  db: Queryable,
  sendingApplication: string,
  sendingFacility: string,
): Promise<{ iface: InterfaceRow; actor: SystemActor } | undefined> {
  const { rows } = await db.query<
    InterfaceRow & { username: string; display_name: string; org_name: string; time_zone: string }
  >(
    `SELECT i.*, u.username, u.display_name, o.name AS org_name, o.time_zone
     FROM hl7_interfaces i JOIN users u ON u.id = i.system_user_id JOIN organizations o ON o.id = i.organization_id
     WHERE i.direction = 'inbound' AND i.active AND i.sending_application = $1
       AND (coalesce(i.sending_facility, '') = $2 OR i.sending_facility IS NULL)
     ORDER BY i.sending_facility IS NULL LIMIT 1`,
    [sendingApplication, sendingFacility],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    iface: r,
    actor: {
      userId: r.system_user_id,
      username: r.username,
      displayName: r.display_name,
      organizationId: r.organization_id,
      organizationName: r.org_name,
      timeZone: r.time_zone,
    },
  };
}

// ---- message store ----

export interface StoredMessageInput {
  interfaceId?: string | null;
  organizationId?: string | null;
  sendingApplication?: string | null;
  sendingFacility?: string | null;
  controlId?: string | null;
  messageType?: string | null;
  dedupKey?: string | null;
  raw: string;
  /** The frame's bytes as received (null when the message did not come in over MLLP). */
  rawBytes?: Uint8Array | null;
  charset?: string | null;
  remoteAddress?: string | null;
  receivedAt?: Date;
  status?: 'received' | 'refused';
  error?: string | null;
  ackCode?: string | null;
}

/**
 * Text PostgreSQL can store: NUL characters (which a broken sender may put in a frame) become U+FFFD. The exact
 * bytes are kept in raw_bytes, so nothing is lost.
 */
export function pgText<T extends string | null | undefined>(value: T): T {
  return (
    typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value
  ) as T;
}

export async function storeMessage(db: Queryable, m: StoredMessageInput): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO hl7_messages (interface_id, organization_id, sending_application, sending_facility, control_id,
       message_type, dedup_key, raw, charset, remote_address, received_at, status, error, ack_code, raw_bytes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11, now()), $12, $13, $14, $15) RETURNING id`,
    [
      m.interfaceId ?? null,
      m.organizationId ?? null,
      pgText(m.sendingApplication ?? null),
      pgText(m.sendingFacility ?? null),
      pgText(m.controlId ?? null),
      pgText(m.messageType ?? null),
      pgText(m.dedupKey ?? null),
      pgText(m.raw),
      m.charset ?? null,
      m.remoteAddress ?? null,
      m.receivedAt ?? null,
      m.status ?? 'received',
      m.error ?? null,
      m.ackCode ?? null,
      m.rawBytes ? Buffer.from(m.rawBytes.buffer, m.rawBytes.byteOffset, m.rawBytes.byteLength) : null,
    ],
  );
  return rows[0].id;
}

export async function finishMessage(
  db: Queryable,
  id: string,
  outcome: {
    status: 'applied' | 'duplicate' | 'error' | 'refused';
    ackCode: string;
    error?: string | null;
    warnings?: string[];
    effects?: Record<string, unknown>;
  },
): Promise<void> {
  await db.query(
    `UPDATE hl7_messages SET status = $2, ack_code = $3, error = $4, warnings = $5, effects = $6,
       applied_at = CASE WHEN $2 = 'applied' THEN now() ELSE applied_at END
     WHERE id = $1`,
    [
      id,
      outcome.status,
      outcome.ackCode,
      outcome.error ?? null,
      JSON.stringify(outcome.warnings ?? []),
      JSON.stringify(outcome.effects ?? {}),
    ],
  );
}

export async function alreadyApplied(
  db: Queryable,
  dedupKey: string,
  exceptId: string,
): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM hl7_messages WHERE dedup_key = $1 AND status = 'applied' AND id <> $2 LIMIT 1`,
    [dedupKey, exceptId],
  );
  return rows[0]?.id ?? null;
}

export interface MessageRow {
  id: string;
  interface_id: string | null;
  organization_id: string | null;
  sending_application: string | null;
  sending_facility: string | null;
  control_id: string | null;
  message_type: string | null;
  dedup_key: string | null;
  raw: string;
  charset: string | null;
  remote_address: string | null;
  received_at: Date;
  status: string;
  ack_code: string | null;
  error: string | null;
  warnings: string[];
  applied_at: Date | null;
  effects: Record<string, unknown>;
  /** Size of the stored frame bytes (null: none stored); raw_bytes itself is read only for a download. */
  raw_bytes_length: number | null;
  /** The first RAW_PREVIEW bytes, on a single message's read. */
  raw_bytes_head?: Buffer | null;
}

/** The columns of a message row without its bytes (they can be large and are read only to be downloaded). */
const MESSAGE_COLUMNS = `id, interface_id, organization_id, sending_application, sending_facility, control_id,
  message_type, dedup_key, raw, charset, remote_address, received_at, status, ack_code, error, warnings, applied_at,
  effects, octet_length(raw_bytes) AS raw_bytes_length`;
const RAW_PREVIEW = 2048;

export function messageOut(r: MessageRow, withRaw = false) {
  return {
    id: r.id,
    interfaceId: r.interface_id,
    sendingApplication: r.sending_application,
    sendingFacility: r.sending_facility,
    controlId: r.control_id,
    messageType: r.message_type,
    receivedAt: r.received_at.toISOString(),
    status: r.status,
    ackCode: r.ack_code,
    error: r.error,
    warnings: r.warnings,
    appliedAt: r.applied_at?.toISOString() ?? null,
    effects: r.effects,
    rawBytesLength: r.raw_bytes_length ?? null,
    ...(withRaw && {
      raw: r.raw,
      charset: r.charset,
      remoteAddress: r.remote_address,
      rawBytesHead: r.raw_bytes_head ? r.raw_bytes_head.toString('hex') : null,
    }),
  };
}

/**
 * Messages an organisation's admin may see: its own, plus refused ones from unknown senders (they belong to no
 * organisation yet, and someone has to notice them to configure the interface).
 */
export async function searchMessages(
  db: Queryable,
  organizationId: string,
  filter: { status?: string; controlId?: string; limit: number; offset: number },
): Promise<{ rows: MessageRow[]; total: number }> {
  const params: unknown[] = [organizationId];
  const where = ['(organization_id = $1 OR organization_id IS NULL)'];
  if (filter.status) {
    params.push(filter.status);
    where.push(`status = $${params.length}`);
  }
  if (filter.controlId) {
    params.push(filter.controlId);
    where.push(`control_id = $${params.length}`);
  }
  const total = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM hl7_messages WHERE ${where.join(' AND ')}`,
    params,
  );
  const { rows } = await db.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM hl7_messages WHERE ${where.join(' AND ')} ORDER BY received_at DESC, id
     LIMIT ${filter.limit} OFFSET ${filter.offset}`,
    params,
  );
  return { rows, total: total.rows[0].n };
}

export async function messageInScope(
  db: Queryable,
  organizationId: string,
  id: string,
): Promise<MessageRow | undefined> {
  const { rows } = await db.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS}, substring(raw_bytes FROM 1 FOR ${RAW_PREVIEW}) AS raw_bytes_head FROM hl7_messages
     WHERE id = $1 AND (organization_id = $2 OR organization_id IS NULL)`,
    [id, organizationId],
  );
  return rows[0];
}

/** The frame bytes of a message in scope exactly as received (null: the message has none stored). */
export async function messageRawBytes(
  db: Queryable,
  organizationId: string,
  id: string,
): Promise<{ bytes: Buffer | null; controlId: string | null } | undefined> {
  const { rows } = await db.query<{ raw_bytes: Buffer | null; control_id: string | null }>(
    'SELECT raw_bytes, control_id FROM hl7_messages WHERE id = $1 AND (organization_id = $2 OR organization_id IS NULL)',
    [id, organizationId],
  );
  return rows[0] && { bytes: rows[0].raw_bytes, controlId: rows[0].control_id };
}
