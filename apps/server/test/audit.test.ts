import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { verifyAuditChain } from '../src/plugins/audit';
import { createTestContext, type TestContext } from './helpers';

const repoRoot = new URL('../../..', import.meta.url).pathname;

function cliVerify(url: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/cli/audit-verify.ts'], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: url, LIFELINE_ENCRYPTION_KEY: 'b'.repeat(64) },
    encoding: 'utf8',
  });
}

describe('audit chain', () => {
  let ctx: TestContext;
  let admin: string;
  before(async () => {
    ctx = await createTestContext();
    admin = await ctx.login('admin');
    const tech = await ctx.login('ecg.tech');
    for (const q of ['zs', 'wl', 'H00000001']) await ctx.request('GET', `/api/patients?q=${q}`, tech);
  });
  after(() => ctx.close());

  test('an intact chain verifies, by API and by npm run audit:verify', async () => {
    const res = (await ctx.request('GET', '/api/audit/verify', admin)).json();
    assert.equal(res.ok, true);
    assert.ok(res.checked >= 5);
    const cli = cliVerify(ctx.url);
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /audit chain intact/);
  });

  test('the table refuses UPDATE and DELETE', async () => {
    await assert.rejects(ctx.pool.query(`UPDATE audit_log SET username = 'x' WHERE seq = 1`), /append-only/);
    await assert.rejects(ctx.pool.query('DELETE FROM audit_log WHERE seq = 1'), /append-only/);
  });

  test('the audit search screen API filters by user, action and outcome', async () => {
    const res = (
      await ctx.request('GET', '/api/audit?username=ecg.tech&action=patient.search', admin)
    ).json();
    assert.equal(res.items.length, 3);
    assert.ok(res.items.every((e: { action: string }) => e.action === 'patient.search'));
    const logins = (await ctx.request('GET', '/api/audit?action=auth.login&outcome=success', admin)).json();
    assert.ok(logins.items.length >= 2);
    assert.equal((await ctx.request('GET', '/api/audit?outcome=maybe', admin)).statusCode, 400);
  });

  test('a row changed directly in the table is reported, and so are deleted and inserted rows', async () => {
    await ctx.pool.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
    await ctx.pool.query(`UPDATE audit_log SET username = 'someone.else' WHERE seq = 3`);
    let result = await verifyAuditChain(ctx.pool);
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.problems.map((p) => p.seq),
      [3],
    );
    assert.match(result.problems[0].problem, /altered/);
    const cli = cliVerify(ctx.url);
    assert.equal(cli.status, 1);
    assert.match(cli.stdout, /AUDIT CHAIN BROKEN[\s\S]*entry 3: content does not match/);

    await ctx.pool.query('DELETE FROM audit_log WHERE seq = 5');
    result = await verifyAuditChain(ctx.pool);
    assert.ok(result.problems.some((p) => p.seq === 6 && /missing/.test(p.problem)));

    await ctx.pool.query(
      `INSERT INTO audit_log (seq, at, action, outcome, detail, prev_hash, hash)
       SELECT 5, at, 'forged', 'success', '{}', prev_hash, hash FROM audit_log WHERE seq = 4`,
    );
    result = await verifyAuditChain(ctx.pool);
    assert.ok(result.problems.some((p) => p.seq === 5));
    const api = (await ctx.request('GET', '/api/audit/verify', admin)).json();
    assert.equal(api.ok, false);
  });
});
