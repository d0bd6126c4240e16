import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { createTestContext, type TestContext } from './helpers';
import {
  ATRIAL_FIBRILLATION,
  hubIds,
  INFERIOR_STEMI,
  logins,
  makeExam,
  ok,
  reportThroughSigning,
} from './report-helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const hasPdftotext = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('ECG reports', () => {
  let ctx: TestContext;
  let c: Record<string, string>;
  let ids: Awaited<ReturnType<typeof hubIds>>;
  before(async () => {
    ctx = await createTestContext();
    c = await logins(ctx);
    ids = await hubIds(ctx);
  });
  after(() => ctx.close());

  test('1-level workflow: corrections kept beside automatic values, each step recorded, verify valid', async () => {
    const examId = await makeExam(ctx, { orgId: ids.org, patientId: ids.patients[0].id });
    const created = await ok(ctx, 'POST', '/api/reports', c['ecg.tech'], { examId });
    assert.equal(created.status, 'draft');
    assert.equal(created.template, 'resting-12');
    assert.equal(created.reviewLevels, 1);
    assert.ok(created.automaticMeasurements.heartRate > 50, 'engine values prefilled');
    assert.ok(created.statements.some((s: { code: string }) => s.code === 'SR'));
    const again = await ctx.request('POST', '/api/reports', c['ecg.tech'], { examId });
    assert.equal(again.statusCode, 409, 'one report per exam');

    const edited = await ok(ctx, 'PATCH', `/api/reports/${created.id}`, c['ecg.tech'], {
      measurements: { heartRate: 61, pr: 150 },
    });
    assert.equal(edited.measurements.heartRate, 61);
    assert.equal(edited.automaticMeasurements.heartRate, created.automaticMeasurements.heartRate);
    let res = await ctx.request('PATCH', `/api/reports/${created.id}`, c['ecg.tech'], {
      measurements: { foo: 1 },
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json().issue[0].expression, ['measurements.foo']);

    await ok(ctx, 'POST', `/api/reports/${created.id}/check`, c['ecg.tech'], {});
    res = await ctx.request('POST', `/api/reports/${created.id}/sign`, c['ecg.tech'], {});
    assert.equal(res.statusCode, 403, 'technician cannot sign');
    res = await ctx.request('POST', `/api/reports/${created.id}/diagnose`, c['ecg.doctor'], {
      statements: [{ code: 'NOT_A_CODE' }],
      conclusion: 'x',
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json().issue[0].expression, ['statements.0.code']);
    res = await ctx.request('POST', `/api/reports/${created.id}/diagnose`, c['ecg.doctor'], {
      conclusion: ' ',
    });
    assert.equal(res.statusCode, 400, 'a diagnosis needs a conclusion');
    res = await ctx.request('POST', `/api/reports/${created.id}/sign`, c['ecg.doctor'], {});
    assert.equal(res.statusCode, 409, 'signing a checked (not reviewed) report');

    await ok(ctx, 'POST', `/api/reports/${created.id}/diagnose`, c['ecg.doctor'], {
      statements: [{ code: 'SR' }, { code: 'NORMAL_ECG' }, { text: '建议定期复查' }],
      conclusion: '窦性心律，正常心电图',
    });
    res = await ctx.request('POST', `/api/reports/${created.id}/review`, c['ecg.doctor'], {});
    assert.equal(res.statusCode, 403, 'an ECG physician has no review permission');
    const reviewed = await ok(ctx, 'POST', `/api/reports/${created.id}/review`, c['ecg.senior'], {});
    assert.equal(reviewed.status, 'reviewed');
    const signed = await ok(ctx, 'POST', `/api/reports/${created.id}/sign`, c['ecg.doctor'], {});
    assert.equal(signed.status, 'signed');
    assert.equal(signed.hasPdf, true);
    assert.match(signed.contentHash, /^[0-9a-f]{64}$/);
    const published = await ok(ctx, 'POST', `/api/reports/${created.id}/publish`, c['ecg.doctor']);
    assert.equal(published.status, 'published');
    assert.deepEqual(
      published.events.map((e: { action: string; username: string; role: string }) => [
        e.action,
        e.username,
        e.role,
      ]),
      [
        ['create', 'ecg.tech', 'ecg_technician'],
        ['edit', 'ecg.tech', 'ecg_technician'],
        ['check', 'ecg.tech', 'ecg_technician'],
        ['diagnose', 'ecg.doctor', 'ecg_physician'],
        ['review', 'ecg.senior', 'ecg_senior'],
        ['sign', 'ecg.doctor', 'ecg_physician'],
        ['publish', 'ecg.doctor', 'ecg_physician'],
      ],
    );
    const verify = await ok(ctx, 'GET', `/api/reports/verify?id=${created.id}`, c.clinician);
    assert.equal(verify.status, 'valid');
    assert.equal(verify.valid, true);
    const audit = await ctx.pool.query(`SELECT action FROM audit_log WHERE resource_id = $1 ORDER BY seq`, [
      created.id,
    ]);
    assert.ok(audit.rows.some((r) => r.action === 'report.sign'));
    assert.ok(audit.rows.some((r) => r.action === 'report.read'));
  });

  test('3-level review per configuration: distinct reviewers, each level recorded; admin-only settings', async () => {
    let res = await ctx.request('PUT', '/api/report-settings', c['ecg.doctor'], {
      reviewLevels: { 'resting-12': 3 },
    });
    assert.equal(res.statusCode, 403);
    res = await ctx.request('PUT', '/api/report-settings', c.admin, { reviewLevels: { 'resting-12': 4 } });
    assert.equal(res.statusCode, 400);
    res = await ctx.request('PUT', '/api/report-settings', c.admin, {
      criticalEscalationRoles: ['ecg_chief', 'janitor'],
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().issue[0].diagnostics, /janitor/);
    const settings = await ok(ctx, 'PUT', '/api/report-settings', c['ecg.chief'], {
      reviewLevels: { 'resting-12': 3 },
    });
    assert.equal(settings.reviewLevels['resting-12'], 3);
    assert.equal(settings.reviewLevels.holter, 1);
    try {
      const examId = await makeExam(ctx, { orgId: ids.org, patientId: ids.patients[1].id });
      const r = await ok(ctx, 'POST', '/api/reports', c['ecg.tech'], { examId });
      assert.equal(r.reviewLevels, 3);
      const asHolter = await ok(ctx, 'PATCH', `/api/reports/${r.id}`, c['ecg.tech'], { template: 'holter' });
      assert.equal(asHolter.reviewLevels, 1, 'holter is configured with one level');
      await ok(ctx, 'PATCH', `/api/reports/${r.id}`, c['ecg.tech'], { template: 'resting-12' });
      await ok(ctx, 'POST', `/api/reports/${r.id}/check`, c['ecg.tech'], {});
      await ok(ctx, 'POST', `/api/reports/${r.id}/diagnose`, c['ecg.senior'], {
        statements: [{ code: 'SR' }],
        conclusion: '窦性心律',
      });
      res = await ctx.request('POST', `/api/reports/${r.id}/review`, c['ecg.senior'], {});
      assert.equal(res.statusCode, 403, 'the diagnosing physician cannot review');
      let v = await ok(ctx, 'POST', `/api/reports/${r.id}/review`, c['ecg.chief'], {});
      assert.equal(v.status, 'diagnosed');
      assert.equal(v.reviewsDone, 1);
      res = await ctx.request('POST', `/api/reports/${r.id}/review`, c['ecg.chief'], {});
      assert.equal(res.statusCode, 403, 'one level per reviewer');
      res = await ctx.request('POST', `/api/reports/${r.id}/sign`, c['ecg.doctor'], {});
      assert.equal(res.statusCode, 409, 'not all levels done');
      v = await ok(ctx, 'POST', `/api/reports/${r.id}/review`, c.expert, { note: '同意' });
      assert.equal(v.reviewsDone, 2);
      // A third reviewer: give the demo physician the senior role for this test.
      await ctx.pool.query(`UPDATE users SET roles = '{ecg_senior}' WHERE username = 'ecg.doctor'`);
      const doctor = await ctx.login('ecg.doctor');
      v = await ok(ctx, 'POST', `/api/reports/${r.id}/review`, doctor, {});
      assert.equal(v.status, 'reviewed');
      assert.deepEqual(
        v.events
          .filter((e: { action: string }) => e.action === 'review')
          .map((e: { level: number }) => e.level),
        [1, 2, 3],
      );
      const signed = await ok(ctx, 'POST', `/api/reports/${r.id}/sign`, doctor, {});
      assert.equal(signed.status, 'signed');
    } finally {
      await ctx.pool.query(`UPDATE users SET roles = '{ecg_physician}' WHERE username = 'ecg.doctor'`);
      c['ecg.doctor'] = await ctx.login('ecg.doctor');
      await ok(ctx, 'PUT', '/api/report-settings', c.admin, { reviewLevels: { 'resting-12': 1 } });
    }
  });

  test('return with a reason goes back to draft and restarts the review round', async () => {
    const examId = await makeExam(ctx, { orgId: ids.org, patientId: ids.patients[2].id });
    const r = await ok(ctx, 'POST', '/api/reports', c['ecg.tech'], { examId });
    await ok(ctx, 'POST', `/api/reports/${r.id}/check`, c['ecg.tech'], {});
    await ok(ctx, 'POST', `/api/reports/${r.id}/diagnose`, c['ecg.doctor'], { conclusion: '窦性心律' });
    let res = await ctx.request('POST', `/api/reports/${r.id}/return`, c['ecg.senior'], {});
    assert.equal(res.statusCode, 400, 'reason required');
    res = await ctx.request('POST', `/api/reports/${r.id}/return`, c['ecg.tech'], { reason: '导联接反' });
    assert.equal(res.statusCode, 403);
    const back = await ok(ctx, 'POST', `/api/reports/${r.id}/return`, c['ecg.senior'], {
      reason: '肢体导联接反，请重新采集',
    });
    assert.equal(back.status, 'draft');
    const ev = back.events.at(-1);
    assert.equal(ev.action, 'return');
    assert.equal(ev.reason, '肢体导联接反，请重新采集');
    assert.equal(ev.username, 'ecg.senior');
    assert.equal(ev.from, 'diagnosed');
  });

  test('signed version immutable in SQL; amendment makes version 2, version 1 stays readable and valid', async () => {
    const examId = await makeExam(ctx, { orgId: ids.org, patientId: ids.patients[3].id });
    const id = await reportThroughSigning(ctx, c, examId, [{ code: 'SR' }]);
    await assert.rejects(
      ctx.pool.query(`UPDATE ecg_report_versions SET conclusion = 'changed' WHERE report_id = $1`, [id]),
      /immutable/,
    );
    await assert.rejects(
      ctx.pool.query('DELETE FROM ecg_report_versions WHERE report_id = $1', [id]),
      /immutable/,
    );
    let res = await ctx.request('POST', `/api/reports/${id}/amend`, c['ecg.doctor'], {});
    assert.equal(res.statusCode, 400, 'amendment needs a reason');
    const amended = await ok(ctx, 'POST', `/api/reports/${id}/amend`, c['ecg.doctor'], {
      reason: '补充诊断：左心室高电压',
    });
    assert.equal(amended.currentVersion, 2);
    assert.equal(amended.status, 'draft');
    assert.equal(amended.amendmentReason, '补充诊断：左心室高电压');
    await ok(ctx, 'POST', `/api/reports/${id}/check`, c['ecg.tech'], {});
    await ok(ctx, 'POST', `/api/reports/${id}/diagnose`, c['ecg.doctor'], {
      statements: [{ code: 'SR' }, { code: 'LVH_VOLTAGE' }],
      conclusion: '窦性心律，左心室高电压',
    });
    await ok(ctx, 'POST', `/api/reports/${id}/review`, c['ecg.senior'], {});
    await ok(ctx, 'POST', `/api/reports/${id}/sign`, c['ecg.doctor'], {});
    const v1 = await ok(ctx, 'GET', `/api/reports/${id}/versions/1`, c.clinician);
    assert.equal(v1.status, 'superseded');
    assert.equal(v1.conclusion, 'SR');
    const v2 = await ok(ctx, 'GET', `/api/reports/${id}/versions/2`, c.clinician);
    assert.equal(v2.conclusion, '窦性心律，左心室高电压');
    assert.equal(
      (await ok(ctx, 'GET', `/api/reports/verify?id=${id}&version=1`, c.clinician)).status,
      'valid',
    );
    assert.equal(
      (await ok(ctx, 'GET', `/api/reports/verify?id=${id}&version=2`, c.clinician)).status,
      'valid',
    );
    // The review trail is signed too: rewriting who reviewed version 2 (around the trigger) alters it.
    const client = await ctx.pool.connect();
    try {
      await client.query('SET session_replication_role = replica');
      await client.query(
        `UPDATE ecg_report_events SET user_id = (SELECT id FROM users WHERE username = 'ecg.chief')
         WHERE report_id = $1 AND version = 2 AND action = 'review'`,
        [id],
      );
    } finally {
      await client.query('SET session_replication_role = origin');
      client.release();
    }
    assert.equal(
      (await ok(ctx, 'GET', `/api/reports/verify?id=${id}&version=2`, c.clinician)).status,
      'altered',
    );
    assert.equal(
      (await ok(ctx, 'GET', `/api/reports/verify?id=${id}&version=1`, c.clinician)).status,
      'valid',
    );
    res = await ctx.request('GET', `/api/reports/${id}/versions/9`, c.clinician);
    assert.equal(res.statusCode, 404);
  });

  test('omission of the engine AF blocks signing until confirmed or dismissed; the choice is signed', async () => {
    const examId = await makeExam(ctx, {
      orgId: ids.org,
      patientId: ids.patients[4].id,
      ecg: ATRIAL_FIBRILLATION,
    });
    const r = await ok(ctx, 'POST', '/api/reports', c['ecg.tech'], { examId });
    assert.ok(
      r.automaticStatements.some((s: { code: string }) => s.code === 'AFIB'),
      'engine finds AF',
    );
    await ok(ctx, 'POST', `/api/reports/${r.id}/check`, c['ecg.tech'], {});
    await ok(ctx, 'POST', `/api/reports/${r.id}/diagnose`, c['ecg.doctor'], {
      statements: [{ code: 'SR' }, { code: 'PAC' }],
      conclusion: '窦性心律，房性早搏',
    });
    await ok(ctx, 'POST', `/api/reports/${r.id}/review`, c['ecg.senior'], {});
    const check = await ok(ctx, 'GET', `/api/reports/${r.id}/sign-check`, c['ecg.doctor']);
    const codes: string[] = check.warnings.map((w: { code: string }) => w.code);
    assert.ok(codes.includes('AFIB'), 'AF left out');
    assert.ok(!codes.includes('PAC') && !codes.includes('SR'), 'only watched findings warn');
    let res = await ctx.request('POST', `/api/reports/${r.id}/sign`, c['ecg.doctor'], {});
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().issue.length, codes.length);
    assert.ok(res.json().issue.some((i: { diagnostics: string }) => /AFIB 心房颤动/.test(i.diagnostics)));
    res = await ctx.request('POST', `/api/reports/${r.id}/sign`, c['ecg.doctor'], {
      acknowledgedWarnings: [{ code: 'AFIB', decision: 'confirm' }],
    });
    if (codes.length > 1) assert.equal(res.statusCode, 409, 'every warning needs a decision');
    const others = codes.filter((code) => code !== 'AFIB').map((code) => ({ code, decision: 'dismiss' }));
    res = await ctx.request('POST', `/api/reports/${r.id}/sign`, c['ecg.doctor'], {
      acknowledgedWarnings: [{ code: 'STEMI_ANTERIOR', decision: 'dismiss' }],
    });
    assert.equal(res.statusCode, 400, 'unknown warning');
    const signed = await ok(ctx, 'POST', `/api/reports/${r.id}/sign`, c['ecg.doctor'], {
      acknowledgedWarnings: [{ code: 'AFIB', decision: 'confirm', note: '复核节律后同意' }, ...others],
    });
    assert.equal(signed.status, 'signed');
    assert.ok(
      signed.statements.some((s: { code: string }) => s.code === 'AFIB'),
      'confirmed finding added',
    );
    const af = signed.signWarnings.find((w: { code: string }) => w.code === 'AFIB');
    assert.equal(af.decision, 'confirm');
    assert.equal(af.note, '复核节律后同意');
    assert.ok(signed.events.at(-1).detail.warnings.length === codes.length, 'decisions in the sign event');
  });

  test('signature: valid, then altered after a direct SQL change (trigger bypassed); public token check too', async () => {
    const examId = await makeExam(ctx, { orgId: ids.org, patientId: ids.patients[5].id });
    const id = await reportThroughSigning(ctx, c, examId, [{ code: 'SR' }, { code: 'NORMAL_ECG' }]);
    const report = await ok(ctx, 'GET', `/api/reports/${id}`, c.clinician);
    const token = report.verifyToken as string;
    let pub = await ctx.request('GET', `/api/public/reports/verify/${token}`);
    assert.equal(pub.statusCode, 200);
    assert.equal(pub.json().status, 'valid');
    assert.equal(pub.json().organization, '青山县人民医院');
    assert.ok(!JSON.stringify(pub.json()).includes(ids.patients[5].name), 'no patient name in public answer');
    const client = await ctx.pool.connect();
    try {
      await client.query(`SET session_replication_role = replica`);
      await client.query(
        `UPDATE ecg_report_versions SET conclusion = '急性下壁心肌梗死' WHERE report_id = $1`,
        [id],
      );
    } finally {
      await client.query(`SET session_replication_role = origin`);
      client.release();
    }
    const verify = await ok(ctx, 'GET', `/api/reports/verify?id=${id}`, c.clinician);
    assert.equal(verify.status, 'altered');
    assert.equal(verify.valid, false);
    assert.equal(verify.signatureValid, true, 'signature still matches the hash it signed');
    assert.notEqual(verify.recomputedHash, verify.contentHash);
    pub = await ctx.request('GET', `/api/public/reports/verify/${token}`);
    assert.equal(pub.json().status, 'altered');
    assert.equal((await ctx.request('GET', '/api/public/reports/verify/nosuchtoken123')).statusCode, 404);
    const seen = await ctx.pool.query(
      `SELECT user_id, outcome FROM audit_log WHERE action = 'report.verify.public' AND resource_id = $1`,
      [id],
    );
    assert.equal(seen.rowCount, 2, 'each public check audited');
    assert.equal(seen.rows[0].user_id, null);
    assert.equal((await ctx.request('GET', `/api/reports/verify?id=${id}`)).statusCode, 401);
  });

  test('PDF: %PDF, CJK font embedded, patient name and leads on the page; draft PDF marked', async () => {
    const patient = ids.patients[6];
    const examId = await makeExam(ctx, {
      orgId: ids.org,
      patientId: patient.id,
      order: { priority: 'urgent', departmentId: ids.card, clinician: '刘洋' },
    });
    const id = await reportThroughSigning(ctx, c, examId, [{ code: 'SR' }, { code: 'NORMAL_ECG' }]);
    const res = await ctx.request('GET', `/api/reports/${id}/pdf`, c.clinician);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/pdf');
    const pdf = res.rawPayload;
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.match(pdf.toString('latin1'), /\/FontFile3|\/FontFile2/, 'font program embedded');
    assert.match(pdf.toString('latin1'), /NotoSansCJK/, 'Noto Sans CJK');
    const again = await ctx.request('GET', `/api/reports/${id}/pdf`, c.clinician);
    assert.ok(again.rawPayload.equals(pdf), 'the stored signed PDF is served');
    if (!hasPdftotext) {
      console.log('# skipped PDF text check: pdftotext (poppler-utils) not installed');
      return;
    }
    const text = execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString();
    if (process.env.LIFELINE_KEEP_PDF)
      (await import('node:fs')).writeFileSync(process.env.LIFELINE_KEEP_PDF, pdf);
    assert.ok(text.includes(patient.name), 'patient name on the page');
    for (const s of ['心电图报告', 'aVR', 'V6', '窦性心律', '签发', '25 mm/s'])
      assert.ok(text.includes(s), s);
    const draftExam = await makeExam(ctx, { orgId: ids.org, patientId: patient.id });
    const draft = await ok(ctx, 'POST', '/api/reports', c['ecg.tech'], { examId: draftExam });
    const draftPdf = await ctx.request('GET', `/api/reports/${draft.id}/pdf`, c.clinician);
    const draftText = execFileSync('pdftotext', ['-', '-'], { input: draftPdf.rawPayload }).toString();
    assert.ok(draftText.includes('第 1 版（草稿）'), 'draft marked in the header');
    assert.ok(!draftText.includes('扫码验证'), 'no verification QR code on a draft');
    await ok(ctx, 'PATCH', `/api/reports/${draft.id}`, c['ecg.tech'], { template: 'holter' });
    const holter = await ctx.request('GET', `/api/reports/${draft.id}/pdf`, c.clinician);
    assert.ok(
      execFileSync('pdftotext', ['-', '-'], { input: holter.rawPayload })
        .toString()
        .includes('动态心电图报告'),
    );
    if (process.env.LIFELINE_KEEP_PDF)
      (await import('node:fs')).writeFileSync(
        `${process.env.LIFELINE_KEEP_PDF}.draft.pdf`,
        draftPdf.rawPayload,
      );
    assert.ok(existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'));
  });

  test('serial comparison: new ST elevation and QTc change against the previous ECG', async () => {
    const patientId = ids.patients[7].id;
    await makeExam(ctx, { orgId: ids.org, patientId, agoMin: 600 });
    const examId = await makeExam(ctx, { orgId: ids.org, patientId, ecg: INFERIOR_STEMI, agoMin: 2 });
    const r = await ok(ctx, 'POST', '/api/reports', c['ecg.tech'], { examId });
    const cmp = await ok(ctx, 'GET', `/api/reports/${r.id}/comparison`, c['ecg.doctor']);
    assert.ok(cmp.previous, 'previous ECG found');
    assert.equal(cmp.previous.source, 'analysis');
    assert.equal(cmp.comparison.highlights.newStElevation, true);
    assert.equal(cmp.comparison.highlights.newAtrialFibrillation, false);
    assert.ok(cmp.comparison.newStatements.some((s: { code: string }) => s.code === 'STEMI_INFERIOR'));
    assert.ok(cmp.comparison.measurements.some((m: { key: string }) => m.key === 'qtcBazett'));
    if (hasPdftotext) {
      const pdf = await ctx.request('GET', `/api/reports/${r.id}/pdf`, c['ecg.doctor']);
      const text = execFileSync('pdftotext', ['-', '-'], { input: pdf.rawPayload }).toString();
      assert.match(text, /与 \d{4}-\d\d-\d\d 心电图比较：新出现ST段抬高/, 'comparison line on the page');
    }
    const first = await ok(ctx, 'GET', `/api/reports?examId=${examId}`, c['ecg.doctor']);
    assert.equal(first.total, 1);
  });

  test('unlinked ECG cannot be signed; a missing PDF font answers 503 naming the fix', async () => {
    const examId = await makeExam(ctx, { orgId: ids.org, patientId: null });
    const r = await ok(ctx, 'POST', '/api/reports', c['ecg.tech'], { examId });
    await ok(ctx, 'POST', `/api/reports/${r.id}/check`, c['ecg.tech'], {});
    await ok(ctx, 'POST', `/api/reports/${r.id}/diagnose`, c['ecg.doctor'], {
      statements: [{ code: 'SR' }],
      conclusion: '窦性心律',
    });
    await ok(ctx, 'POST', `/api/reports/${r.id}/review`, c['ecg.senior'], {});
    let res = await ctx.request('POST', `/api/reports/${r.id}/sign`, c['ecg.doctor'], {});
    assert.equal(res.statusCode, 409);
    assert.match(res.json().issue[0].diagnostics, /link the ECG to a patient/);
    await ctx.pool.query('UPDATE ecg_exams SET patient_id = $2 WHERE id = $1', [examId, ids.patients[9].id]);
    const signed = await ok(ctx, 'POST', `/api/reports/${r.id}/sign`, c['ecg.doctor'], {});
    assert.equal(signed.patientId, ids.patients[9].id, 'patient taken over from the exam before hashing');
    assert.equal((await ok(ctx, 'GET', `/api/reports/verify?id=${r.id}`, c.clinician)).status, 'valid');

    const draft = await ok(ctx, 'POST', '/api/reports', c['ecg.tech'], {
      examId: await makeExam(ctx, { orgId: ids.org, patientId: ids.patients[9].id }),
    });
    process.env.LIFELINE_PDF_FONT = '/nonexistent/font.ttc';
    try {
      res = await ctx.request('GET', `/api/reports/${draft.id}/pdf`, c.clinician);
    } finally {
      delete process.env.LIFELINE_PDF_FONT;
    }
    assert.equal(res.statusCode, 503);
    assert.match(res.json().issue[0].diagnostics, /\/nonexistent\/font\.ttc.*fonts-noto-cjk/);
  });

  test('each step is announced on the live ECG worklist topic when it commits', async () => {
    const listener = new pg.Client({ connectionString: ctx.url });
    await listener.connect();
    const events: { topic: string; payload: { type: string; status: string; reportId: string } }[] = [];
    listener.on('notification', (m) => events.push(JSON.parse(m.payload ?? '{}')));
    await listener.query('LISTEN lifeline_live');
    try {
      const examId = await makeExam(ctx, { orgId: ids.org, patientId: ids.patients[9].id });
      const id = await reportThroughSigning(ctx, c, examId, [{ code: 'SR' }]);
      for (let i = 0; i < 40 && events.filter((e) => e.payload.reportId === id).length < 5; i++)
        await sleep(50);
      const mine = events.filter((e) => e.payload.reportId === id);
      assert.ok(
        mine.every((e) => e.topic === `ecg.worklist:${ids.org}` && e.payload.type === 'report.updated'),
      );
      assert.deepEqual(
        mine.map((e) => e.payload.status),
        ['draft', 'checked', 'diagnosed', 'reviewed', 'signed'],
      );
    } finally {
      await listener.end();
    }
  });

  test('bad input and role refusals', async () => {
    let res = await ctx.request('POST', '/api/reports', c['ecg.tech'], {
      examId: '00000000-0000-4000-8000-000000000000',
    });
    assert.equal(res.statusCode, 404);
    res = await ctx.request('POST', '/api/reports', c['ecg.tech'], { examId: 'nope' });
    assert.equal(res.statusCode, 400);
    res = await ctx.request('POST', '/api/reports', c.clinician, {
      examId: '00000000-0000-4000-8000-000000000000',
    });
    assert.equal(res.statusCode, 403);
    const town = await ctx.login('town.tech');
    const examId = await makeExam(ctx, { orgId: ids.org, patientId: ids.patients[8].id });
    res = await ctx.request('POST', '/api/reports', town, { examId });
    assert.equal(res.statusCode, 404, 'another organisation cannot see the exam');
    const hubReport = await ok(ctx, 'POST', '/api/reports', c['ecg.tech'], { examId });
    const townDoctor = await ctx.login('town.tech');
    for (const url of [
      `/api/reports/${hubReport.id}`,
      `/api/reports/verify?id=${hubReport.id}`,
      `/api/reports/${hubReport.id}/pdf`,
    ]) {
      assert.equal((await ctx.request('GET', url, townDoctor)).statusCode, 404, url);
    }
    const townList = await ok(ctx, 'GET', '/api/reports', townDoctor);
    assert.equal(townList.total, 0, 'no reports of another organisation listed');
  });
});
