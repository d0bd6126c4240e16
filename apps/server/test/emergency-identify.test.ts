import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createTestContext, type TestContext } from './helpers';

/** An ECG exam row as the ECG module stores it, with a placeholder for every other required column. */
async function insertEcgExam(ctx: TestContext, row: Record<string, unknown>) {
  const { rows } = await ctx.pool.query(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_name = 'ecg_exams' AND is_nullable = 'NO' AND column_default IS NULL`,
  );
  const values: Record<string, unknown> = { ...row };
  for (const c of rows) {
    if (c.column_name in values) continue;
    values[c.column_name] =
      c.data_type === 'ARRAY'
        ? ['I']
        : ['integer', 'real', 'double precision', 'numeric', 'bigint'].includes(c.data_type)
          ? 1
          : c.data_type === 'jsonb'
            ? {}
            : `test-${c.column_name}`;
  }
  const cols = Object.keys(values);
  await ctx.pool.query(
    `INSERT INTO ecg_exams (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
    cols.map((k) => values[k]),
  );
}

describe('an unknown patient identified: merged into the real record, undoable', () => {
  let ctx: TestContext;
  let nurse: string;
  let qc: string;
  let town: string;
  let orgId: string;

  before(async () => {
    ctx = await createTestContext();
    nurse = await ctx.login('ed.nurse');
    qc = await ctx.login('qc');
    town = await ctx.login('town.tech');
    orgId = (await ctx.request('GET', '/api/auth/me', nurse)).json().organizationId;
  });
  after(() => ctx.close());

  async function unknownCaseWithEcgAndNodes() {
    const res = await ctx.request('POST', '/api/emergency/cases', nurse, {
      center: 'chest-pain',
      unknownPatient: { sex: 'M', estimatedAge: 55 },
    });
    assert.equal(res.statusCode, 200, res.body);
    const c = res.json();
    for (const code of ['first-medical-contact', 'door']) {
      const n = await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, { code });
      assert.equal(n.statusCode, 200, n.body);
    }
    const ecgId = randomUUID();
    await insertEcgExam(ctx, {
      id: ecgId,
      organization_id: orgId,
      patient_id: c.patient.id,
      acquired_at: new Date(),
      channel: 'api',
      content_hash: ecgId,
    });
    const real = await ctx.request('POST', '/api/patients', nurse, {
      name: `赵${Math.floor(Math.random() * 1000)}`,
      sex: 'M',
      birthDate: '1970-02-03',
    });
    assert.equal(real.statusCode, 200, real.body);
    return {
      caseId: c.id as string,
      tempId: c.patient.id as string,
      ecgId,
      realId: real.json().id as string,
    };
  }

  const ecgPatient = async (id: string) =>
    (await ctx.pool.query('SELECT patient_id FROM ecg_exams WHERE id = $1', [id])).rows[0].patient_id;

  test('the case, its ECGs and time nodes move to the real patient; the temporary record is merged; undo restores it', async () => {
    const { caseId, tempId, ecgId, realId } = await unknownCaseWithEcgAndNodes();
    const ok = await ctx.request('POST', `/api/emergency/cases/${caseId}/identify`, nurse, {
      patientId: realId,
      reason: '家属到场核实身份',
    });
    assert.equal(ok.statusCode, 200, ok.body);
    const detail = ok.json();
    assert.equal(detail.patient.id, realId);
    assert.equal(detail.temporaryIdentity, false);
    assert.deepEqual(
      detail.times.map((t: { code: string }) => t.code).sort(),
      ['door', 'first-medical-contact'],
      'time nodes stay on the case',
    );
    assert.equal(await ecgPatient(ecgId), realId, 'ECG moved');
    assert.deepEqual(detail.identification.ecgExamIds, [ecgId]);
    const merge = await ctx.pool.query(
      'SELECT id, target_patient_id, undone_at FROM patient_merges WHERE source_patient_id = $1',
      [tempId],
    );
    assert.equal(merge.rows.length, 1);
    assert.equal(merge.rows[0].target_patient_id, realId);
    assert.equal(detail.identification.mergeId, merge.rows[0].id);
    const temp = await ctx.pool.query('SELECT merged_into_id FROM patients WHERE id = $1', [tempId]);
    assert.equal(temp.rows[0].merged_into_id, realId);
    const audit = await ctx.pool.query(
      `SELECT action FROM audit_log WHERE (resource_id = $1 AND action = 'emergency.case.identify')
         OR (resource_id = $2 AND action = 'patient.merge')`,
      [caseId, realId],
    );
    assert.deepEqual(audit.rows.map((r) => r.action).sort(), ['emergency.case.identify', 'patient.merge']);
    // The real patient's ECG list now has the exam (the patients module follows merges by id).
    const nodes = await ctx.pool.query(
      'SELECT count(*)::int AS n FROM emergency_time_nodes WHERE case_id = $1',
      [caseId],
    );
    assert.equal(nodes.rows[0].n, 2);

    // Undo: bad reason, then the real undo, then a second undo is a conflict.
    const idf = detail.identification.id;
    const bad = await ctx.request('POST', `/api/emergency/identifications/${idf}/undo`, nurse, {
      reason: '',
    });
    assert.equal(bad.statusCode, 400);
    const other = await ctx.request('POST', `/api/emergency/identifications/${idf}/undo`, town, {
      reason: '错误识别',
    });
    assert.ok([403, 404].includes(other.statusCode), 'another organisation cannot undo');
    const undo = await ctx.request('POST', `/api/emergency/identifications/${idf}/undo`, nurse, {
      reason: '识别错误，家属认错人',
    });
    assert.equal(undo.statusCode, 200, undo.body);
    const back = (await ctx.request('GET', `/api/emergency/cases/${caseId}`, nurse)).json();
    assert.equal(back.patient.id, tempId);
    assert.equal(back.temporaryIdentity, true);
    assert.equal(back.identification, null);
    assert.equal(back.times.length, 2);
    assert.equal(await ecgPatient(ecgId), tempId, 'ECG moved back');
    const m = await ctx.pool.query('SELECT undone_at FROM patient_merges WHERE id = $1', [merge.rows[0].id]);
    assert.ok(m.rows[0].undone_at, 'the patient merge is undone');
    const again = await ctx.request('POST', `/api/emergency/identifications/${idf}/undo`, nurse, {
      reason: '再次撤销',
    });
    assert.equal(again.statusCode, 409);
    const undoAudit = await ctx.pool.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'emergency.case.identify.undo' AND resource_id = $1`,
      [caseId],
    );
    assert.equal(undoAudit.rows[0].n, 1);
  });

  test('undoing the patient merge on the patient page moves the case and the ECG back too', async () => {
    const { caseId, tempId, ecgId, realId } = await unknownCaseWithEcgAndNodes();
    const ok = await ctx.request('POST', `/api/emergency/cases/${caseId}/identify`, nurse, {
      patientId: realId,
      reason: '身份证核实',
    });
    assert.equal(ok.statusCode, 200, ok.body);
    const mergeId = ok.json().identification.mergeId;
    const undo = await ctx.request('POST', `/api/patients/merges/${mergeId}/undo`, qc, {
      reason: '合并错误',
    });
    assert.equal(undo.statusCode, 200, undo.body);
    const back = (await ctx.request('GET', `/api/emergency/cases/${caseId}`, nurse)).json();
    assert.equal(back.patient.id, tempId);
    assert.equal(back.temporaryIdentity, true);
    assert.equal(await ecgPatient(ecgId), tempId);
    const audit = await ctx.pool.query(
      `SELECT detail FROM audit_log WHERE action = 'emergency.case.identify.undo' AND resource_id = $1`,
      [caseId],
    );
    assert.equal(audit.rows[0].detail.by, 'background');
    // It can be identified again afterwards.
    const again = await ctx.request('POST', `/api/emergency/cases/${caseId}/identify`, nurse, {
      patientId: realId,
      reason: '再次核实',
    });
    assert.equal(again.statusCode, 200, again.body);
  });

  test('bad input leaves nothing behind: unknown patient, the temporary one itself, a missing reason', async () => {
    const { caseId, tempId, ecgId } = await unknownCaseWithEcgAndNodes();
    for (const [body, field] of [
      [{ patientId: randomUUID(), reason: '核实' }, 'patientId'],
      [{ patientId: tempId, reason: '核实' }, 'patientId'],
      [{ patientId: randomUUID() }, 'reason'],
    ] as const) {
      const res = await ctx.request('POST', `/api/emergency/cases/${caseId}/identify`, nurse, body);
      assert.equal(res.statusCode, 400, res.body);
      assert.match(JSON.stringify(res.json().issue), new RegExp(field));
    }
    const merges = await ctx.pool.query(
      'SELECT count(*)::int AS n FROM patient_merges WHERE source_patient_id = $1',
      [tempId],
    );
    assert.equal(merges.rows[0].n, 0);
    assert.equal(await ecgPatient(ecgId), tempId);
    const missing = await ctx.request('POST', `/api/emergency/identifications/${randomUUID()}/undo`, nurse, {
      reason: '撤销',
    });
    assert.equal(missing.statusCode, 404);
  });
});
