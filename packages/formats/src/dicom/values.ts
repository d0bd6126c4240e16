/** Conversions between DICOM value representations (DA, DT, TM, PN, AS) and Lifeline's plain values. */

/** DA "YYYYMMDD" (or the old "YYYY.MM.DD") → "YYYY-MM-DD"; undefined when it is not a date. */
export function dicomDateToIso(value: unknown): string | undefined {
  const s = String(value ?? '')
    .trim()
    .replace(/\./g, '');
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** TM "HHMMSS.FFFFFF" (parts optional, old "HH:MM:SS" accepted) → "HH:MM:SS[.fff]". */
export function dicomTimeToIso(value: unknown): string | undefined {
  const s = String(value ?? '')
    .trim()
    .replace(/:/g, '');
  const m = /^(\d{2})(\d{2})?(\d{2})?(\.\d+)?$/.exec(s);
  if (!m) return undefined;
  const frac = m[4] ? m[4].slice(0, 4) : '';
  return `${m[1]}:${m[2] ?? '00'}:${m[3] ?? '00'}${frac}`;
}

/**
 * DT "YYYYMMDDHHMMSS.FFFFFF&ZZXX" → ISO-8601. A value without offset stays a local time (no "Z"),
 * as the ParsedEcg contract asks: we do not invent the device's zone.
 */
export function dicomDateTimeToIso(value: unknown): string | undefined {
  const s = String(value ?? '').trim();
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?(\.\d+)?([+-]\d{4})?$/.exec(s);
  if (!m) return undefined;
  let iso = `${m[1]}-${m[2]}-${m[3]}`;
  if (m[4]) iso += `T${m[4]}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ? m[7].slice(0, 4) : ''}`;
  if (m[8] && m[4]) iso += `${m[8].slice(0, 3)}:${m[8].slice(3)}`;
  return iso;
}

/** ISO-8601 instant or local time → DICOM DA, TM and DT strings. */
export function isoToDicom(iso: string): { date: string; time: string; dateTime: string } {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      iso.trim(),
    );
  if (!m) throw new Error(`acquiredAt "${iso}" is not an ISO-8601 date-time`);
  const date = `${m[1]}${m[2]}${m[3]}`;
  const time = `${m[4] ?? '00'}${m[5] ?? '00'}${m[6] ?? '00'}${m[7] ? m[7].slice(0, 7) : ''}`;
  let zone = '';
  if (m[8] === 'Z') zone = '+0000';
  else if (m[8]) zone = m[8].replace(':', '');
  return { date, time, dateTime: `${date}${time}${zone}` };
}

export interface PersonName {
  alphabetic?: string;
  ideographic?: string;
  phonetic?: string;
}

/** A PN value as dcmjs gives it (array of component groups, or a raw "A=I=P" string) → its groups. */
export function parsePersonName(value: unknown): PersonName | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null || first === '') return undefined;
  if (typeof first === 'string') {
    const [alphabetic, ideographic, phonetic] = first.split('=');
    return clean({ alphabetic, ideographic, phonetic });
  }
  if (typeof first === 'object') {
    const o = first as Record<string, unknown>;
    return clean({
      alphabetic: o.Alphabetic as string | undefined,
      ideographic: o.Ideographic as string | undefined,
      phonetic: o.Phonetic as string | undefined,
    });
  }
  return undefined;
}

function clean(name: PersonName): PersonName | undefined {
  const out: PersonName = {};
  for (const key of ['alphabetic', 'ideographic', 'phonetic'] as const) {
    const v = name[key]?.trim();
    if (v && v.replace(/\^/g, '') !== '') out[key] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * Display form of a PN component group: "Family^Given^Middle^Prefix^Suffix". Ideographic (CJK) names are
 * joined without spaces (张^三 → 张三); alphabetic names with one space (Patient^Test → Patient Test).
 */
export function displayPersonName(group: string, ideographic: boolean): string {
  const parts = group
    .split('^')
    .map((p) => p.trim())
    .filter(Boolean);
  return parts.join(ideographic ? '' : ' ');
}

/** AS "042Y" → age in years (months, weeks and days give a fraction); undefined otherwise. */
export function dicomAgeToYears(value: unknown): number | undefined {
  const m = /^(\d{3})([DWMY])$/.exec(String(value ?? '').trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const perYear = { D: 365.25, W: 52.18, M: 12, Y: 1 }[m[2] as 'D' | 'W' | 'M' | 'Y'];
  return Math.round((n / perYear) * 100) / 100;
}

/** A Lifeline display name → PN group: "Family Given" becomes "Family^Given"; a CJK name stays whole. */
export function toPersonNameGroup(name: string): string {
  const trimmed = name.trim();
  if (trimmed.includes('^')) return trimmed;
  return trimmed.split(/\s+/).join('^');
}

/** True when a string has CJK ideographs (so it belongs in the ideographic PN group). */
export function hasIdeographs(s: string): boolean {
  return /[\u3400-\u9fff\uf900-\ufaff]/.test(s);
}
