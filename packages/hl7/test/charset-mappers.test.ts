import assert from 'node:assert/strict';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import {
  buildEcgOruR01,
  chineseIdCheckCharacter,
  decodeEncapsulated,
  decodeHl7,
  dedupKey,
  type EcgReportInput,
  encodeHl7,
  Hl7ParseError,
  Hl7UnsupportedMessageError,
  isValidChineseResidentId,
  mapAdt,
  mapInbound,
  mapResults,
  nakOptionsFor,
  parseHl7DateTime,
  parseMessage,
  sniffMsh18,
  toBase64,
} from '../src/index';

const gbAdt = (charset: string) =>
  [
    `MSH|^~\\&|HIS|县人民医院|LIFELINE|心电科|20261121083000||ADT^A04^ADT_A01|GB001|P|2.4|||||CHN|${charset}`,
    'PID|1||H123^^^HIS^PI~11010519491231002X^^^CHN^NNCHN~M777^^^HIS^MR||欧阳^娜娜||19491231|F|||人民路8号^^北京市^北京市^100000^CHN^H^^朝阳区||13912345678',
    'PV1|1|O|心内科门诊^^^县人民医院||||D01^王^医生',
  ].join('\r');

test('GB 18030 bytes decode by MSH-18, including trail bytes equal to delimiters', () => {
  const text = gbAdt('GB 18030-2000');
  const bytes = iconv.encode(text, 'gb18030');
  // '县' and other characters have trail bytes in 0x40-0x7E; the sniffer must still find MSH-18.
  assert.equal(sniffMsh18(bytes), 'GB 18030-2000');
  const decoded = decodeHl7(bytes);
  assert.equal(decoded.charset, 'gb18030');
  assert.equal(decoded.text, text);
  const adt = mapAdt(parseMessage(decoded.text));
  assert.equal(adt.patient.name?.full, '欧阳娜娜');
  assert.equal(adt.source.sendingFacility, '县人民医院');
  // Re-encoding gives back the same bytes.
  assert.deepEqual(Buffer.from(encodeHl7(decoded.text)), Buffer.from(bytes));
});

test('a GB 18030 trail byte equal to | before MSH-18 does not hide the character set', () => {
  const text = gbAdt('GB 18030-2000').replace('县人民医院', '億康醫院'); // 億 = 0x83 0x7C in GBK/GB 18030
  const bytes = iconv.encode(text, 'gb18030');
  assert.ok(bytes.includes(0x7c + 0) && bytes.indexOf(0x83) >= 0);
  assert.equal(decodeHl7(bytes).charset, 'gb18030');
  assert.equal(parseMessage(decodeHl7(bytes).text).get('MSH-4'), '億康醫院');
});

test('GB2312 and UTF-8 are decoded; undeclared means UTF-8', () => {
  const gb = decodeHl7(iconv.encode(gbAdt('GB2312'), 'gb2312'));
  assert.equal(gb.charset, 'gbk');
  assert.match(gb.text, /欧阳\^娜娜/);
  const utf = decodeHl7(new TextEncoder().encode(gbAdt('UNICODE UTF-8')));
  assert.equal(utf.charset, 'utf-8');
  assert.match(utf.text, /欧阳\^娜娜/);
  const none = decodeHl7(new TextEncoder().encode('MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.5\rPID|1||x||张^三'));
  assert.equal(none.declared, '');
  assert.match(none.text, /张\^三/);
  assert.equal(decodeHl7(new Uint8Array()).text, '');
});

test('Chinese ADT maps identifiers by type code, demographics and visit', () => {
  const adt = mapAdt(parseMessage(gbAdt('UNICODE UTF-8')));
  assert.equal(adt.event, 'A04');
  assert.deepEqual(
    adt.patient.identifiers.map((i) => [i.type, i.value]),
    [
      ['his', 'H123'],
      ['national-id', '11010519491231002X'],
      ['inpatient', 'M777'],
    ],
  );
  assert.equal(adt.patient.sex, 'female');
  assert.equal(adt.patient.birthDate, '1949-12-31');
  assert.equal(adt.patient.phone, '13912345678');
  assert.equal(adt.patient.address?.text, '北京市 北京市 朝阳区 人民路8号');
  assert.equal(adt.visit?.patientClass, 'outpatient');
  assert.equal(adt.visit?.department, '心内科门诊');
  assert.equal(adt.visit?.attending?.name?.full, '王医生');
  assert.equal(adt.eventTime, '2026-11-21T08:30:00+08:00');
  assert.throws(() => mapAdt(parseMessage('MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5')), /no PID segment/);
  assert.throws(
    () => mapAdt(parseMessage('MSH|^~\\&|A|B|C|D|1||ORU^R01|1|P|2.5\rPID|1||x')),
    /expected an ADT message/,
  );
});

test('ADT^A40 merge pairs each PID with its MRG', () => {
  const text = [
    'MSH|^~\\&|HIS|H|LL|E|20261121||ADT^A40^ADT_A39|M1|P|2.5',
    'EVN|A40|20261121',
    'PID|1||KEEP1^^^HIS^PI||李^雷',
    'MRG|GONE1^^^HIS^PI~GONE1B^^^HIS^MR||ACC9||V9||李^雷雷',
    'PID|2||KEEP2^^^HIS^PI||韩^梅梅',
    'MRG|GONE2^^^HIS^PI',
  ].join('\r');
  const adt = mapAdt(parseMessage(text));
  assert.equal(adt.merges.length, 2);
  assert.equal(adt.merges[0].surviving.identifiers[0].value, 'KEEP1');
  assert.deepEqual(
    adt.merges[0].retiredIdentifiers.map((i) => [i.value, i.type]),
    [
      ['GONE1', 'his'],
      ['GONE1B', 'inpatient'],
    ],
  );
  assert.equal(adt.merges[0].retiredAccount, 'ACC9');
  assert.equal(adt.merges[0].retiredVisitNumber, 'V9');
  assert.equal(adt.merges[0].retiredName?.full, '李雷雷');
  assert.equal(adt.merges[1].retiredIdentifiers[0].value, 'GONE2');
  assert.throws(() => mapAdt(parseMessage(text.split('\r').slice(0, 3).join('\r'))), /no MRG segment/);
});

test('national ID check characters follow GB 11643 (MOD 11-2)', () => {
  assert.equal(chineseIdCheckCharacter('11010519491231002'), 'X');
  assert.ok(isValidChineseResidentId('11010519491231002X'));
  assert.ok(!isValidChineseResidentId('110105194912310021'));
  assert.ok(!isValidChineseResidentId('1101051949123100'));
  assert.throws(() => chineseIdCheckCharacter('abc'), /17 digits/);
});

test('HL7 times convert to ISO 8601 keeping precision', () => {
  assert.equal(parseHl7DateTime('2026'), '2026');
  assert.equal(parseHl7DateTime('20261121'), '2026-11-21');
  assert.equal(parseHl7DateTime('202611210830'), '2026-11-21T08:30:00+08:00');
  assert.equal(parseHl7DateTime('20261121083005.12-0500'), '2026-11-21T08:30:05.120-05:00');
  assert.equal(parseHl7DateTime(''), undefined);
  assert.throws(() => parseHl7DateTime('2026-11-21'), /not an HL7 DTM/);
  assert.throws(() => parseHl7DateTime('20261321'), /month 13/);
});

const REPORT: EcgReportInput = {
  messageControlId: 'ORU1',
  receivingApplication: 'HIS',
  patient: {
    identifiers: [{ value: 'H123', typeCode: 'PI', authority: 'HIS' }],
    name: { family: '欧阳', given: '娜娜' },
    sex: 'female',
    birthDate: '1949-12-31',
  },
  visit: { visitNumber: 'V1', patientClassCode: 'E', department: '急诊科' },
  order: { placerOrderNumber: 'P100', fillerOrderNumber: 'F200', accessionNumber: 'ACC300' },
  acquiredAt: new Date('2026-11-21T00:20:00Z'),
  signedAt: new Date('2026-11-21T00:35:00Z'),
  measurements: {
    heartRate: 72,
    prInterval: 160,
    qrsDuration: 92,
    qtInterval: 380,
    qtcInterval: 402.5,
    pAxis: 45,
    qrsAxis: -30,
    tAxis: 40,
  },
  statements: [
    { code: 'SR', text: '窦性心律' },
    { code: 'LAFB', text: '左前分支阻滞 | 电轴左偏' },
  ],
  conclusion: '窦性心律\n左前分支阻滞',
  signer: { id: 'D9', family: '张', given: '医生' },
  pdf: new TextEncoder().encode('%PDF-1.4 fake'),
};

test('ECG report builds an ORU^R01 that parses back with LOINC codes, units and the PDF', () => {
  const text = buildEcgOruR01(REPORT).toString();
  const m = parseMessage(text);
  assert.equal(m.getRaw('MSH-9'), 'ORU^R01^ORU_R01');
  assert.equal(m.get('MSH-18'), 'UNICODE UTF-8');
  assert.equal(m.get('OBR-25'), 'F');
  assert.equal(m.get('OBR-4'), '11524-6');
  const result = mapResults(m);
  const report = result.reports[0];
  assert.equal(report.placerOrderNumber, 'P100');
  assert.equal(report.fillerOrderNumber, 'F200');
  assert.equal(report.reportedTime, '2026-11-21T08:35:00+08:00');
  const numeric = report.observations.filter((o) => o.valueType === 'NM');
  assert.deepEqual(
    numeric.map((o) => [o.code.code, o.value, o.units?.code]),
    [
      ['8867-4', 72, '/min'],
      ['8625-6', 160, 'ms'],
      ['8633-0', 92, 'ms'],
      ['8634-8', 380, 'ms'],
      ['8636-3', 402.5, 'ms'],
      ['8626-4', 45, 'deg'],
      ['8632-2', -30, 'deg'],
      ['8638-9', 40, 'deg'],
    ],
  );
  assert.ok(numeric.every((o) => o.code.system === 'LN' && o.status === 'F'));
  const statements = report.observations.filter((o) => o.valueType === 'CWE');
  assert.deepEqual(
    statements.map((o) => o.value),
    [
      { code: 'SR', text: '窦性心律', system: 'L' },
      { code: 'LAFB', text: '左前分支阻滞 | 电轴左偏', system: 'L' },
    ],
  );
  const conclusion = report.observations.find((o) => o.valueType === 'TX');
  assert.equal(conclusion?.value, '窦性心律\n左前分支阻滞');
  const pdf = report.observations.find((o) => o.valueType === 'ED');
  assert.ok(pdf && typeof pdf.value === 'object' && 'data' in pdf.value);
  assert.equal(pdf.value.dataSubtype, 'PDF');
  assert.equal(new TextDecoder().decode(decodeEncapsulated(pdf.value)), '%PDF-1.4 fake');
  assert.equal(result.patient?.name?.full, '欧阳娜娜');
});

test('an amended report goes out as a correction (status C)', () => {
  const m = parseMessage(
    buildEcgOruR01({ ...REPORT, status: 'corrected', charset: 'GB 18030-2000' }).toString(),
  );
  assert.equal(m.get('OBR-25'), 'C');
  assert.ok(m.all('OBX').every((o) => o.get('11') === 'C'));
  const bytes = encodeHl7(m.toString());
  assert.equal(decodeHl7(bytes).charset, 'gb18030');
  assert.equal(mapResults(parseMessage(decodeHl7(bytes).text)).patient?.name?.full, '欧阳娜娜');
});

test('the ORU builder refuses incomplete reports naming the field', () => {
  assert.throws(
    () => buildEcgOruR01({ ...REPORT, patient: { ...REPORT.patient, identifiers: [] } }),
    /patient.identifiers/,
  );
  assert.throws(() => buildEcgOruR01({ ...REPORT, order: {} }), /order/);
  assert.throws(() => buildEcgOruR01({ ...REPORT, measurements: { heartRate: Number.NaN } }), /heartRate/);
  assert.throws(
    () => buildEcgOruR01({ ...REPORT, measurements: { rr: 800 } as EcgReportInput['measurements'] }),
    /unknown measurement/,
  );
});

test('mapInbound dispatches supported types and nakOptionsFor picks AR or AE with a table 0357 code', () => {
  const adt = parseMessage(gbAdt('UNICODE UTF-8'));
  assert.equal(mapInbound(adt).kind, 'adt');
  assert.equal(dedupKey(adt), 'HIS|县人民医院|GB001');
  const a03 = parseMessage('MSH|^~\\&|A|B|C|D|1||ADT^A03|1|P|2.5\rPID|1||x');
  const qry = parseMessage('MSH|^~\\&|A|B|C|D|1||QRY^Q01|1|P|2.5');
  assert.throws(
    () => mapInbound(a03),
    (e: unknown) => e instanceof Hl7UnsupportedMessageError && e.errorCondition === '201',
  );
  assert.throws(
    () => mapInbound(qry),
    (e: unknown) => e instanceof Hl7UnsupportedMessageError && e.errorCondition === '200',
  );
  const unsupported = nakOptionsFor(
    (() => {
      try {
        mapInbound(qry);
      } catch (e) {
        return e;
      }
    })(),
  );
  assert.equal(unsupported.code, 'AR');
  assert.equal(unsupported.errorCondition, '200');
  const missing = nakOptionsFor(
    (() => {
      try {
        mapInbound(parseMessage('MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\rPID|1'));
      } catch (e) {
        return e;
      }
    })(),
  );
  assert.deepEqual(
    [missing.code, missing.errorCondition, missing.errorLocation?.segment, missing.errorLocation?.field],
    ['AE', '101', 'PID', 3],
  );
  assert.equal(nakOptionsFor(new Error('disk full')).errorCondition, '207');
  assert.equal(nakOptionsFor(new Hl7ParseError('bad', { segment: 'OBX', field: 5 })).code, 'AR');
});

test('Base64 follows RFC 4648 and a multi-megabyte PDF goes out and back quickly', () => {
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ];
  for (const [plain, encoded] of vectors) assert.equal(toBase64(new TextEncoder().encode(plain)), encoded);
  const pdf = new Uint8Array(3_000_000).map((_, i) => (i * 131) & 255);
  const text = buildEcgOruR01({ ...REPORT, pdf }).toString();
  const ed = mapResults(parseMessage(text)).reports[0].observations.find((o) => o.valueType === 'ED');
  assert.ok(ed && typeof ed.value === 'object' && 'data' in ed.value);
  const back = decodeEncapsulated(ed.value);
  assert.equal(back.length, pdf.length);
  assert.ok(back.every((b, i) => b === pdf[i]));
});
