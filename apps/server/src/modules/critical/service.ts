/**
 * The critical-value (危急值) register: an entry per exam and source (the engine's flag, a physician's
 * confirmation), the ordering clinician and department told in the app, live and through the organisation's
 * outbound channels, each notice recorded; acknowledgement by a named user; overdue entries escalate level by
 * level. The sweeps are safe with several server processes: engine entries are inserted with ON CONFLICT DO
 * NOTHING, and escalation takes its rows with FOR UPDATE SKIP LOCKED.
 */
import { type Permission, ROLES } from '@lifeline/shared';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { inTransaction, type PoolClient, type Queryable } from '../../db/pool';
import { appendAudit } from '../../plugins/audit';
import { LIVE_CHANNEL, publish } from '../live';
import { notify } from '../notifications';
import { reportSettings } from '../reports';

export const criticalTopic = (organizationId: string) => `ecg.critical:${organizationId}`;
/** After this many escalations an entry stays overdue in the register without further alerts. */
export const MAX_ESCALATION_LEVEL = 3;

export interface CriticalFindingRef {
  code: string;
  textZh: string;
  textEn: string;
}

export interface RaiseInput {
  organizationId: string;
  examId: string;
  source: 'engine' | 'physician';
  findings: CriticalFindingRef[];
  createdBy?: string | null;
}

const rolesWith = (p: Permission) => ROLES.filter((r) => r.permissions.includes(p)).map((r) => r.code);

interface CriticalRow {
  id: string;
  organization_id: string;
  exam_id: string;
  patient_id: string | null;
  order_id: string | null;
  department_id: string | null;
  source: string;
  findings: CriticalFindingRef[];
  escalation_level: number;
}

/** The ordering clinician (by username or name) and the ordering department's users who may acknowledge. */
async function firstRecipients(db: Queryable, c: CriticalRow, clinician: string | null): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM users WHERE organization_id = $1 AND active AND roles && $2::text[]
       AND ((department_id IS NOT NULL AND department_id = $3) OR username = $4 OR display_name = $4)`,
    [c.organization_id, rolesWith('ecg.critical.ack'), c.department_id, clinician],
  );
  return rows.map((r) => r.id);
}

async function escalationRecipients(db: Queryable, orgId: string, roles: string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM users WHERE organization_id = $1 AND active AND roles && $2::text[]',
    [orgId, roles],
  );
  return rows.map((r) => r.id);
}

/** Tells the recipients (in-app, live, channels) and records each notice, in the caller's transaction. */
async function alert(app: FastifyInstance, db: Queryable, c: CriticalRow, level: number, userIds: string[]) {
  const settings = await reportSettings(db, c.organization_id);
  const text = c.findings.map((f) => f.textZh).join('；');
  const title = level === 0 ? `心电图危急值：${text}` : `心电图危急值未确认（第${level}次升级）：${text}`;
  const result = await notify(
    app,
    {
      organizationId: c.organization_id,
      userIds,
      channelIds: settings.critical_channel_ids,
      kind: level === 0 ? 'ecg.critical' : 'ecg.critical.escalation',
      severity: 'critical',
      title,
      body: c.findings.map((f) => f.textEn).join('; '),
      link: `/ecg/critical/${c.id}`,
      resourceType: 'critical-value',
      resourceId: c.id,
    },
    db,
  );
  const recipients = [...new Set(userIds)];
  for (const [i, userId] of recipients.entries()) {
    await db.query(
      `INSERT INTO critical_value_notices (critical_id, organization_id, level, via, user_id, notification_id)
       VALUES ($1, $2, $3, 'in-app', $4, $5)`,
      [c.id, c.organization_id, level, userId, result.notificationIds[i] ?? null],
    );
  }
  for (const channelId of settings.critical_channel_ids) {
    await db.query(
      `INSERT INTO critical_value_notices (critical_id, organization_id, level, via, channel_id) VALUES ($1, $2, $3, 'channel', $4)`,
      [c.id, c.organization_id, level, channelId],
    );
  }
  await db.query(
    `INSERT INTO critical_value_notices (critical_id, organization_id, level, via, department_id) VALUES ($1, $2, $3, 'live', $4)`,
    [c.id, c.organization_id, level, c.department_id],
  );
  await publish(
    app,
    criticalTopic(c.organization_id),
    {
      type: level === 0 ? 'critical.created' : 'critical.escalated',
      id: c.id,
      examId: c.exam_id,
      departmentId: c.department_id,
      level,
      findings: c.findings.map((f) => f.code),
    },
    db,
  );
  // Outbound delivery runs after the answer; its outcome is kept in notification_deliveries.
  void result.deliveries;
}

/**
 * Creates the register entry for an exam (once per source) and alerts the ordering side. Returns the entry id
 * and whether it was new. Runs in the caller's transaction when given one.
 */
export async function raiseCritical(
  app: FastifyInstance,
  input: RaiseInput,
  client?: Queryable,
): Promise<{ id: string; created: boolean }> {
  const db = client ?? app.db;
  const settings = await reportSettings(db, input.organizationId);
  const { rows } = await db.query<CriticalRow & { ordering_clinician: string | null }>(
    `WITH exam AS (
       SELECT e.id, e.patient_id, e.order_id, o.ordering_department_id, o.ordering_clinician
       FROM ecg_exams e LEFT JOIN ecg_orders o ON o.id = e.order_id
       WHERE e.id = $2 AND e.organization_id = $1)
     INSERT INTO critical_values (organization_id, exam_id, patient_id, order_id, department_id, source, findings,
       created_by, ack_due_at, next_escalation_at)
     SELECT $1, exam.id, exam.patient_id, exam.order_id, exam.ordering_department_id, $3, $4, $5,
       now() + make_interval(secs => $6::float8 * 60), now() + make_interval(secs => $6::float8 * 60)
     FROM exam
     ON CONFLICT (exam_id, source) DO NOTHING
     RETURNING *, (SELECT ordering_clinician FROM exam)`,
    [
      input.organizationId,
      input.examId,
      input.source,
      JSON.stringify(input.findings),
      input.createdBy ?? null,
      settings.critical_ack_minutes,
    ],
  );
  const entry = rows[0];
  if (!entry) {
    const existing = await db.query<{ id: string }>(
      'SELECT id FROM critical_values WHERE exam_id = $1 AND source = $2 AND organization_id = $3',
      [input.examId, input.source, input.organizationId],
    );
    if (!existing.rows[0]) throw new Error(`exam ${input.examId} not found for a critical value`);
    return { id: existing.rows[0].id, created: false };
  }
  let recipients = await firstRecipients(db, entry, entry.ordering_clinician);
  if (!recipients.length) {
    recipients = await escalationRecipients(db, input.organizationId, settings.critical_escalation_roles);
  }
  await alert(app, db, entry, 0, recipients);
  if (input.source === 'engine') {
    // Made by the system, not by a request: audited without a user (a physician's entry is audited by its route).
    await systemAudit(app, client, {
      action: 'critical.create',
      resourceType: 'critical-value',
      resourceId: entry.id,
      patientId: entry.patient_id ?? undefined,
      detail: { examId: entry.exam_id, source: 'engine', recipients: recipients.length },
    });
  }
  return { id: entry.id, created: true };
}

async function systemAudit(
  app: FastifyInstance,
  client: Queryable | undefined,
  event: Parameters<typeof appendAudit>[3],
): Promise<void> {
  if (client) await appendAudit(client as PoolClient, null, null, event, true);
  else await appendAudit(app.db, null, null, event);
}

/** Register entries for analysed exams the engine flagged critical that have none yet; returns how many. */
export async function registerEngineCriticals(app: FastifyInstance): Promise<number> {
  const { rows } = await app.db.query<{
    id: string;
    organization_id: string;
    analysis: { critical?: unknown[] };
  }>(
    `SELECT e.id, e.organization_id, e.analysis FROM ecg_exams e
     WHERE e.critical AND e.analysis IS NOT NULL AND e.analysed_at > now() - interval '2 days'
       AND NOT EXISTS (SELECT 1 FROM critical_values c WHERE c.exam_id = e.id AND c.source = 'engine')
     ORDER BY e.analysed_at LIMIT 100`,
  );
  let created = 0;
  for (const exam of rows) {
    const findings = (
      (exam.analysis.critical ?? []) as { ruleId: string; textZh: string; textEn: string }[]
    ).map((f) => ({ code: f.ruleId, textZh: f.textZh, textEn: f.textEn }));
    if (!findings.length) continue;
    const result = await inTransaction(app.db, (client) =>
      raiseCritical(
        app,
        { organizationId: exam.organization_id, examId: exam.id, source: 'engine', findings },
        client,
      ),
    );
    if (result.created) created++;
  }
  return created;
}

/** Escalates every unacknowledged entry past its due time, one transaction per batch; returns how many. */
export async function escalateOverdue(app: FastifyInstance): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await inTransaction(app.db, async (client) => {
      const { rows } = await client.query<CriticalRow>(
        `SELECT * FROM critical_values WHERE acknowledged_at IS NULL AND next_escalation_at <= now()
         ORDER BY next_escalation_at LIMIT 20 FOR UPDATE SKIP LOCKED`,
      );
      for (const c of rows) {
        const settings = await reportSettings(client, c.organization_id);
        const level = c.escalation_level + 1;
        const { rows: told } = await client.query<{ user_id: string }>(
          `SELECT DISTINCT user_id FROM critical_value_notices WHERE critical_id = $1 AND level = 0 AND user_id IS NOT NULL`,
          [c.id],
        );
        const recipients = [
          ...told.map((t) => t.user_id),
          ...(await escalationRecipients(client, c.organization_id, settings.critical_escalation_roles)),
        ];
        await alert(app, client, c, level, recipients);
        await systemAudit(app, client, {
          action: 'critical.escalate',
          resourceType: 'critical-value',
          resourceId: c.id,
          patientId: c.patient_id ?? undefined,
          detail: { level, recipients: recipients.length },
        });
        await client.query(
          `UPDATE critical_values SET escalation_level = $2::int,
             next_escalation_at = CASE WHEN $2::int >= $3::int THEN NULL ELSE now() + make_interval(secs => $4::float8 * 60) END
           WHERE id = $1`,
          [c.id, level, MAX_ESCALATION_LEVEL, settings.critical_ack_minutes],
        );
      }
      return rows.length;
    });
    total += n;
    if (n < 20) return total;
  }
}

/**
 * Runs both sweeps every `seconds`, and the engine sweep at once when any process announces an analysed
 * critical ECG on the live channel (so the alert does not wait for the timer). `ready` resolves once the listener listens.
 */
export function startCriticalSweeps(
  app: FastifyInstance,
  seconds: number,
): { ready: Promise<void>; stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  let again = false;
  const sweep = () => {
    if (running) {
      again = true;
      return;
    }
    running = registerEngineCriticals(app)
      .then(() => escalateOverdue(app))
      .then(() => undefined)
      .catch((err) => app.log.warn({ err }, 'critical-value sweep failed'))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          sweep();
        }
      });
  };
  const timer = setInterval(sweep, seconds * 1000);
  timer.unref();
  let listener: pg.Client | null = new pg.Client({
    ...app.db.options,
    application_name: 'lifeline-critical',
  } as pg.ClientConfig);
  listener.on('notification', (m) => {
    try {
      const event = JSON.parse(m.payload ?? '{}') as { payload?: { type?: string; critical?: boolean } };
      if (event.payload?.type === 'ecg.analysed' && event.payload.critical) sweep();
    } catch {
      // Not ours to judge: other events on the channel are ignored.
    }
  });
  listener.on('error', () => {
    // The timer still sweeps; a lost listener only costs latency.
    listener = null;
  });
  const listening = listener
    .connect()
    .then(() => listener?.query(`LISTEN ${LIVE_CHANNEL}`))
    .catch((err) => app.log.warn({ err }, 'critical-value listener not started; sweeping on the timer only'));
  return {
    ready: listening.then(() => undefined),
    async stop() {
      clearInterval(timer);
      await listening;
      await listener?.end().catch(() => {});
      await running;
    },
  };
}
