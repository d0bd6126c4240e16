// HL7 DTM/TS values (YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]) ↔ ISO 8601 strings.
import { Hl7ParseError } from './errors';

/** China Standard Time: the offset assumed for times sent without one, unless the caller says otherwise. */
export const DEFAULT_UTC_OFFSET_MINUTES = 480;

const DTM = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,4}))?([+-]\d{4})?$/;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function offsetText(minutes: number, withColon: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${withColon ? ':' : ''}${pad(abs % 60)}`;
}

/** Formats an instant as an HL7 DTM with seconds and offset, e.g. 20261121083000+0800. */
export function formatHl7DateTime(date: Date, utcOffsetMinutes = DEFAULT_UTC_OFFSET_MINUTES): string {
  if (Number.isNaN(date.getTime())) throw new Hl7ParseError('date/time: invalid Date');
  const local = new Date(date.getTime() + utcOffsetMinutes * 60_000);
  return (
    `${local.getUTCFullYear()}${pad(local.getUTCMonth() + 1)}${pad(local.getUTCDate())}` +
    `${pad(local.getUTCHours())}${pad(local.getUTCMinutes())}${pad(local.getUTCSeconds())}` +
    offsetText(utcOffsetMinutes, false)
  );
}

/** Formats a calendar date 'YYYY-MM-DD' as HL7 DT 'YYYYMMDD'. */
export function formatHl7Date(isoDate: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) throw new Hl7ParseError(`date '${isoDate}': expected YYYY-MM-DD`);
  return isoDate.replaceAll('-', '');
}

/**
 * Converts an HL7 date/time to ISO 8601. Precision is kept: '1980' → '1980', '19800101' → '1980-01-01',
 * with a time → '1980-01-01T08:30:00+08:00' (offset from the value, else `assumedOffsetMinutes`).
 * Returns undefined for an empty value; throws for text that is not a date.
 */
export function parseHl7DateTime(
  value: string,
  assumedOffsetMinutes = DEFAULT_UTC_OFFSET_MINUTES,
): string | undefined {
  const v = value.trim();
  if (v === '' || v === '""') return undefined;
  const m = DTM.exec(v);
  if (!m) throw new Hl7ParseError(`date/time '${value}' is not an HL7 DTM (YYYYMMDDHHMMSS[+ZZZZ])`);
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  if (mo && (Number(mo) < 1 || Number(mo) > 12)) throw new Hl7ParseError(`date/time '${value}': month ${mo}`);
  if (d && (Number(d) < 1 || Number(d) > 31)) throw new Hl7ParseError(`date/time '${value}': day ${d}`);
  if (h && Number(h) > 23) throw new Hl7ParseError(`date/time '${value}': hour ${h}`);
  if (!mo) return y;
  if (!d) return `${y}-${mo}`;
  const date = `${y}-${mo}-${d}`;
  if (!h) return date;
  let offset = assumedOffsetMinutes;
  if (tz) offset = (tz[0] === '-' ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(3, 5)));
  const fraction = frac ? `.${frac.padEnd(3, '0').slice(0, 3)}` : '';
  return `${date}T${h}:${mi ?? '00'}:${s ?? '00'}${fraction}${offsetText(offset, true)}`;
}

/** Date part only ('YYYY-MM-DD', or coarser when the value is coarser). */
export function parseHl7Date(value: string): string | undefined {
  const iso = parseHl7DateTime(value);
  return iso?.slice(0, 10);
}
