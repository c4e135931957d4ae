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
import {
  proveReceiptBatch,
  type ReceiptBatchProof,
  receiptBatchProofs,
  type SignedReceiptBatchHead,
  verifyReceiptBatchProof,
} from './receipt-batch';

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

/**
 * The standalone receipts of a compact batch answer (PROTOCOL §5.1): the receipt bodies in batch
 * order and the signed head they came with; each gets its inclusion proof. Throws RECEIPT_INVALID
 * unless the bodies are exactly the batch whose root the head names.
 */
export function expandBatchReceipts(
  bodies: readonly TransferReceiptBody[],
  head: SignedReceiptBatchHead,
): BatchedTransferReceipt[] {
  const proofs = receiptBatchProofs(
    bodies.map((b) => objectHash(RECEIPT_TYPE, b)),
    head,
  );
  return bodies.map((b, i) => ({ ...b, batch: proofs[i]! }));
}

/** One item of a batch call's answer as the wire carries it (PROTOCOL §5.1). */
export type BatchTransferResult =
  | { ok: true; index: number; receipt: TransferReceiptBody }
  | { ok: false; error: { code: string; message: string } };

/** One item of a batch call's answer with its receipt made standalone. */
export type BatchTransferItem =
  | { ok: true; receipt: BatchedTransferReceipt }
  | { ok: false; error: { code: string; message: string } };

/**
 * The items of a compact batch answer, each settled one with its standalone batched receipt.
 * Throws RECEIPT_INVALID when the settled items are not numbered 0, 1, 2... in order, or are not
 * the batch the signed head names.
 */
export function batchAnswerItems(answer: {
  batch: SignedReceiptBatchHead | null;
  results: readonly BatchTransferResult[];
}): BatchTransferItem[] {
  const bodies: TransferReceiptBody[] = [];
  for (const r of answer.results) {
    if (!r.ok) continue;
    if (r.index !== bodies.length) {
      throw new EcnyError(
        'RECEIPT_INVALID',
        `settled item ${bodies.length} of the batch is numbered ${r.index}`,
      );
    }
    bodies.push(r.receipt);
  }
  if (bodies.length === 0) return answer.results as BatchTransferItem[];
  if (!answer.batch)
    throw new EcnyError('RECEIPT_INVALID', 'settled items came without the signed batch head');
  const receipts = expandBatchReceipts(bodies, answer.batch);
  return answer.results.map((r) => (r.ok ? { ok: true, receipt: receipts[r.index]! } : r));
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
