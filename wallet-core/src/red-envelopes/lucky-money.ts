/**
 * Group lucky money: a wallet funds `total` fen split into `shares` grabs.
 *
 * - "random" (double mean): with R fen and S shares left, a grab is uniform
 *   in [lo, hi] where hi = min(floor(2R/S), R - (S-1), 20,000) and
 *   lo = max(1, R - (S-1) × 20,000): the classic [1 fen, 2 × mean] rule,
 *   clamped so every later share can still get between 1 fen and ¥200. The
 *   last share (S = 1) takes the rest (lo = hi = R).
 * - "equal": each grab is ceil(R/S), so with total = q × shares + r the first
 *   r shares get q + 1 fen and the others q.
 *
 * Randomness is injected as a `RandomInt` (inclusive bounds) so the server
 * can use `cryptoRng` and tests and simulations `seededRng(seed)`.
 */
import { utf8ToBytes } from '../crypto/bytes';
import { domainTag } from '../crypto/hash';
import { EcnyError } from '../errors/index';
import { type Fen, formatFen, isFen } from '../money/fen';
import { Sha256Stream } from './stream';

/** Largest single share: ¥200. */
export const LUCKY_MAX_SHARE = 20_000;
/** Smallest single share: 1 fen. */
export const LUCKY_MIN_SHARE = 1;
/** Most shares one envelope may be split into. */
export const LUCKY_MAX_SHARES = 1000;
export const RNG_TAG = 'seeded-rng';

export type LuckySplitMode = 'random' | 'equal';
export const LUCKY_SPLIT_MODES: readonly LuckySplitMode[] = ['random', 'equal'];

/** Returns an integer uniformly in [lo, hi] (both inclusive, hi - lo < 2^32). */
export type RandomInt = (lo: number, hi: number) => number;

export interface LuckyMoneySpec {
  total: Fen;
  shares: number;
  mode: LuckySplitMode;
}

/** What is left of an envelope. Immutable: `nextGrab` returns a new state. */
export interface LuckyMoneyState {
  mode: LuckySplitMode;
  remaining: Fen;
  sharesLeft: number;
}

/**
 * Throws EcnyError unless the envelope can be split: LUCKY_BAD_MODE,
 * LUCKY_BAD_SHARES (not an integer in 1..1000), LUCKY_BAD_AMOUNT (total not a
 * positive fen amount), LUCKY_BAD_SPLIT (total < shares × 1 fen or
 * total > shares × 20,000 fen, i.e. some share would exceed ¥200).
 */
export function validateLuckyMoney(spec: LuckyMoneySpec): void {
  const { total, shares, mode } = spec;
  if (!LUCKY_SPLIT_MODES.includes(mode)) {
    throw new EcnyError('LUCKY_BAD_MODE', `split mode must be "random" or "equal", got ${String(mode)}`);
  }
  if (!Number.isSafeInteger(shares) || shares < 1 || shares > LUCKY_MAX_SHARES) {
    throw new EcnyError('LUCKY_BAD_SHARES', `shares must be a whole number from 1 to ${LUCKY_MAX_SHARES}`, {
      shares,
    });
  }
  if (!isFen(total) || total === 0) {
    throw new EcnyError('LUCKY_BAD_AMOUNT', 'total must be a positive whole number of fen', { total });
  }
  if (total < shares * LUCKY_MIN_SHARE) {
    throw new EcnyError(
      'LUCKY_BAD_SPLIT',
      `${formatFen(total)} cannot give each of ${shares} shares at least ${formatFen(LUCKY_MIN_SHARE)}`,
      {
        total,
        shares,
        min: shares * LUCKY_MIN_SHARE,
      },
    );
  }
  if (total > shares * LUCKY_MAX_SHARE) {
    throw new EcnyError(
      'LUCKY_BAD_SPLIT',
      `a share holds at most ${formatFen(LUCKY_MAX_SHARE)}, so ${shares} shares take at most ${formatFen(shares * LUCKY_MAX_SHARE)}, not ${formatFen(total)}`,
      { total, shares, max: shares * LUCKY_MAX_SHARE },
    );
  }
}

/** The starting state of a validated envelope. */
export function newLuckyMoney(spec: LuckyMoneySpec): LuckyMoneyState {
  validateLuckyMoney(spec);
  return { mode: spec.mode, remaining: spec.total, sharesLeft: spec.shares };
}

function checkState(state: LuckyMoneyState): void {
  const { remaining: r, sharesLeft: s, mode } = state;
  if (s === 0 && r === 0) throw new EcnyError('LUCKY_EMPTY', 'every share has been grabbed');
  if (
    !LUCKY_SPLIT_MODES.includes(mode) ||
    !Number.isSafeInteger(s) ||
    s < 1 ||
    !Number.isSafeInteger(r) ||
    r < s * LUCKY_MIN_SHARE ||
    r > s * LUCKY_MAX_SHARE
  ) {
    throw new EcnyError(
      'LUCKY_BAD_STATE',
      `inconsistent envelope state: ${r} fen over ${s} shares (${mode})`,
      {
        remaining: r,
        sharesLeft: s,
      },
    );
  }
}

/** The inclusive range the next grab is drawn from (lo = hi for equal split and the last share). */
export function grabBounds(state: LuckyMoneyState): { lo: Fen; hi: Fen } {
  checkState(state);
  const { remaining: r, sharesLeft: s } = state;
  if (state.mode === 'equal') {
    const a = Math.ceil(r / s);
    return { lo: a, hi: a };
  }
  const hi = Math.min(Math.floor((2 * r) / s), r - (s - 1) * LUCKY_MIN_SHARE, LUCKY_MAX_SHARE);
  const lo = Math.max(LUCKY_MIN_SHARE, r - (s - 1) * LUCKY_MAX_SHARE);
  return { lo, hi };
}

/**
 * One grab. The rng is asked for an integer in [lo, hi] only when lo < hi
 * (equal split and the last share consume no randomness). Throws LUCKY_EMPTY
 * when nothing is left, LUCKY_BAD_RNG when the rng answers out of range.
 */
export function nextGrab(state: LuckyMoneyState, rng: RandomInt): { amount: Fen; state: LuckyMoneyState } {
  const { lo, hi } = grabBounds(state);
  let amount = lo;
  if (lo < hi) {
    amount = rng(lo, hi);
    if (!Number.isSafeInteger(amount) || amount < lo || amount > hi) {
      throw new EcnyError('LUCKY_BAD_RNG', `the random source answered ${amount} for [${lo}, ${hi}]`);
    }
  }
  return {
    amount,
    state: { mode: state.mode, remaining: state.remaining - amount, sharesLeft: state.sharesLeft - 1 },
  };
}

/** Every share of an envelope, in grab order. */
export function splitAll(total: Fen, shares: number, mode: LuckySplitMode, rng: RandomInt): Fen[] {
  let state = newLuckyMoney({ total, shares, mode });
  const out: Fen[] = [];
  while (state.sharesLeft > 0) {
    const g = nextGrab(state, rng);
    out.push(g.amount);
    state = g.state;
  }
  return out;
}

const TWO_32 = 4294967296;

function checkRange(lo: number, hi: number): number {
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo || hi - lo + 1 > TWO_32) {
    throw new EcnyError('BAD_RANGE', `random integer range [${lo}, ${hi}] is empty or wider than 2^32`);
  }
  return hi - lo + 1;
}

/**
 * Deterministic RandomInt for tests and simulations: the SHA-256 counter-mode
 * stream keyed by "ecny-sim/v1/seeded-rng" || 0x00 || seed (UTF-8 when text),
 * each call returning lo + uniform(hi - lo + 1) (see stream.ts).
 */
export function seededRng(seed: string | number | Uint8Array): RandomInt {
  const bytes = seed instanceof Uint8Array ? seed : utf8ToBytes(String(seed));
  const tag = domainTag(RNG_TAG);
  const key = new Uint8Array(tag.length + bytes.length);
  key.set(tag, 0);
  key.set(bytes, tag.length);
  const stream = new Sha256Stream(key);
  return (lo, hi) => lo + stream.uniform(checkRange(lo, hi));
}

/** RandomInt from the platform CSPRNG (crypto.getRandomValues), unbiased by rejection. */
export const cryptoRng: RandomInt = (lo, hi) => {
  const m = checkRange(lo, hi);
  const limit = TWO_32 - (TWO_32 % m);
  const word = new Uint32Array(1);
  for (;;) {
    globalThis.crypto.getRandomValues(word);
    if (word[0]! < limit) return lo + (word[0]! % m);
  }
};
