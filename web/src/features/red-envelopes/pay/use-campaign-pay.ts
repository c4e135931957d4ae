/**
 * Paying while the wallet holds campaign money: the payment goes through
 * POST /v1/campaigns/pay, which spends usable restricted balances first (at
 * the campaign's merchants) and the wallet's own money for the rest. The
 * issuer's receipt is verified like any online payment. With "red envelope
 * only" nothing comes from the wallet's own money, so a refused restricted
 * payment (RESTRICTED_*) is an error the payer sees with its reason.
 */
import {
  type EcnyClient,
  nobleVerifier,
  type TransferReceipt,
  TransferResponseSchema,
  verifyReceipt,
} from '@ecny-sim/wallet-core';
import { useCallback, useState } from 'react';
import type { SettledPayment } from '../../wallet/api/pay';
import type { RestrictedBalanceView } from '../api/types';
import { usableNow, useRestrictedBalances } from '../use-restricted';

export interface CampaignSplit {
  to: string;
  fromRestricted: number;
  fromOwn: number;
}

export interface CampaignPay {
  /** True when the wallet holds campaign money: payments then go through /v1/campaigns/pay. */
  active: boolean;
  balances: RestrictedBalanceView[];
  /** Campaign money spendable now (at eligible merchants). */
  usable: number;
  restrictedOnly: boolean;
  setRestrictedOnly(value: boolean): void;
  /** How the last payment was split, until the next one starts. */
  lastSplit: CampaignSplit | null;
  pay(
    client: EcnyClient,
    payment: { from: string; to: string; amount: number; memo?: string },
    issuerPublicKey: Uint8Array,
  ): Promise<SettledPayment>;
}

export function useCampaignPay(): CampaignPay {
  const { balances } = useRestrictedBalances();
  const [restrictedOnly, setRestrictedOnly] = useState(false);
  const [lastSplit, setLastSplit] = useState<CampaignSplit | null>(null);
  const now = Date.now();
  const list = balances ?? [];
  const usable = list.filter((b) => usableNow(b, now)).reduce((s, b) => s + b.amount, 0);

  const pay = useCallback<CampaignPay['pay']>(
    async (client, payment, issuerPublicKey) => {
      setLastSplit(null);
      const { transfer, ...rest } = await client.payWithRestricted(payment.from, payment.to, payment.amount, {
        ...(payment.memo ? { memo: payment.memo } : {}),
        ...(restrictedOnly ? { restrictedOnly: true } : {}),
      });
      const { receipt, balance } = TransferResponseSchema.parse(rest);
      verifyReceipt(receipt as TransferReceipt, transfer, issuerPublicKey, nobleVerifier);
      setLastSplit({
        to: payment.to,
        fromRestricted: rest.fromRestricted.reduce((s, p) => s + p.amount, 0),
        fromOwn: rest.fromOwn,
      });
      return { transfer, receipt: receipt as TransferReceipt, balance };
    },
    [restrictedOnly],
  );

  return {
    active: usable > 0,
    balances: list,
    usable,
    restrictedOnly,
    setRestrictedOnly,
    lastSplit,
    pay,
  };
}
