/** What a scenario is given and what it hands back to the runner (run.ts). */

import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import {
  MemoryKeyValue,
  OfflineWallet,
  SecureElement,
  type Signed,
  type Signer,
  TamperedSecureElement,
  toBase64Url,
  WalletStore,
} from '@ecny-sim/wallet-core';
import { fastObjectHash } from '../crypto/fast-hash';
import { SodiumVerifier } from '../crypto/sodium';
import type { SimDriver, SimWallet } from './driver';
import type { Progress } from './progress';
import type { ScenarioReport } from './report';
import type { Rng } from './rng';

export interface ScenarioContext {
  driver: SimDriver;
  rng: Rng;
  seed: number;
  scale: number;
  progress: Progress;
  /** Honest words about the model, copied into the report. */
  notes: string[];
}

export interface ScenarioOutcome {
  doubleSpends: ScenarioReport['doubleSpends'];
  campaign: ScenarioReport['campaign'];
  /** Campaign money returned to the issuer by this run. */
  reclaimed: number;
  /** Payments made in the timed payment phase, and its wall time. */
  payments: number;
  paymentMs: number;
}

export interface Scenario {
  name: string;
  summary: string;
  run(sc: ScenarioContext): Promise<ScenarioOutcome>;
}

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

/** Population size at a scale: at least `min`. */
export function scaled(full: number, scale: number, min = 1): number {
  return Math.max(min, Math.round(full * scale));
}

/**
 * An Ed25519 device key from seeded bytes, through node:crypto (whose
 * signing can run on libuv's thread pool), imported as a JWK and with the
 * public key derived natively: about 0.05 ms instead of about 1.2 ms (DER import + pure-JS
 * derivation), which matters when opening 100,000 wallets. OpenSSL derives
 * the public key from `d` on import (the `x` given is not used), so the
 * placeholder `x` does not change the key or its signatures.
 */
export class SimSigner implements Signer {
  readonly publicKey: Uint8Array;
  readonly #key: KeyObject;

  constructor(secretKey: Uint8Array) {
    const d = Buffer.from(secretKey).toString('base64url');
    this.#key = createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', d, x: 'A'.repeat(43) },
      format: 'jwk',
    });
    // The private key's JWK carries the derived public key: no public KeyObject needed.
    const x = this.#key.export({ format: 'jwk' }).x!;
    this.publicKey = new Uint8Array(Buffer.from(x, 'base64url'));
  }

  sign(message: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, message, this.#key));
  }

  /** The same signature, made on libuv's thread pool. */
  signAsync(message: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      sign(null, message, this.#key, (err, sig) => (err ? reject(err) : resolve(new Uint8Array(sig))));
    });
  }
}

/**
 * signObject (wallet-core) over the same bytes, hashed with node:crypto's
 * one-shot SHA-256: how the simulated devices and operators sign
 * in-process (the server verifies with its own hashing).
 */
export function signFast<T extends object>(type: string, body: T, signer: Signer): Signed<T> {
  return { ...body, sig: toBase64Url(signer.sign(simDigest(type, body))) };
}

/** signFast with the signature made off the main thread when the signer can (SimSigner). */
export async function signFastAsync<T extends object>(
  type: string,
  body: T,
  signer: Signer,
): Promise<Signed<T>> {
  if (!(signer instanceof SimSigner)) return signFast(type, body, signer);
  return { ...body, sig: toBase64Url(await signer.signAsync(simDigest(type, body))) };
}

function simDigest(type: string, body: unknown): Buffer {
  return fastObjectHash(type, body);
}

export function newSigner(rng: Rng): SimSigner {
  return new SimSigner(rng.bytes(32));
}

const verifier = new SodiumVerifier();

/** The offline side of a simulated device (coins in memory), honest or with a tampered secure element. */
export function offlineWalletFor(driver: SimDriver, w: SimWallet, tampered = false): OfflineWallet {
  const options = { signer: w.signer, cert: w.cert, now: driver.now() };
  const se = tampered ? new TamperedSecureElement(options) : new SecureElement(options);
  return new OfflineWallet({
    se,
    store: new WalletStore(new MemoryKeyValue()),
    trust: driver.trust,
    verifier,
    clock: () => driver.now(),
  });
}

/** Runs `f` over `items` with at most `width` in flight, in order of start. */
export async function inWindows<T>(
  items: readonly T[],
  width: number,
  f: (item: T, index: number) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += width) {
    await Promise.all(items.slice(i, i + width).map((item, j) => f(item, i + j)));
  }
}
