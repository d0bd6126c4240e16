/**
 * Set-up shared by the browser benchmarks (reading-viewer, reading-worklist, critical-alert): the real server on
 * a fresh database (DATABASE_URL's server, or an embedded PostgreSQL from bench-db.ts) serving the built web app,
 * headless Chromium (playwright-core), and small helpers: upload an ECG, open a signed-in page, describe timings.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import type { BrowserContext, Page } from 'playwright-core';
import { browserMissing, type E2E, loginAs, startE2E } from '../e2e/browser';
import { withBenchDatabase } from './bench-db';

export { percentile } from './bench-db';

/** Runs `fn` with the server and browser up; answers a skip line when Chromium is missing. */
export async function withBrowserServer(name: string, fn: (e2e: E2E) => Promise<string>): Promise<string> {
  const missing = browserMissing();
  if (missing) return `## ${name}\n\nskipped: ${missing}\n`;
  const run = async () => {
    const e2e = await startE2E();
    try {
      return await fn(e2e);
    } finally {
      await e2e.close();
    }
  };
  if (process.env.DATABASE_URL || process.env.LIFELINE_TEST_DATABASE_URL) return run();
  return withBenchDatabase(async (url) => {
    process.env.LIFELINE_TEST_DATABASE_URL = url;
    try {
      return await run();
    } finally {
      delete process.env.LIFELINE_TEST_DATABASE_URL;
    }
  });
}

export function multipart(files: [string, Buffer][]): { payload: Buffer; contentType: string } {
  const boundary = `----lifeline${randomBytes(8).toString('hex')}`;
  const parts = files.flatMap(([name, bytes]) => [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    bytes,
    Buffer.from('\r\n'),
  ]);
  return {
    payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** Uploads files through POST /api/ecgs as the technician; returns the exam id. */
export async function uploadExam(e2e: E2E, files: [string, Buffer][]): Promise<string> {
  const tech = await e2e.ctx.login('ecg.tech');
  const { payload, contentType } = multipart(files);
  const res = await e2e.ctx.app.inject({
    method: 'POST',
    url: '/api/ecgs',
    headers: { cookie: tech, 'content-type': contentType },
    payload,
  });
  if (res.statusCode !== 200) throw new Error(`upload failed: ${res.statusCode} ${res.body}`);
  return res.json().results[0].examId as string;
}

export async function signedInPage(
  e2e: E2E,
  username: string,
  options: { width?: number; height?: number; pxPerMm?: number } = {},
): Promise<{ page: Page; context: BrowserContext }> {
  const context = await e2e.browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: options.width ?? 1600, height: options.height ?? 1000 },
    deviceScaleFactor: 1,
  });
  if (options.pxPerMm)
    await context.addInitScript(`localStorage.setItem('lifeline.pxPerMm', '${options.pxPerMm}')`);
  const page = await context.newPage();
  await loginAs(page, e2e.base, username);
  return { page, context };
}

/** The line every section starts with: date, machine, load average before and after. */
export function machineLine(loadBefore: number[]): string {
  const after = loadavg();
  return (
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} × ${cpus()[0]?.model.trim()}, ` +
    `Node ${process.version}, headless Chromium; **load average ${loadBefore[0].toFixed(1)} → ${after[0].toFixed(1)}**`
  );
}

export function stats(values: number[]): { median: number; p95: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}

export const f1 = (v: number) => v.toFixed(1);
