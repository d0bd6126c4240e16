/**
 * Atrial flutter on a resting ECG (or any record), as a statement. Flutter waves are a continuous, regular atrial
 * oscillation, typically 250–350/min, best seen in II, III, aVF and V1; the ventricles follow at a fixed ratio
 * (2:1, 3:1, 4:1) or a varying one. Per lead, the QRS complexes are blanked and the spectrum of what remains
 * (1–15 Hz, Goertzel) is searched for one narrow peak at 240–360/min holding a large share of the power (a
 * sawtooth's second harmonic counted with it).
 *
 * The statement is "definite" when two or more of the flutter leads (II and V1 when II exists: III and aVF are
 * derived from I and II) show the same rate (±12/min) with a strong
 * peak and the ventricular rhythm relates to it: a fixed ratio of 3:1 or more, or a varying ratio with (nearly)
 * every RR interval a whole number of flutter cycles. At 2:1 the flutter rate is exactly twice the heart rate, the
 * second harmonic of a sinus rhythm's P and T waves, so the spectrum cannot tell the two apart: "consider".
 * A single lead (2-lead Holter records) gives at most "consider".
 */
import { morphologyFilter } from '../classify/preprocess';
import { type EcgRecord, normaliseLeadName } from '../record';

const FLUTTER_LEADS = ['II', 'III', 'aVF', 'V1'];
/** Flutter-wave band (Hz): 240–360/min. */
const BAND: [number, number] = [4, 6];
/** Share of 1–15 Hz power in the flutter peak for a lead to count, and for a single lead to count alone. */
const STRONG = 0.35;
const WEAK = 0.3;

export interface LeadFlutter {
  lead: string;
  /** Flutter-wave rate, per minute. */
  rate: number;
  /** Share of the 1–15 Hz power in the peak (±0.2 Hz) and its second harmonic. */
  concentration: number;
}

export interface FlutterFinding {
  certainty: 'definite' | 'consider';
  atrialRate: number;
  /** Fixed conduction ratio (2 for 2:1 …), or 0 when it varies. */
  conduction: number;
  leads: LeadFlutter[];
}

function goertzel(x: Float32Array, f: number, fs: number): number {
  const c = 2 * Math.cos((2 * Math.PI * f) / fs);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = x[i] + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - c * s1 * s2) / x.length;
}

/**
 * goertzel(x, f10 / 10, fs) for every f10 in [from, to], four frequencies per pass over x: their recursions are
 * independent, so the processor runs them side by side (one alone is bound by its own latency). Same arithmetic
 * per frequency as goertzel, so the same values.
 */
function goertzelBank(x: Float32Array, from: number, to: number, fs: number): Float64Array {
  const out = new Float64Array(to - from + 1);
  const n = x.length;
  let f10 = from;
  for (; f10 + 3 <= to; f10 += 4) {
    const c0 = 2 * Math.cos((2 * Math.PI * (f10 / 10)) / fs);
    const c1 = 2 * Math.cos((2 * Math.PI * ((f10 + 1) / 10)) / fs);
    const c2 = 2 * Math.cos((2 * Math.PI * ((f10 + 2) / 10)) / fs);
    const c3 = 2 * Math.cos((2 * Math.PI * ((f10 + 3) / 10)) / fs);
    let a1 = 0;
    let a2 = 0;
    let b1 = 0;
    let b2 = 0;
    let e1 = 0;
    let e2 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i];
      const a0 = v + c0 * a1 - a2;
      const b0 = v + c1 * b1 - b2;
      const e0 = v + c2 * e1 - e2;
      const g0 = v + c3 * g1 - g2;
      a2 = a1;
      a1 = a0;
      b2 = b1;
      b1 = b0;
      e2 = e1;
      e1 = e0;
      g2 = g1;
      g1 = g0;
    }
    out[f10 - from] = (a1 * a1 + a2 * a2 - c0 * a1 * a2) / n;
    out[f10 + 1 - from] = (b1 * b1 + b2 * b2 - c1 * b1 * b2) / n;
    out[f10 + 2 - from] = (e1 * e1 + e2 * e2 - c2 * e1 * e2) / n;
    out[f10 + 3 - from] = (g1 * g1 + g2 * g2 - c3 * g1 * g2) / n;
  }
  for (; f10 <= to; f10++) out[f10 - from] = goertzel(x, f10 / 10, fs);
  return out;
}

/** Spectral flutter measure of one lead, QRS complexes (−60…+80 ms) bridged by straight lines. */
export function leadFlutter(samples: Float32Array, fs: number, beats: Int32Array): Omit<LeadFlutter, 'lead'> {
  const x = morphologyFilter(samples, fs);
  const pre = Math.round(0.06 * fs);
  const post = Math.round(0.08 * fs);
  for (const b of beats) {
    const a = Math.max(0, b - pre);
    const z = Math.min(x.length - 1, b + post);
    for (let i = a + 1; i < z; i++) x[i] = x[a] + ((x[z] - x[a]) * (i - a)) / (z - a);
  }
  // Block averages down to about 50 Hz (the band ends at 15 Hz).
  const d = Math.max(1, Math.floor(fs / 50));
  const xd = new Float32Array(Math.floor(x.length / d));
  for (let j = 0; j < xd.length; j++) {
    let sum = 0;
    for (let k = 0; k < d; k++) sum += x[j * d + k];
    xd[j] = sum / d;
  }
  const power = new Map<number, number>();
  let total = 0;
  let best = 0;
  const spectrum = goertzelBank(xd, 10, 150, fs / d);
  for (let f10 = 10; f10 <= 150; f10++) {
    const p = spectrum[f10 - 10];
    power.set(f10, p);
    total += p;
    if (f10 >= BAND[0] * 10 && f10 <= BAND[1] * 10 && p > (power.get(best) ?? 0)) best = f10;
  }
  let peak = 0;
  for (let k = -2; k <= 2; k++) peak += (power.get(best + k) ?? 0) + (power.get(2 * best + k) ?? 0);
  return { rate: best * 6, concentration: total > 0 ? peak / total : 0 };
}

/**
 * Looks for atrial flutter in a record given its beats (ascending samples) and per-lead quality. Returns
 * undefined when there is none.
 */
export function findFlutter(
  record: EcgRecord,
  beats: Int32Array,
  quality: Record<string, string> = {},
): FlutterFinding | undefined {
  const fs = record.sampleRate;
  if (beats.length < 4 || fs < 50) return undefined;
  const usable = record.leads.filter((l) => (quality[l.name] ?? 'good') === 'good');
  // III and aVF are computed from I and II by the cart and add nothing to II: with II present, II and V1.
  const hasII = usable.some((l) => normaliseLeadName(l.name) === 'II');
  const wanted = hasII ? ['II', 'V1'] : FLUTTER_LEADS;
  let leads = usable.filter((l) => wanted.includes(normaliseLeadName(l.name)));
  // Records without standard leads (Holter, MIT-BIH): up to two leads that carry signal.
  if (leads.length === 0) leads = usable.slice(0, 2);
  if (leads.length === 0) return undefined;
  const measured = leads
    .map((l) => ({ lead: l.name, ...leadFlutter(l.samples, fs, beats) }))
    .sort((a, b) => b.concentration - a.concentration);
  const top = measured[0];
  if (top.concentration < WEAK) return undefined;
  const agreeing = measured.filter((m) => m.concentration >= STRONG && Math.abs(m.rate - top.rate) <= 12);
  // Ventricular relation: RR intervals as multiples of the flutter cycle.
  const cycle = (60 * fs) / top.rate;
  const rr: number[] = [];
  for (let i = 1; i < beats.length; i++) rr.push(beats[i] - beats[i - 1]);
  const ratios = rr.map((v) => v / cycle);
  const whole = ratios.filter(
    (q) => Math.round(q) >= 2 && Math.abs(q - Math.round(q)) <= 0.1 * Math.round(q),
  );
  if (whole.length < 0.8 * ratios.length) return undefined;
  const mean = rr.reduce((a, v) => a + v, 0) / rr.length;
  const sd = Math.sqrt(rr.reduce((a, v) => a + (v - mean) ** 2, 0) / rr.length);
  const fixed = sd / mean <= 0.08;
  const conduction = fixed ? Math.round(mean / cycle) : 0;
  if (fixed && (conduction < 2 || conduction > 4)) return undefined;
  const multiLead = agreeing.length >= 2;
  const definite = multiLead && conduction !== 2;
  return {
    certainty: definite ? 'definite' : 'consider',
    atrialRate: Math.round(
      agreeing.length ? agreeing.reduce((a, m) => a + m.rate, 0) / agreeing.length : top.rate,
    ),
    conduction,
    leads: (agreeing.length ? agreeing : [top]).map((m) => ({
      ...m,
      concentration: Math.round(m.concentration * 100) / 100,
    })),
  };
}
