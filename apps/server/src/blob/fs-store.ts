/**
 * Filesystem blob store: `<root>/ab/cd/<sha256>`. Writes go to a temporary file in the same folder, are fsynced,
 * then renamed into place and the folder fsynced (and, when the write created the folder, its parents), so a crash
 * leaves either the whole blob or none (at worst an orphaned `.tmp-*` file, which is never read as a blob and is
 * removed by the orphan sweep). Uploads streamed to disk are staged in `<root>/.incoming/` and adopted by rename.
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, opendir, readdir, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { BLOB_KEY, BlobNotFoundError, type BlobStore } from './types';

const HEX2 = /^[0-9a-f]{2}$/;
const STAGING = '.incoming';

export class FileBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  pathOf(key: string): string {
    if (!BLOB_KEY.test(key)) throw new Error(`not a blob key: ${key}`);
    return join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(bytes: Uint8Array, knownKey?: string): Promise<string> {
    const key = knownKey ?? createHash('sha256').update(bytes).digest('hex');
    if (!BLOB_KEY.test(key)) throw new Error(`not a blob key: ${key}`);
    if (await this.refresh(key)) return key;
    const dir = await this.folderOf(key);
    const tmp = join(dir, `.tmp-${key}-${randomBytes(6).toString('hex')}`);
    const handle = await open(tmp, 'wx', 0o640);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } catch (err) {
      await handle.close();
      await rm(tmp, { force: true });
      throw err;
    }
    await handle.close();
    await this.moveIntoPlace(tmp, key, dir);
    return key;
  }

  async adopt(path: string, key: string): Promise<string> {
    if (await this.refresh(key)) {
      await rm(path, { force: true });
      return key;
    }
    const handle = await open(path, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.moveIntoPlace(path, key, await this.folderOf(key));
    return key;
  }

  async stagingDir(): Promise<string> {
    const dir = join(this.root, STAGING);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  async get(key: string): Promise<Buffer> {
    const handle = await this.openOrThrow(key);
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  async getRange(key: string, offset: number, length: number): Promise<Buffer> {
    const handle = await this.openOrThrow(key);
    try {
      const buffer = Buffer.alloc(Math.max(0, length));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  async size(key: string): Promise<number> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch {
      throw new BlobNotFoundError(key);
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *scan(): AsyncIterable<{ key?: string; stray?: string; mtimeMs: number }> {
    const entries = async (dir: string) => {
      try {
        return await readdir(dir, { withFileTypes: true });
      } catch {
        return [];
      }
    };
    for (const top of await entries(this.root)) {
      if (top.isDirectory() && top.name === STAGING) {
        for (const f of await entries(join(this.root, STAGING))) {
          const path = join(this.root, STAGING, f.name);
          const s = await stat(path).catch(() => undefined);
          if (s?.isFile()) yield { stray: path, mtimeMs: s.mtimeMs };
        }
        continue;
      }
      if (!top.isDirectory() || !HEX2.test(top.name)) continue;
      for (const mid of await entries(join(this.root, top.name))) {
        if (!mid.isDirectory() || !HEX2.test(mid.name)) continue;
        const dir = join(this.root, top.name, mid.name);
        const handle = await opendir(dir).catch(() => undefined);
        if (!handle) continue;
        for await (const f of handle) {
          if (!f.isFile()) continue;
          const s = await stat(join(dir, f.name)).catch(() => undefined);
          if (!s) continue;
          if (BLOB_KEY.test(f.name)) yield { key: f.name, mtimeMs: s.mtimeMs };
          else if (f.name.startsWith('.tmp-') || f.name.startsWith('.gc-'))
            yield { stray: join(dir, f.name), mtimeMs: s.mtimeMs };
        }
      }
    }
  }

  async removeIfUntouchedSince(key: string, cutoffMs: number): Promise<boolean> {
    const path = this.pathOf(key);
    const aside = join(dirname(path), `.gc-${key}-${randomBytes(6).toString('hex')}`);
    // Moved aside first: from now on a put() of these bytes finds no blob and writes it anew. One that refreshed
    // the blob just before shows in its modification time, and the blob goes back.
    try {
      await rename(path, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    const s = await stat(aside);
    if (s.mtimeMs >= cutoffMs) {
      // link() refuses to replace a blob written meanwhile (same bytes): then only the aside copy goes.
      await link(aside, path).catch(() => {});
      await unlink(aside);
      await syncDir(dirname(path));
      return false;
    }
    await unlink(aside);
    return true;
  }

  async removeStray(path: string): Promise<void> {
    const rel = relative(this.root, path);
    const [first, second, name, extra] = rel.split(sep);
    const staged = first === STAGING && second !== undefined && name === undefined;
    const leftover =
      HEX2.test(first) && HEX2.test(second ?? '') && /^\.(tmp|gc)-/.test(name ?? '') && extra === undefined;
    if (!staged && !leftover) throw new Error(`not a leftover file of the blob store: ${path}`);
    await rm(path, { force: true });
  }

  /**
   * True when the blob exists; its modification time is then set to now (see put). A blob the orphan sweep moves
   * aside between the two calls fails the second one: false, and the caller writes it anew.
   */
  private async refresh(key: string): Promise<boolean> {
    if (!(await this.has(key))) return false;
    try {
      const now = new Date();
      await utimes(this.pathOf(key), now, now);
      return true;
    } catch {
      return false;
    }
  }

  /** The blob's folder, created when missing; new folders are made durable in their parents. */
  private async folderOf(key: string): Promise<string> {
    const dir = join(this.root, key.slice(0, 2), key.slice(2, 4));
    const created = await mkdir(dir, { recursive: true });
    if (created) {
      // mkdir returns the first folder it created: fsync the parent of each new folder, up to that one.
      for (let d = dir; ; d = dirname(d)) {
        await syncDir(dirname(d));
        if (d === created || dirname(d) === d) break;
      }
    }
    return dir;
  }

  private async moveIntoPlace(tmp: string, key: string, dir: string): Promise<void> {
    try {
      // Same content under the same name: a concurrent writer of the same bytes is harmless.
      await rename(tmp, join(dir, key));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    await syncDir(dir);
  }

  private async openOrThrow(key: string) {
    try {
      return await open(this.pathOf(key), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(key);
      throw err;
    }
  }
}

/** fsync of the folder makes the rename itself durable (ext4/xfs); ignored where folders cannot be opened. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported on this platform: the rename is still atomic, only its durability is the OS's.
  }
}
