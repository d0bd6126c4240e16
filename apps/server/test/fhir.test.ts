import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
// An independent FHIR client (fhir-kit-client) talks to our API over real HTTP.
import { Client } from 'fhir-kit-client';
import { createTestContext, type TestContext } from './helpers';

describe('FHIR R4 API with an independent client', () => {
  let ctx: TestContext;
  let client: InstanceType<typeof Client>;
  let base: string;
  let patient: { id: string; name: string; his: string };

  before(async () => {
    ctx = await createTestContext();
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as { port: number }).port}/fhir/R4`;
    const admin = await ctx.login('admin');
    const doctor = (await ctx.pool.query(`SELECT id FROM users WHERE username = 'ecg.doctor'`)).rows[0].id;
    const { token } = (
      await ctx.request('POST', `/api/users/${doctor}/tokens`, admin, { name: 'EMR' })
    ).json();
    client = new Client({ baseUrl: base, customHeaders: { Authorization: `Bearer ${token}` } });
    const { rows } = await ctx.pool.query(
      `SELECT p.id, p.name, i.display AS his FROM patients p JOIN patient_identifiers i ON i.patient_id = p.id AND i.type = 'his'
       JOIN organizations o ON o.id = p.organization_id WHERE o.code = 'QSX-RMYY' ORDER BY i.display LIMIT 1`,
    );
    patient = rows[0];
  });
  after(() => ctx.close());

  test('CapabilityStatement names FHIR 4.0.1 and the resources', async () => {
    const cap = (await client.capabilityStatement()) as unknown as {
      fhirVersion: string;
      rest: { resource: { type: string }[] }[];
    };
    assert.equal(cap.fhirVersion, '4.0.1');
    assert.deepEqual(cap.rest[0].resource.map((r) => r.type).sort(), [
      'Binary',
      'DiagnosticReport',
      'DocumentReference',
      'Encounter',
      'Observation',
      'Organization',
      'Patient',
      'Practitioner',
      'ServiceRequest',
      'Task',
    ]);
  });

  test('read a Patient and search by identifier (with and without system), name and birth date', async () => {
    const p = (await client.read({ resourceType: 'Patient', id: patient.id })) as unknown as {
      resourceType: string;
      name: { text: string }[];
      identifier: { system: string; value: string }[];
      gender: string;
    };
    assert.equal(p.resourceType, 'Patient');
    assert.equal(p.name[0].text, patient.name);
    assert.ok(
      p.identifier.some((i) => i.system === 'urn:lifeline:identifier:his' && i.value === patient.his),
    );
    const national = p.identifier.find((i) => i.system === 'urn:oid:2.16.156.10011.1.1');
    assert.match(national?.value ?? '', /\*{10}/, 'national ID masked');
    assert.ok(['male', 'female'].includes(p.gender));

    const byId = (await client.search({
      resourceType: 'Patient',
      searchParams: { identifier: `urn:lifeline:identifier:his|${patient.his}` },
    })) as unknown as {
      type: string;
      total: number;
      entry: { resource: { id: string } }[];
    };
    assert.equal(byId.type, 'searchset');
    assert.deepEqual(
      byId.entry.map((e) => e.resource.id),
      [patient.id],
    );
    const unknownSystem = (await client.search({
      resourceType: 'Patient',
      searchParams: { identifier: `urn:other|${patient.his}` },
    })) as unknown as { total: number };
    assert.equal(unknownSystem.total, 0);
    const byName = (await client.search({
      resourceType: 'Patient',
      searchParams: { name: patient.name },
    })) as unknown as { entry: { resource: { id: string } }[] };
    assert.ok(byName.entry.some((e) => e.resource.id === patient.id));
  });

  test('paging links: _count and next', async () => {
    const first = (await client.search({
      resourceType: 'Patient',
      searchParams: { name: 'w', _count: 5 },
    })) as unknown as {
      total: number;
      entry: unknown[];
      link: { relation: string; url: string }[];
    };
    assert.equal(first.entry.length, 5);
    assert.ok(first.total > 5);
    const next = (await client.nextPage({ bundle: first } as never)) as unknown as {
      entry: { resource: { id: string } }[];
    };
    assert.equal(next.entry.length, 5);
    assert.ok(first.link.some((l) => l.relation === 'next' && l.url.includes('_offset=5')));
  });

  test('Organization and Practitioner directories', async () => {
    const orgs = (await client.search({ resourceType: 'Organization', searchParams: {} })) as unknown as {
      total: number;
      entry: { resource: { name: string } }[];
    };
    assert.equal(orgs.total, 4);
    const docs = (await client.search({
      resourceType: 'Practitioner',
      searchParams: { name: 'ecg.doctor' },
    })) as unknown as { entry: { resource: { identifier: { value: string }[] } }[] };
    assert.equal(docs.entry[0].resource.identifier[0].value, 'ecg.doctor');
  });

  test('errors are OperationOutcome: unknown id 404, missing search parameters 400, bad token 401', async () => {
    await assert.rejects(
      client.read({ resourceType: 'Patient', id: '00000000-0000-0000-0000-000000000000' }),
      (err: { response?: { status: number; data: { resourceType: string } } }) => {
        assert.equal(err.response?.status, 404);
        assert.equal(err.response?.data.resourceType, 'OperationOutcome');
        return true;
      },
    );
    await assert.rejects(
      client.search({ resourceType: 'Patient', searchParams: {} }),
      (err: { response?: { status: number } }) => err.response?.status === 400,
    );
    const anonymous = new Client({ baseUrl: base, customHeaders: { Authorization: 'Bearer nope' } });
    await assert.rejects(
      anonymous.read({ resourceType: 'Patient', id: patient.id }),
      (err: { response?: { status: number } }) => err.response?.status === 401,
    );
  });

  test('a clinician token cannot read the user directory through the admin API but FHIR reads are audited', async () => {
    const { rows } = await ctx.pool.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'patient.read' AND username = 'ecg.doctor'`,
    );
    assert.ok(rows[0].n >= 1);
  });
});
