/**
 * Content-addressed blob store for ECG originals and decoded waveforms. The key is the sha256 of the bytes (hex),
 * so storing the same bytes twice is harmless and a key always names exactly one content.
 */
export { FileBlobStore } from './fs-store';
export {
  blobReferenceQuery,
  DEFAULT_ORPHAN_GRACE_MS,
  type OrphanSweepResult,
  sweepOrphanBlobs,
} from './orphans';
export { BLOB_KEY, BlobNotFoundError, type BlobStore } from './types';
