/**
 * Wallet categories with the PBOC's published limits (2021 white paper figures
 * for categories 2 and 4; 1 has no cap, 3 sits between). Online limits are
 * enforced by the server; offline limits travel in the device certificate and
 * are enforced by the secure element and by the payee.
 */
import { EcnyError } from '../errors/index';
import type { Fen } from './fen';

export type Tier = 1 | 2 | 3 | 4;
export const TIERS: readonly Tier[] = [1, 2, 3, 4];

export interface OnlineLimits {
  /** Largest balance the wallet may hold; null = no cap. */
  balanceCap: Fen | null;
  perPayment: Fen | null;
  perDay: Fen | null;
}

export interface OfflineLimits {
  /** Largest single offline payment. */
  perPayment: Fen;
  /** Largest value that may sit on the device as coins. */
  balanceCap: Fen;
  /** Offline payments allowed before the device must sync. */
  maxPaymentsSinceSync: number;
  /** Seconds allowed since the last sync before offline paying stops. */
  maxSecondsSinceSync: number;
}

export interface TierSpec {
  tier: Tier;
  name: string;
  kyc: string;
  online: OnlineLimits;
  offline: OfflineLimits;
}

const DAY = 86_400;

export const TIER_SPECS: Record<Tier, TierSpec> = {
  1: {
    tier: 1,
    name: 'Category 1',
    kyc: 'in-person identity check at the operator',
    online: { balanceCap: null, perPayment: null, perDay: null },
    offline: {
      perPayment: 500_000,
      balanceCap: 1_000_000,
      maxPaymentsSinceSync: 50,
      maxSecondsSinceSync: 7 * DAY,
    },
  },
  2: {
    tier: 2,
    name: 'Category 2',
    kyc: 'remote identity check with a bank card in the holder’s name',
    online: { balanceCap: 50_000_000, perPayment: 5_000_000, perDay: 10_000_000 },
    offline: {
      perPayment: 200_000,
      balanceCap: 500_000,
      maxPaymentsSinceSync: 30,
      maxSecondsSinceSync: 7 * DAY,
    },
  },
  3: {
    tier: 3,
    name: 'Category 3',
    kyc: 'identity document number verified remotely',
    online: { balanceCap: 2_000_000, perPayment: 500_000, perDay: 1_000_000 },
    offline: {
      perPayment: 100_000,
      balanceCap: 200_000,
      maxPaymentsSinceSync: 20,
      maxSecondsSinceSync: 3 * DAY,
    },
  },
  4: {
    tier: 4,
    name: 'Category 4',
    kyc: 'mobile phone number only (anonymous)',
    online: { balanceCap: 1_000_000, perPayment: 200_000, perDay: 500_000 },
    offline: { perPayment: 50_000, balanceCap: 100_000, maxPaymentsSinceSync: 10, maxSecondsSinceSync: DAY },
  },
};

export function isTier(value: unknown): value is Tier {
  return value === 1 || value === 2 || value === 3 || value === 4;
}

export function tierSpec(tier: number): TierSpec {
  if (!isTier(tier)) throw new EcnyError('BAD_TIER', `tier must be 1, 2, 3 or 4, got ${tier}`);
  return TIER_SPECS[tier];
}

/**
 * Why an online payment of `amount` breaks the payer's limits, or null when it is within them.
 * The reason names neither the tier nor its figures: it may reach a merchant charging the
 * payer's code, and the payer's own app knows its tier's limits (TIER_SPECS).
 */
export function checkPayerLimits(
  tier: Tier,
  amount: Fen,
  spentToday: Fen,
): { code: string; message: string } | null {
  const { perPayment, perDay } = TIER_SPECS[tier].online;
  if (perPayment !== null && amount > perPayment) {
    return {
      code: 'LIMIT_PER_PAYMENT',
      message: "the amount is over the paying wallet's limit per payment",
    };
  }
  if (perDay !== null && spentToday + amount > perDay) {
    return {
      code: 'LIMIT_PER_DAY',
      message: "this payment would pass the paying wallet's daily limit",
    };
  }
  return null;
}
