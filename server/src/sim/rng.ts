/**
 * Seeded, deterministic randomness for the simulator. Behaviour (who pays
 * whom, how much, when) comes from wallet-core's `seededRng` (the SHA-256
 * counter-mode stream), one independent stream per purpose (`fork`), so
 * adding a draw in one part of a scenario does not shift another part.
 * Bytes (device keys, synthetic wallet ids) come from a SHA-256 counter
 * stream over the seed as well.
 *
 * `installSeededRandomness` replaces `crypto.getRandomValues` for the
 * duration of an in-process run, so that the ids the server generates
 * (wallet, device, coin and campaign ids, draw seeds) are derived from the
 * seed too: the same seed replays the same run.
 */
import { createHash } from 'node:crypto';
import { type RandomInt, seededRng, toBase64Url } from '@ecny-sim/wallet-core';

/** A stream of bytes: SHA-256(label || counter), 32 bytes per block. */
export class ByteStream {
  readonly #key: string;
  #counter = 0;
  #block: Buffer = Buffer.alloc(0);
  #offset = 0;

  constructor(key: string) {
    this.#key = key;
  }

  fill(out: Uint8Array): Uint8Array {
    let i = 0;
    while (i < out.length) {
      if (this.#offset >= this.#block.length) {
        this.#block = createHash('sha256')
          .update(`${this.#key}\u0000${this.#counter++}`)
          .digest();
        this.#offset = 0;
      }
      const n = Math.min(out.length - i, this.#block.length - this.#offset);
      out.set(this.#block.subarray(this.#offset, this.#offset + n), i);
      i += n;
      this.#offset += n;
    }
    return out;
  }

  bytes(n: number): Uint8Array {
    return this.fill(new Uint8Array(n));
  }
}

export class Rng {
  readonly seed: string;
  readonly #label: string;
  // Each stream is made on first use: most forks draw only integers or only bytes.
  #intStream: RandomInt | undefined;
  #byteStream: ByteStream | undefined;

  constructor(seed: string | number, label = 'root') {
    this.seed = String(seed);
    this.#label = label;
  }

  get #int(): RandomInt {
    this.#intStream ??= seededRng(`ecny-sim/sim/${this.seed}/${this.#label}`);
    return this.#intStream;
  }

  get #bytes(): ByteStream {
    this.#byteStream ??= new ByteStream(`ecny-sim/sim-bytes/${this.seed}/${this.#label}`);
    return this.#byteStream;
  }

  /** An independent stream for one purpose. */
  fork(label: string): Rng {
    return new Rng(this.seed, label);
  }

  /** Integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return this.#int(lo, hi);
  }

  /** Float in [0, 1) with 2^-30 resolution. */
  float(): number {
    return this.#int(0, 2 ** 30 - 1) / 2 ** 30;
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[this.#int(0, list.length - 1)]!;
  }

  shuffle<T>(list: T[]): T[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = this.#int(0, i);
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    return list;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal around `median` with log-spread `sigma`. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  bytes(n: number): Uint8Array {
    return this.#bytes.bytes(n);
  }

  /** An id like the server's (`prefix_` + 22 base64url characters), from the seeded bytes. */
  id(prefix: string): string {
    return `${prefix}_${toBase64Url(this.bytes(16))}`;
  }
}

/** Samples 0..n-1 with P(k) proportional to 1 / (k + 1)^s (Zipf-like popularity). */
export class Zipf {
  readonly #cdf: Float64Array;

  constructor(n: number, s = 1) {
    this.#cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += 1 / (k + 1) ** s;
      this.#cdf[k] = sum;
    }
    for (let k = 0; k < n; k++) this.#cdf[k]! /= sum;
  }

  sample(rng: Rng): number {
    const u = rng.float();
    let lo = 0;
    let hi = this.#cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Makes `crypto.getRandomValues` deterministic (seeded) until the returned
 * function is called. In-process runs only: every id and key the server
 * draws then follows from the seed.
 */
export function installSeededRandomness(seed: string | number): () => void {
  const crypto = globalThis.crypto;
  const own = Object.getOwnPropertyDescriptor(crypto, 'getRandomValues');
  const stream = new ByteStream(`ecny-sim/sim-platform/${seed}`);
  const seeded = <T extends ArrayBufferView | null>(array: T): T => {
    if (array) stream.fill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  };
  Object.defineProperty(crypto, 'getRandomValues', { value: seeded, configurable: true, writable: true });
  return () => {
    if (own) Object.defineProperty(crypto, 'getRandomValues', own);
    else delete (crypto as { getRandomValues?: unknown }).getRandomValues;
  };
}
