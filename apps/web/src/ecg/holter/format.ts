/** Small pure formatting helpers of the Holter section (unit-tested in apps/web/test/holter.test.ts). */

/** Seconds from the recording start as h:mm:ss (hours not padded: a Holter lasts up to 48 h). */
export function offsetClock(sec: number): string {
  const s = Math.max(0, Math.floor(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Label of an hourly row: the clock hour ("07:00") when the start time is known, else the offset ("+3 h"). */
export function hourLabel(row: { startSec: number; clockHour?: number }, index: number): string {
  return row.clockHour !== undefined ? `${String(row.clockHour).padStart(2, '0')}:00` : `+${index} h`;
}

/** Where the viewer goes for an event: a second before it, so the beat that opens it is on screen. */
export function jumpTarget(startSec: number): number {
  return Math.max(0, startSec - 1);
}

/** A value with its unit, or a dash when the engine left it undefined (too little data). */
export function orDash(v: number | undefined | null, unit = '', digits = 0): string {
  return v === undefined || v === null || !Number.isFinite(v)
    ? '—'
    : `${v.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

/** Same rule as the server (apps/server/src/modules/ecg/holter.ts): ISHNE files and recordings over 2 min. */
export function isHolterExam(exam: { format: string; durationSec: number }): boolean {
  return exam.format === 'ishne' || exam.durationSec > 120;
}

/**
 * The window of beats to fetch for a view [from, to): the view plus a margin each side, rounded out to whole
 * 30-s steps so small scrolls reuse what is loaded.
 */
export function beatFetchWindow(from: number, to: number, duration: number): { from: number; to: number } {
  const step = 30;
  return {
    from: Math.max(0, Math.floor((from - step) / step) * step),
    to: Math.min(Math.max(duration, 0.001), Math.ceil((to + step) / step) * step),
  };
}
