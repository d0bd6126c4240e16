// Encoding characters (HL7 v2 §2.5.4) and the escape sequences built on them (§2.7).
import { Hl7ParseError } from './errors';

export interface Delimiters {
  field: string;
  component: string;
  repetition: string;
  /** Empty when MSH-2 does not declare one: then nothing is unescaped. */
  escape: string;
  /** Empty when MSH-2 does not declare one: then components are not split further. */
  subcomponent: string;
  /** Optional fifth character (v2.7+ truncation character), kept only so the header round-trips. */
  truncation: string;
}

export const DEFAULT_DELIMITERS: Delimiters = Object.freeze({
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
  truncation: '',
});

/** MSH-2 text for a set of delimiters. */
export function encodingCharacters(d: Delimiters): string {
  return d.component + d.repetition + d.escape + d.subcomponent + d.truncation;
}

function isForbidden(ch: string): boolean {
  return /[A-Za-z0-9\s]/.test(ch);
}

/**
 * Reads delimiters from a header segment line (MSH, BHS or FHS): the 4th character is the field separator and
 * the text up to the next field separator holds the encoding characters.
 */
export function readDelimiters(headerLine: string, lineNumber = 1): Delimiters {
  const id = headerLine.slice(0, 3);
  if (headerLine.length < 8) {
    throw new Hl7ParseError(`${id}: header too short to hold field separator and encoding characters`, {
      line: lineNumber,
      segment: id,
    });
  }
  const field = headerLine[3];
  if (isForbidden(field)) {
    throw new Hl7ParseError(`${id}-1: field separator '${field}' must not be a letter, digit or space`, {
      line: lineNumber,
      segment: id,
    });
  }
  const end = headerLine.indexOf(field, 4);
  const chars = end === -1 ? headerLine.slice(4) : headerLine.slice(4, end);
  if (chars.length < 2 || chars.length > 5) {
    throw new Hl7ParseError(`${id}-2: expected 2 to 5 encoding characters, found ${JSON.stringify(chars)}`, {
      line: lineNumber,
      segment: id,
    });
  }
  const all = field + chars;
  for (let i = 0; i < all.length; i++) {
    if (isForbidden(all[i])) {
      throw new Hl7ParseError(
        `${id}-2: encoding character '${all[i]}' must not be a letter, digit or space`,
        {
          line: lineNumber,
          segment: id,
        },
      );
    }
    if (all.indexOf(all[i]) !== i) {
      throw new Hl7ParseError(`${id}-2: encoding character '${all[i]}' is used twice`, {
        line: lineNumber,
        segment: id,
      });
    }
  }
  return {
    field,
    component: chars[0],
    repetition: chars[1],
    escape: chars[2] ?? '',
    subcomponent: chars[3] ?? '',
    truncation: chars[4] ?? '',
  };
}

const HEX_PAIRS = /^(?:[0-9A-Fa-f]{2})+$/;

function decodeHexBytes(hex: string): string {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8: read the bytes as Latin-1 (one character per byte), the usual meaning in older feeds.
    return String.fromCharCode(...bytes);
  }
}

/**
 * Replaces escape sequences with the characters they stand for. Formatting sequences become plain text:
 * \.br\ and \.sp\ a line break, highlighting (\H\ \N\) and character-set switches (\C..\ \M..\) and local
 * escapes (\Z..\) are dropped. An unterminated or unknown sequence is left as written.
 */
export function unescapeText(text: string, d: Delimiters): string {
  const esc = d.escape;
  if (!esc || !text.includes(esc)) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== esc) {
      out += ch;
      i++;
      continue;
    }
    const close = text.indexOf(esc, i + 1);
    if (close === -1) {
      out += text.slice(i);
      break;
    }
    const body = text.slice(i + 1, close);
    const replacement = unescapeSequence(body, d);
    if (replacement === undefined) {
      // Not a sequence we know: keep the opening escape character literally and carry on after it.
      out += ch;
      i++;
      continue;
    }
    out += replacement;
    i = close + 1;
  }
  return out;
}

function unescapeSequence(body: string, d: Delimiters): string | undefined {
  switch (body) {
    case 'F':
      return d.field;
    case 'S':
      return d.component;
    case 'T':
      return d.subcomponent;
    case 'R':
      return d.repetition;
    case 'E':
      return d.escape;
    case 'P':
      return d.truncation;
    case 'H':
    case 'N':
      return '';
    case '.br':
    case '.sp':
      return '\n';
  }
  if (body.length === 0) return undefined;
  const kind = body[0];
  const rest = body.slice(1);
  if (kind === 'X' && HEX_PAIRS.test(rest)) return decodeHexBytes(rest);
  if ((kind === 'C' || kind === 'M') && /^[0-9A-Fa-f]{4,6}$/.test(rest)) return '';
  if (kind === 'Z') return '';
  if (kind === '.' && /^(sp|in|ti|sk|fi|nf|ce)[+-]?\d*$/.test(rest)) return rest.startsWith('sp') ? '\n' : '';
  return undefined;
}

/** Escapes delimiter characters and line breaks so that `text` can sit in one leaf of a message. */
export function escapeText(text: string, d: Delimiters): string {
  if (!d.escape) {
    // Without an escape character nothing can be escaped; refuse rather than corrupt the structure.
    for (const ch of [d.field, d.component, d.repetition, d.subcomponent, '\r', '\n']) {
      if (ch && text.includes(ch)) {
        throw new Hl7ParseError(
          `value contains '${JSON.stringify(ch)}' but MSH-2 declares no escape character`,
        );
      }
    }
    return text;
  }
  const { special, codes } = escaper(d);
  special.lastIndex = 0;
  // Most values (names, codes, a Base64 PDF) hold nothing to escape and come back as they are.
  if (!special.test(text)) return text;
  const e = d.escape;
  special.lastIndex = 0;
  return text.replace(special, (ch) =>
    ch === '\r\n' || ch === '\r' || ch === '\n' ? `${e}.br${e}` : `${e}${codes.get(ch)}${e}`,
  );
}

/** The escape pattern of a delimiter set, built once per set (a message builds it for every value otherwise). */
const escapers = new Map<string, { special: RegExp; codes: Map<string, string> }>();
function escaper(d: Delimiters): { special: RegExp; codes: Map<string, string> } {
  const key = `${d.field}${d.component}${d.repetition}${d.escape}${d.subcomponent}${d.truncation}`;
  let found = escapers.get(key);
  if (!found) {
    const e = d.escape;
    const codes = new Map<string, string>([
      [e, 'E'],
      [d.field, 'F'],
      [d.component, 'S'],
      [d.repetition, 'R'],
    ]);
    if (d.subcomponent) codes.set(d.subcomponent, 'T');
    if (d.truncation) codes.set(d.truncation, 'P');
    const special = new RegExp(`\r\n|[\r\n${[...codes.keys()].map(escapeRegExp).join('')}]`, 'g');
    found = { special, codes };
    if (escapers.size < 64) escapers.set(key, found);
  }
  return found;
}

function escapeRegExp(ch: string): string {
  return ch.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
