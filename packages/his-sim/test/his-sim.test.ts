import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  buildAck,
  buildEcgOruR01,
  isValidChineseResidentId,
  mapAdt,
  mapOrders,
  parseMessage,
  parseMessages,
} from '@lifeline/hl7';
import { createMllpServer, MllpClient } from '@lifeline/hl7/mllp';
import { HisSimulator, listenForResults, sendMessages, streamMessages, toPrintable } from '../src/index';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

test('simulated ADT messages parse and map to valid Chinese patients', () => {
  const sim = new HisSimulator({ seed: 42 });
  const events = Array.from({ length: 60 }, () => mapAdt(parseMessage(sim.adt().toString())));
  assert.ok(
    events.some((e) => e.event === 'A08'),
    'some updates',
  );
  assert.ok(events.some((e) => e.event === 'A01') && events.some((e) => e.event === 'A04'));
  for (const e of events) {
    const national = e.patient.identifiers.find((i) => i.type === 'national-id');
    assert.ok(national && isValidChineseResidentId(national.value), `valid ID ${national?.value}`);
    // The birth date and sex coded in the ID agree with PID-7 and PID-8.
    assert.equal(national.value.slice(6, 14), e.patient.birthDate?.replaceAll('-', ''));
    assert.equal(Number(national.value[16]) % 2 === 1 ? 'male' : 'female', e.patient.sex);
    assert.match(e.patient.name?.full ?? '', /^[\u4e00-\u9fff]{2,4}$/);
    assert.match(e.patient.phone ?? '', /^1[3-9]\d{9}$/);
    assert.equal(e.patient.identifiers[0].type, 'his');
    assert.ok(e.visit?.department);
    assert.deepEqual(e.warnings, []);
  }
});

test('simulated orders are ECG ORM^O01 with accession numbers, STAT share and cancellations', () => {
  const sim = new HisSimulator({ seed: 7, statShare: 0.3, cancelShare: 0.1 });
  const orders = Array.from({ length: 300 }, () => mapOrders(parseMessage(sim.order().toString())).orders[0]);
  const created = orders.filter((o) => o.action === 'create');
  const stat = created.filter((o) => o.priority === 'STAT').length / created.length;
  assert.ok(stat > 0.2 && stat < 0.4, `STAT share ${stat}`);
  assert.ok(orders.some((o) => o.action === 'cancel'));
  const cancelled = orders.filter((o) => o.action === 'cancel');
  for (const c of cancelled) {
    assert.ok(
      created.some((o) => o.placerOrderNumber === c.placerOrderNumber),
      'cancels an earlier order',
    );
  }
  for (const o of created) {
    assert.match(o.accessionNumber ?? '', /^ECG\d{9}$/);
    assert.ok(o.procedure?.code && o.requestedTime && o.orderingProvider?.id && o.orderingDepartment);
  }
  assert.equal(new Set(created.map((o) => o.accessionNumber)).size, created.length);
});

test('the same seed gives the same stream; printable output parses back', () => {
  const a = new HisSimulator({ seed: 3, start: new Date('2026-11-21T00:00:00Z') });
  const b = new HisSimulator({ seed: 3, start: new Date('2026-11-21T00:00:00Z') });
  const ma = Array.from({ length: 5 }, () => a.next());
  const mb = Array.from({ length: 5 }, () => b.next());
  assert.equal(toPrintable(ma), toPrintable(mb));
  assert.equal(parseMessages(toPrintable(ma)).length, 5);
  assert.throws(() => new HisSimulator({ statShare: 2 }), /between 0 and 1/);
});

test('the simulator exchanges with our MLLP server in-process, GB 18030 included', async () => {
  const received: string[] = [];
  const server = createMllpServer({
    onMessage(m, _raw, meta) {
      received.push(`${m.type.code}:${meta.charset}:${m.get('PID-5')}`);
      return buildAck(m);
    },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  try {
    const sim = new HisSimulator({ seed: 11, charset: 'GB 18030-2000' });
    const stats = await sendMessages([sim.adt(), sim.order(), sim.adt()], { host: '127.0.0.1', port });
    assert.equal(stats.sent, 3);
    assert.equal(stats.accepted, 3);
    assert.deepEqual(
      received.map((r) => r.split(':').slice(0, 2).join(':')),
      ['ADT:gb18030', 'ORM:gb18030', 'ADT:gb18030'],
    );
    assert.ok(
      received.every((r) => /[\u4e00-\u9fff]$/.test(r)),
      'Chinese names decoded',
    );
    const load = await streamMessages(() => sim.next(), {
      host: '127.0.0.1',
      port,
      rate: 100,
      durationS: 0.5,
    });
    assert.equal(load.sent, 50);
    assert.equal(load.accepted, 50);
    await assert.rejects(
      streamMessages(() => sim.next(), { host: '127.0.0.1', port, rate: 0, durationS: 1 }),
      /rate/,
    );
  } finally {
    await server.close();
  }
});

test('listen receives ORU^R01 results, ACKs them and refuses other types', async () => {
  const seen: string[] = [];
  const { server, port } = await listenForResults(0, '127.0.0.1', (r) => seen.push(r.summary));
  const client = new MllpClient({ port, ackTimeoutMs: 2000 });
  try {
    const oru = buildEcgOruR01({
      messageControlId: 'R1',
      patient: { identifiers: [{ value: 'H00100001' }], name: { family: '王', given: '凤凤' } },
      order: { placerOrderNumber: 'O1', accessionNumber: 'ECG000000001' },
      acquiredAt: new Date('2026-11-21T00:00:00Z'),
      signedAt: new Date('2026-11-21T00:10:00Z'),
      measurements: { heartRate: 75, qtcInterval: 410 },
      conclusion: '窦性心律',
      signer: { id: 'D1', family: '张' },
      pdf: new Uint8Array(300),
    });
    const ok = await client.send(oru);
    assert.equal(ok.code, 'AA');
    assert.match(seen[0], /R1 H00100001 王凤凤/);
    assert.match(seen[0], /8867-4 Heart rate = 75 \/min/);
    assert.match(seen[0], /ED 11524-6 .* PDF 300 bytes/);
    const adt = new HisSimulator({ seed: 1 }).adt();
    const refused = await client.send(adt);
    assert.equal(refused.code, 'AR');
  } finally {
    await client.close();
    await server.close();
  }
});

test('the CLI runs from the repository root through npx-style bin', () => {
  const bin = resolve(repoRoot, 'packages/his-sim/bin/lifeline-his-sim.js');
  const ok = spawnSync(process.execPath, [bin, 'orders', '--count', '2', '--dry-run', '--seed', '5'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(parseMessages(ok.stdout).length, 2);
  const sample = resolve(repoRoot, '../shared/data/hl7v2-messages/hapi-hl7v2/messages.txt');
  if (existsSync(sample)) {
    const file = spawnSync(process.execPath, [bin, 'send', '--file', sample, '--dry-run'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(file.status, 0, file.stderr);
    assert.equal(parseMessages(file.stdout).length, 18);
  }
  const bad = spawnSync(process.execPath, [bin, 'adt', '--count', 'many'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--count must be a number/);
});
