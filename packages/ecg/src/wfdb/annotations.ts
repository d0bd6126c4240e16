/**
 * WFDB annotation files in MIT format (PhysioNet "annot(5)"): a stream of little-endian 16-bit words, each with a
 * 6-bit code A (high bits) and a 10-bit field I. A = 1…49 is an annotation with I the time step since the previous
 * one; A = 59 SKIP (a 32-bit step follows, high 16 bits first), 60 NUM, 61 SUB, 62 CHN (I is the value, applied to
 * the annotation just read), 63 AUX (I bytes of text follow, padded to an even count); the word 0 ends the file.
 */
import { EcgError } from '../record';

export interface Annotation {
  /** Sample index (time) of the annotation. */
  sample: number;
  /** MIT mnemonic, e.g. 'N', 'V', '+', '~'. */
  symbol: string;
  /** Numeric annotation code (1…49), see ANNOTATION_CODES. */
  code: number;
  subtype: number;
  chan: number;
  num: number;
  /** Auxiliary text, e.g. '(AFIB' for rhythm changes; undefined when absent. Trailing NULs are dropped. */
  aux?: string;
}

/** MIT annotation mnemonics by code (WFDB ecgcodes.h). Codes not listed map to `[code]`. */
export const ANNOTATION_SYMBOLS: Readonly<Record<number, string>> = {
  0: ' ',
  1: 'N',
  2: 'L',
  3: 'R',
  4: 'a',
  5: 'V',
  6: 'F',
  7: 'J',
  8: 'A',
  9: 'S',
  10: 'E',
  11: 'j',
  12: '/',
  13: 'Q',
  14: '~',
  16: '|',
  18: 's',
  19: 'T',
  20: '*',
  21: 'D',
  22: '"',
  23: '=',
  24: 'p',
  25: 'B',
  26: '^',
  27: 't',
  28: '+',
  29: 'u',
  30: '?',
  31: '!',
  32: '[',
  33: ']',
  34: 'e',
  35: 'n',
  36: '@',
  37: 'x',
  38: 'f',
  39: '(',
  40: ')',
  41: 'r',
};

const CODE_BY_SYMBOL = new Map<string, number>(
  Object.entries(ANNOTATION_SYMBOLS)
    .filter(([code]) => code !== '0')
    .map(([code, sym]) => [sym, Number(code)]),
);

/** Annotation codes that mark a QRS complex (WFDB isqrs), as scored by bxb and qrs-eval. */
export const QRS_CODES: ReadonlySet<number> = new Set([
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 30, 34, 35, 38, 41,
]);

export function annotationSymbol(code: number): string {
  return ANNOTATION_SYMBOLS[code] ?? `[${code}]`;
}

/** Numeric code of an MIT mnemonic ('N' → 1, 'V' → 5 …); throws EcgError for an unknown mnemonic. */
export function annotationCode(symbol: string): number {
  const code = CODE_BY_SYMBOL.get(symbol);
  if (code !== undefined) return code;
  const m = /^\[(\d+)\]$/.exec(symbol);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 49) return Number(m[1]);
  throw new EcgError(`annotation symbol "${symbol}" is not an MIT mnemonic`);
}

const SKIP = 59;
const NUM = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;

/** Parses an MIT-format annotation file. Throws EcgError on a stream that ends inside a SKIP or AUX field. */
export function parseAnnotations(bytes: Uint8Array): Annotation[] {
  if (!(bytes instanceof Uint8Array)) throw new EcgError('annotations: bytes must be a Uint8Array');
  const out: Annotation[] = [];
  let time = 0;
  let chan = 0;
  let num = 0;
  let last: Annotation | undefined;
  let i = 0;
  const n = bytes.length;
  while (i + 1 < n) {
    const word = bytes[i] | (bytes[i + 1] << 8);
    i += 2;
    const a = word >> 10;
    const field = word & 0x3ff;
    if (a === 0 && field === 0) break;
    switch (a) {
      case SKIP: {
        if (i + 4 > n) throw new EcgError(`annotations: SKIP at byte ${i - 2} is cut off`, 'corrupt');
        // PDP-11 order: the high 16-bit word first, each word little-endian; the value is signed.
        const hi = bytes[i] | (bytes[i + 1] << 8);
        const lo = bytes[i + 2] | (bytes[i + 3] << 8);
        time += (hi << 16) | lo;
        i += 4;
        break;
      }
      case NUM:
        num = (field << 22) >> 22;
        if (last) last.num = num;
        break;
      case SUB:
        if (last) last.subtype = (field << 22) >> 22;
        break;
      case CHN:
        chan = field;
        if (last) last.chan = chan;
        break;
      case AUX: {
        if (i + field > n)
          throw new EcgError(`annotations: AUX of ${field} bytes at byte ${i - 2} is cut off`, 'corrupt');
        let end = i + field;
        while (end > i && bytes[end - 1] === 0) end--;
        let text = '';
        for (let k = i; k < end; k++) text += String.fromCharCode(bytes[k]);
        if (last) last.aux = text;
        i += field + (field & 1);
        break;
      }
      default: {
        time += field;
        last = { sample: time, symbol: annotationSymbol(a), code: a, subtype: 0, chan, num };
        out.push(last);
      }
    }
  }
  return out;
}

/**
 * Writes annotations in MIT format, emitting SUB when nonzero, CHN and NUM when they change, AUX when present,
 * as WFDB's putann does, so files written by WFDB round-trip byte for byte. Annotations must be in time order.
 */
export function writeAnnotations(annotations: readonly Annotation[]): Uint8Array {
  const bytes: number[] = [];
  const pushWord = (w: number) => bytes.push(w & 0xff, (w >> 8) & 0xff);
  let time = 0;
  let chan = 0;
  let num = 0;
  annotations.forEach((ann, index) => {
    const where = `annotations[${index}]`;
    if (!Number.isInteger(ann.sample) || ann.sample < 0)
      throw new EcgError(`${where}.sample ${ann.sample} is not a sample index`);
    const code = ann.code ?? annotationCode(ann.symbol);
    if (!Number.isInteger(code) || code < 1 || code > 49)
      throw new EcgError(`${where}.code ${code} is outside 1–49`);
    let delta = ann.sample - time;
    if (delta < 0)
      throw new EcgError(`${where}.sample ${ann.sample} is before the previous annotation at ${time}`);
    if (delta > 0x3ff) {
      pushWord(SKIP << 10);
      pushWord((delta >>> 16) & 0xffff);
      pushWord(delta & 0xffff);
      delta = 0;
    }
    pushWord((code << 10) | delta);
    time = ann.sample;
    const subtype = ann.subtype ?? 0;
    if (subtype !== 0) pushWord((SUB << 10) | (subtype & 0x3ff));
    if ((ann.chan ?? 0) !== chan) {
      chan = ann.chan ?? 0;
      pushWord((CHN << 10) | (chan & 0x3ff));
    }
    if ((ann.num ?? 0) !== num) {
      num = ann.num ?? 0;
      pushWord((NUM << 10) | (num & 0x3ff));
    }
    if (ann.aux !== undefined && ann.aux !== '') {
      // Stored with a terminating NUL, as WFDB does; the length byte counts it.
      const text = ann.aux;
      const len = text.length + 1;
      if (len > 0x3ff) throw new EcgError(`${where}.aux is longer than 1022 characters`);
      pushWord((AUX << 10) | len);
      for (let k = 0; k < text.length; k++) {
        const c = text.charCodeAt(k);
        if (c > 0xff) throw new EcgError(`${where}.aux has a character outside Latin-1`);
        bytes.push(c);
      }
      bytes.push(0);
      if (len & 1) bytes.push(0);
    }
  });
  pushWord(0);
  return Uint8Array.from(bytes);
}

/**
 * Builds an annotation list from beat positions and MIT mnemonics (one per beat, or one for all), e.g. for
 * writing detected and classified beats as a WFDB `.qrs` file. Positions must ascend.
 */
export function beatsToAnnotations(
  samples: ArrayLike<number>,
  codes: readonly string[] | string = 'N',
): Annotation[] {
  if (typeof codes !== 'string' && codes.length !== samples.length) {
    throw new EcgError(`beatsToAnnotations: ${codes.length} codes for ${samples.length} beats`);
  }
  const out: Annotation[] = new Array(samples.length);
  let prev = -1;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (!Number.isInteger(s) || s < 0)
      throw new EcgError(`beatsToAnnotations: samples[${i}] ${s} is not a sample index`);
    if (s < prev)
      throw new EcgError(`beatsToAnnotations: samples[${i}] ${s} is before samples[${i - 1}] ${prev}`);
    prev = s;
    const symbol = typeof codes === 'string' ? codes : codes[i];
    out[i] = { sample: s, symbol, code: annotationCode(symbol), subtype: 0, chan: 0, num: 0 };
  }
  return out;
}
