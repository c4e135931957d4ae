/**
 * Ed25519 through libsodium (the sodium-native addon) behind wallet-core's
 * Signer / Verifier seams: the same signatures as @noble/curves byte for
 * byte. Measured here, one verification costs about 0.6x node:crypto's with a
 * cached KeyObject and one signature about 0.55x (`npm run bench -- --only
 * crypto`), and a public key needs no import. libsodium's verification is
 * also the stricter one: it refuses a non-canonical or small-order public key
 * or R, which no honest device produces (PROTOCOL.md §1).
 */
import type { Signer, Verifier } from '@ecny-sim/wallet-core';
import { sodium } from './libsodium';
import { type TextItem, verifyWorkers } from './verify-workers';

export class SodiumSigner implements Signer {
  readonly publicKey: Uint8Array;
  /** libsodium's 64-byte secret key: the 32-byte seed followed by the public key. */
  readonly #secretKey = new Uint8Array(64);

  constructor(secretKey: Uint8Array) {
    if (secretKey.length !== 32) throw new Error('an Ed25519 secret key is 32 bytes');
    this.publicKey = new Uint8Array(32);
    sodium.crypto_sign_seed_keypair(this.publicKey, this.#secretKey, secretKey);
  }

  sign(message: Uint8Array): Uint8Array {
    const signature = new Uint8Array(64);
    sodium.crypto_sign_detached(signature, message, this.#secretKey);
    return signature;
  }
}

export class SodiumVerifier implements Verifier {
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    return sodium.crypto_sign_verify_detached(signature, message, publicKey);
  }

  /** The same verification on the verification workers, so that many use every core. */
  verifyAsync(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
    if (signature.length !== 64 || publicKey.length !== 32) return Promise.resolve(false);
    return this.verifyAsyncText(base64url(signature), message, base64url(publicKey));
  }

  /**
   * Verification of base64url text as carried in signed objects (signature
   * and public key) over a digest, in bulk on the verification workers
   * (verify-workers.ts): what the server verifies by the thousand.
   */
  verifyAsyncText(signature: string, message: Uint8Array, publicKey: string): Promise<boolean> {
    return this.verifyText(signature, base64url(message), publicKey);
  }

  /** The same with the digest already in base64url (a transfer's hash). */
  verifyText(signature: string, digest: string, publicKey: string): Promise<boolean> {
    return verifyWorkers().verify(signature, digest, publicKey);
  }

  /** Many verifications of base64url text (signature, digest, public key) with one answer, in order. */
  verifyManyText(items: readonly TextItem[]): Promise<Uint8Array> {
    return verifyWorkers().verifyMany(items);
  }
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}
