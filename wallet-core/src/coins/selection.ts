/**
 * Coin selection: which coins pay an amount, and how much of each. Each part
 * becomes one spend (payment output, plus change when the coin is larger).
 * Restricted coins the payee may take are used first (red-envelope money is
 * spent before the wallet's own), then one coin that covers the rest if any
 * (the smallest such), else the largest coins first.
 */
import { EcnyError } from '../errors/index';
import type { Fen } from '../money/fen';
import { type Coin, coinAmount, coinId, hopsLeft } from './coin';
import { type PayeeInfo, type RestrictionPolicy, restrictionRefusal } from './restriction';

export interface PaymentPart {
  coin: Coin;
  /** Amount of this coin paid to the payee (the rest returns as change). */
  pay: Fen;
}

export interface SelectionOptions {
  now: number;
  payee: PayeeInfo;
  policy?: RestrictionPolicy;
}

/** Coins that can be spent offline now to this payee. */
export function spendableCoins(coins: readonly Coin[], options: SelectionOptions): Coin[] {
  return coins.filter(
    (c) =>
      hopsLeft(c) > 0 &&
      options.now <= c.issue.expiresAt &&
      restrictionRefusal(c.issue.restriction, options.payee, options.policy) === null,
  );
}

function byAmountThenId(a: Coin, b: Coin): number {
  return coinAmount(a) - coinAmount(b) || (coinId(a) < coinId(b) ? -1 : 1);
}

/** Throws INSUFFICIENT_OFFLINE_FUNDS when the spendable coins do not cover `amount`. */
export function selectCoins(coins: readonly Coin[], amount: Fen, options: SelectionOptions): PaymentPart[] {
  if (!Number.isSafeInteger(amount) || amount <= 0)
    throw new EcnyError('BAD_AMOUNT', 'amount must be positive fen');
  const usable = spendableCoins(coins, options);
  const restricted = usable.filter((c) => c.issue.restriction).sort(byAmountThenId);
  const own = usable.filter((c) => !c.issue.restriction).sort(byAmountThenId);
  const parts: PaymentPart[] = [];
  let rest = amount;
  const take = (coin: Coin) => {
    const pay = Math.min(rest, coinAmount(coin));
    parts.push({ coin, pay });
    rest -= pay;
  };
  for (const pool of [restricted, own]) {
    if (rest === 0) break;
    const single = pool.find((c) => coinAmount(c) >= rest);
    if (single) {
      take(single);
      break;
    }
    for (const coin of [...pool].reverse()) {
      if (rest === 0) break;
      take(coin);
    }
  }
  if (rest > 0) {
    throw new EcnyError(
      'INSUFFICIENT_OFFLINE_FUNDS',
      `offline coins cover ${amount - rest} of ${amount} fen`,
      {
        missing: rest,
      },
    );
  }
  return parts;
}
