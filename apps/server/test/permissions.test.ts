import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Permission, permissionsOf } from '@lifeline/shared';
import { DEMO_USERS } from '../src/seed/demo';
import { createTestContext, type TestContext } from './helpers';

// A sample of routes with the permission each declares; every demo role is tried on every one.
const ROUTES: { method: string; url: string; permission: Permission; body?: unknown }[] = [
  { method: 'GET', url: '/api/users', permission: 'user.read' },
  { method: 'POST', url: '/api/users', permission: 'user.write', body: {} },
  { method: 'GET', url: '/api/roles', permission: 'role.read' },
  { method: 'GET', url: '/api/organizations', permission: 'org.read' },
  { method: 'POST', url: '/api/organizations', permission: 'org.write', body: {} },
  { method: 'GET', url: '/api/patients?q=zs', permission: 'patient.read' },
  { method: 'POST', url: '/api/patients', permission: 'patient.write', body: {} },
  { method: 'GET', url: '/api/audit', permission: 'audit.read' },
  { method: 'GET', url: '/api/audit/verify', permission: 'audit.verify' },
];

describe('permissions per role', () => {
  let ctx: TestContext;
  const cookies = new Map<string, string>();
  before(async () => {
    ctx = await createTestContext();
    for (const u of DEMO_USERS) cookies.set(u.username, await ctx.login(u.username));
  });
  after(() => ctx.close());

  for (const u of DEMO_USERS) {
    test(`${u.username} (${u.role})`, async () => {
      const granted = permissionsOf([u.role]);
      for (const r of ROUTES) {
        const res = await ctx.request(r.method, r.url, cookies.get(u.username), r.body);
        if (granted.has(r.permission)) {
          // Allowed: the route runs (200, or 400 for the deliberately empty bodies), never 403.
          assert.ok(
            [200, 400].includes(res.statusCode),
            `${r.method} ${r.url}: ${res.statusCode} ${res.body}`,
          );
        } else {
          assert.equal(res.statusCode, 403, `${r.method} ${r.url} should be refused for ${u.role}`);
          assert.match(
            res.json().issue[0].diagnostics,
            new RegExp(`requires permission ${r.permission.replace('.', '\\.')}`),
          );
        }
      }
    });
  }

  test('a technician asking the user-admin API gets 403 and the refusal is audited', async () => {
    const res = await ctx.request('POST', '/api/users', cookies.get('ecg.tech'), {
      username: 'x.y',
      displayName: 'x',
      password: 'Aa1!aaaaaaaa',
      organizationId: '00000000-0000-0000-0000-000000000000',
      roles: ['it_admin'],
    });
    assert.equal(res.statusCode, 403);
    const { rows } = await ctx.pool.query(
      `SELECT outcome, detail FROM audit_log WHERE username = 'ecg.tech' AND action = 'access.denied' ORDER BY seq DESC LIMIT 1`,
    );
    assert.equal(rows[0].outcome, 'denied');
    assert.equal(rows[0].detail.permission, 'user.write');
  });

  test('no session: 401 with a clear message; public routes answer', async () => {
    const res = await ctx.request('GET', '/api/patients');
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().resourceType, 'OperationOutcome');
    assert.equal((await ctx.request('GET', '/api/health')).statusCode, 200);
    const time = (await ctx.request('GET', '/api/time')).json();
    assert.ok(Math.abs(time.epochMs - Date.now()) < 5000);
    assert.equal(new Date(time.now).getTime(), time.epochMs);
  });

  test('a route without a declared permission cannot be registered', async () => {
    const { build } = await import('../src/app');
    const app = await build({
      config: (await import('./helpers')).testConfig(),
      db: ctx.pool,
      fieldCrypto: ctx.fieldCrypto,
      logger: false,
    });
    assert.throws(() => app.get('/api/forgotten', async () => ({})), /declares no permission/);
    await app.close();
  });
});
