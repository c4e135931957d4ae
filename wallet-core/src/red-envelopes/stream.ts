/**
 * Counter-mode SHA-256 keystream and unbiased integers drawn from it. Used by
 * the lottery (so anyone can recompute a draw) and by `seededRng` (for tests
 * and simulations). Byte for byte:
 *
 *   block_i = SHA-256(key || u64be(i))        for i = 0, 1, 2, ...
 *   words   = block_0 as eight u32 big-endian, then block_1, ...
 *   uniform(m), 1 <= m <= 2^32:
 *     limit = 2^32 - (2^32 mod m)
 *     repeat: w = next word; until w < limit
 *     return w mod m
 *
 * Every call to `uniform` consumes at least one word, also when m = 1.
 */
import { concatBytes } from '../crypto/bytes';
import { sha256 } from '../crypto/hash';
import { EcnyError } from '../errors/index';

const TWO_32 = 4294967296;

export class Sha256Stream {
  private readonly input: Uint8Array;
  private readonly view: DataView;
  private readonly key: number;
  private counter = 0;
  private words: DataView = new DataView(new ArrayBuffer(0));
  private index = 8;

  constructor(key: Uint8Array) {
    this.key = key.length;
    this.input = concatBytes(key, new Uint8Array(8));
    this.view = new DataView(this.input.buffer, this.input.byteOffset, this.input.byteLength);
  }

  /** Number of SHA-256 blocks computed so far. */
  get blocks(): number {
    return this.counter;
  }

  /** The next 32-bit word of the stream, as an unsigned integer. */
  nextWord(): number {
    if (this.index === 8) {
      this.view.setUint32(this.key, Math.floor(this.counter / TWO_32));
      this.view.setUint32(this.key + 4, this.counter >>> 0);
      const block = sha256(this.input);
      this.words = new DataView(block.buffer, block.byteOffset, block.byteLength);
      this.counter++;
      this.index = 0;
    }
    return this.words.getUint32(4 * this.index++);
  }

  /** A uniform integer in [0, m) by rejection sampling (no modulo bias). */
  uniform(m: number): number {
    if (!Number.isSafeInteger(m) || m < 1 || m > TWO_32) {
      throw new EcnyError('BAD_RANGE', `uniform(m) needs 1 <= m <= 2^32, got ${m}`);
    }
    const limit = TWO_32 - (TWO_32 % m);
    for (;;) {
      const w = this.nextWord();
      if (w < limit) return w % m;
    }
  }
}
