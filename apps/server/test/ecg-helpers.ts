/** Helpers of the ECG acquisition tests: multipart bodies, the shared data folder, polling. */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { TestContext } from './helpers';

export const DATA = resolve(new URL('../../..', import.meta.url).pathname, '../shared/data');

export function dataFolder(name: string): { dir: string; skip: string | false } {
  const dir = resolve(DATA, name);
  return { dir, skip: !existsSync(dir) && `needs ../shared/data/${name}` };
}

export function file(path: string): { name: string; bytes: Buffer } {
  return { name: basename(path), bytes: readFileSync(path) };
}

/** A multipart/form-data body with one part per file. */
export function multipart(files: { name: string; bytes: Uint8Array }[]): {
  payload: Buffer;
  contentType: string;
} {
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
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function upload(ctx: TestContext, cookie: string, files: { name: string; bytes: Uint8Array }[]) {
  const { payload, contentType } = multipart(files);
  return ctx.app.inject({
    method: 'POST',
    url: '/api/ecgs',
    headers: { cookie, 'content-type': contentType },
    payload,
  });
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
