import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { ConfigError, loadConfig } from '../src/config';
import { migrate } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import { loggerOptions, scrub } from '../src/lib/logging';
import { createTestDatabase, dropTestDatabase, urlFor } from './helpers';

describe('configuration', () => {
  test('bad values stop the start with a message naming the variable', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty' }),
      (e: unknown) => e instanceof ConfigError && /^PORT="eighty"/.test(e.message),
    );
    assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL: expected a postgres/);
    assert.throws(() => loadConfig({ LIFELINE_TIME_ZONE: 'Mars/Olympus' }), /LIFELINE_TIME_ZONE/);
    assert.throws(() => loadConfig({ DEMO_DATA: 'maybe' }), /DEMO_DATA="maybe": expected on\/off/);
    assert.throws(() => loadConfig({ DEMO_PASSWORD: 'short' }), /DEMO_PASSWORD/);
    assert.throws(() => loadConfig({ MLLP_PORT: '70000' }), /MLLP_PORT="70000": expected a whole number/);
    assert.throws(() => loadConfig({ REGISTRY_RETRY_LIMIT: '-1' }), /REGISTRY_RETRY_LIMIT="-1"/);
    assert.throws(() => loadConfig({ REGISTRY_RETRY_DELAY: '30s' }), /REGISTRY_RETRY_DELAY="30s"/);
    assert.throws(() => loadConfig({ EMERGENCY_SWEEP_MS: 'fast' }), /EMERGENCY_SWEEP_MS="fast"/);
    assert.throws(() => loadConfig({ LIFELINE_CRITICAL_SWEEP_SECONDS: '1.5' }), /LIFELINE_CRITICAL_SWEEP/);
    assert.throws(() => loadConfig({ ANALYSIS_THREADS: 'all' }), /ANALYSIS_THREADS="all"/);
    assert.throws(() => loadConfig({ LIFELINE_PUBLIC_URL: 'ecg.example' }), /LIFELINE_PUBLIC_URL/);
    const off = loadConfig({ MLLP_PORT: 'off', REGISTRY_RETRY_LIMIT: '3', REGISTRY_RETRY_DELAY: '5' });
    assert.equal(off.mllpPort, null);
    assert.equal(off.registryRetryLimit, 3);
    assert.equal(off.registryRetryDelaySeconds, 5);
  });
  test('defaults: port 3000, embedded database with demo data, Asia/Shanghai', () => {
    const c = loadConfig({});
    assert.equal(c.port, 3000);
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.demoData, true);
    assert.equal(c.defaultTimeZone, 'Asia/Shanghai');
    assert.equal(c.mllpPort, 2575);
    assert.equal(c.registryRetryLimit, 8);
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://h/db' }).demoData, false);
  });
});

describe('migrations', () => {
  let db: string;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => dropTestDatabase(db));

  test('a failing migration leaves the schema as it was and is not recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-mig-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '0001_ok.sql'), 'CREATE TABLE mig_a (id int);');
    writeFileSync(join(dir, '0002_bad.sql'), 'CREATE TABLE mig_b (id int); SELECT no_such_function();');
    const pool = createPool(urlFor(db), 2);
    try {
      await pool.query('DROP TABLE schema_migrations');
      await assert.rejects(migrate(pool, dir), /migration 0002_bad failed and was rolled back/);
      const tables = await pool.query(
        `SELECT tablename FROM pg_tables WHERE tablename LIKE 'mig_%' ORDER BY 1`,
      );
      assert.deepEqual(
        tables.rows.map((r) => r.tablename),
        ['mig_a'],
      );
      const recorded = await pool.query('SELECT version FROM schema_migrations ORDER BY 1');
      assert.deepEqual(
        recorded.rows.map((r) => r.version),
        ['0001_ok'],
      );
      // Applying again is harmless for what succeeded.
      writeFileSync(join(dir, '0002_bad.sql'), 'CREATE TABLE mig_b (id int);');
      assert.deepEqual(await migrate(pool, dir), ['0002_bad']);
      // A changed, already-applied migration is refused.
      writeFileSync(join(dir, '0001_ok.sql'), 'CREATE TABLE mig_a (id bigint);');
      await assert.rejects(migrate(pool, dir), /was changed after it was applied/);
    } finally {
      await pool.end();
    }
  });
});

describe('logs', () => {
  test('request logs carry method, path and status, never query strings, names or ID numbers', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const opts = loggerOptions('info') as object;
    const app = Fastify({ logger: { ...opts, stream } });
    app.get('/api/patients', async () => ({ ok: true }));
    await app.inject({ method: 'GET', url: '/api/patients?q=%E5%BC%A0%E4%B8%89&id=420302195803071234' });
    app.log.info('looked up 420302195803071234 for 13800138000');
    await app.close();
    const text = lines.join('');
    assert.match(text, /"path":"\/api\/patients"/);
    assert.doesNotMatch(text, /420302195803071234|13800138000|张三|%E5%BC%A0/);
    assert.equal(scrub('id 110105194912310021'), 'id 110***21');
  });
});
