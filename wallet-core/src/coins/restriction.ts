/**
 * Restricted coins (red envelopes): an issuer-signed rule that says where a
 * coin may be paid. The payee (and the payer's secure element) checks it
 * through a `RestrictionPolicy` hook; the default policy implements the pilot
 * rules: merchants only, optionally an allow-list of merchant wallets, regions
 * or merchant category codes.
 */
export interface CoinRestriction {
  /** The campaign (red envelope) the coin belongs to. */
  campaignId: string;
  /** Merchant wallet ids allowed to receive the coin. */
  merchants?: string[];
  /** Merchant regions allowed to receive the coin. */
  regions?: string[];
  /** Merchant category codes (four digits) allowed to receive the coin. */
  mccs?: string[];
}

/** Merchant information a payee presents in its payment request. */
export interface MerchantInfo {
  name: string;
  city: string;
  mcc: string;
  region: string;
}

/** What a payer knows about whom it pays (from the payee's signed request and certificate). */
export interface PayeeInfo {
  walletId: string;
  deviceId: string;
  publicKey: string;
  merchant?: MerchantInfo;
}

/** Returns why a coin with `restriction` may not be paid to `payee`, or null when it may. */
export type RestrictionPolicy = (restriction: CoinRestriction, payee: PayeeInfo) => string | null;

export const defaultRestrictionPolicy: RestrictionPolicy = (restriction, payee) => {
  const merchant = payee.merchant;
  if (!merchant) return `coins of campaign ${restriction.campaignId} can only be paid to merchants`;
  if (restriction.merchants && !restriction.merchants.includes(payee.walletId)) {
    return `merchant ${payee.walletId} does not take coins of campaign ${restriction.campaignId}`;
  }
  if (restriction.regions && !restriction.regions.includes(merchant.region)) {
    return `campaign ${restriction.campaignId} coins are not accepted in ${merchant.region}`;
  }
  if (restriction.mccs && !restriction.mccs.includes(merchant.mcc)) {
    return `campaign ${restriction.campaignId} coins are not accepted for category ${merchant.mcc}`;
  }
  return null;
};

/** Why `restriction` forbids paying `payee` under `policy`, or null (also null for unrestricted coins). */
export function restrictionRefusal(
  restriction: CoinRestriction | undefined,
  payee: PayeeInfo,
  policy: RestrictionPolicy = defaultRestrictionPolicy,
): string | null {
  return restriction ? policy(restriction, payee) : null;
}
