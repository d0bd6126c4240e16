import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyseExam } from '../src/modules/ecg';
import { dataFolder, file, upload } from './ecg-helpers';
import { createTestContext, type TestContext } from './helpers';
import { hubIds, logins, ok } from './report-helpers';

const muse = dataFolder('ge-muse-xml');

describe('ECG reports from real recordings', { skip: muse.skip }, () => {
  let ctx: TestContext;
  let c: Record<string, string>;
  let ids: Awaited<ReturnType<typeof hubIds>>;
  before(async () => {
    ctx = await createTestContext();
    c = await logins(ctx);
    ids = await hubIds(ctx);
  });
  after(() => ctx.close());

  test('real GE MUSE ECG: upload, analysis, report signed, PDF drawn from the recorded waveform', {
    skip: muse.skip,
  }, async () => {
    const up = await upload(ctx, c['ecg.tech'], [file(join(muse.dir, 'braveheart_example1.xml'))]);
    assert.equal(up.statusCode, 200, up.body);
    const examId = up.json().results[0].examId as string;
    await ok(ctx, 'POST', `/api/ecgs/${examId}/link`, c['ecg.tech'], {
      patientId: ids.patients[9].id,
      reason: '核对腕带',
    });
    assert.equal(await analyseExam(ctx.app, examId), 'analysed');
    const report = await ok(ctx, 'POST', '/api/reports', c['ecg.tech'], { examId });
    assert.ok(report.automaticMeasurements.heartRate > 0);
    await ok(ctx, 'POST', `/api/reports/${report.id}/check`, c['ecg.tech'], {});
    const statements = report.automaticStatements.map((st: { code: string }) => ({ code: st.code }));
    await ok(ctx, 'POST', `/api/reports/${report.id}/diagnose`, c['ecg.doctor'], {
      statements,
      conclusion: '见上述诊断',
    });
    await ok(ctx, 'POST', `/api/reports/${report.id}/review`, c['ecg.senior'], {});
    const signed = await ok(ctx, 'POST', `/api/reports/${report.id}/sign`, c['ecg.doctor'], {});
    assert.equal(signed.status, 'signed');
    const pdf = await ok(ctx, 'GET', `/api/reports/${report.id}/pdf`, c.clinician);
    const again = await ok(ctx, 'GET', `/api/reports/${report.id}/pdf`, c.clinician);
    assert.ok(pdf.equals(again), 'the signed PDF is served as stored, not rendered anew');
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    if (process.env.LIFELINE_KEEP_PDF) writeFileSync(`${process.env.LIFELINE_KEEP_PDF}.muse.pdf`, pdf);
  });
});
