/**
 * The group-commit path for inbound ADT: several messages in one transaction must leave the same records as the
 * message-at-a-time path (patients, identifiers, history, visits, audit), keep dedup by sender + MSH-10, and
 * answer each message on its own (a bad message gets its AE, the others their AA).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type AdtEvent, type Hl7Message, mapInbound, parseMessage } from '@lifeline/hl7';
import { MllpClient } from '@lifeline/hl7/mllp';
import { type MllpListener, startMllpListener } from '../src/modules/integration';
import { applyAdtBatch, type BatchItem } from '../src/modules/integration/adt-batch';
import { AdtBatcher } from '../src/modules/integration/batcher';
import { inboundInterfaceFor } from '../src/modules/integration/repo';
import { verifyAuditChain } from '../src/plugins/audit';
import { createTestContext, type TestContext } from './helpers';

/** A valid 18-digit resident ID (GB 11643 check digit) for a birth date and sex. */
function residentId(birth: string, male: boolean, serial = 12): string {
  const body = `110105${birth}${String(serial).padStart(2, '0')}${male ? 1 : 2}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

function adt(
  event: string,
  controlId: string,
  pid: { his: string; name?: string; nationalId?: string; phone?: string; outpatient?: string; sex?: string },
  visit?: string,
): string {
  const ids = [`${pid.his}^^^HIS^PI`];
  if (pid.outpatient) ids.push(`${pid.outpatient}^^^HIS^MR`);
  if (pid.nationalId) ids.push(`${pid.nationalId}^^^CHN^NNCHN`);
  const segments = [
    `MSH|^~\\&|HIS|BATCH|LIFELINE|ECG|20261121100000+0800||ADT^${event}^ADT_A01|${controlId}|P|2.5|||||CHN|UNICODE UTF-8`,
    `EVN|${event}|20261121100000`,
    `PID|1||${ids.join('~')}||${pid.name ?? ''}||19700315|${pid.sex ?? 'M'}|||||${pid.phone ?? ''}`,
  ];
  if (visit) segments.push(`PV1|1|I|CARD^301^12||||D001^刘^洋||||||||||||${visit}`);
  return segments.join('\r');
}

describe('HL7 inbound ADT group commit', () => {
  let ctx: TestContext;
  let orgId: string;
  let found: NonNullable<Awaited<ReturnType<typeof inboundInterfaceFor>>>;
  let listener: MllpListener;

  const item = (text: string): BatchItem => {
    const message: Hl7Message = parseMessage(text);
    return {
      message,
      event: mapInbound(message) as AdtEvent,
      raw: text,
      iface: found.iface,
      actor: found.actor,
      remoteAddress: '10.0.0.9',
      frameBytes: new TextEncoder().encode(text),
    };
  };

  async function batch(texts: string[]) {
    const client = await ctx.pool.connect();
    try {
      const acks = await applyAdtBatch(ctx.app, client, texts.map(item));
      await client.query('COMMIT');
      return acks.map((a) => ({ code: a.get('MSA-1'), text: a.get('MSA-3'), id: a.get('MSA-2') }));
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  }

  const patientByHis = async (his: string) =>
    (
      await ctx.pool.query(
        `SELECT p.* FROM patients p JOIN patient_identifiers i ON i.patient_id = p.id
         WHERE i.type = 'his' AND i.lookup = $1 AND p.organization_id = $2`,
        [his, orgId],
      )
    ).rows;

  before(async () => {
    ctx = await createTestContext();
    const admin = await ctx.login('admin');
    orgId = (await ctx.pool.query(`SELECT id FROM organizations WHERE code = 'QSX-RMYY'`)).rows[0].id;
    const res = await ctx.request('POST', '/api/integration/interfaces', admin, {
      name: 'HIS batch',
      direction: 'inbound',
      sendingApplication: 'HIS',
      sendingFacility: 'BATCH',
    });
    assert.equal(res.statusCode, 200, res.body);
    const f = await inboundInterfaceFor(ctx.pool, 'HIS', 'BATCH');
    assert.ok(f);
    found = f;
    listener = await startMllpListener(ctx.app, { port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await listener?.close();
    await ctx?.close();
  });

  test('create, update, duplicate and refusals in one transaction, each with its own ACK', async () => {
    const nid = residentId('19700315', true);
    const acks = await batch([
      adt('A01', 'B-1', { his: 'H900', name: '王建国', nationalId: nid, phone: '13800138000' }, 'V900'),
      // The same person again in the same batch: an update of the record the first message creates.
      adt('A08', 'B-2', { his: 'H900', name: '王建国', outpatient: 'MZ900', phone: '13900139000' }, 'V900'),
      // A resend of the first: acknowledged, not applied twice.
      adt('A01', 'B-1', { his: 'H900', name: '王建国', nationalId: nid }, 'V900'),
      // A new patient without a name cannot be registered: AE for this one only.
      adt('A04', 'B-3', { his: 'H901' }),
      // Sex contradicting the national ID: AE (400 from the patients' rules).
      adt('A04', 'B-4', {
        his: 'H902',
        name: '李四',
        nationalId: residentId('19800101', true, 34),
        sex: 'F',
      }),
      // Another patient (found by its own HIS number first) claims H900's outpatient number: conflict, AE.
      adt('A04', 'B-0', { his: 'H903', name: '赵六' }),
      adt('A08', 'B-5', { his: 'H903', name: '赵六', outpatient: 'MZ900' }),
    ]);
    assert.deepEqual(
      acks.map((a) => a.code),
      ['AA', 'AA', 'AA', 'AE', 'AE', 'AA', 'AE'],
    );
    assert.match(acks[2].text, /duplicate/);
    assert.match(acks[3].text, /PID-5/);
    assert.match(acks[4].text, /sex/);
    assert.match(acks[6].text, /already belongs/);

    const [p] = await patientByHis('H900');
    assert.equal(p.name, '王建国');
    assert.equal(p.name_initials, 'wjg');
    assert.equal(p.version, 2, 'created then updated once');
    assert.equal(ctx.fieldCrypto.decrypt(p.phone_enc), '13900139000');
    assert.equal(ctx.fieldCrypto.decrypt(p.national_id_enc), nid);
    assert.equal(p.birth_date, '1970-03-15');
    const idents = (
      await ctx.pool.query(
        'SELECT type, display FROM patient_identifiers WHERE patient_id = $1 ORDER BY type',
        [p.id],
      )
    ).rows.map((r) => `${r.type}:${r.display}`);
    assert.equal(idents.length, 3);
    assert.equal(idents[0], 'his:H900');
    assert.equal(idents[1], 'inpatient:MZ900'); // PID-3 type MR is the inpatient number
    assert.match(idents[2], /^national-id:1101\*+\w{4}$/);
    assert.equal((await patientByHis('H901')).length, 0);
    const [other] = await patientByHis('H903');
    assert.equal(other.version, 1, 'the refused update left the record as created');

    const history = (
      await ctx.pool.query('SELECT action, detail FROM patient_history WHERE patient_id = $1 ORDER BY id', [
        p.id,
      ])
    ).rows;
    assert.deepEqual(
      history.map((h) => h.action),
      ['create', 'update'],
    );
    assert.deepEqual(history[1].detail.fields, ['identifiers', 'name', 'phone', 'sex', 'birthDate'].sort());

    const visits = (await ctx.pool.query(`SELECT * FROM encounters WHERE visit_number = 'V900'`)).rows;
    assert.equal(visits.length, 1);
    assert.equal(visits[0].patient_id, p.id);

    const messages = (
      await ctx.pool.query(
        `SELECT control_id, status, ack_code, effects, raw_bytes, applied_at FROM hl7_messages
         WHERE sending_facility = 'BATCH' ORDER BY control_id, status`,
      )
    ).rows;
    assert.deepEqual(
      messages.map((m) => `${m.control_id}:${m.status}:${m.ack_code}`),
      [
        'B-0:applied:AA',
        'B-1:applied:AA',
        'B-1:duplicate:AA',
        'B-2:applied:AA',
        'B-3:error:AE',
        'B-4:error:AE',
        'B-5:error:AE',
      ],
    );
    assert.deepEqual(messages[1].effects.patientsCreated, [p.id]);
    assert.deepEqual(messages[1].effects.encounters, [visits[0].id]);
    assert.deepEqual(messages[3].effects.patientsUpdated, [p.id]);
    assert.ok(messages.every((m) => Buffer.isBuffer(m.raw_bytes) && m.raw_bytes.length > 50));

    const audit = (
      await ctx.pool.query(
        `SELECT action, detail, client_ip, role FROM audit_log WHERE patient_id = $1 ORDER BY seq`,
        [p.id],
      )
    ).rows;
    assert.deepEqual(
      audit.map((a) => a.action),
      ['patient.create', 'patient.update'],
    );
    assert.equal(audit[0].detail.via, 'hl7');
    assert.equal(audit[0].client_ip, '10.0.0.9');
    assert.equal(audit[0].role, 'hl7-interface');
    const chain = await verifyAuditChain(ctx.pool);
    assert.equal(chain.ok, true, JSON.stringify(chain.problems));

    // Sent again in a later batch: a duplicate of the stored original, nothing changes.
    const again = await batch([adt('A08', 'B-2', { his: 'H900', name: '王二' })]);
    assert.equal(again[0].code, 'AA');
    assert.equal((await patientByHis('H900'))[0].name, '王建国');

    // A later batch updates the record loaded from the database: encrypted fields survive the round trip.
    const later = await batch([adt('A08', 'B-6', { his: 'H900', name: '王建国', phone: '13700137000' })]);
    assert.equal(later[0].code, 'AA');
    const [after] = await patientByHis('H900');
    assert.equal(after.version, 3);
    assert.equal(ctx.fieldCrypto.decrypt(after.phone_enc), '13700137000');
    assert.equal(ctx.fieldCrypto.decrypt(after.national_id_enc), nid);
    assert.equal((await verifyAuditChain(ctx.pool)).ok, true);
  });

  test('a batch the database refuses is rolled back and handed message by message to the other path', async () => {
    const handedOver: string[] = [];
    const batcher = new AdtBatcher(ctx.app, async (it) => {
      handedOver.push(it.message.controlId);
      return parseMessage(adt('A08', `ACK-${it.message.controlId}`, { his: 'X' }));
    });
    // The first submit starts a batch at once; the next two wait and form the second batch together.
    const first = batcher.submit(item(adt('A04', 'F-0', { his: 'HF0', name: '先行' })));
    const good = batcher.submit(item(adt('A04', 'F-1', { his: 'HF1', name: '好人' })));
    // PostgreSQL text cannot hold NUL: the write statement fails and the whole second batch rolls back.
    const bad = batcher.submit(item(adt('A04', 'F-2', { his: 'HF2', name: '坏\u0000人' })));
    const [a0, a1, a2] = await Promise.all([first, good, bad]);
    assert.equal(a0.get('MSA-1'), 'AA');
    assert.deepEqual(handedOver, ['F-1', 'F-2'], 'both, in order');
    assert.equal(a1.get('MSH-10'), 'ACK-F-1');
    assert.equal(a2.get('MSH-10'), 'ACK-F-2');
    const stored = await ctx.pool.query(
      `SELECT control_id FROM hl7_messages WHERE control_id IN ('F-0', 'F-1', 'F-2') ORDER BY control_id`,
    );
    assert.deepEqual(
      stored.rows.map((r) => r.control_id),
      ['F-0'],
      'nothing of the rolled-back batch remains',
    );
    assert.equal((await patientByHis('HF1')).length, 0);
    assert.equal((await patientByHis('HF0')).length, 1);
  });

  test('concurrent senders over MLLP are committed in shared transactions, all acknowledged', async () => {
    const clients = Array.from(
      { length: 6 },
      () => new MllpClient({ host: '127.0.0.1', port: listener.port, ackTimeoutMs: 30_000 }),
    );
    try {
      const sends: Promise<{ accepted: boolean }>[] = [];
      for (let i = 0; i < 60; i++) {
        const text = adt('A04', `C-${i}`, { his: `HC${i}`, name: `测试${i}` }, `VC${i}`);
        sends.push(clients[i % clients.length].send(parseMessage(text)));
      }
      const results = await Promise.all(sends);
      assert.equal(results.filter((r) => r.accepted).length, 60);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
    const { rows } = await ctx.pool.query(
      `SELECT count(*)::int AS n, count(DISTINCT applied_at)::int AS transactions FROM hl7_messages
       WHERE control_id LIKE 'C-%' AND status = 'applied'`,
    );
    assert.equal(rows[0].n, 60);
    // now() is the transaction's start: fewer distinct values than messages means messages shared commits.
    assert.ok(rows[0].transactions < 60, `${rows[0].transactions} transactions for 60 messages`);
    const patients = await ctx.pool.query(
      `SELECT count(*)::int AS n FROM patients WHERE organization_id = $1 AND name LIKE '测试%'`,
      [orgId],
    );
    assert.equal(patients.rows[0].n, 60);
    assert.equal((await verifyAuditChain(ctx.pool)).ok, true);
  });
});
