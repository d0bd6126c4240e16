/**
 * The Holter (动态心电图) report: A4 landscape like the resting report, with the same header, diagnosis,
 * signatures and QR code. Page 1: the summary (heart rate min/mean/max with their times, ventricular and
 * supraventricular beats, runs, pauses, AF burden, HRV); page 2: the hourly table; then the event strips, six per
 * page, each 8 s of one lead at 25 mm/s and 10 mm/mV on a 1 mm / 5 mm grid with a calibration pulse. Pure layout:
 * pdf-holter-data.ts gathers the figures and strips.
 */
import PDFDocument from 'pdfkit';
import {
  calibrationPulse,
  drawDiagnosis,
  drawDraftMark,
  drawGrid,
  drawHeader,
  drawSignOff,
  type FontkitFont,
  mm,
  PAPER_SPEED,
  type PdfReportData,
  trace,
} from './pdf';

export interface HolterHourRow {
  /** Clock time of the hour's start, e.g. "08:00" (or "+03 h" without a known start time). */
  label: string;
  beats: number;
  minHr?: number;
  meanHr?: number;
  maxHr?: number;
  V: number;
  S: number;
}

export interface HolterStrip {
  /** What the strip shows, e.g. "停搏 Pause 2.8 s". */
  title: string;
  /** When, e.g. "10:42:13 (+02:42:13)". */
  at: string;
  lead: string;
  sampleRate: number;
  /** 8 s of the lead in microvolts (shorter at the end of the record). */
  samples: Float32Array;
}

export interface HolterPdfData {
  duration: string;
  heartRate: { min?: number; mean?: number; max?: number; minAt?: string; maxAt?: string };
  counts: { total: number; N: number; S: number; V: number };
  pvcBurdenPercent: number;
  pacBurdenPercent: number;
  runs: {
    vCouplets: number;
    vRuns: number;
    longestVRunBeats?: number;
    svCouplets: number;
    svRuns: number;
    longestSvRunBeats?: number;
    bigeminyEpisodes: number;
    trigeminyEpisodes: number;
  };
  pauses: { atLeast2s: number; atLeast3s: number; longestMs?: number; longestAt?: string };
  af: { burdenPercent: number; episodes: number; longestSec?: number };
  hrv: { sdnn?: number; rmssd?: number; pnn50?: number };
  hourly: HolterHourRow[];
  strips: HolterStrip[];
}

export const STRIP_SECONDS = 8;
const STRIPS_PER_PAGE = 6;
const STRIP = { x: 12, top: 24, pitch: 30.5, gridHeight: 25, width: STRIP_SECONDS * PAPER_SPEED + 7 };
const HOURS_PER_COLUMN = 26;

const n = (v: number | undefined, unit = '') => (v === undefined || v === null ? '—' : `${v}${unit}`);
const pct = (v: number) => `${(Math.round(v * 10) / 10).toFixed(1)} %`;

/** A small running header on the pages after the first. */
function pageHeader(doc: PDFKit.PDFDocument, data: PdfReportData, title: string, page: number): void {
  doc
    .fontSize(10)
    .fillColor('#000000')
    .text(`${data.hospital}  ${data.title}`, mm(12), mm(8), { lineBreak: false });
  doc.fontSize(8).text(`${data.patient.name}  报告号 ${data.reportNo}  第 ${page} 页`, mm(185), mm(9), {
    width: mm(100),
    align: 'right',
  });
  doc.moveTo(mm(12), mm(14)).lineTo(mm(285), mm(14)).lineWidth(0.6).stroke();
  doc.fontSize(10).text(title, mm(12), mm(16), { lineBreak: false });
}

function summaryColumn(
  doc: PDFKit.PDFDocument,
  x: number,
  y: number,
  title: string,
  rows: [string, string][],
) {
  doc.fontSize(10).fillColor('#000000').text(title, mm(x), mm(y), { lineBreak: false });
  doc.fontSize(9);
  rows.forEach(([k, v], i) => {
    doc.fillColor('#444444').text(k, mm(x + 1), mm(y + 6 + i * 4.6), { lineBreak: false });
    doc.fillColor('#000000').text(v, mm(x + 38), mm(y + 6 + i * 4.6), { lineBreak: false });
  });
}

function summaryPage(doc: PDFKit.PDFDocument, data: PdfReportData, h: HolterPdfData): void {
  // The record length is in the summary title; the header's "first 10 s shown" note is for resting pages.
  drawHeader(doc, { ...data, recordDuration: null });
  const top = 34;
  doc
    .fontSize(11)
    .fillColor('#000000')
    .text(`动态心电图摘要 Holter summary（记录 ${h.duration}）`, mm(12), mm(top));
  const y = top + 7;
  summaryColumn(doc, 12, y, '心率 Heart rate', [
    ['总心搏数 Beats', n(h.counts.total)],
    ['平均心率 Mean', n(h.heartRate.mean, ' bpm')],
    ['最慢心率 Min', `${n(h.heartRate.min, ' bpm')}${h.heartRate.minAt ? `  ${h.heartRate.minAt}` : ''}`],
    ['最快心率 Max', `${n(h.heartRate.max, ' bpm')}${h.heartRate.maxAt ? `  ${h.heartRate.maxAt}` : ''}`],
    ['SDNN', n(h.hrv.sdnn, ' ms')],
    ['RMSSD', n(h.hrv.rmssd, ' ms')],
    ['pNN50', h.hrv.pnn50 === undefined ? '—' : pct(h.hrv.pnn50)],
  ]);
  summaryColumn(doc, 105, y, '室性 / 室上性 Ectopy', [
    ['室性早搏 V beats', `${h.counts.V}（${pct(h.pvcBurdenPercent)}）`],
    ['成对室早 V couplets', n(h.runs.vCouplets)],
    [
      '室速 V runs',
      `${h.runs.vRuns}${h.runs.longestVRunBeats ? `（最长 ${h.runs.longestVRunBeats} 搏）` : ''}`,
    ],
    ['二/三联律 Bi-/trigeminy', `${h.runs.bigeminyEpisodes} / ${h.runs.trigeminyEpisodes}`],
    ['室上性早搏 S beats', `${h.counts.S}（${pct(h.pacBurdenPercent)}）`],
    ['成对室上早 S couplets', n(h.runs.svCouplets)],
    [
      '室上速 SV runs',
      `${h.runs.svRuns}${h.runs.longestSvRunBeats ? `（最长 ${h.runs.longestSvRunBeats} 搏）` : ''}`,
    ],
  ]);
  summaryColumn(doc, 200, y, '停搏 / 房颤 Pauses / AF', [
    ['RR ≥ 2 s', n(h.pauses.atLeast2s)],
    ['RR ≥ 3 s', n(h.pauses.atLeast3s)],
    [
      '最长 RR Longest',
      `${h.pauses.longestMs === undefined ? '—' : `${(h.pauses.longestMs / 1000).toFixed(2)} s`}${h.pauses.longestAt ? `  ${h.pauses.longestAt}` : ''}`,
    ],
    ['房颤负荷 AF burden', pct(h.af.burdenPercent)],
    ['房颤阵数 AF episodes', n(h.af.episodes)],
    ['最长房颤 Longest AF', h.af.longestSec === undefined ? '—' : `${Math.round(h.af.longestSec / 60)} min`],
  ]);
  const below = y + 6 + 7 * 4.6 + 6;
  doc
    .moveTo(mm(12), mm(below - 3))
    .lineTo(mm(285), mm(below - 3))
    .lineWidth(0.4)
    .stroke();
  drawDiagnosis(doc, data, below);
  drawSignOff(doc, data, below);
}

function hourlyPage(doc: PDFKit.PDFDocument, data: PdfReportData, h: HolterPdfData, page: number): void {
  pageHeader(doc, data, '逐小时统计 Hourly table', page);
  const cols: [string, number][] = [
    ['时间 Hour', 0],
    ['心搏数 Beats', 22],
    ['最慢 Min', 46],
    ['平均 Mean', 64],
    ['最快 Max', 84],
    ['室早 V', 104],
    ['室上早 S', 120],
  ];
  const shown = h.hourly.slice(0, HOURS_PER_COLUMN * 2);
  for (let block = 0; block * HOURS_PER_COLUMN < shown.length; block++) {
    const x0 = 12 + block * 140;
    const rows = shown.slice(block * HOURS_PER_COLUMN, (block + 1) * HOURS_PER_COLUMN);
    doc.fontSize(8).fillColor('#000000');
    for (const [label, dx] of cols) doc.text(label, mm(x0 + dx), mm(24), { lineBreak: false });
    doc
      .moveTo(mm(x0), mm(28.5))
      .lineTo(mm(x0 + 136), mm(28.5))
      .lineWidth(0.4)
      .stroke();
    rows.forEach((r, i) => {
      const y = 30 + i * 6.2;
      const cells = [r.label, String(r.beats), n(r.minHr), n(r.meanHr), n(r.maxHr), String(r.V), String(r.S)];
      cells.forEach((c, k) => {
        doc.text(c, mm(x0 + cols[k][1]), mm(y), { lineBreak: false });
      });
    });
  }
  if (h.hourly.length > shown.length) {
    doc
      .fontSize(8)
      .fillColor('#a00000')
      .text(
        `另有 ${h.hourly.length - shown.length} 小时未列出 (${h.hourly.length} h recorded)`,
        mm(12),
        mm(200),
        {
          lineBreak: false,
        },
      );
  }
}

function stripPage(doc: PDFKit.PDFDocument, data: PdfReportData, strips: HolterStrip[], page: number): void {
  pageHeader(doc, data, '事件条图 Event strips  25 mm/s  10 mm/mV', page);
  strips.forEach((s, i) => {
    const top = STRIP.top + i * STRIP.pitch;
    doc
      .fontSize(8)
      .fillColor('#000000')
      .text(`${s.title}    ${s.at}    ${s.lead}`, mm(STRIP.x), mm(top), { lineBreak: false });
    const gridTop = top + 4;
    drawGrid(doc, { x: STRIP.x, y: gridTop, width: STRIP.width, height: STRIP.gridHeight });
    const baseline = gridTop + STRIP.gridHeight * 0.6;
    doc.save().lineWidth(0.6).strokeColor('#000000').lineJoin('round');
    calibrationPulse(doc, baseline, STRIP.x + 0.5);
    trace(doc, s.samples, s.sampleRate, 0, STRIP_SECONDS, STRIP.x + 7, baseline, STRIP.gridHeight * 0.58);
    doc.stroke().restore();
  });
}

export async function renderHolterPdf(
  data: PdfReportData,
  h: HolterPdfData,
  font: FontkitFont,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    info: { Title: `动态心电图报告 ${data.reportNo}`, Author: data.hospital, Producer: 'Lifeline' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('cjk', font as never);
  doc.font('cjk');
  summaryPage(doc, data, h);
  if (data.draft) drawDraftMark(doc);
  let page = 2;
  doc.addPage();
  hourlyPage(doc, data, h, page++);
  if (data.draft) drawDraftMark(doc);
  for (let i = 0; i < h.strips.length; i += STRIPS_PER_PAGE) {
    doc.addPage();
    stripPage(doc, data, h.strips.slice(i, i + STRIPS_PER_PAGE), page++);
    if (data.draft) drawDraftMark(doc);
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
