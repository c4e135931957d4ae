/**
 * zod schemas of the offline messages (Issue, Spend, coins with paths,
 * PaymentRequest, PaymentBundle, PaymentAck, PaymentReject) and of the sync
 * upload items, shared so that server and web validate the same shapes.
 * Signatures and semantics are checked by verifyPath / verifyPaymentBundle;
 * these only guarantee the shape.
 */
import { z } from 'zod';
import {
  FenSchema,
  HashSchema,
  IdSchema,
  PublicKeySchema,
  RequestIdSchema,
  SignatureSchema,
  TextSchema,
  TimestampSchema,
} from '../schemas/common';
import { DeviceCertSchema } from '../schemas/messages';
import { MAX_SPEND_OUTPUTS } from './spend';

/** Coin ids: base64url of 32 bytes (root ids from the issuer, output ids derived). */
export const CoinIdSchema = HashSchema;

export const CoinRestrictionSchema = z.strictObject({
  campaignId: TextSchema(80),
  merchants: z.array(IdSchema).max(10_000).optional(),
  regions: z.array(TextSchema(40)).max(1_000).optional(),
  mccs: z
    .array(z.string().regex(/^\d{4}$/, 'four-digit merchant category code'))
    .max(1_000)
    .optional(),
});

export const MerchantInfoSchema = z.strictObject({
  name: TextSchema(80),
  city: TextSchema(40),
  mcc: z.string().regex(/^\d{4}$/, 'four-digit merchant category code'),
  region: TextSchema(40),
});

export const IssueSchema = z.strictObject({
  coinId: CoinIdSchema,
  amount: FenSchema,
  owner: PublicKeySchema,
  expiresAt: TimestampSchema,
  maxHops: z.number().int().min(1).max(255),
  restriction: CoinRestrictionSchema.optional(),
  sig: SignatureSchema,
});

export const SpendOutputSchema = z.strictObject({ owner: PublicKeySchema, amount: FenSchema });

export const SpendSchema = z.strictObject({
  inputCoinId: CoinIdSchema,
  outputs: z.array(SpendOutputSchema).min(1).max(MAX_SPEND_OUTPUTS),
  requestId: RequestIdSchema,
  counter: z.number().int().nonnegative(),
  time: TimestampSchema,
  sig: SignatureSchema,
});

export const PathLinkSchema = z.strictObject({
  spend: SpendSchema,
  output: z.number().int().min(0).max(1),
  signer: DeviceCertSchema,
});

export const CoinSchema = z.strictObject({
  issue: IssueSchema,
  links: z.array(PathLinkSchema).max(255),
});

export const PaymentRequestSchema = z.strictObject({
  requestId: RequestIdSchema,
  payee: DeviceCertSchema,
  amount: FenSchema,
  merchant: MerchantInfoSchema.optional(),
  createdAt: TimestampSchema,
  expiresAt: TimestampSchema,
  sig: SignatureSchema,
});

export const BundleSpendSchema = z.strictObject({ coin: CoinSchema, spend: SpendSchema });

export const PaymentBundleSchema = z.strictObject({
  requestId: RequestIdSchema,
  payer: DeviceCertSchema,
  spends: z.array(BundleSpendSchema).min(1).max(16),
});

export const PaymentAckSchema = z.strictObject({
  requestId: RequestIdSchema,
  bundleHash: HashSchema,
  payeeDeviceId: IdSchema,
  receivedAt: TimestampSchema,
  sig: SignatureSchema,
});

export const PaymentRejectSchema = z.strictObject({
  requestId: RequestIdSchema,
  code: z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, 'SCREAMING_SNAKE code'),
  message: z.string().max(500),
});

const OutboxIdSchema = z
  .string()
  .regex(/^(sent|recv):[A-Za-z0-9_-]{8,80}$/, 'sent:<requestId> or recv:<requestId>');

export const SentPaymentItemSchema = z.strictObject({
  id: OutboxIdSchema,
  kind: z.literal('payment-sent'),
  requestId: RequestIdSchema,
  request: PaymentRequestSchema,
  bundle: PaymentBundleSchema,
  ack: PaymentAckSchema.optional(),
  reject: PaymentRejectSchema.optional(),
  createdAt: TimestampSchema,
});

export const ReceivedPaymentItemSchema = z.strictObject({
  id: OutboxIdSchema,
  kind: z.literal('payment-received'),
  requestId: RequestIdSchema,
  request: PaymentRequestSchema,
  bundle: PaymentBundleSchema,
  ack: PaymentAckSchema,
  createdAt: TimestampSchema,
});

/** One item of a sync upload: an outbox entry of the device. */
export const SyncUploadItemSchema = z.discriminatedUnion('kind', [
  SentPaymentItemSchema,
  ReceivedPaymentItemSchema,
]);

/** A sync upload body: the device's outbox (may repeat earlier uploads; the server is idempotent). */
export const SyncUploadSchema = z.strictObject({
  items: z.array(SyncUploadItemSchema).max(1_000),
});

export const DoubleSpendProofSchema = z.strictObject({
  coin: CoinSchema,
  culprit: DeviceCertSchema,
  first: SpendSchema,
  second: SpendSchema,
});
