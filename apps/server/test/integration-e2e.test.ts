/**
 * Issue 6 end to end: the HIS simulator sends ADT + ORM over MLLP → the order is on the ECG order list and the
 * DICOM modality worklist (DCMTK findscu) → a cart stores an ECG with that accession number (DCMTK storescu) →
 * analysis → report signed through the workflow → the HIS receives the ORU^R01 with the LOINC measurements and
 * the signed PDF.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HisSimulator, sendMessages } from '@lifeline/his-sim';
import { buildAck, decodeEncapsulated, type Hl7Message, mapResults } from '@lifeline/hl7';
import { createMllpServer, type MllpServer } from '@lifeline/hl7/mllp';
import { type DicomServer, startDicomServer } from '../src/modules/dicom';
import { analyseExam } from '../src/modules/ecg';
import { type MllpListener, startMllpListener, startOutbox } from '../src/modules/integration';
import { createTestContext, type TestContext } from './helpers';
import { logins, ok } from './report-helpers';

const SAMPLE = new URL('../../../../shared/data/dicom-ecg/pydicom_waveform_ecg.dcm', import.meta.url)
  .pathname;
const hasDcmtk = ['findscu', 'storescu', 'dcmodify', 'dcmdump'].every(
  (tool) => spawnSync('which', [tool]).status === 0,
);
const skip = !hasDcmtk
  ? 'needs DCMTK findscu/storescu/dcmodify/dcmdump (apt-get install dcmtk)'
  : !existsSync(SAMPLE)
    ? 'needs ../shared/data/dicom-ecg'
    : false;

/** A DCMTK tool run asynchronously: the DICOM SCP under test lives in this process. */
function dcmtk(tool: string, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tool, args, { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('HIS → MLLP → worklists → DICOM ECG → signed report → ORU^R01 to the HIS', { skip }, () => {
  let ctx: TestContext;
  let listener: MllpListener;
  let dicom: DicomServer;
  let his: MllpServer;
  const hisReceived: Hl7Message[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'll-e2e-'));

  before(async () => {
    ctx = await createTestContext();
    const admin = await ctx.login('admin');
    // The HIS: an inbound interface for what it sends, an outbound one for where results go.
    his = createMllpServer({
      onMessage: (m) => {
        hisReceived.push(m);
        return buildAck(m);
      },
    });
    const hisPort = (await his.listen(0, '127.0.0.1')).port;
    for (const body of [
      { name: 'HIS 模拟器', direction: 'inbound', sendingApplication: 'HIS', sendingFacility: '县人民医院' },
      {
        name: 'HIS 结果',
        direction: 'outbound',
        host: '127.0.0.1',
        port: hisPort,
        receivingApplication: 'HIS',
        receivingFacility: '县人民医院',
      },
    ]) {
      const res = await ctx.request('POST', '/api/integration/interfaces', admin, body);
      assert.equal(res.statusCode, 200, res.body);
    }
    const dev = await ctx.request('POST', '/api/devices', admin, {
      name: '心电图室 1 号机',
      aeTitle: 'CART01',
      manufacturer: 'Mortara',
    });
    assert.equal(dev.statusCode, 200, dev.body);
    listener = await startMllpListener(ctx.app, { port: 0, host: '127.0.0.1' });
    dicom = await startDicomServer(ctx.app, { port: 0, aeTitle: 'LIFELINE' });
  });
  after(async () => {
    await dicom?.close();
    await listener?.close();
    await his?.close();
    await ctx?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('an ECG ordered by the HIS comes back to it as a signed ORU^R01 with measurements and PDF', async () => {
    // 1. The simulator registers two patients and orders an ECG (the first order of a stream is always NW).
    const sim = new HisSimulator({ seed: 606 });
    const adt = [sim.adt(), sim.adt()];
    const orm = sim.order();
    assert.equal(orm.get('ORC-1'), 'NW');
    const sent = await sendMessages([...adt, orm], { host: '127.0.0.1', port: listener.port });
    assert.equal(sent.accepted, 3, JSON.stringify(sent));
    const accession = orm.get('OBR-18');
    const hisId = orm.get('PID-3[1].1');
    assert.ok(accession && hisId);
    const { rows: stored } = await ctx.pool.query(
      'SELECT status FROM hl7_messages WHERE control_id = ANY($1) ORDER BY received_at',
      [[...adt, orm].map((m) => m.controlId)],
    );
    assert.deepEqual(
      stored.map((r) => r.status),
      ['applied', 'applied', 'applied'],
    );

    // 2. The order is on the ECG order list of the department …
    const c = await logins(ctx);
    const list = await ok(
      ctx,
      'GET',
      `/api/orders?accessionNumber=${encodeURIComponent(accession)}`,
      c['ecg.tech'],
    );
    assert.equal(list.items.length, 1);
    const order = list.items[0];
    assert.equal(order.status, 'scheduled');
    assert.equal(order.source, 'hl7');
    assert.equal(order.procedureCode, orm.get('OBR-4'));

    // … and on the DICOM modality worklist the cart queries.
    const port = String(dicom.port);
    const mwl = join(tmp, 'mwl');
    mkdirSync(mwl);
    const found = await dcmtk('findscu', [
      '-W',
      '-aet',
      'CART01',
      '-aec',
      'LIFELINE',
      '-X',
      '-od',
      mwl,
      '-k',
      `AccessionNumber=${accession}`,
      '-k',
      'PatientName',
      '-k',
      'PatientID',
      '-k',
      'ScheduledProcedureStepSequence[0].Modality=ECG',
      '127.0.0.1',
      port,
    ]);
    assert.equal(found.status, 0, found.stderr);
    const answers = readdirSync(mwl);
    assert.equal(answers.length, 1, 'exactly the ordered procedure');
    const entry = (await dcmtk('dcmdump', [join(mwl, answers[0])])).stdout;
    assert.ok(entry.includes(accession), entry);
    assert.ok(entry.includes(hisId), `worklist entry carries the HIS patient id ${hisId}`);
    assert.match(entry, /\(0010,0010\) PN \[[A-Z][a-z]+\^[A-Za-z]+=/, 'name with pinyin and ideographs');

    // 3. The cart records the ECG and writes the worklist's accession number into it (DICOM C-STORE).
    const file = join(tmp, 'ecg.dcm');
    copyFileSync(SAMPLE, file);
    const modified = await dcmtk('dcmodify', [
      '-nb',
      '-gin',
      '-i',
      `(0008,0050)=${accession}`,
      '-i',
      `(0010,0020)=${hisId}`,
      file,
    ]);
    assert.equal(modified.status, 0, modified.stderr);
    const store = await dcmtk('storescu', ['-aet', 'CART01', '-aec', 'LIFELINE', '127.0.0.1', port, file]);
    assert.equal(store.status, 0, store.stderr);
    const { rows: exams } = await ctx.pool.query(
      `SELECT id, patient_id, matched_by, channel FROM ecg_exams WHERE order_id = $1`,
      [order.id],
    );
    assert.equal(exams.length, 1, 'the ECG matched the order by accession number');
    assert.equal(exams[0].matched_by, 'accession');
    assert.equal(exams[0].channel, 'dicom');
    assert.equal(exams[0].patient_id, order.patientId);
    const examId: string = exams[0].id;
    assert.equal(await analyseExam(ctx.app, examId), 'analysed');

    // 4. Report workflow to signed: technician check, diagnosis, review, signature (omissions decided).
    const report = await ok(ctx, 'POST', '/api/reports', c['ecg.tech'], { examId });
    await ok(ctx, 'POST', `/api/reports/${report.id}/check`, c['ecg.tech'], {});
    await ok(ctx, 'POST', `/api/reports/${report.id}/diagnose`, c['ecg.doctor'], {
      statements: [{ code: 'SR' }],
      conclusion: '窦性心律',
    });
    await ok(ctx, 'POST', `/api/reports/${report.id}/review`, c['ecg.senior'], {});
    const check = await ok(ctx, 'GET', `/api/reports/${report.id}/sign-check`, c['ecg.doctor']);
    const signed = await ok(ctx, 'POST', `/api/reports/${report.id}/sign`, c['ecg.doctor'], {
      acknowledgedWarnings: check.warnings.map((w: { code: string }) => ({
        code: w.code,
        decision: 'confirm',
      })),
    });
    assert.equal(signed.status, 'signed');

    // 5. The outbox delivers the ORU^R01 to the HIS's receiver.
    const worker = startOutbox(ctx.app, { intervalMs: 3_600_000, baseDelayMs: 50 });
    try {
      assert.deepEqual(await worker.runOnce(), { queued: 1, sent: 1, failed: 0 });
    } finally {
      await worker.stop();
    }
    assert.equal(hisReceived.length, 1);
    const oru = hisReceived[0];
    assert.equal(oru.get('MSH-9.1'), 'ORU');
    assert.equal(oru.get('MSH-9.2'), 'R01');
    assert.equal(oru.get('MSH-5'), 'HIS');
    assert.equal(oru.get('OBR-18'), accession, 'the result names the order');
    assert.equal(oru.get('OBR-25'), 'F');
    const result = mapResults(oru);
    assert.ok(
      result.patient?.identifiers.some((i) => i.value === hisId),
      'the HIS patient id comes back',
    );
    const obs = result.reports[0].observations;
    const hr = obs.find((o) => o.code.code === '8867-4');
    assert.ok(hr && typeof hr.value === 'number' && hr.value > 20 && hr.value < 250, 'heart rate NM');
    assert.equal(hr?.units?.code, '/min');
    for (const loinc of ['8625-6', '8633-0', '8634-8', '8636-3']) {
      const o = obs.find((x) => x.code.code === loinc);
      if (o) assert.equal(o.units?.code, 'ms', `${loinc} in ms`);
    }
    assert.ok(
      obs.some((o) => o.code.code === '18844-1'),
      'statements as CWE 18844-1',
    );
    const pdf = obs.find((o) => o.valueType === 'ED');
    assert.ok(pdf, 'the signed PDF travels as ED');
    const bytes = decodeEncapsulated(pdf.value as never);
    assert.equal(new TextDecoder().decode(bytes.slice(0, 5)), '%PDF-');
    assert.ok(bytes.length > 10_000, `a real PDF (${bytes.length} bytes)`);
    const { rows: outbox } = await ctx.pool.query('SELECT status FROM hl7_outbox');
    assert.deepEqual(
      outbox.map((r) => r.status),
      ['sent'],
    );
  });
});
