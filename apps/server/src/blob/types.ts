/** The blob store's interface (see index.ts). */
export interface BlobStore {
  /**
   * Stores the bytes durably (on disk before it resolves) and returns their sha256 hex key. Putting bytes that are
   * already stored refreshes the blob's modification time, which keeps it from the orphan sweep's grace cutoff.
   * `knownKey`: the sha256 of these bytes when the caller has just computed it (saves hashing them again).
   */
  put(bytes: Uint8Array, knownKey?: string): Promise<string>;
  /** The whole content; throws BlobNotFoundError when the key is unknown. */
  get(key: string): Promise<Buffer>;
  /** `length` bytes from `offset` (fewer at the end), without reading the rest of the blob. */
  getRange(key: string, offset: number, length: number): Promise<Buffer>;
  has(key: string): Promise<boolean>;
  size(key: string): Promise<number>;
  /** Removes a blob; no error when it is already gone. Only for blobs no row refers to. */
  delete(key: string): Promise<void>;
  /**
   * Makes a file written by the caller (e.g. an upload streamed to disk) the blob of the given key without copying
   * it: the file is fsynced and renamed into place (a file on the same filesystem, from stagingDir()). The key must
   * be the sha256 of its content; the file is gone afterwards.
   */
  adopt(path: string, key: string): Promise<string>;
  /** A folder for files to be adopted (same filesystem); its files older than the orphan grace are swept. */
  stagingDir(): Promise<string>;
  /**
   * Every file of the store with its modification time: blobs (`key`), and leftovers (`stray`: temporary files
   * of interrupted writes and staged uploads) by path. For the orphan sweep.
   */
  scan(): AsyncIterable<{ key?: string; stray?: string; mtimeMs: number }>;
  /**
   * Removes the blob only if it was not written or re-put since `cutoffMs` (epoch ms), checked after it was
   * moved out of the way, so a put() racing with the removal keeps or rewrites it. True when removed.
   */
  removeIfUntouchedSince(key: string, cutoffMs: number): Promise<boolean>;
  /** Removes a leftover file reported by scan() as `stray`. */
  removeStray(path: string): Promise<void>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`blob ${key} not found`);
    this.name = 'BlobNotFoundError';
  }
}

export const BLOB_KEY = /^[0-9a-f]{64}$/;
