/**
 * Memory of a large upload: the server (main.ts, child process, as in bench/ingest.ts) receives one long 12-lead
 * 500 Hz WFDB recording (.hea + .dat format 16, synthetic beats; MINUTES=60 by default, 43 MB) as a multipart upload;
 * reports the answer time and the server's peak resident memory (VmHWM) before and right after the answer.
 * INGEST_SERVER=<main.ts> benches another copy of the server (before/after).
 * Usage: npm run bench -- upload-memory
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sha256 } from '../apps/server/src/lib/crypto';
import { withBenchDatabase } from './bench-db';
import { multipart, startServer } from './ingest';

const LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

/** A WFDB record of `minutes` of synthetic beats (75/min), 12 leads interleaved, 16-bit, 1000 adu/mV. */
function longRecord(minutes: number): { hea: Buffer; dat: Buffer } {
  const fs = 500;
  const n = minutes * 60 * fs;
  const dat = Buffer.alloc(n * LEADS.length * 2);
  const sums = new Array(LEADS.length).fill(0);
  const first = new Array(LEADS.length).fill(0);
  for (let i = 0; i < n; i++) {
    const t = (i % 400) / fs; // one beat every 0.8 s
    const qrs = Math.exp(-(((t - 0.2) / 0.012) ** 2)) * 1000;
    const tw = Math.exp(-(((t - 0.5) / 0.05) ** 2)) * 250;
    for (let l = 0; l < LEADS.length; l++) {
      const v = Math.round((qrs + tw) * (0.5 + l / 24)) + ((i * 7 + l) % 5);
      dat.writeInt16LE(v, (i * LEADS.length + l) * 2);
      sums[l] += v;
      if (i === 0) first[l] = v;
    }
  }
  const checksum = (s: number) => ((((s % 65536) + 65536) % 65536) << 16) >> 16;
  const hea = [
    `big ${LEADS.length} ${fs} ${n}`,
    ...LEADS.map((name, l) => `big.dat 16 1000/mV 16 0 ${first[l]} ${checksum(sums[l])} 0 ${name}`),
    '',
  ].join('\n');
  return { hea: Buffer.from(hea), dat };
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

export async function run(): Promise<string> {
  const minutes = Number(process.env.MINUTES ?? 60);
  const { hea, dat } = longRecord(minutes);
  const body = multipart([
    { name: 'big.hea', bytes: hea },
    { name: 'big.dat', bytes: dat },
  ]);
  return withBenchDatabase(async (url) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-bench-large-'));
    const { child, base } = await startServer(url, dataDir);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const token = `llt_${randomBytes(24).toString('base64url')}`;
      await db.query(
        `INSERT INTO api_tokens (user_id, name, token_hash) SELECT id, 'bench', $1 FROM users WHERE username = 'ecg.tech'`,
        [sha256(token)],
      );
      const pid = child.pid ?? 0;
      const before = peakRssMb(pid);
      const load0 = loadavg();
      const t0 = performance.now();
      const res = await fetch(`${base}/api/ecgs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': body.type },
        body: body.body,
      });
      const text = await res.text();
      const ms = performance.now() - t0;
      const after = peakRssMb(pid);
      if (res.status !== 200) throw new Error(`upload ${res.status}: ${text.slice(0, 300)}`);
      return [
        '## Large upload (memory)',
        '',
        `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; ` +
          `load average ${load0.map((l) => l.toFixed(1)).join(' ')}; server ${process.env.INGEST_SERVER ?? 'apps/server/src/main.ts'}.`,
        `Bench: bench/ingest-large.ts. One ${minutes}-min 12-lead 500 Hz WFDB record (.dat ${(dat.length / 1e6).toFixed(1)} MB) as multipart POST /api/ecgs.`,
        '',
        '| answered in | server peak RSS before | after the answer | growth |',
        '|---|---|---|---|',
        `| ${(ms / 1000).toFixed(1)} s | ${before.toFixed(0)} MB | ${after.toFixed(0)} MB | ${(after - before).toFixed(0)} MB |`,
        '',
      ].join('\n');
    } finally {
      await db.end().catch(() => {});
      child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r(null);
        }, 15_000);
        child.once('exit', () => {
          clearTimeout(t);
          r(null);
        });
      });
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}
