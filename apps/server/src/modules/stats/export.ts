/**
 * A statistic as a table, written to XLSX (ExcelJS) or PDF (pdfkit with Noto Sans CJK, so Chinese prints).
 */
import { existsSync, readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';

export interface StatTable {
  title: string;
  subtitle: string;
  columns: string[];
  rows: (string | number | null)[][];
}

type Lang = 'zh' | 'en';
const L = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);
const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

// biome-ignore lint/suspicious/noExplicitAny: each kind's result shape is checked by its service
type Any = any;

/** Rows and headers of each statistic, in the asked language. */
export function tableOf(kind: string, result: Any, lang: Lang): StatTable {
  const subtitle = `${result.from?.slice(0, 10) ?? ''} – ${result.to?.slice(0, 10) ?? ''}`;
  switch (kind) {
    case 'volume':
      return {
        title: L(lang, '检查量统计', 'Exam volume'),
        subtitle,
        columns: [
          L(lang, '时间', 'Period'),
          L(lang, '分组', 'Group'),
          L(lang, '检查数', 'Exams'),
          L(lang, '危急值', 'Critical'),
        ],
        rows: result.rows.map((r: Any) => [r.bucket, r.label ?? r.key ?? '', r.exams, r.critical]),
      };
    case 'diagnoses':
      return {
        title: L(lang, '诊断分布', 'Diagnosis distribution'),
        subtitle,
        columns: [L(lang, '代码', 'Code'), L(lang, '诊断', 'Statement'), L(lang, '检查数', 'Exams'), '%'],
        rows: result.distribution.map((d: Any) => [
          d.code,
          lang === 'zh' ? d.textZh : d.textEn,
          d.exams,
          pct(d.share),
        ]),
      };
    case 'turnaround':
      return {
        title: L(lang, '报告周转时间（分钟）', 'Report turnaround (minutes)'),
        subtitle: result.rows.some((r: Any) => r.approximate)
          ? `${subtitle}  ${L(lang, '（百分位数按分桶直方图估算，误差 < 2%）', '(percentiles estimated from histogram buckets, within 2 %)')}`
          : subtitle,
        columns: [
          L(lang, '分组', 'Group'),
          L(lang, '报告数', 'Reports'),
          L(lang, '中位数', 'Median'),
          'P90',
          L(lang, '最大', 'Max'),
        ],
        rows: result.rows.map((r: Any) => [r.label ?? r.key ?? '', r.exams, r.medianMin, r.p90Min, r.maxMin]),
      };
    case 'workload':
      return {
        title: L(lang, '工作量', 'Workload'),
        subtitle,
        columns: [
          L(lang, '角色', 'Role'),
          L(lang, '姓名', 'Name'),
          L(lang, '检查数', 'Exams'),
          L(lang, '危急值', 'Critical'),
        ],
        rows: result.rows.map((r: Any) => [
          r.role === 'technician' ? L(lang, '技师', 'Technician') : L(lang, '医师', 'Physician'),
          r.label ?? r.key,
          r.exams,
          r.critical,
        ]),
      };
    case 'critical':
      return {
        title: L(lang, '危急值', 'Critical values'),
        subtitle,
        columns: [
          L(lang, '时间', 'Period'),
          L(lang, '总数', 'Total'),
          L(lang, '已确认', 'Acknowledged'),
          L(lang, '及时确认', 'In time'),
          L(lang, '及时率%', 'In time %'),
          L(lang, '确认中位数(分)', 'Median ack (min)'),
          'P90',
          L(lang, '最长', 'Max'),
        ],
        rows: result.rows.map((r: Any) => [
          r.bucket,
          r.total,
          r.acknowledged,
          r.inTime,
          pct(r.inTimeShare),
          r.medianAckMin,
          r.p90AckMin,
          r.maxAckMin,
        ]),
      };
    default:
      throw new Error(`unknown statistic ${kind}`);
  }
}

export async function tableXlsx(t: StatTable): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Lifeline';
  const ws = wb.addWorksheet(t.title.slice(0, 31));
  ws.addRow([t.title]).font = { bold: true, size: 13 };
  ws.addRow([t.subtitle]);
  ws.addRow(t.columns).font = { bold: true };
  for (const r of t.rows) ws.addRow(r);
  ws.columns.forEach((c, i) => {
    c.width = i === 1 ? 28 : 14;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const FONT_PATH = process.env.LIFELINE_PDF_FONT ?? '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const FONT_NAME = process.env.LIFELINE_PDF_FONT_NAME ?? 'NotoSansCJKsc-Regular';
let cachedFont: unknown;

/** Parsing the 20 MB collection takes tens of ms: once per process. */
function cjkFont(): unknown {
  if (cachedFont) return cachedFont;
  if (!existsSync(FONT_PATH)) {
    throw new Error(`PDF font not found at ${FONT_PATH}: install fonts-noto-cjk or set LIFELINE_PDF_FONT`);
  }
  cachedFont = (fontkit as unknown as { create(b: Buffer, n?: string): unknown }).create(
    readFileSync(FONT_PATH),
    FONT_PATH.toLowerCase().endsWith('.ttc') ? FONT_NAME : undefined,
  );
  return cachedFont;
}

export function tablePdf(t: StatTable, generatedAt: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: t.title, Creator: 'Lifeline' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.registerFont('cjk', cjkFont() as never);
  doc.font('cjk');
  doc.fontSize(16).text(t.title);
  doc.fontSize(9).fillColor('#555555').text(`${t.subtitle}    ${generatedAt}`);
  doc.moveDown(0.8).fillColor('#000000');
  const left = 40;
  const width = doc.page.width - 80;
  const colW = t.columns.map((_, i) => (i === 1 && t.columns.length <= 5 ? width * 0.34 : 0));
  const rest = (width - colW.reduce((a, b) => a + b, 0)) / colW.filter((w) => w === 0).length;
  const widths = colW.map((w) => w || rest);
  const line = (cells: (string | number | null)[], bold: boolean) => {
    if (doc.y > doc.page.height - 60) doc.addPage();
    const y = doc.y;
    let x = left;
    doc.fontSize(bold ? 9.5 : 9);
    cells.forEach((c, i) => {
      doc.text(c === null ? '' : String(c), x + 2, y, {
        width: widths[i] - 4,
        lineBreak: false,
        ellipsis: true,
      });
      x += widths[i];
    });
    doc.y = y + 15;
    doc
      .moveTo(left, doc.y - 2)
      .lineTo(left + width, doc.y - 2)
      .strokeColor(bold ? '#333333' : '#dddddd')
      .stroke();
  };
  line(t.columns, true);
  for (const r of t.rows) line(r, false);
  doc.end();
  return done;
}
