/**
 * The offline-money policy, in one place: how loads are cut into coins, and
 * what the operator does when reconciliation finds a double spend.
 *
 * Loss policy (default): the first spend seen of a coin wins. The culprit's
 * device is revoked and, at detection, the operator recovers up to the coin's
 * amount from the culprit's online balance (wallet:<culprit> -> loss:<op>).
 * Honest holders of coins on the losing branch are made whole when they
 * deposit such a coin (loss:<op> -> wallet:<holder>): the deposit is when
 * the final holder is known for certain, the coin is surrendered (a spend to
 * the issuer, recorded in the spent set) so it can be compensated only once,
 * and a coin that moved on offline is compensated to whoever holds it last.
 * What recovery does not cover stays in loss:<op> as a recognised loss.
 */
export interface LossPolicy {
  /** Deposit of a losing-branch coin by an honest holder: compensate (true) or refuse with COIN_DOUBLE_SPENT. */
  compensateHonestHolders: boolean;
  /** At detection, move min(coin amount, culprit's online balance) to loss:<op>. */
  recoverFromCulprit: boolean;
  /** At detection, revoke the culprit's device. */
  revokeCulprit: boolean;
}

export const DEFAULT_LOSS_POLICY: LossPolicy = {
  compensateHonestHolders: true,
  recoverFromCulprit: true,
  revokeCulprit: true,
};

export const COIN_POLICY = {
  /** Offline spends a loaded coin may go through before it must be deposited. */
  maxHops: 8,
  /** Validity of a loaded coin. */
  ttlMs: 30 * 86_400_000,
  /** Most coins one load may create. */
  maxCoinsPerLoad: 64,
  /** Default cut of a load, largest first, like bank notes (fen). */
  denominations: [100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10, 5, 2, 1],
  /** A device certificate closer than this to its end is renewed at sync. */
  certRenewalMs: 30 * 86_400_000,
  /** Most merchant wallet ids a restricted coin names (the list travels with every coin). */
  maxRestrictedMerchants: 256,
  /** Most merchant wallets read when resolving a campaign's merchant rule for offline coins. */
  merchantScanLimit: 100_000,
} as const;

/** Cuts `amount` into coins of the default denominations, none above `largest`. */
export function defaultDenominations(amount: number, largest: number): number[] {
  const out: number[] = [];
  let left = amount;
  for (const d of COIN_POLICY.denominations) {
    if (d > largest && d !== 1) continue;
    while (left >= d) {
      out.push(d);
      left -= d;
    }
  }
  return out;
}
