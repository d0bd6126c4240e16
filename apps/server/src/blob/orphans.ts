/**
 * Orphan blob sweep. A blob is written before the row that refers to it commits (so no row ever points to missing
 * bytes); a crash or a failure between the two leaves a blob no row refers to, and an interrupted write leaves a
 * `.tmp-*` file. The sweep removes both once they are older than the grace period, which must be longer than any
 * write → commit gap (seconds in practice; default 6 h). A blob referenced anywhere is never removed:
 *
 * - references are every text column named `*_blob` in the public schema (found in the catalogue at each sweep,
 *   so a later table that follows the convention is covered) and the `key`s in `ecg_exams.original_files`;
 * - put() of bytes already stored refreshes the blob's modification time, and the removal moves the blob aside
 *   and re-checks that time (FileBlobStore.removeIfUntouchedSince), so an ingest that reuses an old unreferenced
 *   blob while the sweep runs keeps it (or writes it again).
 *
 * Run by the pg-boss queue `blob.orphans` (jobs.ts), at most one at a time across all processes.
 */
import type { Queryable } from '../db/pool';
import type { BlobStore } from './types';

export const DEFAULT_ORPHAN_GRACE_MS = 6 * 3600 * 1000;
const BATCH = 1000;

export interface OrphanSweepResult {
  /** Blob files looked at. */
  scanned: number;
  /** Blobs old enough to be checked against the database. */
  checked: number;
  /** Unreferenced blobs removed. */
  removed: number;
  /** Leftover temporary and staged files removed. */
  strays: number;
}

/** SQL that returns which of the keys in $1 (text[]) some row refers to. */
export async function blobReferenceQuery(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.column_name LIKE '%\\_blob'
       AND c.data_type IN ('text', 'character varying', 'character')
     ORDER BY 1, 2`,
  );
  const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const parts = rows.map(
    (r) =>
      `SELECT ${ident(r.column_name)}::text AS key FROM public.${ident(r.table_name)} WHERE ${ident(r.column_name)} = ANY($1::text[])`,
  );
  parts.push(
    `SELECT f->>'key' FROM public.ecg_exams, jsonb_array_elements(original_files) f WHERE f->>'key' = ANY($1::text[])`,
  );
  return parts.join('\nUNION\n');
}

export async function sweepOrphanBlobs(
  db: Queryable,
  blobs: BlobStore,
  options: { graceMs?: number; now?: number } = {},
): Promise<OrphanSweepResult> {
  const cutoff = (options.now ?? Date.now()) - (options.graceMs ?? DEFAULT_ORPHAN_GRACE_MS);
  const referenced = await blobReferenceQuery(db);
  const result: OrphanSweepResult = { scanned: 0, checked: 0, removed: 0, strays: 0 };
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const keys = batch;
    batch = [];
    result.checked += keys.length;
    const { rows } = await db.query<{ key: string }>(referenced, [keys]);
    const used = new Set(rows.map((r) => r.key));
    for (const key of keys) {
      if (!used.has(key) && (await blobs.removeIfUntouchedSince(key, cutoff))) result.removed++;
    }
  };
  for await (const entry of blobs.scan()) {
    if (entry.stray !== undefined) {
      if (entry.mtimeMs < cutoff) {
        await blobs.removeStray(entry.stray);
        result.strays++;
      }
      continue;
    }
    result.scanned++;
    if (entry.key && entry.mtimeMs < cutoff) {
      batch.push(entry.key);
      if (batch.length >= BATCH) await flush();
    }
  }
  await flush();
  return result;
}
