import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../src/config';
import { uploadLimitBytes } from '../src/modules/ecg/routes';
import { SPILL_BYTES } from '../src/modules/ecg/upload-files';
import { dataFolder, file, multipart, upload } from './ecg-helpers';
import { createTestContext, type TestContext } from './helpers';

const mitdb = dataFolder('mitdb');
const ishne = dataFolder('ishne-holter');

test('ECG_UPLOAD_MAX_MB: default 512 MB, fractions allowed, bad values name the variable', () => {
  assert.equal(uploadLimitBytes({}), 512 * 1024 * 1024);
  assert.equal(uploadLimitBytes({ ECG_UPLOAD_MAX_MB: '2.5' }), 2.5 * 1024 * 1024);
  for (const bad of ['0', '-1', 'lots', '100000']) {
    assert.throws(
      () => uploadLimitBytes({ ECG_UPLOAD_MAX_MB: bad }),
      (e: Error) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /ECG_UPLOAD_MAX_MB/);
        return true;
      },
    );
  }
});

describe('large uploads are streamed, with a size limit', { skip: mitdb.skip || ishne.skip }, () => {
  let ctx: TestContext;
  let tech: string;
  const previous = process.env.ECG_UPLOAD_MAX_MB;
  const staging = () => join(ctx.dataDir, 'blobs', '.incoming');
  const stagingEmpty = () => !existsSync(staging()) || readdirSync(staging()).length === 0;
  const examCount = async () =>
    (await ctx.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM ecg_exams')).rows[0].n;

  before(async () => {
    // 2.5 MB: the MIT-BIH .dat (1.95 MB) and the ISHNE file (2.29 MB) fit, above SPILL_BYTES so they are staged.
    process.env.ECG_UPLOAD_MAX_MB = '2.5';
    ctx = await createTestContext();
    tech = await ctx.login('ecg.tech');
  });
  after(async () => {
    if (previous === undefined) delete process.env.ECG_UPLOAD_MAX_MB;
    else process.env.ECG_UPLOAD_MAX_MB = previous;
    await ctx.close();
  });

  test('a multipart file over the spill size is staged, stored byte for byte, and the staging file is gone', async () => {
    const hea = file(join(mitdb.dir, '100.hea'));
    const dat = file(join(mitdb.dir, '100.dat'));
    assert.ok(dat.bytes.length > SPILL_BYTES, 'the test file must be larger than the spill size');
    const res = await upload(ctx, tech, [hea, dat]);
    assert.equal(res.statusCode, 200, res.body);
    const r = res.json().results[0];
    assert.equal(r.ok, true, JSON.stringify(r));
    const original = await ctx.request('GET', `/api/ecgs/${r.examId}/original?file=100.dat`, tech);
    assert.equal(original.statusCode, 200);
    assert.ok(Buffer.compare(original.rawPayload, dat.bytes) === 0, 'the .dat is stored byte for byte');
    assert.ok(stagingEmpty(), 'no staging file left');
    // The same upload again: a duplicate, and its staging files are removed too.
    const again = (await upload(ctx, tech, [hea, dat])).json().results[0];
    assert.equal(again.duplicate, true);
    assert.equal(again.examId, r.examId);
    assert.ok(stagingEmpty(), 'no staging file left by the duplicate');
  });

  test('a raw body over the spill size (ISHNE Holter) is staged and stored', async () => {
    const ecg = file(join(ishne.dir, 'ECG_P28.01.ecg'));
    assert.ok(ecg.bytes.length > SPILL_BYTES);
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/ecgs?filename=ECG_P28.01.ecg',
      headers: { cookie: tech, 'content-type': 'application/octet-stream' },
      payload: ecg.bytes,
    });
    assert.equal(res.statusCode, 200, res.body);
    const r = res.json().results[0];
    assert.equal(r.format, 'ishne');
    const original = await ctx.request('GET', `/api/ecgs/${r.examId}/original`, tech);
    assert.ok(Buffer.compare(original.rawPayload, ecg.bytes) === 0);
    assert.ok(stagingEmpty());
  });

  test('a file over the limit: 413 naming the limit and the variable; nothing stored, nothing staged', async () => {
    const before = await examCount();
    const big = new Uint8Array(3 * 1024 * 1024).fill(7);
    const raw = await ctx.app.inject({
      method: 'POST',
      url: '/api/ecgs?filename=huge.dat',
      headers: { cookie: tech, 'content-type': 'application/octet-stream' },
      payload: big,
    });
    assert.equal(raw.statusCode, 413, raw.body);
    const issue = raw.json().issue[0];
    assert.match(
      issue.diagnostics,
      /huge\.dat: larger than the upload limit of 2\.5 MB per file \(ECG_UPLOAD_MAX_MB\)/,
    );

    // Multipart: the limit stops the stream of the part (no length is declared per part).
    const hea = file(join(mitdb.dir, '100.hea'));
    const { payload, contentType } = multipart([hea, { name: '100.dat', bytes: big }]);
    const mp = await ctx.app.inject({
      method: 'POST',
      url: '/api/ecgs',
      headers: { cookie: tech, 'content-type': contentType },
      payload,
    });
    assert.equal(mp.statusCode, 413, mp.body);
    assert.match(mp.json().issue[0].diagnostics, /100\.dat: larger than the upload limit of 2\.5 MB/);
    assert.equal(await examCount(), before, 'no exam stored');
    assert.ok(stagingEmpty(), 'no staging file left');
  });

  test('a raw body without a declared length is stopped by the limit while streaming', async () => {
    const { Readable } = await import('node:stream');
    const chunk = Buffer.alloc(256 * 1024, 1);
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 16; i++) yield chunk;
      })(),
    );
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/ecgs?filename=stream.dat',
      headers: { cookie: tech, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
      payload: body,
    });
    assert.equal(res.statusCode, 413, res.body);
    assert.match(res.json().issue[0].diagnostics, /stream\.dat: larger than the upload limit/);
    assert.ok(stagingEmpty());
  });
});

test('a long waveform is written lead by lead through a staging file: same bytes and key as in one piece', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { createHash } = await import('node:crypto');
  const { FileBlobStore } = await import('../src/blob');
  const { encodeWaveform, putWaveform, WAVEFORM_STREAM_BYTES } = await import('../src/modules/ecg/waveform');
  const root = mkdtempSync(join(tmpdir(), 'lifeline-waveform-'));
  try {
    const store = new FileBlobStore(root);
    const n = 200_000;
    const record = {
      sampleRate: 500,
      leads: Array.from({ length: 12 }, (_, l) => ({
        name: `L${l}`,
        samples: Float32Array.from({ length: n }, (_, i) => Math.sin(i / (l + 3)) * 1000 + l),
      })),
    };
    assert.ok(12 * n * 4 > WAVEFORM_STREAM_BYTES, 'the record must be over the streaming size');
    const whole = encodeWaveform(record);
    const key = await putWaveform(store, record);
    assert.equal(key, createHash('sha256').update(whole).digest('hex'));
    assert.ok(Buffer.compare(await store.get(key), Buffer.from(whole)) === 0);
    assert.deepEqual(readdirSync(join(root, '.incoming')), [], 'no staging file left');
    // A short one goes in one piece.
    const short = { sampleRate: 500, leads: [{ name: 'I', samples: Float32Array.of(1, 2, 3) }] };
    assert.equal(
      await putWaveform(store, short),
      createHash('sha256').update(encodeWaveform(short)).digest('hex'),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
