import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BlobNotFoundError, FileBlobStore } from '../src/blob';

describe('filesystem blob store', () => {
  const root = mkdtempSync(join(tmpdir(), 'lifeline-blob-'));
  const store = new FileBlobStore(root);
  after(() => rmSync(root, { recursive: true, force: true }));

  test('key is the sha256; layout ab/cd/<key>; storing twice is harmless', async () => {
    const bytes = new TextEncoder().encode('ECG original bytes');
    const key = await store.put(bytes);
    assert.equal(key, createHash('sha256').update(bytes).digest('hex'));
    assert.ok(existsSync(join(root, key.slice(0, 2), key.slice(2, 4), key)));
    assert.equal(await store.put(bytes), key);
    assert.deepEqual(new Uint8Array(await store.get(key)), bytes);
    assert.equal(await store.has(key), true);
    assert.equal(await store.size(key), bytes.length);
    // No temporary files left next to the blob.
    assert.deepEqual(readdirSync(join(root, key.slice(0, 2), key.slice(2, 4))), [key]);
  });

  test('ranges read only the part asked for, short at the end', async () => {
    const key = await store.put(Uint8Array.from({ length: 100 }, (_, i) => i));
    assert.deepEqual([...(await store.getRange(key, 10, 3))], [10, 11, 12]);
    assert.deepEqual([...(await store.getRange(key, 98, 10))], [98, 99]);
    assert.equal((await store.getRange(key, 200, 10)).length, 0);
  });

  test('unknown keys: has false, get throws BlobNotFoundError; malformed keys refused', async () => {
    const missing = 'f'.repeat(64);
    assert.equal(await store.has(missing), false);
    await assert.rejects(store.get(missing), BlobNotFoundError);
    await assert.rejects(store.getRange(missing, 0, 1), BlobNotFoundError);
    await assert.rejects(store.get('../../etc/passwd'), /not a blob key/);
  });

  test('a leftover temporary file from a crash is not a blob, and delete removes one', async () => {
    const bytes = new TextEncoder().encode('half written');
    const key = createHash('sha256').update(bytes).digest('hex');
    const dir = join(root, key.slice(0, 2), key.slice(2, 4));
    await store.put(new Uint8Array(0)); // makes sure the root exists
    rmSync(dir, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `.tmp-${key}-crash`), bytes.subarray(0, 4));
    assert.equal(await store.has(key), false);
    assert.equal(await store.put(bytes), key);
    assert.deepEqual(new Uint8Array(await store.get(key)), bytes);
    await store.delete(key);
    assert.equal(await store.has(key), false);
    await store.delete(key); // already gone: no error
  });
});

describe('blob store: refresh, adopt, scan and guarded removal (orphan sweep support)', () => {
  const root = mkdtempSync(join(tmpdir(), 'lifeline-blob-gc-'));
  const store = new FileBlobStore(root);
  after(() => rmSync(root, { recursive: true, force: true }));
  const old = new Date(Date.now() - 48 * 3600 * 1000);

  test('putting stored bytes again refreshes the modification time', async () => {
    const key = await store.put(new TextEncoder().encode('refresh me'));
    utimesSync(store.pathOf(key), old, old);
    assert.ok(statSync(store.pathOf(key)).mtimeMs < Date.now() - 24 * 3600 * 1000);
    await store.put(new TextEncoder().encode('refresh me'));
    assert.ok(statSync(store.pathOf(key)).mtimeMs > Date.now() - 60_000, 'mtime refreshed');
  });

  test('adopt moves a staged file into place under its key; adopting known bytes only removes the file', async () => {
    const bytes = new TextEncoder().encode('staged upload');
    const key = createHash('sha256').update(bytes).digest('hex');
    const dir = await store.stagingDir();
    const staged = join(dir, 'upload-1');
    writeFileSync(staged, bytes);
    assert.equal(await store.adopt(staged, key), key);
    assert.equal(existsSync(staged), false);
    assert.deepEqual(new Uint8Array(await store.get(key)), bytes);
    const again = join(dir, 'upload-2');
    writeFileSync(again, bytes);
    await store.adopt(again, key);
    assert.equal(existsSync(again), false);
    assert.deepEqual(new Uint8Array(await store.get(key)), bytes);
  });

  test('scan lists blobs with their times and leftovers (temporary, staged) as strays', async () => {
    const key = await store.put(new TextEncoder().encode('listed'));
    const dir = join(root, key.slice(0, 2), key.slice(2, 4));
    writeFileSync(join(dir, `.tmp-${key}-abc`), 'half');
    writeFileSync(join(await store.stagingDir(), 'upload-x'), 'staged');
    const seen: { key?: string; stray?: string }[] = [];
    for await (const e of store.scan()) {
      assert.equal(typeof e.mtimeMs, 'number');
      seen.push(e);
    }
    assert.ok(seen.some((e) => e.key === key));
    assert.ok(seen.some((e) => e.stray === join(dir, `.tmp-${key}-abc`)));
    assert.ok(seen.some((e) => e.stray === join(root, '.incoming', 'upload-x')));
    assert.ok(!seen.some((e) => e.key?.startsWith('.')), 'leftovers are never listed as blobs');
    for (const e of seen) if (e.stray) await store.removeStray(e.stray);
    assert.equal(existsSync(join(dir, `.tmp-${key}-abc`)), false);
    await assert.rejects(
      store.removeStray(join(root, key.slice(0, 2), key.slice(2, 4), key)),
      /not a leftover/,
    );
    await assert.rejects(store.removeStray('/etc/hostname'), /not a leftover/);
  });

  test('removeIfUntouchedSince removes an old blob, keeps one refreshed after the cutoff', async () => {
    const cutoff = Date.now() - 3600 * 1000;
    const stale = await store.put(new TextEncoder().encode('stale'));
    utimesSync(store.pathOf(stale), old, old);
    assert.equal(await store.removeIfUntouchedSince(stale, cutoff), true);
    assert.equal(await store.has(stale), false);
    assert.deepEqual(readdirSync(join(root, stale.slice(0, 2), stale.slice(2, 4))), [], 'no aside file left');
    assert.equal(await store.removeIfUntouchedSince(stale, cutoff), false, 'already gone');

    const fresh = await store.put(new TextEncoder().encode('fresh'));
    assert.equal(await store.removeIfUntouchedSince(fresh, cutoff), false);
    assert.equal(await store.has(fresh), true, 'a blob written after the cutoff stays');
    assert.deepEqual(readdirSync(join(root, fresh.slice(0, 2), fresh.slice(2, 4))), [fresh]);
  });
});
