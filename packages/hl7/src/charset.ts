// Bytes ↔ text by MSH-18 (HL7 table 0211). Chinese feeds send GB 18030 (or its subsets GBK/GB2312) or UTF-8.
import iconv from 'iconv-lite';
import { Hl7ParseError } from './errors';

/** The JavaScript/iconv name for an MSH-18 value; undefined when we do not know it. */
export function charsetFromMsh18(value: string): string | undefined {
  const v = value
    .trim()
    .toUpperCase()
    .replace(/[\s_]+/g, ' ');
  if (v === '') return 'utf-8';
  switch (v) {
    case 'UNICODE UTF-8':
    case 'UTF-8':
    case 'UTF8':
    case 'UNICODE':
      return 'utf-8';
    case 'ASCII':
      return 'utf-8'; // ASCII is a subset; decoding as UTF-8 keeps stray non-ASCII bytes readable.
    case 'GB 18030-2000':
    case 'GB 18030':
    case 'GB18030':
    case 'GB18030-2000':
    case 'GB18030-2005':
    case 'GB 18030-2005':
      return 'gb18030';
    case 'GBK':
    case 'CP936':
      return 'gbk';
    case 'GB 2312':
    case 'GB2312':
    case 'GB 2312-80':
    case 'GB2312-80':
    case 'ISO IR58':
      // GB2312 text is valid GBK; decoding as GBK also reads the characters senders add beyond GB2312.
      return 'gbk';
    case 'BIG-5':
    case 'BIG5':
      return 'big5';
    case '8859/1':
    case 'ISO-8859-1':
      return 'latin1';
    case 'UNICODE UTF-16':
      return 'utf-16le';
  }
  const iso = /^8859\/(\d{1,2})$/.exec(v);
  if (iso) return `iso-8859-${iso[1]}`;
  return undefined;
}

/**
 * Reads MSH-18 straight from the bytes of the MSH line. The structure characters are ASCII, but in GB 18030 a
 * trail byte may equal '|', so the fields are counted twice: byte by byte, and skipping double-byte pairs; the
 * first count that yields a known character set wins.
 */
export function sniffMsh18(bytes: Uint8Array): string {
  const start = findMsh(bytes);
  if (start < 0) return '';
  const sep = bytes[start + 3];
  for (const skipPairs of [false, true]) {
    let separators = 0; // after 'MSH' and its separator we are in MSH-2, so MSH-n follows n-2 separators
    let value = '';
    for (let i = start + 4; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0x0d || b === 0x0a) break;
      if (skipPairs && b >= 0x81) {
        i++;
        continue;
      }
      if (b === sep) {
        separators++;
        if (separators > 16) break;
        continue;
      }
      if (separators === 16) value += String.fromCharCode(b);
    }
    const rep = value.split('~')[0];
    if (rep && charsetFromMsh18(rep)) return rep;
  }
  return '';
}

function findMsh(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 0x4d && bytes[i + 1] === 0x53 && bytes[i + 2] === 0x48) {
      if (i === 0 || bytes[i - 1] === 0x0d || bytes[i - 1] === 0x0a || bytes[i - 1] === 0x0b) return i;
    }
  }
  return -1;
}

export interface DecodedText {
  text: string;
  /** The iconv name used to decode. */
  charset: string;
  /** MSH-18 as written ('' when absent). */
  declared: string;
}

/** Decodes message bytes by the character set the (first) MSH declares; UTF-8 when none. */
export function decodeHl7(bytes: Uint8Array, fallbackCharset = 'utf-8'): DecodedText {
  const declared = sniffMsh18(bytes);
  const charset = declared ? (charsetFromMsh18(declared) ?? fallbackCharset) : fallbackCharset;
  return { text: decodeWith(bytes, charset), charset, declared };
}

function decodeWith(bytes: Uint8Array, charset: string): string {
  if (charset === 'utf-8') return new TextDecoder('utf-8').decode(bytes);
  if (!iconv.encodingExists(charset))
    throw new Hl7ParseError(`MSH-18: character set '${charset}' is not supported`);
  return iconv.decode(bytes as Buffer, charset);
}

/** Encodes message text in the character set its MSH-18 names (UTF-8 when absent or unknown). */
export function encodeHl7(text: string, charset?: string): Uint8Array {
  const name = charset ?? charsetFromMsh18(readMsh18FromText(text)) ?? 'utf-8';
  if (name === 'utf-8') return new TextEncoder().encode(text);
  if (!iconv.encodingExists(name))
    throw new Hl7ParseError(`MSH-18: character set '${name}' is not supported`);
  return new Uint8Array(iconv.encode(text, name));
}

function readMsh18FromText(text: string): string {
  const i = text.indexOf('MSH');
  if (i < 0) return '';
  const line = text.slice(i).split(/\r|\n/, 1)[0];
  const sep = line[3];
  if (!sep) return '';
  return (line.split(sep)[17] ?? '').split('~')[0];
}
