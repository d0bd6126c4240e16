// Mutated and random input must end in a clear error (Hl7ParseError / Hl7MappingError), never another
// exception or a hang.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeHl7,
  Hl7MappingError,
  Hl7ParseError,
  mapAdt,
  mapOrders,
  mapResults,
  parseBatch,
  parseMessage,
} from '../src/index';
import { MllpDecoder } from '../src/mllp/index';

const SAMPLES = [
  'MSH|^~\\&|HIS|H|LL|E|20261121083000||ADT^A01^ADT_A01|M1|P|2.5\rEVN|A01|20261121\rPID|1||H1^^^HIS^PI~110105194912310029^^^CHN^NNCHN||张^三||19491231|F|||路^^市^省||13800000000\rPV1|1|I|心内科^1^2||||D1^王^五|||CAR||||||||||V1|||||||||||||||||||||||||20261120',
  'MSH|^~\\&|HIS|H|LL|E|20261121||ORM^O01|M2|P|2.4\rPID|1||H1\rORC|NW|P1^HIS||||||^^^20261121^^S\rOBR|1|P1^HIS||ECG12^心电图^L|S|20261121||||||||||D1^王|||ACC1',
  'MSH|^~\\&|LIS|H|LL|E|20261121||ORU^R01|M3|P|2.5\rPID|1||H1\rOBR|1|P1|F1|TNI^肌钙蛋白I^L|||20261121\rOBX|1|NM|TNI^cTnI^L||0.52|ng/mL|0-0.04|H|||F|||20261121\rNTE|1||危急值',
];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const ALPHABET = '|^~\\&\r\nMSHPIDOBXRC0123456789 张\u0000\u000b\u001c';

function mutate(text: string, r: () => number): string {
  const chars = [...text];
  const edits = 1 + Math.floor(r() * 6);
  for (let e = 0; e < edits; e++) {
    const i = Math.floor(r() * chars.length);
    const kind = r();
    if (kind < 0.4) chars[i] = ALPHABET[Math.floor(r() * ALPHABET.length)];
    else if (kind < 0.7) chars.splice(i, 1);
    else chars.splice(i, 0, ALPHABET[Math.floor(r() * ALPHABET.length)]);
  }
  return chars.join('');
}

test('mutated messages parse or fail with Hl7ParseError; mappers fail only with our errors', () => {
  const r = rng(2026);
  let parsed = 0;
  let rejected = 0;
  for (let i = 0; i < 3000; i++) {
    const text = mutate(SAMPLES[i % SAMPLES.length], r);
    try {
      const m = parseMessage(text);
      parsed++;
      assert.equal(parseMessage(m.toString()).toString(), m.toString());
      for (const map of [mapAdt, mapOrders, mapResults]) {
        try {
          map(m);
        } catch (e) {
          assert.ok(e instanceof Hl7MappingError || e instanceof Hl7ParseError, `${(e as Error).stack}`);
        }
      }
    } catch (e) {
      assert.ok(e instanceof Hl7ParseError, `unexpected ${(e as Error).stack} for ${JSON.stringify(text)}`);
      assert.ok((e as Error).message.length > 5);
      rejected++;
    }
  }
  assert.ok(parsed > 100 && rejected > 100, `parsed ${parsed}, rejected ${rejected}`);
});

test('random bytes never throw anything but Hl7ParseError, and the MLLP decoder never throws', () => {
  const r = rng(7);
  for (let i = 0; i < 500; i++) {
    const bytes = new Uint8Array(Math.floor(r() * 300));
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(r() * 256);
    if (r() < 0.5 && bytes.length > 10) bytes.set(new TextEncoder().encode('MSH|^~\\&|'), 0);
    const decoder = new MllpDecoder(64);
    decoder.push(bytes);
    try {
      parseBatch(decodeHl7(bytes).text);
    } catch (e) {
      assert.ok(e instanceof Hl7ParseError, `unexpected ${(e as Error).stack}`);
    }
  }
});
