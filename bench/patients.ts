/**
 * Patient index at hospital-network scale: 1,000,000 generated patients in one organisation, searched through the
 * real HTTP routes (app.inject: routing, auth, validation, SQL, audit entry) by name characters, full pinyin,
 * pinyin initials, HIS id and national ID; and login with the production argon2id cost.
 * Usage: npm run bench -- patients   (PATIENTS=200000 for a quicker run)
 */
import { cpus } from 'node:os';
import { build } from '../apps/server/src/app';
import { loadConfig } from '../apps/server/src/config';
import { migrate } from '../apps/server/src/db/migrate';
import { createPool } from '../apps/server/src/db/pool';
import { createFieldCrypto } from '../apps/server/src/lib/crypto';
import { insertGeneratedPatients } from '../apps/server/src/seed/bulk-patients';
import { ensureDemoData } from '../apps/server/src/seed/demo';
import { makePerson, seededRandom } from '../apps/server/src/seed/people';
import { percentile, withBenchDatabase } from './bench-db';

const PASSWORD = 'Bench-Pass-2026!';

export async function run(): Promise<string> {
  const total = Number(process.env.PATIENTS ?? 1_000_000);
  return withBenchDatabase(async (url) => {
    const pool = createPool(url, 4);
    const fieldCrypto = createFieldCrypto(Buffer.alloc(32, 7));
    const config = {
      ...loadConfig({ LOG_LEVEL: 'silent' }),
      demoPassword: PASSWORD,
      webDist: '/nonexistent',
    };
    await migrate(pool);
    await ensureDemoData(pool, fieldCrypto, config, 0);
    const org = (await pool.query(`SELECT id FROM organizations WHERE code = 'QSX-RMYY'`)).rows[0].id;
    const t0 = performance.now();
    await insertGeneratedPatients(pool, fieldCrypto, org, total, seededRandom(1), 'B');
    const loadSeconds = (performance.now() - t0) / 1000;
    await pool.query('VACUUM ANALYZE patients');
    await pool.query('VACUUM ANALYZE patient_identifiers');

    const app = await build({ config, db: pool, fieldCrypto, logger: false });
    await app.ready();
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'ecg.tech', password: PASSWORD },
    });
    const cookie = `lifeline_session=${login.cookies[0].value}`;

    // Queries drawn from the same generator (other seed), so they look like real look-ups, hits and misses alike.
    const rand = seededRandom(99);
    const people = Array.from({ length: 200 }, () => makePerson(rand));
    const { namePinyin } = await import('../apps/server/src/lib/identity');
    const sampleIds = (
      await pool.query(
        `SELECT display FROM patient_identifiers WHERE type = 'his' ORDER BY random() LIMIT 200`,
      )
    ).rows.map((r) => r.display as string);
    const kinds: Record<string, string[]> = {
      'name (characters, full name)': people.map((p) => p.name),
      'full pinyin': people.map((p) => namePinyin(p.name).full),
      'pinyin initials': people.map((p) => namePinyin(p.name).initials),
      'HIS patient id': sampleIds,
      'national ID (keyed hash)': people.map((p) => p.nationalId),
    };
    const rows: string[] = [];
    for (const [kind, queries] of Object.entries(kinds)) {
      for (const q of queries.slice(0, 20)) {
        await app.inject({ url: `/api/patients?q=${encodeURIComponent(q)}`, headers: { cookie } });
      }
      const times: number[] = [];
      for (const q of queries) {
        const s = performance.now();
        const res = await app.inject({
          url: `/api/patients?q=${encodeURIComponent(q)}`,
          headers: { cookie },
        });
        times.push(performance.now() - s);
        if (res.statusCode !== 200) throw new Error(`search ${kind} failed: ${res.statusCode}`);
      }
      rows.push(
        `| ${kind} | ${queries.length} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 95).toFixed(1)} | ${Math.max(...times).toFixed(1)} |`,
      );
    }
    await app.close();

    // Login with the production argon2id cost (config defaults), sequential.
    const prodConfig = { ...config };
    const app2 = await build({ config: prodConfig, db: pool, fieldCrypto, logger: false });
    const { hashPassword } = await import('../apps/server/src/lib/passwords');
    await pool.query(`UPDATE users SET password_hash = $1 WHERE username = 'ecg.doctor'`, [
      await hashPassword(PASSWORD, {
        memoryKiB: prodConfig.argon2MemoryKiB,
        iterations: prodConfig.argon2Iterations,
      }),
    ]);
    const loginTimes: number[] = [];
    for (let i = 0; i < 40; i++) {
      const s = performance.now();
      const r = await app2.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'ecg.doctor', password: PASSWORD },
      });
      loginTimes.push(performance.now() - s);
      if (r.statusCode !== 200) throw new Error(`login failed ${r.statusCode}`);
    }
    await app2.close();
    await pool.end();
    return [
      `## Patient index search and login`,
      '',
      `Date ${new Date().toISOString().slice(0, 10)}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, PostgreSQL ${process.env.DATABASE_URL ? '(DATABASE_URL)' : '18 (embedded)'}.`,
      `${total.toLocaleString('en')} generated patients in one organisation (each with a HIS id and an encrypted national ID),`,
      `loaded in ${loadSeconds.toFixed(0)} s. Each query goes through the HTTP route (app.inject: auth, validation, SQL, audit`,
      `entry written), one at a time; times in ms. Target: p95 < 50 ms.`,
      '',
      '| query kind | queries | p50 | p95 | max |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      `Login (argon2id, m = ${prodConfig.argon2MemoryKiB} KiB, t = ${prodConfig.argon2Iterations}, p = 1; session row and audit entry written), 40 sequential logins: ` +
        `p50 ${percentile(loginTimes, 50).toFixed(0)} ms, p95 ${percentile(loginTimes, 95).toFixed(0)} ms (target p95 < 300 ms).`,
      '',
    ].join('\n');
  });
}
