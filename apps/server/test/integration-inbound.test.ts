import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
// An independent HL7 client (@medplum/hl7, Apache-2.0) talks to our MLLP listener.
import { Hl7Message as MedplumMessage } from '@medplum/core';
import { Hl7Client } from '@medplum/hl7';
import {
  ensureDemoInterfaces,
  type MllpListener,
  startMllpListener,
  troponinResults,
} from '../src/modules/integration';
import { listScheduledOrders } from '../src/modules/orders';
import { createTestContext, type TestContext } from './helpers';

/** One segment with fields at their HL7 numbers: seg('PV1', { 2: 'I', 19: 'V1' }). */
function seg(name: string, fields: Record<number, string>): string {
  const max = Math.max(0, ...Object.keys(fields).map(Number));
  const parts = [name];
  for (let i = 1; i <= max; i++) parts.push(fields[i] ?? '');
  return parts.join('|');
}

function msh(type: string, controlId: string, app = 'HIS', facility = 'QSX'): string {
  return `MSH|^~\\&|${app}|${facility}|LIFELINE|ECG|20261121100000+0800||${type}|${controlId}|P|2.5|||||CHN|UNICODE UTF-8`;
}

const message = (...segments: string[]) => segments.join('\r');

const pid = (his: string, name: string, extra: Record<number, string> = {}) =>
  seg('PID', { 1: '1', 3: `${his}^^^HIS^PI`, 5: name, 7: '19700315', 8: 'M', ...extra });

const pv1 = (visit: string, extra: Record<number, string> = {}) =>
  seg('PV1', {
    1: '1',
    2: 'I',
    3: 'CARD^301^12^QSX-RMYY',
    7: 'D001^刘^洋',
    19: visit,
    44: '20261121093000',
    ...extra,
  });

describe('HL7 inbound over MLLP', () => {
  let ctx: TestContext;
  let listener: MllpListener;
  let client: Hl7Client;
  let admin: string;
  let orgId: string;

  async function send(text: string) {
    const ack = await client.sendAndWait(MedplumMessage.parse(text), { timeoutMs: 10_000 });
    const msa = ack.getSegment('MSA');
    return {
      code: msa?.getField(1)?.toString(),
      controlId: msa?.getField(2)?.toString(),
      text: msa?.getField(3)?.toString() ?? '',
    };
  }

  async function patientByHis(his: string) {
    const { rows } = await ctx.pool.query(
      `SELECT p.* FROM patients p JOIN patient_identifiers i ON i.patient_id = p.id
       WHERE i.type = 'his' AND i.lookup = $1 AND p.organization_id = $2`,
      [his, orgId],
    );
    return rows[0];
  }

  async function stored(controlId: string) {
    return (
      await ctx.pool.query('SELECT * FROM hl7_messages WHERE control_id = $1 ORDER BY received_at', [
        controlId,
      ])
    ).rows;
  }

  before(async () => {
    ctx = await createTestContext();
    admin = await ctx.login('admin');
    orgId = (await ctx.pool.query(`SELECT id FROM organizations WHERE code = 'QSX-RMYY'`)).rows[0].id;
    const res = await ctx.request('POST', '/api/integration/interfaces', admin, {
      name: 'HIS 住院',
      direction: 'inbound',
      sendingApplication: 'HIS',
      sendingFacility: 'QSX',
    });
    assert.equal(res.statusCode, 200, res.body);
    // The HIS simulator sends MSH-3 = HIS, MSH-4 = 县人民医院.
    await ctx.request('POST', '/api/integration/interfaces', admin, {
      name: 'HIS 模拟器',
      direction: 'inbound',
      sendingApplication: 'HIS',
      sendingFacility: '县人民医院',
    });
    listener = await startMllpListener(ctx.app, { port: 0, host: '127.0.0.1' });
    client = new Hl7Client({ host: '127.0.0.1', port: listener.port, encoding: 'utf-8' });
  });
  after(async () => {
    await client?.close();
    await listener?.close();
    await ctx?.close();
  });

  test('interface admin API: validation and permission', async () => {
    const bad = await ctx.request('POST', '/api/integration/interfaces', admin, {
      name: 'x',
      direction: 'inbound',
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /sendingApplication/);
    const outBad = await ctx.request('POST', '/api/integration/interfaces', admin, {
      name: 'EMR',
      direction: 'outbound',
      host: 'emr.local',
    });
    assert.equal(outBad.statusCode, 400);
    const clash = await ctx.request('POST', '/api/integration/interfaces', admin, {
      name: 'again',
      direction: 'inbound',
      sendingApplication: 'HIS',
      sendingFacility: 'QSX',
    });
    assert.equal(clash.statusCode, 409);
    const tech = await ctx.login('ecg.tech');
    assert.equal((await ctx.request('GET', '/api/integration/interfaces', tech)).statusCode, 403);
    const list = (await ctx.request('GET', '/api/integration/interfaces', admin)).json();
    assert.deepEqual(list.map((i: { sendingApplication: string }) => i.sendingApplication).sort(), [
      'HIS',
      'HIS',
    ]);
  });

  test('ADT^A01 registers the patient and the visit; the message is stored before the ACK', async () => {
    const ack = await send(
      message(
        msh('ADT^A01^ADT_A01', 'A01-1'),
        seg('EVN', { 1: 'A01', 2: '20261121100000' }),
        pid('H900001', '王^小明', { 13: '13800138000', 11: '人民路1号^^青山县^某省' }),
        pv1('V900001'),
      ),
    );
    assert.deepEqual([ack.code, ack.controlId], ['AA', 'A01-1']);
    const p = await patientByHis('H900001');
    assert.equal(p.name, '王小明');
    assert.equal(p.sex, 'M');
    assert.equal(p.birth_date, '1970-03-15');
    assert.equal(p.phone_masked, '138****8000');
    const enc = (await ctx.pool.query('SELECT * FROM encounters WHERE patient_id = $1', [p.id])).rows;
    assert.equal(enc.length, 1);
    assert.equal(enc[0].patient_class, 'inpatient');
    assert.equal(enc[0].department, 'CARD');
    assert.equal(enc[0].bed, '12');
    assert.equal(enc[0].attending_name, '刘洋');
    assert.equal(enc[0].admit_time.toISOString(), '2026-11-21T01:30:00.000Z');
    const [row] = await stored('A01-1');
    assert.equal(row.status, 'applied');
    assert.equal(row.message_type, 'ADT^A01');
    assert.match(row.raw, /PID\|1\|\|H900001/);
    // Audited as the interface's system user.
    const audit = await ctx.pool.query(
      `SELECT username FROM audit_log WHERE action = 'patient.create' AND patient_id = $1`,
      [p.id],
    );
    assert.match(audit.rows[0].username, /^hl7\./);
  });

  test('ADT^A08 updates demographics and adds identifiers; a duplicate MSH-10 is acknowledged and applied once', async () => {
    const a08 = message(
      msh('ADT^A08^ADT_A01', 'A08-1'),
      seg('EVN', { 1: 'A08' }),
      pid('H900001', '王^晓明', { 3: 'H900001^^^HIS^PI~Z55001^^^HIS^MR' }),
      pv1('V900001', { 3: 'CARD^302^5' }),
    );
    assert.equal((await send(a08)).code, 'AA');
    const p = await patientByHis('H900001');
    assert.equal(p.name, '王晓明');
    const ids = await ctx.pool.query(
      'SELECT type, display FROM patient_identifiers WHERE patient_id = $1 ORDER BY type',
      [p.id],
    );
    assert.deepEqual(
      ids.rows.map((r) => `${r.type}:${r.display}`),
      ['his:H900001', 'inpatient:Z55001'],
    );
    const enc = (await ctx.pool.query('SELECT bed, room FROM encounters WHERE patient_id = $1', [p.id])).rows;
    assert.deepEqual(enc, [{ bed: '5', room: '302' }], 'same visit number updates the encounter');

    const versionBefore = p.version;
    const again = await send(a08);
    assert.equal(again.code, 'AA');
    assert.match(again.text ?? '', /duplicate/);
    assert.deepEqual(
      (await stored('A08-1')).map((r) => r.status),
      ['applied', 'duplicate'],
    );
    assert.equal((await patientByHis('H900001')).version, versionBefore, 'not applied twice');
  });

  test('ADT^A40 merges the retired record into the surviving one through the patients module', async () => {
    assert.equal(
      (
        await send(
          message(msh('ADT^A04^ADT_A01', 'A04-2'), seg('EVN', { 1: 'A04' }), pid('H900002', '王^小明')),
        )
      ).code,
      'AA',
    );
    const retired = await patientByHis('H900002');
    const ack = await send(
      message(
        msh('ADT^A40^ADT_A39', 'A40-1'),
        seg('EVN', { 1: 'A40' }),
        pid('H900001', '王^晓明'),
        seg('MRG', { 1: 'H900002^^^HIS^PI' }),
      ),
    );
    assert.equal(ack.code, 'AA', ack.text);
    const surviving = await patientByHis('H900001');
    const after = (await ctx.pool.query('SELECT merged_into_id FROM patients WHERE id = $1', [retired.id]))
      .rows[0];
    assert.equal(after.merged_into_id, surviving.id);
    const merges = await ctx.pool.query('SELECT reason FROM patient_merges WHERE source_patient_id = $1', [
      retired.id,
    ]);
    assert.match(merges.rows[0].reason, /A40/);
  });

  test('ORM^O01 NW creates an ECG order on both worklists; CA cancels it; OML^O21 creates one too', async () => {
    const orc = (control: string) => seg('ORC', { 1: control, 2: 'P7001^HIS', 12: 'D001^刘^洋', 17: 'CARD' });
    const obr = seg('OBR', {
      1: '1',
      2: 'P7001^HIS',
      4: 'ECG12^常规十二导联心电图^L',
      18: 'ACC7001',
      27: '^^^^^S',
    });
    const nw = await send(
      message(msh('ORM^O01^ORM_O01', 'ORM-1'), pid('H900001', '王^晓明'), orc('NW'), obr),
    );
    assert.equal(nw.code, 'AA', nw.text);
    const order = (await ctx.pool.query(`SELECT * FROM ecg_orders WHERE accession_number = 'ACC7001'`))
      .rows[0];
    assert.equal(order.status, 'scheduled');
    assert.equal(order.source, 'hl7');
    assert.equal(order.priority, 'stat');
    assert.equal(order.placer_number, 'P7001');
    assert.equal(order.patient_id, (await patientByHis('H900001')).id);
    const tech = await ctx.login('ecg.tech');
    const worklist = (await ctx.request('GET', '/api/orders?status=scheduled&limit=100', tech)).json();
    assert.ok(worklist.items.some((o: { accessionNumber: string }) => o.accessionNumber === 'ACC7001'));
    const dicom = await listScheduledOrders(ctx.pool, orgId, { accessionNumber: 'ACC7001' });
    assert.equal(dicom.length, 1, 'on the DICOM modality worklist');

    const ca = await send(
      message(msh('ORM^O01^ORM_O01', 'ORM-2'), pid('H900001', '王^晓明'), orc('CA'), obr),
    );
    assert.equal(ca.code, 'AA', ca.text);
    const cancelled = (await ctx.pool.query('SELECT status FROM ecg_orders WHERE id = $1', [order.id]))
      .rows[0];
    assert.equal(cancelled.status, 'cancelled');
    // OML^O21 (laboratory-style order message) creates orders the same way.
    const oml = await send(
      message(
        msh('OML^O21^OML_O21', 'OML-1'),
        pid('H900001', '王^晓明'),
        seg('ORC', { 1: 'NW', 2: 'P7002^HIS' }),
        seg('OBR', { 1: '1', 2: 'P7002^HIS', 4: 'ECG18^十八导联心电图^L', 18: 'ACC7002' }),
      ),
    );
    assert.equal(oml.code, 'AA', oml.text);
    const second = (await ctx.pool.query(`SELECT * FROM ecg_orders WHERE accession_number = 'ACC7002'`))
      .rows[0];
    assert.equal(second.procedure_code, 'ECG18');
    assert.equal(second.priority, 'routine');
    // Cancelling an unknown order is an application error naming it.
    const unknown = await send(
      message(
        msh('ORM^O01^ORM_O01', 'ORM-3'),
        pid('H900001', '王^晓明'),
        seg('ORC', { 1: 'CA', 2: 'NOPE^HIS' }),
      ),
    );
    assert.equal(unknown.code, 'AE');
    assert.match(unknown.text ?? '', /NOPE/);
  });

  test('ORU^R01 troponin from the LIS is stored as a lab result on the patient', async () => {
    const ack = await send(
      message(
        msh('ORU^R01^ORU_R01', 'LIS-1', 'HIS', 'QSX'),
        pid('H900001', '王^晓明'),
        seg('OBR', { 1: '1', 3: 'L123', 4: 'TNI^肌钙蛋白I^L', 7: '20261121101500', 25: 'F' }),
        seg('OBX', {
          1: '1',
          2: 'NM',
          3: '10839-9^Troponin I.cardiac^LN',
          5: '0.52',
          6: 'ng/mL',
          7: '<0.04',
          8: 'H',
          11: 'F',
          14: '20261121101500',
        }),
      ),
    );
    assert.equal(ack.code, 'AA', ack.text);
    const p = await patientByHis('H900001');
    const results = await troponinResults(ctx.pool, orgId, p.id);
    assert.equal(results.length, 1);
    assert.equal(results[0].value, 0.52);
    assert.equal(results[0].units, 'ng/mL');
    assert.deepEqual(results[0].abnormalFlags, ['H']);
    assert.equal(results[0].observedAt, '2026-11-21T02:15:00.000Z');
  });

  test('malformed and unmappable messages get AR/AE with the reason, are stored, and the listener keeps serving', async () => {
    // Parsed but missing what the mapping needs: AE naming the field.
    const noName = await send(
      message(msh('ADT^A01^ADT_A01', 'BAD-1'), seg('PID', { 1: '1', 3: 'H900099^^^HIS^PI' })),
    );
    assert.equal(noName.code, 'AE');
    assert.match(noName.text ?? '', /PID-5/);
    const [row] = await stored('BAD-1');
    assert.equal(row.status, 'error');
    assert.match(row.error, /name/);

    // Unsupported type: AR.
    const unsupported = await send(message(msh('SIU^S12^SIU_S12', 'BAD-2'), pid('H900001', '王^晓明')));
    assert.equal(unsupported.code, 'AR');
    assert.equal((await stored('BAD-2'))[0].status, 'refused');

    // Unknown sender: AR, stored without organisation.
    const stranger = await send(message(msh('ADT^A04^ADT_A01', 'BAD-3', 'PACS', 'X'), pid('H1', '张^三')));
    assert.equal(stranger.code, 'AR');
    assert.match(stranger.text ?? '', /unknown sender PACS/);

    // Not parsable at all (bad segment name): AR from the listener, stored with the parser's reason.
    const raw = `${msh('ADT^A01^ADT_A01', 'BAD-4')}\rP D|1\r`;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(listener.port, '127.0.0.1', () => socket.write(`\x0b${raw}\x1c\r`));
      let data = '';
      socket.on('data', (d) => {
        data += d.toString('utf8');
        if (data.includes('\x1c\r')) {
          socket.end();
          resolve(data);
        }
      });
      socket.on('error', reject);
    });
    assert.match(reply, /MSA\|AR\|BAD-4/);
    const [refused] = await stored('BAD-4');
    assert.equal(refused.status, 'refused');
    assert.match(refused.error, /segment/);

    // Still serving.
    assert.equal((await send(message(msh('ADT^A04^ADT_A01', 'OK-5'), pid('H900005', '李^四')))).code, 'AA');

    // The admin sees errors, and can reprocess one after fixing the cause.
    const errors = (await ctx.request('GET', '/api/integration/messages?status=error', admin)).json();
    assert.ok(errors.items.some((m: { controlId: string }) => m.controlId === 'BAD-1'));
    const strangerRow = (await stored('BAD-3'))[0];
    await ctx.request('POST', '/api/integration/interfaces', admin, {
      name: 'PACS',
      direction: 'inbound',
      sendingApplication: 'PACS',
    });
    const re = await ctx.request('POST', `/api/integration/messages/${strangerRow.id}/reprocess`, admin);
    assert.equal(re.statusCode, 200, re.body);
    assert.equal(re.json().status, 'applied');
    const twice = await ctx.request('POST', `/api/integration/messages/${strangerRow.id}/reprocess`, admin);
    assert.equal(twice.statusCode, 409);
  });

  test('the HIS simulator CLI sends ADT and orders end to end', async () => {
    const run = promisify(execFile);
    const cli = (command: string) =>
      run(
        'npx',
        [
          'lifeline-his-sim',
          command,
          '--count',
          '15',
          '--seed',
          '7',
          '--port',
          String(listener.port),
          '--host',
          '127.0.0.1',
        ],
        { cwd: new URL('../../..', import.meta.url).pathname, timeout: 60_000 },
      ).catch((err) => err as { stdout: string; stderr: string; code: number });
    const adt = await cli('adt');
    assert.match(String(adt.stdout), /sent 15, accepted 15/, String(adt.stderr));
    const orders = await cli('orders');
    assert.match(String(orders.stdout), /sent 15, accepted 15/, String(orders.stderr));
    const { rows } = await ctx.pool.query(
      `SELECT status, count(*)::int AS n FROM hl7_messages WHERE sending_facility = '县人民医院' GROUP BY status`,
    );
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    assert.equal(byStatus.applied, 30, JSON.stringify(byStatus));
    const hl7Orders = await ctx.pool.query(`SELECT count(*)::int AS n FROM ecg_orders WHERE source = 'hl7'`);
    assert.ok(hl7Orders.rows[0].n >= 12, `orders created: ${hl7Orders.rows[0].n}`);
  });

  test('the demo configuration (HIS, any facility) is created once and does not take exact-facility senders', async () => {
    assert.equal(await ensureDemoInterfaces(ctx.pool), true);
    assert.equal(await ensureDemoInterfaces(ctx.pool), false);
    const { rows } = await ctx.pool.query(
      `SELECT sending_facility FROM hl7_interfaces WHERE sending_application = 'HIS' ORDER BY sending_facility NULLS FIRST`,
    );
    assert.deepEqual(
      rows.map((r) => r.sending_facility),
      [null, 'QSX', '县人民医院'],
    );
    const ack = await send(message(msh('ADT^A04^ADT_A01', 'DEMO-1', 'HIS', 'ANY'), pid('H990001', '周^七')));
    assert.equal(ack.code, 'AA');
    const [row] = await stored('DEMO-1');
    const iface = (
      await ctx.pool.query('SELECT sending_facility FROM hl7_interfaces WHERE id = $1', [row.interface_id])
    ).rows[0];
    assert.equal(iface.sending_facility, null);
    const [qsx] = await stored('A01-1');
    const exact = (
      await ctx.pool.query('SELECT sending_facility FROM hl7_interfaces WHERE id = $1', [qsx.interface_id])
    ).rows[0];
    assert.equal(exact.sending_facility, 'QSX');
  });
});
