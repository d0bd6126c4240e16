/**
 * ECG search and statistics in real Chromium: pinyin initials + statement + date range find the expected exams;
 * a click on a chart bar opens the list behind it; the XLSX export, converted to CSV by headless LibreOffice,
 * holds the right rows.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { loadSearchFixture, type SearchFixture } from '../apps/server/test/search-fixture';
import { browserMissing, type E2E, loginAs, setPickerText, startE2E } from './browser';

const missing = browserMissing();
let e2e: E2E;
let fx: SearchFixture;
let page: Page;

before(async () => {
  if (missing) return;
  e2e = await startE2E();
  fx = await loadSearchFixture(e2e.ctx);
  const context = await e2e.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  page = await context.newPage();
  await loginAs(page, e2e.base, 'ecg.chief');
});
after(async () => e2e?.close());

async function rowIds(p: Page): Promise<string[]> {
  await p.getByTestId('search-row').first().waitFor({ timeout: 15000 });
  // Wait for the answer of the current query (the total line changes with it).
  return (
    await p
      .getByTestId('search-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-exam-id') ?? ''))
  ).sort();
}

/** One CSV line (LibreOffice quotes text cells; no line breaks inside cells here). */
function csvCells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

test('search by pinyin initials + statement + date range finds the expected exams', {
  skip: missing,
}, async () => {
  await page.goto(`${e2e.base}/search`);
  await page.getByTestId('search-patient').fill('zxf');
  await page.getByTestId('search-statement').fill('窦性心动过速');
  await setPickerText(page, 'search-from', '2026-03-01');
  await setPickerText(page, 'search-to', '2026-03-31');
  await page.getByTestId('search-submit').click();
  await page.waitForURL(/statement=/);
  await page.getByTestId('search-total').filter({ hasText: '共 2 条' }).waitFor({ timeout: 15000 });
  assert.deepEqual(await rowIds(page), [fx.exams.e1, fx.exams.e4].sort());
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('from'), '2026-02-28T16:00:00.000Z');
  assert.equal(url.searchParams.get('to'), '2026-03-31T16:00:00.000Z');
});

test('the XLSX export, converted by LibreOffice to CSV, holds the rows of the search', {
  skip: missing,
}, async (t) => {
  const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => existsSync(p));
  if (!soffice) {
    t.skip('needs LibreOffice (apt-get install libreoffice-calc)');
    return;
  }
  await page.getByTestId('search-export').hover();
  const link = page.getByTestId('search-export-xlsx');
  await link.waitFor({ timeout: 10000 });
  const res = await page.request.get(`${e2e.base}${await link.getAttribute('href')}`);
  assert.equal(res.status(), 200);
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-xlsx-'));
  try {
    writeFileSync(join(dir, 'export.xlsx'), await res.body());
    const r = spawnSync(
      soffice,
      [
        '--headless',
        `-env:UserInstallation=file://${dir}/profile`,
        '--convert-to',
        'csv:Text - txt - csv (StarCalc):44,34,76,1',
        '--outdir',
        dir,
        join(dir, 'export.xlsx'),
      ],
      { encoding: 'utf8', timeout: 120000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const rows = readFileSync(join(dir, 'export.csv'), 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/)
      .map(csvCells);
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[0].slice(0, 2), ['检查时间', '姓名']);
    const byName = new Map(rows.slice(1).map((r) => [r[1], r]));
    assert.deepEqual([...byName.keys()].sort(), ['张晓峰', '赵晓凤'].sort());
    const zhang = byName.get('张晓峰') ?? [];
    assert.deepEqual(zhang.slice(0, 4), ['2026-03-10 09:00:00', '张晓峰', 'M', '64']);
    assert.equal(zhang[rows[0].indexOf('诊断代码')], 'STACH');
    assert.equal(zhang[rows[0].indexOf('诊断')], '窦性心动过速');
    assert.equal(zhang[rows[0].indexOf('检查ID')], fx.exams.e1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('clicking a bar of the volume chart opens the exams behind it', { skip: missing }, async () => {
  await page.goto(`${e2e.base}/stats`);
  const chart = page.getByTestId('stats-volume-chart');
  await chart.waitFor();
  // Where ECharts drew the bar of 心血管内科 in 2026-03 (stacked bars by department, per month).
  const point = await chart.evaluate(async (el) => {
    type Layout = { x: number; y: number; width: number; height: number };
    type Chart = {
      getOption(): { xAxis: { data: string[] }[]; series: { name: string }[] };
      getModel(): { getSeriesByIndex(i: number): { getData(): { getItemLayout(i: number): Layout } } };
    };
    for (let i = 0; i < 100; i++) {
      const c = (el as unknown as { __echarts?: Chart }).__echarts;
      const opt = c?.getOption();
      const cat = opt?.xAxis?.[0]?.data?.indexOf('2026-03') ?? -1;
      const series = opt?.series?.findIndex((s) => s.name === '心血管内科') ?? -1;
      if (c && cat >= 0 && series >= 0) {
        const l = c.getModel().getSeriesByIndex(series).getData().getItemLayout(cat);
        const box = el.getBoundingClientRect();
        return { x: box.left + l.x + l.width / 2, y: box.top + l.y + l.height / 2 };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('bar not drawn');
  });
  // Bars grow in with an animation; hit-testing follows the drawn shape, so click once it is complete.
  await page.waitForTimeout(1500);
  await page.mouse.click(point.x, point.y);
  await page.waitForURL(/\/search\?/);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('departmentId'), fx.depts.card);
  await page.getByTestId('search-total').filter({ hasText: '共 2 条' }).waitFor({ timeout: 15000 });
  assert.deepEqual(await rowIds(page), [fx.exams.e1, fx.exams.e4].sort());
});
