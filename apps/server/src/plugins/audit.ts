/**
 * Audit: every login and every read or write of patient data is appended to audit_log. Rows are hash-chained
 * (each hash covers the row and the previous hash) and numbered contiguously under a transaction-scoped advisory
 * lock, so verifyAuditChain finds any altered, inserted or deleted row.
 */
import { createHash } from 'node:crypto';
import type { Pool, PoolClient, Queryable } from '../db/pool';

const CHAIN_LOCK = 7_317_002;
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditActor {
  userId: string | null;
  username: string | null;
  role: string | null;
  organizationId: string | null;
}

export interface AuditEvent {
  action: string;
  resourceType?: string;
  resourceId?: string;
  patientId?: string;
  outcome?: 'success' | 'denied' | 'failure';
  detail?: Record<string, unknown>;
}

interface AuditRow {
  seq: number;
  at: Date;
  user_id: string | null;
  username: string | null;
  role: string | null;
  organization_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  patient_id: string | null;
  client_ip: string | null;
  outcome: string;
  detail: unknown;
  prev_hash: string;
  hash: string;
}

/** JSON with object keys sorted at every level, so jsonb's own key order does not change the hash. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .filter((k) => obj[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

function rowHash(prevHash: string, r: Omit<AuditRow, 'prev_hash' | 'hash'>): string {
  const body = canonicalJson([
    r.seq,
    r.at.toISOString(),
    r.user_id,
    r.username,
    r.role,
    r.organization_id,
    r.action,
    r.resource_type,
    r.resource_id,
    r.patient_id,
    r.client_ip,
    r.outcome,
    r.detail,
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

async function appendInTransaction(
  client: Queryable,
  actor: AuditActor | null,
  clientIp: string | null,
  e: AuditEvent,
) {
  await client.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
  const last = await client.query<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  const prevHash = last.rows[0]?.hash ?? GENESIS_HASH;
  const row = {
    seq: (last.rows[0]?.seq ?? 0) + 1,
    at: new Date(),
    user_id: actor?.userId ?? null,
    username: actor?.username ?? null,
    role: actor?.role ?? null,
    organization_id: actor?.organizationId ?? null,
    action: e.action,
    resource_type: e.resourceType ?? null,
    resource_id: e.resourceId ?? null,
    patient_id: e.patientId ?? null,
    client_ip: clientIp,
    outcome: e.outcome ?? 'success',
    detail: JSON.parse(canonicalJson(e.detail ?? {})),
  };
  const hash = rowHash(prevHash, row);
  await client.query(
    `INSERT INTO audit_log (seq, at, user_id, username, role, organization_id, action, resource_type, resource_id,
       patient_id, client_ip, outcome, detail, prev_hash, hash)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
    [
      row.seq,
      row.at,
      row.user_id,
      row.username,
      row.role,
      row.organization_id,
      row.action,
      row.resource_type,
      row.resource_id,
      row.patient_id,
      row.client_ip,
      row.outcome,
      JSON.stringify(row.detail),
      prevHash,
      hash,
    ],
  );
}

export interface AuditBatchEntry {
  actor: AuditActor | null;
  clientIp: string | null;
  event: AuditEvent;
}

/**
 * Takes the chain lock inside the caller's transaction and returns the head of the chain in one round trip
 * (migration 0012's audit_chain_head_locked: its read after the lock sees entries committed while it waited).
 */
export async function lockAuditChain(client: PoolClient): Promise<{ seq: number; hash: string }> {
  const { rows } = await client.query<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_chain_head_locked()',
  );
  return { seq: Number(rows[0]?.seq ?? 0), hash: rows[0]?.hash ?? GENESIS_HASH };
}

/**
 * The rows of several entries chained after `head`, as 15 column arrays for AUDIT_INSERT_UNNEST (parameters
 * $n…$n+14). The caller must hold the chain lock (lockAuditChain) until its transaction ends.
 */
export function auditBatchColumns(
  head: { seq: number; hash: string },
  entries: AuditBatchEntry[],
): unknown[][] {
  let prevHash = head.hash;
  let seq = head.seq;
  const at = new Date();
  const cols: unknown[][] = Array.from({ length: 15 }, () => []);
  for (const { actor, clientIp, event: e } of entries) {
    const row = {
      seq: ++seq,
      at,
      user_id: actor?.userId ?? null,
      username: actor?.username ?? null,
      role: actor?.role ?? null,
      organization_id: actor?.organizationId ?? null,
      action: e.action,
      resource_type: e.resourceType ?? null,
      resource_id: e.resourceId ?? null,
      patient_id: e.patientId ?? null,
      client_ip: clientIp,
      outcome: e.outcome ?? 'success',
      detail: JSON.parse(canonicalJson(e.detail ?? {})),
    };
    const hash = rowHash(prevHash, row);
    const values = [
      row.seq,
      row.at,
      row.user_id,
      row.username,
      row.role,
      row.organization_id,
      row.action,
      row.resource_type,
      row.resource_id,
      row.patient_id,
      row.client_ip,
      row.outcome,
      JSON.stringify(row.detail),
      prevHash,
      hash,
    ];
    values.forEach((v, i) => {
      cols[i].push(v);
    });
    prevHash = hash;
  }
  return cols;
}

/** INSERT of auditBatchColumns' arrays, the first at parameter $first. */
export function auditInsertSql(first: number): string {
  const types = [
    'bigint',
    'timestamptz',
    'uuid',
    'text',
    'text',
    'uuid',
    'text',
    'text',
    'text',
    'uuid',
    'text',
    'text',
    'jsonb',
    'text',
    'text',
  ];
  return `INSERT INTO audit_log (seq, at, user_id, username, role, organization_id, action, resource_type, resource_id,
       patient_id, client_ip, outcome, detail, prev_hash, hash)
     SELECT * FROM unnest(${types.map((t, i) => `$${first + i}::${t}[]`).join(', ')})`;
}

/**
 * Appends several entries in one INSERT inside the caller's transaction (`client` must be in one): the chain lock
 * and the read of the head happen once, the hashes are chained in order in memory. The rows are the ones
 * appendAudit would write one by one.
 */
export async function appendAuditBatch(client: PoolClient, entries: AuditBatchEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const head = await lockAuditChain(client);
  await client.query(auditInsertSql(1), auditBatchColumns(head, entries));
}

/**
 * Appends one entry. Pass a client that is inside a transaction to make the entry part of that transaction (a
 * write and its audit entry commit or roll back together); pass the pool for a standalone entry.
 */
export async function appendAudit(
  db: Pool | PoolClient,
  actor: AuditActor | null,
  clientIp: string | null,
  event: AuditEvent,
  inTransaction = false,
): Promise<void> {
  if (inTransaction) return appendInTransaction(db, actor, clientIp, event);
  const client = 'release' in db ? db : await (db as Pool).connect();
  try {
    await client.query('BEGIN');
    await appendInTransaction(client, actor, clientIp, event);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    if (client !== db) (client as PoolClient).release();
  }
}

export interface ChainProblem {
  seq: number;
  problem: string;
}

/** Walks the whole chain in order, in batches, and reports every break. */
export async function verifyAuditChain(
  db: Queryable,
  batch = 5000,
): Promise<{ ok: boolean; checked: number; problems: ChainProblem[] }> {
  const problems: ChainProblem[] = [];
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const { rows } = await db.query<AuditRow>(
      'SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2',
      [expectedSeq, batch],
    );
    if (rows.length === 0) break;
    for (const r of rows) {
      if (r.seq !== expectedSeq) {
        problems.push({ seq: r.seq, problem: `entries ${expectedSeq}–${r.seq - 1} are missing (deleted)` });
      }
      if (r.prev_hash !== prevHash) {
        problems.push({
          seq: r.seq,
          problem: 'does not follow the previous entry (an entry was inserted or deleted before it)',
        });
      }
      if (rowHash(r.prev_hash, r) !== r.hash) {
        problems.push({ seq: r.seq, problem: 'content does not match its hash (the entry was altered)' });
      }
      prevHash = r.hash;
      expectedSeq = r.seq + 1;
      checked++;
    }
  }
  return { ok: problems.length === 0, checked, problems };
}
