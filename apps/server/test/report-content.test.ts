import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import {
  canonicalJson,
  compareEcgs,
  omissions,
  type ReportStatement,
  statementsFromInput,
} from '../src/modules/reports/content';
import { loadReportFont, ReportFontError } from '../src/modules/reports/pdf';
import { maskIdentifier } from '../src/modules/reports/pdf-data';
import { signHash, verifySignature } from '../src/modules/reports/signature';

const st = (code: string, source: 'engine' | 'physician' = 'engine'): ReportStatement => ({
  code,
  textZh: code,
  textEn: code,
  category: 'other',
  source,
});

test('omissions: watched engine findings missing from the report, satisfied by their family', () => {
  const engine = [st('SR'), st('AFIB'), st('STEMI_INFERIOR'), st('AVB3'), st('PVC')];
  const warnings = omissions(engine, [st('SR', 'physician'), st('PVC', 'physician')], ['STEMI_INFERIOR']);
  assert.deepEqual(
    warnings.map((w) => [w.code, w.critical]),
    [
      ['AFIB', false],
      ['STEMI_INFERIOR', true],
      ['AVB3', false],
    ],
  );
  // Acute MI covers an inferior STEMI; high-grade AV block covers complete block; non-watched codes never warn.
  assert.deepEqual(omissions(engine, [st('AFIB'), st('ACUTE_MI'), st('AVB_HIGH')], []), []);
  assert.deepEqual(omissions([st('PVC'), st('LVH')], [], []), []);
});

test('statements from the editor: library text wins, free text kept, unknown codes named by position', () => {
  const out = statementsFromInput([{ code: 'AFIB' }, { text: ' 建议复查 ' }]);
  assert.equal(out[0].textZh, '心房颤动');
  assert.equal(out[0].source, 'physician');
  assert.deepEqual([out[1].code, out[1].textZh], [null, '建议复查']);
  assert.throws(
    () => statementsFromInput([{ code: 'SR' }, { code: 'XYZ' }, {}]),
    (err: { issues: { expression: string[] }[] }) =>
      err.issues.map((i) => i.expression[0]).join() === 'statements.1.code,statements.2',
  );
});

test('serial comparison: new AF, new ST elevation and QTc change', () => {
  const cmp = compareEcgs(
    { measurements: { heartRate: 70, qtcBazett: 420 }, statements: [st('SR')] },
    { measurements: { heartRate: 110, qtcBazett: 490 }, statements: [st('AFIB'), st('ST_ELEVATION')] },
  );
  assert.equal(cmp.highlights.newAtrialFibrillation, true);
  assert.equal(cmp.highlights.newStElevation, true);
  assert.equal(cmp.highlights.qtcChangeMs, 70);
  assert.equal(cmp.highlights.qtcChangeSignificant, true);
  assert.deepEqual(
    cmp.resolvedStatements.map((s) => s.code),
    ['SR'],
  );
  const same = compareEcgs(
    { measurements: { qtcBazett: 420 }, statements: [st('AFIB')] },
    { measurements: { qtcBazett: 430 }, statements: [st('AFIB')] },
  );
  assert.equal(same.highlights.newAtrialFibrillation, false, 'known AF is not new');
  assert.equal(same.highlights.qtcChangeSignificant, false);
});

test('canonical JSON ignores key order; signatures bind hash, signer and time', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }),
    canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }),
  );
  const pair = generateKeyPairSync('ed25519');
  const key = {
    id: 'k',
    publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    privateKeyPkcs8: pair.privateKey.export({ type: 'pkcs8', format: 'der' }),
  };
  const at = '2026-11-21T08:00:00.000Z';
  const sig = signHash(key, 'ab'.repeat(32), 'user-1', at);
  assert.equal(verifySignature(key.publicKey, 'ab'.repeat(32), 'user-1', at, sig), true);
  assert.equal(verifySignature(key.publicKey, 'ab'.repeat(32), 'user-2', at, sig), false, 'other signer');
  assert.equal(
    verifySignature(key.publicKey, 'ab'.repeat(32), 'user-1', '2026-11-21T08:00:01.000Z', sig),
    false,
  );
  assert.equal(verifySignature(key.publicKey, 'cd'.repeat(32), 'user-1', at, sig), false, 'other content');
  assert.equal(verifySignature(key.publicKey, 'ab'.repeat(32), 'user-1', at, 'not base64!'), false);
});

test('PDF font: a missing font is a clear error naming the path and the fix', () => {
  assert.throws(
    () => loadReportFont('/nonexistent/NotoSansCJK-Regular.ttc', 'NotoSansCJKsc-Regular'),
    (err) =>
      err instanceof ReportFontError &&
      /\/nonexistent\/.*fonts-noto-cjk.*LIFELINE_PDF_FONT/.test(err.message),
  );
  assert.equal(maskIdentifier('H000123459'), 'H0******59');
  assert.equal(maskIdentifier('123'), '1***');
});
