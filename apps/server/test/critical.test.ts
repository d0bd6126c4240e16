import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { escalateOverdue, registerEngineCriticals, startCriticalSweeps } from '../src/modules/critical';
import { ecgWorklistTopic, publish } from '../src/modules/live';
import { createTestContext, type TestContext } from './helpers';
import { hubIds, INFERIOR_STEMI, logins, makeExam, ok, reportThroughSigning } from './report-helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('critical values and worklist', () => {
  let ctx: TestContext;
  let c: Record<string, string>;
  let ids: Awaited<ReturnType<typeof hubIds>>;
  let hook: Server;
  const received: { title: string; kind: string }[] = [];
  before(async () => {
    ctx = await createTestContext();
    c = await logins(ctx);
    ids = await hubIds(ctx);
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('{}');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  });
  after(async () => {
    hook.close();
    await ctx.close();
  });

  test('worklist: green channel, then priority, then age; elapsed against the target per priority', async () => {
    const p = ids.patients;
    const a = await makeExam(ctx, {
      orgId: ids.org,
      patientId: p[0].id,
      agoMin: 5,
      order: { priority: 'routine' },
    });
    const b = await makeExam(ctx, {
      orgId: ids.org,
      patientId: p[1].id,
      agoMin: 2,
      order: { priority: 'urgent' },
    });
    const s = await makeExam(ctx, {
      orgId: ids.org,
      patientId: p[2].id,
      agoMin: 1,
      order: { priority: 'stat' },
    });
    const g = await makeExam(ctx, {
      orgId: ids.org,
      patientId: p[3].id,
      agoMin: 1,
      order: { priority: 'routine', green: true, departmentId: ids.ed },
    });
    const e = await makeExam(ctx, { orgId: ids.org, patientId: p[4].id, agoMin: 20 });
    await reportThroughSigning(ctx, c, a, [{ code: 'SR' }, { code: 'NORMAL_ECG' }]);
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const list = await ok(ctx, 'GET', `/api/worklist?date=${today}`, c['ecg.doctor']);
    assert.deepEqual(list.targets, { routine: 10, urgent: 3, stat: 3 });
    const mine = list.items.filter((i: { examId: string }) => [a, b, s, g, e].includes(i.examId));
    assert.deepEqual(
      mine.map((i: { examId: string }) => i.examId),
      [g, s, b, e, a],
    );
    const byId = (id: string) => mine.find((i: { examId: string }) => i.examId === id);
    assert.equal(byId(a).reportStatus, 'signed');
    assert.ok(byId(a).turnaround.signed);
    assert.ok(
      Math.abs(byId(a).turnaround.elapsedMin - 5) < 1,
      `signed 5 min after acquisition: ${byId(a).turnaround.elapsedMin}`,
    );
    assert.equal(byId(a).turnaround.overdue, false);
    assert.ok(byId(a).timestamps.check && byId(a).timestamps.diagnose && byId(a).timestamps.signed);
    assert.equal(byId(e).reportStatus, 'unreported');
    assert.equal(byId(e).turnaround.overdue, true, '20 min unreported against 10 min');
    assert.equal(byId(b).turnaround.targetMin, 3);
    assert.equal(byId(g).greenChannel, true);
    const stat = await ok(ctx, 'GET', '/api/worklist?priority=stat', c['ecg.doctor']);
    assert.ok(stat.items.every((i: { priority: string }) => i.priority === 'stat'));
    assert.ok(stat.items.some((i: { examId: string }) => i.examId === s));
    const pending = await ok(
      ctx,
      'GET',
      `/api/worklist?status=pending&department=${ids.ed}`,
      c['ecg.doctor'],
    );
    assert.deepEqual(
      pending.items.map((i: { examId: string }) => i.examId),
      [g],
    );
    const res = await ctx.request('GET', '/api/worklist?date=yesterday', c['ecg.doctor']);
    assert.equal(res.statusCode, 400);
    await ok(ctx, 'PUT', '/api/report-settings', c.admin, { turnaroundTargetsMin: { routine: 30 } });
    const relaxed = await ok(ctx, 'GET', `/api/worklist?date=${today}`, c['ecg.doctor']);
    assert.equal(relaxed.items.find((i: { examId: string }) => i.examId === e).turnaround.overdue, false);
  });

  test('engine critical → register, clinician and department told (in-app, live, webhook) → escalation → ack', async () => {
    const channel = await ok(ctx, 'POST', '/api/notification-channels', c.admin, {
      kind: 'webhook',
      name: '危急值推送',
      config: { url: `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`, retries: 0 },
    });
    let res = await ctx.request('PUT', '/api/report-settings', c.admin, { criticalChannelIds: [ids.org] });
    assert.equal(res.statusCode, 400, 'unknown channel');
    await ok(ctx, 'PUT', '/api/report-settings', c.admin, {
      criticalAckMinutes: 0.02,
      criticalChannelIds: [channel.id],
    });

    const examId = await makeExam(ctx, {
      orgId: ids.org,
      patientId: ids.patients[5].id,
      ecg: INFERIOR_STEMI,
      order: { priority: 'stat', departmentId: ids.card, clinician: 'clinician' },
    });
    assert.equal(await registerEngineCriticals(ctx.app), 1);
    assert.equal(await registerEngineCriticals(ctx.app), 0, 'once per exam');
    const open = await ok(ctx, 'GET', `/api/critical?status=open&examId=${examId}`, c.clinician);
    assert.equal(open.total, 1);
    const entry = open.items[0];
    assert.equal(entry.source, 'engine');
    assert.equal(entry.departmentId, ids.card);
    assert.equal(entry.findings[0].code, 'acs-stemi');
    const inbox = await ok(ctx, 'GET', '/api/notifications', c.clinician);
    assert.ok(
      inbox.items.some(
        (n: { kind: string; severity: string }) => n.kind === 'ecg.critical' && n.severity === 'critical',
      ),
    );
    for (let i = 0; i < 50 && !received.length; i++) await sleep(50);
    assert.equal(received[0]?.kind, 'ecg.critical', 'webhook delivery');

    await sleep(1300);
    assert.equal(await escalateOverdue(ctx.app), 1);
    assert.equal(await escalateOverdue(ctx.app), 0, 'next escalation not yet due');
    const detail = await ok(ctx, 'GET', `/api/critical/${entry.id}`, c.clinician);
    assert.equal(detail.escalationLevel, 1);
    assert.equal(detail.overdue, true);
    const vias = detail.notices.map((n: { level: number; via: string }) => `${n.level}:${n.via}`);
    for (const v of ['0:in-app', '0:live', '0:channel', '1:in-app']) assert.ok(vias.includes(v), v);
    const chiefInbox = await ok(ctx, 'GET', '/api/notifications', c['ecg.chief']);
    assert.ok(chiefInbox.items.some((n: { kind: string }) => n.kind === 'ecg.critical.escalation'));

    res = await ctx.request('POST', `/api/critical/${entry.id}/ack`, c['ecg.tech'], {});
    assert.equal(res.statusCode, 403, 'technician cannot acknowledge');
    const ack = await ok(ctx, 'POST', `/api/critical/${entry.id}/ack`, c.clinician, {
      note: '已通知患者家属，启动胸痛流程',
    });
    assert.equal(ack.acknowledgedByName, '刘洋（心内科医生）');
    res = await ctx.request('POST', `/api/critical/${entry.id}/ack`, c.clinician, {});
    assert.equal(res.statusCode, 409);
    await sleep(1300);
    assert.equal(await escalateOverdue(ctx.app), 0, 'acknowledged entries do not escalate');
    const done = await ok(ctx, 'GET', '/api/critical?status=acknowledged', c.clinician);
    assert.ok(
      done.items.some(
        (i: { id: string; ackNote: string }) => i.id === entry.id && i.ackNote.includes('胸痛'),
      ),
    );
    const audit = await ctx.pool.query(
      'SELECT action, user_id FROM audit_log WHERE resource_id = $1 ORDER BY seq',
      [entry.id],
    );
    assert.deepEqual(
      audit.rows.filter((r) => r.action !== 'critical.read').map((r) => [r.action, r.user_id !== null]),
      [
        ['critical.create', false],
        ['critical.escalate', false],
        ['critical.ack', true],
      ],
    );
    const chain = await ok(ctx, 'GET', '/api/audit/verify', c.admin);
    assert.equal(chain.ok, true, 'system entries keep the audit chain intact');
  });

  test('physician confirmation raises a register entry; bad codes refused; escalation sweep never doubles', async () => {
    const examId = await makeExam(ctx, { orgId: ids.org, patientId: ids.patients[6].id });
    await reportThroughSigning(ctx, c, examId, [{ code: 'AVB3' }]);
    const list = await ok(ctx, 'GET', `/api/critical?examId=${examId}&source=physician`, c.clinician);
    assert.equal(list.total, 1);
    assert.equal(list.items[0].findings[0].code, 'AVB3');
    let res = await ctx.request('POST', '/api/critical', c['ecg.doctor'], { examId, codes: ['NOPE'] });
    assert.equal(res.statusCode, 400);
    res = await ctx.request('POST', '/api/critical', c.clinician, { examId, codes: ['VF'] });
    assert.equal(res.statusCode, 403);

    // Three entries due at once, two sweeps racing: each escalates exactly once.
    const exams = [];
    for (let i = 0; i < 3; i++)
      exams.push(await makeExam(ctx, { orgId: ids.org, patientId: ids.patients[7].id }));
    for (const id of exams)
      await ok(ctx, 'POST', '/api/critical', c['ecg.doctor'], { examId: id, codes: ['VF'] });
    await ctx.pool.query(
      `UPDATE critical_values SET next_escalation_at = now() - interval '1 second' WHERE exam_id = ANY($1::uuid[])`,
      [exams],
    );
    await ctx.pool.query(
      `UPDATE critical_values SET next_escalation_at = NULL WHERE NOT (exam_id = ANY($1::uuid[]))`,
      [exams],
    );
    const [x, y] = await Promise.all([escalateOverdue(ctx.app), escalateOverdue(ctx.app)]);
    assert.equal(x + y, 3);
    const levels = await ctx.pool.query(
      'SELECT escalation_level FROM critical_values WHERE exam_id = ANY($1::uuid[])',
      [exams],
    );
    assert.deepEqual(
      levels.rows.map((r) => r.escalation_level),
      [1, 1, 1],
    );
  });

  test('an analysed critical ECG announced on the live channel is registered at once, not at the next tick', async () => {
    const sweeps = startCriticalSweeps(ctx.app, 3600);
    try {
      await sweeps.ready;
      const examId = await makeExam(ctx, {
        orgId: ids.org,
        patientId: ids.patients[8].id,
        ecg: INFERIOR_STEMI,
      });
      await publish(ctx.app, ecgWorklistTopic(ids.org), {
        type: 'ecg.analysed',
        examId,
        status: 'analysed',
        critical: true,
      });
      let total = 0;
      for (let i = 0; i < 100 && total === 0; i++) {
        await sleep(50);
        total = (await ok(ctx, 'GET', `/api/critical?examId=${examId}&source=engine`, c.clinician)).total;
      }
      assert.equal(total, 1);
    } finally {
      await sweeps.stop();
    }
  });
});
