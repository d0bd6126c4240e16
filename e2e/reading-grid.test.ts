/**
 * Screenshots that measure true to the grid. The viewer is opened in Chromium at a known scale (4 px per mm, set
 * as the workstation's screen calibration; device pixel ratio 1) at 25 mm/s and 10 mm/mV, and its screenshot is
 * measured: the 5 mm lines are 20 px apart, the 1 mV calibration pulse is 40 px (10 mm) high and 200 ms = 20 px
 * (5 mm) wide, R peaks of a 60/min rhythm strip are 100 px (25 mm = 1 s) apart and stand as high as their
 * amplitude in mV × 40 px. The signed report's PDF is rasterised at 254 dpi (10 px per mm) and measured the same
 * way (5 mm = 50 px, pulse 100 × 50 px). With WRITE_DOC_IMAGES=1 the images are written to docs/images/.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { synthesizeEcg } from '@lifeline/ecg';
import { analyseExam } from '../apps/server/src/modules/ecg';
import { browserMissing, type E2E, loginAs, startE2E } from './browser';
import {
  darkBox,
  decodePng,
  lineCentres,
  meanPitch,
  pdfRaster,
  pixel,
  popplerMissing,
  type Raster,
} from './paper';

const skip = browserMissing() ?? (await popplerMissing());
const DOCS = new URL('../docs/images/', import.meta.url).pathname;
const PX_PER_MM = 4;
const RR_MS = 1000;

const record = synthesizeEcg({ sampleRate: 500, durationSec: 10, rrMs: [RR_MS], noiseUv: 0 });

function csvUpload() {
  const n = record.leads[0].samples.length;
  const rows = [`time,${record.leads.map((l) => `${l.name}_uV`).join(',')}`];
  for (let i = 0; i < n; i++)
    rows.push(`${(i / 500).toFixed(3)},${record.leads.map((l) => Math.round(l.samples[i])).join(',')}`);
  const boundary = '----lifelinegrid';
  return {
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="grid.csv"\r\n` +
          'Content-Type: text/csv\r\n\r\n',
      ),
      Buffer.from(rows.join('\n')),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

const isMajorViewer = ([r, g, b]: [number, number, number]) =>
  r > 225 && g > 150 && g < 190 && b > 150 && b < 190;
const isMajorPdf = ([r, g, b]: [number, number, number]) => r > 200 && g < 175 && b < 170 && g > 100;
const isInk = ([r, g, b]: [number, number, number]) => r + g + b < 200;

/** Columns' topmost ink between y0 and y1: R peaks are the runs that rise above `threshold`. */
function peaks(png: Raster, x0: number, x1: number, y0: number, y1: number, threshold: number) {
  const tops: { x: number; top: number }[] = [];
  for (let x = x0; x < x1; x++) {
    let top = -1;
    for (let y = y0; y < y1 && top < 0; y++) if (isInk(pixel(png, x, y))) top = y;
    tops.push({ x, top });
  }
  const out: { x: number; top: number }[] = [];
  let run: { x: number; top: number }[] = [];
  for (const t of [...tops, { x: x1, top: -1 }]) {
    if (t.top >= 0 && t.top < threshold) run.push(t);
    else if (run.length) {
      const best = run.reduce((a, b) => (b.top < a.top ? b : a));
      const highest = run.filter((r) => r.top === best.top);
      out.push({ x: (highest[0].x + highest[highest.length - 1].x) / 2, top: best.top });
      run = [];
    }
  }
  return out;
}

describe('viewer and PDF screenshots are true to the grid', { skip }, () => {
  let e2e: E2E;
  let examId: string;
  before(async () => {
    e2e = await startE2E();
    const { ctx } = e2e;
    const tech = await ctx.login('ecg.tech');
    const { payload, contentType } = csvUpload();
    const up = await ctx.app.inject({
      method: 'POST',
      url: '/api/ecgs',
      headers: { cookie: tech, 'content-type': contentType },
      payload,
    });
    assert.equal(up.statusCode, 200, up.body);
    examId = up.json().results[0].examId;
    const patient = (
      await ctx.pool.query(
        `SELECT p.id FROM patients p JOIN organizations o ON o.id = p.organization_id
         WHERE o.code = 'QSX-RMYY' ORDER BY p.created_at, p.id OFFSET 5 LIMIT 1`,
      )
    ).rows[0].id;
    const link = await ctx.request('POST', `/api/ecgs/${examId}/link`, tech, {
      patientId: patient,
      reason: '网格校验',
    });
    assert.equal(link.statusCode, 200, link.body);
    assert.equal(await analyseExam(ctx.app, examId), 'analysed');
  });
  after(() => e2e?.close());

  test('viewer at 4 px/mm: 5 mm = 20 px, 1 mV = 40 px, 1 s = 100 px', async () => {
    const context = await e2e.browser.newContext({
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      viewport: { width: 2600, height: 1500 },
      deviceScaleFactor: 1,
    });
    await context.addInitScript(`localStorage.setItem('lifeline.pxPerMm', '${PX_PER_MM}')`);
    const page = await context.newPage();
    await loginAs(page, e2e.base, 'ecg.tech');
    await page.goto(`${e2e.base}/reading/${examId}`);
    const canvas = page.getByTestId('ecg-canvas');
    await page.locator('[data-testid="ecg-canvas"][data-traced="yes"]').waitFor({ timeout: 30000 });
    assert.equal(await canvas.getAttribute('data-px-per-mm'), String(PX_PER_MM));
    const shot = await canvas.screenshot();
    const png = await decodePng(page, shot);
    if (process.env.WRITE_DOC_IMAGES) writeFileSync(`${DOCS}viewer-25mm-s-10mm-mv.png`, shot);
    writeFileSync('/tmp/reading-grid-viewer.png', shot);

    // Grid: scan a row between horizontal lines (2.5 mm down) across the whole width.
    const { pitch, count } = meanPitch(lineCentres(png, 10, 0, png.width, isMajorViewer), 10, 5 * PX_PER_MM);
    assert.ok(count > 40, `${count} major lines`);
    assert.ok(Math.abs(pitch - 5 * PX_PER_MM) < 0.05, `5 mm lines ${pitch} px apart`);

    // Calibration pulse of the first row (x 2–9 mm, baseline at 20 mm): 10 mm high, 5 mm wide.
    const mm = PX_PER_MM;
    const pulse = darkBox(png, Math.round(2.5 * mm), 2, Math.round(8.5 * mm), Math.round(39 * mm));
    assert.ok(pulse, 'calibration pulse drawn');
    const height = pulse.bottom - pulse.top;
    assert.ok(Math.abs(height - 10 * mm) <= 1.5, `1 mV pulse ${height} px high (expected ${10 * mm})`);
    const edges = darkBox(png, 2 * mm, pulse.top + 6, 10 * mm, pulse.bottom - 6);
    assert.ok(edges);
    const width = edges.right - edges.left;
    assert.ok(Math.abs(width - 5 * mm) <= 1.5, `200 ms pulse ${width} px wide (expected ${5 * mm})`);

    // Rhythm strip (row 4 of 3×4+1: y 120–160 mm, baseline 140 mm): R peaks 1 s apart, as high as the data says.
    const baseline = 140 * mm;
    const r = peaks(png, 20 * mm, (12 + 250) * mm - 4, 125 * mm, baseline, baseline - 4 * mm);
    assert.ok(r.length >= 8, `${r.length} R peaks found`);
    const gaps = r.slice(1).map((p, i) => p.x - r[i].x);
    const meanGap = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    assert.ok(Math.abs(meanGap - (RR_MS / 1000) * 25 * mm) < 1, `RR ${meanGap} px (expected ${25 * mm})`);
    const ii = record.leads.find((l) => l.name === 'II')?.samples as Float32Array;
    const sorted = Float32Array.from(ii).sort();
    const rMv = (Math.max(...ii) - sorted[Math.floor(sorted.length / 2)]) / 1000;
    const drawn = r.map((p) => baseline - p.top);
    const median = [...drawn].sort((a, b) => a - b)[Math.floor(drawn.length / 2)];
    assert.ok(
      Math.abs(median - rMv * 10 * mm) <= 2.5,
      `R ${rMv.toFixed(2)} mV drawn ${median} px high (expected ${(rMv * 10 * mm).toFixed(1)})`,
    );
    await context.close();
  });

  test('report PDF at 254 dpi: 5 mm = 50 px, calibration pulse 10 mm × 5 mm', async () => {
    const { ctx } = e2e;
    const tech = await ctx.login('ecg.tech');
    // Opening the reading page may already have started the report.
    const existing = (await ctx.request('GET', `/api/reports?examId=${examId}`, tech)).json().items[0];
    const reportId = existing?.id ?? (await ctx.request('POST', '/api/reports', tech, { examId })).json().id;
    assert.ok(reportId, 'a report to print');
    const res = await ctx.request('GET', `/api/reports/${reportId}/pdf`, tech);
    assert.equal(res.statusCode, 200);
    const png = await pdfRaster(res.rawPayload);
    assert.ok(Math.abs(png.width - 2970) <= 1, `A4 landscape at 10 px per mm (${png.width} px)`);
    // The grid starts at (12, 34) mm; scan 2.5 mm below its top edge.
    const { pitch, count } = meanPitch(lineCentres(png, 365, 115, 2855, isMajorPdf), 30, 50);
    assert.ok(count >= 50, `${count} major lines`);
    assert.ok(Math.abs(pitch - 50) < 0.3, `5 mm lines ${pitch} px apart`);
    // First row's pulse: x 12.5–19 mm, baseline at 34 + 26 × 0.6 = 49.6 mm.
    const pulse = darkBox(png, 133, 345, 182, 500);
    assert.ok(pulse);
    assert.ok(Math.abs(pulse.bottom - pulse.top - 100) <= 3, `pulse ${pulse.bottom - pulse.top} px high`);
    const edges = darkBox(png, 125, pulse.top + 10, 188, pulse.bottom - 10);
    assert.ok(edges);
    assert.ok(Math.abs(edges.right - edges.left - 50) <= 3, `pulse ${edges.right - edges.left} px wide`);
    if (process.env.WRITE_DOC_IMAGES) {
      const dir = mkdtempSync(join(tmpdir(), 'grid-pdf-'));
      try {
        writeFileSync(join(dir, 'r.pdf'), res.rawPayload);
        await promisify(execFile)('pdftoppm', [
          '-r',
          '96',
          '-png',
          '-singlefile',
          join(dir, 'r.pdf'),
          `${DOCS}report-pdf`,
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
