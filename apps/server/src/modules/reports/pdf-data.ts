/**
 * Gathers what the report page prints (organisation, patient, order, measurements, statements, the first 10 s of
 * the waveform, the workflow's signatures) and renders it; the signed PDF is kept in the blob store.
 */
import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../../db/pool';
import { ageOn } from '../../lib/identity';
import type { AuthUser } from '../../plugins/context';
import { examInOrg, readWaveformWindow } from '../ecg';
import { findOrder } from '../orders';
import { patientInOrg } from '../patients';
import { type Comparison, MEASUREMENT_KEYS, type MeasurementKey } from './content';
import { loadReportFont, type PdfReportData, renderReportPdf, reportFontConfig } from './pdf';
import { renderHolterPdf } from './pdf-holter';
import { holterPdfData } from './pdf-holter-data';
import { eventsOf, type ReportRow, reportSettings, type VersionRow } from './repo';
import { serialComparison } from './view';

const MEASUREMENT_LABELS: Partial<Record<MeasurementKey, [string, string]>> = {
  heartRate: ['心率', 'bpm'],
  pr: ['PR', 'ms'],
  qrsDuration: ['QRS', 'ms'],
  qt: ['QT', 'ms'],
  qtcBazett: ['QTc', 'ms'],
  pAxis: ['P轴', '°'],
  qrsAxis: ['QRS轴', '°'],
  tAxis: ['T轴', '°'],
};
const STEP_LABELS: Record<string, string> = {
  check: '技师',
  diagnose: '诊断医师',
  review: '审核',
  sign: '签发',
};
const TITLES: Record<VersionRow['template'], string> = {
  'resting-12': '心电图报告  ECG Report',
  holter: '动态心电图报告  Holter ECG Report',
  paediatric: '儿童心电图报告  Paediatric ECG Report',
};
const PRIORITY_LABELS: Record<string, string> = { routine: '常规', urgent: '急诊', stat: '危急/立即' };
const SEX_LABELS: Record<string, string> = { M: '男', F: '女', U: '未知' };
const IDENTIFIER_LABELS: Record<string, string> = {
  his: 'HIS号',
  outpatient: '门诊号',
  inpatient: '住院号',
  insurance: '医保号',
};

/** Keeps the first 2 and last 2 characters of an identifier on paper (the full value stays in the system). */
export function maskIdentifier(value: string): string {
  if (value.length <= 4) return `${value[0] ?? ''}***`;
  return `${value.slice(0, 2)}${'*'.repeat(Math.min(8, value.length - 4))}${value.slice(-2)}`;
}

export function formatLocal(d: Date | null | undefined, timeZone: string): string {
  if (!d) return '—';
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(d);
}

export function publicVerifyUrl(
  token: string,
  env: Record<string, string | undefined> = process.env,
): string {
  const base = (env.LIFELINE_PUBLIC_URL || 'http://localhost:3000').replace(/\/+$/, '');
  // The QR code opens the web app's public verification page (it calls /api/public/reports/verify/:token).
  return `${base}/verify/${token}`;
}

/** One line for the page: what changed since the previous ECG (new AF, new ST elevation, QTc, statements). */
export function comparisonLine(previousAt: Date, c: Comparison, timeZone: string): string {
  const parts: string[] = [];
  if (c.highlights.newAtrialFibrillation) parts.push('新出现心房颤动/扑动');
  if (c.highlights.newStElevation) parts.push('新出现ST段抬高');
  if (c.highlights.qtcChangeMs !== null) {
    parts.push(
      `QTc ${c.highlights.qtcChangeMs >= 0 ? '+' : ''}${c.highlights.qtcChangeMs} ms${c.highlights.qtcChangeSignificant ? '（显著）' : ''}`,
    );
  }
  const added = c.newStatements.map((s) => s.textZh).slice(0, 4);
  const gone = c.resolvedStatements.map((s) => s.textZh).slice(0, 4);
  if (added.length) parts.push(`新增：${added.join('、')}`);
  if (gone.length) parts.push(`消失：${gone.join('、')}`);
  const day = formatLocal(previousAt, timeZone).slice(0, 10);
  return `与 ${day} 心电图比较：${parts.length ? parts.join('；') : '无明显变化'}`;
}

export async function pdfData(
  app: FastifyInstance,
  db: Queryable,
  report: ReportRow,
  v: VersionRow,
  signer?: AuthUser,
): Promise<PdfReportData> {
  const orgId = report.organization_id;
  const exam = await examInOrg(db, orgId, report.exam_id);
  if (!exam) throw new Error(`exam ${report.exam_id} of report ${report.id} not found`);
  const { rows: orgRows } = await db.query<{ name: string; time_zone: string }>(
    'SELECT name, time_zone FROM organizations WHERE id = $1',
    [orgId],
  );
  const timeZone = orgRows[0]?.time_zone ?? 'Asia/Shanghai';
  const settings = await reportSettings(db, orgId);
  const patient = report.patient_id ? await patientInOrg(db, orgId, report.patient_id) : undefined;
  const order = exam.order_id ? await findOrder(db, orgId, exam.order_id) : undefined;
  const deptName = async (id: string | null | undefined) =>
    id
      ? ((
          await db.query<{ name: string }>(
            'SELECT name FROM departments WHERE id = $1 AND organization_id = $2',
            [id, orgId],
          )
        ).rows[0]?.name ?? null)
      : null;
  // Identifiers printed on the page (read-only; national IDs never, they are not needed to identify a report).
  const { rows: ids } = patient
    ? await db.query<{ type: string; display: string }>(
        `SELECT type, display FROM patient_identifiers WHERE patient_id = $1 AND organization_id = $2
         AND type <> 'national-id' ORDER BY created_at LIMIT 2`,
        [patient.id, orgId],
      )
    : { rows: [] };
  const identifiers = ids.map((i) => ({
    label: IDENTIFIER_LABELS[i.type] ?? i.type,
    value: settings.mask_identifiers ? maskIdentifier(i.display) : i.display,
  }));
  const fileIds = exam.identifiers;
  const age = patient?.birth_date ? ageOn(patient.birth_date) : (fileIds.age ?? null);

  const events = await eventsOf(db, orgId, report.id);
  const lastReturn = Math.max(
    0,
    ...events.filter((e) => e.version === v.version && e.action === 'return').map((e) => e.id),
  );
  const signatures = events
    .filter((e) => e.version === v.version && e.id > lastReturn && STEP_LABELS[e.action])
    .map((e) => ({
      step: e.action === 'review' ? `${STEP_LABELS.review}${e.level ?? ''}` : STEP_LABELS[e.action],
      name: e.display_name ?? e.username ?? '—',
      at: formatLocal(e.at, timeZone),
    }));
  if (signer && v.signed_at)
    signatures.push({ step: '签发', name: signer.displayName, at: formatLocal(v.signed_at, timeZone) });

  let waveform: PdfReportData['waveform'] = null;
  try {
    const shape = {
      sampleRate: exam.sample_rate,
      leadNames: exam.lead_names,
      sampleCount: exam.sample_count,
    };
    const samples = await readWaveformWindow(
      app.blobs,
      exam.waveform_blob,
      shape,
      0,
      Math.round(exam.sample_rate * 10),
    );
    waveform = {
      sampleRate: exam.sample_rate,
      leads: Object.fromEntries(exam.lead_names.map((n, i) => [n, samples[i]])),
    };
  } catch (err) {
    app.log.warn({ err, examId: exam.id }, 'waveform not readable for the report PDF');
  }

  const measurements = MEASUREMENT_KEYS.filter(
    (k) => MEASUREMENT_LABELS[k] && v.measurements[k] !== undefined,
  ).map((k) => {
    const [label, unit] = MEASUREMENT_LABELS[k] as [string, string];
    return {
      label,
      value: `${v.measurements[k]} ${unit}`,
      corrected:
        v.automatic_measurements[k] !== undefined && v.automatic_measurements[k] !== v.measurements[k],
    };
  });
  const serial = await serialComparison(db, orgId, exam, v);
  const hours = Math.floor(exam.duration_sec / 3600);
  const minutes = Math.round((exam.duration_sec % 3600) / 60);
  return {
    hospital: orgRows[0]?.name ?? '',
    title: TITLES[v.template],
    recordDuration: exam.duration_sec > 60 ? `${hours} h ${String(minutes).padStart(2, '0')} min` : null,
    // The ECG room that made the report: the department of whoever started it.
    department: await deptName(
      report.created_by
        ? (
            await db.query<{ department_id: string | null }>(
              'SELECT department_id FROM users WHERE id = $1',
              [report.created_by],
            )
          ).rows[0]?.department_id
        : null,
    ),
    patient: {
      name: patient?.name ?? fileIds.name ?? '未登记患者',
      sex: SEX_LABELS[patient?.sex ?? fileIds.sex ?? 'U'] ?? '未知',
      age: age === null ? '—' : `${age}岁`,
      identifiers,
    },
    order: order
      ? {
          accession: order.accessionNumber,
          department: await deptName(order.orderingDepartmentId),
          clinician: order.orderingClinician,
          priority: `${PRIORITY_LABELS[order.priority] ?? order.priority}${order.greenChannel ? ' 绿色通道' : ''}`,
        }
      : null,
    acquiredAt: formatLocal(exam.acquired_at ?? exam.received_at, timeZone),
    device: exam.device_name,
    reportNo: `${report.id.slice(0, 8).toUpperCase()}-${v.version}`,
    version: v.version,
    draft: !v.signed_at,
    amendmentReason: v.amendment_reason,
    measurements,
    statements: v.statements.map((s) => (s.code ? `${s.textZh}（${s.textEn}）` : s.textZh)),
    conclusion: v.conclusion,
    freeText: v.free_text,
    comparison:
      serial.previous && serial.comparison
        ? comparisonLine(serial.previous.acquiredAt, serial.comparison, timeZone)
        : null,
    signatures,
    verifyUrl: v.verify_token ? publicVerifyUrl(v.verify_token) : null,
    contentHash: v.content_hash,
    waveform,
    filters: '0.05–150 Hz  50 Hz',
  };
}

export async function renderPdf(
  app: FastifyInstance,
  db: Queryable,
  report: ReportRow,
  v: VersionRow,
  signer?: AuthUser,
) {
  const { path, name } = reportFontConfig();
  const font = loadReportFont(path, name);
  const data = await pdfData(app, db, report, v, signer);
  // A Holter report prints its summary, hourly table and event strips (when the Holter analysis is there).
  if (v.template === 'holter') {
    const holter = await holterPdfData(app, db, report.organization_id, report.exam_id);
    if (holter) return renderHolterPdf(data, holter, font);
  }
  return renderReportPdf(data, font);
}

/** Renders the signed version and stores it; returns the blob key. */
export async function renderStoredPdf(
  app: FastifyInstance,
  db: Queryable,
  report: ReportRow,
  v: VersionRow,
  signer: AuthUser,
): Promise<string> {
  return app.blobs.put(await renderPdf(app, db, report, v, signer));
}
