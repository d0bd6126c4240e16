/** What the app hands to every module: database, field crypto, configuration, and the request's user. */
import type { Permission } from '@lifeline/shared';
import type { BlobStore } from '../blob';
import type { Config } from '../config';
import type { Pool } from '../db/pool';
import type { FieldCrypto } from '../lib/crypto';
import type { AuditActor, AuditEvent } from './audit';

export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  organizationId: string;
  organizationName: string;
  timeZone: string;
  departmentId: string | null;
  roles: string[];
  permissions: Set<Permission>;
  via: 'session' | 'token';
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Pool;
    fieldCrypto: FieldCrypto;
    config: Config;
    blobs: BlobStore;
  }
  interface FastifyRequest {
    user: AuthUser | null;
    /** Appends an audit entry for this request's user and client address. */
    audit(event: AuditEvent, client?: import('../db/pool').PoolClient): Promise<void>;
    actor(): AuditActor | null;
  }
  interface FastifyContextConfig {
    /** The permission the route requires; every /api route declares one or `public: true`. */
    permission?: Permission;
    /** Any logged-in user may call it. */
    authenticated?: boolean;
    public?: boolean;
  }
}

/** The user of a route that declared a permission (the auth hook guarantees it is set). */
export function requireUser(user: AuthUser | null): AuthUser {
  if (!user) throw new Error('route declared no permission but needs a user');
  return user;
}
