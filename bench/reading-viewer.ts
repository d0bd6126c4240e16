/**
 * The ECG viewer in headless Chromium (`npm run bench -- reading-viewer`), targets from issue #5: a 10 s 12-lead
 * ECG renders in < 100 ms, a 24 h Holter scrolls at ≥ 50 frames/s.
 *
 * Render: a synthetic 10 s 12-lead ECG at 500 Hz, uploaded and analysed, opened on the reading page (3×4 + 1
 * rhythm strip, 25 mm/s, 10 mm/mV, beat markers) at 96 dpi. Measured: the canvas paint itself (grid, 12 leads and
 * rhythm strip, calibration, markers; the viewer stores each paint's duration on the canvas), and a full re-render
 * as the user sees it: a click on another gain or speed → React re-render → paint → next frame, 40 times.
 * Also the first open of the page (navigation → traced ECG on screen, including the bundle, API calls and data).
 *
 * Scroll: MIT-BIH record 100 (2 leads, 360 Hz) tiled to 24 h (31.1 M samples per lead, 249 MB blob) so the server
 * reads windows from a real day-long waveform; the exam page's viewer (continuous strip) gets one horizontal wheel
 * event per animation frame for 8 s (about 0.6 s of recording per frame, windows fetched around the view as the
 * user moves). Frames per second are the animation frames the page delivered while scrolling, each of which moved
 * the view and repainted.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { synthesizeEcg } from '@lifeline/ecg';
import type { Page } from 'playwright-core';
import type { FileBlobStore } from '../apps/server/src/blob';
import { analyseExam } from '../apps/server/src/modules/ecg';
import type { E2E } from '../e2e/browser';
import { f1, machineLine, signedInPage, stats, uploadExam, withBrowserServer } from './ui-setup';

const MITDB = resolve(new URL('..', import.meta.url).pathname, '../shared/data/mitdb');
const REPAINTS = 40;
const SCROLL_SECONDS = 8;

function csv12(): Buffer {
  const r = synthesizeEcg({ sampleRate: 500, durationSec: 10 });
  const n = r.leads[0].samples.length;
  const rows = [`time,${r.leads.map((l) => `${l.name}_uV`).join(',')}`];
  for (let i = 0; i < n; i++)
    rows.push(`${(i / 500).toFixed(3)},${r.leads.map((l) => Math.round(l.samples[i])).join(',')}`);
  return Buffer.from(rows.join('\n'));
}

async function render(e2e: E2E): Promise<string[]> {
  const examId = await uploadExam(e2e, [['bench12.csv', csv12()]]);
  const tech = await e2e.ctx.login('ecg.tech');
  const patient = (
    await e2e.ctx.pool.query(
      `SELECT p.id FROM patients p JOIN organizations o ON o.id = p.organization_id WHERE o.code = 'QSX-RMYY' LIMIT 1`,
    )
  ).rows[0].id;
  await e2e.ctx.request('POST', `/api/ecgs/${examId}/link`, tech, { patientId: patient, reason: 'bench' });
  if ((await analyseExam(e2e.ctx.app, examId)) !== 'analysed') throw new Error('analysis failed');

  const { page, context } = await signedInPage(e2e, 'ecg.tech');
  const opens: number[] = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(`${e2e.base}/reading/${examId}`);
    const handle = await page.waitForFunction(
      `(() => { const c = document.querySelector('[data-testid="ecg-canvas"]');
         return c && c.dataset.traced === 'yes' ? performance.now() : false; })()`,
      undefined,
      { polling: 'raf', timeout: 60000 },
    );
    opens.push(Number(await handle.jsonValue()));
  }
  const { paints, frames } = await repaint(page);
  await context.close();
  const p = stats(paints);
  const fr = stats(frames);
  const o = stats(opens);
  return [
    `| 10 s 12-lead, 3×4 + II, canvas paint (grid, traces, pulse, markers) | ${f1(p.median)} | ${f1(p.p95)} | ${f1(p.max)} |`,
    `| same, click on gain/speed → re-render → painted frame | ${f1(fr.median)} | ${f1(fr.p95)} | ${f1(fr.max)} |`,
    `| page opened (navigation → traced ECG, incl. bundle, API, data) | ${o.median.toFixed(0)} | ${o.p95.toFixed(0)} | ${o.max.toFixed(0)} |`,
  ];
}

/** Clicks through gains and speeds; per click the paint time and the time to the next painted frame. */
async function repaint(page: Page): Promise<{ paints: number[]; frames: number[] }> {
  // A string: the benchmarks are type-checked without the DOM library.
  return page.evaluate(`(async (runs) => {
    const canvas = document.querySelector('[data-testid="ecg-canvas"]');
    const items = [
      ...document.querySelectorAll('[data-testid="ecg-gain"] .ant-segmented-item'),
      ...document.querySelectorAll('[data-testid="ecg-speed"] .ant-segmented-item'),
    ];
    const paints = [];
    const frames = [];
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));
    for (let i = 0; i < runs; i++) {
      const before = Number(canvas.dataset.paints);
      const t0 = performance.now();
      // Alternate so that every click changes something (5, 10, 20 mm/mV; 12.5, 25, 50 mm/s).
      items[[0, 1, 2, 1, 3, 4, 5, 4][i % 8]].click();
      for (let k = 0; k < 20 && Number(canvas.dataset.paints) === before; k++) await frame();
      await frame();
      frames.push(performance.now() - t0);
      paints.push(Number(canvas.dataset.paintMs));
    }
    return { paints, frames };
  })(${REPAINTS})`);
}

/** Writes MIT-BIH 100's waveform blob repeated to 24 h into the store and points the exam at it. */
async function tileTo24h(e2e: E2E, examId: string): Promise<{ samples: number; fs: number; mb: number }> {
  const { rows } = await e2e.ctx.pool.query(
    'SELECT waveform_blob, sample_count, sample_rate, lead_names FROM ecg_exams WHERE id = $1',
    [examId],
  );
  const exam = rows[0];
  const source = await e2e.ctx.app.blobs.get(exam.waveform_blob);
  const per = exam.sample_count as number;
  const fs = exam.sample_rate as number;
  const target = 24 * 3600 * fs;
  const store = e2e.ctx.app.blobs as FileBlobStore;
  const tmp = join(e2e.ctx.dataDir, 'tile.tmp');
  const out = createWriteStream(tmp);
  const hash = createHash('sha256');
  const write = (b: Buffer) =>
    new Promise<void>((ok) => {
      hash.update(b);
      if (out.write(b)) ok();
      else out.once('drain', () => ok());
    });
  for (let lead = 0; lead < exam.lead_names.length; lead++) {
    const leadBytes = source.subarray(lead * per * 4, (lead + 1) * per * 4);
    for (let written = 0; written < target; ) {
      const n = Math.min(per, target - written);
      await write(leadBytes.subarray(0, n * 4));
      written += n;
    }
  }
  await new Promise<void>((ok, fail) => out.end((err?: Error | null) => (err ? fail(err) : ok())));
  const key = hash.digest('hex');
  mkdirSync(dirname(store.pathOf(key)), { recursive: true });
  renameSync(tmp, store.pathOf(key));
  await e2e.ctx.pool.query(
    'UPDATE ecg_exams SET waveform_blob = $2, sample_count = $3, duration_sec = $4 WHERE id = $1',
    [examId, key, target, target / fs],
  );
  return { samples: target, fs, mb: (target * exam.lead_names.length * 4) / 2 ** 20 };
}

async function scroll(e2e: E2E): Promise<string[]> {
  if (!existsSync(join(MITDB, '100.hea')))
    return ['| 24 h Holter scroll | skipped: needs ../shared/data/mitdb | | |'];
  const examId = await uploadExam(e2e, [
    ['100.hea', readFileSync(join(MITDB, '100.hea'))],
    ['100.dat', readFileSync(join(MITDB, '100.dat'))],
  ]);
  const tiled = await tileTo24h(e2e, examId);
  const { page, context } = await signedInPage(e2e, 'ecg.tech');
  await page.goto(`${e2e.base}/ecgs/${examId}`);
  await page.locator('[data-testid="ecg-canvas"][data-traced="yes"]').waitFor({ timeout: 60000 });
  await page.getByTestId('ecg-position').waitFor();
  // CPU time of the page's main thread (thread ticks, so time waiting for a core on a loaded machine is not
  // counted): tasks, script, style and layout, summed over the scroll and divided by the frames delivered.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const cpu = async () => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as {
      metrics: { name: string; value: number }[];
    };
    const m = new Map(metrics.map((x) => [x.name, x.value]));
    return {
      task: m.get('TaskDuration') ?? 0,
      script: m.get('ScriptDuration') ?? 0,
      style: (m.get('RecalcStyleDuration') ?? 0) + (m.get('LayoutDuration') ?? 0),
    };
  };
  const cpu0 = await cpu();
  const result = (await page.evaluate(`(async (seconds) => {
    const canvas = document.querySelector('[data-testid="ecg-canvas"]');
    const paints0 = Number(canvas.dataset.paints);
    const intervals = [];
    const paintMs = [];
    let last = performance.now();
    const t0 = last;
    await new Promise((done) => {
      const step = (now) => {
        intervals.push(now - last);
        last = now;
        paintMs.push(Number(canvas.dataset.paintMs));
        canvas.dispatchEvent(new WheelEvent('wheel', { deltaX: 40, bubbles: true, cancelable: true }));
        if (now - t0 < seconds * 1000) requestAnimationFrame(step);
        else done();
      };
      requestAnimationFrame(step);
    });
    return {
      intervals: intervals.slice(1),
      paintMs,
      paints: Number(canvas.dataset.paints) - paints0,
      elapsed: last - t0,
      position: document.querySelector('[data-testid="ecg-position"]')?.textContent ?? '',
    };
  })(${SCROLL_SECONDS})`)) as {
    intervals: number[];
    paintMs: number[];
    paints: number;
    elapsed: number;
    position: string;
  };
  const cpu1 = await cpu();
  await context.close();
  const fps = result.intervals.length / (result.elapsed / 1000);
  const frames = result.intervals.length + 1;
  const taskPerFrame = ((cpu1.task - cpu0.task) * 1000) / frames;
  const scriptPerFrame = ((cpu1.script - cpu0.script) * 1000) / frames;
  const stylePerFrame = ((cpu1.style - cpu0.style) * 1000) / frames;
  const iv = stats(result.intervals);
  const pm = stats(result.paintMs);
  const slow = result.intervals.filter((i) => i > 1000 / 30).length;
  return [
    `| 24 h Holter scroll: main-thread CPU per frame (thread time: all tasks; of which script, style + layout) | ${f1(taskPerFrame)}; script ${f1(scriptPerFrame)}; style+layout ${f1(stylePerFrame)} | | |`,
    `| 24 h Holter (${tiled.samples / tiled.fs / 3600} h, 2 leads, ${tiled.fs} Hz, ${tiled.mb.toFixed(0)} MB), wheel-scrolled ${SCROLL_SECONDS} s to ${result.position}: **${fps.toFixed(1)} frames/s**, ${(result.paints / (result.elapsed / 1000)).toFixed(1)} paints/s, ${slow} frames > 33 ms | frame ${f1(iv.median)} ms; paint ${f1(pm.median)} ms | frame ${f1(iv.p95)}; paint ${f1(pm.p95)} | frame ${f1(iv.max)}; paint ${f1(pm.max)} |`,
  ];
}

export async function run(): Promise<string> {
  return withBrowserServer('ECG viewer (render and scroll)', async (e2e) => {
    const load = loadavg();
    const rows = [...(await render(e2e)), ...(await scroll(e2e))];
    return [
      '## ECG viewer: render and scroll',
      '',
      machineLine(load),
      '',
      '| what | median ms | p95 ms | max ms |',
      '|---|---|---|---|',
      ...rows,
      '',
    ].join('\n');
  });
}
