import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cryptoRng,
  grabBounds,
  LUCKY_MAX_SHARE,
  type LuckySplitMode,
  newLuckyMoney,
  nextGrab,
  type RandomInt,
  seededRng,
  splitAll,
  validateLuckyMoney,
} from '../src/red-envelopes/index';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
};

/** A feasible envelope: shares in 1..200, total in [shares, shares × 20,000]. */
const envelope = fc.integer({ min: 1, max: 200 }).chain((shares) =>
  fc.record({
    shares: fc.constant(shares),
    total: fc.integer({ min: shares, max: shares * LUCKY_MAX_SHARE }),
    mode: fc.constantFrom<LuckySplitMode>('random', 'equal'),
    seed: fc.string(),
  }),
);

describe('lucky money splits', () => {
  it('every share is 1..20,000 fen, within the double-mean bound, and the shares sum to the total', () => {
    fc.assert(
      fc.property(envelope, ({ shares, total, mode, seed }) => {
        const rng = seededRng(seed);
        let state = newLuckyMoney({ total, shares, mode });
        const got: number[] = [];
        while (state.sharesLeft > 0) {
          const r = state.remaining;
          const s = state.sharesLeft;
          const { amount, state: next } = nextGrab(state, rng);
          expect(amount).toBeGreaterThanOrEqual(1);
          expect(amount).toBeLessThanOrEqual(LUCKY_MAX_SHARE);
          if (mode === 'random' && s > 1) expect(amount).toBeLessThanOrEqual(Math.floor((2 * r) / s));
          if (s === 1) expect(amount).toBe(r);
          // the rest stays splittable
          expect(next.remaining).toBeGreaterThanOrEqual(next.sharesLeft);
          expect(next.remaining).toBeLessThanOrEqual(next.sharesLeft * LUCKY_MAX_SHARE);
          got.push(amount);
          state = next;
        }
        expect(got).toHaveLength(shares);
        expect(got.reduce((a, b) => a + b, 0)).toBe(total);
        expect(state.remaining).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('splitAll agrees with repeated nextGrab and is reproducible from the seed', () => {
    fc.assert(
      fc.property(envelope, ({ shares, total, mode, seed }) => {
        const a = splitAll(total, shares, mode, seededRng(seed));
        expect(splitAll(total, shares, mode, seededRng(seed))).toEqual(a);
        expect(a.reduce((x, y) => x + y, 0)).toBe(total);
        expect(a.every((x) => x >= 1 && x <= LUCKY_MAX_SHARE)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('equal split gives the remainder one fen each to the first shares', () => {
    expect(splitAll(10_003, 5, 'equal', cryptoRng)).toEqual([2001, 2001, 2001, 2000, 2000]);
    expect(splitAll(10, 10, 'equal', cryptoRng)).toEqual(new Array(10).fill(1));
    expect(splitAll(40_000, 2, 'equal', cryptoRng)).toEqual([20_000, 20_000]);
    fc.assert(
      fc.property(envelope, ({ shares, total }) => {
        const a = splitAll(total, shares, 'equal', cryptoRng);
        const q = Math.floor(total / shares);
        const r = total % shares;
        expect(a).toEqual(Array.from({ length: shares }, (_, i) => q + (i < r ? 1 : 0)));
      }),
    );
  });

  it('matches the PROTOCOL.md vector for the seeded rng', () => {
    expect(splitAll(10_000, 5, 'random', seededRng('vector'))).toEqual([1554, 2981, 2564, 1340, 1561]);
  });

  it('clamps near the caps: tight envelopes are forced, not refused', () => {
    expect(splitAll(3, 3, 'random', seededRng(1))).toEqual([1, 1, 1]);
    expect(splitAll(60_000, 3, 'random', seededRng(1))).toEqual([20_000, 20_000, 20_000]);
    // 59,999 over 3: the first grab must leave at most 40,000
    const s = newLuckyMoney({ total: 59_999, shares: 3, mode: 'random' });
    expect(grabBounds(s)).toEqual({ lo: 19_999, hi: 20_000 });
    // a roomy envelope: [1, 2 × mean]
    expect(grabBounds(newLuckyMoney({ total: 10_000, shares: 5, mode: 'random' }))).toEqual({
      lo: 1,
      hi: 4_000,
    });
    // 2 × mean above the cap
    expect(grabBounds(newLuckyMoney({ total: 30_000, shares: 2, mode: 'random' }))).toEqual({
      lo: 10_000,
      hi: 20_000,
    });
  });

  it('draws uniformly in the range (first grab of 10,000 fen over 5 shares)', () => {
    const rng = seededRng('uniformity');
    const buckets = new Array(4).fill(0);
    const n = 8000;
    for (let i = 0; i < n; i++) {
      const a = nextGrab(newLuckyMoney({ total: 10_000, shares: 5, mode: 'random' }), rng).amount;
      buckets[Math.floor((a - 1) / 1000)]++;
    }
    for (const b of buckets) expect(Math.abs(b - n / 4)).toBeLessThan(200);
  });

  it('uses the injected rng with the documented bounds, and refuses a misbehaving one', () => {
    const calls: [number, number][] = [];
    const lowest: RandomInt = (lo, hi) => {
      calls.push([lo, hi]);
      return lo;
    };
    expect(splitAll(100, 4, 'random', lowest)).toEqual([1, 1, 1, 97]);
    expect(calls).toEqual([
      [1, 50],
      [1, 66],
      [1, 97],
    ]);
    const s = newLuckyMoney({ total: 100, shares: 4, mode: 'random' });
    expect(code(() => nextGrab(s, () => 51))).toBe('LUCKY_BAD_RNG');
    expect(code(() => nextGrab(s, () => 0))).toBe('LUCKY_BAD_RNG');
    expect(code(() => nextGrab(s, () => 2.5))).toBe('LUCKY_BAD_RNG');
  });

  it('the last grab empties the envelope and a further grab is refused', () => {
    let s = newLuckyMoney({ total: 500, shares: 2, mode: 'random' });
    s = nextGrab(s, cryptoRng).state;
    const last = nextGrab(s, cryptoRng);
    expect(last.state).toEqual({ mode: 'random', remaining: 0, sharesLeft: 0 });
    expect(code(() => nextGrab(last.state, cryptoRng))).toBe('LUCKY_EMPTY');
    expect(code(() => nextGrab({ mode: 'random', remaining: 5, sharesLeft: 0 }, cryptoRng))).toBe(
      'LUCKY_BAD_STATE',
    );
    expect(code(() => nextGrab({ mode: 'random', remaining: 50_000, sharesLeft: 2 }, cryptoRng))).toBe(
      'LUCKY_BAD_STATE',
    );
  });
});

describe('validateLuckyMoney', () => {
  it('accepts feasible envelopes and refuses the rest with codes', () => {
    expect(() => validateLuckyMoney({ total: 20_000, shares: 1, mode: 'random' })).not.toThrow();
    expect(() => validateLuckyMoney({ total: 5, shares: 5, mode: 'equal' })).not.toThrow();
    expect(code(() => validateLuckyMoney({ total: 4, shares: 5, mode: 'random' }))).toBe('LUCKY_BAD_SPLIT');
    expect(code(() => validateLuckyMoney({ total: 20_001, shares: 1, mode: 'random' }))).toBe(
      'LUCKY_BAD_SPLIT',
    );
    expect(code(() => validateLuckyMoney({ total: 40_003, shares: 2, mode: 'equal' }))).toBe(
      'LUCKY_BAD_SPLIT',
    );
    expect(code(() => validateLuckyMoney({ total: 100, shares: 0, mode: 'random' }))).toBe(
      'LUCKY_BAD_SHARES',
    );
    expect(code(() => validateLuckyMoney({ total: 100, shares: 1.5, mode: 'random' }))).toBe(
      'LUCKY_BAD_SHARES',
    );
    expect(code(() => validateLuckyMoney({ total: 5_000_000, shares: 1001, mode: 'random' }))).toBe(
      'LUCKY_BAD_SHARES',
    );
    expect(code(() => validateLuckyMoney({ total: 10.5, shares: 1, mode: 'random' }))).toBe(
      'LUCKY_BAD_AMOUNT',
    );
    expect(code(() => validateLuckyMoney({ total: 0, shares: 1, mode: 'random' }))).toBe('LUCKY_BAD_AMOUNT');
    expect(
      code(() => validateLuckyMoney({ total: 100, shares: 1, mode: 'lucky' as unknown as LuckySplitMode })),
    ).toBe('LUCKY_BAD_MODE');
  });
});

describe('rngs', () => {
  it('seededRng is deterministic per seed and stays in range', () => {
    const a = seededRng('x');
    const b = seededRng('x');
    const c = seededRng('y');
    const xs = Array.from({ length: 50 }, () => a(-5, 5));
    expect(Array.from({ length: 50 }, () => b(-5, 5))).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c(-5, 5))).not.toEqual(xs);
    expect(xs.every((x) => Number.isInteger(x) && x >= -5 && x <= 5)).toBe(true);
    expect(new Set(xs).size).toBeGreaterThan(5);
    expect(seededRng(new Uint8Array([1, 2]))(0, 2 ** 32 - 1)).toBeLessThan(2 ** 32);
    expect(code(() => a(3, 2))).toBe('BAD_RANGE');
    expect(code(() => a(0, 2 ** 32))).toBe('BAD_RANGE');
  });

  it('cryptoRng stays in range', () => {
    for (let i = 0; i < 200; i++) {
      const x = cryptoRng(7, 9);
      expect([7, 8, 9]).toContain(x);
    }
    expect(cryptoRng(4, 4)).toBe(4);
  });
});
