/**
 * Decoders for WFDB sample storage formats (PhysioNet "signal(5)"). Each turns a byte range into a flat stream
 * of integer ADC samples, in file order (frames interleaved). Formats: 8 (8-bit first differences), 16, 24, 32
 * (little-endian two's complement), 61 (16-bit big-endian), 80 (8-bit offset binary), 160 (16-bit offset
 * binary), 212 (two 12-bit samples in 3 bytes), 310 and 311 (three 10-bit samples in 4 bytes).
 */
import { EcgError } from '../record';

export const SUPPORTED_FORMATS: readonly number[] = [8, 16, 24, 32, 61, 80, 160, 212, 310, 311];

/** How many whole samples `byteCount` bytes hold in `format`. */
export function samplesInBytes(format: number, byteCount: number): number {
  const b = Math.max(0, byteCount);
  switch (format) {
    case 8:
    case 80:
      return b;
    case 16:
    case 61:
    case 160:
      return Math.floor(b / 2);
    case 24:
      return Math.floor(b / 3);
    case 32:
      return Math.floor(b / 4);
    case 212: {
      const rem = b % 3;
      return Math.floor(b / 3) * 2 + (rem >= 2 ? 1 : 0);
    }
    case 310: {
      const rem = b % 4;
      return Math.floor(b / 4) * 3 + (rem >= 2 ? 1 : 0);
    }
    case 311: {
      const rem = b % 4;
      return Math.floor(b / 4) * 3 + (rem >= 2 ? 1 : 0) + (rem >= 3 ? 1 : 0);
    }
    default:
      throw new EcgError(
        `WFDB format ${format} is not supported (supported: ${SUPPORTED_FORMATS.join(', ')})`,
        'unsupported',
      );
  }
}

const sign12 = (v: number) => (v << 20) >> 20;
const sign10 = (v: number) => (v << 22) >> 22;

/**
 * Decodes `count` samples of `format` starting at `bytes[offset]`. The caller checks that the bytes suffice
 * (samplesInBytes). Format 8 is returned as raw differences; the caller integrates them per signal.
 */
export function decodeSamples(bytes: Uint8Array, offset: number, format: number, count: number): Int32Array {
  const out = new Int32Array(count);
  let p = offset;
  switch (format) {
    case 8:
      for (let i = 0; i < count; i++) out[i] = (bytes[p++] << 24) >> 24;
      break;
    case 80:
      for (let i = 0; i < count; i++) out[i] = bytes[p++] - 128;
      break;
    case 16:
      for (let i = 0; i < count; i++, p += 2) out[i] = ((bytes[p] | (bytes[p + 1] << 8)) << 16) >> 16;
      break;
    case 61:
      for (let i = 0; i < count; i++, p += 2) out[i] = (((bytes[p] << 8) | bytes[p + 1]) << 16) >> 16;
      break;
    case 160:
      for (let i = 0; i < count; i++, p += 2) out[i] = (bytes[p] | (bytes[p + 1] << 8)) - 32768;
      break;
    case 24:
      for (let i = 0; i < count; i++, p += 3)
        out[i] = ((bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16)) << 8) >> 8;
      break;
    case 32:
      for (let i = 0; i < count; i++, p += 4) {
        out[i] = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24);
      }
      break;
    case 212: {
      // Byte 0: low 8 bits of sample A; byte 1: high nibble of B (bits 7–4) and of A (bits 3–0); byte 2: low 8 of B.
      let i = 0;
      for (; i + 1 < count; i += 2, p += 3) {
        const mid = bytes[p + 1];
        out[i] = sign12(bytes[p] | ((mid & 0x0f) << 8));
        out[i + 1] = sign12(bytes[p + 2] | ((mid & 0xf0) << 4));
      }
      if (i < count) out[i] = sign12(bytes[p] | ((bytes[p + 1] & 0x0f) << 8));
      break;
    }
    case 310: {
      // Two little-endian 16-bit words: A and B are bits 1–10 of each word; C is the top 5 bits of each word
      // (those of the first word being the least significant).
      for (let i = 0; i < count; i += 3, p += 4) {
        const b0 = bytes[p];
        const b1 = bytes[p + 1];
        const b2 = bytes[p + 2] ?? 0;
        const b3 = bytes[p + 3] ?? 0;
        out[i] = sign10((b0 >> 1) | ((b1 & 0x07) << 7));
        if (i + 1 < count) out[i + 1] = sign10((b2 >> 1) | ((b3 & 0x07) << 7));
        if (i + 2 < count) out[i + 2] = sign10(((b1 & 0xf8) >> 3) | ((b3 & 0xf8) << 2));
      }
      break;
    }
    case 311: {
      // One little-endian 32-bit word: A = bits 0–9, B = bits 10–19, C = bits 20–29.
      for (let i = 0; i < count; i += 3, p += 4) {
        const w =
          (bytes[p] | (bytes[p + 1] << 8) | ((bytes[p + 2] ?? 0) << 16) | ((bytes[p + 3] ?? 0) << 24)) >>> 0;
        out[i] = sign10(w & 0x3ff);
        if (i + 1 < count) out[i + 1] = sign10((w >>> 10) & 0x3ff);
        if (i + 2 < count) out[i + 2] = sign10((w >>> 20) & 0x3ff);
      }
      break;
    }
    default:
      throw new EcgError(`WFDB format ${format} is not supported`, 'unsupported');
  }
  return out;
}

/** Encodes ADC samples in format 16 or 212 (used by tests and by export). Values are clamped to the range. */
export function encodeSamples(samples: Int32Array | number[], format: 16 | 212): Uint8Array {
  const n = samples.length;
  if (format === 16) {
    const out = new Uint8Array(n * 2);
    for (let i = 0; i < n; i++) {
      const v = Math.max(-32768, Math.min(32767, Math.round(samples[i]))) & 0xffff;
      out[2 * i] = v & 0xff;
      out[2 * i + 1] = v >> 8;
    }
    return out;
  }
  const out = new Uint8Array(Math.ceil((n * 3) / 2));
  for (let i = 0, p = 0; i < n; i += 2, p += 3) {
    const a = Math.max(-2048, Math.min(2047, Math.round(samples[i]))) & 0xfff;
    const b = i + 1 < n ? Math.max(-2048, Math.min(2047, Math.round(samples[i + 1]))) & 0xfff : 0;
    out[p] = a & 0xff;
    out[p + 1] = ((a >> 8) & 0x0f) | ((b >> 4) & 0xf0);
    if (i + 1 < n) out[p + 2] = b & 0xff;
  }
  return out;
}
