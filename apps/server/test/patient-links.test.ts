/**
 * Link without merge: two records of the same person in different hospitals of the network are linked (each
 * keeps its identifiers and history), shown on both pages and in search, unlinked again; permission, scope,
 * history and audit are checked, and merge/undo keep working next to links.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyAuditChain } from '../src/plugins/audit';
import { createTestContext, type TestContext } from './helpers';

describe('patient links (same person, records kept apart)', () => {
  let ctx: TestContext;
  let chief: string;
  let tech: string;
  let town: string;
  let hubPatient: string;
  let townPatient: string;
  let strangerPatient: string;

  const create = async (cookie: string, body: object) => {
    const res = await ctx.request('POST', '/api/patients', cookie, body);
    assert.equal(res.statusCode, 200, res.body);
    return res.json().id as string;
  };

  before(async () => {
    ctx = await createTestContext();
    chief = await ctx.login('ecg.chief');
    tech = await ctx.login('ecg.tech');
    town = await ctx.login('town.tech');
    hubPatient = await create(tech, {
      name: '司马相如',
      sex: 'M',
      birthDate: '1961-04-02',
      identifiers: [{ type: 'his', value: 'LINK-HUB-1' }],
    });
    townPatient = await create(town, {
      name: '司马相如',
      sex: 'M',
      birthDate: '1961-04-02',
      identifiers: [{ type: 'outpatient', value: 'LINK-TOWN-1' }],
    });
    // A hospital outside the network (no parent, not the hub's child), with a patient of its own.
    const org = await ctx.pool.query(
      `INSERT INTO organizations (code, name, type, parent_id, time_zone)
       VALUES ('OTHER-1', '外县医院', 'other-hospital', NULL, 'Asia/Shanghai') RETURNING id`,
    );
    const p = await ctx.pool.query(
      `INSERT INTO patients (organization_id, name, name_pinyin, name_initials, sex)
       VALUES ($1, '司马相如', 'simaxiangru', 'smxr', 'M') RETURNING id`,
      [org.rows[0].id],
    );
    strangerPatient = p.rows[0].id;
  });
  after(() => ctx.close());

  test('bad input, permission and scope are refused', async () => {
    const url = `/api/patients/${hubPatient}/links`;
    const body = { otherPatientId: townPatient, reason: '同一人（身份证核对）' };
    assert.equal((await ctx.request('POST', url, tech, body)).statusCode, 403, 'technicians cannot link');
    const noReason = await ctx.request('POST', url, chief, { otherPatientId: townPatient });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, /reason/);
    const badId = await ctx.request('POST', url, chief, { otherPatientId: 'x', reason: '同一人' });
    assert.equal(badId.statusCode, 400);
    assert.match(badId.body, /otherPatientId/);
    const self = await ctx.request('POST', url, chief, { otherPatientId: hubPatient, reason: '同一人' });
    assert.equal(self.statusCode, 400);
    const outside = await ctx.request('POST', url, chief, {
      otherPatientId: strangerPatient,
      reason: '同一人',
    });
    assert.equal(outside.statusCode, 400, 'a record outside the network cannot be linked');
    assert.match(outside.body, /network/);
    // The record on screen must be the user's organisation's own.
    const notMine = await ctx.request('POST', `/api/patients/${townPatient}/links`, chief, {
      otherPatientId: hubPatient,
      reason: '同一人',
    });
    assert.equal(notMine.statusCode, 404);
  });

  test('link candidates come from the whole network, with their organisation', async () => {
    const res = await ctx.request('GET', '/api/patients/link-candidates?q=smxr', chief);
    assert.equal(res.statusCode, 200, res.body);
    const items = res.json().items as { id: string; organizationName: string }[];
    const ids = items.map((i) => i.id);
    assert.ok(ids.includes(hubPatient) && ids.includes(townPatient), 'both hospitals');
    assert.ok(!ids.includes(strangerPatient), 'never outside the network');
    assert.equal(items.find((i) => i.id === townPatient)?.organizationName, '青山县城关镇卫生院');
    const byId = (await ctx.request('GET', '/api/patients/link-candidates?q=LINK-TOWN-1', chief)).json();
    assert.deepEqual(
      byId.items.map((i: { id: string }) => i.id),
      [townPatient],
    );
    assert.equal((await ctx.request('GET', '/api/patients/link-candidates?q=smxr', tech)).statusCode, 403);
    assert.equal((await ctx.request('GET', '/api/patients/link-candidates', chief)).statusCode, 400);
  });

  test('link: both records stay, each page and search show the other, history and audit on both', async () => {
    const res = await ctx.request('POST', `/api/patients/${hubPatient}/links`, chief, {
      otherPatientId: townPatient,
      reason: '同一人（身份证核对）',
    });
    assert.equal(res.statusCode, 200, res.body);
    const { linkId } = res.json();
    const again = await ctx.request('POST', `/api/patients/${hubPatient}/links`, chief, {
      otherPatientId: townPatient,
      reason: '再次',
    });
    assert.equal(again.statusCode, 409, 'already linked');

    const hub = (await ctx.request('GET', `/api/patients/${hubPatient}`, tech)).json();
    assert.equal(hub.mergedIntoId, null, 'a link is not a merge');
    assert.equal(hub.links.length, 1);
    assert.equal(hub.links[0].linkId, linkId);
    assert.equal(hub.links[0].patientId, townPatient);
    assert.equal(hub.links[0].organizationName, '青山县城关镇卫生院');
    assert.deepEqual(hub.links[0].identifiers, [{ type: 'outpatient', value: 'LINK-TOWN-1', issuer: null }]);
    assert.deepEqual(
      hub.identifiers.map((i: { value: string }) => i.value),
      ['LINK-HUB-1'],
      'identifiers are not moved',
    );
    // The township sees the link from its side.
    const townView = (await ctx.request('GET', `/api/patients/${townPatient}`, town)).json();
    assert.equal(townView.links[0].patientId, hubPatient);
    assert.equal(townView.links[0].organizationName, '青山县人民医院');

    const found = (
      await ctx.request('GET', `/api/patients?q=${encodeURIComponent('LINK-HUB-1')}`, tech)
    ).json();
    assert.equal(found.items[0].id, hubPatient);
    assert.equal(found.items[0].links[0].patientId, townPatient);

    const history = (await ctx.request('GET', `/api/patients/${townPatient}/history`, town)).json();
    assert.ok(history.some((h: { action: string }) => h.action === 'link'));
    const audit = await ctx.pool.query(
      `SELECT patient_id, username FROM audit_log WHERE action = 'patient.link' ORDER BY seq`,
    );
    assert.deepEqual(audit.rows.map((r) => r.patient_id).sort(), [hubPatient, townPatient].sort());
    assert.ok(audit.rows.every((r) => r.username === 'ecg.chief'));
    const read = await ctx.pool.query(
      `SELECT detail FROM audit_log WHERE action = 'patient.read' AND patient_id = $1 ORDER BY seq DESC LIMIT 1`,
      [hubPatient],
    );
    assert.deepEqual(read.rows[0].detail.linkedPatientIds, [townPatient]);
  });

  test('unlink: gone from both pages, kept in history; a second unlink is a conflict', async () => {
    const hub = (await ctx.request('GET', `/api/patients/${hubPatient}`, tech)).json();
    const linkId = hub.links[0].linkId;
    assert.equal(
      (await ctx.request('POST', `/api/patients/links/${linkId}/unlink`, tech, { reason: '误关联' }))
        .statusCode,
      403,
    );
    assert.equal(
      (await ctx.request('POST', `/api/patients/links/${linkId}/unlink`, chief, {})).statusCode,
      400,
      'a reason is required',
    );
    const res = await ctx.request('POST', `/api/patients/links/${linkId}/unlink`, chief, {
      reason: '误关联',
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().patientIds.sort(), [hubPatient, townPatient].sort());
    assert.deepEqual((await ctx.request('GET', `/api/patients/${hubPatient}`, tech)).json().links, []);
    assert.deepEqual((await ctx.request('GET', `/api/patients/${townPatient}`, town)).json().links, []);
    const twice = await ctx.request('POST', `/api/patients/links/${linkId}/unlink`, chief, {
      reason: '误关联',
    });
    assert.equal(twice.statusCode, 409);
    const unknown = await ctx.request(
      'POST',
      '/api/patients/links/00000000-0000-4000-8000-000000000000/unlink',
      chief,
      { reason: '误关联' },
    );
    assert.equal(unknown.statusCode, 404);
    const row = await ctx.pool.query('SELECT unlinked_at, unlink_reason FROM patient_links WHERE id = $1', [
      linkId,
    ]);
    assert.ok(row.rows[0].unlinked_at);
    assert.equal(row.rows[0].unlink_reason, '误关联');
    const history = (await ctx.request('GET', `/api/patients/${hubPatient}/history`, tech)).json();
    assert.deepEqual(
      history
        .filter((h: { action: string }) => /link/.test(h.action))
        .map((h: { action: string }) => h.action),
      ['unlink', 'link'],
    );
    assert.equal((await verifyAuditChain(ctx.pool)).ok, true);
  });

  test('merge and undo keep working next to links; a merged-away record cannot be linked', async () => {
    const dup = await create(tech, {
      name: '司马相如',
      sex: 'M',
      identifiers: [{ type: 'his', value: 'LINK-DUP' }],
    });
    const relink = await ctx.request('POST', `/api/patients/${hubPatient}/links`, chief, {
      otherPatientId: townPatient,
      reason: '核实为同一人',
    });
    assert.equal(relink.statusCode, 200, 'linking again after an unlink is allowed');
    const merged = await ctx.request('POST', `/api/patients/${hubPatient}/merge`, chief, {
      sourcePatientId: dup,
      reason: '重复建档',
    });
    assert.equal(merged.statusCode, 200, merged.body);
    assert.equal(merged.json().patient.links.length, 1, 'the link survives a merge into the record');
    const toMerged = await ctx.request('POST', `/api/patients/${townPatient}/links`, town, {
      otherPatientId: dup,
      reason: '同一人',
    });
    assert.equal(toMerged.statusCode, 403, 'technicians cannot link from the township either');
    const chiefToMerged = await ctx.request('POST', `/api/patients/${hubPatient}/links`, chief, {
      otherPatientId: dup,
      reason: '同一人',
    });
    assert.equal(chiefToMerged.statusCode, 400);
    assert.match(chiefToMerged.body, /merged/);
    const undone = await ctx.request('POST', `/api/patients/merges/${merged.json().mergeId}/undo`, chief, {
      reason: '合并错误',
    });
    assert.equal(undone.statusCode, 200, undone.body);
    assert.equal(undone.json().id, dup);
  });
});
