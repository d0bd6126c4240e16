/**
 * ECG search and statistics at county scale: 1,000,000 generated exams over three years in a hub hospital and two
 * member hospitals (with orders, signed reports and critical values, realistic mixes of rhythms, findings,
 * departments, priorities and turnaround), then combined searches and every statistic through the real HTTP routes
 * (app.inject: auth, validation, SQL, audit entry).
 * Usage: npm run bench -- ecg-exams   (EXAMS=200000 for a quicker run)
 * BENCH_REUSE_DIR=<folder> keeps the embedded database there: the data set is generated on the first run and reused
 * by later ones (with the migrations added since applied to it); ONLY=search or ONLY=stats measures one part,
 * ONLY=generate only fills the database.
 */
import { cpus, loadavg } from 'node:os';
import { build } from '../apps/server/src/app';
import { FileBlobStore } from '../apps/server/src/blob';
import { loadConfig } from '../apps/server/src/config';
import { migrate } from '../apps/server/src/db/migrate';
import { createPool, type Pool } from '../apps/server/src/db/pool';
import { createFieldCrypto } from '../apps/server/src/lib/crypto';
import { type ExamSpec, generatedWaveform, insertExams } from '../apps/server/src/seed/bulk-exams';
import { insertGeneratedPatients } from '../apps/server/src/seed/bulk-patients';
import { ensureDemoData } from '../apps/server/src/seed/demo';
import { seededRandom } from '../apps/server/src/seed/people';
import { percentile, withBenchDatabase } from './bench-db';

const PASSWORD = 'Bench-Pass-2026!';
const DAY_MS = 86_400_000;
const START = Date.parse('2024-01-01T00:00:00+08:00');
const END = Date.parse('2026-11-20T00:00:00+08:00');

/** Rhythm first (one per exam), then findings; weights roughly as in a county hospital's ECG room. */
const RHYTHMS: [string, number, [number, number]][] = [
  ['SR', 0.66, [60, 99]],
  ['STACH', 0.1, [100, 150]],
  ['SBRAD', 0.1, [42, 59]],
  ['AFIB', 0.07, [60, 150]],
  ['SARRH', 0.04, [55, 95]],
  ['AFLT', 0.01, [70, 150]],
  ['PACED', 0.015, [60, 80]],
  ['JUNCTIONAL', 0.005, [40, 60]],
];
const FINDINGS: [string, number][] = [
  ['PVC', 0.05],
  ['PAC', 0.04],
  ['AVB1', 0.03],
  ['RBBB', 0.03],
  ['IRBBB', 0.03],
  ['LBBB', 0.008],
  ['LVH', 0.03],
  ['T_ABNORMAL', 0.07],
  ['ST_T_CHANGE', 0.05],
  ['ISCHEMIA', 0.04],
  ['LONG_QT', 0.02],
  ['STEMI_INFERIOR', 0.002],
  ['STEMI_ANTERIOR', 0.002],
];
const DEVICES = [
  'GE MAC 2000',
  'GE MAC 5500',
  'Edan SE-1200',
  'Edan SE-1201',
  'Mindray BeneHeart R12',
  'Nihon Kohden ECG-2350',
  'Philips PageWriter TC30',
  'Biocare iE 12A',
];

function pick<T>(rand: () => number, items: [T, number, ...unknown[]][]): [T, number, ...unknown[]] {
  let x = rand() * items.reduce((a, i) => a + i[1], 0);
  for (const i of items) {
    x -= i[1];
    if (x <= 0) return i;
  }
  return items[items.length - 1];
}
const gauss = (rand: () => number) =>
  Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand());
const logNormal = (rand: () => number, median: number, sigma: number) =>
  median * Math.exp(sigma * gauss(rand));

interface World {
  orgs: {
    id: string;
    share: number;
    patients: string[];
    depts: string[];
    devices: string[];
    techs: string[];
  }[];
  readers: string[];
}

/** When: more exams each year, fewer at night and on Sundays. */
function examTime(rand: () => number): Date {
  for (;;) {
    const t = START + rand() * (END - START);
    const growth = 0.7 + 0.6 * ((t - START) / (END - START));
    const local = new Date(t + 8 * 3600_000);
    const h = local.getUTCHours();
    const day = local.getUTCDay();
    const w = (h >= 8 && h < 18 ? 1 : h >= 6 && h < 22 ? 0.45 : 0.15) * (day === 0 ? 0.6 : 1) * growth;
    if (rand() < w / 1.3) return new Date(Math.floor(t / 1000) * 1000);
  }
}

export function makeSpec(rand: () => number, world: World): ExamSpec {
  const org = pick(
    rand,
    world.orgs.map((o) => [o, o.share]),
  )[0];
  // A skewed choice of patient: some come back again and again.
  const patientId = org.patients[Math.floor(org.patients.length * rand() ** 1.6)];
  const [rhythm, , [lo, hi]] = pick(rand, RHYTHMS) as [string, number, [number, number]];
  let hr = Math.round(lo + (hi - lo) * rand());
  const statements = [rhythm];
  for (const [code, p] of FINDINGS) if (rand() < p) statements.push(code);
  let qtc = Math.round(425 + 22 * gauss(rand));
  if (statements.includes('LONG_QT')) qtc = Math.round(485 + 30 * rand());
  const stemi = statements.some((s) => s.startsWith('STEMI'));
  if (rand() < 0.003) hr = Math.round(28 + 11 * rand()); // extreme bradycardia
  const critical = stemi || hr < 40 || qtc > 500;
  const qt = Math.round(qtc * Math.sqrt(60 / hr));
  const priorityPick = rand();
  const priority = critical || priorityPick < 0.08 ? 'stat' : priorityPick < 0.2 ? 'urgent' : 'routine';
  const departmentId = rand() < 0.7 ? org.depts[Math.floor(rand() * org.depts.length)] : null;
  const signed = rand() < 0.93;
  const tatMedian = priority === 'stat' ? 3 : priority === 'urgent' ? 7 : 25;
  return {
    organizationId: org.id,
    patientId,
    examAt: examTime(rand),
    deviceName: org.devices[Math.floor(rand() * org.devices.length)],
    departmentId,
    priority,
    statements,
    measurements: {
      heartRate: hr,
      pr: statements.includes('AFIB') ? undefined : Math.round(160 + 25 * gauss(rand)),
      qrsDuration: Math.round((statements.some((s) => s.endsWith('BBB')) ? 135 : 92) + 10 * gauss(rand)),
      qt,
      qtcBazett: qtc,
    },
    critical,
    technicianId: org.techs[Math.floor(rand() * org.techs.length)],
    readerId: signed ? world.readers[Math.floor(rand() * world.readers.length)] : null,
    signedAfterMin: signed ? Math.round(logNormal(rand, tatMedian, 0.7) * 10) / 10 : null,
    ackAfterMin: critical && rand() < 0.92 ? Math.round(logNormal(rand, 5, 0.6) * 10) / 10 : null,
  };
}

export async function setUpWorld(
  pool: Pool,
  fieldCrypto: ReturnType<typeof createFieldCrypto>,
  total: number,
  insertPatients = true,
) {
  const org = async (code: string) =>
    (await pool.query(`SELECT id FROM organizations WHERE code = $1`, [code])).rows[0].id as string;
  const user = async (u: string) =>
    (await pool.query(`SELECT id FROM users WHERE username = $1`, [u])).rows[0].id as string;
  const plan = [
    {
      code: 'QSX-RMYY',
      share: 0.7,
      patients: Math.round(total * 0.25),
      prefix: 'H',
      techs: ['ecg.tech', 'ecg.doctor'],
    },
    { code: 'QSX-CGZ', share: 0.15, patients: Math.round(total * 0.06), prefix: 'C', techs: ['town.tech'] },
    { code: 'QSX-LLX', share: 0.15, patients: Math.round(total * 0.06), prefix: 'L', techs: ['town.tech'] },
  ];
  const world: World = {
    orgs: [],
    readers: await Promise.all(['ecg.doctor', 'ecg.senior', 'ecg.chief', 'expert'].map(user)),
  };
  const rand = seededRandom(8);
  for (const [i, p] of plan.entries()) {
    const id = await org(p.code);
    if (insertPatients) await loadPatients(pool, fieldCrypto, id, p.patients, p.prefix);
    const patients = (await pool.query(`SELECT id FROM patients WHERE organization_id = $1`, [id])).rows.map(
      (r) => r.id as string,
    );
    const depts = (await pool.query(`SELECT id FROM departments WHERE organization_id = $1`, [id])).rows.map(
      (r) => r.id as string,
    );
    const devices = DEVICES.filter(() => rand() < 0.6).slice(0, i === 0 ? 6 : 2);
    world.orgs.push({
      id,
      share: p.share,
      patients,
      depts,
      devices: devices.length ? devices : [DEVICES[i]],
      techs: await Promise.all(p.techs.map(user)),
    });
  }
  return world;
}

async function loadPatients(
  pool: Pool,
  fieldCrypto: ReturnType<typeof createFieldCrypto>,
  id: string,
  count: number,
  prefix: string,
) {
  // The demo's few member-hospital patients come from another generator stream whose national IDs can
  // collide with this one's; the benchmark does not need them.
  await pool.query(
    `DELETE FROM patient_identifiers WHERE organization_id = $1;
       DELETE FROM patients WHERE organization_id = $1`.replace(/\$1/g, `'${id}'`),
  );
  // Generated national IDs collide now and then (birthday paradox); a batch that hits one is skipped.
  const prand = seededRandom(1);
  for (let k = 0; k < count; k += 1000) {
    await insertGeneratedPatients(pool, fieldCrypto, id, 1000, prand, prefix, k).catch((err) => {
      if ((err as { code?: string }).code !== '23505') throw err;
    });
  }
}

async function timeRoute(
  app: Awaited<ReturnType<typeof build>>,
  cookie: string,
  url: string,
): Promise<number> {
  const s = performance.now();
  const res = await app.inject({ url, headers: { cookie } });
  const ms = performance.now() - s;
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  return ms;
}

export async function run(): Promise<string> {
  const total = Number(process.env.EXAMS ?? 1_000_000);
  return withBenchDatabase(async (url) => {
    const pool = createPool(url, 4);
    const fieldCrypto = createFieldCrypto(Buffer.alloc(32, 7));
    const dataDir = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/ll-bench-`);
    const config = {
      ...loadConfig({ LOG_LEVEL: 'silent' }),
      demoPassword: PASSWORD,
      webDist: '/nonexistent',
      dataDir,
    };
    const tm = performance.now();
    await migrate(pool);
    const migrateSeconds = (performance.now() - tm) / 1000;
    await ensureDemoData(pool, fieldCrypto, config, 0);
    const blobs = new FileBlobStore(`${dataDir}/blobs`);
    // A reused database (BENCH_REUSE_DIR) already holds the data set when it has the number of exams asked for.
    const have = Number((await pool.query('SELECT count(*) AS n FROM ecg_exams')).rows[0].n);
    if (have !== 0 && have !== total) {
      throw new Error(
        `the reused database holds ${have} exams, not ${total}: remove BENCH_REUSE_DIR's folder`,
      );
    }
    const t0 = performance.now();
    const world = await setUpWorld(pool, fieldCrypto, total, have === 0);
    const patientSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    if (have === 0) {
      const wave = generatedWaveform();
      const blob = await blobs.put(wave);
      const rand = seededRandom(1);
      const batch = 10_000;
      for (let done = 0; done < total; done += batch) {
        const specs = Array.from({ length: Math.min(batch, total - done) }, () => makeSpec(rand, world));
        await insertExams(pool, specs, { blob, sampleRate: 500, sampleCount: wave.byteLength / 4 / 12 });
        if ((done / batch) % 10 === 0) console.error(`  ${done + specs.length} exams`);
      }
      for (const t of [
        'ecg_exam_search',
        'ecg_exams',
        'critical_values',
        'patients',
        'patient_identifiers',
      ]) {
        await pool.query(`VACUUM ANALYZE ${t}`);
      }
    }
    const examSeconds = (performance.now() - t1) / 1000;
    // Tables a migration added to the reused set have no statistics yet.
    if (have !== 0) await pool.query('ANALYZE');
    const loaded =
      have === 0
        ? `patients loaded in ${patientSeconds.toFixed(0)} s, exams in ${examSeconds.toFixed(0)} s (batches of 10,000 through unnest, search table filled by the triggers)`
        : `data set generated earlier and reused (migrations added since applied in ${migrateSeconds.toFixed(0)} s)`;
    const only = process.env.ONLY;
    if (only === 'generate') {
      await pool.end();
      return `generated: ${total} exams (${loaded})`;
    }
    const size = (await pool.query(`SELECT pg_size_pretty(pg_total_relation_size('ecg_exam_search')) AS s`))
      .rows[0].s;

    const loadStart = loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
    const app = await build({ config, db: pool, fieldCrypto, blobs, logger: false });
    await app.ready();
    const login = async (username: string) => {
      const r = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: PASSWORD },
      });
      return `lifeline_session=${r.cookies[0].value}`;
    };
    const tech = await login('ecg.tech');
    const chief = await login('ecg.chief');
    const hub = world.orgs[0];
    const qr = seededRandom(42);
    const month = () => {
      const t = START + qr() * (END - START - 31 * DAY_MS);
      return `from=${new Date(t).toISOString()}&to=${new Date(t + 31 * DAY_MS).toISOString()}`;
    };
    const year = () => {
      const t = START + qr() * (END - START - 366 * DAY_MS);
      return `from=${new Date(t).toISOString()}&to=${new Date(t + 366 * DAY_MS).toISOString()}`;
    };
    const initials = (
      await pool.query(`SELECT name_initials FROM patients ORDER BY random() LIMIT 40`)
    ).rows.map((r) => r.name_initials as string);
    const enc = encodeURIComponent;
    const kinds: Record<string, () => string> = {
      'initials + statement (窦性心动过速) + 1 month': () =>
        `patient=${initials[Math.floor(qr() * initials.length)]}&statement=${enc('窦性心动过速')}&${month()}`,
      'initials only (whole history)': () => `patient=${initials[Math.floor(qr() * initials.length)]}`,
      'statement text 心肌缺血 + 1 year': () => `statement=${enc('心肌缺血')}&${year()}`,
      'rare statement (STEMI) + 1 year': () => `statement=STEMI&${year()}`,
      'QTc > 500 ms + 1 month': () => `qtcMin=500&${month()}`,
      'HR < 40, all time': () => 'hrMax=40',
      'device + department + 1 month': () =>
        `device=${enc(hub.devices[0])}&departmentId=${hub.depts[Math.floor(qr() * hub.depts.length)]}&${month()}`,
      'critical + stat + 1 year': () => `critical=true&priority=stat&${year()}`,
      'reader + signed, sort by QTc': () => `readerId=${world.readers[0]}&status=signed&sort=qtc&${month()}`,
      'fuzzy statement text + 1 month': () => `statement=ischemia&match=fuzzy&${month()}`,
      'no filter, newest first, page 5': () => 'offset=200&limit=50',
    };
    const searchRows: string[] = [];
    const all: number[] = [];
    for (const [kind, make] of Object.entries(kinds)) {
      if (only === 'stats') break;
      for (let i = 0; i < 5; i++) await timeRoute(app, tech, `/api/search/exams?${make()}`);
      const times: number[] = [];
      for (let i = 0; i < 30; i++) times.push(await timeRoute(app, tech, `/api/search/exams?${make()}`));
      all.push(...times);
      searchRows.push(
        `| ${kind} | ${times.length} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 95).toFixed(1)} | ${Math.max(...times).toFixed(1)} |`,
      );
    }
    const lastYear = `from=${new Date(END - 365 * DAY_MS).toISOString()}&to=${new Date(END).toISOString()}`;
    const allTime = `from=${new Date(START).toISOString()}&to=${new Date(END).toISOString()}`;
    const stats: [string, string][] = [
      ['volume per day by department, 1 year', `volume?unit=day&by=department&${lastYear}`],
      ['volume per month by device, all 3 years', `volume?unit=month&by=device&${allTime}`],
      ['volume per quarter by organisation, all', `volume?unit=quarter&by=organization&${allTime}`],
      ['volume per year, all', `volume?unit=year&${allTime}`],
      ['diagnosis distribution + monthly trend, 1 year', `diagnoses?unit=month&${lastYear}`],
      ['diagnosis distribution + quarterly trend, all', `diagnoses?unit=quarter&${allTime}`],
      ['turnaround by priority, 1 year', `turnaround?by=priority&${lastYear}`],
      ['turnaround by priority, all', `turnaround?by=priority&${allTime}`],
      ['turnaround by reader, all', `turnaround?by=reader&${allTime}`],
      ['workload, all', `workload?${allTime}`],
      ['critical values per month, all', `critical?unit=month&${allTime}`],
      ['dashboard', 'dashboard'],
      ['export volume XLSX, 1 year by day', `export?kind=volume&format=xlsx&unit=day&${lastYear}`],
      ['export critical PDF, all', `export?kind=critical&format=pdf&unit=month&${allTime}`],
    ];
    const statRows: string[] = [];
    for (const [name, path] of stats) {
      if (only === 'search') break;
      await timeRoute(app, chief, `/api/stats/${path}`);
      const times = [];
      for (let i = 0; i < 3; i++) times.push(await timeRoute(app, chief, `/api/stats/${path}`));
      statRows.push(`| ${name} | ${percentile(times, 50).toFixed(0)} | ${Math.max(...times).toFixed(0)} |`);
    }
    await app.close();
    await pool.end();
    return [
      '## ECG search and statistics',
      '',
      `Date ${new Date().toISOString().slice(0, 10)}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, PostgreSQL ${process.env.DATABASE_URL ? '(DATABASE_URL)' : '18 (embedded)'}.`,
      `${total.toLocaleString('en')} generated exams (2024-01 to 2026-11, three organisations, with orders, signed reports and`,
      `critical values) for ${world.orgs.reduce((a, o) => a + o.patients.length, 0).toLocaleString('en')} generated patients; ${loaded};`,
      `ecg_exam_search with indexes: ${size}. Load average (1/5/15 min) at start: ${loadStart}; at end: ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}.`,
      'Each request goes through the HTTP route (app.inject: auth, validation, SQL, audit entry), one at a time; times in ms.',
      '',
      `**Combined search** (page of 50 + total: exact up to 1,000, beyond that the planner estimate). Target p95 < 150 ms; all kinds together: p50 ${percentile(all, 50).toFixed(1)}, p95 ${percentile(all, 95).toFixed(1)}.`,
      '',
      '| query | n | p50 | p95 | max |',
      '|---|---|---|---|---|',
      ...searchRows,
      '',
      '**Statistics** (3 runs after one warm-up). Target < 1 s each.',
      '',
      '| statistic | median | max |',
      '|---|---|---|',
      ...statRows,
      '',
    ].join('\n');
  }, 'exams');
}
