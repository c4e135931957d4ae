/** Byte helpers shared by every protocol piece: UTF-8, hex and base64url (no padding). */
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { EcnyError } from '../errors/index';

export { bytesToHex, concatBytes, hexToBytes, utf8ToBytes };

const B64URL = /^[A-Za-z0-9_-]*$/;

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  if (!B64URL.test(text) || text.length % 4 === 1) {
    throw new EcnyError('BAD_ENCODING', 'not base64url text');
  }
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const bin = atob(padded);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let i = 0; i < n; i += 65_536)
    globalThis.crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65_536)));
  return out;
}

/** A random identifier: a short prefix and 16 random bytes in base64url. */
export function randomId(prefix: string): string {
  return `${prefix}_${toBase64Url(randomBytes(16))}`;
}

/** Width of the time part of a sortableId: base36 milliseconds, enough until the year 5188. */
const TIME_DIGITS = 9;
const TIME_LIMIT = 36 ** TIME_DIGITS;

/**
 * An id that sorts by the time it was made: a short prefix, the Unix time in
 * milliseconds as 9 base36 digits, then 12 random bytes (96 bits) in
 * base64url, e.g. `tx_0mx03mdpbcV3nq8Xo0aLzTbE1`. Ids made within the same
 * few seconds fall next to each other in the server's index of ids, so
 * inserting them writes one end of that index instead of a random page for
 * each (see PROTOCOL.md, "Idempotency ids"). Ids made in the same
 * millisecond are ordered by their random part.
 */
export function sortableId(prefix: string, now: number = Date.now()): string {
  if (!Number.isInteger(now) || now < 0 || now >= TIME_LIMIT) {
    throw new RangeError(`not a time in milliseconds for an id: ${now}`);
  }
  return `${prefix}_${now.toString(36).padStart(TIME_DIGITS, '0')}${toBase64Url(randomBytes(12))}`;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
