import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { Hl7Message as MedplumMessage } from '@medplum/core';
import { Hl7Client as MedplumClient } from '@medplum/hl7';
import iconv from 'iconv-lite';
import { buildAck, type Hl7Message, parseBatch, parseMessage } from '../src/index';
import {
  createMllpServer,
  frame,
  MllpClient,
  MllpDecoder,
  type MllpServer,
  type MllpServerEvent,
} from '../src/mllp/index';

const msg = (id: string, extra = '') =>
  `MSH|^~\\&|HIS|H|LIFELINE|ECG|20261121083000||ADT^A04^ADT_A01|${id}|P|2.5\rPID|1||P${id}^^^HIS^PI||张^三${extra}\r`;

// ---- framing (pure) ----

test('decoder reassembles frames split anywhere and separates several per chunk', () => {
  const a = new TextEncoder().encode(msg('1'));
  const b = new TextEncoder().encode(msg('2'));
  const stream = new Uint8Array([...frame(a), ...frame(b)]);
  for (let cut = 1; cut < stream.length; cut += 7) {
    const d = new MllpDecoder();
    const events = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
    assert.deepEqual(
      events.filter((e) => e.kind === 'frame').map((e) => (e.kind === 'frame' ? e.payload.length : 0)),
      [a.length, b.length],
      `cut at ${cut}`,
    );
  }
  // Byte by byte, including FS and CR arriving in separate chunks.
  const d = new MllpDecoder();
  const frames = [...stream].flatMap((byte) => d.push(Uint8Array.of(byte))).filter((e) => e.kind === 'frame');
  assert.equal(frames.length, 2);
});

test('decoder skips garbage, drops oversize frames and restarts on a new start block', () => {
  const d = new MllpDecoder(10);
  const events = d.push(
    new Uint8Array([0x41, 0x42, ...frame(new Uint8Array(20)), 0x0b, 0x43, ...frame(Uint8Array.of(0x44))]),
  );
  assert.deepEqual(
    events.map((e) => e.kind),
    ['garbage', 'oversize', 'garbage', 'frame'],
  );
  const last = events[3];
  assert.ok(last.kind === 'frame' && last.payload[0] === 0x44);
  // FS without CR is data, not an end.
  const e2 = new MllpDecoder().push(Uint8Array.of(0x0b, 0x31, 0x1c, 0x32, 0x1c, 0x0d));
  assert.ok(e2[0].kind === 'frame' && e2[0].payload.length === 3);
});

// ---- server ----

let server: MllpServer;
let port: number;
const stored: string[] = [];
const events: MllpServerEvent[] = [];

before(async () => {
  server = createMllpServer({
    idleTimeoutMs: 2000,
    handlerTimeoutMs: 300,
    onEvent: (e) => events.push(e),
    async onMessage(message: Hl7Message) {
      if (message.get('PID-5.2') === 'THROW') throw new Error('database unavailable');
      if (message.get('PID-5.2') === 'SLOW') await new Promise((r) => setTimeout(r, 1000));
      stored.push(message.controlId); // stored before the ACK goes out
      return buildAck(message);
    },
  });
  port = (await server.listen(0, '127.0.0.1')).port;
});

after(async () => {
  await server.close();
});

function rawExchange(chunks: Uint8Array[], expectedReplies: number, gapMs = 5): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const decoder = new MllpDecoder();
    const replies: string[] = [];
    const timer = setTimeout(() => reject(new Error(`got ${replies.length} replies`)), 3000);
    socket.on('data', (chunk: Buffer) => {
      for (const e of decoder.push(chunk)) {
        if (e.kind === 'frame') replies.push(new TextDecoder().decode(e.payload));
      }
      if (replies.length >= expectedReplies) {
        clearTimeout(timer);
        socket.destroy();
        resolve(replies);
      }
    });
    socket.on('error', reject);
    socket.on('connect', async () => {
      for (const c of chunks) {
        socket.write(c);
        await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

test('partial frames, several messages and garbage on one connection are all answered in order', async () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const f1 = frame(enc(msg('PF1')));
  const f2 = frame(enc(msg('PF2')));
  const chunks = [
    enc('noise'),
    f1.subarray(0, 10),
    f1.subarray(10, 30),
    new Uint8Array([...f1.subarray(30), ...f2.subarray(0, 5)]),
    f2.subarray(5),
  ];
  const replies = await rawExchange(chunks, 2);
  assert.deepEqual(
    replies.map((r) => parseMessage(r).get('MSA-2')),
    ['PF1', 'PF2'],
  );
  assert.ok(replies.every((r) => parseMessage(r).get('MSA-1') === 'AA'));
  assert.ok(stored.includes('PF1') && stored.includes('PF2'));
  assert.ok(events.some((e) => e.type === 'garbage'));
});

test('unparsable messages get AR with the reason and the listener keeps serving', async () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const replies = await rawExchange(
    [
      frame(enc('this is not HL7')),
      frame(enc(`${msg('BAD1')}P D|oops\r`)),
      frame(enc('MSH|^~\\&|A|B|C|D|1||ADT^A04||P|2.5\r')),
      frame(enc(msg('GOOD1'))),
    ],
    4,
  );
  const [r1, r2, r3, r4] = replies.map((r) => parseMessage(r));
  assert.equal(r1.get('MSA-1'), 'AR');
  assert.match(r1.get('ERR-8'), /no MSH segment/);
  assert.equal(r2.get('MSA-1'), 'AR');
  assert.equal(r2.get('MSA-2'), 'BAD1');
  assert.match(r2.get('ERR-8'), /not a segment/);
  assert.match(r3.get('ERR-8'), /MSH-10/);
  assert.equal(r4.get('MSA-1'), 'AA');
  assert.ok(!stored.includes('BAD1'));
});

test('a failing or slow handler is answered with AE', async () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const replies = await rawExchange(
    [frame(enc(msg('E1').replace('张^三', '张^THROW'))), frame(enc(msg('E2').replace('张^三', '张^SLOW')))],
    2,
  );
  const [r1, r2] = replies.map((r) => parseMessage(r));
  assert.equal(r1.get('MSA-1'), 'AE');
  assert.match(r1.get('ERR-8'), /database unavailable/);
  assert.equal(r2.get('MSA-1'), 'AE');
  assert.match(r2.get('ERR-8'), /did not answer within 300 ms/);
});

test('GB 18030 messages are decoded and answered in the same character set', async () => {
  const text = msg('GB1').replace('|P|2.5\r', '|P|2.5|||||CHN|GB 18030-2000\r').replace('张^三', '欧阳^娜娜');
  const [reply] = await rawExchange([frame(iconv.encode(text, 'gb18030'))], 1);
  // rawExchange decodes as UTF-8; the ACK carries MSH-18 and only ASCII here, so it reads the same.
  assert.equal(parseMessage(reply).get('MSH-18'), 'GB 18030-2000');
  assert.equal(parseMessage(reply).get('MSA-1'), 'AA');
});

test('an independent HL7 client (@medplum/hl7) exchanges messages with our server, NAK included', async () => {
  const client = new MedplumClient({ host: '127.0.0.1', port, encoding: 'utf-8' });
  try {
    const ok = await client.sendAndWait(MedplumMessage.parse(msg('MP1')), { timeoutMs: 3000 });
    assert.equal(ok.getSegment('MSA')?.getField(1)?.toString(), 'AA');
    assert.equal(ok.getSegment('MSA')?.getField(2)?.toString(), 'MP1');
    const bad = await client.sendAndWait(MedplumMessage.parse(`${msg('MP2')}P D|oops`), { timeoutMs: 3000 });
    assert.equal(bad.getSegment('MSA')?.getField(1)?.toString(), 'AR');
    const again = await client.sendAndWait(MedplumMessage.parse(msg('MP3')), { timeoutMs: 3000 });
    assert.equal(again.getSegment('MSA')?.getField(1)?.toString(), 'AA');
  } finally {
    await client.close();
  }
  assert.ok(stored.includes('MP1') && stored.includes('MP3') && !stored.includes('MP2'));
});

test('a batch in one frame is answered with a batch of ACKs', async () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const batch = `BHS|^~\\&|HIS|H|LIFELINE|ECG\r${msg('B1')}${msg('B2').replace('张^三', '张^THROW')}BTS|2\r`;
  const [reply] = await rawExchange([frame(enc(batch))], 1);
  const parsed = parseBatch(reply);
  assert.equal(parsed.groups[0].header?.get('3'), 'LIFELINE');
  assert.equal(parsed.groups[0].trailer?.get('1'), '2');
  assert.deepEqual(
    parsed.messages.map((m) => [m.get('MSA-2'), m.get('MSA-1')]),
    [
      ['B1', 'AA'],
      ['B2', 'AE'],
    ],
  );
});

// ---- client ----

test('MllpClient queues, sends in order and resolves with each ACK', async () => {
  const client = new MllpClient({ port, ackTimeoutMs: 2000 });
  try {
    const results = await Promise.all(['C1', 'C2', 'C3'].map((id) => client.send(msg(id))));
    assert.deepEqual(
      results.map((r) => [r.ack.get('MSA-2'), r.code, r.accepted]),
      [
        ['C1', 'AA', true],
        ['C2', 'AA', true],
        ['C3', 'AA', true],
      ],
    );
    const refused = await client.send(msg('C4').replace('张^三', '张^THROW'));
    assert.equal(refused.code, 'AE');
    assert.equal(refused.accepted, false);
    await assert.rejects(client.send('not hl7'), /no MSH/);
  } finally {
    await client.close();
  }
  await assert.rejects(client.send(msg('C5')), /closed/);
});

test('MllpClient reconnects with backoff when the server comes up late and retries on ACK timeout', async () => {
  const late = createMllpServer({ onMessage: (m) => buildAck(m) });
  const probe = createMllpServer({ onMessage: (m) => buildAck(m) });
  const freePort = (await probe.listen(0, '127.0.0.1')).port;
  await probe.close();
  const clientEvents: string[] = [];
  const client = new MllpClient({
    port: freePort,
    ackTimeoutMs: 500,
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    onEvent: (e) => clientEvents.push(e.type),
  });
  try {
    const pending = client.send(msg('L1'));
    await new Promise((r) => setTimeout(r, 250));
    await late.listen(freePort, '127.0.0.1');
    const result = await pending;
    assert.equal(result.code, 'AA');
    assert.ok(clientEvents.includes('disconnected') && clientEvents.includes('connected'));
  } finally {
    await client.close();
    await late.close();
  }

  // Nobody listening: the promise rejects after maxAttempts connection attempts instead of waiting forever.
  const nobody = new MllpClient({ port: freePort, maxAttempts: 3, reconnect: { initialDelayMs: 10 } });
  await assert.rejects(nobody.send(msg('N1')), /no ACK for N1 after 3 attempts: .*ECONNREFUSED/);
  await nobody.close();

  // A server that never answers: the client gives up after maxAttempts, naming the reason.
  let calls = 0;
  const silent = createMllpServer({
    handlerTimeoutMs: 0,
    onMessage: () => {
      calls++;
      return new Promise<string>(() => {});
    },
  });
  const silentPort = (await silent.listen(0, '127.0.0.1')).port;
  const impatient = new MllpClient({
    port: silentPort,
    ackTimeoutMs: 150,
    maxAttempts: 2,
    reconnect: { initialDelayMs: 20 },
  });
  try {
    await assert.rejects(impatient.send(msg('T1')), /no ACK for T1 after 2 attempts/);
    assert.equal(calls, 2);
  } finally {
    await impatient.close();
    await silent.close();
  }
});

test('a resend after a lost ACK is acknowledged but applied once (dedup by sender + MSH-10)', async () => {
  const seen = new Set<string>();
  let applied = 0;
  const deduping = createMllpServer({
    async onMessage(m) {
      const key = `${m.get('MSH-3')}|${m.get('MSH-4')}|${m.controlId}`;
      if (seen.has(key)) return buildAck(m, { text: 'duplicate: already applied' });
      seen.add(key); // stored first ...
      applied++;
      if (applied === 1) await new Promise((r) => setTimeout(r, 400)); // ... then the first ACK comes too late
      return buildAck(m);
    },
  });
  const p = (await deduping.listen(0, '127.0.0.1')).port;
  const client = new MllpClient({ port: p, ackTimeoutMs: 200, reconnect: { initialDelayMs: 10 } });
  try {
    const result = await client.send(msg('D1'));
    assert.equal(result.code, 'AA');
    assert.equal(result.attempts, 2);
    assert.equal(result.ack.get('MSA-3'), 'duplicate: already applied');
    assert.equal(applied, 1);
  } finally {
    await client.close();
    await deduping.close();
  }
});

test('a peer flooding frames without reading ACKs is disconnected', async () => {
  const slowServer = createMllpServer({
    maxPendingFrames: 5,
    onMessage: async (m) => {
      await new Promise((r) => setTimeout(r, 50));
      return buildAck(m);
    },
  });
  const p = (await slowServer.listen(0, '127.0.0.1')).port;
  try {
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect(p, '127.0.0.1', () => {
        const flood = new Uint8Array(
          Array.from({ length: 20 }, (_, i) => [...frame(new TextEncoder().encode(msg(`F${i}`)))]).flat(),
        );
        socket.write(flood);
      });
      socket.on('close', () => resolve(true));
      socket.on('error', () => {});
      setTimeout(() => resolve(false), 2000);
    });
    assert.ok(closed);
  } finally {
    await slowServer.close();
  }
});

test('server and client refuse bad options', () => {
  assert.throws(() => createMllpServer({} as never), /onMessage must be a function/);
  assert.throws(() => new MllpClient({ port: 0 }), /port must be 1-65535/);
});
