import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DicomServer, startDicomServer } from '../src/modules/dicom';
import { createTestContext, type TestContext } from './helpers';

const DATA = new URL('../../../../shared/data/dicom-ecg/', import.meta.url).pathname;
const hasDcmtk = spawnSync('which', ['storescu']).status === 0;
const skip = !hasDcmtk
  ? 'needs DCMTK (apt-get install dcmtk)'
  : !existsSync(DATA)
    ? 'needs ../shared/data/dicom-ecg'
    : false;

/** Runs a DCMTK tool without blocking the event loop (the SCP under test lives in this process). */
function dcmtk(tool: string, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tool, args, { encoding: 'utf8', timeout: 30000 }, (err, stdout, stderr) => {
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('DICOM SCP and worklist against DCMTK', { skip }, () => {
  let ctx: TestContext;
  let dicom: DicomServer;
  let admin: string;
  let port: string;
  let patientId: string;
  let accession: string;

  before(async () => {
    ctx = await createTestContext();
    dicom = await startDicomServer(ctx.app, { port: 0, aeTitle: 'LIFELINE' });
    port = String(dicom.port);
    admin = await ctx.login('admin');
    const dev = await ctx.request('POST', '/api/devices', admin, {
      name: '心电图室 1 号机',
      aeTitle: 'CART01',
      manufacturer: 'Mortara',
    });
    assert.equal(dev.statusCode, 200, dev.body);
    const tech = await ctx.login('ecg.tech');
    const { rows } = await ctx.pool.query(
      `SELECT p.id FROM patients p JOIN organizations o ON o.id = p.organization_id WHERE o.code = 'QSX-RMYY' ORDER BY p.name_pinyin LIMIT 1`,
    );
    patientId = rows[0].id;
    const order = await ctx.request('POST', '/api/orders', tech, {
      patientId,
      priority: 'stat',
      greenChannel: true,
    });
    assert.equal(order.statusCode, 200, order.body);
    accession = order.json().accessionNumber;
  });
  after(async () => {
    await dicom?.close();
    await ctx?.close();
  });

  test('C-ECHO from a registered device succeeds; an unknown calling AE title is rejected and audited', async () => {
    assert.equal(
      (await dcmtk('echoscu', ['-aet', 'CART01', '-aec', 'LIFELINE', '127.0.0.1', port])).status,
      0,
    );
    const stranger = await dcmtk('echoscu', ['-aet', 'STRANGER', '-aec', 'LIFELINE', '127.0.0.1', port]);
    assert.notEqual(stranger.status, 0);
    assert.match(stranger.stderr + stranger.stdout, /reject/i);
    const wrongCalled = await dcmtk('echoscu', ['-aet', 'CART01', '-aec', 'OTHER', '127.0.0.1', port]);
    assert.notEqual(wrongCalled.status, 0);
    const { rows } = await ctx.pool.query(
      `SELECT detail FROM audit_log WHERE action = 'dicom.association' AND outcome = 'denied'`,
    );
    assert.equal(rows[0].detail.callingAeTitle, 'STRANGER');
  });

  test('C-STORE of real ECG waveform files: stored once, original kept byte for byte, twice is harmless', async () => {
    const files = readdirSync(DATA).filter((f) => f.endsWith('.dcm'));
    for (const f of files) {
      const r = await dcmtk('storescu', [
        '-R',
        '-aet',
        'CART01',
        '-aec',
        'LIFELINE',
        '127.0.0.1',
        port,
        join(DATA, f),
      ]);
      assert.equal(r.status, 0, `${f}: ${r.stderr}`);
    }
    const again = await dcmtk('storescu', [
      '-R',
      '-aet',
      'CART01',
      '-aec',
      'LIFELINE',
      '127.0.0.1',
      port,
      join(DATA, files[0]),
    ]);
    assert.equal(again.status, 0, again.stderr);
    const { rows } = await ctx.pool.query(
      `SELECT id, channel, device_name, lead_names, instance_uid FROM ecg_exams WHERE channel = 'dicom'`,
    );
    assert.equal(rows.length, files.length, 'each object stored once');
    assert.ok(rows.every((r) => r.device_name === '心电图室 1 号机'));
    assert.ok(rows.some((r) => r.lead_names.includes('V1')));
    // The stored original is a Part 10 file whose dataset dcmdump reads, with the same SOP Instance UID.
    const tech = await ctx.login('ecg.tech');
    const original = await ctx.request('GET', `/api/ecgs/${rows[0].id}/original`, tech);
    assert.equal(original.statusCode, 200);
    const dir = mkdtempSync(join(tmpdir(), 'll-dcm-'));
    const path = join(dir, 'x.dcm');
    (await import('node:fs')).writeFileSync(path, original.rawPayload);
    const dump = await dcmtk('dcmdump', [path]);
    assert.equal(dump.status, 0, dump.stderr);
    assert.ok(dump.stdout.includes(rows[0].instance_uid));
  });

  test('Modality Worklist: a cart finds the scheduled order with patient and accession number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-mwl-'));
    const r = await dcmtk('findscu', [
      '-W',
      '-aet',
      'CART01',
      '-aec',
      'LIFELINE',
      '-X',
      '-od',
      dir,
      '-k',
      'ScheduledProcedureStepSequence[0].Modality=ECG',
      '-k',
      'AccessionNumber',
      '-k',
      'PatientName',
      '-k',
      'PatientID',
      '-k',
      'PatientBirthDate',
      '-k',
      'PatientSex',
      '127.0.0.1',
      port,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const dumps: string[] = [];
    for (const f of readdirSync(dir)) dumps.push((await dcmtk('dcmdump', [join(dir, f)])).stdout);
    const ours = dumps.find((d) => d.includes(accession));
    assert.ok(ours, `worklist has accession ${accession}`);
    assert.match(
      ours,
      /\(0010,0010\) PN \[[A-Z][a-z]+\^[A-Za-z]+=/,
      'name with pinyin and ideographic groups',
    );
    assert.match(ours, /ISO_IR 192/);
    // Query by accession number returns exactly that order.
    const dir2 = mkdtempSync(join(tmpdir(), 'll-mwl-'));
    await dcmtk('findscu', [
      '-W',
      '-aet',
      'CART01',
      '-aec',
      'LIFELINE',
      '-X',
      '-od',
      dir2,
      '-k',
      `AccessionNumber=${accession}`,
      '-k',
      'PatientID',
      '127.0.0.1',
      port,
    ]);
    assert.equal(readdirSync(dir2).length, 1);
    const { rows } = await ctx.pool.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'worklist.query'`,
    );
    assert.ok(rows[0].n >= 2);
  });

  test('device admin: AE titles are unique and validated; technicians cannot manage devices', async () => {
    const dup = await ctx.request('POST', '/api/devices', admin, { name: 'x', aeTitle: 'CART01' });
    assert.equal(dup.statusCode, 409);
    assert.deepEqual(dup.json().issue[0].expression, ['aeTitle']);
    const bad = await ctx.request('POST', '/api/devices', admin, {
      name: 'x',
      aeTitle: 'WAY_TOO_LONG_AE_TITLE',
    });
    assert.equal(bad.statusCode, 400);
    const tech = await ctx.login('ecg.tech');
    assert.equal((await ctx.request('GET', '/api/devices', tech)).statusCode, 403);
  });
});
