/**
 * Drop folders: a cart (or its vendor gateway) writes ECG files into a folder configured on its device. Settled
 * files are ingested; what was stored moves to done/<date>/, what was refused moves to quarantine/ with a
 * <name>.reason file a technician can read. A crash between storing and moving only means the next scan stores
 * the same content again, which is answered as a duplicate and then moved: nothing is lost or doubled.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type DeviceRow, devicesWithDropFolders } from '../devices';
import { ingestEcgFiles } from '../ecg';

const SETTLE_MS = 1500;
const MAX_BATCH = 50;

export interface ScanResult {
  stored: string[];
  quarantined: string[];
}

function moveInto(folder: string, sub: string, name: string): void {
  const target = join(folder, sub);
  mkdirSync(target, { recursive: true });
  try {
    renameSync(join(folder, name), join(target, name));
  } catch (err) {
    // Another server process moved it first.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** One pass over one device's folder. */
export async function scanFolder(
  app: FastifyInstance,
  device: DeviceRow,
  now = Date.now(),
): Promise<ScanResult> {
  const folder = device.drop_folder as string;
  const result: ScanResult = { stored: [], quarantined: [] };
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (err) {
    app.log.warn(
      { device: device.id, code: (err as NodeJS.ErrnoException).code },
      'drop folder not readable',
    );
    return result;
  }
  const settled = names
    .filter((n) => !n.startsWith('.') && !n.endsWith('.tmp') && !n.endsWith('.part'))
    .filter((n) => {
      try {
        const s = statSync(join(folder, n));
        return s.isFile() && now - s.mtimeMs >= SETTLE_MS;
      } catch {
        return false;
      }
    })
    .sort();
  // Take at most MAX_BATCH files, but never split a record's files (WFDB .hea/.dat/.mat, ISHNE .ecg/.ann) across
  // two passes: a header alone would be quarantined. Sorted names keep files of one stem next to each other.
  const stemOf = (n: string) => n.replace(/\.[^.]*$/, '').toLowerCase();
  let cut = Math.min(settled.length, MAX_BATCH);
  while (cut < settled.length && cut > 0 && stemOf(settled[cut]) === stemOf(settled[cut - 1])) cut++;
  settled.length = cut;
  if (settled.length === 0) return result;
  const files = settled.map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(folder, name))) }));
  const outcomes = await ingestEcgFiles(app, {
    organizationId: device.organization_id,
    files,
    channel: 'folder',
    deviceId: device.id,
    deviceName: device.name,
    actor: {
      userId: null,
      username: `folder:${device.name}`,
      role: 'device',
      organizationId: device.organization_id,
    },
  });
  const day = new Date(now).toISOString().slice(0, 10);
  for (const o of outcomes) {
    if (o.ok) {
      for (const f of o.files) moveInto(folder, join('done', day), f);
      result.stored.push(...o.files);
    } else {
      for (const f of o.files) moveInto(folder, 'quarantine', f);
      writeFileSync(
        join(folder, 'quarantine', `${o.file}.reason`),
        `${new Date(now).toISOString()}\n${o.error}\n`,
      );
      result.quarantined.push(...o.files);
    }
  }
  return result;
}

/** Polls every active device's folder; one process per folder at a time (advisory lock), so several servers may run. */
export function startDropFolders(app: FastifyInstance, intervalMs = 3000): { close(): Promise<void> } {
  let running = false;
  let stopped = false;
  const tick = async () => {
    if (running || stopped) return;
    running = true;
    try {
      for (const device of await devicesWithDropFolders(app.db)) {
        const client = await app.db.connect();
        try {
          const { rows } = await client.query<{ ok: boolean }>(
            `SELECT pg_try_advisory_lock(7317100, hashtext($1)) AS ok`,
            [device.id],
          );
          if (!rows[0].ok) continue;
          try {
            await scanFolder(app, device);
          } finally {
            await client.query(`SELECT pg_advisory_unlock(7317100, hashtext($1))`, [device.id]);
          }
        } finally {
          client.release();
        }
      }
    } catch (err) {
      app.log.error({ err }, 'drop folder scan failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  void tick();
  return {
    async close() {
      stopped = true;
      clearInterval(timer);
      while (running) await new Promise((r) => setTimeout(r, 50));
    },
  };
}
