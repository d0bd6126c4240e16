import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildAck, decodeEncapsulated, type Hl7Message, mapResults } from '@lifeline/hl7';
import { createMllpServer, type MllpServer } from '@lifeline/hl7/mllp';
import { enqueueSignedReports, startOutbox } from '../src/modules/integration';
import { createTestContext, type TestContext } from './helpers';
import { hubIds, logins, makeExam, ok, reportThroughSigning } from './report-helpers';

describe('signed ECG reports go to the HIS as ORU^R01 (final, then corrected)', () => {
  let ctx: TestContext;
  let receiver: MllpServer;
  const received: Hl7Message[] = [];

  before(async () => {
    ctx = await createTestContext();
    receiver = createMllpServer({
      onMessage: (m) => {
        received.push(m);
        return buildAck(m);
      },
    });
    const { port } = await receiver.listen(0, '127.0.0.1');
    const admin = await ctx.login('admin');
    const res = await ctx.request('POST', '/api/integration/interfaces', admin, {
      name: 'HIS 结果',
      direction: 'outbound',
      host: '127.0.0.1',
      port,
      receivingApplication: 'HIS',
      receivingFacility: 'QSX',
    });
    assert.equal(res.statusCode, 200, res.body);
  });
  after(async () => {
    await receiver?.close();
    await ctx?.close();
  });

  test('the sweep queues the signed version once, sends it, and an amendment goes out with status C', async () => {
    const ids = await hubIds(ctx);
    const c = await logins(ctx);
    const patientId = ids.patients[0].id;
    const examId = await makeExam(ctx, { orgId: ids.org, patientId, order: { priority: 'stat' } });
    const reportId = await reportThroughSigning(ctx, c, examId, [{ code: 'SR' }]);
    const worker = startOutbox(ctx.app, { intervalMs: 3_600_000, baseDelayMs: 50 });
    try {
      const first = await worker.runOnce();
      assert.deepEqual(first, { queued: 1, sent: 1, failed: 0 });
      assert.equal(await enqueueSignedReports(ctx.app), 0, 'queued once per version and destination');
      const oru = received.at(-1) as Hl7Message;
      assert.equal(oru.get('MSH-9.1'), 'ORU');
      assert.equal(oru.get('MSH-5'), 'HIS');
      assert.equal(oru.get('OBR-25'), 'F');
      assert.equal(oru.get('OBR-4'), '11524-6');
      const mapped = mapResults(oru);
      const obs = mapped.reports[0].observations;
      const hr = obs.find((o) => o.code.code === '8867-4');
      assert.ok(hr && typeof hr.value === 'number' && hr.value > 40, 'heart rate as NM with LOINC code');
      assert.equal(hr?.units?.code, '/min');
      assert.ok(
        obs.some((o) => o.code.code === '18844-1'),
        'statements as CWE',
      );
      const pdf = obs.find((o) => o.valueType === 'ED');
      const pdfBlob = (
        await ctx.pool.query(
          'SELECT pdf_blob FROM ecg_report_versions WHERE report_id = $1 AND version = 1',
          [reportId],
        )
      ).rows[0].pdf_blob;
      if (pdfBlob) {
        assert.ok(pdf, 'the signed PDF travels as ED');
        const bytes = decodeEncapsulated(pdf.value as never);
        assert.equal(new TextDecoder().decode(bytes.slice(0, 5)), '%PDF-');
      }
      const his = (
        await ctx.pool.query(
          `SELECT display FROM patient_identifiers WHERE patient_id = $1 AND type = 'his'`,
          [patientId],
        )
      ).rows[0]?.display;
      if (his) assert.equal(oru.get('PID-3'), his);

      // Amend and sign again: version 2 goes out as a correction.
      await ok(ctx, 'POST', `/api/reports/${reportId}/amend`, c['ecg.doctor'], { reason: '补充诊断' });
      await ok(ctx, 'POST', `/api/reports/${reportId}/check`, c['ecg.tech'], {});
      await ok(ctx, 'POST', `/api/reports/${reportId}/diagnose`, c['ecg.doctor'], {
        statements: [{ code: 'SR' }, { code: 'LVH_VOLTAGE' }],
        conclusion: '窦性心律，左心室高电压',
      });
      await ok(ctx, 'POST', `/api/reports/${reportId}/review`, c['ecg.senior'], {});
      await ok(ctx, 'POST', `/api/reports/${reportId}/sign`, c['ecg.doctor'], {});
      assert.deepEqual(await worker.runOnce(), { queued: 1, sent: 1, failed: 0 });
      const correction = received.at(-1) as Hl7Message;
      assert.equal(correction.get('OBR-25'), 'C');
      assert.notEqual(correction.controlId, oru.controlId);
      const rows = (
        await ctx.pool.query(
          'SELECT report_version, result_status, status FROM hl7_outbox ORDER BY report_version',
        )
      ).rows;
      assert.deepEqual(rows, [
        { report_version: 1, result_status: 'F', status: 'sent' },
        { report_version: 2, result_status: 'C', status: 'sent' },
      ]);
    } finally {
      await worker.stop();
    }
  });
});
