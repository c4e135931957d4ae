/** Schemas of the signed protocol objects (certificates, transfers, receipts). */
import { z } from 'zod';
import {
  FenSchema,
  HashSchema,
  IdSchema,
  PublicKeySchema,
  RequestIdSchema,
  SignatureSchema,
  TextSchema,
  TierSchema,
  TimestampSchema,
} from './common';

export const OfflineLimitsSchema = z.strictObject({
  perPayment: FenSchema,
  balanceCap: FenSchema,
  maxPaymentsSinceSync: z.number().int().positive().max(1_000_000),
  maxSecondsSinceSync: z
    .number()
    .int()
    .positive()
    .max(10 * 365 * 86_400),
});

export const OperatorCertSchema = z.strictObject({
  operatorId: IdSchema,
  name: TextSchema(100),
  publicKey: PublicKeySchema,
  validFrom: TimestampSchema,
  validUntil: TimestampSchema,
  sig: SignatureSchema,
});

export const DeviceCertSchema = z.strictObject({
  deviceId: IdSchema,
  walletId: IdSchema,
  operatorId: IdSchema,
  publicKey: PublicKeySchema,
  tier: TierSchema,
  offline: OfflineLimitsSchema,
  validFrom: TimestampSchema,
  validUntil: TimestampSchema,
  sig: SignatureSchema,
});

export const OnlineTransferSchema = z.strictObject({
  transferId: RequestIdSchema,
  from: IdSchema,
  to: IdSchema,
  amount: FenSchema,
  memo: TextSchema(140).optional(),
  deviceId: IdSchema,
  createdAt: TimestampSchema,
  sig: SignatureSchema,
});

const TransferReceiptFields = {
  transferId: RequestIdSchema,
  transferHash: HashSchema,
  from: IdSchema,
  to: IdSchema,
  amount: FenSchema,
  ledgerSeq: z.number().int().nonnegative(),
  settledAt: TimestampSchema,
};

/** A receipt's body: what the issuer signs, or what a batch's tree has as a leaf (PROTOCOL §5). */
export const TransferReceiptBodySchema = z.strictObject(TransferReceiptFields);

/** The head of a receipt batch with the issuer's signature (PROTOCOL §5.1). */
export const ReceiptBatchHeadSchema = z.strictObject({
  root: HashSchema,
  size: z.number().int().min(1),
  sig: SignatureSchema,
});

/** The inclusion proof of a batched receipt (PROTOCOL §5.1). */
export const ReceiptBatchProofSchema = z.strictObject({
  root: HashSchema,
  size: z.number().int().min(1),
  index: z.number().int().nonnegative(),
  path: z.array(HashSchema).max(64),
  sig: SignatureSchema,
});

/** A receipt signed on its own, or a batched one carrying its proof. */
export const TransferReceiptSchema = z.union([
  z.strictObject({ ...TransferReceiptFields, sig: SignatureSchema }),
  z.strictObject({ ...TransferReceiptFields, batch: ReceiptBatchProofSchema }),
]);
