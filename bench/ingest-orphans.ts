/**
 * Orphan blob sweep (apps/server/src/blob/orphans.ts): a blob store of N exams (original + waveform blob each,
 * referenced by ecg_exams rows) plus orphans (unreferenced blobs and `.tmp-*` leftovers), all older than the grace
 * period; times sweepOrphanBlobs and checks that exactly the orphans went.
 * Usage: npm run bench -- blob-orphans   (EXAMS=20000 ORPHANS=2000 by default)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBlobStore, sweepOrphanBlobs } from '../apps/server/src/blob';
import { migrate } from '../apps/server/src/db/migrate';
import { createPool } from '../apps/server/src/db/pool';
import { withBenchDatabase } from './bench-db';

export async function run(): Promise<string> {
  const exams = Number(process.env.EXAMS ?? 20000);
  const orphans = Number(process.env.ORPHANS ?? 2000);
  return withBenchDatabase(async (url) => {
    const pool = createPool(url, 4);
    const root = mkdtempSync(join(tmpdir(), 'lifeline-bench-orphans-'));
    try {
      await migrate(pool);
      const store = new FileBlobStore(root);
      const old = new Date(Date.now() - 48 * 3600 * 1000);
      const write = (i: number, kind: string) => {
        const bytes = Buffer.from(`${kind} ${i}`);
        const key = createHash('sha256').update(bytes).digest('hex');
        const path = store.pathOf(key);
        mkdirSync(join(path, '..'), { recursive: true });
        writeFileSync(path, bytes);
        utimesSync(path, old, old);
        return key;
      };
      const org = (
        await pool.query<{ id: string }>(
          `INSERT INTO organizations (name, code, type) VALUES ('Bench hospital', 'BENCH', 'hub-hospital') RETURNING id`,
        )
      ).rows[0].id;
      const rows: [string, string][] = [];
      for (let i = 0; i < exams; i++) rows.push([write(i, 'original'), write(i, 'waveform')]);
      for (let i = 0; i < rows.length; i += 2000) {
        const batch = rows.slice(i, i + 2000);
        await pool.query(
          `INSERT INTO ecg_exams (organization_id, channel, format, original_blob, original_name, original_files,
             content_hash, sample_rate, sample_count, duration_sec, lead_names, waveform_blob)
           SELECT $1, 'api', 'wfdb', o, 'x.hea', jsonb_build_array(jsonb_build_object('name', 'x.hea', 'key', o, 'size', 1)),
             o, 500, 5000, 10, ARRAY['I'], w
           FROM unnest($2::text[], $3::text[]) AS t(o, w)`,
          [org, batch.map((r) => r[0]), batch.map((r) => r[1])],
        );
      }
      const orphanKeys = Array.from({ length: orphans }, (_, i) => write(i, 'orphan'));
      for (let i = 0; i < orphans / 10; i++) {
        const dir = join(root, orphanKeys[i].slice(0, 2), orphanKeys[i].slice(2, 4));
        const tmp = join(dir, `.tmp-${orphanKeys[i]}-bench`);
        writeFileSync(tmp, 'half');
        utimesSync(tmp, old, old);
      }
      const load0 = loadavg();
      const t0 = performance.now();
      const result = await sweepOrphanBlobs(pool, store, { graceMs: 6 * 3600 * 1000 });
      const ms = performance.now() - t0;
      const load1 = loadavg();
      let kept = 0;
      for (const [o, w] of rows) if ((await store.has(o)) && (await store.has(w))) kept++;
      let left = 0;
      for (const k of orphanKeys) if (await store.has(k)) left++;
      return [
        '## Orphan blob sweep',
        '',
        `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; ` +
          `load average before ${load0.map((l) => l.toFixed(1)).join(' ')}, after ${load1.map((l) => l.toFixed(1)).join(' ')}.`,
        `Bench: bench/ingest-orphans.ts. ${exams} exams (original + waveform blob each, referenced) and ${orphans} unreferenced blobs`,
        `plus ${orphans / 10} \`.tmp-*\` leftovers, all 48 h old; one sweep with a 6 h grace period.`,
        '',
        `| blobs scanned | checked against the database | removed | leftovers removed | time | blobs/s |`,
        '|---|---|---|---|---|---|',
        `| ${result.scanned} | ${result.checked} | ${result.removed} | ${result.strays} | ${(ms / 1000).toFixed(1)} s | ${Math.round(result.scanned / (ms / 1000))} |`,
        '',
        `Check: ${kept} of ${exams} exams keep both blobs; ${left} of ${orphans} orphans left.`,
        '',
      ].join('\n');
    } finally {
      await pool.end();
      rmSync(root, { recursive: true, force: true });
    }
  });
}
