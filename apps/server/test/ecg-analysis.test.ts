import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type JobRunner, startJobs } from '../src/jobs';
import { dataFolder, file, upload, waitFor } from './ecg-helpers';
import { createTestContext, type TestContext } from './helpers';

const dicom = dataFolder('dicom-ecg');
const cinc = dataFolder('cinc2021-12lead');

describe('background analysis (pg-boss)', { skip: dicom.skip || cinc.skip }, () => {
  let ctx: TestContext;
  let tech: string;
  let jobs: JobRunner | undefined;
  before(async () => {
    ctx = await createTestContext();
    tech = await ctx.login('ecg.tech');
  });
  after(async () => {
    await jobs?.stop();
    await ctx.close();
  });

  test('an exam received while no worker ran is analysed when the runner starts; a new one right away', async () => {
    const first = (await upload(ctx, tech, [file(join(dicom.dir, 'jap1968_test_ecg.dcm'))])).json()
      .results[0];
    assert.equal(first.ok, true);
    assert.equal((await ctx.request('GET', `/api/ecgs/${first.examId}`, tech)).json().status, 'acquired');
    jobs = await startJobs(ctx.app, { pollingIntervalSeconds: 0.5 });
    const analysed = await waitFor('first exam analysed', async () => {
      const e = (await ctx.request('GET', `/api/ecgs/${first.examId}`, tech)).json();
      return e.status === 'analysed' ? e : undefined;
    });
    assert.ok(analysed.analysis.statements.length > 0, 'statements stored');
    assert.ok(analysed.analysis.measurements.heartRate > 30, 'heart rate measured');
    assert.ok(Array.isArray(analysed.analysis.beats.samples), 'beats stored as a plain array');
    assert.equal(typeof analysed.critical, 'boolean');
    assert.ok(analysed.analysedAt);

    const second = (
      await upload(ctx, tech, [file(join(cinc.dir, 'E07500.hea')), file(join(cinc.dir, 'E07500.mat'))])
    ).json().results[0];
    assert.equal(second.ok, true, JSON.stringify(second));
    const done = await waitFor('second exam analysed', async () => {
      const e = (await ctx.request('GET', `/api/ecgs/${second.examId}`, tech)).json();
      return e.status === 'analysed' ? e : undefined;
    });
    assert.ok(done.analysis.statements.map((s: { code: string }) => s.code).length > 0);
    const list = (await ctx.request('GET', '/api/ecgs?status=analysed', tech)).json();
    assert.equal(list.total, 2);
  });

  test('a record the engine refuses is marked analysis-failed with the reason, not retried forever', async () => {
    const { ingestEcgFiles, analyseExam } = await import('../src/modules/ecg');
    const org = (await ctx.pool.query(`SELECT organization_id FROM users WHERE username = 'ecg.tech'`))
      .rows[0].organization_id;
    // A CSV sampled at 40 Hz: readable, but below what the engine analyses (50 Hz).
    const rows = [
      'time,I,II',
      ...Array.from({ length: 200 }, (_, i) => `${(i / 40).toFixed(3)},${i},${i}`),
    ].join('\n');
    const [r] = await ingestEcgFiles(ctx.app, {
      organizationId: org,
      files: [{ name: 'slow.csv', bytes: new TextEncoder().encode(rows) }],
      channel: 'api',
    });
    assert.ok(r.ok, JSON.stringify(r));
    // Whichever runs first (this call or the worker), the exam ends failed once, with the reason.
    const outcome = await analyseExam(ctx.app, r.examId);
    assert.ok(['failed', 'skipped'].includes(outcome));
    const exam = await waitFor('exam marked failed', async () => {
      const row = (
        await ctx.pool.query('SELECT status, analysis_error FROM ecg_exams WHERE id = $1', [r.examId])
      ).rows[0];
      return row.status === 'acquired' ? undefined : row;
    });
    assert.equal(exam.status, 'analysis-failed');
    assert.match(exam.analysis_error, /40 Hz/);
    assert.equal(await analyseExam(ctx.app, r.examId), 'skipped', 'a repeated job changes nothing');
  });

  test('linking an analysed ECG to a patient analyses it again with that patient', async () => {
    const exam = (await ctx.request('GET', '/api/ecgs?status=analysed&matched=false', tech)).json().items[0];
    assert.ok(exam, 'an analysed unmatched exam from the first test');
    const before = (await ctx.request('GET', `/api/ecgs/${exam.id}`, tech)).json().analysedAt;
    const p = await ctx.request('POST', '/api/patients', tech, {
      name: '钱红',
      sex: 'F',
      birthDate: '1940-02-02',
    });
    const res = await ctx.request('POST', `/api/ecgs/${exam.id}/link`, tech, {
      patientId: p.json().id,
      reason: '床旁核对',
    });
    assert.equal(res.statusCode, 200, res.body);
    const again = await waitFor('re-analysed', async () => {
      const e = (await ctx.request('GET', `/api/ecgs/${exam.id}`, tech)).json();
      return e.status === 'analysed' && e.analysedAt !== before ? e : undefined;
    });
    assert.ok(again.analysis.statements.length > 0);
  });
});
