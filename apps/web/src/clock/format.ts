/**
 * All instants are stored as UTC and shown in the organisation's time zone (not the workstation's), so a
 * record reads the same on every screen in the network.
 */

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, withDate: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withDate}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(key, f);
  }
  return f;
}

function parts(date: Date, timeZone: string, withDate: boolean): Record<string, string> {
  let f: Intl.DateTimeFormat;
  try {
    f = formatter(timeZone, withDate);
  } catch {
    // An unknown zone name from the server must not blank the screen.
    f = formatter(DEFAULT_TIME_ZONE, withDate);
  }
  const out: Record<string, string> = {};
  for (const p of f.formatToParts(date)) out[p.type] = p.value;
  return out;
}

/** "2026-11-22 06:05:04" in the given zone; "" for empty input, the raw text if it is not a date. */
export function formatInstant(
  iso: string | Date | null | undefined,
  timeZone: string = DEFAULT_TIME_ZONE,
  precision: 'second' | 'minute' = 'second',
): string {
  if (iso === null || iso === undefined || iso === '') return '';
  const date = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const p = parts(date, timeZone, true);
  const time = precision === 'second' ? `${p.hour}:${p.minute}:${p.second}` : `${p.hour}:${p.minute}`;
  return `${p.year}-${p.month}-${p.day} ${time}`;
}

/** "HH:mm:ss" in the given zone, for the header clock. */
export function formatClock(date: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const p = parts(date, timeZone, false);
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** Today's calendar date (YYYY-MM-DD) in the given zone, e.g. to refuse birth dates in the future. */
export function dateInZone(date: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const p = parts(date, timeZone, true);
  return `${p.year}-${p.month}-${p.day}`;
}
