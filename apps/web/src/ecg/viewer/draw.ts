/**
 * Drawing on a canvas in paper millimetres: the 1 mm / 5 mm grid, the 1 mV calibration pulse, the traces
 * (min/max per pixel column when several samples share a pixel, so a long strip keeps its spikes), lead labels,
 * beat markers by class, and the calipers' readout.
 */
import type { Layout, Panel } from './layout';
import type { BeatMarks, ViewSettings, WaveformWindow } from './types';

export const BEAT_COLOURS: Record<string, string> = {
  N: '#595959',
  S: '#1677ff',
  V: '#d4380d',
  F: '#722ed1',
  Q: '#d48806',
  P: '#389e0d',
};

export interface Caliper {
  /** Paper millimetres. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function caliperReadout(c: Caliper, s: Pick<ViewSettings, 'speed' | 'gain'>) {
  const ms = (Math.abs(c.x1 - c.x0) / s.speed) * 1000;
  const mv = (c.y0 - c.y1) / s.gain;
  return { ms, mv, bpm: ms > 0 ? 60000 / ms : 0 };
}

export function drawGrid(ctx: CanvasRenderingContext2D, layout: Layout, mm: number): void {
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, layout.width * mm, layout.height * mm);
  const draw = (step: number, colour: string, width: number) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    for (let x = 0; x <= layout.width; x += step) {
      const px = Math.round(x * mm) + 0.5;
      ctx.moveTo(px, 0);
      ctx.lineTo(px, layout.height * mm);
    }
    for (let y = 0; y <= layout.height; y += step) {
      const py = Math.round(y * mm) + 0.5;
      ctx.moveTo(0, py);
      ctx.lineTo(layout.width * mm, py);
    }
    ctx.stroke();
  };
  // Minor lines only when they are at least ~3 px apart: denser lines would paint the page pink.
  if (mm >= 3) draw(1, '#fbe3e3', 1);
  draw(5, '#f0a8a8', 1);
}

/**
 * What does not move while the view scrolls, in device pixels: the grid and each row's calibration pulse. Drawn
 * once per layout/scale into an offscreen canvas; each frame copies it 1:1 (same pixels as drawing it directly).
 */
export function drawBackground(
  target: HTMLCanvasElement,
  layout: Layout,
  s: ViewSettings,
  mm: number,
  dpr: number,
): void {
  const ctx = target.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  drawGrid(ctx, layout, mm);
  for (const p of layout.panels) if (p.calibration) drawCalibration(ctx, p, s, mm);
}

function baseline(p: Panel): number {
  return p.y + p.rowHeight / 2;
}

export function drawCalibration(ctx: CanvasRenderingContext2D, p: Panel, s: ViewSettings, mm: number): void {
  const y = baseline(p);
  const x = 2;
  const w = 0.2 * s.speed; // 200 ms wide
  const h = 1 * s.gain; // 1 mV
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 1.2;
  ctx.beginPath();
  ctx.moveTo(x * mm, y * mm);
  ctx.lineTo((x + 1) * mm, y * mm);
  ctx.lineTo((x + 1) * mm, (y - h) * mm);
  ctx.lineTo((x + 1 + w) * mm, (y - h) * mm);
  ctx.lineTo((x + 1 + w) * mm, y * mm);
  ctx.lineTo((x + 2 + w) * mm, y * mm);
  ctx.stroke();
}

export function drawTrace(
  ctx: CanvasRenderingContext2D,
  p: Panel,
  data: WaveformWindow,
  viewStart: number,
  s: ViewSettings,
  mm: number,
): void {
  const lead = data.leads.find((l) => l.name === p.lead);
  if (!lead) return;
  const fs = data.sampleRate;
  const y0 = baseline(p) * mm;
  const scaleY = (s.gain / 1000) * mm; // µV → px
  const first = Math.max(0, Math.floor((viewStart + p.t0 - data.start) * fs));
  const last = Math.min(lead.samples.length - 1, Math.ceil((viewStart + p.t1 - data.start) * fs));
  if (last <= first) return;
  // Remove the panel's own offset (median of a sparse sample) so baseline wander does not push the trace away.
  const probe: number[] = [];
  const stride = Math.max(1, Math.floor((last - first) / 64));
  for (let i = first; i <= last; i += stride) probe.push(lead.samples[i]);
  probe.sort((a, b) => a - b);
  const offset = probe[Math.floor(probe.length / 2)] ?? 0;
  const xOf = (i: number) => (p.x + (i / fs + data.start - viewStart - p.t0) * s.speed) * mm;
  const samplesPerPx = fs / (s.speed * mm);
  ctx.save();
  ctx.beginPath();
  ctx.rect(p.x * mm, p.y * mm, p.width * mm, p.rowHeight * mm);
  ctx.clip();
  ctx.strokeStyle = '#000';
  ctx.fillStyle = '#000';
  ctx.lineWidth = 1.1;
  ctx.lineJoin = 'round';
  if (samplesPerPx <= 2) {
    ctx.beginPath();
    ctx.moveTo(xOf(first), y0 - (lead.samples[first] - offset) * scaleY);
    for (let i = first + 1; i <= last; i++) ctx.lineTo(xOf(i), y0 - (lead.samples[i] - offset) * scaleY);
    ctx.stroke();
  } else {
    // Several samples per pixel column: one 1-pixel-wide bar per column from its minimum to its maximum, reaching
    // the previous column's last sample so the trace stays joined; the bars make one path filled once (filling
    // rectangles rasterises far cheaper than stroking a path with round joins, and one fill records one drawing
    // operation, not one per column). A column's last sample is found arithmetically (x grows linearly with the
    // index), not by testing each sample's x.
    const x0 = xOf(0);
    const pxPerSample = (s.speed * mm) / fs;
    const samples = lead.samples;
    let i = first;
    let previous = samples[first];
    ctx.beginPath();
    while (i <= last) {
      const px = Math.floor(x0 + i * pxPerSample);
      let end = Math.ceil((px + 1 - x0) / pxPerSample) - 1;
      if (end < i) end = i;
      if (end > last) end = last;
      let lo = previous;
      let hi = previous;
      for (let j = i; j <= end; j++) {
        const v = samples[j];
        if (v < lo) lo = v;
        else if (v > hi) hi = v;
      }
      previous = samples[end];
      const yHi = y0 - (hi - offset) * scaleY;
      const yLo = y0 - (lo - offset) * scaleY;
      ctx.rect(px, yHi - 0.5, 1, yLo - yHi + 1);
      i = end + 1;
    }
    ctx.fill();
  }
  ctx.restore();
  ctx.fillStyle = '#000';
  ctx.font = `${Math.max(10, 3.2 * mm)}px sans-serif`;
  ctx.fillText(p.lead, (p.x + 1) * mm, (p.y + 4) * mm);
}

export function drawBeats(
  ctx: CanvasRenderingContext2D,
  p: Panel,
  beats: BeatMarks,
  fs: number,
  viewStart: number,
  s: ViewSettings,
  mm: number,
): void {
  ctx.font = `${Math.max(9, 2.6 * mm)}px sans-serif`;
  for (let k = 0; k < beats.samples.length; k++) {
    const t = beats.samples[k] / fs - viewStart;
    if (t < p.t0 || t >= p.t1) continue;
    const x = (p.x + (t - p.t0) * s.speed) * mm;
    const cls = beats.classes?.[k] ?? 'N';
    ctx.fillStyle = BEAT_COLOURS[cls] ?? '#595959';
    ctx.fillRect(x - 0.5, (p.y + p.rowHeight - 3) * mm, 1, 2 * mm);
    if (cls !== 'N') ctx.fillText(cls, x - 2, (p.y + p.rowHeight - 3.5) * mm);
  }
}

export function drawCaliper(ctx: CanvasRenderingContext2D, c: Caliper, s: ViewSettings, mm: number): void {
  const r = caliperReadout(c, s);
  ctx.save();
  ctx.strokeStyle = '#1677ff';
  ctx.lineWidth = 1.5;
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  for (const x of [c.x0, c.x1]) {
    ctx.moveTo(x * mm, Math.min(c.y0, c.y1) * mm - 20);
    ctx.lineTo(x * mm, Math.max(c.y0, c.y1) * mm + 20);
  }
  for (const y of [c.y0, c.y1]) {
    ctx.moveTo(Math.min(c.x0, c.x1) * mm - 20, y * mm);
    ctx.lineTo(Math.max(c.x0, c.x1) * mm + 20, y * mm);
  }
  ctx.stroke();
  ctx.setLineDash([]);
  const label = `${r.ms.toFixed(0)} ms · ${r.mv.toFixed(2)} mV · ${r.bpm.toFixed(0)} bpm`;
  ctx.font = '13px sans-serif';
  const w = ctx.measureText(label).width + 10;
  const x = Math.max(c.x0, c.x1) * mm + 6;
  const y = Math.min(c.y0, c.y1) * mm - 8;
  ctx.fillStyle = 'rgba(255,255,255,0.92)';
  ctx.fillRect(x, y - 15, w, 20);
  ctx.fillStyle = '#0958d9';
  ctx.fillText(label, x + 5, y);
  ctx.restore();
}
