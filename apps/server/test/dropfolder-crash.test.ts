/**
 * kill -9 while a 200-file drop folder is being ingested, then restart: exactly 200 exams for the device, none
 * doubled, every file in done/, none in quarantine/, every exam's blobs on disk and intact. The ECGs are
 * synthetic 10 s 12-lead 500 Hz CSV files (sine baseline + QRS-like spikes, a different rate per file), so the
 * test needs no shared data.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { waitFor } from './ecg-helpers';
import { createTestContext, type TestContext } from './helpers';

const SERVER = new URL('../src/main.ts', import.meta.url).pathname;
const COUNT = 200;
const LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

/** A 10 s 12-lead 500 Hz ECG as CSV (µV), different for every i. */
function syntheticCsv(i: number): string {
  const fs = 500;
  const rr = 60 / (55 + (i % 50)); // 55–104 bpm
  const gains = LEADS.map((_, k) => 0.4 + ((k * 7 + i) % 10) / 10);
  const lines = [
    `# sampling rate: ${fs}`,
    `# synthetic drop-folder ECG ${i}`,
    LEADS.map((l) => `${l} (uV)`).join(','),
  ];
  for (let n = 0; n < 10 * fs; n++) {
    const t = n / fs;
    const phase = (t % rr) / rr;
    // QRS-like triangle (~80 ms) and a broad T wave on a slow baseline sine.
    const qrsWidth = 0.08 / rr;
    const qrs = phase < qrsWidth ? 1 - Math.abs(phase / qrsWidth - 0.5) * 2 : 0;
    const tw = Math.exp(-(((phase - 0.4) / 0.06) ** 2)) * 0.25;
    const base = 50 * Math.sin(2 * Math.PI * 0.3 * t + i);
    lines.push(
      gains.map((g, k) => Math.round(base + g * (1000 * qrs + 1000 * tw) * (k === 3 ? -1 : 1))).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function startServer(ctx: TestContext): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: {
      ...process.env,
      DATABASE_URL: ctx.url,
      DATA_DIR: ctx.dataDir,
      DEMO_DATA: 'false',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      LIFELINE_ENCRYPTION_KEY: 'a'.repeat(64),
      DROP_FOLDER_INTERVAL_MS: '200',
      DICOM_PORT: 'off',
      MLLP_PORT: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 120_000);
    child.stdout?.on('data', (d) => {
      out += String(d);
      if (/serving http/.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr?.on('data', (d) => {
      out += String(d);
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

/** Files under done/ (done/<day>/<name>). */
function doneFiles(folder: string): string[] {
  const done = join(folder, 'done');
  if (!existsSync(done)) return [];
  return readdirSync(done).flatMap((day) => readdirSync(join(done, day)));
}

const waiting = (folder: string) =>
  readdirSync(folder).filter((n) => n !== 'done' && n !== 'quarantine' && !n.startsWith('.'));

describe('drop folder crash consistency (kill -9 during a 200-file folder)', () => {
  let ctx: TestContext;
  let folder: string;
  let deviceId: string;
  let child: ChildProcess | undefined;
  before(async () => {
    ctx = await createTestContext();
    folder = mkdtempSync(join(tmpdir(), 'll-drop-crash-'));
    const admin = await ctx.login('admin');
    const res = await ctx.request('POST', '/api/devices', admin, {
      name: '心电图机 3 号',
      dropFolder: folder,
      kind: 'ecg-cart',
    });
    assert.equal(res.statusCode, 200, res.body);
    deviceId = res.json().id;
  });
  after(async () => {
    child?.kill('SIGKILL');
    await ctx?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  test('exactly 200 exams after kill -9 and restart, none doubled, none quarantined, blobs intact', async () => {
    const past = new Date(Date.now() - 10_000);
    const hashes = new Set<string>();
    for (let i = 0; i < COUNT; i++) {
      const text = syntheticCsv(i);
      hashes.add(createHash('sha256').update(text).digest('hex'));
      const path = join(folder, `ecg-${String(i).padStart(3, '0')}.csv`);
      writeFileSync(path, text);
      utimesSync(path, past, past); // settled: the watcher waits 1.5 s after the last write
    }
    assert.equal(hashes.size, COUNT, 'the generated files are distinct');

    const examCount = async () =>
      (
        await ctx.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM ecg_exams WHERE device_id = $1', [
          deviceId,
        ])
      ).rows[0].n;

    child = await startServer(ctx);
    // Kill once a batch has been moved to done/ and the next one is half stored (rows without their move).
    // The committed count is read first and done/ listed after it, then the kill follows in the same
    // synchronous step: rows only grow and files move only after their commit, so a count taken earlier can
    // never exceed the rows at the kill, and no move can slip in between the listing and the signal.
    const killChild = child;
    const seen = await waitFor(
      'ingestion under way',
      async () => {
        const stored = await examCount();
        const done = doneFiles(folder).length;
        if (done > 0 && stored >= done + 5) {
          killChild.kill('SIGKILL');
          return { done, stored };
        }
        return undefined;
      },
      60_000,
      10, // poll often: a batch can be stored and moved within a few tens of milliseconds
    );
    if (killChild.exitCode === null && killChild.signalCode === null) {
      await new Promise((r) => killChild.once('exit', r));
    }
    const doneAtKill = doneFiles(folder).length;
    const storedAtKill = await examCount();
    assert.ok(doneAtKill > 0 && doneAtKill < COUNT, `killed mid-folder (${doneAtKill} in done/)`);
    assert.ok(
      storedAtKill > doneAtKill,
      `some stored files were not yet moved (${storedAtKill} > ${doneAtKill})`,
    );
    assert.ok(seen.stored < COUNT);

    child = await startServer(ctx);
    await waitFor('folder emptied', async () => (waiting(folder).length === 0 ? true : undefined), 120_000);

    assert.equal(await examCount(), COUNT, 'exactly 200 exams for the device');
    assert.equal(doneFiles(folder).length, COUNT, '200 files in done/');
    const quarantine = join(folder, 'quarantine');
    assert.equal(existsSync(quarantine) ? readdirSync(quarantine).length : 0, 0, 'nothing quarantined');

    const { rows } = await ctx.pool.query<{
      content_hash: string;
      original_files: { key: string }[];
      waveform_blob: string;
      lead_names: string[];
      sample_count: number;
    }>(
      `SELECT content_hash, original_files, waveform_blob, lead_names, sample_count FROM ecg_exams
       WHERE device_id = $1`,
      [deviceId],
    );
    const stored = new Set(rows.map((r) => r.content_hash));
    assert.equal(stored.size, COUNT, 'no duplicate content hashes');
    assert.deepEqual([...stored].sort(), [...hashes].sort(), 'every generated file is one exam');
    const blobPath = (key: string) => join(ctx.dataDir, 'blobs', key.slice(0, 2), key.slice(2, 4), key);
    for (const r of rows) {
      for (const f of r.original_files) {
        const bytes = readFileSync(blobPath(f.key));
        assert.equal(createHash('sha256').update(bytes).digest('hex'), f.key, 'original intact');
      }
      const wave = readFileSync(blobPath(r.waveform_blob));
      assert.equal(wave.length, r.lead_names.length * r.sample_count * 4, 'waveform complete');
    }
    console.log(
      `# killed with ${doneAtKill} in done/ and ${storedAtKill} stored; after restart ${COUNT} exams, ${COUNT} in done/`,
    );
  });
});
