import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildAck,
  buildNakForText,
  escapeText,
  Hl7Message,
  Hl7ParseError,
  normaliseTerminators,
  parseBatch,
  parseMessage,
  parseMessages,
  readDelimiters,
  unescapeText,
} from '../src/index';

const ADT = [
  'MSH|^~\\&|HIS|县医院|LIFELINE|ECG|20261121083000+0800||ADT^A01^ADT_A01|MSG0001|P|2.5|||AL|NE||UNICODE UTF-8',
  'EVN|A01|20261121082955',
  'PID|1||H0001^^^HIS^PI~330102198001011234^^^CHN^NNCHN||张^三^^^^^L||19800101|M|||解放路1号^^杭州市^浙江省^310000^CHN||13800138000',
  'PV1|1|E|急诊科^3^12^县医院||||D001^李^四|||CAR||||||||||V2026001',
].join('\r');

test('components, repetitions and subcomponents are addressed by path', () => {
  const m = parseMessage(ADT);
  assert.equal(m.get('PID-3[2].1'), '330102198001011234');
  assert.equal(m.get('PID-3[2].5'), 'NNCHN');
  assert.equal(m.get('PID-5'), '张');
  assert.equal(m.get('PID-5.2'), '三');
  assert.equal(m.get('PV1-3.3'), '12');
  assert.equal(m.get('MSH-9.2'), 'A01');
  assert.equal(m.get('MSH-1'), '|');
  assert.equal(m.get('MSH-2'), '^~\\&');
  assert.equal(m.get('ZZZ-1'), '');
  assert.equal(m.getRaw('PID-3'), 'H0001^^^HIS^PI~330102198001011234^^^CHN^NNCHN');
  assert.deepEqual(m.type, { code: 'ADT', trigger: 'A01', structure: 'ADT_A01' });
  assert.equal(m.controlId, 'MSG0001');
  assert.equal(m.toString(), `${ADT}\r`);
});

test('set writes escaped values and round-trips through the parser', () => {
  const m = parseMessage(ADT);
  m.set('PID-5.1', 'A|B^C&D~E\\F');
  m.set('PID-3[3].1', 'X9');
  m.set('ZLL[1]-2.3', 'local');
  assert.equal(m.getRaw('PID-5.1'), 'A\\F\\B\\S\\C\\T\\D\\R\\E\\E\\F');
  const again = parseMessage(m.toString());
  assert.equal(again.get('PID-5.1'), 'A|B^C&D~E\\F');
  assert.equal(again.get('PID-3[3]'), 'X9');
  assert.equal(again.get('ZLL-2.3'), 'local');
  assert.throws(() => m.set('MSH-2', 'x'), /cannot be set/);
  assert.throws(() => m.get('PID-x'), /path 'PID-x'/);
  assert.throws(() => m.set('OBX[3]-1', '1'), /occurrence 3 does not exist/);
});

test('escape sequences decode, including hex, line breaks and formatting', () => {
  const d = readDelimiters('MSH|^~\\&|');
  assert.equal(unescapeText('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f', d), 'a|b^c&d~e\\f');
  assert.equal(unescapeText('line1\\.br\\line2', d), 'line1\nline2');
  assert.equal(unescapeText('\\H\\bold\\N\\', d), 'bold');
  assert.equal(unescapeText('x\\X0D0A\\y', d), 'x\r\ny');
  assert.equal(unescapeText('\\XE5BCA0\\', d), '张');
  assert.equal(unescapeText('unterminated \\F', d), 'unterminated \\F');
  assert.equal(unescapeText('unknown \\Q\\ kept', d), 'unknown \\Q\\ kept');
  assert.equal(escapeText('a\r\nb|c', d), 'a\\.br\\b\\F\\c');
});

test('custom encoding characters from MSH-1/2 are honoured', () => {
  const text = 'MSH#*!@$#A#B#C#D#20260101##ADT*A08#1#P#2.4\rPID#1##ID1***HIS*PI!ID2#';
  const m = parseMessage(text);
  assert.equal(m.delimiters.field, '#');
  assert.equal(m.get('PID-3[1].1'), 'ID1');
  assert.equal(m.get('PID-3[2].1'), 'ID2');
  assert.equal(m.get('PID-3[1].4'), 'HIS');
  assert.equal(m.type.trigger, 'A08');
  assert.equal(m.toString(), `${text}\r`);
  const escaped = parseMessage('MSH|^~\\}|A|B|C|D|1||ADT^A08\rNTE|1||x\\T\\y');
  assert.equal(escaped.get('NTE-3'), 'x}y');
});

test('terminators CR, LF and CRLF are all accepted; blank lines are ignored', () => {
  for (const sep of ['\r', '\n', '\r\n']) {
    const m = parseMessage(ADT.replaceAll('\r', sep) + sep + sep);
    assert.equal(m.segments.length, 4);
    assert.equal(m.toString(), `${ADT}\r`);
  }
  assert.equal(normaliseTerminators('A|1\r\n\r\nB|2\n'), 'A|1\rB|2\r');
});

test('malformed input is rejected with the reason', () => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['PID|1||x', /before any MSH/],
    ['hello world', /no MSH segment/],
    ['MSH|^~', /too short/],
    ['MSH|^^\\&|A', /used twice/],
    ['MSH|^~\\&|A|B|C|D|2026', /MSH-9/],
    ['MSH|^A\\&|A', /letter, digit or space/],
    [`${ADT}\rP D|1`, /not a segment/],
    [`${ADT}\r${ADT}`, /expected one message, found 2/],
    ['<ADT_A01><MSH/></ADT_A01>', /MSH-9/],
    ['<ADT_A01><PID><PID.1>1</PID.1></PID></ADT_A01>', /PID appears before MSH/],
    ['<ADT_A01><MSH><MSH.9>ADT', /XML: /],
  ];
  for (const [text, reason] of cases) {
    assert.throws(
      () => parseMessage(text),
      (e: unknown) => e instanceof Hl7ParseError && reason.test(e.message),
      `input ${JSON.stringify(text.slice(0, 30))} should fail with ${reason}`,
    );
  }
  assert.throws(() => parseBatch(42 as unknown as string), /must be a string/);
});

test('batches: envelopes kept, messages listed, nesting errors named', () => {
  const msh = (id: string) => `MSH|^~\\&|A|B|C|D|20260101||ADT^A04|${id}|P|2.5`;
  const text = ['FHS|^~\\&|A', 'BHS|^~\\&|A', msh('1'), 'PID|1||x', msh('2'), 'BTS|2', 'FTS|1'].join('\r');
  const batch = parseBatch(text);
  assert.equal(batch.header?.id, 'FHS');
  assert.equal(batch.groups.length, 1);
  assert.deepEqual(
    batch.messages.map((m) => m.controlId),
    ['1', '2'],
  );
  assert.equal(batch.toString(), `${text}\r`);
  assert.throws(() => parseMessage(text), /use parseBatch/);
  assert.equal(parseMessages(`${msh('1')}\n${msh('2')}\n`).length, 2);
  assert.throws(
    () => parseBatch(['BHS|^~\\&', msh('1'), 'BHS|^~\\&'].join('\r')),
    /previous batch has no BTS/,
  );
  assert.throws(() => parseBatch(['BHS|^~\\&', 'BTS|0'].join('\r')), /holds no message/);
  assert.throws(() => parseBatch([msh('1'), 'FTS|1', 'PID|1'].join('\r')), /after the file trailer/);
});

test('the XML encoding is read into the same model, escapes included', () => {
  const xml = `<?xml version="1.0"?><ADT_A01 xmlns="urn:hl7-org:v2xml"><MSH><MSH.1>|</MSH.1>
    <MSH.2>^~\\&amp;</MSH.2><MSH.9><MSG.1>ADT</MSG.1><MSG.2>A01</MSG.2></MSH.9><MSH.10>X1</MSH.10></MSH>
    <ADT_A01.GROUP><PID><PID.3><CX.1>A</CX.1><CX.4><HD.1>HIS</HD.1></CX.4></PID.3><PID.3><CX.1>B</CX.1></PID.3>
    <PID.5><XPN.1><FN.1>张</FN.1></XPN.1><XPN.2>三<escape V="S"/>四</XPN.2></PID.5></PID></ADT_A01.GROUP></ADT_A01>`;
  const m = parseMessage(xml);
  assert.equal(m.controlId, 'X1');
  assert.equal(m.get('PID-3[2].1'), 'B');
  assert.equal(m.get('PID-3.4'), 'HIS');
  assert.equal(m.get('PID-5.2'), '三^四');
  assert.equal(m.toString(), 'MSH|^~\\&|||||||ADT^A01|X1\rPID|||A^^^HIS~B||张^三\\S\\四\r');
});

test('comment lines are skipped only when asked', () => {
  const text = `/* dump */\r// first\r${ADT}`;
  assert.throws(() => parseBatch(text), /no MSH/);
  assert.equal(parseBatch(text, { skipComments: true }).messages.length, 1);
});

test('ACK swaps sender and receiver and echoes MSH-10 in MSA-2', () => {
  const incoming = parseMessage(ADT);
  const ack = buildAck(incoming, { controlId: 'ACK1', now: new Date('2026-11-21T00:30:00Z') });
  assert.equal(ack.get('MSH-3'), 'LIFELINE');
  assert.equal(ack.get('MSH-5'), 'HIS');
  assert.equal(ack.get('MSH-6'), '县医院');
  assert.equal(ack.get('MSH-7'), '20261121083000+0800');
  assert.equal(ack.getRaw('MSH-9'), 'ACK^A01^ACK');
  assert.equal(ack.get('MSH-18'), 'UNICODE UTF-8');
  assert.equal(ack.get('MSA-1'), 'AA');
  assert.equal(ack.get('MSA-2'), 'MSG0001');
  assert.equal(ack.segment('ERR'), undefined);
  const nak = buildAck(incoming, {
    code: 'AE',
    text: 'database down',
    errorLocation: { segment: 'PID', field: 3 },
  });
  assert.equal(nak.get('MSA-1'), 'AE');
  assert.equal(nak.get('ERR-3.1'), '207');
  assert.equal(nak.get('ERR-2.1'), 'PID');
  assert.equal(nak.get('ERR-8'), 'database down');
  assert.equal(parseMessage(nak.toString()).get('MSA-3'), 'database down');
});

test('NAK for unparsable text salvages MSH-10 when it can', () => {
  const nak = buildNakForText(`${ADT}\rP D|1`, new Hl7ParseError('bad segment', { line: 5 }));
  assert.equal(nak.get('MSA-1'), 'AR');
  assert.equal(nak.get('MSA-2'), 'MSG0001');
  assert.match(nak.get('ERR-8'), /bad segment/);
  const blind = buildNakForText('garbage', 'no MSH');
  assert.equal(blind.get('MSA-2'), '');
  assert.equal(blind.get('MSA-1'), 'AR');
});

test('a message can be built from scratch', () => {
  const m = Hl7Message.create();
  m.set('MSH-9', ['ORM', 'O01']);
  m.set('MSH-10', 'X1');
  m.set('PID-5', ['王', '五']);
  assert.equal(m.toString(), 'MSH|^~\\&|||||||ORM^O01|X1\rPID|||||王^五\r');
});
