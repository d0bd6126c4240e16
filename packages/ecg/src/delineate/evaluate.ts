/**
 * Scoring a delineation against per-lead reference annotations (e.g. LUDB: one annotation file per lead with
 * '(' onset, 'p'/'N'/'t' peak, ')' offset). The reference global boundary of a beat is taken across leads: the
 * earliest onset and latest offset, or — `robust` — the second earliest and second latest, so that one lead
 * annotated generously does not decide. Differences (ours − reference) are reported in ms per boundary and per
 * interval, as IEC 60601-2-25 evaluates global measurements (mean and SD of the differences).
 */
import type { Delineation } from './index';

export interface ReferenceMark {
  sample: number;
  symbol: string;
}

interface Wave {
  kind: 'p' | 'qrs' | 't';
  onset: number;
  peak: number;
  offset: number;
}

/** Waves of one lead: each peak symbol bracketed by '(' and ')'. */
export function wavesFromMarks(marks: readonly ReferenceMark[]): Wave[] {
  const out: Wave[] = [];
  for (let i = 1; i + 1 < marks.length; i++) {
    const s = marks[i].symbol;
    const kind = s === 'p' ? 'p' : s === 't' ? 't' : s === 'N' ? 'qrs' : undefined;
    if (!kind || marks[i - 1].symbol !== '(' || marks[i + 1].symbol !== ')') continue;
    out.push({ kind, onset: marks[i - 1].sample, peak: marks[i].sample, offset: marks[i + 1].sample });
  }
  return out;
}

export type BoundaryErrors = Record<
  'pOnset' | 'pOffset' | 'qrsOnset' | 'qrsOffset' | 'tOffset' | 'pDuration' | 'pr' | 'qrsDuration' | 'qt',
  number[]
>;

export function scoreDelineation(
  delineation: Delineation,
  beats: Int32Array,
  leadsMarks: readonly (readonly ReferenceMark[])[],
  options: { robust?: boolean; minLeads?: number } = {},
): BoundaryErrors {
  const { medians, fiducials: f } = delineation;
  const fs = medians.sampleRate;
  const toMs = (samples: number) => (samples * 1000) / fs;
  const pick = options.robust ? 1 : 0;
  const minLeads = options.minLeads ?? Math.max(2, Math.ceil(leadsMarks.length / 2));
  const waves = leadsMarks.map(wavesFromMarks);
  const errors: BoundaryErrors = {
    pOnset: [],
    pOffset: [],
    qrsOnset: [],
    qrsOffset: [],
    tOffset: [],
    pDuration: [],
    pr: [],
    qrsDuration: [],
    qt: [],
  };
  const global = (kind: Wave['kind'], lo: number, hi: number) => {
    const found = waves.flatMap((w) => w.filter((x) => x.kind === kind && x.peak >= lo && x.peak <= hi));
    if (found.length < minLeads) return undefined;
    const on = found.map((x) => x.onset).sort((a, b) => a - b)[pick];
    const off = found.map((x) => x.offset).sort((a, b) => b - a)[pick];
    return { on, off };
  };
  medians.used.forEach((b, u) => {
    const fid = beats[b] + medians.shifts[u];
    const at = (x: number) => fid + (x - medians.fiducial);
    const qrs = global('qrs', fid - toSamples(60, fs), fid + toSamples(60, fs));
    if (!qrs) return;
    errors.qrsOnset.push(toMs(at(f.qrsOnset) - qrs.on));
    errors.qrsOffset.push(toMs(at(f.qrsOffset) - qrs.off));
    errors.qrsDuration.push(toMs(f.qrsOffset - f.qrsOnset - (qrs.off - qrs.on)));
    const t = global('t', fid + toSamples(60, fs), fid + toSamples(600, fs));
    if (t && f.tOffset !== undefined) {
      errors.tOffset.push(toMs(at(f.tOffset) - t.off));
      errors.qt.push(toMs(f.tOffset - f.qrsOnset - (t.off - qrs.on)));
    }
    const p = global('p', qrs.on - toSamples(350, fs), qrs.on - toSamples(10, fs));
    if (p && f.pOnset !== undefined && f.pOffset !== undefined) {
      errors.pOnset.push(toMs(at(f.pOnset) - p.on));
      errors.pOffset.push(toMs(at(f.pOffset) - p.off));
      errors.pDuration.push(toMs(f.pOffset - f.pOnset - (p.off - p.on)));
      errors.pr.push(toMs(f.qrsOnset - f.pOnset - (qrs.on - p.on)));
    }
  });
  return errors;
}

function toSamples(msValue: number, fs: number): number {
  return Math.round((msValue * fs) / 1000);
}

export function meanSd(values: readonly number[]): { mean: number; sd: number; n: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, sd: Number.NaN, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, n };
}
