/**
 * Holter end to end in real Chromium: the ISHNE sample (.ecg + .ann) uploaded through the API is analysed as a
 * Holter, its page shows the summary cards and the hourly heart-rate chart, and clicking an event moves the
 * viewer to that time. With ../shared/data/mitdb present, a 30-min AF record is opened too (AF burden shown,
 * an AF episode jumped to). Screenshots land in /tmp/holter-*.png.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { analyseExam } from '../apps/server/src/modules/ecg';
import { browserMissing, type E2E, loginAs, startE2E } from './browser';

const DATA = resolve(new URL('..', import.meta.url).pathname, '../shared/data');
const ISHNE = join(DATA, 'ishne-holter');
const MITDB = join(DATA, 'mitdb');
const skip = browserMissing() ?? (!existsSync(ISHNE) && 'needs ../shared/data/ishne-holter');

function multipart(paths: string[]) {
  const boundary = `----lifeline${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const p of paths) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${p.split('/').pop()}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      readFileSync(p),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function uploadAnalysed(e2e: E2E, cookie: string, paths: string[]): Promise<string> {
  const { payload, contentType } = multipart(paths);
  const res = await e2e.ctx.app.inject({
    method: 'POST',
    url: '/api/ecgs',
    headers: { cookie, 'content-type': contentType },
    payload,
  });
  assert.equal(res.statusCode, 200, res.body);
  const examId = res.json().results[0].examId;
  // The test server runs no job queue: analyse as the worker would.
  assert.equal(await analyseExam(e2e.ctx.app, examId), 'analysed');
  return examId;
}

async function openExam(e2e: E2E, examId: string): Promise<Page> {
  const context = await e2e.browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1600, height: 1000 },
  });
  const page = await context.newPage();
  await loginAs(page, e2e.base, 'ecg.tech');
  await page.goto(`${e2e.base}/ecgs/${examId}`);
  try {
    await page.getByTestId('holter-section').waitFor({ timeout: 30000 });
  } catch (err) {
    await page.screenshot({ path: '/tmp/holter-failure.png', fullPage: true });
    throw err;
  }
  return page;
}

/** Clicks an event row and waits for the viewer's position to change. */
async function jumpToEvent(page: Page, row: Locator): Promise<{ before: string; after: string }> {
  const position = page.getByTestId('ecg-position');
  const before = await position.innerText();
  await row.click();
  await page.waitForFunction(
    `document.querySelector('[data-testid="ecg-position"]')?.textContent !== ${JSON.stringify(before)}`,
    undefined,
    { timeout: 10000 },
  );
  return { before, after: await position.innerText() };
}

describe('Holter in a real browser', { skip }, () => {
  let e2e: E2E;
  let tech: string;
  before(async () => {
    e2e = await startE2E();
    tech = await e2e.ctx.login('ecg.tech');
  });
  after(() => e2e?.close());

  test('ISHNE upload: summary cards, hourly chart, an event click moves the viewer', async () => {
    const examId = await uploadAnalysed(e2e, tech, [
      join(ISHNE, 'ECG_P28.01.ecg'),
      join(ISHNE, 'ECG_P28.01.ann'),
    ]);
    const holter = (await e2e.ctx.request('GET', `/api/ecgs/${examId}/holter`, tech)).json();
    assert.ok(holter.events.length > 0, 'the sample has events to click');
    const page = await openExam(e2e, examId);
    try {
      const total = await page.getByTestId('holter-total-beats').innerText();
      assert.match(total, new RegExp(String(holter.counts.total)));
      assert.match(await page.getByTestId('holter-summary').innerText(), /室性早搏/);
      assert.match(await page.getByTestId('holter-hrv').innerText(), /SDNN/);
      // ECharts draws into a canvas inside the chart box.
      await page.getByTestId('holter-hourly-chart').locator('canvas').first().waitFor();
      // The first event far enough in for the view to move (the viewer starts at 0 s).
      const index = holter.events.findIndex((e: { startSec: number }) => e.startSec > 5);
      assert.ok(index >= 0 && index < 8, 'an event on the first page of the list');
      const first = holter.events[index];
      const rows = page.getByTestId('holter-events').locator('tbody tr.ant-table-row');
      const { after: pos } = await jumpToEvent(page, rows.nth(index));
      const [h, m, s] = pos.split(':').map(Number);
      const shown = h * 3600 + m * 60 + s;
      assert.ok(
        Math.abs(shown - Math.max(0, first.startSec - 1)) <= 1.5,
        `viewer at ${pos}, event at ${first.startSec} s`,
      );
      await page.screenshot({ path: '/tmp/holter-ishne.png', fullPage: true });
    } catch (err) {
      await page.screenshot({ path: '/tmp/holter-failure.png', fullPage: true });
      throw err;
    } finally {
      await page.context().close();
    }
  });

  test('30-min MIT-BIH 201: AF burden on the page, an AF episode opens in the viewer', {
    skip: !existsSync(MITDB) && 'needs ../shared/data/mitdb',
  }, async () => {
    const examId = await uploadAnalysed(
      e2e,
      tech,
      ['201.hea', '201.dat', '201.atr'].map((f) => join(MITDB, f)),
    );
    const page = await openExam(e2e, examId);
    try {
      assert.match(await page.getByTestId('holter-summary').innerText(), /房颤负荷/);
      // The filter above the list keeps AF episodes only; the second one opens (the first may start at 0 s).
      await page.getByTestId('holter-event-filter').click();
      await page.locator('.ant-select-item-option').filter({ hasText: '房颤/房扑' }).click();
      const rows = page.getByTestId('holter-events').locator('tbody tr.ant-table-row');
      await rows.first().filter({ hasText: '房颤/房扑' }).waitFor();
      const { before: from, after: to } = await jumpToEvent(page, rows.nth(1));
      assert.notEqual(from, to);
      await page.screenshot({ path: '/tmp/holter-mitdb201.png', fullPage: true });
    } catch (err) {
      await page.screenshot({ path: '/tmp/holter-failure.png', fullPage: true });
      throw err;
    } finally {
      await page.context().close();
    }
  });
});
