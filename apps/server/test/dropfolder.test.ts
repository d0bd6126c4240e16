import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scanFolder } from '../src/modules/dropfolder';
import { createTestContext, type TestContext } from './helpers';

const DATA = new URL('../../../../shared/data/', import.meta.url).pathname;
const skip = existsSync(join(DATA, 'mitdb')) ? false : 'needs ../shared/data/mitdb';

function aged(path: string) {
  const past = new Date(Date.now() - 10_000);
  utimesSync(path, past, past);
}

describe('drop folder per device', { skip }, () => {
  let ctx: TestContext;
  let folder: string;
  let device: { id: string };
  before(async () => {
    ctx = await createTestContext();
    folder = mkdtempSync(join(tmpdir(), 'll-drop-'));
    const admin = await ctx.login('admin');
    const res = await ctx.request('POST', '/api/devices', admin, {
      name: 'Holter 工作站',
      dropFolder: folder,
      kind: 'holter',
    });
    assert.equal(res.statusCode, 200, res.body);
    device = res.json();
  });
  after(() => ctx?.close());

  async function scan() {
    const { rows } = await ctx.pool.query('SELECT * FROM devices WHERE id = $1', [device.id]);
    return scanFolder(ctx.app, rows[0]);
  }

  test('a WFDB record (.hea + .dat) is ingested and moved to done/, a corrupt file to quarantine/ with its reason', async () => {
    for (const f of ['100.hea', '100.dat']) {
      copyFileSync(join(DATA, 'mitdb', f), join(folder, f));
      aged(join(folder, f));
    }
    writeFileSync(join(folder, 'broken.xml'), '<RestingECG><Waveform>not base64');
    aged(join(folder, 'broken.xml'));
    writeFileSync(join(folder, 'still-writing.dcm'), 'DICM');
    const r = await scan();
    assert.deepEqual(r.stored.sort(), ['100.dat', '100.hea']);
    assert.deepEqual(r.quarantined, ['broken.xml']);
    const day = readdirSync(join(folder, 'done'))[0];
    assert.deepEqual(readdirSync(join(folder, 'done', day)).sort(), ['100.dat', '100.hea']);
    assert.ok(readFileSync(join(folder, 'quarantine', 'broken.xml.reason'), 'utf8').length > 10);
    assert.ok(existsSync(join(folder, 'still-writing.dcm')), 'a file still being written is left alone');
    const { rows } = await ctx.pool.query(
      `SELECT channel, device_name, format FROM ecg_exams WHERE device_id = $1`,
      [device.id],
    );
    assert.deepEqual(rows, [{ channel: 'folder', device_name: 'Holter 工作站', format: 'wfdb' }]);
  });

  test('the same record dropped again is stored once and still moved out', async () => {
    for (const f of ['100.hea', '100.dat']) {
      copyFileSync(join(DATA, 'mitdb', f), join(folder, f));
      aged(join(folder, f));
    }
    const r = await scan();
    assert.equal(r.stored.length, 2);
    const { rows } = await ctx.pool.query(`SELECT count(*)::int AS n FROM ecg_exams WHERE device_id = $1`, [
      device.id,
    ]);
    assert.equal(rows[0].n, 1);
    assert.ok(!existsSync(join(folder, '100.hea')));
  });

  test('a WFDB pair at the batch limit is never split across passes', async () => {
    // 49 small CSV records sort before "zz.dat"/"zz.hea", so a plain 50-file cut would take the .dat alone.
    // Files left by earlier tests (the unsettled "still-writing.dcm") would shift the cut: start from an empty folder.
    for (const name of readdirSync(folder)) {
      if (statSync(join(folder, name)).isFile()) unlinkSync(join(folder, name));
    }
    for (let i = 0; i < 49; i++) {
      const lines = ['# sampling rate: 250', 'I,II'];
      for (let n = 0; n < 2500; n++) {
        const v = Math.round(800 * Math.exp(-(((n % 200) - 20) ** 2) / 20) + i);
        lines.push(`${v},${v * 2}`);
      }
      const path = join(folder, `a${String(i).padStart(2, '0')}.csv`);
      writeFileSync(path, `${lines.join('\n')}\n`);
      aged(path);
    }
    for (const ext of ['hea', 'dat']) {
      copyFileSync(join(DATA, 'mitdb', `101.${ext}`), join(folder, `zz.${ext}`));
      aged(join(folder, `zz.${ext}`));
    }
    // mitdb headers name their signal file; keep the header consistent with the renamed copy.
    writeFileSync(
      join(folder, 'zz.hea'),
      readFileSync(join(folder, 'zz.hea'), 'utf8')
        .replace(/^101\b/, 'zz')
        .replace(/101\.dat/g, 'zz.dat'),
    );
    aged(join(folder, 'zz.hea'));
    const r = await scan();
    assert.ok(r.stored.includes('zz.hea') && r.stored.includes('zz.dat'), `stored: ${r.stored.length}`);
    assert.ok(!existsSync(join(folder, 'quarantine', 'zz.hea')));
  });
});
