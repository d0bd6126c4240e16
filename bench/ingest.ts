/**
 * Sustained ECG ingestion through the REST API, analysis included: the real server (apps/server/src/main.ts) runs
 * as a child process on 127.0.0.1 (HTTP, blob store, pg-boss analysis worker); this process sends distinct 10 s
 * 12-lead 500 Hz WFDB records (CinC 2021 .hea + .mat, one sample changed per copy so every content hash differs)
 * as multipart POST /api/ecgs with a bearer token at a fixed rate (open loop), and LISTENs for the ecg.analysed
 * events. Reports achieved throughput, upload latency and upload → analysed latency.
 * Usage: npm run bench -- ingest   (RATE=30 DURATION=60 by default; INGEST_SERVER=<main.ts> benches another copy)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { sha256 } from '../apps/server/src/lib/crypto';
import { percentile, withBenchDatabase } from './bench-db';

const CINC = resolve(new URL('..', import.meta.url).pathname, '../shared/data/cinc2021-12lead');
/** INGEST_SERVER=<path to main.ts>: bench another copy of the server (e.g. the previous commit, for before/after). */
const SERVER = process.env.INGEST_SERVER ?? new URL('../apps/server/src/main.ts', import.meta.url).pathname;

export function multipart(files: { name: string; bytes: Uint8Array }[]): { body: Buffer; type: string } {
  const boundary = `----lifeline${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      Buffer.from(f.bytes),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

/** n distinct uploads: the CinC records in turn, the last int16 sample of the .mat changed by the copy number. */
function makeUploads(n: number): { body: Buffer; type: string }[] {
  const stems = readdirSync(CINC)
    .filter((f) => f.endsWith('.hea'))
    .sort()
    .map((f) => f.slice(0, -4));
  const sources = stems.map((s) => ({
    stem: s,
    hea: readFileSync(join(CINC, `${s}.hea`)),
    mat: readFileSync(join(CINC, `${s}.mat`)),
  }));
  return Array.from({ length: n }, (_, i) => {
    const src = sources[i % sources.length];
    const copy = Math.floor(i / sources.length) + 1;
    const mat = Buffer.from(src.mat);
    mat.writeInt16LE((mat.readInt16LE(mat.length - 2) + copy) % 32000, mat.length - 2);
    const stem = `${src.stem}_${copy}`;
    return multipart([
      {
        name: `${stem}.hea`,
        bytes: Buffer.from(src.hea.toString('latin1').replace(src.stem, stem), 'latin1'),
      },
      { name: `${stem}.mat`, bytes: mat },
    ]);
  });
}

/** CPU seconds (user + system) of the processes descending from `root`, and of `pid` alone. */
function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}
function descendantsCpu(root: number): number {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      parent.set(Number(d), Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1]));
    } catch {}
  }
  let total = 0;
  for (const pid of parent.keys()) {
    for (let p: number | undefined = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        total += cpuSeconds(pid);
        break;
      }
    }
  }
  return total;
}

export function startServer(url: string, dataDir: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(
    process.execPath,
    // CPU_PROF=<dir> writes a V8 CPU profile of the server (open it in Chrome DevTools).
    [
      ...(process.env.CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CPU_PROF}`] : []),
      '--import',
      'tsx',
      SERVER,
    ],
    {
      env: {
        ...process.env,
        DATABASE_URL: url,
        DATA_DIR: dataDir,
        DEMO_DATA: 'true',
        DEMO_PASSWORD: 'Bench-Pass-2026!',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        LIFELINE_ENCRYPTION_KEY: 'b'.repeat(64),
        DICOM_PORT: 'off',
        MLLP_PORT: 'off',
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`server did not start: ${out}`)), 120_000);
    const onData = (d: Buffer) => {
      out += String(d);
      const m = /serving http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ child, base: `http://127.0.0.1:${m[1]}` });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => fail(new Error(`server exited (${code}): ${out}`)));
  });
}

export async function run(): Promise<string> {
  if (!existsSync(CINC))
    return '## ECG ingestion (REST, with analysis)\n\nskipped: needs ../shared/data/cinc2021-12lead\n';
  const rate = Number(process.env.RATE ?? 30);
  const duration = Number(process.env.DURATION ?? 60);
  const total = Math.round(rate * duration);
  const warm = 30;
  const uploads = makeUploads(total + warm);
  return withBenchDatabase(async (url) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-bench-ingest-'));
    const { child, base } = await startServer(url, dataDir);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const token = `llt_${randomBytes(24).toString('base64url')}`;
      await db.query(
        `INSERT INTO api_tokens (user_id, name, token_hash) SELECT id, 'bench', $1 FROM users WHERE username = 'ecg.tech'`,
        [sha256(token)],
      );
      const analysed = new Map<string, number>();
      db.on('notification', (n) => {
        const msg = JSON.parse(n.payload ?? '{}') as { payload?: { type?: string; examId?: string } };
        if (msg.payload?.type === 'ecg.analysed' && msg.payload.examId)
          analysed.set(msg.payload.examId, performance.now());
      });
      await db.query('LISTEN lifeline_live');

      const send = async (u: { body: Buffer; type: string }) => {
        const start = performance.now();
        const res = await fetch(`${base}/api/ecgs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': u.type },
          body: u.body,
        });
        const text = await res.text();
        const end = performance.now();
        if (res.status !== 200) throw new Error(`upload ${res.status}: ${text.slice(0, 300)}`);
        const r = (JSON.parse(text) as { results: { examId: string; duplicate: boolean }[] }).results[0];
        if (r.duplicate) throw new Error('an upload was answered as a duplicate');
        return { start, end, examId: r.examId };
      };
      const waitAnalysed = async (ids: string[], timeoutMs: number) => {
        const until = performance.now() + timeoutMs;
        while (ids.some((id) => !analysed.has(id)) && performance.now() < until)
          await new Promise((r) => setTimeout(r, 50));
      };

      // Warm-up (JIT, connection pools), sequential, not counted.
      const warmIds: string[] = [];
      for (const u of uploads.slice(total)) warmIds.push((await send(u)).examId);
      await waitAnalysed(warmIds, 60_000);

      const load0 = loadavg();
      const serverCpu0 = cpuSeconds(child.pid ?? 0);
      const allCpu0 = descendantsCpu(process.pid);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const pending: Promise<{ start: number; end: number; examId: string }>[] = [];
      for (let i = 0; i < total; i++) {
        const due = t0 + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        pending.push(send(uploads[i]));
      }
      const results = await Promise.all(pending);
      const uploadsDone = performance.now();
      await waitAnalysed(
        results.map((r) => r.examId),
        120_000,
      );
      const allDone = performance.now();
      const load1 = loadavg();
      const serverCpu = cpuSeconds(child.pid ?? 0) - serverCpu0;
      const otherCpu = descendantsCpu(process.pid) - allCpu0 - serverCpu;
      const missing = results.filter((r) => !analysed.has(r.examId)).length;
      const { rows } = await db.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM ecg_exams GROUP BY status ORDER BY status`,
      );

      const upload = results.map((r) => r.end - r.start);
      const toAnalysed = results
        .filter((r) => analysed.has(r.examId))
        .map((r) => (analysed.get(r.examId) ?? 0) - r.start);
      const lastAnalysed = Math.max(...results.map((r) => analysed.get(r.examId) ?? 0));
      const ms = (v: number) => v.toFixed(0);
      const row = (name: string, v: number[]) =>
        `| ${name} | ${ms(percentile(v, 50))} | ${ms(percentile(v, 95))} | ${ms(percentile(v, 99))} | ${ms(Math.max(...v))} |`;
      const benchCpu = process.cpuUsage(cpu0);
      return [
        '## ECG ingestion (REST, with analysis)',
        '',
        `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, ` +
          `PostgreSQL ${process.env.DATABASE_URL ? '(DATABASE_URL)' : 'embedded'}; load average before ${load0.map((l) => l.toFixed(1)).join(' ')}, ` +
          `after ${load1.map((l) => l.toFixed(1)).join(' ')} (the 2 cores are shared with other engineers' work).`,
        `Bench: bench/ingest.ts. The server (main.ts, child process, 127.0.0.1) receives ${total} distinct 10 s 12-lead 500 Hz`,
        `WFDB records (.hea + .mat multipart, ~${(uploads[0].body.length / 1024).toFixed(0)} kB) from a bearer-token client at ${rate}/s for ${duration} s (open loop),`,
        'stores originals and waveform blobs (fsynced), commits the exam with its audit entry, and the pg-boss worker analyses it;',
        'upload → analysed is measured from the request start to the ecg.analysed NOTIFY. Times in ms.',
        '',
        '| latency | p50 | p95 | p99 | max |',
        '|---|---|---|---|---|',
        row('upload (POST /api/ecgs answered)', upload),
        row('upload → analysed', toAnalysed),
        '',
        `Achieved: ${(total / ((uploadsDone - t0) / 1000)).toFixed(1)} uploads/s acknowledged, ` +
          `${(toAnalysed.length / ((lastAnalysed - t0) / 1000)).toFixed(1)} analysed/s end to end ` +
          `(last analysis ${((lastAnalysed - t0) / 1000).toFixed(1)} s after the first upload; wait ended ${((allDone - t0) / 1000).toFixed(1)} s); ` +
          `${missing} not analysed; exam statuses ${rows.map((r) => `${r.status} ${r.n}`).join(', ')}` +
          ` (incl. ${warm} warm-up).`,
        `CPU per ECG: server ${((serverCpu * 1000) / total).toFixed(0)} ms (all threads; ${serverCpu.toFixed(1)} s in total), ` +
          `PostgreSQL${process.env.DATABASE_URL ? ' (not counted: DATABASE_URL server)' : ` ${((otherCpu * 1000) / total).toFixed(0)} ms`}, ` +
          `client ${((benchCpu.user + benchCpu.system) / 1e3 / total).toFixed(0)} ms.`,
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
