/**
 * Receiving uploaded files without buffering them whole in the request: each file is hashed while it streams in;
 * up to SPILL_BYTES it stays in memory, beyond that it is written to a staging file of the blob store, so a
 * Holter file is on disk once (the staging file later becomes its original blob by rename, blob.adopt) and the
 * request holds no copy of it. A file over the limit stops the upload at once with a 413 naming the limit.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { InputFile } from '@lifeline/formats';
import type { BlobStore } from '../../blob';
import { AppError } from '../../lib/errors';

/**
 * A file received, with the sha256 of its bytes (`key`, computed while it streamed in); `staged` when the bytes
 * are also in a staging file.
 */
export type ReceivedFile = InputFile & { key?: string; staged?: { path: string } };

/** Files larger than this are streamed to a staging file instead of being kept in memory. */
export const SPILL_BYTES = 1024 * 1024;
/** Default upload limit per file (a 24 h 12-lead Holter at 1000 Hz is about 2 GB; such files come through the folder). */
export const DEFAULT_UPLOAD_MAX_MB = 512;

export function tooLarge(name: string, limitBytes: number): AppError {
  return new AppError(413, [
    {
      severity: 'error',
      code: 'invalid',
      diagnostics: `${name}: larger than the upload limit of ${formatLimit(limitBytes)} per file (ECG_UPLOAD_MAX_MB)`,
      expression: [name],
    },
  ]);
}

export function formatLimit(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB` : `${bytes} bytes`;
}

/** Reads one file from its stream: in memory when small, through a staging file when large. */
export async function receiveFile(
  blobs: BlobStore,
  name: string,
  stream: Readable,
  limitBytes: number,
): Promise<ReceivedFile> {
  const hash = createHash('sha256');
  let chunks: Buffer[] = [];
  let size = 0;
  let staging: { path: string; handle: FileHandle } | undefined;
  try {
    // Not destroyed when the loop stops early (over the limit): see the catch below.
    for await (const chunk of stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limitBytes) throw tooLarge(name, limitBytes);
      hash.update(chunk);
      if (staging) {
        await staging.handle.write(chunk);
        continue;
      }
      chunks.push(chunk);
      if (size > SPILL_BYTES) {
        const path = join(await blobs.stagingDir(), `upload-${randomBytes(8).toString('hex')}`);
        staging = { path, handle: await open(path, 'wx', 0o640) };
        for (const c of chunks) await staging.handle.write(c);
        chunks = [];
      }
    }
    // A multipart part is cut at the limit by the parser (busboy), which marks it truncated.
    if ((stream as { truncated?: boolean }).truncated) throw tooLarge(name, limitBytes);
  } catch (err) {
    // The request stream is left as it is: the route answers 413 and closes the connection (no reset mid-answer).
    if (staging) {
      await staging.handle.close().catch(() => {});
      await rm(staging.path, { force: true });
    }
    throw err;
  }
  const key = hash.digest('hex');
  if (!staging) return { name, bytes: new Uint8Array(Buffer.concat(chunks, size)), key };
  await staging.handle.close();
  // The readers need the bytes in memory; this is the only copy the server holds.
  const bytes = await readFile(staging.path);
  return {
    name,
    bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    key,
    staged: { path: staging.path },
  };
}

/** Removes the staging files left by a request (those adopted as blobs are already gone). */
export async function discardStaged(files: ReceivedFile[]): Promise<void> {
  await Promise.all(files.map((f) => (f.staged ? rm(f.staged.path, { force: true }) : undefined)));
}
