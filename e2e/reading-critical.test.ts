/**
 * Critical values end to end: the ordering clinician (cardiology) and the ECG chief have the app open in two
 * browsers; a critical 12-lead ECG from ../shared/data (CinC 2021 JS20012: long QT with R-on-T premature beats,
 * flagged by the engine) is uploaded for a cardiology order and analysed. The server's critical-value sweep
 * (running as in production, woken by the live "analysed" event) registers it, and the banner must appear on
 * the clinician's open screen without anyone reloading; nobody acknowledges, so after the configured time it
 * escalates (the banner says so, the chief is notified), then the clinician acknowledges. The test only holds a
 * generous bound (10 s on a busy 2-core machine); the latency against the 2 s target is measured by
 * `npm run bench -- critical-alert`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startCriticalSweeps } from '../apps/server/src/modules/critical';
import { analyseExam } from '../apps/server/src/modules/ecg';
import { browserMissing, type E2E, loginAs, startE2E } from './browser';

const RECORD = resolve(new URL('..', import.meta.url).pathname, '../shared/data/cinc2021-12lead/JS20012');
const skip = browserMissing() ?? (!existsSync(`${RECORD}.hea`) && 'needs ../shared/data/cinc2021-12lead');

function wfdbUpload(): { payload: Buffer; contentType: string } {
  const boundary = `----lifeline${randomBytes(8).toString('hex')}`;
  const parts = ['hea', 'mat'].flatMap((ext) => [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="JS20012.${ext}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    readFileSync(`${RECORD}.${ext}`),
    Buffer.from('\r\n'),
  ]);
  return {
    payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** Signs in and waits until the page's live socket is subscribed to the organisation's critical topic. */
async function openScreen(browser: Browser, base: string, username: string, path: string): Promise<Page> {
  const context = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1400, height: 900 },
  });
  const page = await context.newPage();
  const subscribed = new Promise<void>((resolveSubscribed) => {
    page.on('websocket', (ws) => {
      ws.on('framereceived', ({ payload }) => {
        const text = String(payload);
        if (text.includes('"subscribed"') && text.includes('ecg.critical')) resolveSubscribed();
      });
    });
  });
  await loginAs(page, base, username);
  await page.goto(`${base}${path}`);
  await Promise.race([
    subscribed,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`${username}: no live subscription`)), 30000),
    ),
  ]);
  return page;
}

describe('critical value reaches the ordering department live and escalates', { skip }, () => {
  let e2e: E2E;
  let sweeps: ReturnType<typeof startCriticalSweeps> | undefined;
  before(async () => {
    e2e = await startE2E();
    // The test server runs no background jobs; start the critical sweep as main.ts does (1 s timer here).
    sweeps = startCriticalSweeps(e2e.ctx.app, 1);
    await sweeps.ready;
  });
  after(async () => {
    await sweeps?.stop();
    await e2e?.close();
  });

  test('JS20012 → banner on the clinician screen, live → escalation → acknowledgement', async () => {
    const { base, browser, ctx } = e2e;
    const admin = await ctx.login('admin');
    const settings = await ctx.request('PUT', '/api/report-settings', admin, { criticalAckMinutes: 0.1 });
    assert.equal(settings.statusCode, 200, settings.body);
    const bad = await ctx.request('PUT', '/api/report-settings', admin, { criticalAckMinutes: -1 });
    assert.equal(bad.statusCode, 400, 'a negative acknowledgement time is refused');

    const { rows } = await ctx.pool.query<{ patient: string; dept: string }>(
      `SELECT p.id AS patient, d.id AS dept FROM patients p
         JOIN organizations o ON o.id = p.organization_id
         JOIN departments d ON d.organization_id = o.id AND d.code = 'CARD'
       WHERE o.code = 'QSX-RMYY' ORDER BY p.created_at, p.id OFFSET 3 LIMIT 1`,
    );
    const { patient, dept } = rows[0];
    const tech = await ctx.login('ecg.tech');
    const order = await ctx.request('POST', '/api/orders', tech, {
      patientId: patient,
      priority: 'urgent',
      orderingDepartmentId: dept,
      orderingClinician: 'clinician',
    });
    assert.equal(order.statusCode, 200, order.body);

    // Two open screens: the ordering clinician on the orders list, the ECG chief on the worklist.
    const clinician = await openScreen(browser, base, 'clinician', '/orders');
    const chief = await openScreen(browser, base, 'ecg.chief', '/reading');
    assert.equal(await clinician.getByTestId('critical-banner').count(), 0, 'no banner before the ECG');

    const { payload, contentType } = wfdbUpload();
    const up = await ctx.app.inject({
      method: 'POST',
      url: '/api/ecgs',
      headers: { cookie: tech, 'content-type': contentType },
      payload,
    });
    assert.equal(up.statusCode, 200, up.body);
    const examId = up.json().results[0].examId as string;
    const link = await ctx.request('POST', `/api/ecgs/${examId}/link`, tech, {
      patientId: patient,
      orderId: order.json().id,
      reason: '危急值端到端测试',
    });
    assert.equal(link.statusCode, 200, link.body);

    // Analysis as the worker does it; it announces the critical ECG on the live channel.
    assert.equal(await analyseExam(ctx.app, examId), 'analysed');
    const analysedAt = Date.now();
    const banner = clinician.getByTestId('critical-banner');
    try {
      // A generous functional bound for a 2-core machine shared with other work; the latency itself is measured
      // by the critical-alert benchmark against the 2 s target (docs/benchmarks.md).
      await banner.waitFor({ timeout: 10000 });
    } catch (err) {
      // Say where it stopped: not flagged, not registered, or registered but not shown.
      const exam = (await ctx.request('GET', `/api/ecgs/${examId}`, tech)).json();
      const entries = (await ctx.request('GET', `/api/critical?examId=${examId}`, tech)).json();
      await clinician.screenshot({ path: '/tmp/reading-critical-failure.png' });
      throw new Error(
        `no banner within 10 s: exam critical=${exam.critical}, findings=${JSON.stringify(exam.analysis?.critical)}, ` +
          `register=${JSON.stringify(entries.items?.map((i: { createdAt: string }) => i.createdAt))}: ${err}`,
      );
    }
    console.log(
      `# critical banner on the clinician's screen ${Date.now() - analysedAt} ms after the analysis`,
    );
    assert.match(await banner.innerText(), /QT间期延长/);
    await clinician.screenshot({ path: '/tmp/reading-critical-live.png' });
    await chief.getByTestId('critical-banner').waitFor({ timeout: 5000 });

    const register = (
      await ctx.request('GET', `/api/critical?examId=${examId}&source=engine`, await ctx.login('clinician'))
    ).json();
    assert.equal(register.total, 1);
    const entry = register.items[0];
    assert.equal(entry.departmentId, dept);
    assert.equal(entry.escalationLevel, 0);

    // Nobody acknowledges: after 6 s (0.1 min) the sweep escalates; both open screens show it without reload.
    await clinician.getByText('已升级（第 1 级）').waitFor({ timeout: 30000 });
    await chief.getByText('已升级（第 1 级）').waitFor({ timeout: 15000 });
    const detail = (
      await ctx.request('GET', `/api/critical/${entry.id}`, await ctx.login('clinician'))
    ).json();
    assert.ok(detail.escalationLevel >= 1);
    assert.equal(detail.overdue, true);
    const inbox = (await ctx.request('GET', '/api/notifications', await ctx.login('ecg.chief'))).json();
    assert.ok(
      inbox.items.some((n: { kind: string }) => n.kind === 'ecg.critical.escalation'),
      'chief told',
    );
    await clinician.screenshot({ path: '/tmp/reading-critical-escalated.png' });

    // The clinician acknowledges from the banner; it leaves both screens.
    await clinician.getByTestId('critical-ack').click();
    await banner.waitFor({ state: 'detached', timeout: 15000 });
    await chief.getByTestId('critical-banner').waitFor({ state: 'detached', timeout: 40000 });
    const done = (await ctx.request('GET', `/api/critical/${entry.id}`, await ctx.login('clinician'))).json();
    assert.ok(done.acknowledgedAt, 'acknowledged');
    assert.match(done.acknowledgedByName, /刘洋/);
    await clinician.context().close();
    await chief.context().close();
  });
});
