/**
 * A coin travels with its path: the issuer's `Issue` and every spend from the
 * root to it. Link i (1-based; link 0 is the Issue) is the i-th spend, signed
 * by the owner of the coin it consumed (whose device certificate rides along
 * as `signer`), and `output` says which of its outputs the path follows.
 */
import type { DeviceCert } from '../certs/certs';
import type { Fen } from '../money/fen';
import type { Issue } from './issue';
import type { CoinRestriction } from './restriction';
import { outputCoinId, type Spend } from './spend';

export interface PathLink {
  spend: Spend;
  /** Index of the spend output this path continues with. */
  output: number;
  /** Device certificate of the key that signed the spend (the owner of its input coin). */
  signer: DeviceCert;
}

export interface Coin {
  issue: Issue;
  links: PathLink[];
}

export function coinId(coin: Coin): string {
  const last = coin.links.at(-1);
  return last ? outputCoinId(last.spend, last.output) : coin.issue.coinId;
}

export function coinAmount(coin: Coin): Fen {
  const last = coin.links.at(-1);
  return last ? last.spend.outputs[last.output]!.amount : coin.issue.amount;
}

/** base64url public key of the coin's current owner. */
export function coinOwner(coin: Coin): string {
  const last = coin.links.at(-1);
  return last ? last.spend.outputs[last.output]!.owner : coin.issue.owner;
}

/** Number of spends in the coin's path. */
export function coinHops(coin: Coin): number {
  return coin.links.length;
}

export function coinRestriction(coin: Coin): CoinRestriction | undefined {
  return coin.issue.restriction;
}

/** Hops still allowed before the coin must be deposited online. */
export function hopsLeft(coin: Coin): number {
  return coin.issue.maxHops - coin.links.length;
}

/** The coin produced by output `output` of `spend`, which consumed `coin` and was signed by `signer`. */
export function extendCoin(coin: Coin, spend: Spend, output: number, signer: DeviceCert): Coin {
  return { issue: coin.issue, links: [...coin.links, { spend, output, signer }] };
}

/** The coin id consumed by link `i` (1-based): the issue's coin id or the previous link's output. */
export function linkInputCoinId(coin: Coin, i: number): string {
  if (i === 1) return coin.issue.coinId;
  const prev = coin.links[i - 2]!;
  return outputCoinId(prev.spend, prev.output);
}
