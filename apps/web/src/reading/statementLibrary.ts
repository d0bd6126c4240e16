/**
 * The statement library as the editor searches it: the engine's own library (the same codes the server accepts),
 * each entry indexed by its Chinese text, its pinyin initials (窦性心动过速 → xxxdgs), its full pinyin and its
 * code, so a technician types "dxxl", "窦性" or "SR" and gets the same entry.
 */
import { STATEMENT_LIBRARY } from '@lifeline/ecg';
import { pinyin } from 'pinyin-pro';

export interface LibraryStatement {
  code: string;
  textZh: string;
  textEn: string;
  category: string;
  /** Pinyin initials of the Chinese text, lower case, letters only. */
  initials: string;
  /** Full pinyin without tones or spaces. */
  full: string;
}

export const CATEGORIES = [
  'rhythm',
  'conduction',
  'axis',
  'hypertrophy',
  'voltage',
  'ischemia',
  'st-t',
  'qt',
  'quality',
  'other',
] as const;

let cache: LibraryStatement[] | null = null;

function lettersOnly(parts: string[]): string {
  return parts
    .join('')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** Built on first use (pinyin of ~100 short texts takes a few milliseconds). */
export function statementLibrary(): LibraryStatement[] {
  if (cache) return cache;
  const entries = Object.entries(
    STATEMENT_LIBRARY as Record<string, { textZh: string; textEn: string; category: string }>,
  );
  cache = entries.map(([code, e]) => ({
    code,
    textZh: e.textZh,
    textEn: e.textEn,
    category: e.category,
    initials: lettersOnly(pinyin(e.textZh, { pattern: 'first', toneType: 'none', type: 'array' })),
    full: lettersOnly(pinyin(e.textZh, { toneType: 'none', type: 'array' })),
  }));
  return cache;
}

/**
 * Ranks library entries for a query: exact code, then initials prefix, Chinese prefix, code prefix, then any
 * containment (initials, Chinese, full pinyin, English). An empty query lists the category (or everything).
 */
export function searchStatements(
  query: string,
  options: { category?: string; library?: LibraryStatement[] } = {},
): LibraryStatement[] {
  const library = (options.library ?? statementLibrary()).filter(
    (s) => !options.category || s.category === options.category,
  );
  const q = query.trim();
  if (!q) return library;
  const lower = q.toLowerCase();
  const upper = q.toUpperCase();
  const scored: { s: LibraryStatement; score: number }[] = [];
  for (const s of library) {
    let score = -1;
    if (s.code === upper) score = 100;
    else if (s.initials.startsWith(lower)) score = 90 - (s.initials.length - lower.length);
    else if (s.textZh.startsWith(q)) score = 80;
    else if (s.code.startsWith(upper)) score = 70;
    else if (s.initials.includes(lower)) score = 60;
    else if (s.textZh.includes(q)) score = 55;
    else if (s.full.includes(lower)) score = 50;
    else if (s.code.includes(upper)) score = 45;
    else if (s.textEn.toLowerCase().includes(lower)) score = 40;
    if (score >= 0) scored.push({ s, score });
  }
  return scored
    .sort(
      (a, b) =>
        b.score - a.score || a.s.textZh.length - b.s.textZh.length || a.s.code.localeCompare(b.s.code),
    )
    .map((x) => x.s);
}

const FAVOURITES_KEY = 'lifeline.reading.favourites';

/** Favourite statement codes of this user on this workstation (localStorage, keyed by user id). */
export function loadFavourites(userId: string): string[] {
  try {
    const all = JSON.parse(globalThis.localStorage?.getItem(FAVOURITES_KEY) ?? '{}') as Record<
      string,
      string[]
    >;
    return Array.isArray(all[userId]) ? all[userId] : [];
  } catch {
    return [];
  }
}

export function saveFavourites(userId: string, codes: string[]): void {
  try {
    const all = JSON.parse(globalThis.localStorage?.getItem(FAVOURITES_KEY) ?? '{}') as Record<
      string,
      string[]
    >;
    all[userId] = codes;
    globalThis.localStorage?.setItem(FAVOURITES_KEY, JSON.stringify(all));
  } catch {
    // storage full or disabled: favourites simply do not persist
  }
}
