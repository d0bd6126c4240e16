import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readAnnotationFile } from '../src/node/index';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(repoRoot, 'packages/ecg/bin/lifeline-ecg.mjs');
const data = path.resolve(repoRoot, '../shared/data');
const cinc = path.join(data, 'cinc2021-12lead');
const mitdb = path.join(data, 'mitdb');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('analyze prints beats, measurements, statements and critical values; age/sex from the header', {
  skip: !existsSync(cinc) && 'needs ../shared/data/cinc2021-12lead',
}, () => {
  const r = cli('analyze', path.join(cinc, 'E07500.hea'));
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.record, 'E07500');
  assert.deepEqual(out.patient, { age: 78, sex: 'M' });
  assert.ok(Array.isArray(out.beats.samples) && out.beats.samples.length >= 8);
  assert.equal(out.beats.classes.length, out.beats.samples.length);
  assert.ok(out.measurements.heartRate > 50 && out.measurements.heartRate < 60);
  assert.ok(out.statements.some((s: { code: string }) => s.code === 'SBRAD'));
  assert.ok(Array.isArray(out.critical));
  // A command-line sex overrides the header.
  assert.deepEqual(JSON.parse(cli('analyze', path.join(cinc, 'E07500.hea'), '--sex', 'f').stdout).patient, {
    age: 78,
    sex: 'F',
  });
});

test('beats writes a WFDB annotation file that the reader reads back', {
  skip: !existsSync(mitdb) && 'needs ../shared/data/mitdb',
}, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeline-cli-'));
  try {
    const file = path.join(dir, '100.qrs');
    const r = cli('beats', path.join(mitdb, '100.hea'), '--out', file);
    assert.equal(r.code, 0, r.stderr);
    const written = await readAnnotationFile(file);
    assert.equal(JSON.parse(r.stdout).beats, written.length);
    const reference = (await readAnnotationFile(path.join(mitdb, '100.atr'))).filter((a) =>
      /^[NLRBAaJSVrFejnE/fQ?]$/.test(a.symbol),
    );
    assert.ok(
      Math.abs(written.length - reference.length) / reference.length < 0.01,
      `${written.length} vs ${reference.length}`,
    );
    assert.ok(written.every((a) => ['N', 'A', 'V', 'F', 'Q', '/'].includes(a.symbol)));
    assert.ok(written.filter((a) => a.symbol === 'N').length > 0.9 * written.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('holter prints a JSON summary', {
  skip: !existsSync(cinc) && 'needs ../shared/data/cinc2021-12lead',
}, () => {
  const r = cli('holter', path.join(cinc, 'E07500.hea'));
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.record, 'E07500');
  assert.ok(out.counts.total >= 8);
});

test('bad input: clear message and exit code 2', () => {
  const missing = cli('analyze', path.join(tmpdir(), 'no-such-record.hea'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no-such-record\.hea.*cannot be read/);
  const unknown = cli('frobnicate', 'x.hea');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  assert.equal(cli().code, 2);
  const noOut = cli('beats', 'x.hea');
  assert.equal(noOut.code, 2);
  assert.match(noOut.stderr, /--out <file> is required/);
  const badSex = cli('analyze', 'x.hea', '--sex', 'X');
  assert.equal(badSex.code, 2);
  assert.match(badSex.stderr, /--sex 'X' must be M or F/);
  assert.match(cli('analyze', 'x.hea', '--age').stderr, /--age needs a value/);
  assert.match(cli('analyze', 'x.hea', '--colour', 'red').stderr, /unknown option --colour/);
});
