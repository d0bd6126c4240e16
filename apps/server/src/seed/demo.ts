/**
 * Demo network on first start: a county hub hospital with ECG room, ED, cardiology, neurology, trauma surgery and
 * cath lab; two township hospitals; an ambulance station; one user per role; a few hundred patients.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';
import { inTransaction, type Pool } from '../db/pool';
import { type FieldCrypto, randomToken } from '../lib/crypto';
import { hashPassword } from '../lib/passwords';
import { insertGeneratedPatients } from './bulk-patients';
import { seededRandom } from './people';

export const DEMO_USERS: {
  username: string;
  displayName: string;
  role: string;
  org: string;
  dept?: string;
}[] = [
  { username: 'admin', displayName: '信息科 管理员', role: 'it_admin', org: 'HUB' },
  {
    username: 'ecg.tech',
    displayName: '王丽（心电图技师）',
    role: 'ecg_technician',
    org: 'HUB',
    dept: 'ECG',
  },
  {
    username: 'ecg.doctor',
    displayName: '李明（心电图医师）',
    role: 'ecg_physician',
    org: 'HUB',
    dept: 'ECG',
  },
  { username: 'ecg.senior', displayName: '陈静（主治医师）', role: 'ecg_senior', org: 'HUB', dept: 'ECG' },
  { username: 'ecg.chief', displayName: '赵国强（主任）', role: 'ecg_chief', org: 'HUB', dept: 'ECG' },
  { username: 'clinician', displayName: '刘洋（心内科医生）', role: 'clinician', org: 'HUB', dept: 'CARD' },
  { username: 'expert', displayName: '周华（远程会诊专家）', role: 'remote_expert', org: 'HUB', dept: 'ECG' },
  { username: 'ed.nurse', displayName: '孙燕（急诊护士）', role: 'ed_nurse', org: 'HUB', dept: 'ED' },
  { username: 'ed.doctor', displayName: '吴涛（急诊医生）', role: 'ed_physician', org: 'HUB', dept: 'ED' },
  { username: 'cardio', displayName: '郑伟（心内科）', role: 'cardiologist', org: 'HUB', dept: 'CARD' },
  { username: 'neuro', displayName: '何芳（神经内科）', role: 'neurologist', org: 'HUB', dept: 'NEURO' },
  { username: 'trauma', displayName: '高飞（创伤外科）', role: 'trauma_surgeon', org: 'HUB', dept: 'TRAUMA' },
  { username: 'cathlab', displayName: '林杰（导管室）', role: 'cathlab', org: 'HUB', dept: 'CATH' },
  { username: 'paramedic', displayName: '马超（院前急救）', role: 'paramedic', org: 'EMS', dept: 'EMS' },
  { username: 'qc', displayName: '许婷（质控员）', role: 'qc_manager', org: 'HUB' },
  {
    username: 'town.tech',
    displayName: '韩梅（乡镇心电图技师）',
    role: 'ecg_technician',
    org: 'TOWN1',
    dept: 'ECG',
  },
];

const ORGS = [
  { key: 'HUB', code: 'QSX-RMYY', name: '青山县人民医院', type: 'hub-hospital', parent: null },
  { key: 'TOWN1', code: 'QSX-CGZ', name: '青山县城关镇卫生院', type: 'member-hospital', parent: 'HUB' },
  { key: 'TOWN2', code: 'QSX-LLX', name: '青山县柳林乡卫生院', type: 'member-hospital', parent: 'HUB' },
  { key: 'EMS', code: 'QSX-120', name: '青山县急救站', type: 'ambulance-station', parent: 'HUB' },
] as const;

const DEPTS: Record<string, { code: string; name: string; kind: string }[]> = {
  HUB: [
    { code: 'ECG', name: '心电图室', kind: 'ecg-room' },
    { code: 'ED', name: '急诊科', kind: 'ed' },
    { code: 'CARD', name: '心血管内科', kind: 'cardiology' },
    { code: 'NEURO', name: '神经内科', kind: 'neurology' },
    { code: 'TRAUMA', name: '创伤外科', kind: 'trauma' },
    { code: 'CATH', name: '导管室', kind: 'cath-lab' },
    { code: 'RAD', name: '影像科', kind: 'radiology' },
  ],
  TOWN1: [
    { code: 'ECG', name: '心电图室', kind: 'ecg-room' },
    { code: 'GP', name: '全科医疗科', kind: 'general' },
  ],
  TOWN2: [
    { code: 'ECG', name: '心电图室', kind: 'ecg-room' },
    { code: 'GP', name: '全科医疗科', kind: 'general' },
  ],
  EMS: [{ code: 'EMS', name: '院前急救科', kind: 'ems' }],
};

/** The demo password: DEMO_PASSWORD, or one generated on first start and kept in the data folder. */
function demoPassword(config: Config): string {
  if (config.demoPassword) return config.demoPassword;
  const file = join(config.dataDir, 'demo-password.txt');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const pw = `Ll-${randomToken().slice(0, 10)}9a`;
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(file, pw, { mode: 0o600 });
  return pw;
}

export async function ensureDemoData(
  pool: Pool,
  crypto: FieldCrypto,
  config: Config,
  patientsPerHub = 300,
): Promise<{ password: string; users: { username: string; role: string }[] } | null> {
  const password = demoPassword(config);
  const { rowCount } = await pool.query('SELECT 1 FROM organizations LIMIT 1');
  const users = DEMO_USERS.map((u) => ({ username: u.username, role: u.role }));
  if (rowCount) {
    // Already seeded (or a real installation): only report the demo logins if they exist.
    const demo = await pool.query(`SELECT 1 FROM users WHERE username = 'ecg.tech'`);
    return demo.rowCount ? { password, users } : null;
  }
  const hashed = await hashPassword(password, {
    memoryKiB: config.argon2MemoryKiB,
    iterations: config.argon2Iterations,
  });
  await inTransaction(pool, async (client) => {
    const orgIds: Record<string, string> = {};
    const deptIds: Record<string, string> = {};
    for (const o of ORGS) {
      const { rows } = await client.query<{ id: string }>(
        'INSERT INTO organizations (code, name, type, parent_id, time_zone) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [o.code, o.name, o.type, o.parent ? orgIds[o.parent] : null, config.defaultTimeZone],
      );
      orgIds[o.key] = rows[0].id;
      for (const d of DEPTS[o.key] ?? []) {
        const r = await client.query<{ id: string }>(
          'INSERT INTO departments (organization_id, code, name, kind) VALUES ($1, $2, $3, $4) RETURNING id',
          [rows[0].id, d.code, d.name, d.kind],
        );
        deptIds[`${o.key}.${d.code}`] = r.rows[0].id;
      }
    }
    for (const u of DEMO_USERS) {
      await client.query(
        `INSERT INTO users (username, display_name, password_hash, organization_id, department_id, roles)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          u.username,
          u.displayName,
          hashed,
          orgIds[u.org],
          u.dept ? deptIds[`${u.org}.${u.dept}`] : null,
          [u.role],
        ],
      );
    }
    const rand = seededRandom(20261121);
    await insertGeneratedPatients(client, crypto, orgIds.HUB, patientsPerHub, rand, 'H');
    await insertGeneratedPatients(client, crypto, orgIds.TOWN1, 40, rand, 'CG');
    await insertGeneratedPatients(client, crypto, orgIds.TOWN2, 40, rand, 'LL');
  });
  return { password, users };
}
