/**
 * Fusion beats (AAMI class F): a ventricular ectopic focus and the normally conducted wavefront depolarise the
 * ventricles together, so the QRS is a blend of the patient's normal and ventricular complexes. The test here
 * models exactly that: the beat is fitted as a·normal + b·ventricular (least squares over all leads, each lead's
 * mean removed) and called fusion when both parts carry real weight and the blend explains the beat clearly
 * better than either template alone. Timing is checked by the classifier (fusion needs the sinus impulse to arrive
 * on time, so the beat is not premature).
 */
import { type BeatWindow, bestCorrelation } from './features';

export interface FusionFit {
  /** Share of the ventricular template in the fitted blend, by amplitude (0 = all normal, 1 = all ventricular). */
  ventricularShare: number;
  /** Explained variance of the blend, and of the normal and ventricular template alone (each scaled freely). */
  r2Blend: number;
  r2Normal: number;
  r2Ventricular: number;
}

/** Template `t` (no margin) aligned to the lag-0 window of a shape, edge values padding the shift. */
function aligned(t: Float32Array, lag: number, l: number, len: number, k: number): number {
  return t[l * len + Math.min(len - 1, Math.max(0, k - lag))];
}

/**
 * Fits the beat `shape` (with lag margin, as extracted) as a blend of the `normal` and `ventricular` templates.
 * Each template is first aligned to the beat at its own best lag.
 */
export function fusionFit(
  shape: Float32Array,
  normal: Float32Array,
  ventricular: Float32Array,
  leadCount: number,
  win: BeatWindow,
): FusionFit {
  const lagN = bestCorrelation(shape, normal, leadCount, win).lag;
  // The ectopic wavefront starts at its own moment, earlier or later than the conducted one: its lag is searched
  // over ±SHIFT_MS around its own best alignment, and the best blend is kept.
  const lagV0 = bestCorrelation(shape, ventricular, leadCount, win).lag;
  const shift = Math.round((SHIFT_MS / 1000) * win.sampleRate);
  let best = blendAt(shape, normal, ventricular, leadCount, win, lagN, lagV0);
  for (let d = -shift; d <= shift; d++) {
    if (d === 0) continue;
    const fit = blendAt(shape, normal, ventricular, leadCount, win, lagN, lagV0 + d);
    if (fit.ventricularShare > 0 && fit.ventricularShare < 1 && fit.r2Blend > best.r2Blend) best = fit;
  }
  return best;
}

/** How far (ms) the ventricular part of a blend may be shifted against its best single alignment. */
const SHIFT_MS = 40;

function blendAt(
  shape: Float32Array,
  normal: Float32Array,
  ventricular: Float32Array,
  leadCount: number,
  win: BeatWindow,
  lagN: number,
  lagV: number,
): FusionFit {
  const len = win.length;
  const span = len + 2 * win.lagMargin;
  let sxx = 0;
  let snn = 0;
  let svv = 0;
  let snv = 0;
  let sxn = 0;
  let sxv = 0;
  for (let l = 0; l < leadCount; l++) {
    const base = l * span + win.lagMargin;
    let mx = 0;
    let mn = 0;
    let mv = 0;
    for (let k = 0; k < len; k++) {
      mx += shape[base + k];
      mn += aligned(normal, lagN, l, len, k);
      mv += aligned(ventricular, lagV, l, len, k);
    }
    mx /= len;
    mn /= len;
    mv /= len;
    for (let k = 0; k < len; k++) {
      const x = shape[base + k] - mx;
      const n = aligned(normal, lagN, l, len, k) - mn;
      const v = aligned(ventricular, lagV, l, len, k) - mv;
      sxx += x * x;
      snn += n * n;
      svv += v * v;
      snv += n * v;
      sxn += x * n;
      sxv += x * v;
    }
  }
  const none: FusionFit = { ventricularShare: 0, r2Blend: 0, r2Normal: 0, r2Ventricular: 0 };
  if (sxx <= 0 || snn <= 0 || svv <= 0) return none;
  const r2Normal = (sxn * sxn) / (sxx * snn);
  const r2Ventricular = (sxv * sxv) / (sxx * svv);
  const det = snn * svv - snv * snv;
  if (det <= 1e-9 * snn * svv) return { ...none, r2Normal, r2Ventricular };
  const a = (sxn * svv - sxv * snv) / det;
  const b = (sxv * snn - sxn * snv) / det;
  // Explained variance of the least-squares blend: (a·sxn + b·sxv) / sxx.
  const r2Blend = (a * sxn + b * sxv) / sxx;
  // Amplitude each part contributes; a negative weight is not a blend of the two wavefronts.
  const partN = a * Math.sqrt(snn);
  const partV = b * Math.sqrt(svv);
  const ventricularShare = partN > 0 && partV > 0 ? partV / (partN + partV) : partV > 0 ? 1 : 0;
  return { ventricularShare, r2Blend, r2Normal, r2Ventricular };
}
