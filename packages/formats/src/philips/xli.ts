/**
 * Philips "XLI" waveform compression (PageWriter / Sierra ECG XML). The stream is a run of chunks, one per lead:
 *   8-byte header: int32 LE compressed size, uint16 code (unused), int16 LE seed for the delta decoder;
 *   `size` bytes of LZW data: 10-bit codes packed MSB-first, dictionary of the 256 single bytes plus entries
 *   from 256 up to 1022, never reset;
 * the LZW output holds the 16-bit values split in two halves (all high bytes, then all low bytes), and the
 * values are second-difference residuals: x[i] = 2·x[i−1] − x[i−2] − r[i], where r for sample i is the
 * previous stored value minus 64 (the chunk seed for i = 2), and the first two values are stored as is.
 */
import { FormatError } from '../types';

const FORMAT = 'philips-xml';
const CODE_BITS = 10;
const MAX_CODE = (1 << CODE_BITS) - 2;

/** LZW-decodes one chunk; `maxBytes` bounds the output so corrupt input cannot blow up memory. */
export function lzwDecode(data: Uint8Array, maxBytes: number): Uint8Array {
  const dict: Uint8Array[] = [];
  for (let i = 0; i < 256; i++) dict.push(Uint8Array.of(i));
  let next = 256;
  let previous: Uint8Array | undefined;
  const out = new Uint8Array(maxBytes);
  let n = 0;
  const totalBits = data.length * 8;
  for (let bit = 0; bit + CODE_BITS <= totalBits; bit += CODE_BITS) {
    let code = 0;
    for (let k = 0; k < CODE_BITS; k++) {
      const b = bit + k;
      code = (code << 1) | ((data[b >> 3] >> (7 - (b & 7))) & 1);
    }
    if (code > MAX_CODE) break; // padding or end marker: nothing valid can follow
    let entry: Uint8Array;
    if (code < next && dict[code]) entry = dict[code];
    else if (code === next && previous) {
      // the code being defined right now: previous string plus its own first byte
      entry = new Uint8Array(previous.length + 1);
      entry.set(previous);
      entry[previous.length] = previous[0];
    } else {
      throw new FormatError(
        `XLI data: LZW code ${code} used before it was defined (corrupt waveform)`,
        FORMAT,
      );
    }
    if (previous && next <= MAX_CODE) {
      const added = new Uint8Array(previous.length + 1);
      added.set(previous);
      added[previous.length] = entry[0];
      dict[next++] = added;
    }
    if (n + entry.length > maxBytes) {
      throw new FormatError(
        `XLI data: a lead decompresses to more than ${maxBytes} bytes (corrupt waveform)`,
        FORMAT,
      );
    }
    out.set(entry, n);
    n += entry.length;
    previous = entry;
  }
  return out.subarray(0, n);
}

/** Joins the high-byte half and the low-byte half into signed 16-bit values. */
export function unpackHalves(bytes: Uint8Array): Int16Array {
  const half = (bytes.length + 1) >> 1;
  const values = new Int16Array(half);
  for (let i = 0; i < half; i++) {
    const lo = half + i < bytes.length ? bytes[half + i] : 0;
    values[i] = (bytes[i] << 8) | lo;
  }
  return values;
}

/** Undoes XLI's second-difference coding in place-free fashion; arithmetic wraps to 16 bits like the device. */
export function undoXliDeltas(stored: Int16Array, seed: number): Int16Array {
  const x = new Int16Array(stored.length);
  if (stored.length === 0) return x;
  x[0] = stored[0];
  if (stored.length > 1) x[1] = stored[1];
  let residual = seed;
  for (let i = 2; i < stored.length; i++) {
    x[i] = 2 * x[i - 1] - x[i - 2] - residual;
    residual = stored[i] - 64;
  }
  return x;
}

/**
 * Decodes an XLI stream into one Int16Array per chunk (lead). `expectedSamples` bounds each chunk's output;
 * `maxChunks` stops runaway input.
 */
export function decodeXli(data: Uint8Array, expectedSamples: number, maxChunks: number): Int16Array[] {
  const leads: Int16Array[] = [];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  while (offset + 8 <= data.length && leads.length < maxChunks) {
    const size = view.getInt32(offset, true);
    const seed = view.getInt16(offset + 6, true);
    if (size <= 0 || offset + 8 + size > data.length) {
      throw new FormatError(
        `XLI chunk ${leads.length + 1}: size ${size} does not fit in the ${data.length - offset - 8} bytes left`,
        FORMAT,
      );
    }
    const bytes = lzwDecode(data.subarray(offset + 8, offset + 8 + size), expectedSamples * 2 + 64);
    leads.push(undoXliDeltas(unpackHalves(bytes), seed));
    offset += 8 + size;
  }
  return leads;
}
