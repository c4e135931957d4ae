/**
 * POST /v1/transfers: signs an online transfer with the device key and
 * checks the issuer's receipt before the payment counts as settled here.
 */
import {
  type EcnyClient,
  nobleVerifier,
  type OnlineTransfer,
  type TransferReceipt,
  TransferResponseSchema,
  verifyReceipt,
} from '@ecny-sim/wallet-core';

export interface SettledPayment {
  transfer: OnlineTransfer;
  receipt: TransferReceipt;
  /** Payer's balance after the payment, in fen. */
  balance: number;
}

export async function payOnline(
  client: EcnyClient,
  payment: { from: string; to: string; amount: number; memo?: string },
  issuerPublicKey: Uint8Array,
): Promise<SettledPayment> {
  const { transfer, ...rest } = await client.pay(payment.from, payment.to, payment.amount, {
    ...(payment.memo ? { memo: payment.memo } : {}),
  });
  const { receipt, balance } = TransferResponseSchema.parse(rest);
  verifyReceipt(receipt as TransferReceipt, transfer, issuerPublicKey, nobleVerifier);
  return { transfer, receipt: receipt as TransferReceipt, balance };
}
