/**
 * CRC-16/CCITT-FALSE as used by EMVCo QR payloads (ID "63"): polynomial
 * 0x1021, initial value 0xFFFF, no reflection, no final XOR. Check value:
 * crc16CcittFalse("123456789") === 0x29B1.
 *
 * Text is hashed as its UTF-8 bytes, which for the all-ASCII payloads of
 * every scheme in use is the same as hashing the characters.
 */
import { utf8ToBytes } from '../crypto/bytes';

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let crc = n << 8;
    for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[n] = crc;
  }
  return table;
})();

export function crc16CcittFalse(data: string | Uint8Array): number {
  const bytes = typeof data === 'string' ? utf8ToBytes(data) : data;
  let crc = 0xffff;
  for (let i = 0; i < bytes.length; i++) {
    crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  }
  return crc;
}

/** The CRC as EMVCo writes it: four uppercase hexadecimal digits. */
export function crc16Hex(data: string | Uint8Array): string {
  return crc16CcittFalse(data).toString(16).toUpperCase().padStart(4, '0');
}
