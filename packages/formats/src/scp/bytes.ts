import { FormatError } from '../types';

/** Little-endian reads with bounds checks that name what was being read when the data runs out. */
export class ByteView {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly format: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(offset: number, length: number, what: string): void {
    if (offset < 0 || length < 0 || offset + length > this.bytes.length) {
      throw new FormatError(
        `${what}: needs bytes ${offset}–${offset + length} but the data has only ${this.bytes.length}`,
        this.format,
      );
    }
  }
  u8(o: number, what: string): number {
    this.need(o, 1, what);
    return this.bytes[o];
  }
  u16(o: number, what: string): number {
    this.need(o, 2, what);
    return this.view.getUint16(o, true);
  }
  i16(o: number, what: string): number {
    this.need(o, 2, what);
    return this.view.getInt16(o, true);
  }
  u32(o: number, what: string): number {
    this.need(o, 4, what);
    return this.view.getUint32(o, true);
  }
  i32(o: number, what: string): number {
    this.need(o, 4, what);
    return this.view.getInt32(o, true);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const LATIN1 = new TextDecoder('latin1');
let gb: TextDecoder | undefined;
try {
  gb = new TextDecoder('gb18030');
} catch {
  gb = undefined; // runtimes without full ICU: fall back to Latin-1
}

/** True when every byte above 0x7F belongs to a GB2312 double-byte pair (both bytes in 0xA1–0xFE). */
function looksLikeGb2312(b: Uint8Array): boolean {
  let high = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] < 0x80) continue;
    if (b[i] < 0xa1 || b[i] > 0xfe || i + 1 >= b.length || b[i + 1] < 0xa1 || b[i + 1] > 0xfe) return false;
    i++;
    high++;
  }
  return high > 0;
}

/**
 * Decodes a device text field: stops at the first NUL, tries UTF-8, then GB2312/GB18030 when the bytes have
 * that shape (Chinese devices write it without saying so), else Latin-1 (European devices). Drops control
 * characters and trims.
 */
export function decodeText(bytes: Uint8Array): string {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  const b = bytes.subarray(0, end);
  let s: string;
  try {
    s = UTF8.decode(b);
  } catch {
    s = gb && looksLikeGb2312(b) ? gb.decode(b) : LATIN1.decode(b);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return s.replace(/[\u0000-\u001f\u007f]/g, '').trim();
}
