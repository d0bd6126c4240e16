/**
 * Every inbound frame keeps its bytes exactly as received (GB 18030 included, refused frames too), and an
 * integration admin can see them in the message log and download them; others cannot.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { encodeHl7 } from '@lifeline/hl7';
import { type MllpListener, startMllpListener } from '../src/modules/integration';
import { createTestContext, type TestContext } from './helpers';

/** Sends one MLLP frame over a raw socket and resolves with the reply's bytes. */
function sendFrame(port: number, payload: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      const all = Buffer.concat(chunks);
      if (all.length >= 2 && all[all.length - 2] === 0x1c && all[all.length - 1] === 0x0d) {
        socket.end();
        resolve(all.subarray(1, all.length - 2));
      }
    });
    socket.on('error', reject);
    socket.write(Buffer.concat([Buffer.from([0x0b]), Buffer.from(payload), Buffer.from([0x1c, 0x0d])]));
  });
}

describe('HL7 inbound raw bytes', () => {
  let ctx: TestContext;
  let listener: MllpListener;
  let admin: string;

  before(async () => {
    ctx = await createTestContext();
    admin = await ctx.login('admin');
    const res = await ctx.request('POST', '/api/integration/interfaces', admin, {
      name: 'HIS GB',
      direction: 'inbound',
      sendingApplication: 'HISGB',
      sendingFacility: 'QSX',
    });
    assert.equal(res.statusCode, 200, res.body);
    listener = await startMllpListener(ctx.app, { port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await listener?.close();
    await ctx?.close();
  });

  async function messageByControlId(controlId: string) {
    const list = await ctx.request('GET', `/api/integration/messages?controlId=${controlId}`, admin);
    assert.equal(list.statusCode, 200, list.body);
    const items = JSON.parse(list.body).items;
    assert.equal(items.length, 1);
    return items[0];
  }

  test('a GB 18030 ADT is stored byte for byte and downloadable by the admin', async () => {
    const text = [
      'MSH|^~\\&|HISGB|QSX|LIFELINE|ECG|20261121100000+0800||ADT^A04^ADT_A01|GB-1|P|2.5|||||CHN|GB 18030-2000',
      'EVN|A04|20261121100000',
      'PID|1||G7001^^^HIS^PI||欧阳娜娜^^^^^^L||19900512|F|||青山县城关镇幸福路8号',
    ].join('\r');
    const bytes = encodeHl7(text, 'gb18030');
    // GB 18030 and UTF-8 differ for Chinese text: the stored bytes must be the ones sent, not re-encoded text.
    assert.notDeepEqual(Buffer.from(bytes), Buffer.from(text, 'utf8'));
    const ack = (await sendFrame(listener.port, bytes)).toString('latin1');
    assert.match(ack, /MSA\|AA\|GB-1/);

    const item = await messageByControlId('GB-1');
    assert.equal(item.status, 'applied');
    assert.equal(item.rawBytesLength, bytes.length);
    const detail = await ctx.request('GET', `/api/integration/messages/${item.id}`, admin);
    const body = JSON.parse(detail.body);
    assert.equal(body.charset, 'gb18030');
    assert.match(body.raw, /欧阳娜娜/);
    assert.equal(body.rawBytesHead, Buffer.from(bytes).toString('hex'));

    const raw = await ctx.request('GET', `/api/integration/messages/${item.id}/raw`, admin);
    assert.equal(raw.statusCode, 200);
    assert.equal(raw.headers['content-type'], 'application/octet-stream');
    assert.match(String(raw.headers['content-disposition']), /attachment; filename="GB-1\.hl7"/);
    assert.deepEqual(raw.rawPayload, Buffer.from(bytes));
    const audit = await ctx.pool.query(
      `SELECT username FROM audit_log WHERE action = 'integration.message.raw.read' AND resource_id = $1`,
      [item.id],
    );
    assert.deepEqual(
      audit.rows.map((r) => r.username),
      ['admin'],
    );

    // Not for other roles; unknown ids are 404; bad ids 400.
    const tech = await ctx.login('ecg.tech');
    assert.equal(
      (await ctx.request('GET', `/api/integration/messages/${item.id}/raw`, tech)).statusCode,
      403,
    );
    const missing = await ctx.request(
      'GET',
      '/api/integration/messages/00000000-0000-4000-8000-000000000000/raw',
      admin,
    );
    assert.equal(missing.statusCode, 404);
    assert.equal((await ctx.request('GET', '/api/integration/messages/nope/raw', admin)).statusCode, 400);
  });

  test('frames with bytes text cannot hold (NUL) are stored and answered, refused ones included', async () => {
    // Unparsable (no MSH): AR, stored with its reason and its exact bytes.
    const garbage = Buffer.from([0x48, 0x45, 0x4c, 0x4c, 0x4f, 0xff, 0x00, 0x0d]);
    const nak = (await sendFrame(listener.port, garbage)).toString('latin1');
    assert.match(nak, /MSA\|AR/);
    const refused = await ctx.pool.query(`SELECT id, status, raw FROM hl7_messages WHERE raw_bytes = $1`, [
      garbage,
    ]);
    assert.equal(refused.rows.length, 1);
    assert.equal(refused.rows[0].status, 'refused');
    const raw = await ctx.request('GET', `/api/integration/messages/${refused.rows[0].id}/raw`, admin);
    assert.equal(raw.statusCode, 200);
    assert.deepEqual(raw.rawPayload, garbage);

    // Parsable with a NUL inside a field: stored (the text with U+FFFD, the bytes as sent) and answered.
    const withNul = Buffer.concat([
      Buffer.from(
        'MSH|^~\\&|HISGB|QSX|LIFELINE|ECG|20261121100000||ADT^A04^ADT_A01|NUL-1|P|2.5\rPID|1||N1^^^HIS^PI||王',
      ),
      Buffer.from([0x00]),
      Buffer.from('五||19900512|M'),
    ]);
    const ack = (await sendFrame(listener.port, withNul)).toString('utf8');
    assert.match(ack, /MSA\|A[AE]\|NUL-1/);
    const stored = await ctx.pool.query(`SELECT raw, raw_bytes FROM hl7_messages WHERE control_id = 'NUL-1'`);
    assert.equal(stored.rows.length, 1);
    assert.deepEqual(stored.rows[0].raw_bytes, withNul);
    assert.match(stored.rows[0].raw, /王\uFFFD五/);
  });
});
