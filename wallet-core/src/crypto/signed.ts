/**
 * Signed objects: a body plus `sig`, the Ed25519 signature (base64url) over
 * the domain-separated hash of the body (every field but `sig`).
 */
import { EcnyError } from '../errors/index';
import { fromBase64Url, toBase64Url } from './bytes';
import { objectHash } from './hash';
import type { Signer, Verifier } from './keys';

export type Signed<T> = T & { sig: string };

export function bodyOf<T extends object>(signed: Signed<T>): T {
  const { sig: _sig, ...body } = signed;
  return body as unknown as T;
}

export function signObject<T extends object>(type: string, body: T, signer: Signer): Signed<T> {
  if ('sig' in body) throw new EcnyError('BAD_ENCODING', 'a body to sign must not carry sig');
  const sig = toBase64Url(signer.sign(objectHash(type, body)));
  return { ...body, sig };
}

/** True when `signed.sig` is a valid signature by `publicKey` over the body under `type`. */
export function verifyObject<T extends object>(
  type: string,
  signed: Signed<T>,
  publicKey: Uint8Array,
  verifier: Verifier,
): boolean {
  let sig: Uint8Array;
  try {
    sig = fromBase64Url(signed.sig);
  } catch {
    return false;
  }
  if (sig.length !== 64) return false;
  let digest: Uint8Array;
  try {
    digest = objectHash(type, bodyOf(signed));
  } catch {
    return false;
  }
  return verifier.verify(sig, digest, publicKey);
}
