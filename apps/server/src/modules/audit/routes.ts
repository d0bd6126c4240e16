import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { verifyAuditChain } from '../../plugins/audit';
import { requireUser } from '../../plugins/context';
import { NETWORK_CTE } from '../organizations';

const AuditQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  username: Type.Optional(Type.String({ maxLength: 64 })),
  action: Type.Optional(Type.String({ maxLength: 64 })),
  patientId: Type.Optional(Type.String({ format: 'uuid' })),
  outcome: Type.Optional(
    Type.Union([Type.Literal('success'), Type.Literal('denied'), Type.Literal('failure')]),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

export async function auditRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/audit',
    { config: { permission: 'audit.read' }, schema: { tags: ['audit'], querystring: AuditQuery } },
    async (request) => {
      const user = requireUser(request.user);
      const q = request.query as Record<string, string | number | undefined>;
      // Entries of the admin's network, plus failed logins of unknown users (no organisation) which admins must see.
      const where = ['(a.organization_id IN (SELECT id FROM network) OR a.organization_id IS NULL)'];
      const params: unknown[] = [user.organizationId];
      const add = (cond: string, v: unknown) => {
        params.push(v);
        where.push(cond.replace('?', `$${params.length}`));
      };
      if (q.from) add('a.at >= ?', q.from);
      if (q.to) add('a.at < ?', q.to);
      if (q.username) add('a.username = ?', q.username);
      if (q.action) add('a.action LIKE ?', `${String(q.action).replace(/[%_\\]/g, '\\$&')}%`);
      if (q.patientId) add('a.patient_id = ?', q.patientId);
      if (q.outcome) add('a.outcome = ?', q.outcome);
      const { rows } = await app.db.query(
        `${NETWORK_CTE} SELECT a.seq, a.at, a.user_id, a.username, a.role, a.organization_id, a.action, a.resource_type,
           a.resource_id, a.patient_id, a.client_ip, a.outcome, a.detail, count(*) OVER () AS total
         FROM audit_log a WHERE ${where.join(' AND ')} ORDER BY a.seq DESC LIMIT ${Number(q.limit ?? 50)} OFFSET ${Number(q.offset ?? 0)}`,
        params,
      );
      await request.audit({ action: 'audit.read', detail: { filters: { ...q } } });
      return {
        total: rows[0]?.total ?? 0,
        items: rows.map((r) => ({
          seq: r.seq,
          at: r.at.toISOString(),
          userId: r.user_id,
          username: r.username,
          role: r.role,
          organizationId: r.organization_id,
          action: r.action,
          resourceType: r.resource_type,
          resourceId: r.resource_id,
          patientId: r.patient_id,
          clientIp: r.client_ip,
          outcome: r.outcome,
          detail: r.detail,
        })),
      };
    },
  );

  app.get(
    '/api/audit/verify',
    { config: { permission: 'audit.verify' }, schema: { tags: ['audit'] } },
    async (request) => {
      const result = await verifyAuditChain(app.db);
      await request.audit({
        action: 'audit.verify',
        outcome: 'success',
        detail: { ok: result.ok, checked: result.checked },
      });
      return result;
    },
  );
}
