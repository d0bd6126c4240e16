import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkDigit } from '../src/lib/identity';
import { createTestContext, type TestContext } from './helpers';

function nationalId(area: string, birth: string, seq: string): string {
  const first17 = `${area}${birth.replace(/-/g, '')}${seq}`;
  return first17 + checkDigit(first17);
}

describe('patient index', () => {
  let ctx: TestContext;
  let tech: string;
  let chief: string;
  let town: string;
  const zhangId = nationalId('420302', '1958-03-07', '123'); // 3rd digit odd → male
  let zhang: { id: string };

  before(async () => {
    ctx = await createTestContext();
    tech = await ctx.login('ecg.tech');
    chief = await ctx.login('ecg.chief');
    town = await ctx.login('town.tech');
    const res = await ctx.request('POST', '/api/patients', tech, {
      name: '张三丰',
      sex: 'M',
      nationalId: zhangId,
      phone: '138 0013 8000',
      identifiers: [
        { type: 'his', value: 'HX0001' },
        { type: 'outpatient', value: 'MZ20261121001' },
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    zhang = res.json();
  });
  after(() => ctx.close());

  test('creation derives birth date from the national ID and masks ID and phone', async () => {
    const p = (await ctx.request('GET', `/api/patients/${zhang.id}`, tech)).json();
    assert.equal(p.birthDate, '1958-03-07');
    assert.equal(p.nationalIdMasked, `4203**********${zhangId.slice(-4)}`);
    assert.equal(p.phoneMasked, '138****8000');
    assert.ok(!JSON.stringify(p).includes(zhangId), 'full national ID must not appear');
    const stored = await ctx.pool.query('SELECT national_id_enc, phone_enc FROM patients WHERE id = $1', [
      zhang.id,
    ]);
    assert.ok(
      !stored.rows[0].national_id_enc.toString('latin1').includes(zhangId.slice(6, 14)),
      'encrypted at rest',
    );
  });

  test('search by initials, full pinyin, characters, identifiers, national ID and birth date', async () => {
    const find = async (q: string, extra = '') =>
      (await ctx.request('GET', `/api/patients?q=${encodeURIComponent(q)}${extra}`, tech))
        .json()
        .items.map((p: { id: string }) => p.id);
    assert.ok((await find('zsf')).includes(zhang.id), 'initials');
    assert.equal((await find('zsf'))[0], zhang.id, 'exact initials rank first');
    assert.ok((await find('zhangsanfeng')).includes(zhang.id), 'full pinyin');
    assert.ok((await find('ZhangSan')).includes(zhang.id), 'pinyin prefix, any case');
    assert.ok((await find('张三')).includes(zhang.id), 'characters');
    assert.ok((await find('HX0001')).includes(zhang.id), 'HIS id');
    assert.ok((await find('MZ20261121001')).includes(zhang.id), 'outpatient no.');
    assert.deepEqual(await find(zhangId), [zhang.id], 'national ID finds exactly one');
    assert.ok((await find('zsf', '&birthDate=1958-03-07')).includes(zhang.id), 'with birth date');
    assert.deepEqual(await find('zsf', '&birthDate=1958-03-08'), [], 'other birth date');
    assert.deepEqual(await find('qqqqqq'), []);
  });

  test('organisation scoping: a township technician cannot find or open the hub patient', async () => {
    const items = (await ctx.request('GET', `/api/patients?q=HX0001`, town)).json().items;
    assert.equal(items.length, 0);
    assert.equal((await ctx.request('GET', `/api/patients/${zhang.id}`, town)).statusCode, 404);
    assert.equal(
      (await ctx.request('PATCH', `/api/patients/${zhang.id}`, town, { address: 'x' })).statusCode,
      404,
    );
  });

  test('bad input: 400 naming each field, and nothing half-written', async () => {
    const before = (await ctx.pool.query('SELECT count(*)::int AS n FROM patients')).rows[0].n;
    const wrongCheck = zhangId.slice(0, 17) + (zhangId[17] === '1' ? '2' : '1');
    let res = await ctx.request('POST', '/api/patients', tech, {
      name: '李四',
      sex: 'F',
      nationalId: wrongCheck,
      phone: '12345',
      birthDate: '2031-02-30',
    });
    assert.equal(res.statusCode, 400);
    const fields = res
      .json()
      .issue.map((i: { expression: string[] }) => i.expression[0])
      .sort();
    assert.deepEqual(fields, ['birthDate', 'nationalId', 'phone']);
    // Sex contradicting the ID.
    res = await ctx.request('POST', '/api/patients', tech, {
      name: '李四',
      sex: 'F',
      nationalId: zhangId.replace(/^4/, '4'),
    });
    assert.equal(res.statusCode, 400);
    // An identifier that belongs to someone else: 409, and the new patient row was not left behind.
    res = await ctx.request('POST', '/api/patients', tech, {
      name: '王五',
      sex: 'M',
      identifiers: [{ type: 'his', value: 'HX0001' }],
    });
    assert.equal(res.statusCode, 409);
    assert.deepEqual(res.json().issue[0].expression, ['identifiers.0.value']);
    const after = (await ctx.pool.query('SELECT count(*)::int AS n FROM patients')).rows[0].n;
    assert.equal(after, before);
  });

  test('full national ID needs a permission and its read is audited', async () => {
    assert.equal((await ctx.request('GET', `/api/patients/${zhang.id}/sensitive`, tech)).statusCode, 403);
    const res = await ctx.request('GET', `/api/patients/${zhang.id}/sensitive`, chief);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { nationalId: zhangId, phone: '13800138000' });
    const { rows } = await ctx.pool.query(
      `SELECT username FROM audit_log WHERE action = 'patient.sensitive.read' AND patient_id = $1`,
      [zhang.id],
    );
    assert.deepEqual(
      rows.map((r) => r.username),
      ['ecg.chief'],
    );
  });

  test('update validates and records history', async () => {
    const res = await ctx.request('PATCH', `/api/patients/${zhang.id}`, tech, {
      address: '湖北省十堰市城关镇1号',
      name: '张三丰 ',
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().name, '张三丰');
    const bad = await ctx.request('PATCH', `/api/patients/${zhang.id}`, tech, { birthDate: '1958-03-08' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().issue[0].diagnostics, /birthDate: does not match the national ID/);
    const history = (await ctx.request('GET', `/api/patients/${zhang.id}/history`, tech)).json();
    assert.deepEqual(
      history.map((h: { action: string }) => h.action),
      ['update', 'create'],
    );
  });

  test('merge a duplicate, keep history, and undo the merge', async () => {
    const dup = (
      await ctx.request('POST', '/api/patients', tech, {
        name: '张三丰',
        sex: 'M',
        birthDate: '1958-03-07',
        identifiers: [{ type: 'inpatient', value: 'ZY2026-0042' }],
      })
    ).json();
    // Technicians cannot merge; the chief can.
    assert.equal(
      (
        await ctx.request('POST', `/api/patients/${zhang.id}/merge`, tech, {
          sourcePatientId: dup.id,
          reason: '重复建档',
        })
      ).statusCode,
      403,
    );
    const merged = await ctx.request('POST', `/api/patients/${zhang.id}/merge`, chief, {
      sourcePatientId: dup.id,
      reason: '重复建档',
    });
    assert.equal(merged.statusCode, 200, merged.body);
    const { mergeId, patient } = merged.json();
    assert.ok(patient.identifiers.some((i: { value: string }) => i.value === 'ZY2026-0042'));
    // The duplicate is out of search and points at the surviving record.
    const found = (await ctx.request('GET', `/api/patients?q=ZY2026-0042`, tech)).json().items;
    assert.deepEqual(
      found.map((p: { id: string }) => p.id),
      [zhang.id],
    );
    assert.equal((await ctx.request('GET', `/api/patients/${dup.id}`, tech)).json().mergedIntoId, zhang.id);
    // Merging twice is refused.
    const again = await ctx.request('POST', `/api/patients/${zhang.id}/merge`, chief, {
      sourcePatientId: dup.id,
      reason: 'x2',
    });
    assert.equal(again.statusCode, 400);
    // Undo restores both records as they were.
    const undone = await ctx.request('POST', `/api/patients/merges/${mergeId}/undo`, chief, {
      reason: '误合并',
    });
    assert.equal(undone.statusCode, 200, undone.body);
    assert.equal(undone.json().mergedIntoId, null);
    assert.ok(undone.json().identifiers.some((i: { value: string }) => i.value === 'ZY2026-0042'));
    const z = (await ctx.request('GET', `/api/patients/${zhang.id}`, tech)).json();
    assert.ok(!z.identifiers.some((i: { value: string }) => i.value === 'ZY2026-0042'));
    assert.equal(z.merges[0].undoneAt !== null, true);
    const undoTwice = await ctx.request('POST', `/api/patients/merges/${mergeId}/undo`, chief, {
      reason: '再次',
    });
    assert.equal(undoTwice.statusCode, 409);
    const history = (await ctx.request('GET', `/api/patients/${dup.id}/history`, tech)).json();
    assert.deepEqual(
      history.map((h: { action: string }) => h.action),
      ['unmerged', 'merged-into', 'create'],
    );
  });

  test('every patient read and write is in the audit log', async () => {
    const { rows } = await ctx.pool.query(
      `SELECT DISTINCT action FROM audit_log WHERE action LIKE 'patient.%' ORDER BY action`,
    );
    const actions = rows.map((r) => r.action);
    for (const a of [
      'patient.create',
      'patient.read',
      'patient.search',
      'patient.update',
      'patient.merge',
      'patient.merge.undo',
    ]) {
      assert.ok(actions.includes(a), `missing ${a}`);
    }
    const search = await ctx.pool.query(
      `SELECT detail FROM audit_log WHERE action = 'patient.search' AND detail->>'query' LIKE '4203%'`,
    );
    assert.ok(search.rows.length > 0);
    assert.ok(
      !JSON.stringify(search.rows).includes(zhangId),
      'searched national IDs are masked in the audit log',
    );
  });
});
