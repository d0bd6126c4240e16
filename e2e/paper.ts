/**
 * Checks on what a reader sees on paper and screen: the PDF's text (pdftotext), its QR code read back module by
 * module from a 254 dpi raster (10 px per mm, pdftoppm, read as PPM) against the expected content, and grid
 * measurements on a raster (the pitch of the 5 mm lines, the calibration pulse's height and width). Screenshots
 * (PNG) are decoded by the browser itself, so no image library is needed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import QRCode from 'qrcode';

const run = promisify(execFile);

export async function popplerMissing(): Promise<string | undefined> {
  try {
    await run('pdftoppm', ['-v']);
    await run('pdftotext', ['-v']);
    return undefined;
  } catch {
    return 'needs pdftotext and pdftoppm (apt-get install poppler-utils)';
  }
}

export async function pdfText(pdf: Buffer): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-pdf-'));
  try {
    writeFileSync(join(dir, 'r.pdf'), pdf);
    const { stdout } = await run('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { maxBuffer: 1 << 24 });
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pixels, `channels` bytes each (3: RGB, 4: RGBA), row by row. */
export interface Raster {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/** Parses a binary PPM (P6, maxval 255) as written by pdftoppm. */
export function parsePpm(bytes: Buffer): Raster {
  const header: string[] = [];
  let i = 0;
  while (header.length < 4) {
    while (/\s/.test(String.fromCharCode(bytes[i]))) i++;
    if (bytes[i] === 0x23) {
      while (bytes[i] !== 0x0a) i++;
      continue;
    }
    let token = '';
    while (!/\s/.test(String.fromCharCode(bytes[i]))) token += String.fromCharCode(bytes[i++]);
    header.push(token);
  }
  if (header[0] !== 'P6' || header[3] !== '255') throw new Error(`not an 8-bit P6 PPM: ${header.join(' ')}`);
  const width = Number(header[1]);
  const height = Number(header[2]);
  return { width, height, channels: 3, data: bytes.subarray(i + 1, i + 1 + width * height * 3) };
}

/** First page at `dpi` (254 dpi = 10 px per mm). */
export async function pdfRaster(pdf: Buffer, dpi = 254): Promise<Raster> {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-pdf-'));
  try {
    writeFileSync(join(dir, 'r.pdf'), pdf);
    await run('pdftoppm', [
      '-r',
      String(dpi),
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      join(dir, 'r.pdf'),
      join(dir, 'p'),
    ]);
    return parsePpm(readFileSync(join(dir, 'p.ppm')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Decodes a PNG (a screenshot) with the browser's own decoder. */
export async function decodePng(page: Page, png: Buffer): Promise<Raster> {
  // Written as a string: this module is type-checked without the DOM library.
  const decode = `(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let s = '';
    for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode(...d.subarray(i, i + 0x8000));
    return { width: c.width, height: c.height, b64: btoa(s) };
  })(${JSON.stringify(`data:image/png;base64,${png.toString('base64')}`)})`;
  const { width, height, b64 } = (await page.evaluate(decode)) as {
    width: number;
    height: number;
    b64: string;
  };
  return { width, height, channels: 4, data: Buffer.from(b64, 'base64') };
}

export function pixel(png: Raster, x: number, y: number): [number, number, number] {
  const i = (Math.round(y) * png.width + Math.round(x)) * png.channels;
  return [png.data[i], png.data[i + 1], png.data[i + 2]];
}

const dark = (p: [number, number, number]) => p[0] + p[1] + p[2] < 3 * 110;

/**
 * Reads the QR code drawn at (xMm, yMm), `sizeMm` wide, on a 10 px/mm raster and compares every module with the
 * QR code of `expected`. Returns the number of modules that differ (0: the code on paper says exactly `expected`).
 */
export function qrMismatches(
  png: Raster,
  expected: string,
  xMm: number,
  yMm: number,
  sizeMm: number,
): number {
  const qr = QRCode.create(expected, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = sizeMm / n;
  let wrong = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const p = pixel(png, (xMm + (c + 0.5) * cell) * 10, (yMm + (r + 0.5) * cell) * 10);
      if (dark(p) !== Boolean(qr.modules.get(r, c))) wrong++;
    }
  }
  return wrong;
}

/**
 * Positions of grid lines along one row of pixels: runs of pixels matching `isLine`, reported by their centres.
 * Used to measure the pitch of the 5 mm lines.
 */
export function lineCentres(
  png: Raster,
  y: number,
  from: number,
  to: number,
  isLine: (p: [number, number, number]) => boolean,
): number[] {
  const out: number[] = [];
  let start = -1;
  for (let x = from; x <= to; x++) {
    const on = x < to && isLine(pixel(png, x, y));
    if (on && start < 0) start = x;
    if (!on && start >= 0) {
      out.push((start + x - 1) / 2);
      start = -1;
    }
  }
  return out;
}

/**
 * The pitch of a regular set of lines: the span from the first to the last centre divided by the number of
 * intervals in it. `nominal` only counts the intervals (a line hidden under a trace must not double a gap); the
 * span itself is measured, so a wrong scale shows up in the result. Centres closer than `minGap` are merged.
 */
export function meanPitch(
  centres: number[],
  minGap: number,
  nominal: number,
): { pitch: number; count: number } {
  const kept: number[] = [];
  for (const c of centres) if (!kept.length || c - kept[kept.length - 1] >= minGap) kept.push(c);
  if (kept.length < 2) return { pitch: Number.NaN, count: kept.length };
  const span = kept[kept.length - 1] - kept[0];
  return { pitch: span / Math.max(1, Math.round(span / nominal)), count: kept.length };
}

/** The bounding box of dark (near-black) pixels inside a rectangle. */
export function darkBox(
  png: Raster,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): { left: number; right: number; top: number; bottom: number } | undefined {
  let box: { left: number; right: number; top: number; bottom: number } | undefined;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      if (!dark(pixel(png, x, y))) continue;
      if (!box) box = { left: x, right: x, top: y, bottom: y };
      else {
        box.left = Math.min(box.left, x);
        box.right = Math.max(box.right, x);
        box.top = Math.min(box.top, y);
        box.bottom = Math.max(box.bottom, y);
      }
    }
  }
  return box;
}
