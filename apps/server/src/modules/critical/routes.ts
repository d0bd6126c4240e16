/** The critical-value register over HTTP: list with filters, one entry with its notices, raise, acknowledge. */

import { STATEMENT_LIBRARY } from '@lifeline/ecg';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { inTransaction } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { publish } from '../live';
import { criticalTopic, raiseCritical, startCriticalSweeps } from './service';

const IdParam = Type.Object({ id: Type.String({ format: 'uuid' }) });
const RegisterQuery = Type.Object({
  status: Type.Optional(
    Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('overdue')]),
  ),
  source: Type.Optional(Type.Union([Type.Literal('engine'), Type.Literal('physician')])),
  examId: Type.Optional(Type.String({ format: 'uuid' })),
  patientId: Type.Optional(Type.String({ format: 'uuid' })),
  departmentId: Type.Optional(Type.String({ format: 'uuid' })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
const RaiseBody = Type.Object(
  {
    examId: Type.String({ format: 'uuid' }),
    codes: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { minItems: 1, maxItems: 20 }),
  },
  { additionalProperties: false },
);
const AckBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);

interface RegisterRow {
  id: string;
  exam_id: string;
  patient_id: string | null;
  patient_name: string | null;
  order_id: string | null;
  department_id: string | null;
  department_name: string | null;
  source: string;
  findings: unknown;
  created_at: Date;
  ack_due_at: Date;
  acknowledged_by: string | null;
  acknowledged_by_name: string | null;
  acknowledged_at: Date | null;
  ack_note: string | null;
  escalation_level: number;
  overdue: boolean;
  total: number;
}

function entryOut(r: RegisterRow) {
  return {
    id: r.id,
    examId: r.exam_id,
    patientId: r.patient_id,
    patientName: r.patient_name,
    orderId: r.order_id,
    departmentId: r.department_id,
    departmentName: r.department_name,
    source: r.source,
    findings: r.findings,
    createdAt: r.created_at.toISOString(),
    ackDueAt: r.ack_due_at.toISOString(),
    acknowledgedBy: r.acknowledged_by,
    acknowledgedByName: r.acknowledged_by_name,
    acknowledgedAt: r.acknowledged_at?.toISOString() ?? null,
    ackNote: r.ack_note,
    escalationLevel: r.escalation_level,
    overdue: r.overdue,
  };
}

const SELECT_ENTRY = `SELECT c.*, p.name AS patient_name, d.name AS department_name, u.display_name AS acknowledged_by_name,
    (c.acknowledged_at IS NULL AND c.ack_due_at < now()) AS overdue, count(*) OVER () AS total
  FROM critical_values c
  LEFT JOIN patients p ON p.id = c.patient_id
  LEFT JOIN departments d ON d.id = c.department_id
  LEFT JOIN users u ON u.id = c.acknowledged_by`;

export async function criticalRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['critical values'];
  // Background sweeps (engine flags → register, overdue → escalation); off in tests unless asked for.
  const raw = process.env.LIFELINE_CRITICAL_SWEEP_SECONDS;
  const seconds = raw !== undefined && raw !== '' ? Number(raw) : process.env.NODE_ENV === 'test' ? 0 : 5;
  if (seconds > 0) {
    let sweeps: ReturnType<typeof startCriticalSweeps> | null = null;
    app.addHook('onReady', async () => {
      sweeps = startCriticalSweeps(app, seconds);
    });
    app.addHook('onClose', async () => {
      await sweeps?.stop();
    });
  }

  app.get(
    '/api/critical',
    { config: { permission: 'ecg.read' }, schema: { tags, querystring: RegisterQuery } },
    async (request) => {
      const user = requireUser(request.user);
      const q = request.query as {
        status?: string;
        source?: string;
        examId?: string;
        patientId?: string;
        departmentId?: string;
        from?: string;
        to?: string;
        limit?: number;
        offset?: number;
      };
      const params: unknown[] = [user.organizationId];
      const where = ['c.organization_id = $1'];
      const add = (sql: string, v: unknown) => {
        params.push(v);
        where.push(sql.replaceAll('?', `$${params.length}`));
      };
      if (q.status === 'open') where.push('c.acknowledged_at IS NULL');
      if (q.status === 'acknowledged') where.push('c.acknowledged_at IS NOT NULL');
      if (q.status === 'overdue') where.push('c.acknowledged_at IS NULL AND c.ack_due_at < now()');
      if (q.source) add('c.source = ?', q.source);
      if (q.examId) add('c.exam_id = ?', q.examId);
      if (q.patientId) add('c.patient_id = ?', q.patientId);
      if (q.departmentId) add('c.department_id = ?', q.departmentId);
      if (q.from) add('c.created_at >= ?', q.from);
      if (q.to) add('c.created_at < ?', q.to);
      const { rows } = await app.db.query<RegisterRow>(
        `${SELECT_ENTRY} WHERE ${where.join(' AND ')} ORDER BY c.created_at DESC LIMIT ${q.limit ?? 100} OFFSET ${q.offset ?? 0}`,
        params,
      );
      await request.audit({
        action: 'critical.list',
        resourceType: 'critical-value',
        detail: { count: rows.length, status: q.status ?? null },
      });
      return { items: rows.map(entryOut), total: rows[0]?.total ?? 0 };
    },
  );

  app.get(
    '/api/critical/:id',
    { config: { permission: 'ecg.read' }, schema: { tags, params: IdParam } },
    async (request) => {
      const user = requireUser(request.user);
      const { id } = request.params as { id: string };
      const { rows } = await app.db.query<RegisterRow>(
        `${SELECT_ENTRY} WHERE c.id = $1 AND c.organization_id = $2`,
        [id, user.organizationId],
      );
      if (!rows[0]) throw AppError.notFound('critical value');
      const notices = await app.db.query(
        `SELECT n.level, n.via, n.user_id, u.display_name, n.department_id, n.channel_id, n.notification_id, n.at
         FROM critical_value_notices n LEFT JOIN users u ON u.id = n.user_id
         WHERE n.critical_id = $1 AND n.organization_id = $2 ORDER BY n.at, n.id`,
        [id, user.organizationId],
      );
      await request.audit({
        action: 'critical.read',
        resourceType: 'critical-value',
        resourceId: id,
        patientId: rows[0].patient_id ?? undefined,
      });
      return {
        ...entryOut(rows[0]),
        notices: notices.rows.map((n) => ({
          level: n.level,
          via: n.via,
          userId: n.user_id,
          userName: n.display_name,
          departmentId: n.department_id,
          channelId: n.channel_id,
          notificationId: n.notification_id,
          at: n.at.toISOString(),
        })),
      };
    },
  );

  // A physician confirming a critical finding the engine did not flag (or flagged differently).
  app.post(
    '/api/critical',
    { config: { permission: 'ecg.report.diagnose' }, schema: { tags, body: RaiseBody } },
    async (request) => {
      const user = requireUser(request.user);
      const body = request.body as { examId: string; codes: string[] };
      const library = STATEMENT_LIBRARY as Record<string, { textZh: string; textEn: string }>;
      const unknown = body.codes.filter((c) => !library[c]);
      if (unknown.length)
        throw AppError.invalidFields(
          unknown.map((c) => ({ field: 'codes', reason: `'${c}' is not in the statement library` })),
        );
      const result = await inTransaction(app.db, async (client) => {
        const exam = await client.query<{ patient_id: string | null }>(
          'SELECT patient_id FROM ecg_exams WHERE id = $1 AND organization_id = $2',
          [body.examId, user.organizationId],
        );
        if (!exam.rows[0]) throw AppError.notFound('ECG exam');
        const r = await raiseCritical(
          app,
          {
            organizationId: user.organizationId,
            examId: body.examId,
            source: 'physician',
            findings: body.codes.map((code) => ({
              code,
              textZh: library[code].textZh,
              textEn: library[code].textEn,
            })),
            createdBy: user.id,
          },
          client,
        );
        await request.audit(
          {
            action: 'critical.raise',
            resourceType: 'critical-value',
            resourceId: r.id,
            patientId: exam.rows[0].patient_id ?? undefined,
            detail: { examId: body.examId, codes: body.codes, created: r.created },
          },
          client,
        );
        return r;
      });
      return result;
    },
  );

  app.post(
    '/api/critical/:id/ack',
    { config: { permission: 'ecg.critical.ack' }, schema: { tags, params: IdParam, body: AckBody } },
    async (request) => {
      const user = requireUser(request.user);
      const { id } = request.params as { id: string };
      const note = (request.body as { note?: string } | undefined)?.note ?? null;
      return inTransaction(app.db, async (client) => {
        const { rows } = await client.query<{ patient_id: string | null; acknowledged_at: Date | null }>(
          'SELECT patient_id, acknowledged_at FROM critical_values WHERE id = $1 AND organization_id = $2 FOR UPDATE',
          [id, user.organizationId],
        );
        if (!rows[0]) throw AppError.notFound('critical value');
        if (rows[0].acknowledged_at) throw AppError.conflict('this critical value is already acknowledged');
        const updated = await client.query<{ acknowledged_at: Date }>(
          `UPDATE critical_values SET acknowledged_by = $2, acknowledged_at = now(), ack_note = $3, next_escalation_at = NULL
           WHERE id = $1 RETURNING acknowledged_at`,
          [id, user.id, note],
        );
        await request.audit(
          {
            action: 'critical.ack',
            resourceType: 'critical-value',
            resourceId: id,
            patientId: rows[0].patient_id ?? undefined,
          },
          client,
        );
        await publish(app, criticalTopic(user.organizationId), { type: 'critical.acknowledged', id }, client);
        return {
          id,
          acknowledgedBy: user.id,
          acknowledgedByName: user.displayName,
          acknowledgedAt: updated.rows[0].acknowledged_at.toISOString(),
        };
      });
    },
  );
}
