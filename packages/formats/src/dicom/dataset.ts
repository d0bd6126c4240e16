/** Reading a DICOM Part 10 file with dcmjs, and typed access to its naturalised (keyword-named) values. */
import dcmjs from 'dcmjs';
import { FormatError } from '../types';

const FORMAT = 'dicom';

// biome-ignore lint/suspicious/noExplicitAny: naturalised DICOM datasets are untyped trees
export type Item = Record<string, any>;

export function first<T = Item>(value: unknown): T | undefined {
  if (Array.isArray(value)) return value[0] as T;
  return (value ?? undefined) as T | undefined;
}

export function items(value: unknown): Item[] {
  if (Array.isArray(value)) return value as Item[];
  return value ? [value as Item] : [];
}

/**
 * dcmjs decodes text with the dataset's SpecificCharacterSet only at the top level; strings inside sequences
 * come out as Latin-1. While a file is read, this holds a strict decoder for its real character set so such
 * strings can be turned back into bytes and decoded properly (UTF-8, GB18030 …).
 */
let charsetDecoder: TextDecoder | undefined;

/** Runs `read` with string fix-ups for the file's declared character set (see fixText). */
export function withFileCharset<T>(bytes: Uint8Array, read: () => T): T {
  charsetDecoder = decoderFor(declaredCharset(bytes));
  try {
    return read();
  } finally {
    charsetDecoder = undefined;
  }
}

function fitsInBytes(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

export function fixText(s: string): string {
  if (!charsetDecoder || !/[\x80-\xff]/.test(s) || !fitsInBytes(s)) return s;
  // ISO 2022 escape sequences (ESC $ ) A switches to GB2312, ESC ( B back to ASCII) only frame the bytes.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ISO 2022 escape sequences start with ESC
  const bytes = s.replace(/\x1b(?:\$[()*+]?[@-Z]|[()*+][@-Z])/g, '');
  try {
    return charsetDecoder.decode(Uint8Array.from(bytes, (ch) => ch.charCodeAt(0)));
  } catch {
    return s; // it was already decoded correctly
  }
}

export function str(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === null) return undefined;
  const s = fixText(String(v).trim());
  return s === '' ? undefined : s;
}

/** The file's own SpecificCharacterSet (dcmjs rewrites the parsed value to "ISO_IR 192"). */
function declaredCharset(bytes: Uint8Array): string | undefined {
  for (let i = 132; i + 8 < Math.min(bytes.length, 65536); i += 2) {
    if (bytes[i] !== 0x08 || bytes[i + 1] !== 0 || bytes[i + 2] !== 0x05 || bytes[i + 3] !== 0) continue;
    const explicit = bytes[i + 4] === 0x43 && bytes[i + 5] === 0x53; // "CS"
    const length = explicit ? bytes[i + 6] | (bytes[i + 7] << 8) : bytes[i + 4] | (bytes[i + 5] << 8);
    const start = i + 8; // explicit: tag, VR, 2-byte length; implicit: tag, 4-byte length
    return String.fromCharCode(...bytes.subarray(start, start + Math.min(length, 64))).trim();
  }
  return undefined;
}

function decoderFor(charset: string | undefined): TextDecoder | undefined {
  const terms = (charset ?? '').split('\\').map((t) => t.trim().toUpperCase());
  const label = terms.includes('ISO_IR 192')
    ? 'utf-8'
    : terms.includes('GB18030') || terms.includes('ISO 2022 IR 58') || terms.includes('ISO_IR 58')
      ? 'gb18030'
      : terms.includes('GBK')
        ? 'gbk'
        : undefined;
  return label ? new TextDecoder(label, { fatal: true }) : undefined;
}

export function num(value: unknown): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Runs dcmjs with its console logging off: on damaged files it prints raw bytes ("Invalid vr type ÿÿ") into the
 * server log. Problems that matter reach the caller as exceptions or our own warnings. Levels are restored after.
 */
function quietly<T>(run: () => T): T {
  const loggers = [dcmjs.log, dcmjs.log.getLogger('validation.dcmjs')];
  const levels = loggers.map((l) => l.getLevel());
  for (const l of loggers) l.setLevel('silent');
  try {
    return run();
  } finally {
    loggers.forEach((l, i) => {
      l.setLevel(levels[i]);
    });
  }
}

/** Parses the Part 10 file with dcmjs, turning its exceptions into FormatErrors. */
export function parseDataset(bytes: Uint8Array): Item {
  if (bytes.length < 132 || String.fromCharCode(...bytes.subarray(128, 132)) !== 'DICM') {
    throw new FormatError('not a DICOM file: no "DICM" marker at byte 128', FORMAT);
  }
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const read = (ignoreErrors: boolean) =>
    quietly(() =>
      dcmjs.data.DicomMetaDictionary.naturalizeDataset(
        dcmjs.data.DicomMessage.readFile(buffer, { ignoreErrors }).dict,
      ),
    );
  try {
    return read(false);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    // Character-set trouble (e.g. "\\ISO 2022 IR 58", common on Chinese devices) is not corruption: read
    // leniently and let fixText decode the strings.
    if (/character set|encoding/i.test(reason)) {
      try {
        return read(true);
      } catch {
        // fall through to the error below
      }
    }
    throw new FormatError(`corrupt DICOM file: ${reason}`, FORMAT);
  }
}
