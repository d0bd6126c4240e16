/**
 * Interfaces act through the same services as people do (patients, orders), so every write an HL7 message makes
 * is validated and audited the same way. The actor is the interface's own system user; the services read the
 * user and the audit function from a request, so a message gets a small request-shaped object of its own.
 */
import { PERMISSIONS, type Permission } from '@lifeline/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { appendAudit } from '../../plugins/audit';
import type { AuthUser } from '../../plugins/context';

export interface SystemActor {
  userId: string;
  username: string;
  displayName: string;
  organizationId: string;
  organizationName: string;
  timeZone: string;
}

export const SYSTEM_ROLE = 'hl7-interface';

/** Permissions an interface needs to apply what it sends (never the admin ones). */
const INTERFACE_PERMISSIONS: Permission[] = (Object.keys(PERMISSIONS) as Permission[]).filter(
  (p) => p.startsWith('patient.') || p.startsWith('order.'),
);

export function systemRequest(
  app: FastifyInstance,
  actor: SystemActor,
  context: { messageId?: string; remoteAddress?: string } = {},
): FastifyRequest {
  const user: AuthUser = {
    id: actor.userId,
    username: actor.username,
    displayName: actor.displayName,
    organizationId: actor.organizationId,
    organizationName: actor.organizationName,
    timeZone: actor.timeZone,
    departmentId: null,
    roles: [SYSTEM_ROLE],
    permissions: new Set(INTERFACE_PERMISSIONS),
    via: 'token',
  };
  const auditActor = {
    userId: actor.userId,
    username: actor.username,
    role: SYSTEM_ROLE,
    organizationId: actor.organizationId,
  };
  const request = {
    user,
    ip: context.remoteAddress ?? '',
    actor: () => auditActor,
    async audit(event, client) {
      const detail = {
        ...(event.detail ?? {}),
        via: 'hl7',
        ...(context.messageId && { messageId: context.messageId }),
      };
      await appendAudit(
        client ?? app.db,
        auditActor,
        context.remoteAddress ?? null,
        { ...event, detail },
        client !== undefined,
      );
    },
  } satisfies Partial<FastifyRequest>;
  return request as unknown as FastifyRequest;
}
