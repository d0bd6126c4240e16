/**
 * Holter through the product: long recordings uploaded through the API are analysed by the job with the
 * streaming HolterAnalyzer over range reads of the stored waveform; the stored summary and beat blob must equal
 * what the engine's own summariseHolter finds on the same record; critical pauses raise the exam's flag;
 * the endpoints are organisation-scoped.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type EcgRecord, type HolterSummary, summariseHolter, synthesizeEcg } from '@lifeline/ecg';
import { readEcgFiles } from '@lifeline/formats';
import { analyseExam } from '../src/modules/ecg';
import { holterLeads } from '../src/modules/ecg/holter';
import { dataFolder, file, upload } from './ecg-helpers';
import { createTestContext, type TestContext } from './helpers';

type TestContextLike = { diagnostic(message: string): void };

const ishne = dataFolder('ishne-holter');
const mitdb = dataFolder('mitdb');

/** The record as the engine sees it, limited to the leads the job analyses. */
function engineSummary(files: string[]): HolterSummary {
  const [read] = readEcgFiles(files.map((p) => ({ name: p.split('/').pop() ?? p, bytes: readFileSync(p) })));
  assert.ok(read && 'record' in read, 'readable');
  const record = (read as { record: EcgRecord }).record;
  const leads = holterLeads(record.leads.map((l) => l.name));
  return summariseHolter({ ...record, leads: record.leads.filter((l) => leads.includes(l.name)) });
}

async function uploadAndAnalyse(ctx: TestContext, cookie: string, files: string[]): Promise<string> {
  const res = await upload(ctx, cookie, files.map(file));
  assert.equal(res.statusCode, 200, res.body);
  const result = res.json().results[0];
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.equal(await analyseExam(ctx.app, result.examId), 'analysed');
  return result.examId;
}

function assertSameAsEngine(served: Record<string, unknown>, engine: HolterSummary, t: TestContextLike) {
  t.diagnostic(
    `beats ${JSON.stringify(engine.counts)}; V ${engine.pvcBurdenPercent} %, S ${engine.pacBurdenPercent} %, ` +
      `AF ${engine.af.burdenPercent} %, pauses ≥2 s ${engine.pauses.atLeast2s}, events ${engine.events.length}`,
  );
  assert.deepEqual(served.counts, engine.counts);
  assert.equal(served.pvcBurdenPercent, engine.pvcBurdenPercent);
  assert.equal(served.pacBurdenPercent, engine.pacBurdenPercent);
  assert.deepEqual(served.pauses, JSON.parse(JSON.stringify(engine.pauses)));
  assert.equal((served.af as HolterSummary['af']).burdenPercent, engine.af.burdenPercent);
  assert.deepEqual(served.runs, JSON.parse(JSON.stringify(engine.runs)));
  assert.deepEqual(served.hrv, JSON.parse(JSON.stringify(engine.hrv)));
  assert.equal(
    (served.events as unknown[]).length,
    engine.events.length + engine.af.episodes.length,
    'every rhythm event and AF episode listed',
  );
}

describe('Holter analysis of long recordings', () => {
  let ctx: TestContext;
  let tech: string;
  before(async () => {
    ctx = await createTestContext();
    tech = await ctx.login('ecg.tech');
  });
  after(async () => ctx.close());

  test('ISHNE sample: summary and beats equal the engine on the same record', {
    skip: ishne.skip,
  }, async (t) => {
    const files = [join(ishne.dir, 'ECG_P28.01.ecg'), join(ishne.dir, 'ECG_P28.01.ann')];
    const id = await uploadAndAnalyse(ctx, tech, files);
    const engine = engineSummary(files);
    const res = await ctx.request('GET', `/api/ecgs/${id}/holter`, tech);
    assert.equal(res.statusCode, 200, res.body);
    const served = res.json();
    assertSameAsEngine(served, engine, t);
    assert.ok(engine.counts.total > 60, `beats found (${engine.counts.total})`);
    assert.equal(served.beatCount, engine.counts.total);
    assert.deepEqual(served.leadsAnalysed, ['II', 'V1', 'V5']);
    assert.ok(served.hourly.length >= 1 && served.hourly[0].meanHr > 30);
    assert.equal(served.beatIndex, undefined, 'the internal index is not served');

    // Every beat through the window endpoint, in two halves, equals the engine's beat count.
    const half = served.durationSec / 2;
    const a = (await ctx.request('GET', `/api/ecgs/${id}/beats?from=0&to=${half}`, tech)).json();
    const b = (
      await ctx.request('GET', `/api/ecgs/${id}/beats?from=${half}&to=${served.durationSec + 1}`, tech)
    ).json();
    assert.equal(a.samples.length + b.samples.length, engine.counts.total);
    assert.equal(a.classes.length, a.samples.length);
    assert.ok(a.samples.every((s: number) => s < half * a.sampleRate));
    assert.ok(b.samples.every((s: number) => s >= half * b.sampleRate));

    // The representative strip's measurements stay on the exam; its beats sit at their place in the recording.
    const exam = (await ctx.request('GET', `/api/ecgs/${id}`, tech)).json();
    assert.ok(exam.analysis.measurements.heartRate > 30);
    assert.ok(exam.analysis.beats.samples[0] >= served.stripFromSec * served.sampleRate);

    const audit = await ctx.pool.query(
      `SELECT action FROM audit_log WHERE resource_id = $1 AND action IN ('ecg.holter.read', 'ecg.beats.read')`,
      [id],
    );
    assert.equal(audit.rowCount, 3, 'summary and both windows audited');

    const other = await ctx.login('town.tech');
    assert.equal((await ctx.request('GET', `/api/ecgs/${id}/holter`, other)).statusCode, 404);
    assert.equal((await ctx.request('GET', `/api/ecgs/${id}/beats?from=0&to=10`, other)).statusCode, 404);
    assert.equal((await ctx.request('GET', `/api/ecgs/${id}/beats?from=0&to=4000`, tech)).statusCode, 400);
  });

  test('30-min MIT-BIH record 201 (AF): same counts, burdens and events as the engine', {
    skip: mitdb.skip,
  }, async (t) => {
    const files = ['201.hea', '201.dat', '201.atr'].map((f) => join(mitdb.dir, f));
    const id = await uploadAndAnalyse(ctx, tech, files);
    const engine = engineSummary(files);
    const served = (await ctx.request('GET', `/api/ecgs/${id}/holter`, tech)).json();
    assertSameAsEngine(served, engine, t);
    assert.ok(served.durationSec > 1800);
    assert.ok(served.af.burdenPercent > 0, `AF found (${served.af.burdenPercent} %)`);
    const win = (await ctx.request('GET', `/api/ecgs/${id}/beats?from=600&to=660`, tech)).json();
    assert.ok(win.samples.length > 40 && win.samples.length < 200, `${win.samples.length} beats in a minute`);
  });

  test('a 3-min recording with 3.6-s pauses is analysed as Holter and flagged critical', async () => {
    const rr = [...Array(60).fill(800), 3600];
    const record = synthesizeEcg({ sampleRate: 250, durationSec: 180, rrMs: rr, noiseUv: 10 });
    const leads = record.leads.filter((l) => ['I', 'II', 'V1', 'V5'].includes(l.name));
    const rows = [`time,${leads.map((l) => `${l.name}_uV`).join(',')}`];
    for (let i = 0; i < leads[0].samples.length; i++)
      rows.push(`${(i / 250).toFixed(3)},${leads.map((l) => Math.round(l.samples[i])).join(',')}`);
    const res = await upload(ctx, tech, [{ name: 'pauses.csv', bytes: Buffer.from(rows.join('\n')) }]);
    const examId = res.json().results[0].examId;
    assert.equal(await analyseExam(ctx.app, examId), 'analysed');
    const exam = (await ctx.request('GET', `/api/ecgs/${examId}`, tech)).json();
    assert.equal(exam.critical, true);
    const pause = exam.analysis.critical.find((c: { ruleId: string }) => c.ruleId === 'pause');
    assert.ok(pause, JSON.stringify(exam.analysis.critical));
    assert.ok(pause.evidence.longestRrSec >= 3.5 && pause.evidence.longestRrSec < 3.8);
    const holter = (await ctx.request('GET', `/api/ecgs/${examId}/holter`, tech)).json();
    assert.equal(holter.pauses.atLeast3s, 3);
    const pauses = holter.events.filter((e: { type: string }) => e.type === 'pause');
    assert.equal(pauses.length, 3);
    assert.ok(pauses[0].startSec > 46 && pauses[0].startSec < 50, `first pause at ${pauses[0].startSec} s`);
  });

  test('a resting ECG has no Holter summary; its beats come from the analysis', async () => {
    const record = synthesizeEcg({ sampleRate: 500, durationSec: 10 });
    const rows = [`time,${record.leads.map((l) => `${l.name}_uV`).join(',')}`];
    for (let i = 0; i < 5000; i++)
      rows.push(`${(i / 500).toFixed(3)},${record.leads.map((l) => Math.round(l.samples[i])).join(',')}`);
    const res = await upload(ctx, tech, [{ name: 'rest.csv', bytes: Buffer.from(rows.join('\n')) }]);
    const examId = res.json().results[0].examId;
    assert.equal(await analyseExam(ctx.app, examId), 'analysed');
    assert.equal((await ctx.request('GET', `/api/ecgs/${examId}/holter`, tech)).statusCode, 404);
    const beats = (await ctx.request('GET', `/api/ecgs/${examId}/beats?from=0&to=10`, tech)).json();
    assert.ok(beats.samples.length >= 9 && beats.samples.length <= 11);
  });
});
