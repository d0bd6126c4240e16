/**
 * The clinical ECG report page: A4 landscape, header (hospital, patient, order), measurements, the 12 leads as
 * 3×4 plus a rhythm strip of II at 25 mm/s and 10 mm/mV on a 1 mm / 5 mm grid with a 1 mV calibration pulse per
 * row, statements and conclusion, signatures with times, and a QR code to verify the signature. Pure layout: the
 * caller gathers the data (pdf-data.ts). Text uses a CJK font (Noto Sans CJK from Debian's fonts-noto-cjk).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

export const DEFAULT_FONT_PATH = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
/** The face inside the .ttc collection: Simplified Chinese. */
export const DEFAULT_FONT_NAME = 'NotoSansCJKsc-Regular';

/** Where the report font is read from: LIFELINE_PDF_FONT (and LIFELINE_PDF_FONT_NAME for a collection). */
export function reportFontConfig(env: Record<string, string | undefined> = process.env) {
  return {
    path: env.LIFELINE_PDF_FONT || DEFAULT_FONT_PATH,
    name: env.LIFELINE_PDF_FONT_NAME || DEFAULT_FONT_NAME,
  };
}

export class ReportFontError extends Error {}

export type FontkitFont = { postscriptName: string; layout: unknown };
const fontCache = new Map<string, FontkitFont>();

/** Parsing a 20 MB collection takes ~50 ms: done once per process, the font object is shared by every PDF. */
export function loadReportFont(path: string, name: string): FontkitFont {
  const key = `${path}#${name}`;
  const cached = fontCache.get(key);
  if (cached) return cached;
  if (!existsSync(path)) {
    throw new ReportFontError(
      `report PDF font not found at ${path}: install Debian's fonts-noto-cjk, or set LIFELINE_PDF_FONT to a ` +
        'TrueType/OpenType font with Chinese glyphs',
    );
  }
  let font: FontkitFont | null;
  try {
    font = (fontkit as unknown as { create(b: Buffer, n?: string): FontkitFont | null }).create(
      readFileSync(path),
      path.toLowerCase().endsWith('.ttc') ? name : undefined,
    );
  } catch (err) {
    throw new ReportFontError(`report PDF font ${path} could not be read: ${(err as Error).message}`);
  }
  if (!font || typeof font.layout !== 'function') {
    throw new ReportFontError(
      `report PDF font ${path} has no face named ${name} (set LIFELINE_PDF_FONT_NAME)`,
    );
  }
  fontCache.set(key, font);
  return font;
}

/**
 * The first PDF of a process pays for parsing the font's CFF table and warming the layout code (about 1 s on a
 * busy 2-core machine); the server does it once at start so that the first signature is not the slow one.
 */
export async function warmUpReportPdf(font: FontkitFont): Promise<void> {
  // A full page with a flat 10 s trace per lead runs every drawing path once.
  const flat = new Float32Array(5000);
  await renderReportPdf(
    {
      hospital: '医院',
      title: '心电图报告  ECG Report',
      recordDuration: null,
      department: null,
      patient: { name: '预热', sex: '男', age: '60岁', identifiers: [] },
      order: null,
      acquiredAt: '2026-01-01 00:00:00',
      device: null,
      reportNo: 'WARM-UP',
      version: 1,
      draft: true,
      amendmentReason: null,
      measurements: [{ label: '心率', value: '60 bpm', corrected: false }],
      statements: ['窦性心律（Sinus rhythm）'],
      conclusion: '正常心电图',
      freeText: '',
      comparison: '与 2026-01-01 心电图比较：无明显变化',
      signatures: [{ step: '签发', name: '医师', at: '2026-01-01 00:00:00' }],
      verifyUrl: 'https://localhost/api/public/reports/verify/warm-up',
      contentHash: '0'.repeat(64),
      waveform: { sampleRate: 500, leads: Object.fromEntries(LAYOUT.flat().map((n) => [n, flat])) },
      filters: '',
    },
    font,
  );
}

export interface PdfReportData {
  hospital: string;
  /** Per template: 心电图报告, 动态心电图报告 (Holter), 儿童心电图报告. */
  title: string;
  /** Shown for long recordings, e.g. '24 h 00 min' (the page draws their first 10 s). */
  recordDuration: string | null;
  department: string | null;
  patient: { name: string; sex: string; age: string; identifiers: { label: string; value: string }[] };
  order: { accession: string; department: string | null; clinician: string | null; priority: string } | null;
  acquiredAt: string;
  device: string | null;
  reportNo: string;
  version: number;
  /** Unsigned versions print as a draft (watermark, no QR code). */
  draft: boolean;
  amendmentReason: string | null;
  measurements: { label: string; value: string; corrected: boolean }[];
  statements: string[];
  conclusion: string;
  freeText: string;
  /** Serial comparison with the patient's previous ECG, one line (null without one). */
  comparison: string | null;
  signatures: { step: string; name: string; at: string }[];
  verifyUrl: string | null;
  contentHash: string | null;
  /** Samples in µV by lead name, from time 0 (at least 10 s wanted). */
  waveform: { sampleRate: number; leads: Record<string, Float32Array> } | null;
  filters: string;
}

const MM = 72 / 25.4;
export const mm = (v: number) => v * MM;
export const PAPER_SPEED = 25; // mm/s
export const GAIN = 10; // mm/mV
const GRID = { x: 12, y: 34, width: 273, rowHeight: 26, rows: 4 };
const TRACE_X = GRID.x + 7; // after the calibration pulse
const LAYOUT = [
  ['I', 'aVR', 'V1', 'V4'],
  ['II', 'aVL', 'V2', 'V5'],
  ['III', 'aVF', 'V3', 'V6'],
];

/** The 1 mm / 5 mm grid over an area in millimetres (default: the 12-lead area of the page). */
export function drawGrid(
  doc: PDFKit.PDFDocument,
  { x, y, width, height } = { x: GRID.x, y: GRID.y, width: GRID.width, height: GRID.rowHeight * GRID.rows },
): void {
  doc.save().lineWidth(0.2).strokeColor('#f4c7c3');
  for (let i = 0; i <= width; i++) if (i % 5) doc.moveTo(mm(x + i), mm(y)).lineTo(mm(x + i), mm(y + height));
  for (let j = 0; j <= height; j++) if (j % 5) doc.moveTo(mm(x), mm(y + j)).lineTo(mm(x + width), mm(y + j));
  doc.stroke();
  doc.lineWidth(0.55).strokeColor('#e0867e');
  for (let i = 0; i <= width; i += 5) doc.moveTo(mm(x + i), mm(y)).lineTo(mm(x + i), mm(y + height));
  for (let j = 0; j <= height; j += 5) doc.moveTo(mm(x), mm(y + j)).lineTo(mm(x + width), mm(y + j));
  doc.stroke().restore();
}

/** 1 mV for 200 ms: 10 mm high, 5 mm wide at 25 mm/s and 10 mm/mV. */
export function calibrationPulse(doc: PDFKit.PDFDocument, baseline: number, x = GRID.x + 0.5): void {
  doc
    .moveTo(mm(x), mm(baseline))
    .lineTo(mm(x + 1), mm(baseline))
    .lineTo(mm(x + 1), mm(baseline - GAIN))
    .lineTo(mm(x + 6), mm(baseline - GAIN))
    .lineTo(mm(x + 6), mm(baseline))
    .lineTo(mm(x + 6.5), mm(baseline));
}

/**
 * One lead from t0 to t1 seconds, starting at x (mm). Samples are bucketed per 0.2 mm keeping each bucket's
 * minimum and maximum in time order, so QRS peaks survive the thinning.
 */
export function trace(
  doc: PDFKit.PDFDocument,
  samples: Float32Array,
  sampleRate: number,
  t0: number,
  t1: number,
  x: number,
  baseline: number,
  limit = GRID.rowHeight * 0.75,
): void {
  const from = Math.max(0, Math.floor(t0 * sampleRate));
  const to = Math.min(samples.length, Math.floor(t1 * sampleRate));
  if (to - from < 2) return;
  const bucket = Math.max(1, Math.round((0.2 / PAPER_SPEED) * sampleRate));
  const y = (uv: number) => mm(baseline - Math.max(-limit, Math.min(limit, (uv / 1000) * GAIN)));
  const xAt = (i: number) => mm(x + ((i - from) / sampleRate) * PAPER_SPEED);
  let started = false;
  const point = (i: number) => {
    const v = samples[i];
    if (!Number.isFinite(v)) return;
    if (started) doc.lineTo(xAt(i), y(v));
    else {
      doc.moveTo(xAt(i), y(v));
      started = true;
    }
  };
  for (let i = from; i < to; i += bucket) {
    let lo = i;
    let hi = i;
    for (let k = i; k < Math.min(to, i + bucket); k++) {
      if (samples[k] < samples[lo]) lo = k;
      if (samples[k] > samples[hi]) hi = k;
    }
    if (lo === hi) point(lo);
    else if (lo < hi) {
      point(lo);
      point(hi);
    } else {
      point(hi);
      point(lo);
    }
  }
}

function drawLeads(doc: PDFKit.PDFDocument, data: PdfReportData): void {
  const wf = data.waveform;
  doc.save().lineWidth(0.6).strokeColor('#000000').lineJoin('round');
  for (let row = 0; row < GRID.rows; row++) {
    const baseline = GRID.y + GRID.rowHeight * row + GRID.rowHeight * 0.6;
    calibrationPulse(doc, baseline);
    if (!wf) continue;
    if (row < 3) {
      LAYOUT[row].forEach((lead, col) => {
        const samples = wf.leads[lead];
        if (samples)
          trace(doc, samples, wf.sampleRate, col * 2.5, (col + 1) * 2.5, TRACE_X + col * 62.5, baseline);
      });
    } else if (wf.leads.II) {
      trace(doc, wf.leads.II, wf.sampleRate, 0, 10, TRACE_X, baseline);
    }
  }
  doc.stroke();
  // Lead separators and names.
  doc.lineWidth(0.8);
  for (let row = 0; row < 3; row++) {
    const baseline = GRID.y + GRID.rowHeight * row + GRID.rowHeight * 0.6;
    for (let col = 1; col < 4; col++) {
      const x = TRACE_X + col * 62.5;
      doc.moveTo(mm(x), mm(baseline - 3)).lineTo(mm(x), mm(baseline + 3));
    }
  }
  doc.stroke().restore();
  doc.fontSize(8).fillColor('#000000');
  for (let row = 0; row < GRID.rows; row++) {
    const top = GRID.y + GRID.rowHeight * row + 1;
    const names = row < 3 ? LAYOUT[row] : ['II'];
    for (const [col, name] of names.entries()) {
      doc.text(name, mm(TRACE_X + col * 62.5 + 1.5), mm(top), { lineBreak: false });
    }
  }
  if (!wf) {
    doc
      .fontSize(12)
      .fillColor('#555555')
      .text('波形不可用 Waveform unavailable', mm(GRID.x + 90), mm(GRID.y + 45), { lineBreak: false });
  }
}

export function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / n;
  doc.save().fillColor('#000000');
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.modules.get(r, c))
        doc.rect(mm(x + c * cell), mm(y + r * cell), mm(cell) + 0.05, mm(cell) + 0.05);
    }
  }
  doc.fill().restore();
}

/** Hospital, title, report number, patient, order and measurements (* marks a hand-corrected value). */
export function drawHeader(doc: PDFKit.PDFDocument, data: PdfReportData): void {
  doc.fontSize(15).fillColor('#000000').text(data.hospital, mm(12), mm(7), { lineBreak: false });
  doc.fontSize(13).text(data.title, mm(95), mm(7.5), { width: mm(110), align: 'center' });
  doc
    .fontSize(8)
    .text(`报告号 ${data.reportNo}  第 ${data.version} 版${data.draft ? '（草稿）' : ''}`, mm(200), mm(8.5), {
      width: mm(85),
      align: 'right',
    });
  doc.moveTo(mm(12), mm(15)).lineTo(mm(285), mm(15)).lineWidth(0.8).stroke();
  const p = data.patient;
  const line1 = [
    `姓名 ${p.name}`,
    `性别 ${p.sex}`,
    `年龄 ${p.age}`,
    ...p.identifiers.map((i) => `${i.label} ${i.value}`),
    `检查时间 ${data.acquiredAt}`,
    data.recordDuration ? `记录时长 ${data.recordDuration}（图示前 10 秒）` : '',
  ]
    .filter(Boolean)
    .join('    ');
  doc.fontSize(9).text(line1, mm(12), mm(17), { width: mm(273), lineBreak: false });
  const o = data.order;
  const line2 = [
    o ? `申请单号 ${o.accession}` : '申请单号 —',
    `申请科室 ${o?.department ?? '—'}`,
    `申请医生 ${o?.clinician ?? '—'}`,
    `优先级 ${o?.priority ?? '常规'}`,
    `检查科室 ${data.department ?? '心电图室'}`,
    data.device ? `设备 ${data.device}` : '',
  ]
    .filter(Boolean)
    .join('    ');
  doc.text(line2, mm(12), mm(22), { width: mm(273), lineBreak: false });
  const line3 = data.measurements.map((m) => `${m.label} ${m.value}${m.corrected ? '*' : ''}`).join('    ');
  doc.fontSize(9).text(line3, mm(12), mm(27.5), { width: mm(273), lineBreak: false });
}

/** Signatures with times from `top` (mm) down the right-hand column, and the QR code to verify them. */
export function drawSignOff(doc: PDFKit.PDFDocument, data: PdfReportData, top: number): void {
  doc.fontSize(8).fillColor('#000000');
  let sy = top;
  for (const s of data.signatures) {
    doc.text(`${s.step}：${s.name}  ${s.at}`, mm(200), mm(sy), { width: mm(85), lineBreak: false });
    sy += 4;
  }
  if (data.verifyUrl) {
    drawQr(doc, data.verifyUrl, 259, 176, 26);
    doc
      .fontSize(6.5)
      .text('扫码验证电子签名', mm(200), mm(184), { lineBreak: false })
      .text('Scan to verify the e-signature', mm(200), mm(187.5), { lineBreak: false })
      .text(`SHA-256 ${data.contentHash?.slice(0, 32) ?? ''}`, mm(200), mm(191), { lineBreak: false })
      .text(`${data.contentHash?.slice(32) ?? ''}`, mm(200), mm(194), { lineBreak: false });
  }
}

/** The watermark of an unsigned version. */
export function drawDraftMark(doc: PDFKit.PDFDocument): void {
  doc
    .save()
    .rotate(-20, { origin: [mm(148), mm(105)] })
    .fontSize(60)
    .fillColor('#b0b0b0')
    .fillOpacity(0.35)
    .text('草稿 未签发 DRAFT', mm(50), mm(90), { lineBreak: false })
    .restore();
}

/** Statements, conclusion, serial comparison, free text and any amendment reason, from `top` (mm) down. */
export function drawDiagnosis(doc: PDFKit.PDFDocument, data: PdfReportData, top: number): void {
  let y = top;
  doc.fontSize(10).fillColor('#000000').text('心电图诊断 Interpretation', mm(12), mm(y));
  y += 5;
  doc.fontSize(9);
  data.statements.forEach((s, i) => {
    if (y > 196) return;
    doc.text(`${i + 1}. ${s}`, mm(14), mm(y), { width: mm(180), lineBreak: false });
    y += 4.3;
  });
  if (data.conclusion && y < 198) {
    doc
      .fontSize(10)
      .text(`结论：${data.conclusion}`, mm(12), mm(y + 0.5), { width: mm(185), height: mm(12) });
    y += 6;
  }
  if (data.comparison && y < 200) {
    doc.fontSize(8).text(data.comparison, mm(12), mm(y), { width: mm(185), lineBreak: false });
    y += 4;
  }
  if (data.freeText && y < 200)
    doc.fontSize(8).text(data.freeText, mm(12), mm(y), { width: mm(185), height: mm(8) });
  if (data.amendmentReason) {
    doc
      .fontSize(8)
      .fillColor('#a00000')
      .text(`更正说明 Amendment: ${data.amendmentReason}`, mm(12), mm(203), {
        lineBreak: false,
      });
  }
}

export async function renderReportPdf(data: PdfReportData, font: FontkitFont): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    info: { Title: `心电图报告 ${data.reportNo}`, Author: data.hospital, Producer: 'Lifeline' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('cjk', font as never);
  doc.font('cjk');

  drawHeader(doc, data);
  drawGrid(doc);
  drawLeads(doc, data);
  const gridBottom = GRID.y + GRID.rowHeight * GRID.rows;
  doc
    .fontSize(7)
    .fillColor('#333333')
    .text(
      `25 mm/s   10 mm/mV   ${data.filters}   * 技师校正值 corrected by technician`,
      mm(12),
      mm(gridBottom + 1),
      {
        lineBreak: false,
      },
    );

  drawDiagnosis(doc, data, gridBottom + 6);
  drawSignOff(doc, data, gridBottom + 6);
  if (data.draft) drawDraftMark(doc);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
