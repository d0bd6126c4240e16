import { FormatError } from '../types';
import type { ByteView } from './bytes';

/** One code of an SCP Huffman table (EN 1064 section 2). `code` is kept MSB-first, as the bits arrive. */
export interface HuffmanCode {
  prefixBits: number;
  totalBits: number;
  /** 1: the code yields a value; 0: switch to table number `baseValue` (1-based). */
  mode: number;
  baseValue: number;
  code: number;
}

export type HuffmanTables = HuffmanCode[][];

/** The standard's default table (used when section 2 holds 19999): codes MSB-first. */
const DEFAULT_TABLE: HuffmanCode[] = [
  [1, 1, 0, 0b0],
  [3, 3, 1, 0b100],
  [3, 3, -1, 0b101],
  [4, 4, 2, 0b1100],
  [4, 4, -2, 0b1101],
  [5, 5, 3, 0b11100],
  [5, 5, -3, 0b11101],
  [6, 6, 4, 0b111100],
  [6, 6, -4, 0b111101],
  [7, 7, 5, 0b1111100],
  [7, 7, -5, 0b1111101],
  [8, 8, 6, 0b11111100],
  [8, 8, -6, 0b11111101],
  [9, 9, 7, 0b111111100],
  [9, 9, -7, 0b111111101],
  [10, 10, 8, 0b1111111100],
  [10, 10, -8, 0b1111111101],
  // escape codes: the original value follows in 8 or 16 bits, two's complement
  [10, 18, 0, 0b1111111110],
  [10, 26, 0, 0b1111111111],
].map(([prefixBits, totalBits, baseValue, code]) => ({ prefixBits, totalBits, mode: 1, baseValue, code }));

export const DEFAULT_HUFFMAN: HuffmanTables = [DEFAULT_TABLE];

function reverseBits(value: number, bits: number): number {
  let r = 0;
  for (let i = 0; i < bits; i++) r = (r << 1) | ((value >>> i) & 1);
  return r >>> 0;
}

/** Reads section 2. Base codes are stored bit-reversed (first transmitted bit in the least significant place). */
export function readHuffmanTables(v: ByteView, start: number, end: number): HuffmanTables {
  const count = v.u16(start, 'SCP section 2 number of Huffman tables');
  if (count === 19999) return DEFAULT_HUFFMAN;
  if (count === 0 || count > 256) {
    throw new FormatError(`SCP section 2: ${count} Huffman tables is not a valid count`, 'scp-ecg');
  }
  const tables: HuffmanTables = [];
  let o = start + 2;
  for (let t = 0; t < count; t++) {
    const n = v.u16(o, `SCP section 2 table ${t + 1} code count`);
    o += 2;
    if (n === 0 || o + n * 9 > end) {
      throw new FormatError(`SCP section 2 table ${t + 1}: ${n} codes do not fit in the section`, 'scp-ecg');
    }
    const codes: HuffmanCode[] = [];
    for (let i = 0; i < n; i++, o += 9) {
      const prefixBits = v.u8(o, 'Huffman prefix bits');
      const totalBits = v.u8(o + 1, 'Huffman total bits');
      if (prefixBits < 1 || prefixBits > 32 || totalBits < prefixBits || totalBits - prefixBits > 32) {
        throw new FormatError(
          `SCP section 2 table ${t + 1} code ${i + 1}: prefix ${prefixBits} / total ${totalBits} bits is invalid`,
          'scp-ecg',
        );
      }
      codes.push({
        prefixBits,
        totalBits,
        mode: v.u8(o + 2, 'Huffman mode'),
        baseValue: v.i16(o + 3, 'Huffman base value'),
        code: reverseBits(v.u32(o + 5, 'Huffman base code'), prefixBits),
      });
    }
    tables.push(codes);
  }
  return tables;
}

/** Key of a code in the lookup map: its length and its bits. */
const key = (bits: number, code: number) => bits * 0x1_0000_0000 + code;

/**
 * Decodes up to `count` values from a Huffman bit stream (MSB first). Stops early, without error, when the
 * bits run out (the caller checks the count); throws on a bit pattern that matches no code.
 */
export function huffmanDecode(data: Uint8Array, tables: HuffmanTables, count: number): Int32Array {
  const maps = tables.map((codes) => new Map(codes.map((c) => [key(c.prefixBits, c.code), c])));
  const maxPrefix = tables.map((codes) => Math.max(...codes.map((c) => c.prefixBits)));
  const out = new Int32Array(count);
  const totalBits = data.length * 8;
  let bit = 0;
  let table = 0;
  let n = 0;
  const readBits = (k: number): number => {
    let v = 0;
    for (let i = 0; i < k; i++, bit++) v = v * 2 + ((data[bit >> 3] >> (7 - (bit & 7))) & 1);
    return v;
  };
  while (n < count) {
    let acc = 0;
    let len = 0;
    let found: HuffmanCode | undefined;
    while (!found) {
      if (bit >= totalBits) return out.subarray(0, n);
      acc = acc * 2 + ((data[bit >> 3] >> (7 - (bit & 7))) & 1);
      bit++;
      len++;
      found = maps[table].get(key(len, acc));
      if (!found && len >= maxPrefix[table]) {
        throw new FormatError(`SCP Huffman data: bit pattern at bit ${bit - len} matches no code`, 'scp-ecg');
      }
    }
    if (found.mode === 0) {
      const next = found.baseValue - 1;
      if (next < 0 || next >= tables.length) {
        throw new FormatError(`SCP Huffman data: switch to missing table ${found.baseValue}`, 'scp-ecg');
      }
      table = next;
      continue;
    }
    const extra = found.totalBits - found.prefixBits;
    if (extra === 0) {
      out[n++] = found.baseValue;
    } else {
      if (bit + extra > totalBits) return out.subarray(0, n);
      const raw = readBits(extra);
      out[n++] = raw >= 2 ** (extra - 1) ? raw - 2 ** extra : raw;
    }
  }
  return out;
}
