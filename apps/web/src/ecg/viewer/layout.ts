/**
 * Paper-ECG layouts: which lead is drawn where and for which time span. All positions are in millimetres of
 * paper, so the same layout draws at true size on screen (pxPerMm) and in print.
 */
import type { LayoutName, ViewSettings } from './types';

export const LIMB_AND_CHEST = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

/** Left margin holding the calibration pulse, in mm. */
export const MARGIN_MM = 12;

export interface Panel {
  lead: string;
  /** Top-left of the panel's row on paper (mm); the baseline is at y + rowHeight / 2. */
  x: number;
  y: number;
  width: number;
  rowHeight: number;
  /** Seconds of the recording shown (relative to the view's start). */
  t0: number;
  t1: number;
  /** First panel of a row draws the calibration pulse. */
  calibration: boolean;
  rhythm: boolean;
}

export interface Layout {
  panels: Panel[];
  width: number;
  height: number;
}

export function rowHeightMm(gain: number): number {
  return 3 * gain + 10;
}

function orderedLeads(available: string[]): string[] {
  const standard = LIMB_AND_CHEST.filter((l) => available.includes(l));
  return standard.length >= 6 ? standard : available;
}

/**
 * @param duration seconds available from the view's start
 */
export function computeLayout(
  available: string[],
  duration: number,
  s: Pick<ViewSettings, 'speed' | 'gain' | 'layout' | 'rhythmLeads'>,
  stripSeconds?: number,
): Layout {
  const leads = orderedLeads(available);
  const rh = rowHeightMm(s.gain);
  const panels: Panel[] = [];
  const rhythm = s.rhythmLeads.filter((l) => available.includes(l));
  const rhythmLeads = rhythm.length ? rhythm : [leads.includes('II') ? 'II' : leads[0]];
  const grid = (cols: number, rows: number, span: number, layoutLeads: string[]) => {
    for (let c = 0; c < cols; c++) {
      for (let r = 0; r < rows; r++) {
        const lead = layoutLeads[c * rows + r];
        if (!lead) continue;
        const t0 = c * span;
        if (t0 >= duration) continue;
        panels.push({
          lead,
          x: MARGIN_MM + c * span * s.speed,
          y: r * rh,
          width: span * s.speed,
          rowHeight: rh,
          t0,
          t1: Math.min(duration, t0 + span),
          calibration: c === 0,
          rhythm: false,
        });
      }
    }
  };
  const addRhythm = (startRow: number, strips: string[], span: number) => {
    strips.forEach((lead, i) => {
      panels.push({
        lead,
        x: MARGIN_MM,
        y: (startRow + i) * rh,
        width: span * s.speed,
        rowHeight: rh,
        t0: 0,
        t1: Math.min(duration, span),
        calibration: true,
        rhythm: true,
      });
    });
  };
  const layout: LayoutName = leads.length < 12 && s.layout !== 'strip' ? '12x1' : s.layout;
  let rows = 0;
  let span = Math.min(duration, 10);
  switch (layout) {
    case '3x4+1':
    case '3x4+3': {
      grid(4, 3, span / 4, leads);
      const strips =
        layout === '3x4+1'
          ? rhythmLeads.slice(0, 1)
          : [...rhythmLeads, 'V1', 'V5']
              .filter((l, i, a) => a.indexOf(l) === i && available.includes(l))
              .slice(0, 3);
      addRhythm(3, strips, span);
      rows = 3 + strips.length;
      break;
    }
    case '6x2':
      grid(2, 6, span / 2, leads);
      addRhythm(6, rhythmLeads.slice(0, 1), span);
      rows = 7;
      break;
    case '12x1':
      grid(1, leads.length, span, leads);
      rows = leads.length;
      break;
    case 'strip': {
      span = Math.min(duration, stripSeconds ?? duration);
      const strips = leads.slice(0, Math.min(leads.length, 3));
      grid(1, strips.length, span, strips);
      rows = strips.length;
      break;
    }
  }
  const width = MARGIN_MM + span * s.speed + 2;
  return { panels, width, height: rows * rh + 2 };
}
