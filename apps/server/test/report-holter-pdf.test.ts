/**
 * The Holter report PDF: layout from hand-made figures (always runs), and a real 30-min MIT-BIH record (201, with
 * AF, pauses and ventricular ectopy) uploaded, analysed as a Holter, reported, signed, and its PDF read back with
 * pdftotext: every summary figure of GET /api/ecgs/:id/holter is on page 1, the hourly table and event strips follow.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { analyseExam } from '../src/modules/ecg';
import { loadReportFont, type PdfReportData, reportFontConfig } from '../src/modules/reports/pdf';
import { type HolterPdfData, renderHolterPdf } from '../src/modules/reports/pdf-holter';
import { clockAt } from '../src/modules/reports/pdf-holter-data';
import { dataFolder, file, upload } from './ecg-helpers';
import { createTestContext, type TestContext } from './helpers';
import { hubIds, logins, ok } from './report-helpers';

const run = promisify(execFile);
const mitdb = dataFolder('mitdb');

async function poppler(): Promise<boolean> {
  try {
    await run('pdftotext', ['-v']);
    return true;
  } catch {
    return false;
  }
}

/** Text of each page (pdftotext separates pages with a form feed). */
async function pages(pdf: Buffer): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'holter-pdf-'));
  try {
    writeFileSync(join(dir, 'r.pdf'), pdf);
    const { stdout } = await run('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { maxBuffer: 1 << 24 });
    return stdout.split('\f').filter((p) => p.trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BASE: PdfReportData = {
  hospital: '青山县人民医院',
  title: '动态心电图报告  Holter ECG Report',
  recordDuration: '24 h 00 min',
  department: '心电图室',
  patient: { name: '测试患者', sex: '男', age: '66岁', identifiers: [] },
  order: null,
  acquiredAt: '2026-11-20 08:00:00',
  device: null,
  reportNo: 'ABCDEF12-1',
  version: 1,
  draft: true,
  amendmentReason: null,
  measurements: [],
  statements: ['阵发性心房颤动（Paroxysmal atrial fibrillation）'],
  conclusion: '阵发性房颤，房颤负荷 12.5%',
  freeText: '',
  comparison: null,
  signatures: [],
  verifyUrl: null,
  contentHash: null,
  waveform: null,
  filters: '',
};

function figures(strips: number, hours: number): HolterPdfData {
  const wave = new Float32Array(8 * 250).map((_, i) => (i % 250 < 10 ? 1200 : 0));
  return {
    duration: `${hours} h 00 min`,
    heartRate: { min: 41, mean: 72, max: 151, minAt: '03:12:40 (+19:12:40)', maxAt: '15:02:11 (+07:02:11)' },
    counts: { total: 103_456, N: 99_000, S: 1234, V: 3222 },
    pvcBurdenPercent: 3.11,
    pacBurdenPercent: 1.19,
    runs: {
      vCouplets: 17,
      vRuns: 2,
      longestVRunBeats: 5,
      svCouplets: 9,
      svRuns: 4,
      longestSvRunBeats: 11,
      bigeminyEpisodes: 3,
      trigeminyEpisodes: 1,
    },
    pauses: { atLeast2s: 6, atLeast3s: 1, longestMs: 3240, longestAt: '02:10:00 (+18:10:00)' },
    af: { burdenPercent: 12.5, episodes: 3, longestSec: 5400 },
    hrv: { sdnn: 118, rmssd: 31, pnn50: 7.4 },
    hourly: Array.from({ length: hours }, (_, i) => ({
      label: `${String((8 + i) % 24).padStart(2, '0')}:00`,
      beats: 4000 + i,
      minHr: 50,
      meanHr: 66,
      maxHr: 98,
      V: i,
      S: 2 * i,
    })),
    strips: Array.from({ length: strips }, (_, i) => ({
      title: `停搏 Pause ${i}.50 s`,
      at: `0${i}:00:00 (+0${i}:00:00)`,
      lead: 'MLII',
      sampleRate: 250,
      samples: wave,
    })),
  };
}

describe('Holter report PDF', () => {
  test('layout: summary, hourly table, six strips per page, draft mark; clock times', async (t) => {
    if (!(await poppler())) return t.skip('needs pdftotext (apt-get install poppler-utils)');
    const font = loadReportFont(reportFontConfig().path, reportFontConfig().name);
    const pdf = await renderHolterPdf(BASE, figures(8, 24), font);
    const text = await pages(pdf);
    assert.equal(text.length, 4, 'summary, hourly, 2 strip pages (6 + 2)');
    for (const s of [
      '动态心电图摘要',
      '103456',
      '72 bpm',
      '41 bpm',
      '03:12:40',
      '151 bpm',
      '3222（3.1 %）',
    ]) {
      assert.ok(text[0].includes(s), `page 1 has ${s}`);
    }
    for (const s of ['1234（1.2 %）', '12.5 %', '90 min', '3.24 s', 'SDNN', '118 ms', '阵发性房颤', '草稿']) {
      assert.ok(text[0].includes(s), `page 1 has ${s}`);
    }
    assert.match(text[1], /逐小时统计/);
    assert.match(text[1], /08:00\s+4000\s+50\s+66\s+98\s+0\s+0/);
    assert.match(text[1], /07:00\s+4023\s+50\s+66\s+98\s+23\s+46/, 'the 24th hour');
    assert.equal((text[2].match(/停搏 Pause/g) ?? []).length, 6);
    assert.equal((text[3].match(/停搏 Pause/g) ?? []).length, 2);
    assert.match(text[2], /25 mm\/s\s+10 mm\/mV/);

    // No events: no strip pages; more than 52 hours: the rest is said to be missing, not silently cut.
    const long = await pages(await renderHolterPdf(BASE, figures(0, 60), font));
    assert.equal(long.length, 2);
    assert.match(long[1], /另有 8 小时未列出/);
  });

  test('clock times follow the organisation zone; unknown start gives the offset only', () => {
    const start = new Date('2026-11-20T00:00:00Z');
    assert.equal(clockAt(start, 3661, 'Asia/Shanghai'), '09:01:01 (+01:01:01)');
    assert.equal(clockAt(null, 86_399, 'Asia/Shanghai'), '+23:59:59');
  });
});

describe('Holter report from a real recording', { skip: mitdb.skip }, () => {
  let ctx: TestContext;
  let c: Record<string, string>;
  before(async () => {
    ctx = await createTestContext();
    c = await logins(ctx);
  });
  after(() => ctx.close());

  test('MIT-BIH 201: analysed as Holter, signed; the PDF carries its figures, hourly rows and strips', async (t) => {
    if (!(await poppler())) return t.skip('needs pdftotext (apt-get install poppler-utils)');
    const ids = await hubIds(ctx);
    const up = await upload(ctx, c['ecg.tech'], [
      file(join(mitdb.dir, '201.hea')),
      file(join(mitdb.dir, '201.dat')),
      file(join(mitdb.dir, '201.atr')),
    ]);
    assert.equal(up.statusCode, 200, up.body);
    const examId = up.json().results[0].examId as string;
    await ok(ctx, 'POST', `/api/ecgs/${examId}/link`, c['ecg.tech'], {
      patientId: ids.patients[4].id,
      reason: '核对',
    });
    assert.equal(await analyseExam(ctx.app, examId), 'analysed');
    const h = await ok(ctx, 'GET', `/api/ecgs/${examId}/holter`, c['ecg.doctor']);
    assert.ok(h.af.burdenPercent > 0, 'record 201 has AF');

    const report = await ok(ctx, 'POST', '/api/reports', c['ecg.tech'], { examId });
    assert.equal(report.template, 'holter');
    const draft = await ctx.request('GET', `/api/reports/${report.id}/pdf`, c['ecg.doctor']);
    assert.equal(draft.statusCode, 200, draft.body);
    const draftText = await pages(draft.rawPayload);
    assert.match(draftText[0], /草稿/);

    await ok(ctx, 'POST', `/api/reports/${report.id}/check`, c['ecg.tech'], {});
    const statements = report.automaticStatements.map((s: { code: string }) => ({ code: s.code }));
    await ok(ctx, 'POST', `/api/reports/${report.id}/diagnose`, c['ecg.doctor'], {
      statements: statements.length ? statements : [{ text: '阵发性心房颤动' }],
      conclusion: '阵发性心房颤动，室性早搏',
    });
    for (let level = 0; level < report.reviewLevels; level++)
      await ok(ctx, 'POST', `/api/reports/${report.id}/review`, c['ecg.senior'], {});
    const signed = await ok(ctx, 'POST', `/api/reports/${report.id}/sign`, c['ecg.doctor'], {});
    assert.equal(signed.status, 'signed');
    const started = performance.now();
    const res = await ctx.request('GET', `/api/reports/${report.id}/pdf`, c.clinician);
    assert.equal(res.statusCode, 200);
    const ms = performance.now() - started;
    const text = await pages(res.rawPayload);
    if (process.env.LIFELINE_KEEP_PDF)
      writeFileSync(`${process.env.LIFELINE_KEEP_PDF}.holter.pdf`, res.rawPayload);
    assert.ok(
      text.length >= 3,
      `summary, hourly table and strips (${text.length} pages, served in ${ms} ms)`,
    );
    const p1 = text[0];
    assert.ok(p1.includes('动态心电图摘要'));
    assert.ok(p1.includes(String(h.counts.total)), 'total beats');
    assert.ok(p1.includes(`${Math.round(h.heartRate.meanHr)} bpm`), 'mean HR');
    assert.ok(
      p1.includes(`${h.heartRate.minHr} bpm`) && p1.includes(`${h.heartRate.maxHr} bpm`),
      'min/max HR',
    );
    assert.ok(p1.includes(`${h.counts.V}（`), 'V beats');
    assert.ok(p1.includes(`${h.counts.S}（`), 'S beats');
    assert.ok(p1.includes(`${(Math.round(h.af.burdenPercent * 10) / 10).toFixed(1)} %`), 'AF burden');
    assert.ok(p1.includes('扫码验证电子签名'), 'QR code of the signature');
    assert.match(text[1], /逐小时统计/);
    for (const hour of h.hourly)
      assert.ok(text[1].includes(String(hour.beats)), `hour row with ${hour.beats} beats`);
    const strips = text.slice(2).join('\n');
    assert.match(strips, /房颤 AF onset/);
    assert.match(strips, /MLII/);
  });

  test('a Holter template on a resting ECG prints the resting layout (no Holter analysis to show)', async () => {
    const ids = await hubIds(ctx);
    const { makeExam } = await import('./report-helpers');
    const examId = await makeExam(ctx, { orgId: ids.org, patientId: ids.patients[2].id });
    const report = await ok(ctx, 'POST', '/api/reports', c['ecg.tech'], { examId });
    await ok(ctx, 'PATCH', `/api/reports/${report.id}`, c['ecg.tech'], { template: 'holter' });
    const res = await ctx.request('GET', `/api/reports/${report.id}/pdf`, c.clinician);
    assert.equal(res.statusCode, 200);
    if (!(await poppler())) return;
    const text = await pages(res.rawPayload);
    assert.equal(text.length, 1);
    assert.ok(!text[0].includes('动态心电图摘要'));
    assert.ok(text[0].includes('aVR'));
  });
});
