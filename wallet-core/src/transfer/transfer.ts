/**
 * Online transfers: the payer's device signs an OnlineTransfer; the issuer
 * answers with a signed TransferReceipt that the wallet checks before it
 * shows the payment as settled.
 */
import { objectHashB64 } from '../crypto/hash';
import type { Signer, Verifier } from '../crypto/keys';
import { bodyOf, type Signed, signObject, verifyObject } from '../crypto/signed';
import { EcnyError } from '../errors/index';

export const TRANSFER_TYPE = 'transfer';
export const RECEIPT_TYPE = 'receipt';

export interface OnlineTransferBody {
  transferId: string;
  from: string;
  to: string;
  amount: number;
  memo?: string;
  deviceId: string;
  createdAt: number;
}
export type OnlineTransfer = Signed<OnlineTransferBody>;

export interface TransferReceiptBody {
  transferId: string;
  /** Hash of the signed transfer body this receipt settles. */
  transferHash: string;
  from: string;
  to: string;
  amount: number;
  /** Position of the transfer in the issuer ledger. */
  ledgerSeq: number;
  settledAt: number;
}
export type TransferReceipt = Signed<TransferReceiptBody>;

export function signTransfer(body: OnlineTransferBody, device: Signer): OnlineTransfer {
  return signObject(TRANSFER_TYPE, body, device);
}

export function transferHash(transfer: OnlineTransfer): string {
  return objectHashB64(TRANSFER_TYPE, bodyOf(transfer));
}

export function signReceipt(body: TransferReceiptBody, issuer: Signer): TransferReceipt {
  return signObject(RECEIPT_TYPE, body, issuer);
}

/** Throws RECEIPT_INVALID unless the receipt is the issuer's and settles exactly this transfer. */
export function verifyReceipt(
  receipt: TransferReceipt,
  transfer: OnlineTransfer | null,
  issuerPublicKey: Uint8Array,
  verifier: Verifier,
): void {
  if (!verifyObject(RECEIPT_TYPE, receipt, issuerPublicKey, verifier)) {
    throw new EcnyError('RECEIPT_INVALID', `receipt for ${receipt.transferId} is not signed by the issuer`);
  }
  if (transfer) {
    const same =
      receipt.transferId === transfer.transferId &&
      receipt.transferHash === transferHash(transfer) &&
      receipt.amount === transfer.amount &&
      receipt.from === transfer.from &&
      receipt.to === transfer.to;
    if (!same)
      throw new EcnyError('RECEIPT_INVALID', `receipt does not match transfer ${transfer.transferId}`);
  }
}
