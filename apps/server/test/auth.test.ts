import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_PASSWORD, type TestContext } from './helpers';

describe('login, lockout, users, tokens', () => {
  let ctx: TestContext;
  let admin: string;
  let hubId: string;
  before(async () => {
    ctx = await createTestContext();
    admin = await ctx.login('admin');
    hubId = (await ctx.pool.query(`SELECT id FROM organizations WHERE code = 'QSX-RMYY'`)).rows[0].id;
  });
  after(() => ctx.close());

  test('an admin creates a user who can then log in; /me shows roles and permissions', async () => {
    const res = await ctx.request('POST', '/api/users', admin, {
      username: 'new.tech',
      displayName: '新技师',
      password: 'Strong-Pass-77',
      organizationId: hubId,
      roles: ['ecg_technician'],
    });
    assert.equal(res.statusCode, 200, res.body);
    const cookie = await ctx.login('new.tech', 'Strong-Pass-77');
    const me = (await ctx.request('GET', '/api/auth/me', cookie)).json();
    assert.equal(me.username, 'new.tech');
    assert.deepEqual(me.roles, ['ecg_technician']);
    assert.ok(me.permissions.includes('patient.read'));
    assert.equal(me.timeZone, 'Asia/Shanghai');
  });

  test('weak passwords, unknown roles and duplicate usernames are refused naming the field', async () => {
    const base = { username: 'weak.user', displayName: 'W', organizationId: hubId, roles: ['clinician'] };
    let res = await ctx.request('POST', '/api/users', admin, { ...base, password: 'short' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json().issue[0].expression, ['password']);
    res = await ctx.request('POST', '/api/users', admin, { ...base, password: 'alllowercaseletters' });
    assert.match(res.json().issue[0].diagnostics, /password: must mix/);
    res = await ctx.request('POST', '/api/users', admin, {
      ...base,
      password: 'Weak.User-2026',
      username: 'weak.user',
    });
    assert.match(res.json().issue[0].diagnostics, /must not contain the username/);
    res = await ctx.request('POST', '/api/users', admin, {
      ...base,
      password: 'Fine-Pass-2026',
      roles: ['wizard'],
    });
    assert.match(res.json().issue[0].diagnostics, /roles: unknown role wizard/);
    res = await ctx.request('POST', '/api/users', admin, {
      ...base,
      username: 'ecg.tech',
      password: 'Fine-Pass-2026',
    });
    assert.equal(res.statusCode, 409);
    res = await ctx.request('POST', '/api/users', admin, {
      ...base,
      username: 'Bad Name!',
      password: 'Fine-Pass-2026',
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json().issue[0].expression, ['username']);
  });

  test('five wrong passwords lock the account (423) even for the right password; an admin unlocks it', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await ctx.request('POST', '/api/auth/login', undefined, {
        username: 'clinician',
        password: 'wrong',
      });
      assert.equal(r.statusCode, 401);
    }
    const fifth = await ctx.request('POST', '/api/auth/login', undefined, {
      username: 'clinician',
      password: 'wrong',
    });
    assert.equal(fifth.statusCode, 423);
    const right = await ctx.request('POST', '/api/auth/login', undefined, {
      username: 'clinician',
      password: TEST_PASSWORD,
    });
    assert.equal(right.statusCode, 423);
    const id = (await ctx.pool.query(`SELECT id FROM users WHERE username = 'clinician'`)).rows[0].id;
    const list = (await ctx.request('GET', '/api/users?q=clinician', admin)).json();
    assert.equal(list.items[0].locked, true);
    assert.equal((await ctx.request('PATCH', `/api/users/${id}`, admin, { unlock: true })).statusCode, 200);
    await ctx.login('clinician');
    const failures = await ctx.pool.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE username = 'clinician' AND action = 'auth.login' AND outcome <> 'success'`,
    );
    assert.equal(failures.rows[0].n, 6);
  });

  test('unknown users get the same 401 as wrong passwords', async () => {
    const r = await ctx.request('POST', '/api/auth/login', undefined, { username: 'nobody', password: 'x' });
    assert.equal(r.statusCode, 401);
    assert.match(r.json().issue[0].diagnostics, /wrong username or password/);
  });

  test('logout ends the session; deactivation ends all sessions', async () => {
    const cookie = await ctx.login('cardio');
    assert.equal((await ctx.request('POST', '/api/auth/logout', cookie)).statusCode, 204);
    assert.equal((await ctx.request('GET', '/api/auth/me', cookie)).statusCode, 401);
    const c2 = await ctx.login('neuro');
    const id = (await ctx.pool.query(`SELECT id FROM users WHERE username = 'neuro'`)).rows[0].id;
    await ctx.request('PATCH', `/api/users/${id}`, admin, { active: false });
    assert.equal((await ctx.request('GET', '/api/auth/me', c2)).statusCode, 401);
  });

  test('API tokens authenticate systems with the same permissions; a session cookie is HttpOnly', async () => {
    const id = (await ctx.pool.query(`SELECT id FROM users WHERE username = 'ecg.doctor'`)).rows[0].id;
    const { token } = (await ctx.request('POST', `/api/users/${id}/tokens`, admin, { name: 'HIS' })).json();
    const ok = await ctx.app.inject({
      method: 'GET',
      url: '/api/patients?q=w',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(ok.statusCode, 200);
    const denied = await ctx.app.inject({
      method: 'GET',
      url: '/api/users',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(denied.statusCode, 403);
    const bad = await ctx.app.inject({
      method: 'GET',
      url: '/api/patients',
      headers: { authorization: 'Bearer nope' },
    });
    assert.equal(bad.statusCode, 401);
    const login = await ctx.request('POST', '/api/auth/login', undefined, {
      username: 'ecg.tech',
      password: TEST_PASSWORD,
    });
    assert.equal(login.cookies[0].httpOnly, true);
  });

  test('organisations: admin sees the demo network and adds a clinic with a department', async () => {
    const orgs = (await ctx.request('GET', '/api/organizations', admin)).json();
    assert.equal(orgs.length, 4);
    assert.ok(orgs.some((o: { type: string }) => o.type === 'ambulance-station'));
    const clinic = await ctx.request('POST', '/api/organizations', admin, {
      code: 'QSX-VC1',
      name: '青山县桃园村卫生室',
      type: 'clinic',
      parentId: hubId,
    });
    assert.equal(clinic.statusCode, 200, clinic.body);
    const dept = await ctx.request('POST', `/api/organizations/${clinic.json().id}/departments`, admin, {
      code: 'GP',
      name: '全科',
    });
    assert.equal(dept.statusCode, 200);
    const dup = await ctx.request('POST', '/api/organizations', admin, {
      code: 'QSX-VC1',
      name: 'x',
      type: 'clinic',
    });
    assert.equal(dup.statusCode, 409);
    const badType = await ctx.request('POST', '/api/organizations', admin, {
      code: 'X1',
      name: 'x',
      type: 'castle',
    });
    assert.equal(badType.statusCode, 400);
    assert.match(badType.json().issue[0].diagnostics, /^type: must be one of/);
  });
});
