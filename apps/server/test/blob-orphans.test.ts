import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { blobReferenceQuery, type FileBlobStore, sweepOrphanBlobs } from '../src/blob';
import { type JobRunner, startJobs } from '../src/jobs';
import { ingestEcgFiles } from '../src/modules/ecg';
import { dataFolder, file, upload, waitFor } from './ecg-helpers';
import { createTestContext, type TestContext } from './helpers';

const cinc = dataFolder('cinc2021-12lead');
const dicom = dataFolder('dicom-ecg');
const HOUR = 3600 * 1000;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('orphan blob sweep', { skip: cinc.skip || dicom.skip }, () => {
  let ctx: TestContext;
  let tech: string;
  let store: FileBlobStore;
  let jobs: JobRunner | undefined;
  const referenced: string[] = [];
  const age = (path: string, hours = 48) => {
    const t = new Date(Date.now() - hours * HOUR);
    utimesSync(path, t, t);
  };
  const ageAllBlobs = async () => {
    for await (const e of store.scan()) if (e.key) age(store.pathOf(e.key));
  };

  before(async () => {
    ctx = await createTestContext();
    tech = await ctx.login('ecg.tech');
    store = ctx.app.blobs as FileBlobStore;
    const wfdb = await upload(ctx, tech, [
      file(join(cinc.dir, 'E07500.hea')),
      file(join(cinc.dir, 'E07500.mat')),
    ]);
    const dcm = await upload(ctx, tech, [file(join(dicom.dir, 'jap1968_test_ecg.dcm'))]);
    for (const res of [wfdb, dcm]) assert.equal(res.json().results[0].ok, true, res.body);
    const { rows } = await ctx.pool.query<{
      original_blob: string;
      waveform_blob: string;
      original_files: { key: string }[];
    }>('SELECT original_blob, waveform_blob, original_files FROM ecg_exams');
    for (const r of rows)
      referenced.push(r.original_blob, r.waveform_blob, ...r.original_files.map((f) => f.key));
    assert.ok(new Set(referenced).size >= 5, 'two exams: 3 originals and 2 waveforms');
  });
  after(async () => {
    await jobs?.stop();
    await ctx.close();
  });

  test('references are every *_blob column and the keys in original_files', async () => {
    const sql = await blobReferenceQuery(ctx.pool);
    for (const column of ['original_blob', 'waveform_blob', 'holter_beats_blob', 'pdf_blob']) {
      assert.match(sql, new RegExp(`"${column}"`), `${column} is checked`);
    }
    assert.match(sql, /original_files/);
    // It runs, and finds exactly the referenced keys among those asked for.
    const unknown = 'e'.repeat(64);
    const { rows } = await ctx.pool.query<{ key: string }>(sql, [[...referenced, unknown]]);
    assert.deepEqual(new Set(rows.map((r) => r.key)), new Set(referenced));
  });

  test('removes old unreferenced blobs and leftovers; keeps referenced, young and re-put ones', async () => {
    // A failure between the blob writes and the commit (here: an organisation that does not exist) leaves the
    // original and the waveform stored and referenced by nothing, exactly as a crash at that point does.
    const hea = file(join(cinc.dir, 'E07501.hea'));
    const mat = file(join(cinc.dir, 'E07501.mat'));
    await assert.rejects(
      ingestEcgFiles(ctx.app, { organizationId: randomUUID(), files: [hea, mat], channel: 'api' }),
      /was not stored/,
    );
    const crashed = [sha(hea.bytes), sha(mat.bytes)];
    for (const k of crashed) assert.equal(await store.has(k), true, 'the failed ingest left its blobs');
    const oldOrphan = await store.put(new TextEncoder().encode('orphan from a crash'));
    const reused = await store.put(new TextEncoder().encode('old orphan an ingest is reusing'));
    await ageAllBlobs();
    const young = await store.put(new TextEncoder().encode('written a minute ago'));
    age(store.pathOf(young), 1 / 60);
    // An ingest storing the same bytes again refreshes the old blob: it is in use from now on.
    await store.put(new TextEncoder().encode('old orphan an ingest is reusing'));
    // Leftovers: an interrupted write and a staged upload, both old; and a fresh staged upload.
    const dir = join(store.root, oldOrphan.slice(0, 2), oldOrphan.slice(2, 4));
    const tmp = join(dir, `.tmp-${oldOrphan}-dead`);
    writeFileSync(tmp, 'half');
    age(tmp);
    mkdirSync(join(store.root, '.incoming'), { recursive: true });
    const stagedOld = join(store.root, '.incoming', 'upload-old');
    const stagedNew = join(store.root, '.incoming', 'upload-new');
    writeFileSync(stagedOld, 'x');
    writeFileSync(stagedNew, 'y');
    age(stagedOld);

    const result = await sweepOrphanBlobs(ctx.pool, store, { graceMs: 6 * HOUR });
    for (const k of [oldOrphan, ...crashed]) assert.equal(await store.has(k), false, `orphan ${k} removed`);
    for (const k of referenced) assert.equal(await store.has(k), true, `referenced ${k} kept`);
    assert.equal(await store.has(young), true, 'younger than the grace period: kept');
    assert.equal(await store.has(reused), true, 're-put after the cutoff: kept');
    assert.equal(existsSync(tmp), false);
    assert.equal(existsSync(stagedOld), false);
    assert.equal(existsSync(stagedNew), true, 'a staged upload in progress is kept');
    // The failed ingest's waveform blob is gone too: 2 originals + waveform + the crash orphan.
    assert.equal(result.removed, 4, JSON.stringify(result));
    assert.equal(result.strays, 2);
    assert.ok(result.checked >= referenced.length);

    // Every exam still serves its waveform and originals.
    const list = (await ctx.request('GET', '/api/ecgs', tech)).json();
    assert.equal(list.total, 2);
    for (const e of list.items) {
      assert.equal((await ctx.request('GET', `/api/ecgs/${e.id}/waveform`, tech)).statusCode, 200);
      assert.equal((await ctx.request('GET', `/api/ecgs/${e.id}/original`, tech)).statusCode, 200);
    }
    assert.equal(
      (await sweepOrphanBlobs(ctx.pool, store, { graceMs: 6 * HOUR })).removed,
      0,
      'a second sweep finds nothing',
    );
  });

  test('the pg-boss job runs the sweep periodically', async () => {
    const orphan = await store.put(new TextEncoder().encode('orphan for the periodic job'));
    age(store.pathOf(orphan));
    jobs = await startJobs(ctx.app, {
      pollingIntervalSeconds: 0.5,
      orphanSweepSeconds: 1,
      orphanGraceMs: 6 * HOUR,
    });
    const result = await Promise.race([
      jobs.nextOrphanSweep(),
      new Promise<never>((_, fail) =>
        setTimeout(() => fail(new Error('no orphan sweep within 60 s')), 60_000),
      ),
    ]);
    assert.ok(result.scanned >= referenced.length);
    await waitFor('orphan removed by the job', async () => ((await store.has(orphan)) ? undefined : true));
    for (const k of referenced) assert.equal(await store.has(k), true);
    // Marked completed once the handler returns.
    await waitFor('the sweep completed as a pg-boss job', async () => {
      const { rows } = await ctx.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'blob.orphans' AND state = 'completed'`,
      );
      return rows[0].n >= 1 ? true : undefined;
    });
  });
});
