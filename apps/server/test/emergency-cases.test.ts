import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { extendPathway, PATHWAYS } from '@lifeline/emergency';
import { registerPathwayVersion } from '../src/modules/emergency';
import { createTestContext, type TestContext } from './helpers';

/**
 * An ECG exam row as the ECG module would store it: our columns, and a placeholder for every other required
 * column, so the test follows that module's schema as it grows. Without the module a stand-in table is made.
 */
async function insertEcgExam(ctx: TestContext, row: Record<string, unknown>) {
  const has = (await ctx.pool.query(`SELECT to_regclass('ecg_exams') AS t`)).rows[0].t;
  if (!has)
    await ctx.pool.query(
      'CREATE TABLE ecg_exams (id uuid PRIMARY KEY, organization_id uuid, patient_id uuid, acquired_at timestamptz, channel text)',
    );
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

describe('emergency cases and time nodes', () => {
  let ctx: TestContext;
  let nurse: string;
  let doctor: string;
  let qc: string;
  let town: string;

  before(async () => {
    ctx = await createTestContext();
    nurse = await ctx.login('ed.nurse');
    doctor = await ctx.login('ed.doctor');
    qc = await ctx.login('qc');
    town = await ctx.login('town.tech');
  });
  after(() => ctx.close());

  async function knownPatient(name: string) {
    const res = await ctx.request('POST', '/api/patients', nurse, {
      name,
      sex: 'M',
      birthDate: '1960-05-01',
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().id as string;
  }

  test('an unknown patient gets a temporary identity and wristband, later re-pointed to the real patient', async () => {
    const res = await ctx.request('POST', '/api/emergency/cases', nurse, {
      center: 'chest-pain',
      arrivalMode: 'ambulance',
      source: 'prehospital',
      unknownPatient: { sex: 'M', estimatedAge: 60 },
    });
    assert.equal(res.statusCode, 200, res.body);
    const c = res.json();
    assert.match(c.wristband, /^JZ\d{6}$/);
    assert.equal(c.temporaryIdentity, true);
    assert.equal(c.patient.name, `无名氏-${c.wristband}`);
    assert.equal(c.startSource, 'prehospital');
    assert.equal(c.patient.age, 60, 'estimated age stands in for the unknown birth date');

    // The same unknown patient is also a stroke case: one wristband, two centers.
    const realId = await knownPatient('钱大伟');
    const bad = await ctx.request('POST', `/api/emergency/cases/${c.id}/identify`, nurse, {
      patientId: c.patient.id,
      reason: '家属到场',
    });
    assert.equal(bad.statusCode, 400);
    const ok = await ctx.request('POST', `/api/emergency/cases/${c.id}/identify`, nurse, {
      patientId: realId,
      reason: '家属到场核实身份',
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().patient.id, realId);
    assert.equal(ok.json().temporaryIdentity, false);
    assert.ok(ok.json().events.some((e: { action: string }) => e.action === 'case.identify'));
    const again = await ctx.request('POST', `/api/emergency/cases/${c.id}/identify`, nurse, {
      patientId: realId,
      reason: '再次',
    });
    assert.equal(again.statusCode, 409);
    const audit = await ctx.pool.query(
      `SELECT detail FROM audit_log WHERE action = 'emergency.case.identify' AND resource_id = $1`,
      [c.id],
    );
    assert.equal(audit.rows[0].detail.temporaryPatientId, c.patient.id);
  });

  test('one patient in two centers shares the wristband; a second active case in the same center is refused', async () => {
    const pid = await knownPatient('孙二娘');
    const cp = (
      await ctx.request('POST', '/api/emergency/cases', nurse, { center: 'chest-pain', patientId: pid })
    ).json();
    const st = await ctx.request('POST', '/api/emergency/cases', nurse, { center: 'stroke', patientId: pid });
    assert.equal(st.statusCode, 200, st.body);
    assert.equal(st.json().wristband, cp.wristband);
    assert.deepEqual(
      st.json().otherCases.map((o: { id: string }) => o.id),
      [cp.id],
    );
    const dup = await ctx.request('POST', '/api/emergency/cases', nurse, {
      center: 'chest-pain',
      patientId: pid,
    });
    assert.equal(dup.statusCode, 409);
    const noCenter = await ctx.request('POST', '/api/emergency/cases', nurse, { patientId: pid });
    assert.equal(noCenter.statusCode, 400);
    assert.deepEqual(noCenter.json().issue[0].expression, ['center']);
  });

  test('a case starts from a STEMI ECG, linked only when the ECG exists; its first ECG time comes from the cart', async () => {
    const pid = await knownPatient('周建国');
    const missing = await ctx.request('POST', '/api/emergency/cases', doctor, {
      fromEcgId: '00000000-0000-4000-8000-000000000001',
    });
    assert.equal(missing.statusCode, 400);
    assert.deepEqual(missing.json().issue[0].expression, ['fromEcgId']);
    const org = (await ctx.pool.query(`SELECT organization_id FROM patients WHERE id = $1`, [pid])).rows[0]
      .organization_id;
    const acquired = new Date(Date.now() - 5 * 60_000);
    const ecgId = '11111111-1111-4111-8111-111111111111';
    await insertEcgExam(ctx, {
      id: ecgId,
      organization_id: org,
      patient_id: pid,
      acquired_at: acquired,
      channel: 'api',
    });
    const res = await ctx.request('POST', '/api/emergency/cases', doctor, { fromEcgId: ecgId });
    assert.equal(res.statusCode, 200, res.body);
    const c = res.json();
    assert.equal(c.center, 'chest-pain');
    assert.equal(c.sourceEcgId, ecgId);
    assert.equal(c.patient.id, pid);
    const first = c.times.find((t: { code: string }) => t.code === 'first-ecg');
    assert.equal(first.source, 'ecg');
    assert.equal(first.at, acquired.toISOString());
    // Another organisation cannot start a case from this ECG.
    const other = await ctx.request('POST', '/api/emergency/cases', await ctx.login('paramedic'), {
      fromEcgId: ecgId,
    });
    assert.equal(other.statusCode, 400);
  });

  test('one tap records the server time; manual needs a reason; source rules; edits keep history; warnings never block', async () => {
    const pid = await knownPatient('郑成功');
    const c = (
      await ctx.request('POST', '/api/emergency/cases', nurse, {
        center: 'chest-pain',
        patientId: pid,
        arrivalMode: 'walk-in',
      })
    ).json();
    const before = Date.now();
    const tap = await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, { code: 'door' });
    assert.equal(tap.statusCode, 200, tap.body);
    const door = tap.json().node;
    assert.equal(door.source, 'tap');
    const at = Date.parse(door.at);
    assert.ok(at >= before - 1000 && at <= Date.now() + 1000, 'server time');
    assert.equal(door.recordedBy, '孙燕（急诊护士）');

    const tapWithTime = await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, {
      code: 'first-doctor',
      at: '2026-01-01T08:00:00+08:00',
    });
    assert.equal(tapWithTime.statusCode, 400);
    assert.deepEqual(tapWithTime.json().issue[0].expression, ['at']);

    const noReason = await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, {
      code: 'onset',
      source: 'manual',
      at: new Date(at - 3600_000).toISOString(),
    });
    assert.equal(noReason.statusCode, 400);
    assert.deepEqual(noReason.json().issue[0].expression, ['reason']);
    assert.match(noReason.json().issue[0].diagnostics, /^reason:/);

    const bareLocal = await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, {
      code: 'onset',
      source: 'manual',
      at: '2026-01-01T08:00:00',
      reason: '患者自述',
    });
    assert.equal(bareLocal.statusCode, 400);
    assert.deepEqual(bareLocal.json().issue[0].expression, ['at']);

    const badSource = await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, {
      code: 'onset',
      source: 'lab',
      at: new Date().toISOString(),
    });
    assert.equal(badSource.statusCode, 400);
    assert.deepEqual(badSource.json().issue[0].expression, ['source']);
    const unknown = await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, {
      code: 'no-such-node',
    });
    assert.deepEqual(unknown.json().issue[0].expression, ['code']);

    // An onset window is allowed; a device time records its device.
    const win = await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, {
      code: 'onset',
      source: 'manual',
      reason: '患者自述夜间发病',
      window: {
        from: new Date(at - 4 * 3600_000).toISOString(),
        to: new Date(at - 3 * 3600_000).toISOString(),
      },
    });
    assert.equal(win.statusCode, 200, win.body);
    assert.ok(win.json().node.window);
    const dev = await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, {
      code: 'first-ecg',
      source: 'device',
      sourceDetail: 'MAC 2000 #3',
      at: new Date(at + 60_000).toISOString(),
    });
    assert.equal(dev.json().node.sourceDetail, 'MAC 2000 #3');

    // Troponin reported before drawn: recorded anyway, with a warning.
    await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, { code: 'troponin-reported' });
    const drawn = await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, {
      code: 'troponin-drawn',
      source: 'manual',
      reason: '补录',
      at: new Date(Date.now() + 10 * 60_000).toISOString(),
    });
    assert.equal(drawn.statusCode, 200, drawn.body);
    const kinds = drawn
      .json()
      .warnings.map((w: { kind: string; codes: string[] }) => `${w.kind}:${w.codes.join('>')}`);
    assert.ok(kinds.includes('order:troponin-drawn>troponin-reported'), kinds.join(', '));
    assert.ok(
      kinds.some((k: string) => k.startsWith('future:')),
      'a time in the future is flagged',
    );

    const dupTap = await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, { code: 'door' });
    assert.equal(dupTap.statusCode, 409);

    // Edit: needs a reason, bumps the version and keeps the history.
    const editNoReason = await ctx.request('PATCH', `/api/emergency/cases/${c.id}/nodes/${door.id}`, nurse, {
      at: new Date(at - 120_000).toISOString(),
    });
    assert.deepEqual(editNoReason.json().issue[0].expression, ['reason']);
    const edit = await ctx.request('PATCH', `/api/emergency/cases/${c.id}/nodes/${door.id}`, doctor, {
      at: new Date(at - 120_000).toISOString(),
      reason: '分诊台延迟点击，按监控时间更正',
    });
    assert.equal(edit.statusCode, 200, edit.body);
    assert.equal(edit.json().node.version, 2);
    assert.equal(edit.json().node.source, 'manual');
    const hist = (
      await ctx.request('GET', `/api/emergency/cases/${c.id}/nodes/${door.id}/history`, qc)
    ).json();
    assert.deepEqual(
      hist.map((h: { action: string }) => h.action),
      ['record', 'edit'],
    );
    assert.equal(hist[0].source, 'tap');
    assert.equal(hist[1].changedBy, '吴涛（急诊医生）');

    // Multiple nodes get an instance each.
    const w1 = (
      await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, {
        code: 'wire-crossing',
        instance: 'LAD',
      })
    ).json();
    const w2 = (
      await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, nurse, { code: 'wire-crossing' })
    ).json();
    assert.equal(w1.node.instance, 'LAD');
    assert.equal(w2.node.instance, '2');

    const read = await ctx.request('GET', `/api/emergency/cases/${c.id}`, qc);
    assert.equal(read.statusCode, 200);
    const full = read.json();
    assert.ok(full.metrics.some((m: { metric: string }) => m.metric === 'cp-fmc-to-ecg'));
    assert.ok(Array.isArray(full.registryProblems));
    const audit = await ctx.pool.query(`SELECT action FROM audit_log WHERE resource_id = $1 ORDER BY seq`, [
      c.id,
    ]);
    const actions = audit.rows.map((r) => r.action);
    assert.ok(
      actions.includes('emergency.node.record') &&
        actions.includes('emergency.node.edit') &&
        actions.includes('emergency.case.read'),
    );
  });

  test('a case keeps the pathway version it started with', async () => {
    const pid = await knownPatient('冯思远');
    const old = (
      await ctx.request('POST', '/api/emergency/cases', nurse, { center: 'trauma', patientId: pid })
    ).json();
    assert.equal(old.pathwayVersion, '1.0.0');
    const v2 = extendPathway(PATHWAYS.trauma, {
      version: '1.1.0-site',
      nodes: [
        {
          code: 'pelvic-binder',
          nameZh: '骨盆带固定时间',
          nameEn: 'Pelvic binder applied',
          definition: { zh: '骨盆带固定', en: 'Pelvic binder applied' },
          after: 'airway-secured',
          requiredForRegistry: false,
          allowedSources: ['tap', 'manual'],
          group: 'resuscitation',
        },
      ],
    });
    registerPathwayVersion(v2);
    try {
      const pid2 = await knownPatient('冯思齐');
      const fresh = (
        await ctx.request('POST', '/api/emergency/cases', nurse, { center: 'trauma', patientId: pid2 })
      ).json();
      assert.equal(fresh.pathwayVersion, '1.1.0-site');
      assert.ok(fresh.pathway.nodes.some((n: { code: string }) => n.code === 'pelvic-binder'));
      assert.equal(
        (
          await ctx.request('POST', `/api/emergency/cases/${fresh.id}/nodes`, nurse, {
            code: 'pelvic-binder',
          })
        ).statusCode,
        200,
      );
      const oldRead = (await ctx.request('GET', `/api/emergency/cases/${old.id}`, nurse)).json();
      assert.equal(oldRead.pathwayVersion, '1.0.0');
      assert.ok(!oldRead.pathway.nodes.some((n: { code: string }) => n.code === 'pelvic-binder'));
      const refused = await ctx.request('POST', `/api/emergency/cases/${old.id}/nodes`, nurse, {
        code: 'pelvic-binder',
      });
      assert.equal(refused.statusCode, 400);
    } finally {
      registerPathwayVersion(PATHWAYS.trauma);
    }
  });

  test('an ambulance station starts a prehospital case for the receiving hospital, which sees the pre-alert', async () => {
    const paramedic = await ctx.login('paramedic');
    const orgs = (await ctx.pool.query(`SELECT id, code FROM organizations`)).rows;
    const org = (code: string) => orgs.find((o) => o.code === code).id as string;
    const dest = (await ctx.request('GET', '/api/emergency/destinations', paramedic)).json();
    assert.ok(dest.some((d: { id: string }) => d.id === org('QSX-RMYY')));
    assert.ok(
      !dest.some((d: { id: string }) => d.id === org('QSX-120')),
      'the station itself is no destination',
    );
    const res = await ctx.request('POST', '/api/emergency/cases', paramedic, {
      center: 'chest-pain',
      destinationOrganizationId: org('QSX-RMYY'),
      unknownPatient: { sex: 'M', estimatedAge: 55 },
    });
    assert.equal(res.statusCode, 200, res.body);
    const c = res.json();
    assert.equal(c.organizationId, org('QSX-RMYY'));
    assert.equal(c.prehospitalOrganizationId, org('QSX-120'));
    assert.equal(c.startSource, 'prehospital');
    assert.equal(c.arrivalMode, 'ambulance');
    const temp = await ctx.pool.query('SELECT organization_id FROM patients WHERE id = $1', [c.patient.id]);
    assert.equal(temp.rows[0].organization_id, org('QSX-RMYY'), 'temporary identity in the hospital index');
    // The crew records its times on the way; the hospital board shows the case at once.
    const fmc = await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, paramedic, {
      code: 'first-medical-contact',
    });
    assert.equal(fmc.statusCode, 200, fmc.body);
    const board = (await ctx.request('GET', '/api/emergency/board', nurse)).json();
    const seen = board.cases.find((x: { id: string }) => x.id === c.id);
    assert.ok(seen?.times.some((t: { code: string }) => t.code === 'first-medical-contact'));
    assert.ok(
      (await ctx.request('GET', '/api/emergency/board', paramedic))
        .json()
        .cases.some((x: { id: string }) => x.id === c.id),
    );
    const row = await ctx.pool.query('SELECT organization_id FROM emergency_time_nodes WHERE case_id = $1', [
      c.id,
    ]);
    assert.equal(row.rows[0].organization_id, org('QSX-RMYY'));
    // Only prehospital, only within the network, never with a known patient of another index.
    const triage = await ctx.request('POST', '/api/emergency/cases', paramedic, {
      center: 'stroke',
      source: 'triage',
      destinationOrganizationId: org('QSX-RMYY'),
    });
    assert.deepEqual(triage.json().issue[0].expression, ['destinationOrganizationId']);
    const self = await ctx.request('POST', '/api/emergency/cases', nurse, {
      center: 'stroke',
      destinationOrganizationId: org('QSX-120'),
      unknownPatient: {},
    });
    assert.deepEqual(
      self.json().issue[0].expression,
      ['destinationOrganizationId'],
      'an ambulance station is no hospital',
    );
  });

  test('permissions and organisation scoping', async () => {
    const pid = await knownPatient('褚明');
    const c = (
      await ctx.request('POST', '/api/emergency/cases', nurse, { center: 'stroke', patientId: pid })
    ).json();
    assert.equal(
      (await ctx.request('GET', `/api/emergency/cases/${c.id}`, town)).statusCode,
      403,
      'no emergency.read',
    );
    const paramedic = await ctx.login('paramedic');
    assert.equal(
      (await ctx.request('GET', `/api/emergency/cases/${c.id}`, paramedic)).statusCode,
      404,
      'other organisation',
    );
    const list = (await ctx.request('GET', '/api/emergency/cases?center=stroke', paramedic)).json();
    assert.equal(list.items.length, 0);
    assert.equal(
      (await ctx.request('POST', `/api/emergency/cases/${c.id}/nodes`, qc, { code: 'door' })).statusCode,
      403,
      'qc cannot write',
    );
    const boardRes = (await ctx.request('GET', '/api/emergency/board', nurse)).json();
    assert.ok(boardRes.cases.some((x: { id: string }) => x.id === c.id));
    assert.ok(Date.parse(boardRes.serverTime) > 0);
  });
});
