/**
 * Ed25519 keys and the Signer / Verifier seams. Everything in wallet-core signs
 * and verifies through these interfaces, so a host can plug in a faster
 * implementation (the server uses node:crypto) that yields the same bytes.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { EcnyError } from '../errors/index';
import { fromBase64Url, randomBytes, toBase64Url } from './bytes';

export interface Signer {
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export interface Verifier {
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

export interface KeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export function generateKeyPair(): KeyPair {
  const secretKey = randomBytes(32);
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

export function keyPairFromSecret(secretKey: Uint8Array): KeyPair {
  if (secretKey.length !== 32) throw new EcnyError('BAD_KEY', 'an Ed25519 secret key is 32 bytes');
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

/** Signer on @noble/curves: pure JavaScript, runs anywhere. */
export class NobleSigner implements Signer {
  readonly publicKey: Uint8Array;
  readonly #secretKey: Uint8Array;

  constructor(secretKey: Uint8Array) {
    this.#secretKey = secretKey;
    this.publicKey = ed25519.getPublicKey(secretKey);
  }

  sign(message: Uint8Array): Uint8Array {
    return ed25519.sign(message, this.#secretKey);
  }
}

export const nobleVerifier: Verifier = {
  verify(signature, message, publicKey) {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    try {
      return ed25519.verify(signature, message, publicKey);
    } catch {
      return false;
    }
  },
};

export function encodeKey(publicKey: Uint8Array): string {
  return toBase64Url(publicKey);
}

export function decodeKey(text: string): Uint8Array {
  const key = fromBase64Url(text);
  if (key.length !== 32) throw new EcnyError('BAD_KEY', 'an Ed25519 public key is 32 bytes');
  return key;
}
