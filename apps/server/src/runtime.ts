/**
 * Starting the parts the app needs: the database (external or embedded), migrations, the field-encryption key.
 * Shared by main.ts and the CLI commands (migrate, audit:verify).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config';
import { startEmbeddedDatabase } from './db/embedded';
import { migrate } from './db/migrate';
import { createPool, type Pool } from './db/pool';
import { createFieldCrypto, type FieldCrypto, newMasterKey, parseMasterKey } from './lib/crypto';

export interface Runtime {
  pool: Pool;
  fieldCrypto: FieldCrypto;
  embedded: boolean;
  appliedMigrations: string[];
  stop(): Promise<void>;
}

export function loadFieldKey(config: Config, log: (m: string) => void): FieldCrypto {
  if (config.encryptionKey) return createFieldCrypto(parseMasterKey(config.encryptionKey));
  const dir = join(config.dataDir, 'keys');
  const file = join(dir, 'field.key');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, newMasterKey(), { mode: 0o600 });
    log(`generated the field-encryption key in ${file}; back it up, or set LIFELINE_ENCRYPTION_KEY`);
  }
  chmodSync(file, 0o600);
  return createFieldCrypto(parseMasterKey(readFileSync(file, 'utf8')));
}

export async function startRuntime(
  config: Config,
  log: (m: string) => void,
  options = { migrate: true },
): Promise<Runtime> {
  let url = config.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    const db = await startEmbeddedDatabase(config.dataDir, log);
    url = db.url;
    stopEmbedded = db.stop;
  }
  const pool = createPool(url);
  try {
    const applied = options.migrate ? await migrate(pool) : [];
    if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
    return {
      pool,
      fieldCrypto: loadFieldKey(config, log),
      embedded: stopEmbedded !== undefined,
      appliedMigrations: applied,
      async stop() {
        await pool.end().catch(() => {});
        if (stopEmbedded) await stopEmbedded();
      },
    };
  } catch (err) {
    await pool.end().catch(() => {});
    if (stopEmbedded) await stopEmbedded().catch(() => {});
    throw err;
  }
}
