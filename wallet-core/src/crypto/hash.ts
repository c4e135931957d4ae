/**
 * Domain-separated hashing. Every signed object is hashed as
 *   SHA-256( "ecny-sim/v1/<type>" || 0x00 || canonicalJson(body) )
 * so that a signature over one kind of object can never be replayed as another.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, toBase64Url, utf8ToBytes } from './bytes';
import { canonicalBytes } from './canonical';

export const DOMAIN_PREFIX = 'ecny-sim/v1/';

export { sha256 };

export function domainTag(type: string): Uint8Array {
  return concatBytes(utf8ToBytes(DOMAIN_PREFIX + type), new Uint8Array([0]));
}

/** The bytes that are hashed for an object of the given type. */
export function signingPreimage(type: string, body: unknown): Uint8Array {
  return concatBytes(domainTag(type), canonicalBytes(body));
}

export function objectHash(type: string, body: unknown): Uint8Array {
  return sha256(signingPreimage(type, body));
}

export function objectHashB64(type: string, body: unknown): string {
  return toBase64Url(objectHash(type, body));
}
