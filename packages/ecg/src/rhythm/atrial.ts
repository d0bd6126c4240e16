/**
 * Atrial activity: how consistent the signal before each QRS is from beat to beat. A sinus or ectopic atrial
 * rhythm puts the same P wave at the same distance before every QRS, so the pre-QRS segments of neighbouring
 * beats correlate; in atrial fibrillation the baseline carries fibrillatory waves unrelated to the QRS and the
 * segments do not. (P-wave absence is the second diagnostic sign of AF besides RR irregularity; see e.g.
 * Ladavich & Ghoraani, Biomed Signal Process Control 2015;18:274–281, for a model-based variant.)
 */
import { morphologyFilter } from '../classify/preprocess';

export interface AtrialActivityInput {
  /** Raw samples per lead (µV), equal lengths. */
  leads: Float32Array[];
  sampleRate: number;
  /** Beat positions relative to the start of `leads`, ascending. */
  positions: Int32Array;
  /** Beats in the comparison window (default 10). */
  windowBeats?: number;
  /** `morphologyFilter` of each lead when the caller already has it. */
  filtered?: Float32Array[];
}

/**
 * Per-beat P-wave consistency, −1…1 (≈0.7–0.95 with P waves, ≈0–0.4 in AF); NaN when the beat is too close to
 * the signal start or to the previous beat for a P-wave segment.
 */
export function atrialActivity(input: AtrialActivityInput): Float32Array {
  const { leads, sampleRate: fs, positions } = input;
  const n = positions.length;
  const out = new Float32Array(n).fill(Number.NaN);
  if (n === 0 || leads.length === 0) return out;
  const filtered = input.filtered ?? leads.map((x) => morphologyFilter(x, fs));
  const from = Math.round(0.3 * fs);
  const to = Math.round(0.08 * fs);
  const len = from - to;
  const L = leads.length;
  // Detrended segments, one per beat (null when unavailable).
  const segs: (Float32Array | null)[] = new Array(n).fill(null);
  for (let i = 0; i < n; i++) {
    const p = positions[i];
    const start = p - from;
    if (start < 0 || p - to > leads[0].length || (i > 0 && positions[i - 1] > start - Math.round(0.1 * fs)))
      continue;
    const seg = new Float32Array(L * len);
    for (let l = 0; l < L; l++) {
      const x = filtered[l];
      // Remove the straight line through the segment ends' means (T-wave tail, baseline slope).
      let a = 0;
      let b = 0;
      const edge = Math.max(1, Math.round(len / 10));
      for (let k = 0; k < edge; k++) {
        a += x[start + k];
        b += x[start + len - 1 - k];
      }
      a /= edge;
      b /= edge;
      let mean = 0;
      for (let k = 0; k < len; k++) {
        const v = x[start + k] - (a + ((b - a) * k) / (len - 1));
        seg[l * len + k] = v;
        mean += v;
      }
      mean /= len;
      for (let k = 0; k < len; k++) seg[l * len + k] -= mean;
    }
    segs[i] = seg;
  }
  const half = (input.windowBeats ?? 10) >> 1;
  const template = new Float32Array(L * len);
  for (let i = 0; i < n; i++) {
    const seg = segs[i];
    if (!seg) continue;
    template.fill(0);
    let count = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(n - 1, i + half); j++) {
      const s = segs[j];
      if (!s || j === i) continue;
      for (let k = 0; k < s.length; k++) template[k] += s[k];
      count++;
    }
    if (count < 3) continue;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let k = 0; k < seg.length; k++) {
      sxy += seg[k] * template[k];
      sxx += seg[k] * seg[k];
      syy += template[k] * template[k];
    }
    out[i] = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
  }
  return out;
}
