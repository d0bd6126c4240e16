import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ParsedEcg } from '@lifeline/formats';
import { checkDigit } from '../src/lib/identity';
import { extractIdentifiers } from '../src/modules/ecg/identifiers';
import { matchExam } from '../src/modules/ecg/match';
import { dataFolder, file, upload } from './ecg-helpers';
import { createTestContext, type TestContext } from './helpers';

const dicom = dataFolder('dicom-ecg');
const scp = dataFolder('scp-ecg');

async function auditActions(ctx: TestContext, examId: string): Promise<string[]> {
  const { rows } = await ctx.pool.query('SELECT action FROM audit_log WHERE resource_id = $1 ORDER BY seq', [
    examId,
  ]);
  return rows.map((r) => r.action);
}

describe('matching, the unmatched queue, link and unlink', { skip: dicom.skip || scp.skip }, () => {
  let ctx: TestContext;
  let tech: string;
  let town: string;
  const patient = async (name: string, his?: string) => {
    const res = await ctx.request('POST', '/api/patients', tech, {
      name,
      sex: 'M',
      birthDate: '1950-01-01',
      ...(his ? { identifiers: [{ type: 'his', value: his }] } : {}),
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().id as string;
  };
  before(async () => {
    ctx = await createTestContext();
    tech = await ctx.login('ecg.tech');
    town = await ctx.login('town.tech');
  });
  after(() => ctx.close());

  test('by HIS id: the patient id in the DICOM file finds the patient', async () => {
    const zhang = await patient('张伟', '123-654');
    const [r] = (await upload(ctx, tech, [file(join(dicom.dir, 'jap1968_test_ecg.dcm'))])).json().results;
    assert.equal(r.matched, true);
    assert.equal(r.patientId, zhang);
    const exam = (await ctx.request('GET', `/api/ecgs/${r.examId}`, tech)).json();
    assert.equal(exam.matchedBy, 'identifier');
    assert.equal(exam.identifiers.patientId, '123-654');
    assert.deepEqual(
      exam.history.map((h: { action: string }) => h.action),
      ['auto-match'],
    );
    const mine = (await ctx.request('GET', `/api/ecgs?patientId=${zhang}`, tech)).json();
    assert.deepEqual(
      mine.items.map((e: { id: string }) => e.id),
      [r.examId],
    );
  });

  test('by accession number: the order wins and moves to in-progress', async () => {
    const li = await patient('李娜');
    const order = (
      await ctx.request('POST', '/api/orders', tech, { patientId: li, accessionNumber: '03028041970546' })
    ).json();
    const [r] = (await upload(ctx, tech, [file(join(dicom.dir, 'pydicom_waveform_ecg.dcm'))])).json().results;
    assert.equal(r.patientId, li);
    assert.equal(r.orderId, order.id);
    const exam = (await ctx.request('GET', `/api/ecgs/${r.examId}`, tech)).json();
    assert.equal(exam.matchedBy, 'accession');
    const after = (await ctx.request('GET', '/api/orders?accessionNumber=03028041970546', tech)).json()
      .items[0];
    assert.equal(after.status, 'in-progress');
  });

  test('unmatched → link → unlink, audited, with history kept', async () => {
    const wang = await patient('王芳');
    const [r] = (await upload(ctx, tech, [file(join(scp.dir, 'ecg-contec', 'Example.scp'))])).json().results;
    assert.equal(r.matched, false);
    const queue = (await ctx.request('GET', '/api/ecgs/unmatched', tech)).json();
    const queued = queue.items.find((e: { id: string }) => e.id === r.examId);
    assert.ok(queued, 'waits in the unmatched queue');
    assert.match(queued.warnings.join(' '), /no patient with the identifiers/);

    // Bad links are refused and change nothing.
    let res = await ctx.request('POST', `/api/ecgs/${r.examId}/link`, tech, { patientId: wang });
    assert.equal(res.statusCode, 400, 'reason is required');
    res = await ctx.request('POST', `/api/ecgs/${r.examId}/link`, tech, {
      patientId: crypto.randomUUID(),
      reason: '核对姓名',
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json().issue[0].expression, ['patientId']);
    const otherOrder = (
      await ctx.request('POST', '/api/orders', tech, { patientId: await patient('赵强') })
    ).json();
    res = await ctx.request('POST', `/api/ecgs/${r.examId}/link`, tech, {
      patientId: wang,
      orderId: otherOrder.id,
      reason: '核对姓名',
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json().issue[0].expression, ['orderId']);
    const doctor = await ctx.login('ecg.doctor');
    res = await ctx.request('POST', `/api/ecgs/${r.examId}/link`, doctor, { patientId: wang, reason: 'x1' });
    assert.equal(res.statusCode, 403, 'ecg.link permission');

    res = await ctx.request('POST', `/api/ecgs/${r.examId}/link`, tech, {
      patientId: wang,
      reason: '核对姓名与出生日期',
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().matchState, 'matched');
    assert.equal(res.json().matchedBy, 'manual');
    assert.equal(
      (await ctx.request('GET', '/api/ecgs/unmatched', tech))
        .json()
        .items.some((e: { id: string }) => e.id === r.examId),
      false,
    );
    res = await ctx.request('POST', `/api/ecgs/${r.examId}/link`, tech, { patientId: wang, reason: 'again' });
    assert.equal(res.statusCode, 409, 'already linked: unlink first');

    res = await ctx.request('POST', `/api/ecgs/${r.examId}/unlink`, tech, { reason: '关联错误' });
    assert.equal(res.statusCode, 200, res.body);
    const exam = res.json();
    assert.equal(exam.matchState, 'unmatched');
    assert.equal(exam.patientId, null);
    assert.deepEqual(
      exam.history.map((h: { action: string; reason: string | null; username: string }) => [
        h.action,
        h.reason,
        h.username,
      ]),
      [
        ['link', '核对姓名与出生日期', 'ecg.tech'],
        ['unlink', '关联错误', 'ecg.tech'],
      ],
    );
    assert.equal(exam.history[1].patientId, wang, 'the unlink records whom it was taken from');
    res = await ctx.request('POST', `/api/ecgs/${r.examId}/unlink`, tech, { reason: 'again' });
    assert.equal(res.statusCode, 409);
    const actions = await auditActions(ctx, r.examId);
    for (const a of ['ecg.acquire', 'ecg.link', 'ecg.unlink', 'ecg.read']) assert.ok(actions.includes(a), a);
    const link = await ctx.pool.query(
      `SELECT patient_id, detail FROM audit_log WHERE action = 'ecg.link' AND resource_id = $1`,
      [r.examId],
    );
    assert.equal(link.rows[0].patient_id, wang);
    const verify = (await ctx.request('GET', '/api/audit/verify', await ctx.login('admin'))).json();
    assert.equal(verify.ok, true, 'audit chain intact');
  });

  test('organisation scoping: town.tech sees none of the hub ECGs; its own copy is its own exam', async () => {
    const hub = (await ctx.request('GET', '/api/ecgs', tech)).json();
    assert.ok(hub.total >= 3);
    const id = hub.items[0].id;
    assert.equal((await ctx.request('GET', '/api/ecgs', town)).json().total, 0);
    assert.equal((await ctx.request('GET', '/api/ecgs/unmatched', town)).json().total, 0);
    for (const path of [`/api/ecgs/${id}`, `/api/ecgs/${id}/waveform`, `/api/ecgs/${id}/original`]) {
      assert.equal((await ctx.request('GET', path, town)).statusCode, 404, path);
    }
    assert.equal(
      (await ctx.request('POST', `/api/ecgs/${id}/unlink`, town, { reason: 'xx' })).statusCode,
      404,
    );
    const [own] = (await upload(ctx, town, [file(join(dicom.dir, 'jap1968_test_ecg.dcm'))])).json().results;
    assert.equal(own.duplicate, false, 'same file in another organisation is a new exam');
    assert.equal(own.matched, false, 'the hub patient with that HIS id is not a township patient');
    assert.ok(!hub.items.some((e: { id: string }) => e.id === own.examId));
  });

  test('raw-body API upload with an API token; permissions; waveform window bounds', async () => {
    const admin = await ctx.login('admin');
    const users = (await ctx.request('GET', '/api/users?q=ecg.tech', admin)).json().items;
    const techId = users.find((u: { username: string }) => u.username === 'ecg.tech').id;
    const { token } = (
      await ctx.request('POST', `/api/users/${techId}/tokens`, admin, { name: 'cart' })
    ).json();
    const bytes = file(join(scp.dir, 'scp-tools', 'ECG_20060620_112352_197001138994.SCP')).bytes;
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/ecgs?filename=cart.scp',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      payload: bytes,
    });
    assert.equal(res.statusCode, 200, res.body);
    const [r] = res.json().results;
    assert.equal(r.file, 'cart.scp');
    const exam = (await ctx.request('GET', `/api/ecgs/${r.examId}`, tech)).json();
    assert.equal(exam.channel, 'api');
    assert.equal(exam.format, 'scp-ecg');
    // Windows: a later piece, bounds checked.
    const w = (await ctx.request('GET', `/api/ecgs/${r.examId}/waveform?from=2&to=4`, tech)).json();
    assert.ok(Math.abs(w.start - 2) <= 1 / w.sampleRate, 'window starts at the sample at or before 2 s');
    assert.ok(Math.abs(w.leads[0].samples.length - 2 * w.sampleRate) <= 2);
    assert.equal(
      (await ctx.request('GET', `/api/ecgs/${r.examId}/waveform?from=4&to=2`, tech)).statusCode,
      400,
    );
    assert.equal(
      (await ctx.request('GET', `/api/ecgs/${r.examId}/waveform?from=9999`, tech)).statusCode,
      400,
    );
    const some = (await ctx.request('GET', `/api/ecgs/${r.examId}/waveform?leads=V1,II`, tech)).json();
    assert.deepEqual(
      some.leads.map((l: { name: string }) => l.name),
      ['V1', 'II'],
    );
    const full = (await ctx.request('GET', `/api/ecgs/${r.examId}/waveform`, tech)).json();
    const ii = full.leads.find((l: { name: string }) => l.name === 'II');
    assert.deepEqual(
      some.leads[1].samples,
      ii.samples,
      'a lead read alone equals the same lead read with all',
    );
    const unknownLead = await ctx.request('GET', `/api/ecgs/${r.examId}/waveform?leads=II,X9`, tech);
    assert.equal(unknownLead.statusCode, 400);
    assert.match(unknownLead.json().issue[0].diagnostics, /X9 not recorded/);
    const clipped = (await ctx.request('GET', `/api/ecgs/${r.examId}/waveform?from=0&to=3600`, tech)).json();
    assert.ok(Math.abs(clipped.end - exam.durationSec) < 1e-6, 'a window past the end stops at the end');
    const clinician = await ctx.login('clinician');
    assert.equal((await upload(ctx, clinician, [{ name: 'x.scp', bytes }])).statusCode, 403);
    assert.equal(
      (await ctx.request('GET', `/api/ecgs/${r.examId}`, clinician)).statusCode,
      200,
      'clinicians read',
    );
    assert.equal((await ctx.request('GET', '/api/ecgs', undefined)).statusCode, 401);
    const empty = await ctx.app.inject({
      method: 'POST',
      url: '/api/ecgs',
      headers: { cookie: tech, 'content-type': 'application/json' },
      payload: {},
    });
    assert.equal(empty.statusCode, 400);
  });

  test('a national ID in the file is kept masked and hashed, and still finds the patient', async () => {
    const first17 = '42030219580307123';
    const nationalId = first17 + checkDigit(first17);
    const res = await ctx.request('POST', '/api/patients', tech, { name: '孙立', sex: 'M', nationalId });
    assert.equal(res.statusCode, 200, res.body);
    const parsed = {
      format: 'csv',
      record: { sampleRate: 500, leads: [] },
      patient: { id: nationalId, otherIds: ['MZ-77'], name: '孙立' },
    } as unknown as ParsedEcg;
    const ids = extractIdentifiers(parsed, ctx.fieldCrypto);
    assert.ok(!JSON.stringify(ids).includes(nationalId), 'no national ID in plain text');
    assert.equal(ids.nationalIdsMasked?.[0], `4203**********${nationalId.slice(-4)}`);
    assert.equal(ids.patientId, 'MZ-77');
    const match = await matchExam(ctx.pool, res.json().organizationId, ids);
    assert.equal(match.patientId, res.json().id);
    assert.equal(match.matchedBy, 'identifier');
  });
});
