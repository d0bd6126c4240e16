/**
 * CRC-CCITT (polynomial 0x1021, initial value 0xFFFF, no reflection), the checksum SCP-ECG (EN 1064) and
 * ISHNE Holter files both use to protect their headers and data.
 */
const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

export function crcCcitt(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]) & 0xff];
  return crc;
}

export function hex16(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}
