/** Shared helpers for the rhythm module: input checks and RR intervals. */
import { EcgError } from '../record';
import type { AamiClass } from '../types';

const CLASSES = new Set<string>(['N', 'S', 'V', 'F', 'Q', 'P']);

/** Validates a beat list (ascending non-negative integers) and its optional classes; throws EcgError naming the field. */
export function checkBeats(
  samples: Int32Array,
  classes: readonly AamiClass[] | undefined,
  sampleRate: number,
): void {
  if (!Number.isFinite(sampleRate) || sampleRate < 50 || sampleRate > 20000) {
    throw new EcgError(`sampleRate ${sampleRate} Hz is outside 50–20000 Hz`);
  }
  if (!(samples instanceof Int32Array))
    throw new EcgError('samples: must be an Int32Array of beat sample indices');
  for (let i = 0; i < samples.length; i++) {
    if (samples[i] < 0) throw new EcgError(`samples[${i}] = ${samples[i]} is negative`);
    if (i > 0 && samples[i] <= samples[i - 1]) {
      throw new EcgError(`samples[${i}] = ${samples[i]} is not after samples[${i - 1}] = ${samples[i - 1]}`);
    }
  }
  if (classes !== undefined) {
    if (classes.length !== samples.length) {
      throw new EcgError(`classes: ${classes.length} classes for ${samples.length} beats`);
    }
    for (let i = 0; i < classes.length; i++) {
      if (!CLASSES.has(classes[i]))
        throw new EcgError(`classes[${i}] = ${String(classes[i])} is not an AAMI class`);
    }
  }
}

/** RR intervals in ms; element i is the interval ending at beat i + 1. */
export function rrIntervalsMs(samples: Int32Array, sampleRate: number): Float64Array {
  const rr = new Float64Array(Math.max(0, samples.length - 1));
  for (let i = 1; i < samples.length; i++) rr[i - 1] = ((samples[i] - samples[i - 1]) * 1000) / sampleRate;
  return rr;
}

export function median(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  const s = Array.from(values).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
