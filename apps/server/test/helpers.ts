/**
 * Integration-test harness: each test file gets its own database, cloned from a template that is migrated and
 * seeded once per schema version, on the PostgreSQL the runner provides (LIFELINE_TEST_DATABASE_URL: the
 * external server of DATABASE_URL, or an embedded one started by scripts/test.mjs).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { build } from '../src/app';
import { type Config, loadConfig } from '../src/config';
import { migrate, migrationsFingerprint } from '../src/db/migrate';
import { createPool, type Pool } from '../src/db/pool';
import { createFieldCrypto, type FieldCrypto } from '../src/lib/crypto';
import { ensureDemoData } from '../src/seed/demo';

export const TEST_PASSWORD = 'Test-Pass-2026!';
const TEST_KEY = 'a'.repeat(64);

export function adminUrl(): string {
  const url = process.env.LIFELINE_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('run tests with `npm test` (it provides LIFELINE_TEST_DATABASE_URL)');
  return url;
}

export function urlFor(database: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${database}`;
  return u.toString();
}

function seedFingerprint(): string {
  const h = createHash('sha256').update(migrationsFingerprint());
  for (const f of [
    '../src/seed/demo.ts',
    '../src/seed/people.ts',
    '../src/seed/bulk-patients.ts',
    '../src/lib/identity.ts',
  ]) {
    h.update(readFileSync(new URL(f, import.meta.url)));
  }
  return h.digest('hex').slice(0, 12);
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ LOG_LEVEL: 'silent' }),
    demoPassword: TEST_PASSWORD,
    encryptionKey: TEST_KEY,
    // A cheap argon2 cost keeps tests fast; the benchmark measures the production cost.
    argon2MemoryKiB: 1024,
    argon2Iterations: 1,
    webDist: '/nonexistent',
    ...overrides,
  };
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates (once) the migrated and seeded template, then a fresh database cloned from it. */
export async function createTestDatabase(): Promise<string> {
  const template = `lifeline_tpl_${seedFingerprint()}`;
  const name = `lifeline_t_${randomBytes(6).toString('hex')}`;
  await withAdmin(async (admin) => {
    await admin.query('SELECT pg_advisory_lock(7317999)');
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (!exists.rowCount) {
        await admin.query(`CREATE DATABASE ${template}_tmp`).catch(async () => {
          await admin.query(`DROP DATABASE IF EXISTS ${template}_tmp WITH (FORCE)`);
          await admin.query(`CREATE DATABASE ${template}_tmp`);
        });
        const pool = createPool(urlFor(`${template}_tmp`), 2);
        try {
          await migrate(pool);
          await ensureDemoData(pool, createFieldCrypto(Buffer.from(TEST_KEY, 'hex')), testConfig(), 120);
        } finally {
          await pool.end();
        }
        // Renamed only when complete, so a crash never leaves a half-seeded template behind.
        await admin.query(`ALTER DATABASE ${template}_tmp RENAME TO ${template}`);
      }
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock(7317999)');
    }
  });
  return name;
}

export async function dropTestDatabase(name: string): Promise<void> {
  await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export interface TestContext {
  app: FastifyInstance;
  pool: Pool;
  fieldCrypto: FieldCrypto;
  database: string;
  url: string;
  /** Temporary data folder (blobs) of this context, removed by close() unless given in the overrides. */
  dataDir: string;
  /** Logs in a demo user and returns the session cookie header. */
  login(username: string, password?: string): Promise<string>;
  request(method: string, url: string, cookie?: string, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function createTestContext(configOverrides: Partial<Config> = {}): Promise<TestContext> {
  const database = await createTestDatabase();
  const url = urlFor(database);
  const pool = createPool(url, 4);
  const fieldCrypto = createFieldCrypto(Buffer.from(TEST_KEY, 'hex'));
  const ownDataDir = configOverrides.dataDir === undefined;
  const dataDir = configOverrides.dataDir ?? mkdtempSync(join(tmpdir(), 'lifeline-test-data-'));
  const config = testConfig({ ...configOverrides, dataDir });
  const app = await build({ config, db: pool, fieldCrypto, logger: false });
  await app.ready();
  const request = (method: string, path: string, cookie?: string, body?: unknown) =>
    app.inject({
      method: method as 'GET',
      url: path,
      headers: cookie ? { cookie } : {},
      ...(body !== undefined ? { payload: body as object } : {}),
    });
  return {
    app,
    pool,
    fieldCrypto,
    database,
    url,
    dataDir,
    request,
    async login(username, password = TEST_PASSWORD) {
      const res = await request('POST', '/api/auth/login', undefined, { username, password });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      const c = res.cookies.find((x) => x.name === 'lifeline_session');
      if (!c) throw new Error('no session cookie');
      return `lifeline_session=${c.value}`;
    },
    async close() {
      await app.close();
      await pool.end();
      await dropTestDatabase(database);
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
