import type { EcgRecord } from '../record';
import type { AamiClass } from '../types';
import { type DelineationOptions, type Fiducials, findFiducials } from './fiducials';
import { buildMedianBeats, type MedianBeatOptions, type MedianBeats } from './median';

export { type AvBlockPattern, avBlockPattern } from './avblock';
export type { DelineationOptions, Fiducials } from './fiducials';
export type { MedianBeatOptions, MedianBeats } from './median';
export { buildMedianBeats, medianOf } from './median';

export interface Delineation {
  medians: MedianBeats;
  /** Global fiducials as sample indices inside the median beats. */
  fiducials: Fiducials;
}

/**
 * Delineates a record: median beat per lead from the beats of the dominant rhythm, then global P, QRS and T
 * boundaries across all leads. `beats` are QRS fiducial sample indices; `classes` (optional) their AAMI classes.
 */
export function delineate(
  record: EcgRecord,
  beats: Int32Array,
  options: MedianBeatOptions & DelineationOptions & { classes?: AamiClass[] } = {},
): Delineation {
  const medians = buildMedianBeats(record, beats, options);
  return { medians, fiducials: findFiducials(medians, options) };
}

/** Fiducials in ms relative to the aligned QRS fiducial point (negative before it). */
export function fiducialsInMs(d: Delineation): Partial<Record<keyof Fiducials, number>> {
  const out: Partial<Record<keyof Fiducials, number>> = {};
  for (const [key, value] of Object.entries(d.fiducials) as [keyof Fiducials, number | undefined][]) {
    if (value !== undefined) out[key] = ((value - d.medians.fiducial) * 1000) / d.medians.sampleRate;
  }
  return out;
}
