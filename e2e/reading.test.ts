/**
 * The reading workstation end to end in real Chromium: a 12-lead ECG from ../shared/data (CinC 2021, JS20002;
 * a synthetic AF ECG when the folder is absent) uploaded through the API appears on the technician's worklist, is
 * opened, a measurement is corrected (and marked as altered), a statement is picked by pinyin initials and the
 * report is checked; a physician diagnoses, a senior physician reviews and signs (deciding on the omission
 * warning); the PDF's text and QR code are read back, the public verification page says valid, and after the
 * stored content is changed behind the application's back it says altered. Screenshots land in /tmp/reading-*.png.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { synthesizeEcg } from '@lifeline/ecg';
import type { Browser, Page } from 'playwright-core';
import { analyseExam } from '../apps/server/src/modules/ecg';
import { publicVerifyUrl } from '../apps/server/src/modules/reports/pdf-data';
import { searchStatements } from '../apps/web/src/reading/statementLibrary';
import { browserMissing, type E2E, loginAs, startE2E } from './browser';
import { pdfRaster, pdfText, popplerMissing, qrMismatches } from './paper';

const skip = browserMissing() ?? (await popplerMissing());
const SHARED_12LEAD = resolve(
  new URL('..', import.meta.url).pathname,
  '../shared/data/cinc2021-12lead/JS20002',
);

const AFIB = { pAmplitude: 0, rrMs: [620, 910, 540, 1010, 700, 830, 580, 960, 650, 760], noiseUv: 15 };

/** A 10 s 12-lead ECG as CSV in microvolts: atrial fibrillation (irregular RR, no P waves) or sinus rhythm. */
function ecgCsv(options: object = AFIB): Buffer {
  const record = synthesizeEcg({ sampleRate: 500, durationSec: 10, ...options });
  const n = record.leads[0].samples.length;
  const rows = [`time,${record.leads.map((l) => `${l.name}_uV`).join(',')}`];
  for (let i = 0; i < n; i++) {
    rows.push(`${(i / 500).toFixed(3)},${record.leads.map((l) => Math.round(l.samples[i])).join(',')}`);
  }
  return Buffer.from(rows.join('\n'));
}

function multipart(name: string, bytes: Buffer, ...more: [string, Buffer][]) {
  const boundary = `----lifeline${randomBytes(8).toString('hex')}`;
  const parts = [[name, bytes] as [string, Buffer], ...more].flatMap(([n, b]) => [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${n}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    b,
    Buffer.from('\r\n'),
  ]);
  const payload = Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The shared 12-lead record (WFDB header + MATLAB signal), or a synthetic AF ECG when the data is absent. */
function examUpload() {
  if (!existsSync(`${SHARED_12LEAD}.hea`)) {
    console.log('# ../shared/data/cinc2021-12lead absent: a synthetic 12-lead AF ECG is uploaded instead');
    return multipart('afib.csv', ecgCsv());
  }
  return multipart('JS20002.hea', readFileSync(`${SHARED_12LEAD}.hea`), [
    'JS20002.mat',
    readFileSync(`${SHARED_12LEAD}.mat`),
  ]);
}

async function pageAs(browser: Browser, base: string, username: string): Promise<Page> {
  const context = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1600, height: 1000 },
  });
  const page = await context.newPage();
  await loginAs(page, base, username);
  return page;
}

async function statusIs(page: Page, text: string) {
  try {
    await page.getByTestId('report-status').filter({ hasText: text }).waitFor({ timeout: 30000 });
  } catch (err) {
    await page.screenshot({ path: '/tmp/reading-failure.png', fullPage: true });
    throw err;
  }
}

describe('reading workstation in a real browser', { skip }, () => {
  let e2e: E2E;
  let examId: string;
  let patientName: string;
  before(async () => {
    e2e = await startE2E();
    const { ctx } = e2e;
    const tech = await ctx.login('ecg.tech');
    const { rows } = await ctx.pool.query<{ id: string; name: string }>(
      `SELECT p.id, p.name FROM patients p JOIN organizations o ON o.id = p.organization_id
       WHERE o.code = 'QSX-RMYY' ORDER BY p.created_at, p.id LIMIT 1`,
    );
    patientName = rows[0].name;
    const order = await ctx.request('POST', '/api/orders', tech, {
      patientId: rows[0].id,
      priority: 'stat',
      greenChannel: true,
    });
    assert.equal(order.statusCode, 200, order.body);
    // The patient's earlier ECG in sinus rhythm, so the comparison shows the AF as new.
    const earlier = multipart('sinus.csv', ecgCsv({}));
    const first = await ctx.app.inject({
      method: 'POST',
      url: '/api/ecgs',
      headers: { cookie: tech, 'content-type': earlier.contentType },
      payload: earlier.payload,
    });
    const firstId = first.json().results[0].examId;
    await ctx.request('POST', `/api/ecgs/${firstId}/link`, tech, {
      patientId: rows[0].id,
      reason: '既往心电图',
    });
    assert.equal(await analyseExam(ctx.app, firstId), 'analysed');
    const { payload, contentType } = examUpload();
    const upload = await ctx.app.inject({
      method: 'POST',
      url: '/api/ecgs',
      headers: { cookie: tech, 'content-type': contentType },
      payload,
    });
    assert.equal(upload.statusCode, 200, upload.body);
    examId = upload.json().results[0].examId;
    const link = await ctx.request('POST', `/api/ecgs/${examId}/link`, tech, {
      patientId: rows[0].id,
      orderId: order.json().id,
      reason: '端到端测试关联',
    });
    assert.equal(link.statusCode, 200, link.body);
    // The test server runs no job queue: analyse as the worker would.
    assert.equal(await analyseExam(ctx.app, examId), 'analysed');
  });
  after(() => e2e?.close());

  test('technician checks, physician diagnoses, senior reviews and signs, verification says valid', async () => {
    const { base, browser, ctx } = e2e;
    const exam = (await ctx.request('GET', `/api/ecgs/${examId}`, await ctx.login('ecg.tech'))).json();
    const engineCodes: string[] = exam.analysis.statements.map((s: { code: string }) => s.code);

    // Technician: worklist → open → pick 电轴左偏 by its pinyin initials → check.
    const tech = await pageAs(browser, base, 'ecg.tech');
    await tech.goto(`${base}/reading`);
    const row = tech.getByTestId('worklist-row').filter({ hasText: patientName }).first();
    await row.waitFor({ timeout: 15000 });
    assert.match(await row.innerText(), /绿色通道/);
    assert.match(await tech.getByTestId('worklist-timer').first().innerText(), /^\d+:\d{2}/);
    await tech.screenshot({ path: '/tmp/reading-worklist.png' });
    // Keyboard: the green-channel exam is first and selected; Enter opens it.
    await tech.keyboard.press('Enter');
    await tech.waitForURL(`**/reading/${examId}`);
    await statusIs(tech, '草稿');
    if (engineCodes.includes('AFIB')) await tech.getByTestId('comparison-new-af').waitFor({ timeout: 15000 });
    // Correct the QRS duration by hand: the automatic value stays beside it and the row is marked as altered.
    const qrsAuto = Number(exam.analysis.measurements.qrsDuration);
    assert.ok(qrsAuto > 0, 'the engine measured QRS');
    const qrsRow = tech.getByTestId('measurement-qrsDuration');
    await qrsRow.locator('input').fill(String(Math.round(qrsAuto) + 14));
    await qrsRow.getByTestId('measurement-altered').waitFor({ timeout: 10000 });
    assert.equal(
      await tech.getByTestId('measurement-altered').count(),
      1,
      'only the corrected row is marked',
    );
    assert.equal(searchStatements('dzzp')[0].code, 'LAD');
    await tech.getByTestId('statement-search').fill('dzzp');
    await tech.getByTestId('statement-option').first().filter({ hasText: '电轴左偏' }).waitFor();
    await tech.getByTestId('statement-search').press('Enter');
    await tech.getByTestId('report-statement').filter({ hasText: '电轴左偏' }).waitFor();
    await tech.getByTestId('report-check').click();
    await statusIs(tech, '技师已审');
    await tech.screenshot({ path: '/tmp/reading-page.png', fullPage: true });
    // Stored, not just on screen: after a reload the corrected value is still shown and marked.
    await tech.reload();
    await statusIs(tech, '技师已审');
    const stored = tech.getByTestId('measurement-qrsDuration');
    await stored.getByTestId('measurement-altered').waitFor({ timeout: 15000 });
    assert.equal(await stored.getAttribute('data-altered'), 'true');
    assert.match(await stored.innerText(), new RegExp(`${Math.round(qrsAuto) + 14}`));
    await tech.context().close();

    // Physician: conclusion from the statements, leaves out the computer's AF (to meet the omission check), diagnoses.
    const doctor = await pageAs(browser, base, 'ecg.doctor');
    await doctor.goto(`${base}/reading/${examId}`);
    await statusIs(doctor, '技师已审');
    const removesAf = engineCodes.includes('AFIB');
    if (removesAf) {
      await doctor
        .getByTestId('report-statement')
        .filter({ hasText: '心房颤动' })
        .getByRole('button')
        .last()
        .click();
    }
    // The physician adds a statement of their own (by pinyin initials), then builds the conclusion.
    await doctor.getByTestId('statement-search').fill('szxzw');
    await doctor.getByTestId('statement-option').first().filter({ hasText: '顺钟向转位' }).waitFor();
    await doctor.getByTestId('statement-search').press('Enter');
    await doctor.getByTestId('report-statement').filter({ hasText: '顺钟向转位' }).waitFor();
    await doctor.getByTestId('report-fill-conclusion').click();
    assert.match(await doctor.getByTestId('report-conclusion').inputValue(), /电轴左偏/);
    assert.match(await doctor.getByTestId('report-conclusion').inputValue(), /顺钟向转位/);
    await doctor.keyboard.press('Control+Enter'); // the next step: diagnose
    await statusIs(doctor, '医师已诊断');
    await doctor.context().close();

    // Senior: review, then sign, dismissing each omission warning.
    const senior = await pageAs(browser, base, 'ecg.senior');
    await senior.goto(`${base}/reading/${examId}`);
    await statusIs(senior, '医师已诊断');
    await senior.getByTestId('report-review').click();
    await statusIs(senior, '已审核');
    await senior.getByTestId('report-sign').click();
    if (removesAf) {
      const warning = senior.getByTestId('omission-warning').filter({ hasText: '心房颤动' });
      await warning.waitFor({ timeout: 10000 });
      await senior.screenshot({ path: '/tmp/reading-omission.png' });
      for (const w of await senior.getByTestId('omission-warning').all()) await w.getByText('忽略').click();
    }
    await senior.getByTestId('sign-confirm').click();
    await statusIs(senior, '已签发');
    await senior.getByTestId('report-history').getByText('签发').first().waitFor();

    const report = (
      await ctx.request('GET', `/api/reports?examId=${examId}`, await ctx.login('ecg.senior'))
    ).json().items[0];
    assert.equal(report.status, 'signed');
    const pdf = await senior.request.get(`${base}/api/reports/${report.id}/pdf`);
    assert.equal(pdf.status(), 200);
    assert.match(pdf.headers()['content-type'], /application\/pdf/);
    const link = senior.getByTestId('report-verify-link');
    const href = await link.getAttribute('href');
    assert.match(href ?? '', /^\/verify\/[A-Za-z0-9_-]+$/);
    // The paper: its text, the corrected QRS marked with *, and a QR code that reads back as the verify URL.
    const pdfBytes = await pdf.body();
    const full = (
      await ctx.request('GET', `/api/reports/${report.id}`, await ctx.login('ecg.senior'))
    ).json();
    const text = await pdfText(pdfBytes);
    for (const s of [
      '心电图报告',
      '电轴左偏',
      '顺钟向转位',
      '25 mm/s',
      '10 mm/mV',
      '扫码验证电子签名',
      full.contentHash.slice(0, 32),
    ])
      assert.ok(text.includes(s), `PDF text has ${s}`);
    assert.match(text, new RegExp(`QRS\\S* ${Math.round(qrsAuto) + 14} ms\\*`), 'corrected QRS marked');
    const raster = await pdfRaster(pdfBytes);
    const token = (href ?? '').split('/').pop() as string;
    assert.equal(
      qrMismatches(raster, publicVerifyUrl(token), 259, 176, 26),
      0,
      'QR code encodes the verify URL',
    );
    assert.ok(qrMismatches(raster, publicVerifyUrl(`${token}x`), 259, 176, 26) > 20, 'QR check can fail');
    // An amendment opens version 2 as a draft; the signed version 1 stays (and stays verifiable).
    await senior.getByTestId('report-amend').click();
    await senior.getByTestId('reason-input').fill('补充电轴描述');
    // One click on OK closes the dialog (motion is off app-wide, so no zoom-in can swallow the click: App.tsx).
    await senior.getByTestId('reason-submit').click();
    await senior
      .locator('.ant-modal')
      .filter({ has: senior.getByTestId('reason-input') })
      .waitFor({ state: 'detached', timeout: 30000 });
    await statusIs(senior, '草稿');
    await senior.getByTestId('report-versions').getByText('第 1 版 · 已签发').waitFor();
    await senior.context().close();

    // The QR target: no sign-in needed.
    const anonymous = await browser.newContext({ locale: 'zh-CN' });
    const verify = await anonymous.newPage();
    await verify.goto(`${base}${href}`);
    const status = verify.getByTestId('verify-status');
    await status.waitFor({ timeout: 30000 });
    assert.equal(await status.getAttribute('data-status'), 'valid');
    await verify.screenshot({ path: '/tmp/reading-verify.png' });

    // Someone edits the signed version's stored conclusion directly in the database (triggers bypassed):
    // the same QR target now says altered.
    const client = await ctx.pool.connect();
    try {
      await client.query('SET session_replication_role = replica');
      const changed = await client.query(
        `UPDATE ecg_report_versions SET conclusion = conclusion || '（已篡改）' WHERE report_id = $1 AND version = 1`,
        [report.id],
      );
      assert.equal(changed.rowCount, 1);
    } finally {
      await client.query('SET session_replication_role = origin');
      client.release();
    }
    await verify.reload();
    await verify
      .getByTestId('verify-status')
      .and(verify.locator('[data-status="altered"]'))
      .waitFor({ timeout: 30000 });
    await verify.screenshot({ path: '/tmp/reading-verify-altered.png' });
    await anonymous.close();
  });

  test('critical banner until acknowledged, unmatched queue link, manual order, device admin', async () => {
    const { base, browser, ctx } = e2e;
    const doctorCookie = await ctx.login('ecg.doctor');
    const raised = await ctx.request('POST', '/api/critical', doctorCookie, { examId, codes: ['VF'] });
    assert.equal(raised.statusCode, 200, raised.body);

    const doctor = await pageAs(browser, base, 'ecg.doctor');
    const banner = doctor.getByTestId('critical-banner');
    await banner.waitFor({ timeout: 15000 });
    assert.match(await banner.innerText(), /心室颤动|室颤/);
    await doctor.goto(`${base}/critical`);
    await doctor.getByTestId('critical-register').getByText(patientName).first().waitFor();
    await doctor.screenshot({ path: '/tmp/reading-critical.png' });
    await doctor.getByTestId('critical-ack').click();
    await banner.waitFor({ state: 'detached', timeout: 15000 });
    await doctor.context().close();

    // An ECG nobody can place: the technician links it from the queue.
    const tech = await ctx.login('ecg.tech');
    const csv = Buffer.from(
      [
        'time,I_uV,II_uV',
        ...Array.from({ length: 2500 }, (_, i) => `${(i / 250).toFixed(3)},${(i * 3) % 70},${(i * 11) % 90}`),
      ].join('\n'),
    );
    const { payload, contentType } = multipart('orphan.csv', csv);
    const up = await ctx.app.inject({
      method: 'POST',
      url: '/api/ecgs',
      headers: { cookie: tech, 'content-type': contentType },
      payload,
    });
    assert.equal(up.statusCode, 200, up.body);
    const orphan = up.json().results[0].examId as string;
    const page = await pageAs(browser, base, 'ecg.tech');
    await page.goto(`${base}/ecgs/unmatched`);
    await page.getByTestId('unmatched-link').first().click();
    const dialog = page.locator('.ant-modal:visible');
    await dialog.locator('.ant-select').first().click();
    await page.keyboard.type(patientName);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
    await dialog.locator('textarea').fill('申请单号手写错误，按姓名核对');
    await page.screenshot({ path: '/tmp/reading-unmatched.png' });
    await dialog.getByRole('button', { name: /OK|确\s*定/ }).click();
    await dialog.waitFor({ state: 'detached', timeout: 10000 });
    const linked = (await ctx.request('GET', `/api/ecgs/${orphan}`, tech)).json();
    assert.equal(linked.matchState, 'matched');

    // A manual order for the same patient.
    await page.goto(`${base}/orders`);
    await page.getByTestId('order-create').click({ timeout: 60000 });
    const orderDialog = page.locator('.ant-modal:visible');
    await orderDialog.locator('.ant-select').first().click();
    await page.keyboard.type(patientName);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
    await page.getByTestId('order-save').click();
    await orderDialog.waitFor({ state: 'detached', timeout: 10000 });
    await page.getByTestId('orders-list').getByText(patientName).first().waitFor({ timeout: 15000 });
    await page.screenshot({ path: '/tmp/reading-orders.png' });
    await page.context().close();

    const admin = await pageAs(browser, base, 'admin');
    await admin.goto(`${base}/admin/devices`);
    await admin.getByTestId('device-create').click();
    await admin.getByTestId('device-name').fill('心电图机 3 号');
    await admin.getByLabel('DICOM AE 名称').fill('ECG_ROOM_3');
    await admin.getByTestId('device-save').click();
    await admin.getByTestId('devices-list').getByText('ECG_ROOM_3').waitFor({ timeout: 10000 });
    await admin.screenshot({ path: '/tmp/reading-devices.png' });
    await admin.context().close();
  });
});
