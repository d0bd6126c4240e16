import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { channelConfigProblems } from '../src/modules/notifications';
import { deliver } from '../src/modules/notifications/channels';
import { createTestContext, type TestContext } from './helpers';

/** A real SMTP server (smtp-server) on a local port, keeping what it receives. */
function startSmtp(): Promise<{ port: number; received: string[]; close(): Promise<void> }> {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.server.address() as { port: number };
      resolve({ port, received, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** Subject (RFC 2047 words, possibly folded) and text body (base64 or quoted-printable) of a simple mail. */
function decodeMail(raw: string): { subject: string; body: string } {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const unfolded = head.replace(/\r\n[ \t]+/g, ' ');
  const subjectLine = /^Subject: (.*)$/m.exec(unfolded)?.[1] ?? '';
  const subject = subjectLine
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
  let body = rest.join('\r\n\r\n');
  if (/Content-Transfer-Encoding: base64/i.test(unfolded))
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else if (/Content-Transfer-Encoding: quoted-printable/i.test(unfolded)) {
    const bytes = body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    body = Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return { subject, body };
}

const message = {
  kind: 'critical-value',
  severity: 'critical' as const,
  title: '危急值：急性下壁 ST 段抬高型心肌梗死',
  body: '患者 张某，心电图室 08:15 采集，请立即处理并确认。',
  link: 'http://localhost:3000/critical/1',
  organizationId: '00000000-0000-0000-0000-000000000000',
  at: new Date().toISOString(),
};

describe('e-mail notification channel against a real SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let ctx: TestContext;
  before(async () => {
    smtp = await startSmtp();
    ctx = await createTestContext();
  });
  after(async () => {
    await smtp?.close();
    await ctx?.close();
  });

  test('a critical alert is delivered as a mail with the Chinese subject and text', async () => {
    const outcome = await deliver(
      'email',
      {
        smtpHost: '127.0.0.1',
        smtpPort: smtp.port,
        from: 'lifeline@hospital.cn',
        to: ['cardio@hospital.cn'],
      },
      message,
    );
    assert.deepEqual(outcome, { ok: true, attempts: 1 });
    assert.equal(smtp.received.length, 1);
    const mail = smtp.received[0];
    assert.match(mail, /To: cardio@hospital\.cn/);
    const { subject, body } = decodeMail(mail);
    assert.equal(subject, `【危急】${message.title}`);
    assert.ok(body.includes(message.body), body);
    assert.ok(body.includes('http://localhost:3000/critical/1'));
  });

  test('an unreachable SMTP server fails after the configured retries with the reason', async () => {
    const outcome = await deliver(
      'email',
      {
        smtpHost: '127.0.0.1',
        smtpPort: 1,
        from: 'a@b.cn',
        to: ['c@d.cn'],
        retries: 1,
        retryDelayMs: 10,
        timeoutMs: 500,
      },
      message,
    );
    assert.equal(outcome.ok, false);
    assert.equal(outcome.attempts, 2);
    assert.match(outcome.error ?? '', /ECONNREFUSED|connect/i);
  });

  test('configuration problems name the field; the channel API stores an email channel', async () => {
    assert.deepEqual(
      channelConfigProblems('email', { smtpHost: 'smtp.hospital.cn', from: 'not-an-address', to: [] }).map(
        (p) => p.field,
      ),
      ['config.from', 'config.to'],
    );
    const admin = await ctx.login('admin');
    const res = await ctx.request('POST', '/api/notification-channels', admin, {
      kind: 'email',
      name: '心内科邮箱',
      config: {
        smtpHost: '127.0.0.1',
        smtpPort: smtp.port,
        from: 'lifeline@hospital.cn',
        to: ['cardio@hospital.cn'],
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const bad = await ctx.request('POST', '/api/notification-channels', admin, {
      kind: 'email',
      name: 'x',
      config: { smtpHost: 'smtp.hospital.cn', from: 'lifeline@hospital.cn', to: ['nobody'] },
    });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().issue[0].expression, ['config.to.0']);
  });
});
