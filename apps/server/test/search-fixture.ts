/**
 * A small, known set of ECG exams for the search/statistics tests and the e2e test: two patients whose names share
 * the pinyin initials zxf, one with another name, across the hub and a member hospital.
 */
import { type ExamSpec, generatedWaveform, insertExams } from '../src/seed/bulk-exams';
import type { TestContext } from './helpers';

export interface SearchFixture {
  hub: string;
  town: string;
  patients: { zhang: string; zhao: string; li: string };
  users: Record<string, string>;
  depts: { card: string; ed: string };
  exams: Record<'e1' | 'e2' | 'e3' | 'e4' | 'e5' | 'e6', string>;
}

const at = (wall: string) => new Date(`${wall}+08:00`);

export async function loadSearchFixture(ctx: TestContext): Promise<SearchFixture> {
  const db = ctx.pool;
  const org = async (code: string) =>
    (await db.query(`SELECT id FROM organizations WHERE code = $1`, [code])).rows[0].id as string;
  const hub = await org('QSX-RMYY');
  const town = await org('QSX-CGZ');
  const dept = async (code: string) =>
    (await db.query(`SELECT id FROM departments WHERE organization_id = $1 AND code = $2`, [hub, code]))
      .rows[0].id as string;
  const depts = { card: await dept('CARD'), ed: await dept('ED') };
  const users: Record<string, string> = {};
  for (const r of (await db.query(`SELECT id, username FROM users`)).rows) users[r.username] = r.id;

  const tech = await ctx.login('ecg.tech');
  const townTech = await ctx.login('town.tech');
  const patient = async (cookie: string, name: string, sex: string, birthDate: string) => {
    const res = await ctx.request('POST', '/api/patients', cookie, { name, sex, birthDate });
    if (res.statusCode !== 200) throw new Error(`patient ${name}: ${res.statusCode} ${res.body}`);
    return res.json().id as string;
  };
  const patients = {
    zhang: await patient(tech, '张晓峰', 'M', '1961-04-02'),
    zhao: await patient(tech, '赵晓凤', 'F', '1975-09-18'),
    li: await patient(townTech, '李四', 'M', '1950-01-20'),
  };
  const wave = generatedWaveform();
  const blob = await ctx.app.blobs.put(wave);
  const base = {
    organizationId: hub,
    deviceName: 'Edan SE-1200',
    departmentId: null,
    priority: 'routine' as const,
    critical: false,
    technicianId: users['ecg.tech'],
    readerId: null,
    signedAfterMin: null,
  };
  const m = (heartRate: number, qtcBazett: number) => ({
    heartRate,
    pr: 160,
    qrsDuration: 90,
    qt: Math.round(qtcBazett * Math.sqrt(60 / heartRate)),
    qtcBazett,
  });
  const specs: ExamSpec[] = [
    {
      ...base,
      patientId: patients.zhang,
      examAt: at('2026-03-10T09:00:00'),
      deviceName: 'GE MAC 2000',
      departmentId: depts.card,
      statements: ['STACH'],
      measurements: m(112, 440),
      readerId: users['ecg.doctor'],
      signedAfterMin: 8,
    },
    {
      ...base,
      patientId: patients.zhang,
      examAt: at('2026-05-20T10:00:00'),
      departmentId: depts.ed,
      priority: 'stat',
      statements: ['SR', 'ISCHEMIA'],
      measurements: m(72, 470),
      readerId: users['ecg.senior'],
      signedAfterMin: 2.5,
    },
    {
      ...base,
      patientId: patients.zhang,
      examAt: at('2026-07-01T08:00:00'),
      departmentId: depts.ed,
      priority: 'stat',
      statements: ['SBRAD', 'LONG_QT'],
      measurements: m(38, 520),
      critical: true,
      ackAfterMin: 4,
    },
    {
      ...base,
      patientId: patients.zhao,
      examAt: at('2026-03-15T14:30:00'),
      deviceName: 'GE MAC 2000',
      departmentId: depts.card,
      statements: ['STACH'],
      measurements: m(105, 450),
      readerId: users['ecg.doctor'],
      signedAfterMin: 12,
    },
    {
      ...base,
      organizationId: town,
      patientId: patients.li,
      examAt: at('2026-03-12T11:00:00'),
      statements: ['STACH'],
      measurements: m(101, 430),
      technicianId: users['town.tech'],
    },
    {
      ...base,
      patientId: patients.zhao,
      examAt: at('2026-04-01T07:10:00'),
      statements: ['AFIB'],
      measurements: m(130, 480),
      critical: true,
      ackAfterMin: 15,
    },
  ];
  const [e1, e2, e3, e4, e5, e6] = await insertExams(db, specs, {
    blob,
    sampleRate: 500,
    sampleCount: wave.byteLength / 4 / 12,
  });
  return { hub, town, patients, users, depts, exams: { e1, e2, e3, e4, e5, e6 } };
}
