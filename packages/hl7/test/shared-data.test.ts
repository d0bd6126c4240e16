// Every file of ../shared/data/hl7v2-messages (test fixtures of HAPI, nHapi, HL7-dotnetcore, python-hl7)
// either parses and round-trips, or is one of the deliberately malformed inputs and is rejected with a reason.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  decodeHl7,
  Hl7ParseError,
  mapAdt,
  mapOrders,
  mapResults,
  normaliseTerminators,
  parseBatch,
  parseMessages,
} from '../src/index';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const dataDir = resolve(repoRoot, '../shared/data/hl7v2-messages');
const exists = existsSync(dataDir);
const skip = !exists && 'needs ../shared/data/hl7v2-messages';

// Malformed on purpose (python-hl7's sample_bad_*).
const EXPECTED_BAD: Record<string, RegExp> = {
  'sample_bad_batch.hl7': /outside a message/,
  'sample_bad_file.hl7': /outside a message/,
  'sample_bad_file1.hl7': /previous batch has no BTS/,
  'sample_bad_file2.hl7': /FHS must be the first segment/,
};

function walk(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : [p];
    })
    .filter((p) => !p.endsWith('MANIFEST.md'))
    .sort();
}

function read(file: string): string {
  return decodeHl7(readFileSync(join(dataDir, file))).text;
}

test('every sample parses and round-trips, malformed ones are rejected with a reason', { skip }, () => {
  const files = walk(dataDir);
  assert.ok(files.length >= 30, `expected the 31 sample files, found ${files.length}`);
  let messages = 0;
  for (const file of files) {
    const name = relative(dataDir, file);
    const { text } = decodeHl7(readFileSync(file));
    const bad = EXPECTED_BAD[basename(file)];
    if (bad) {
      assert.throws(
        () => parseBatch(text, { skipComments: true }),
        (e: unknown) => e instanceof Hl7ParseError && bad.test(e.message),
        name,
      );
      continue;
    }
    const batch = parseBatch(text, { skipComments: true });
    if (file.endsWith('.xml')) {
      // XML is read into the ER7 model: the ER7 text must survive a second parse unchanged.
      assert.equal(parseBatch(batch.toString()).toString(), batch.toString(), `${name} ER7 round-trip`);
    } else {
      assert.equal(
        batch.toString(),
        normaliseTerminators(text, { skipComments: true }),
        `${name} round-trip`,
      );
    }
    for (const m of batch.messages) {
      assert.ok(m.type.code, `${name}: message ${m.controlId} has a type`);
      // Serialising a single message and parsing it again gives the same segments.
      assert.equal(parseBatch(m.toString()).messages[0].toString(), m.toString());
    }
    messages += batch.messages.length;
  }
  assert.ok(messages >= 60, `parsed ${messages} messages`);
});

test('python-hl7 repetition sample: components, subcomponents and repetitions', { skip }, () => {
  const [m] = parseMessages(read('python-hl7/rep_sample_hl7.hl7'));
  assert.equal(m.get('PID-1'), 'Field1');
  assert.equal(m.get('PID-2.2'), 'Component2');
  assert.equal(m.get('PID-3.2.1'), 'Sub-Component1');
  assert.equal(m.get('PID-3.2.2'), 'Sub-Component2');
  assert.equal(m.get('PID-3.3'), 'Component3');
  assert.equal(m.get('PID-4[2]'), 'Repeat2');
  assert.equal(m.segment('PID')?.repetitionCount(4), 2);
});

test('HL7-dotnetcore NTE escapes: \\.br\\, highlighting and hex line breaks decode to text', { skip }, () => {
  const [m] = parseMessages(read('hl7-dotnetcore/Sample-ORM.txt'));
  assert.equal(m.get('NTE[1]-3'), 'some text\nsome text after new line\nissue Efferent-Health#82');
  assert.equal(m.get('NTE[2]-3'), 'some text\r\nsome text after new line\r\nissue Efferent-Health#81');
});

test('HAPI messages.txt holds 18 messages once its comment lines are skipped', { skip }, () => {
  const text = read('hapi-hl7v2/messages.txt');
  const messages = parseMessages(text, { skipComments: true });
  assert.equal(messages.length, 18);
  const types = messages.map((m) => `${m.type.code}^${m.type.trigger}`);
  assert.equal(types.filter((t) => t === 'ORM^O01').length, 3);
  // Several messages declare '}' as subcomponent separator (MSH-2 '^~\}'), one only three characters.
  assert.equal(messages[1].delimiters.subcomponent, '}');
  assert.ok(messages.some((m) => m.delimiters.subcomponent === '' && m.delimiters.escape === '}'));
});

test('ADT^A01 from HAPI maps to patient and visit', { skip }, () => {
  const [m] = parseMessages(read('hapi-hl7v2/ADT_A01.txt'));
  const adt = mapAdt(m);
  assert.equal(adt.event, 'A01');
  assert.equal(adt.patient.identifiers[0].value, '2216506');
  assert.equal(adt.patient.name?.family, 'Duck');
  assert.equal(adt.patient.name?.full, 'Donald Duck');
  assert.equal(adt.patient.sex, 'male');
  assert.equal(adt.patient.birthDate, '1972-02-27');
  assert.equal(adt.patient.address?.city, 'TORONTO');
  assert.equal(adt.source.controlId, '22139243');
});

test('ADT^A03 identifiers keep type codes and authorities', { skip }, () => {
  const [m] = parseMessages(read('hapi-hl7v2/adt_a03.txt'));
  const adt = mapAdt(m, { identifierTypes: { CF: 'national-id' } });
  assert.deepEqual(
    adt.patient.identifiers.map((i) => [i.value, i.typeCode, i.type, i.authority]),
    [
      ['5520255', 'PK', 'his', 'PK'],
      ['ZZZZZZ83M64Z148R', 'CF', 'national-id', 'CF'],
      ['ZZZZZZ83M64Z148R', 'SSN', 'other', 'SSN'],
    ],
  );
  assert.equal(adt.visit?.patientClass, 'inpatient');
  assert.equal(adt.visit?.attending?.id, '13936');
});

test('ADT^A04 batch from python-hl7 maps both messages', { skip }, () => {
  const messages = parseMessages(read('python-hl7/sample_file1.hl7'));
  assert.equal(messages.length, 3);
  const adt = mapAdt(messages[0]);
  assert.equal(adt.event, 'A04');
  assert.equal(adt.patient.identifiers[0].value, '0000112234');
  assert.equal(adt.patient.identifiers[0].typeCode, 'A');
  assert.equal(adt.patient.sex, 'male'); // PID-8 '1' (GB/T 2261.1 and this feed's code)
  assert.equal(adt.visit?.patientClass, 'outpatient');
});

test('ORM^O01 samples map to orders with control, numbers and procedure', { skip }, () => {
  const [dotnet] = parseMessages(read('hl7-dotnetcore/Sample-ORM.txt'));
  const o = mapOrders(dotnet);
  assert.equal(o.orders.length, 1);
  assert.equal(o.orders[0].control, 'NW');
  assert.equal(o.orders[0].action, 'create');
  assert.equal(o.orders[0].placerOrderNumber, '11777-60');
  assert.equal(o.orders[0].procedure?.code, '4241');
  assert.equal(o.orders[0].orderingProvider?.name?.family, 'Smith (M)');
  assert.equal(o.patient?.name?.full, 'Doe T Jane'); // XPN: family Jane, given Doe, middle T

  const orm = parseMessages(read('hapi-hl7v2/messages.txt'), { skipComments: true }).filter(
    (m) => m.type.code === 'ORM',
  );
  const controls = orm.map((m) => mapOrders(m).orders[0].control);
  assert.deepEqual(controls, ['XR', 'CR', 'NW']);
  const last = mapOrders(orm[2]).orders[0];
  assert.equal(last.placerOrderNumber, '003711.0001.001');
  assert.equal(last.requestedTime, '1994-05-03T18:00:00+08:00');
});

test('OML^O21 samples map new, changed and cancelled orders with priority', { skip }, () => {
  const messages = parseMessages(read('nhapi/OML_O21_messages.txt'));
  const first = mapOrders(messages[0]);
  assert.equal(first.messageType, 'OML^O21');
  assert.equal(first.orders[0].action, 'create');
  assert.equal(first.orders[0].procedure?.text, 'Glucose Tolerance Test');
  assert.equal(first.orders[0].priority, 'ASAP'); // TQ1-9 'A'
  assert.equal(first.patient?.identifiers[0].type, 'his'); // CX-5 PI
  const change = mapOrders(messages[2]);
  assert.equal(change.orders[0].action, 'update'); // XO
  const multi = mapOrders(messages[4]);
  assert.equal(multi.orders.length, 4);
  assert.equal(multi.orders[3].placerOrderNumber, '4');
  assert.throws(() => mapOrders(parseMessages(read('hapi-hl7v2/ADT_A01.txt'))[0]), /expected ORM\^O01/);
});

test('ADT^A17 in the XML encoding (nHapi) maps like ER7', { skip }, () => {
  const [m] = parseMessages(read('nhapi/adt_a17.xml'));
  assert.equal(m.controlId, 'MENSAJE_EJEMPLO_ADT_A17_1');
  const adt = mapAdt(m);
  assert.equal(adt.event, 'A17');
  assert.deepEqual(
    adt.patient.identifiers.map((i) => [i.value, i.typeCode, i.authority]),
    [
      ['12345679', 'NNESP', 'MI'],
      ['AST12345679', 'HC', 'MS'],
      ['100000', 'PI', 'HIS'],
    ],
  );
  assert.equal(adt.patient.name?.family, 'SaEZ');
  assert.equal(adt.patient.birthDate, '1975-03-22');
  assert.equal(m.all('PID').length, 2, 'both patients of the swap');
});

test('ORU^R01 samples map to reports with typed observations', { skip }, () => {
  const [glucose] = parseMessages(read('python-hl7/sample_hl7.hl7'));
  const r = mapResults(glucose);
  assert.equal(r.reports.length, 1);
  assert.equal(r.reports[0].service?.code, '1554-5');
  const obx = r.reports[0].observations[0];
  assert.equal(obx.valueType, 'SN');
  assert.deepEqual(obx.value, { value: 182 });
  assert.equal(obx.units?.code, 'mg/dl');
  assert.equal(obx.referenceRange, '70_105');
  assert.deepEqual(obx.abnormalFlags, ['H']);
  assert.equal(obx.status, 'F');
  assert.ok(
    r.warnings.some((w) => w.startsWith('PID-7')),
    'the impossible birth date is reported, not fatal',
  );

  const radiology = parseMessages(read('hapi-hl7v2/messages.txt'), { skipComments: true })[0];
  const rad = mapResults(radiology);
  assert.equal(rad.reports.length, 3);
  assert.equal(rad.reports[0].service?.text, 'CT CHEST');
});
