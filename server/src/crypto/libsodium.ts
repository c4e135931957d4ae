/** The sodium-native addon (libsodium), loaded once; the verification workers load it from the same path. */
import { createRequire } from 'node:module';

/** The part of sodium-native the server uses. */
export interface Sodium {
  crypto_sign_seed_keypair(publicKey: Uint8Array, secretKey: Uint8Array, seed: Uint8Array): void;
  crypto_sign_detached(signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void;
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

const require = createRequire(import.meta.url);

export const SODIUM_PATH = require.resolve('sodium-native');
export const sodium = require(SODIUM_PATH) as Sodium;
