/**
 * Online transfers: the payer's device signs an OnlineTransfer; the issuer
 * answers with a TransferReceipt that the wallet checks before it shows the
 * payment as settled: signed on its own, or batched (one issuer signature
 * over a Merkle root, the receipt carrying its inclusion path).
 */
import { objectHash, objectHashB64 } from '../crypto/hash';
import type { Signer, Verifier } from '../crypto/keys';
import { bodyOf, type Signed, signObject, verifyObject } from '../crypto/signed';
import { EcnyError } from '../errors/index';
import { proveReceiptBatch, type ReceiptBatchProof, verifyReceiptBatchProof } from './receipt-batch';

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
/** A receipt the issuer signed on its own. */
export type SignedTransferReceipt = Signed<TransferReceiptBody>;
/** A receipt from a batch: the issuer signed the batch's Merkle root once (PROTOCOL §5.1). */
export type BatchedTransferReceipt = TransferReceiptBody & { batch: ReceiptBatchProof };
export type TransferReceipt = SignedTransferReceipt | BatchedTransferReceipt;

export function signTransfer(body: OnlineTransferBody, device: Signer): OnlineTransfer {
  return signObject(TRANSFER_TYPE, body, device);
}

export function transferHash(transfer: OnlineTransfer): string {
  return objectHashB64(TRANSFER_TYPE, bodyOf(transfer));
}

export function signReceipt(body: TransferReceiptBody, issuer: Signer): SignedTransferReceipt {
  return signObject(RECEIPT_TYPE, body, issuer);
}

/** The receipt without its signature or batch proof. */
export function receiptBody(receipt: TransferReceipt): TransferReceiptBody {
  if ('batch' in receipt) {
    const { batch: _batch, ...body } = receipt;
    return body;
  }
  return bodyOf(receipt);
}

/** Receipts for a batch of settled transfers, in order, under one issuer signature. */
export function batchReceipts(
  bodies: readonly TransferReceiptBody[],
  issuer: Signer,
): BatchedTransferReceipt[] {
  const proofs = proveReceiptBatch(
    bodies.map((b) => objectHash(RECEIPT_TYPE, b)),
    issuer,
  );
  return bodies.map((b, i) => ({ ...b, batch: proofs[i]! }));
}

/** Throws RECEIPT_INVALID unless the receipt is the issuer's and settles exactly this transfer. */
export function verifyReceipt(
  receipt: TransferReceipt,
  transfer: OnlineTransfer | null,
  issuerPublicKey: Uint8Array,
  verifier: Verifier,
): void {
  if ('batch' in receipt) {
    const leaf = objectHash(RECEIPT_TYPE, receiptBody(receipt));
    verifyReceiptBatchProof(
      leaf,
      receipt.batch,
      issuerPublicKey,
      verifier,
      `receipt for ${receipt.transferId}`,
    );
  } else if (!verifyObject(RECEIPT_TYPE, receipt, issuerPublicKey, verifier)) {
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
