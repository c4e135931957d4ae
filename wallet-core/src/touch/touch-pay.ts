/**
 * One whole touch payment between two wallets on one page (or in a test or
 * simulation): an in-memory transport pair, the payee asks, the payer pays.
 */

import type { MerchantInfo } from '../coins/restriction';
import type { Fen } from '../money/fen';
import type { OfflineWallet } from './offline-wallet';
import { PayeeSession, runPayee } from './payee';
import { type PayerOptions, PayerSession, runPayer } from './payer';
import { createMemoryTransportPair } from './transport';

export interface TouchPayInput extends PayerOptions {
  payer: OfflineWallet;
  payee: OfflineWallet;
  amount: Fen;
  merchant?: MerchantInfo;
  timeoutMs?: number;
}

export async function touchPay(input: TouchPayInput): Promise<{ payer: PayerSession; payee: PayeeSession }> {
  const [payerLink, payeeLink] = createMemoryTransportPair();
  const payer = new PayerSession(input.payer, input);
  const payee = new PayeeSession(input.payee, { amount: input.amount, merchant: input.merchant });
  try {
    await Promise.all([
      runPayer(payer, payerLink, input.timeoutMs),
      runPayee(payee, payeeLink, input.timeoutMs),
    ]);
  } finally {
    payerLink.close();
  }
  return { payer, payee };
}
