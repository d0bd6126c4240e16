/**
 * Outbound results. The hl7_outbox table is the queue: a row per (message, destination), committed before any
 * sending, so nothing is lost across restarts. A sweep takes due rows with FOR UPDATE SKIP LOCKED (several
 * processes can sweep without sending a row twice at once), sends each over MLLP, and records the outcome:
 * AA → sent; anything else → retried with exponential backoff; after maxAttempts → status 'error', the error
 * queue, where an admin edits the destination or the message and replays it.
 */
import { randomBytes } from 'node:crypto';
import { MllpClient } from '@lifeline/hl7/mllp';
import type { FastifyInstance } from 'fastify';
import { inTransaction, type PoolClient, type Queryable } from '../../db/pool';
import { buildReportMessage, loadSignedReport } from './report-message';

export interface OutboxOptions {
  /** First retry delay; doubles per attempt (default 30 s). */
  baseDelayMs?: number;
  /** Longest retry delay (default 1 h). */
  maxDelayMs?: number;
  /** Attempts before a row goes to the error queue (default 10). */
  maxAttempts?: number;
  ackTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Rows taken per sweep. */
  batchSize?: number;
}

const DEFAULTS: Required<OutboxOptions> = {
  baseDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  maxAttempts: 10,
  ackTimeoutMs: 30_000,
  connectTimeoutMs: 5_000,
  batchSize: 20,
};

export interface OutboxRow {
  id: string;
  organization_id: string;
  interface_id: string;
  kind: string;
  report_id: string | null;
  report_version: number | null;
  result_status: 'F' | 'C' | null;
  control_id: string;
  message: string;
  status: 'pending' | 'sent' | 'error';
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  ack_code: string | null;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
}

export function outboxOut(r: OutboxRow & { interface_name?: string }, withMessage = false) {
  return {
    id: r.id,
    interfaceId: r.interface_id,
    interfaceName: r.interface_name ?? null,
    kind: r.kind,
    reportId: r.report_id,
    reportVersion: r.report_version,
    resultStatus: r.result_status,
    controlId: r.control_id,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at.toISOString(),
    lastError: r.last_error,
    ackCode: r.ack_code,
    createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
    ...(withMessage && { message: r.message }),
  };
}

export function newControlId(): string {
  return `LL${Date.now().toString(36).toUpperCase()}${randomBytes(4).toString('hex').toUpperCase()}`;
}

export function backoffMs(attempts: number, options: OutboxOptions = {}): number {
  const o = { ...DEFAULTS, ...options };
  return Math.min(o.baseDelayMs * 2 ** Math.max(attempts - 1, 0), o.maxDelayMs);
}

/** Queues any message for a destination (other modules' events, tests, replays of hand-written messages). */
export async function enqueueMessage(
  db: Queryable,
  row: { organizationId: string; interfaceId: string; message: string; controlId: string; kind?: string },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO hl7_outbox (organization_id, interface_id, kind, control_id, message)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [row.organizationId, row.interfaceId, row.kind ?? 'message', row.controlId, row.message],
  );
  return rows[0].id;
}

/**
 * Queues the ORU^R01 of a report's latest signed version for every active outbound interface of its
 * organisation. Idempotent per (destination, report, version). Call it in the signing transaction (pass the
 * client) so the signature and its outbox rows commit together; the sweep catches any report signed without it.
 * Returns the number of rows queued.
 */
export async function enqueueReportResult(
  app: FastifyInstance,
  client: Queryable,
  reportId: string,
): Promise<number> {
  const report = await loadSignedReport(app, client, reportId);
  if (!report) return 0;
  const { rows: destinations } = await client.query<{
    id: string;
    receiving_application: string | null;
    receiving_facility: string | null;
  }>(
    `SELECT id, receiving_application, receiving_facility FROM hl7_interfaces
     WHERE organization_id = $1 AND direction = 'outbound' AND active`,
    [report.organizationId],
  );
  let queued = 0;
  for (const d of destinations) {
    const controlId = newControlId();
    const message = buildReportMessage(
      report,
      { receivingApplication: d.receiving_application, receivingFacility: d.receiving_facility },
      controlId,
    );
    const { rowCount } = await client.query(
      `INSERT INTO hl7_outbox (organization_id, interface_id, kind, report_id, report_version, result_status,
         control_id, message)
       VALUES ($1, $2, 'ecg-report', $3, $4, $5, $6, $7)
       ON CONFLICT (interface_id, report_id, report_version) WHERE report_id IS NOT NULL DO NOTHING`,
      [
        report.organizationId,
        d.id,
        reportId,
        report.version,
        report.corrected ? 'C' : 'F',
        controlId,
        message,
      ],
    );
    queued += rowCount ?? 0;
  }
  return queued;
}

/**
 * Finds signed report versions (the latest of each report, signed in the last `days`) that have no outbox row
 * for an active destination of their organisation, and queues them. This is how signed reports reach the HIS
 * even when the reports module does not call enqueueReportResult.
 */
export async function enqueueSignedReports(app: FastifyInstance, days = 30): Promise<number> {
  const { rows } = await app.db.query<{ report_id: string }>(
    `SELECT DISTINCT v.report_id FROM ecg_report_versions v
     JOIN hl7_interfaces i ON i.organization_id = v.organization_id AND i.direction = 'outbound' AND i.active
     WHERE v.signed_at IS NOT NULL AND v.signed_at > now() - make_interval(days => $1)
       AND v.version = (SELECT max(v2.version) FROM ecg_report_versions v2
                        WHERE v2.report_id = v.report_id AND v2.signed_at IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM hl7_outbox o WHERE o.interface_id = i.id AND o.report_id = v.report_id
                         AND o.report_version = v.version)
     LIMIT 200`,
    [days],
  );
  let queued = 0;
  for (const r of rows) {
    try {
      queued += await inTransaction(app.db, (client) => enqueueReportResult(app, client, r.report_id));
    } catch (err) {
      app.log.error({ err, reportId: r.report_id }, 'signed report could not be queued for HL7');
    }
  }
  return queued;
}

async function sendOne(
  row: OutboxRow & { host: string | null; port: number | null; active: boolean },
  o: Required<OutboxOptions>,
): Promise<{ ok: boolean; ackCode: string | null; error: string | null }> {
  if (!row.active) return { ok: false, ackCode: null, error: 'destination interface is inactive' };
  if (!row.host || !row.port) return { ok: false, ackCode: null, error: 'destination has no host/port' };
  const client = new MllpClient({
    host: row.host,
    port: row.port,
    connectTimeoutMs: o.connectTimeoutMs,
    ackTimeoutMs: o.ackTimeoutMs,
    maxAttempts: 1,
  });
  try {
    const result = await client.send(row.message);
    if (result.accepted) return { ok: true, ackCode: result.code, error: null };
    const text = result.ack.get('MSA-3') || result.ack.get('ERR-8') || 'no reason given';
    return { ok: false, ackCode: result.code, error: `receiver answered ${result.code}: ${text}` };
  } catch (err) {
    return { ok: false, ackCode: null, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await client.close().catch(() => {});
  }
}

async function recordOutcome(
  client: PoolClient,
  row: OutboxRow,
  outcome: { ok: boolean; ackCode: string | null; error: string | null },
  o: Required<OutboxOptions>,
): Promise<void> {
  const attempts = row.attempts + 1;
  if (outcome.ok) {
    await client.query(
      `UPDATE hl7_outbox SET status = 'sent', attempts = $2, ack_code = $3, last_error = NULL,
         sent_at = clock_timestamp(), updated_at = clock_timestamp() WHERE id = $1`,
      [row.id, attempts, outcome.ackCode],
    );
    return;
  }
  const giveUp = attempts >= o.maxAttempts;
  // Backoff counts from the failure (clock_timestamp), not from the start of the sweep's transaction (now()).
  await client.query(
    `UPDATE hl7_outbox SET status = $2, attempts = $3, ack_code = $4, last_error = $5,
       next_attempt_at = c.t + make_interval(secs => $6), updated_at = c.t
     FROM (SELECT clock_timestamp() AS t) c WHERE id = $1`,
    [
      row.id,
      giveUp ? 'error' : 'pending',
      attempts,
      outcome.ackCode,
      outcome.error,
      backoffMs(attempts, o) / 1000,
    ],
  );
}

/** Sends the due rows once; returns how many were sent and how many failed. */
export async function deliverDue(
  app: FastifyInstance,
  options: OutboxOptions = {},
): Promise<{ sent: number; failed: number }> {
  const o = { ...DEFAULTS, ...options };
  return inTransaction(app.db, async (client) => {
    const { rows } = await client.query<
      OutboxRow & { host: string | null; port: number | null; active: boolean }
    >(
      `SELECT o.*, i.host, i.port, i.active FROM hl7_outbox o JOIN hl7_interfaces i ON i.id = o.interface_id
       WHERE o.status = 'pending' AND o.next_attempt_at <= now()
       ORDER BY o.next_attempt_at, o.created_at LIMIT ${o.batchSize}
       FOR UPDATE OF o SKIP LOCKED`,
    );
    let sent = 0;
    let failed = 0;
    // A destination that cannot be reached is tried once per sweep: its other rows wait for the next sweep
    // (not counted as attempts) instead of each costing a connect timeout.
    const unreachable = new Set<string>();
    for (const row of rows) {
      if (unreachable.has(row.interface_id)) continue;
      const outcome = await sendOne(row, o);
      if (!outcome.ok && outcome.ackCode === null) unreachable.add(row.interface_id);
      await recordOutcome(client, row, outcome, o);
      if (outcome.ok) sent++;
      else failed++;
    }
    return { sent, failed };
  });
}

export interface OutboxWorker {
  /** One round: queue newly signed reports, then send what is due. */
  runOnce(): Promise<{ queued: number; sent: number; failed: number }>;
  stop(): Promise<void>;
}

/** Sweeps every `intervalMs` (main.ts starts it; tests call runOnce). */
export function startOutbox(
  app: FastifyInstance,
  options: OutboxOptions & { intervalMs?: number; scanReports?: boolean } = {},
): OutboxWorker {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const runOnce = async () => {
    let queued = 0;
    if (options.scanReports !== false) {
      queued = await enqueueSignedReports(app).catch((err) => {
        app.log.warn({ err }, 'signed-report scan failed');
        return 0;
      });
    }
    const { sent, failed } = await deliverDue(app, options);
    return { queued, sent, failed };
  };
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(runOnce).catch((err) => app.log.warn({ err }, 'HL7 outbox sweep failed'));
  }, options.intervalMs ?? 5_000);
  timer.unref();
  return {
    runOnce: () => {
      const p = running.then(runOnce);
      running = p.catch(() => {});
      return p;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => {});
    },
  };
}

/** Puts an error-queue (or pending) row back to be sent now, with an edited message if given. */
export async function replayOutbox(
  db: Queryable,
  organizationId: string,
  id: string,
  edit: { message?: string } = {},
): Promise<OutboxRow | undefined> {
  const { rows } = await db.query<OutboxRow>(
    `UPDATE hl7_outbox SET status = 'pending', attempts = 0, next_attempt_at = now(),
       message = coalesce($3, message), updated_at = now()
     WHERE id = $1 AND organization_id = $2 AND status <> 'sent' RETURNING *`,
    [id, organizationId, edit.message ?? null],
  );
  return rows[0];
}
