/**
 * Atrial flutter screening ("consider", never definite). Flutter waves are a continuous atrial oscillation at
 * 240–450/min (4–7.5 Hz) that runs through the whole cardiac cycle, with the ventricles following at a fixed
 * ratio (2:1, 3:1, 4:1). Per window: the QRS complexes are blanked (linear bridge), the spectrum of what is left
 * is scanned with the Goertzel algorithm, and a window counts when one narrow peak in the flutter band holds a
 * large share of the 1–15 Hz power and sits at an integer multiple of the ventricular rate. Sinus P and T waves
 * spread their power over the low harmonics of the heart rate and rarely concentrate it in one flutter-band peak.
 */
import { morphologyFilter } from '../classify/preprocess';
import { EcgError } from '../record';

export interface FlutterOptions {
  /** Window length and step, seconds (default 10 and 5). */
  windowSec?: number;
  stepSec?: number;
  /** Share of 1–15 Hz power needed in the flutter peak (±0.25 Hz), default 0.3. */
  minConcentration?: number;
}

export interface FlutterEpisode {
  start: number;
  end: number;
  /** Atrial (flutter-wave) rate, per minute. */
  atrialRate: number;
  /** Atrioventricular conduction ratio seen (2 for 2:1 …). */
  conduction: number;
  certainty: 'consider';
}

/** Power of x at frequency f (Hz) by the Goertzel recurrence, normalised by length. */
function goertzel(x: Float32Array, from: number, to: number, f: number, fs: number): number {
  const w = (2 * Math.PI * f) / fs;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < to; i++) {
    const s0 = x[i] + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - c * s1 * s2) / (to - from);
}

/** Screens a lead for atrial flutter given the beat positions (ascending sample indices). */
export function detectFlutter(
  lead: Float32Array,
  sampleRate: number,
  beats: Int32Array,
  options: FlutterOptions = {},
): FlutterEpisode[] {
  if (!(lead instanceof Float32Array)) throw new EcgError('lead: must be a Float32Array');
  if (!Number.isFinite(sampleRate) || sampleRate < 50)
    throw new EcgError(`sampleRate ${sampleRate} Hz is below 50 Hz`);
  const fs = sampleRate;
  const win = Math.round((options.windowSec ?? 10) * fs);
  const step = Math.round((options.stepSec ?? 5) * fs);
  const minConc = options.minConcentration ?? 0.3;
  if (lead.length < win || beats.length < 5) return [];
  // Blank each QRS (−60…+80 ms) with a straight line so its broadband energy does not mask the atrial waves.
  const x = morphologyFilter(lead, fs);
  const pre = Math.round(0.06 * fs);
  const post = Math.round(0.08 * fs);
  for (const b of beats) {
    const a = Math.max(0, b - pre);
    const z = Math.min(x.length - 1, b + post);
    for (let i = a + 1; i < z; i++) x[i] = x[a] + ((x[z] - x[a]) * (i - a)) / (z - a);
  }
  // Block averages down to ~50 Hz: the band of interest ends at 15 Hz, and the scan gets several times cheaper.
  const d = Math.max(1, Math.floor(fs / 50));
  const fsd = fs / d;
  const xd = new Float32Array(Math.floor(x.length / d));
  for (let j = 0; j < xd.length; j++) {
    let sum = 0;
    for (let k = 0; k < d; k++) sum += x[j * d + k];
    xd[j] = sum / d;
  }
  const hits: { start: number; end: number; rate: number; ratio: number }[] = [];
  for (let start = 0; start + win <= x.length; start += step) {
    const end = start + win;
    const inWin: number[] = [];
    for (const b of beats) if (b >= start && b < end) inWin.push(b);
    if (inWin.length < 4) continue;
    const rr: number[] = [];
    for (let k = 1; k < inWin.length; k++) rr.push(inWin[k] - inWin[k - 1]);
    const mean = rr.reduce((s, v) => s + v, 0) / rr.length;
    const sd = Math.sqrt(rr.reduce((s, v) => s + (v - mean) ** 2, 0) / rr.length);
    if (sd / mean > 0.08) continue; // fixed conduction only: variable block is left to the AF/irregularity path
    const hrHz = fs / mean;
    let total = 0;
    let bestF = 0;
    let bestP = 0;
    const power = new Map<number, number>();
    for (let f10 = 10; f10 <= 150; f10++) {
      const p = goertzel(xd, Math.floor(start / d), Math.floor(end / d), f10 / 10, fsd);
      power.set(f10, p);
      total += p;
      if (f10 >= 40 && f10 <= 75 && p > bestP) {
        bestP = p;
        bestF = f10;
      }
    }
    let peak = 0;
    // The flutter wave is a sawtooth: its second harmonic belongs to it too.
    for (let k = -2; k <= 2; k++) peak += (power.get(bestF + k) ?? 0) + (power.get(2 * bestF + k) ?? 0);
    const ratio = bestF / 10 / hrHz;
    const conduction = Math.round(ratio);
    if (
      total > 0 &&
      peak / total >= minConc &&
      conduction >= 2 &&
      conduction <= 4 &&
      Math.abs(ratio - conduction) < 0.08 * conduction
    ) {
      hits.push({ start, end, rate: bestF * 6, ratio: conduction });
    }
  }
  // Two or more overlapping windows make an episode.
  const episodes: FlutterEpisode[] = [];
  let i = 0;
  while (i < hits.length) {
    let j = i;
    while (j + 1 < hits.length && hits[j + 1].start <= hits[j].end) j++;
    if (j > i) {
      const group = hits.slice(i, j + 1);
      episodes.push({
        start: group[0].start,
        end: group[group.length - 1].end,
        atrialRate: Math.round(group.reduce((s, h) => s + h.rate, 0) / group.length),
        conduction: group[Math.floor(group.length / 2)].ratio,
        certainty: 'consider',
      });
    }
    i = j + 1;
  }
  return episodes;
}
