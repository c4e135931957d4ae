/**
 * Offline limits from the device certificate, as pure checks: per payment,
 * payments since the last sync, time since the last sync, and the cap on the
 * value the device may hold.
 */
import type { Fen } from '../money/fen';
import type { OfflineLimits } from '../money/tiers';

export interface LimitBreach {
  code:
    | 'LIMIT_OFFLINE_PER_PAYMENT'
    | 'LIMIT_OFFLINE_PAYMENTS_SINCE_SYNC'
    | 'LIMIT_OFFLINE_TIME_SINCE_SYNC'
    | 'LIMIT_OFFLINE_BALANCE';
  message: string;
}

export interface PaymentCounters {
  paymentsSinceSync: number;
  lastSyncAt: number;
}

/** Why paying `amount` at `now` breaks the limits, or null. */
export function offlinePaymentBreach(
  limits: OfflineLimits,
  amount: Fen,
  counters: PaymentCounters,
  now: number,
): LimitBreach | null {
  if (amount > limits.perPayment) {
    return {
      code: 'LIMIT_OFFLINE_PER_PAYMENT',
      message: `offline payments are limited to ${limits.perPayment} fen`,
    };
  }
  if (counters.paymentsSinceSync >= limits.maxPaymentsSinceSync) {
    return {
      code: 'LIMIT_OFFLINE_PAYMENTS_SINCE_SYNC',
      message: `${limits.maxPaymentsSinceSync} offline payments since the last sync; sync to pay again`,
    };
  }
  if (now - counters.lastSyncAt > limits.maxSecondsSinceSync * 1000) {
    return {
      code: 'LIMIT_OFFLINE_TIME_SINCE_SYNC',
      message: `last sync more than ${limits.maxSecondsSinceSync} s ago; sync to pay again`,
    };
  }
  return null;
}

/** Why holding `balanceAfter` fen offline breaks the cap, or null. */
export function offlineBalanceBreach(limits: OfflineLimits, balanceAfter: Fen): LimitBreach | null {
  if (balanceAfter > limits.balanceCap) {
    return {
      code: 'LIMIT_OFFLINE_BALANCE',
      message: `a device may hold at most ${limits.balanceCap} fen offline`,
    };
  }
  return null;
}
