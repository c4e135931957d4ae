/**
 * Deterministic encoding of signed objects: RFC 8785 (JSON Canonicalization
 * Scheme) restricted to the values our protocol uses — objects, arrays,
 * strings, booleans, null and safe integers. Floats, undefined and
 * non-plain objects are refused so that two implementations can never
 * disagree on the bytes.
 */
import canonicalizeJson from 'canonicalize';
import { EcnyError } from '../errors/index';
import { utf8ToBytes } from './bytes';

export type Canonical = string | number | boolean | null | Canonical[] | { [key: string]: Canonical };

function check(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new EcnyError('BAD_ENCODING', `${path}: only safe integers can be encoded, got ${value}`);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) check(value[i], `${path}[${i}]`);
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      check(v, `${path}.${k}`);
    }
    return;
  }
  throw new EcnyError('BAD_ENCODING', `${path}: ${typeof value} cannot be encoded`);
}

/** Canonical JSON text of a value (keys sorted, no whitespace; undefined members dropped). */
export function canonicalJson(value: unknown): string {
  check(value, '$');
  const text = canonicalizeJson(value);
  if (text === undefined) throw new EcnyError('BAD_ENCODING', 'value cannot be encoded');
  return text;
}

export function canonicalBytes(value: unknown): Uint8Array {
  return utf8ToBytes(canonicalJson(value));
}
