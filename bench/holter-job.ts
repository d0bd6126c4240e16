/**
 * The server's Holter job path on a day-long recording: `npx tsx bench/holter-job.ts [hours=24]`.
 * A child process writes an N-hour 3-lead 250 Hz waveform blob (MIT-BIH Arrhythmia Database records from
 * ../shared/data/mitdb, resampled and concatenated, lead 3 = lead 2 − lead 1; written lead by lead, streaming, so
 * it never holds the recording either), then this process runs runHolterAnalysis over the blob store's range reads,
 * sampling its RSS every 20 ms. Prints a markdown line for docs/holter.md. The blob is deleted afterwards.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resample } from '@lifeline/ecg';
import { readWfdbRecord } from '@lifeline/ecg/node';
import { FileBlobStore } from '../apps/server/src/blob';
import { encodeBeats, runHolterAnalysis } from '../apps/server/src/modules/ecg/holter';
import { MITDB, MITDB_RECORDS } from './ecg-classify';

const FS = 250;
const LEADS = ['MLII', 'V', 'III*'];

/** Writes the waveform blob (lead-major Float32 LE) into the store's layout; prints its key. */
async function make(root: string, hours: number): Promise<void> {
  const target = Math.round(hours * 3600 * FS);
  const tmp = path.join(root, 'waveform.tmp');
  const fd = openSync(tmp, 'w');
  const hash = createHash('sha256');
  for (let lead = 0; lead < LEADS.length; lead++) {
    let written = 0;
    for (let r = 0; written < target; r++) {
      const source = await readWfdbRecord(path.join(MITDB, `${MITDB_RECORDS[r % MITDB_RECORDS.length]}.hea`));
      const a = resample(source.leads[0].samples, source.sampleRate, FS);
      const b = resample(source.leads[1].samples, source.sampleRate, FS);
      const out = lead === 0 ? a : lead === 1 ? b : b.map((v, i) => v - a[i]);
      const part = out.subarray(0, Math.min(out.length, target - written));
      const bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
      writeSync(fd, bytes);
      hash.update(bytes);
      written += part.length;
    }
  }
  closeSync(fd);
  const key = hash.digest('hex');
  const store = new FileBlobStore(path.join(root, 'blobs'));
  mkdirSync(path.dirname(store.pathOf(key)), { recursive: true });
  renameSync(tmp, store.pathOf(key));
  console.log(key);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--make') return make(process.argv[3], Number(process.argv[4]));
  if (!existsSync(MITDB)) {
    console.log('skipped: needs ../shared/data/mitdb');
    return;
  }
  const hours = Number(process.argv[2] ?? 24);
  const root = mkdtempSync(path.join(tmpdir(), 'holter-job-'));
  try {
    const made = spawnSync('npx', ['tsx', new URL(import.meta.url).pathname, '--make', root, String(hours)], {
      encoding: 'utf8',
    });
    if (made.status !== 0) throw new Error(made.stderr);
    const key = made.stdout.trim().split('\n').pop() ?? '';
    const blobs = new FileBlobStore(path.join(root, 'blobs'));
    const shape = { sampleRate: FS, leadNames: LEADS, sampleCount: Math.round(hours * 3600 * FS) };
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const result = await runHolterAnalysis(blobs, key, shape, { startTime: '2026-11-20T08:00:00' });
    const beatsBlob = encodeBeats(result.beatSamples, result.beatClasses);
    const cpu = process.cpuUsage(c0);
    const wall = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const s = result.summary;
    const mb = (b: number) => (b / 2 ** 20).toFixed(0);
    console.log(
      `| ${hours} h, 3 leads, ${FS} Hz (blob ${mb(shape.sampleCount * 3 * 4)} MB) | ` +
        `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s | ${wall.toFixed(1)} s | ${mb(rssBefore)} → ${mb(peak)} MB | ` +
        `${s.counts.total} | ${(beatsBlob.length / 1024).toFixed(0)} kB | ${s.events.length} |`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
