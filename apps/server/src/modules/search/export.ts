/** Search results as a spreadsheet (ExcelJS) or CSV, with Chinese or English headers. */
import ExcelJS from 'exceljs';
import type { HitRow } from './repo';

interface Column {
  zh: string;
  en: string;
  width: number;
  value: (r: HitRow, tz: string) => string | number | null;
}

/** 'YYYY-MM-DD HH:mm:ss' in the organisation's time zone (what the screens show). */
export function formatInZone(d: Date | null, tz: string): string | null {
  if (!d) return null;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const g = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${g('year')}-${g('month')}-${g('day')} ${g('hour')}:${g('minute')}:${g('second')}`;
}

const round = (v: number | null) => (v === null ? null : Math.round(v));

const COLUMNS: Column[] = [
  { zh: '检查时间', en: 'Exam time', width: 20, value: (r, tz) => formatInZone(r.exam_at, tz) },
  { zh: '姓名', en: 'Name', width: 10, value: (r) => r.patient_name },
  { zh: '性别', en: 'Sex', width: 6, value: (r) => r.patient_sex },
  { zh: '年龄', en: 'Age', width: 6, value: (r) => r.patient_age },
  { zh: '病历号', en: 'HIS id', width: 14, value: (r) => r.his_id },
  { zh: '机构', en: 'Organisation', width: 18, value: (r) => r.organization_name },
  { zh: '申请科室', en: 'Department', width: 12, value: (r) => r.department_name },
  { zh: '优先级', en: 'Priority', width: 8, value: (r) => r.priority },
  { zh: '设备', en: 'Device', width: 16, value: (r) => r.device_name },
  { zh: '状态', en: 'Status', width: 10, value: (r) => r.report_status ?? r.status },
  { zh: '危急值', en: 'Critical', width: 6, value: (r) => (r.critical ? 1 : 0) },
  { zh: '心率', en: 'HR (bpm)', width: 8, value: (r) => round(r.heart_rate) },
  { zh: 'PR (ms)', en: 'PR (ms)', width: 8, value: (r) => round(r.pr) },
  { zh: 'QRS (ms)', en: 'QRS (ms)', width: 8, value: (r) => round(r.qrs) },
  { zh: 'QT (ms)', en: 'QT (ms)', width: 8, value: (r) => round(r.qt) },
  { zh: 'QTc (ms)', en: 'QTc (ms)', width: 8, value: (r) => round(r.qtc) },
  { zh: '诊断代码', en: 'Statement codes', width: 20, value: (r) => r.statement_codes.join(' ') },
  { zh: '诊断', en: 'Statements', width: 40, value: (r) => r.statements_zh },
  { zh: '报告医师', en: 'Reader', width: 12, value: (r) => r.reader_name },
  { zh: '签发时间', en: 'Signed at', width: 20, value: (r, tz) => formatInZone(r.signed_at, tz) },
  { zh: '检查ID', en: 'Exam id', width: 38, value: (r) => r.exam_id },
];

function header(lang: 'zh' | 'en'): string[] {
  return COLUMNS.map((c) => c[lang]);
}

function values(r: HitRow, tz: string, lang: 'zh' | 'en'): (string | number | null)[] {
  return COLUMNS.map((c) => (lang === 'en' && c.en === 'Statements' ? r.statements_en : c.value(r, tz)));
}

/** RFC 4180 field; cells that a spreadsheet would run as a formula get a leading apostrophe. */
export function csvField(v: string | number | null): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: (string | number | null)[][]): string {
  // BOM so that Excel opens UTF-8 Chinese correctly.
  return `\uFEFF${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}

export function hitsCsv(hits: HitRow[], tz: string, lang: 'zh' | 'en'): string {
  return toCsv([header(lang), ...hits.map((h) => values(h, tz, lang))]);
}

export async function hitsXlsx(hits: HitRow[], tz: string, lang: 'zh' | 'en'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Lifeline';
  const ws = wb.addWorksheet(lang === 'zh' ? '心电图检查' : 'ECG exams');
  ws.columns = COLUMNS.map((c) => ({ header: c[lang], width: c.width }));
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  for (const h of hits) ws.addRow(values(h, tz, lang));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
