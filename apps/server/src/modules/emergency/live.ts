/**
 * Live events of the emergency boards over modules/live (WebSocket /ws, PostgreSQL NOTIFY). Events carry ids
 * and a short fact; screens refetch the board or case. Published inside the write's transaction, they go out
 * only when it commits. Screens keep polling as a fallback when the socket is down.
 */
import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../../db/pool';
import { publish } from '../live';

/** Topic of an organisation's emergency boards (all centers). */
export const emergencyBoardTopic = (organizationId: string) => `emergency.board:${organizationId}`;
/** Topic telling users of an organisation that they have new in-app notifications (payload lists user ids). */
export const notificationsTopic = (organizationId: string) => `notifications:${organizationId}`;

export type BoardEvent =
  | 'case.started'
  | 'case.updated'
  | 'node.recorded'
  | 'node.edited'
  | 'node.deleted'
  | 'team.activated'
  | 'team.acknowledged'
  | 'team.arrived'
  | 'team.escalated';

/** The organisations that see a case: its hospital, and the ambulance station while it is prehospital. */
export interface CaseOrgs {
  organization_id: string;
  prehospital_organization_id?: string | null;
}

export async function publishBoard(
  app: FastifyInstance,
  to: string | CaseOrgs,
  event: BoardEvent,
  facts: {
    caseId: string;
    center?: string;
    code?: string;
    team?: string;
    level?: number;
    /** node.recorded: the recorded node, for boards to show before they refetch. */
    node?: {
      id: string;
      code: string;
      instance: string | null;
      at: string | null;
      window: { from: string; to: string } | null;
      source: string;
    };
  },
  client?: Queryable,
): Promise<void> {
  const orgs =
    typeof to === 'string'
      ? [to]
      : [to.organization_id, to.prehospital_organization_id].filter((o): o is string => !!o);
  for (const org of orgs) await publish(app, emergencyBoardTopic(org), { event, ...facts }, client);
}
