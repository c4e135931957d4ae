/**
 * Campaign rules as pure functions: who may register, which merchants accept
 * a campaign's restricted funds, and how a payment is split between
 * restricted balances and the wallet's own money.
 *
 * Text criteria (regions) compare after trimming and lower-casing; MCCs and
 * wallet ids compare exactly. Times are epoch milliseconds; a restricted
 * balance is spendable for spendableFrom <= t < expiresAt.
 */
import { EcnyError } from '../errors/index';
import { assertFen, type Fen } from '../money/fen';

export interface EligibilityRule {
  /** Wallet must be registered in one of these regions (absent or empty: any region). */
  regions?: readonly string[];
  /** Only wallets flagged as residents may register. */
  residentsOnly?: boolean;
}

export interface WalletFacts {
  region: string | null;
  resident: boolean;
}

export interface MerchantRule {
  /** Merchants admitted by wallet id, whatever their region or category. */
  walletIds?: readonly string[];
  /** Merchants in one of these regions... */
  regions?: readonly string[];
  /** ...and with one of these four-digit merchant category codes. */
  mccs?: readonly string[];
}

export interface MerchantFacts {
  region: string;
  mcc: string;
}

export interface Refusal {
  code: string;
  message: string;
}

const norm = (s: string) => s.trim().toLowerCase();
const inList = (list: readonly string[], value: string) => list.some((x) => norm(x) === norm(value));

/**
 * Null when the wallet may register for a campaign with this rule, else the
 * reason: CAMPAIGN_REGION or CAMPAIGN_RESIDENCY.
 */
export function walletEligibility(rule: EligibilityRule, wallet: WalletFacts): Refusal | null {
  if (
    rule.regions &&
    rule.regions.length > 0 &&
    (wallet.region === null || !inList(rule.regions, wallet.region))
  ) {
    return { code: 'CAMPAIGN_REGION', message: `only wallets in ${rule.regions.join(', ')} may register` };
  }
  if (rule.residentsOnly && !wallet.resident) {
    return { code: 'CAMPAIGN_RESIDENCY', message: 'only residents may register' };
  }
  return null;
}

export function isWalletEligible(rule: EligibilityRule, wallet: WalletFacts): boolean {
  return walletEligibility(rule, wallet) === null;
}

/**
 * A payee is an eligible merchant when it is a merchant and either (a) its
 * wallet id is listed in `walletIds`, or (b) the rule has a region or MCC
 * criterion and the merchant meets every such criterion present. A rule with
 * no criteria at all admits every merchant; a rule with only `walletIds`
 * admits exactly those.
 */
export function isMerchantEligible(
  rule: MerchantRule,
  walletId: string,
  merchant: MerchantFacts | null,
): boolean {
  if (merchant === null) return false;
  const ids = rule.walletIds ?? [];
  const regions = rule.regions ?? [];
  const mccs = rule.mccs ?? [];
  if (ids.includes(walletId)) return true;
  if (regions.length === 0 && mccs.length === 0) return ids.length === 0;
  if (regions.length > 0 && !inList(regions, merchant.region)) return false;
  if (mccs.length > 0 && !mccs.includes(merchant.mcc)) return false;
  return true;
}

/** Money a wallet received from a campaign, usable only under the campaign's rules. */
export interface RestrictedBalance {
  campaignId: string;
  amount: Fen;
  /** First moment the funds may be spent (default: at once). */
  spendableFrom?: number;
  /** Funds are expired (and reclaimed) from this moment on. */
  expiresAt: number;
  merchantRule: MerchantRule;
}

/** Where money goes: another wallet (a person or a merchant) or the wallet's linked bank account. */
export type SpendTarget =
  | { kind: 'wallet'; walletId: string; merchant: MerchantFacts | null }
  | { kind: 'bank' };

/**
 * Null when `balance` may pay towards `target` at time `at`, else the reason:
 * RESTRICTED_NOT_REDEEMABLE (bank redemption), RESTRICTED_PERSON (payee is not
 * a merchant), RESTRICTED_NOT_STARTED, RESTRICTED_EXPIRED, RESTRICTED_MERCHANT.
 */
export function restrictedRefusal(
  balance: RestrictedBalance,
  target: SpendTarget,
  at: number,
): Refusal | null {
  if (target.kind === 'bank') {
    return {
      code: 'RESTRICTED_NOT_REDEEMABLE',
      message: 'campaign money cannot be redeemed to a bank account',
    };
  }
  if (target.merchant === null) {
    return {
      code: 'RESTRICTED_PERSON',
      message: 'campaign money can only be spent at merchants, not sent to persons',
    };
  }
  if (balance.spendableFrom !== undefined && at < balance.spendableFrom) {
    return { code: 'RESTRICTED_NOT_STARTED', message: 'the campaign money cannot be spent yet' };
  }
  if (at >= balance.expiresAt) {
    return { code: 'RESTRICTED_EXPIRED', message: 'the campaign money has expired' };
  }
  if (!isMerchantEligible(balance.merchantRule, target.walletId, target.merchant)) {
    return { code: 'RESTRICTED_MERCHANT', message: 'this merchant does not take part in the campaign' };
  }
  return null;
}

export interface SpendInput {
  balances: readonly RestrictedBalance[];
  target: SpendTarget;
  amount: Fen;
  at: number;
  /** The wallet's own (unrestricted) balance; when given, a shortfall is refused. */
  ownBalance?: Fen;
  /** Pay only with restricted funds (the payer chose "pay with red envelope"). */
  restrictedOnly?: boolean;
}

export interface SpendPlan {
  /** Amount taken from each usable restricted balance, in spending order. */
  fromRestricted: { campaignId: string; amount: Fen }[];
  fromOwn: Fen;
  /** Restricted balances (with money left) that could not be used, and why. */
  refused: { campaignId: string; code: string }[];
}

/**
 * Splits a payment: usable restricted balances first (earliest expiry first,
 * then by campaignId), the rest from the wallet's own money. When the
 * payment cannot be covered (own balance too small, or `restrictedOnly` and
 * restricted funds too small) the error is the refusal of the first unusable
 * restricted balance if there is one (so the payer learns why the red
 * envelope did not count), else INSUFFICIENT_FUNDS.
 */
export function planSpend(input: SpendInput): SpendPlan {
  const amount = assertFen(input.amount, 'payment amount');
  const ordered = [...input.balances]
    .filter((b) => b.amount > 0)
    .sort(
      (a, b) =>
        a.expiresAt - b.expiresAt || (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0),
    );
  const fromRestricted: SpendPlan['fromRestricted'] = [];
  const refused: SpendPlan['refused'] = [];
  let firstRefusal: Refusal | null = null;
  let left = amount;
  for (const b of ordered) {
    const refusal = restrictedRefusal(b, input.target, input.at);
    if (refusal) {
      refused.push({ campaignId: b.campaignId, code: refusal.code });
      firstRefusal ??= refusal;
      continue;
    }
    if (left === 0) continue;
    const take = Math.min(left, b.amount);
    fromRestricted.push({ campaignId: b.campaignId, amount: take });
    left -= take;
  }
  const short =
    (input.restrictedOnly && left > 0) || (input.ownBalance !== undefined && left > input.ownBalance);
  if (short) {
    if (firstRefusal) {
      throw new EcnyError(firstRefusal.code, firstRefusal.message, { refused, shortfall: left });
    }
    throw new EcnyError('INSUFFICIENT_FUNDS', 'not enough money for this payment', {
      restricted: amount - left,
      needed: left,
      available: input.restrictedOnly ? 0 : (input.ownBalance ?? 0),
    });
  }
  return { fromRestricted, fromOwn: left, refused };
}

/** Balances that have expired at `at` and are due to be reclaimed by the campaign, with their total. */
export function expiredBalances(
  balances: readonly RestrictedBalance[],
  at: number,
): { expired: RestrictedBalance[]; total: Fen } {
  const expired = balances.filter((b) => b.amount > 0 && at >= b.expiresAt);
  return { expired, total: expired.reduce((s, b) => s + b.amount, 0) };
}

export interface CampaignWindow {
  registrationOpensAt: number;
  registrationClosesAt: number;
}

/** Null while registration is open (opensAt <= at < closesAt), else CAMPAIGN_NOT_OPEN or CAMPAIGN_CLOSED. */
export function registrationRefusal(window: CampaignWindow, at: number): Refusal | null {
  if (at < window.registrationOpensAt)
    return { code: 'CAMPAIGN_NOT_OPEN', message: 'registration has not opened yet' };
  if (at >= window.registrationClosesAt)
    return { code: 'CAMPAIGN_CLOSED', message: 'registration has closed' };
  return null;
}
