import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { createTestContext, type TestContext } from './helpers';
import { loadSearchFixture, type SearchFixture } from './search-fixture';

let ctx: TestContext;
let fx: SearchFixture;
let tech: string;

before(async () => {
  ctx = await createTestContext();
  fx = await loadSearchFixture(ctx);
  tech = await ctx.login('ecg.tech');
});
after(async () => ctx.close());

const ids = (body: { items: { examId: string }[] }) => body.items.map((i) => i.examId).sort();
async function find(query: string, cookie = tech) {
  const res = await ctx.request('GET', `/api/search/exams?${query}`, cookie);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

test('pinyin initials + statement text + date range find the expected exams', async () => {
  const body = await find(
    `patient=zxf&statement=${encodeURIComponent('窦性心动过速')}&from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z`,
  );
  assert.deepEqual(ids(body), [fx.exams.e1, fx.exams.e4].sort());
  assert.equal(body.total, 2);
  const hit = body.items.find((i: { examId: string }) => i.examId === fx.exams.e1);
  assert.equal(hit.patientName, '张晓峰');
  assert.equal(hit.departmentName, '心血管内科');
  assert.equal(hit.readerName, '李明（心电图医师）');
  assert.deepEqual(hit.statementCodes, ['STACH']);
  assert.equal(hit.statementsZh, '窦性心动过速');
});

test('statements by code, by text (心肌缺血) and fuzzily; several terms all required', async () => {
  assert.deepEqual(ids(await find('statement=AFIB')), [fx.exams.e6]);
  assert.deepEqual(ids(await find(`statement=${encodeURIComponent('心肌缺血')}`)), [fx.exams.e2]);
  assert.deepEqual(ids(await find('statement=ischaemia')), [fx.exams.e2]);
  assert.deepEqual(ids(await find(`statement=${encodeURIComponent('窦性心律,心肌缺血')}`)), [fx.exams.e2]);
  assert.deepEqual(ids(await find('statement=atrial%20fibrilation&match=fuzzy')), [fx.exams.e6]);
  assert.deepEqual(ids(await find('statement=ischemia&match=fuzzy')), [fx.exams.e2]);
  assert.deepEqual(
    ids(await find('statement=sinus%20tachicardia&match=fuzzy')),
    [fx.exams.e1, fx.exams.e4, fx.exams.e5].sort(),
  );
});

test('measurement ranges, critical flag, device, department, reader, status, priority', async () => {
  assert.deepEqual(ids(await find('qtcMin=500')), [fx.exams.e3]);
  assert.deepEqual(ids(await find('hrMax=40')), [fx.exams.e3]);
  assert.deepEqual(ids(await find('critical=true')), [fx.exams.e3, fx.exams.e6].sort());
  assert.deepEqual(
    ids(await find(`device=${encodeURIComponent('GE MAC 2000')}`)),
    [fx.exams.e1, fx.exams.e4].sort(),
  );
  assert.deepEqual(ids(await find('device=mac&match=fuzzy')), [fx.exams.e1, fx.exams.e4].sort());
  assert.deepEqual(ids(await find(`departmentId=${fx.depts.ed}`)), [fx.exams.e2, fx.exams.e3].sort());
  assert.deepEqual(ids(await find(`readerId=${fx.users['ecg.senior']}`)), [fx.exams.e2]);
  assert.deepEqual(ids(await find('status=signed&priority=stat')), [fx.exams.e2]);
  assert.deepEqual(ids(await find(`patientId=${fx.patients.zhao}`)), [fx.exams.e4, fx.exams.e6].sort());
});

test('organisation scoping: the hub sees its member hospital, the member hospital only itself', async () => {
  assert.deepEqual(ids(await find(`statement=STACH&organizationId=${fx.town}`)), [fx.exams.e5]);
  assert.equal((await find('statement=STACH')).total, 3);
  const town = await ctx.login('town.tech');
  assert.deepEqual(ids(await find('statement=STACH', town)), [fx.exams.e5]);
  assert.deepEqual(ids(await find(`organizationId=${fx.hub}`, town)), []);
});

test('paging and sorting', async () => {
  const byQtc = await find('sort=qtc&dir=desc&limit=2');
  assert.equal(byQtc.total, 6);
  assert.deepEqual(
    byQtc.items.map((i: { qtc: number }) => i.qtc),
    [520, 480],
  );
  const page2 = await find('sort=examAt&dir=asc&limit=2&offset=2');
  assert.deepEqual(
    page2.items.map((i: { examId: string }) => i.examId),
    [fx.exams.e4, fx.exams.e6],
  );
});

test('a patient name that matches nobody finds nothing; reads are audited without the name', async () => {
  assert.equal((await find(`patient=${encodeURIComponent('不存在')}`)).total, 0);
  const { rows } = await ctx.pool.query(
    `SELECT detail FROM audit_log WHERE action = 'ecg.search' ORDER BY seq DESC LIMIT 1`,
  );
  assert.equal(rows[0].detail.filters.patient, '(term)');
  assert.ok(!JSON.stringify(rows[0].detail).includes('不存在'));
});

test('the patient term matches like the patient search: initials and pinyin prefixes, characters, identifiers, live records of the scope only', async () => {
  const { patientIdsForSearch } = await import('../src/modules/patients');
  const make = async (name: string, his: string) => {
    const res = await ctx.request('POST', '/api/patients', tech, {
      name,
      sex: 'F',
      birthDate: '1980-02-03',
      identifiers: [{ type: 'his', value: his }],
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().id as string;
  };
  const live = await make('钱多多', 'QDD-001');
  const gone = await make('钱多多', 'QDD-002');
  await ctx.pool.query('UPDATE patients SET merged_into_id = $1 WHERE id = $2', [live, gone]);
  const lookup = (q: string, orgs = [fx.hub]) => patientIdsForSearch(ctx.app, orgs, q).then((x) => x.sort());
  assert.deepEqual(await lookup('qdd'), [live]);
  assert.deepEqual(await lookup('QD'), [live]);
  assert.deepEqual(await lookup('qianduo'), [live]);
  assert.deepEqual(await lookup('钱多'), [live]);
  assert.deepEqual(await lookup('QDD-001'), [live]);
  assert.deepEqual(await lookup('QDD-002'), [], 'a merged-away record is not found by its identifier');
  assert.deepEqual(await lookup('qdd', [fx.town]), [], 'another organisation does not see the record');
  assert.deepEqual(await lookup('zxf', [fx.hub, fx.town]), [fx.patients.zhang, fx.patients.zhao].sort());
  assert.deepEqual(await lookup('ls', [fx.hub, fx.town]), [fx.patients.li]);
  assert.deepEqual(await lookup('q%'), [], 'LIKE wildcards are not patterns');
  assert.deepEqual(await lookup('  '), []);
  assert.equal((await patientIdsForSearch(ctx.app, [fx.hub], 'x', 1)).length <= 1, true);
});

test('patient ECG history with serial comparison', async () => {
  const res = await ctx.request('GET', `/api/search/patients/${fx.patients.zhang}/history`, tech);
  assert.equal(res.statusCode, 200, res.body);
  const items = res.json().items;
  assert.deepEqual(
    items.map((i: { examId: string }) => i.examId),
    [fx.exams.e3, fx.exams.e2, fx.exams.e1],
  );
  assert.equal(items[0].previousExamId, fx.exams.e2);
  assert.equal(items[0].changes.qtc, 50);
  assert.equal(items[0].changes.heartRate, -34);
  assert.deepEqual(items[0].newStatements.sort(), ['LONG_QT', 'SBRAD']);
  assert.deepEqual(items[0].resolvedStatements.sort(), ['ISCHEMIA', 'SR']);
  assert.equal(items[2].previousExamId, null);
});

test('saved searches are per user', async () => {
  const save = await ctx.request('POST', '/api/search/saved', tech, {
    name: '长QT',
    query: { qtcMin: 500, statement: 'LONG_QT' },
  });
  assert.equal(save.statusCode, 200, save.body);
  const list = await ctx.request('GET', '/api/search/saved', tech);
  assert.deepEqual(
    list.json().map((s: { name: string }) => s.name),
    ['长QT'],
  );
  const other = await ctx.request('GET', '/api/search/saved', await ctx.login('ecg.doctor'));
  assert.deepEqual(other.json(), []);
  const del = await ctx.request('DELETE', `/api/search/saved/${save.json().id}`, tech);
  assert.equal(del.statusCode, 204);
});

test('export to CSV and XLSX holds the rows of the search', async () => {
  const q = `patient=zxf&statement=STACH&sort=examAt&dir=asc`;
  const csv = await ctx.request('GET', `/api/search/exams/export?${q}&format=csv`, tech);
  assert.equal(csv.statusCode, 200, csv.body);
  const lines = csv.body
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  assert.equal(lines.length, 3);
  assert.ok(lines[1].startsWith('2026-03-10 09:00:00,张晓峰,M,64'));
  assert.ok(lines[2].includes('赵晓凤'));
  const xlsx = await ctx.request('GET', `/api/search/exams/export?${q}&format=xlsx&lang=en`, tech);
  assert.equal(xlsx.statusCode, 200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx.rawPayload as never);
  const ws = wb.worksheets[0];
  assert.equal(ws.rowCount, 3);
  assert.equal(ws.getRow(1).getCell(1).value, 'Exam time');
  assert.equal(ws.getRow(2).getCell(2).value, '张晓峰');
  assert.equal(ws.getRow(2).getCell(18).value, 'Sinus tachycardia');
  const audit = await ctx.pool.query(
    `SELECT count(*)::int AS n FROM audit_log WHERE action = 'ecg.search.export'`,
  );
  assert.equal(audit.rows[0].n, 2);
});

test('statistics: volume, diagnoses, turnaround, workload, critical, with drill-down filters', async () => {
  const chief = await ctx.login('ecg.chief');
  const range = 'from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z';
  const get = async (path: string) => {
    const res = await ctx.request('GET', `/api/stats/${path}`, chief);
    assert.equal(res.statusCode, 200, `${path}: ${res.body}`);
    return res.json();
  };
  const vol = await get(`volume?${range}&unit=month&by=department`);
  const march = vol.rows.filter((r: { bucket: string }) => r.bucket === '2026-03');
  const card = march.find((r: { key: string }) => r.key === fx.depts.card);
  assert.equal(card.exams, 2);
  assert.equal(card.label, '心血管内科');
  assert.equal(card.from, '2026-02-28T16:00:00.000Z'); // March 1st in Asia/Shanghai
  // The drill-down filter of a bar finds exactly the exams counted in it.
  const drill = new URLSearchParams(card.drill).toString();
  assert.deepEqual(ids(await find(drill)), [fx.exams.e1, fx.exams.e4].sort());

  const dx = await get(`diagnoses?${range}&unit=quarter`);
  assert.equal(dx.distribution[0].code, 'STACH');
  assert.equal(dx.distribution[0].exams, 3);
  assert.ok(
    dx.trend.some((t: { bucket: string; code: string }) => t.bucket === '2026-Q1' && t.code === 'STACH'),
  );

  const tat = await get(`turnaround?${range}&by=priority`);
  const routine = tat.rows.find((r: { key: string }) => r.key === 'routine');
  assert.equal(routine.exams, 2);
  assert.equal(routine.medianMin, 10);
  assert.equal(routine.maxMin, 12);
  const byReader = await get(`turnaround?${range}&by=reader`);
  assert.equal(byReader.rows.find((r: { key: string }) => r.key === fx.users['ecg.senior']).medianMin, 2.5);

  const work = await get(`workload?${range}`);
  const physician = work.rows.find(
    (r: { role: string; key: string }) => r.role === 'physician' && r.key === fx.users['ecg.doctor'],
  );
  assert.equal(physician.exams, 2);
  const techRow = work.rows.find(
    (r: { role: string; key: string }) => r.role === 'technician' && r.key === fx.users['ecg.tech'],
  );
  assert.equal(techRow.exams, 5);

  const crit = await get(`critical?${range}&unit=year`);
  assert.equal(crit.rows[0].total, 2);
  assert.equal(crit.rows[0].inTime, 1);
  assert.equal(crit.rows[0].medianAckMin, 9.5);

  const dash = await get('dashboard');
  assert.equal(typeof dash.last30d.exams, 'number');

  const denied = await ctx.request('GET', '/api/stats/volume', tech);
  assert.equal(denied.statusCode, 403);
});

test('statistics export to XLSX and PDF', async () => {
  const chief = await ctx.login('ecg.chief');
  const range = 'from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z';
  const xlsx = await ctx.request(
    'GET',
    `/api/stats/export?kind=volume&format=xlsx&${range}&by=device`,
    chief,
  );
  assert.equal(xlsx.statusCode, 200, xlsx.body);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx.rawPayload as never);
  assert.equal(wb.worksheets[0].getRow(1).getCell(1).value, '检查量统计');
  const pdf = await ctx.request('GET', `/api/stats/export?kind=critical&format=pdf&${range}`, chief);
  assert.equal(pdf.statusCode, 200, pdf.body);
  assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
});

test('research export: de-identified CSV and WFDB records, permission research.export, audited', async () => {
  const body = {
    examIds: [fx.exams.e1, fx.exams.e2, fx.exams.e4],
    waveforms: true,
    purpose: 'IRB-2026-07 QTc study',
  };
  const denied = await ctx.request('POST', '/api/research/export', tech, body);
  assert.equal(denied.statusCode, 403);
  const chief = await ctx.login('ecg.chief');
  const res = await ctx.request('POST', '/api/research/export', chief, body);
  assert.equal(res.statusCode, 200, res.body);
  const zip = await JSZip.loadAsync(res.rawPayload);
  const csv = await zip.file('exams.csv')?.async('string');
  assert.ok(csv);
  assert.ok(!csv.includes('张晓峰') && !csv.includes('赵晓凤') && !csv.includes(fx.patients.zhang));
  const rows = csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  assert.equal(rows.length, 4);
  // Same subject for the two exams of 张晓峰, days since the first kept, exact dates not.
  assert.match(rows[1], /^R00001,S0001,M,64,2026,0,112,/);
  assert.match(rows[3], /^R00003,S0001,M,65,2026,71,72,/);
  const hea = await zip.file('R00001.hea')?.async('string');
  assert.ok(hea?.startsWith('R00001 12 500 5000\nR00001.dat 16 1000/mV'));
  const dat = await zip.file('R00001.dat')?.async('uint8array');
  assert.equal(dat?.byteLength, 12 * 5000 * 2);
  const audit = await ctx.pool.query(`SELECT detail FROM audit_log WHERE action = 'research.export'`);
  assert.equal(audit.rows[0].detail.exams.length, 3);
});
