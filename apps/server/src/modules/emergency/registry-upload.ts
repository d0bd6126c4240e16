/**
 * Upload of cases to the national registries (chest pain center platform, 脑防委 stroke platform, trauma data
 * platform). A data manager (emergency.qc) signs a case off: the case is mapped to the registry's field set
 * (@lifeline/emergency buildRegistryRecord), refused with every missing or uncoded field named, else stored as an
 * upload (a snapshot of the record) and sent by a pg-boss job to the organisation's configured endpoint. The job
 * retries network errors and 5xx answers with back-off; a 4xx answer is a rejection (kept with the registry's
 * message, not retried); a 2xx answer is acceptance and the registry's case id is kept. Status per case.
 */
import { buildRegistryRecord, mappingForCenter, REGISTRY_MAPPINGS } from '@lifeline/emergency';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import PgBoss from 'pg-boss';
import { inTransaction, type Queryable } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { appendAudit } from '../../plugins/audit';
import { requireUser } from '../../plugins/context';
import { caseInOrg, nodesOf, toPathwayCase } from './repo';

export const REGISTRY_QUEUE = 'emergency.registry-upload';

interface UploadRow {
  id: string;
  organization_id: string;
  case_id: string;
  registry: string;
  status: string;
  payload: Record<string, unknown>;
  attempts: number;
  last_error: string | null;
  last_status_code: number | null;
  response: unknown;
  registry_case_id: string | null;
  created_at: Date;
  updated_at: Date;
  accepted_at: Date | null;
  signed_off_by_name?: string | null;
  wristband?: string;
  center?: string;
}

export function uploadOut(u: UploadRow) {
  return {
    id: u.id,
    caseId: u.case_id,
    registry: u.registry,
    status: u.status,
    attempts: u.attempts,
    lastError: u.last_error,
    lastStatusCode: u.last_status_code,
    registryCaseId: u.registry_case_id,
    signedOffBy: u.signed_off_by_name ?? null,
    createdAt: u.created_at.toISOString(),
    updatedAt: u.updated_at.toISOString(),
    acceptedAt: u.accepted_at?.toISOString() ?? null,
    ...(u.wristband ? { wristband: u.wristband, center: u.center } : {}),
  };
}

async function orgTimeZone(db: Queryable, orgId: string): Promise<string> {
  const { rows } = await db.query<{ time_zone: string }>(
    'SELECT time_zone FROM organizations WHERE id = $1',
    [orgId],
  );
  return rows[0]?.time_zone ?? 'Asia/Shanghai';
}

/** The registry record of a case with its problems (what the registry tab shows before sign-off). */
async function recordOf(db: Queryable, orgId: string, caseId: string) {
  const c = await caseInOrg(db, orgId, caseId);
  if (!c) throw AppError.notFound('emergency case');
  const nodes = (await nodesOf(db, [caseId])).get(caseId) ?? [];
  const mapping = mappingForCenter(c.center);
  const built = buildRegistryRecord(toPathwayCase(c, nodes), mapping, {
    timeZone: await orgTimeZone(db, c.organization_id),
  });
  return { c, mapping, ...built };
}

const UPLOAD_SELECT = `SELECT u.*, s.display_name AS signed_off_by_name FROM emergency_registry_uploads u
  LEFT JOIN users s ON s.id = u.signed_off_by`;

export async function caseRegistry(app: FastifyInstance, request: FastifyRequest, caseId: string) {
  const user = requireUser(request.user);
  const { c, mapping, record, problems } = await recordOf(app.db, user.organizationId, caseId);
  const uploads = await app.db.query<UploadRow>(
    `${UPLOAD_SELECT} WHERE u.case_id = $1 AND u.organization_id = $2 ORDER BY u.created_at DESC`,
    [caseId, c.organization_id],
  );
  const endpoint = await app.db.query(
    'SELECT 1 FROM emergency_registry_endpoints WHERE organization_id = $1 AND registry = $2 AND enabled',
    [c.organization_id, mapping.registry],
  );
  await request.audit({
    action: 'emergency.registry.read',
    resourceType: 'emergency-case',
    resourceId: caseId,
    patientId: c.patient_id,
  });
  return {
    registry: mapping.registry,
    mappingVersion: mapping.version,
    endpointConfigured: endpoint.rows.length > 0,
    record,
    problems,
    uploads: uploads.rows.map(uploadOut),
  };
}

/** Sign-off and upload of one case: 400 naming every missing field, else queued for the job. */
export async function requestUpload(app: FastifyInstance, request: FastifyRequest, caseId: string) {
  const user = requireUser(request.user);
  const upload = await inTransaction(app.db, async (client) => {
    const locked = await caseInOrg(client, user.organizationId, caseId, true);
    if (!locked || locked.organization_id !== user.organizationId) throw AppError.notFound('emergency case');
    const { c, mapping, record, problems } = await recordOf(client, user.organizationId, caseId);
    if (problems.length)
      throw AppError.invalidFields(
        problems.map((p) => ({ field: p.field, reason: `${p.reason} (${p.reasonZh})` })),
      );
    const endpoint = await client.query(
      'SELECT 1 FROM emergency_registry_endpoints WHERE organization_id = $1 AND registry = $2 AND enabled',
      [c.organization_id, mapping.registry],
    );
    if (!endpoint.rows.length)
      throw AppError.invalid('registry', `no enabled endpoint is configured for ${mapping.registry}`);
    const open = await client.query(
      `SELECT 1 FROM emergency_registry_uploads WHERE case_id = $1 AND registry = $2
         AND status IN ('queued', 'sending', 'retrying')`,
      [caseId, mapping.registry],
    );
    if (open.rows.length) throw AppError.conflict('an upload of this case is already under way');
    const payload = {
      registry: mapping.registry,
      mappingVersion: mapping.version,
      localCaseId: caseId,
      record,
    };
    const { rows } = await client.query<UploadRow>(
      `INSERT INTO emergency_registry_uploads (organization_id, case_id, registry, payload, signed_off_by)
       VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [c.organization_id, caseId, mapping.registry, payload, user.id],
    );
    await request.audit(
      {
        action: 'emergency.registry.upload',
        resourceType: 'emergency-case',
        resourceId: caseId,
        patientId: c.patient_id,
        detail: { uploadId: rows[0].id, registry: mapping.registry },
      },
      client,
    );
    return rows[0];
  });
  await app.registryUploads?.enqueue(upload.id);
  return uploadOut(upload);
}

/** A failed or rejected upload is sent again (after the data manager fixed what the registry refused). */
export async function retryUpload(app: FastifyInstance, request: FastifyRequest, uploadId: string) {
  const user = requireUser(request.user);
  const { rows } = await app.db.query<UploadRow>(
    `UPDATE emergency_registry_uploads SET status = 'queued', updated_at = now()
     WHERE id = $1 AND organization_id = $2 AND status IN ('failed', 'rejected') RETURNING *`,
    [uploadId, user.organizationId],
  );
  if (!rows[0]) {
    const exists = await app.db.query(
      'SELECT status FROM emergency_registry_uploads WHERE id = $1 AND organization_id = $2',
      [uploadId, user.organizationId],
    );
    if (!exists.rows[0]) throw AppError.notFound('registry upload');
    throw AppError.conflict(
      `upload is ${exists.rows[0].status}; only failed or rejected uploads are retried`,
    );
  }
  await request.audit({
    action: 'emergency.registry.retry',
    resourceType: 'emergency-case',
    resourceId: rows[0].case_id,
    detail: { uploadId },
  });
  await app.registryUploads?.enqueue(uploadId);
  return uploadOut(rows[0]);
}

export async function listUploads(
  app: FastifyInstance,
  request: FastifyRequest,
  q: { status?: string; registry?: string; limit?: number },
) {
  const user = requireUser(request.user);
  const { rows } = await app.db.query<UploadRow>(
    `SELECT u.*, s.display_name AS signed_off_by_name, c.wristband, c.center FROM emergency_registry_uploads u
     JOIN emergency_cases c ON c.id = u.case_id LEFT JOIN users s ON s.id = u.signed_off_by
     WHERE u.organization_id = $1 AND ($2::text IS NULL OR u.status = $2) AND ($3::text IS NULL OR u.registry = $3)
     ORDER BY u.created_at DESC LIMIT $4`,
    [user.organizationId, q.status ?? null, q.registry ?? null, q.limit ?? 100],
  );
  return { items: rows.map(uploadOut) };
}

export async function listEndpoints(app: FastifyInstance, request: FastifyRequest) {
  const user = requireUser(request.user);
  const { rows } = await app.db.query<{
    registry: string;
    url: string;
    headers: Record<string, string>;
    hospital_code: string | null;
    timeout_ms: number;
    enabled: boolean;
    updated_at: Date;
  }>('SELECT * FROM emergency_registry_endpoints WHERE organization_id = $1 ORDER BY registry', [
    user.organizationId,
  ]);
  return {
    registries: Object.values(REGISTRY_MAPPINGS).map((m) => ({ registry: m.registry, center: m.center })),
    items: rows.map((r) => ({
      registry: r.registry,
      url: r.url,
      // Header values are credentials (tokens): only their names are shown.
      headerNames: Object.keys(r.headers),
      hospitalCode: r.hospital_code,
      timeoutMs: r.timeout_ms,
      enabled: r.enabled,
      updatedAt: r.updated_at.toISOString(),
    })),
  };
}

export async function saveEndpoint(
  app: FastifyInstance,
  request: FastifyRequest,
  registry: string,
  body: {
    url: string;
    headers?: Record<string, string>;
    hospitalCode?: string;
    timeoutMs?: number;
    enabled?: boolean;
  },
) {
  const user = requireUser(request.user);
  if (!REGISTRY_MAPPINGS[registry])
    throw AppError.invalid(
      'registry',
      `unknown registry; one of ${Object.keys(REGISTRY_MAPPINGS).join(', ')}`,
    );
  let url: URL;
  try {
    url = new URL(body.url);
  } catch {
    throw AppError.invalid('url', 'not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw AppError.invalid('url', 'must be http(s)');
  await app.db.query(
    `INSERT INTO emergency_registry_endpoints (organization_id, registry, url, headers, hospital_code, timeout_ms, enabled, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (organization_id, registry) DO UPDATE SET url = $3, headers = $4, hospital_code = $5,
       timeout_ms = $6, enabled = $7, updated_by = $8, updated_at = now()`,
    [
      user.organizationId,
      registry,
      url.toString(),
      body.headers ?? {},
      body.hospitalCode ?? null,
      body.timeoutMs ?? 10000,
      body.enabled ?? true,
      user.id,
    ],
  );
  await request.audit({
    action: 'emergency.registry.endpoint',
    resourceType: 'registry-endpoint',
    resourceId: registry,
  });
  return listEndpoints(app, request);
}

/** Thrown for answers worth retrying (network, timeout, 5xx); anything else settles the upload. */
class RetryableUploadError extends Error {}

/**
 * One attempt of one upload. Returns the final status, or throws RetryableUploadError (status 'retrying', or
 * 'failed' when this was the last attempt) so pg-boss retries it.
 */
export async function attemptUpload(
  app: FastifyInstance,
  uploadId: string,
  lastAttempt: boolean,
): Promise<string> {
  const claim = await app.db.query<UploadRow>(
    `UPDATE emergency_registry_uploads SET status = 'sending', attempts = attempts + 1, updated_at = now()
     WHERE id = $1 AND (status IN ('queued', 'retrying')
       OR (status = 'sending' AND updated_at < now() - interval '5 minutes')) RETURNING *`,
    [uploadId],
  );
  const u = claim.rows[0];
  if (!u) return 'skipped'; // settled already, or another worker has it
  const ep = await app.db.query<{
    url: string;
    headers: Record<string, string>;
    hospital_code: string | null;
    timeout_ms: number;
    enabled: boolean;
  }>('SELECT * FROM emergency_registry_endpoints WHERE organization_id = $1 AND registry = $2', [
    u.organization_id,
    u.registry,
  ]);
  const endpoint = ep.rows[0];
  let status: string;
  let error: string | null = null;
  let code: number | null = null;
  let response: unknown = null;
  let registryCaseId: string | null = null;
  if (!endpoint?.enabled) {
    status = lastAttempt ? 'failed' : 'retrying';
    error = 'no enabled endpoint';
  } else {
    try {
      const res = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          ...endpoint.headers,
          'content-type': 'application/json',
          'idempotency-key': u.id,
        },
        body: JSON.stringify({ ...u.payload, hospitalCode: endpoint.hospital_code, uploadId: u.id }),
        signal: AbortSignal.timeout(endpoint.timeout_ms),
      });
      code = res.status;
      const text = await res.text();
      try {
        response = text ? JSON.parse(text) : null;
      } catch {
        response = { text: text.slice(0, 2000) };
      }
      if (res.ok) {
        const r = (response ?? {}) as Record<string, unknown>;
        const data = (r.data ?? {}) as Record<string, unknown>;
        const id = r.caseId ?? r.registryCaseId ?? r.id ?? data.caseId ?? data.id;
        registryCaseId = id === undefined || id === null ? null : String(id);
        status = 'accepted';
      } else if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        status = 'rejected';
        error = `registry refused the case (HTTP ${res.status})`;
      } else {
        status = lastAttempt ? 'failed' : 'retrying';
        error = `HTTP ${res.status}`;
      }
    } catch (err) {
      status = lastAttempt ? 'failed' : 'retrying';
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
  }
  await inTransaction(app.db, async (client) => {
    await client.query(
      `UPDATE emergency_registry_uploads SET status = $2, last_error = $3, last_status_code = $4, response = $5,
         registry_case_id = coalesce($6, registry_case_id), updated_at = now(),
         accepted_at = CASE WHEN $2 = 'accepted' THEN now() ELSE accepted_at END
       WHERE id = $1`,
      [u.id, status, error, code, response === null ? null : JSON.stringify(response), registryCaseId],
    );
    if (status !== 'retrying')
      await appendAudit(
        client,
        null,
        null,
        {
          action: `emergency.registry.${status}`,
          resourceType: 'emergency-case',
          resourceId: u.case_id,
          outcome: status === 'accepted' ? 'success' : 'failure',
          detail: { uploadId: u.id, registry: u.registry, attempts: u.attempts, registryCaseId, error },
        },
        true,
      );
  });
  if (status === 'retrying') throw new RetryableUploadError(error ?? 'retry');
  return status;
}

export interface RegistryUploadRunner {
  enqueue(uploadId: string): Promise<void>;
  stop(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by startRegistryUploads(); while null, uploads wait as 'queued' and are enqueued at the next start. */
    registryUploads?: RegistryUploadRunner | null;
  }
}

export interface RegistryUploadOptions {
  /** Attempts after the first (default REGISTRY_RETRY_LIMIT or 8). */
  retryLimit?: number;
  /** Seconds before the first retry, doubled each time (default REGISTRY_RETRY_DELAY or 30). */
  retryDelaySeconds?: number;
  pollingIntervalSeconds?: number;
}

/** Starts the upload queue and worker; uploads left queued (e.g. while no worker ran) are enqueued at once. */
export async function startRegistryUploads(
  app: FastifyInstance,
  options: RegistryUploadOptions = {},
): Promise<RegistryUploadRunner> {
  const retryLimit = options.retryLimit ?? app.config.registryRetryLimit;
  const retryDelay = options.retryDelaySeconds ?? app.config.registryRetryDelaySeconds;
  const boss = new PgBoss({
    db: { executeSql: (text, values) => app.db.query(text, values) },
    schema: 'pgboss',
    schedule: false,
  });
  boss.on('error', (err) => app.log.error({ err }, 'registry upload queue error'));
  await boss.start();
  await boss.createQueue(REGISTRY_QUEUE, {
    name: REGISTRY_QUEUE,
    retryLimit,
    retryDelay,
    retryBackoff: true,
    expireInSeconds: 5 * 60,
  });
  const workerId = await boss.work<{ uploadId: string }>(
    REGISTRY_QUEUE,
    { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2, batchSize: 1, includeMetadata: true },
    async (jobs) => {
      for (const job of jobs) await attemptUpload(app, job.data.uploadId, job.retryCount >= job.retryLimit);
    },
  );
  const enqueue = async (uploadId: string) => {
    await boss.send(REGISTRY_QUEUE, { uploadId });
    boss.notifyWorker(workerId);
  };
  const waiting = await app.db.query<{ id: string }>(
    `SELECT id FROM emergency_registry_uploads WHERE status = 'queued' ORDER BY created_at LIMIT 1000`,
  );
  for (const r of waiting.rows) await enqueue(r.id);
  const runner: RegistryUploadRunner = {
    enqueue,
    async stop() {
      if (app.registryUploads === runner) app.registryUploads = null;
      await boss.stop({ graceful: true, wait: true, timeout: 10_000, close: false });
    },
  };
  app.registryUploads = runner;
  return runner;
}
