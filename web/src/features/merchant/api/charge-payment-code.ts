/**
 * POST /v1/wallets/:id/charge (device-signed, merchant): charges a customer's
 * scanned payment code. The issuer's receipt names the code (transferId =
 * codeId, transferHash = hash of the signed code) and is checked here before
 * the charge counts.
 */
import {
  bodyOf,
  type ChargeResponse,
  type EcnyClient,
  EcnyError,
  nobleVerifier,
  objectHashB64,
  PAYMENT_CODE_TYPE,
  type PaymentCode,
  type TransferReceipt,
  verifyReceipt,
} from '@ecny-sim/wallet-core';

export interface SettledCharge {
  receipt: TransferReceipt;
  charge: ChargeResponse['charge'];
  /** The merchant's balance after the charge, in fen. */
  balance: number;
}

export async function chargePaymentCode(
  client: EcnyClient,
  charge: { merchantId: string; text: string; code: PaymentCode; amount: number; chargeId: string },
  issuerPublicKey: Uint8Array,
): Promise<SettledCharge> {
  const response = await client.chargePaymentCode(
    charge.merchantId,
    charge.text,
    charge.amount,
    charge.chargeId,
  );
  const receipt = response.receipt as TransferReceipt;
  verifyReceipt(receipt, null, issuerPublicKey, nobleVerifier);
  const matches =
    receipt.transferId === charge.code.codeId &&
    receipt.transferHash === objectHashB64(PAYMENT_CODE_TYPE, bodyOf(charge.code)) &&
    receipt.from === charge.code.walletId &&
    receipt.to === charge.merchantId &&
    receipt.amount === charge.amount;
  if (!matches) {
    throw new EcnyError('RECEIPT_INVALID', `receipt does not settle payment code ${charge.code.codeId}`);
  }
  return { receipt, charge: response.charge, balance: response.balance };
}
