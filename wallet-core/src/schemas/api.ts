/**
 * Request and response bodies of the HTTP API (/v1). The server validates
 * every body with these; web and tests build their requests from the same
 * types.
 */
import { z } from 'zod';
import {
  b64url,
  FenOrZeroSchema,
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
import {
  DeviceCertSchema,
  OnlineTransferSchema,
  OperatorCertSchema,
  ReceiptBatchHeadSchema,
  TransferReceiptBodySchema,
  TransferReceiptSchema,
} from './messages';

export const ErrorEnvelopeSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/**
 * The details of a DEVICE_REVOKED answer to the revoked device's own call: when it was revoked
 * and why (null when no reason was recorded).
 */
export const DeviceRevokedDetailsSchema = z.object({
  revokedAt: TimestampSchema,
  reason: z.string().nullable(),
});
export type DeviceRevokedDetails = z.infer<typeof DeviceRevokedDetailsSchema>;

export const MerchantProfileSchema = z.strictObject({
  name: TextSchema(80),
  city: TextSchema(40),
  mcc: z.string().regex(/^\d{4}$/, 'four-digit merchant category code'),
  region: TextSchema(40),
});

/** Body of a device registration; signed by the new device key as proof of possession. */
export const WalletRegistrationSchema = z.strictObject({
  operatorId: IdSchema,
  tier: TierSchema,
  displayName: TextSchema(60),
  phone: z
    .string()
    .regex(/^\+?[0-9]{6,15}$/, 'phone number')
    .optional(),
  region: TextSchema(40).optional(),
  resident: z.boolean().optional(),
  devicePublicKey: PublicKeySchema,
  createdAt: TimestampSchema,
  sig: SignatureSchema,
});

export const WalletViewSchema = z.object({
  walletId: IdSchema,
  operatorId: IdSchema,
  displayName: z.string(),
  tier: TierSchema,
  balance: FenOrZeroSchema,
  bankBalance: FenOrZeroSchema,
  spentToday: FenOrZeroSchema,
  region: z.string().nullable(),
  resident: z.boolean(),
  merchant: MerchantProfileSchema.nullable(),
  createdAt: TimestampSchema,
});

export const CreateWalletResponseSchema = z.object({
  wallet: WalletViewSchema,
  deviceId: IdSchema,
  deviceCert: DeviceCertSchema,
  operatorCert: OperatorCertSchema,
  issuerPublicKey: PublicKeySchema,
});

export const BankMoveRequestSchema = z.strictObject({ requestId: RequestIdSchema, amount: FenSchema });
export const KycUpgradeRequestSchema = z.strictObject({
  tier: TierSchema,
  idNumber: z
    .string()
    .regex(/^\d{17}[\dX]$/, '18-character resident identity number')
    .optional(),
  bankCard: z
    .string()
    .regex(/^\d{12,19}$/, 'bank card number')
    .optional(),
  inPerson: z.boolean().optional(),
});

export const TransferRequestSchema = OnlineTransferSchema;
export const TransferResponseSchema = z.object({ receipt: TransferReceiptSchema, balance: FenOrZeroSchema });
export const BatchTransferRequestSchema = z.strictObject({
  transfers: z.array(z.unknown()).min(1).max(1000),
});
/**
 * A batch call's answer (PROTOCOL §5.1): each item settled with its receipt body and its position
 * in the batch, or refused; the batch's signed head once (null when nothing settled).
 */
export const BatchTransferResultSchema = z.union([
  z.object({
    ok: z.literal(true),
    index: z.number().int().nonnegative(),
    receipt: TransferReceiptBodySchema,
  }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export const BatchTransferResponseSchema = z.object({
  batch: ReceiptBatchHeadSchema.nullable(),
  results: z.array(BatchTransferResultSchema),
});

export const HistoryEntrySchema = z.object({
  ledgerSeq: z.number().int(),
  transferId: z.string(),
  kind: z.string(),
  direction: z.enum(['in', 'out']),
  amount: FenSchema,
  counterparty: z.string().nullable(),
  memo: z.string().nullable(),
  at: TimestampSchema,
  receipt: TransferReceiptSchema.nullable(),
  transfer: OnlineTransferSchema.nullable(),
  /**
   * Of a deposited offline coin (kinds offline_deposit and fraud_compensation): the hash of the
   * spend that paid it to the issuer, so a device can tell which of its deposits an entry is.
   */
  spendHash: HashSchema.optional(),
});
export const HistoryResponseSchema = z.object({ entries: z.array(HistoryEntrySchema) });

export const DirectoryEntrySchema = z.object({
  walletId: IdSchema,
  displayName: z.string(),
  operatorId: IdSchema,
  merchant: MerchantProfileSchema.nullable(),
});

export const InfoResponseSchema = z.object({
  name: z.string(),
  version: z.string(),
  issuerPublicKey: PublicKeySchema,
  operators: z.array(z.object({ operatorId: IdSchema, name: z.string(), cert: OperatorCertSchema })),
  tiers: z.unknown(),
  time: TimestampSchema,
});

export const AuditBreakSchema = z.object({
  code: z.string(),
  message: z.string(),
  account: z.string().optional(),
});
export const AuditReportSchema = z.object({
  ok: z.boolean(),
  checkedAt: TimestampSchema,
  accounts: z.number().int(),
  transfers: z.number().int(),
  sum: z.number().int(),
  issued: z.number().int(),
  byKind: z.record(z.string(), z.number().int()),
  breaks: z.array(AuditBreakSchema),
});

export const IssueRequestSchema = z.strictObject({
  requestId: RequestIdSchema,
  operatorId: IdSchema,
  amount: FenSchema,
});
export const MerchantProfileRequestSchema = MerchantProfileSchema;

/** A ticket that opens a wallet's own event stream (`GET /v1/events?wallet=…&ticket=…`) until it expires. */
export const EventsTicketResponseSchema = z.object({ ticket: b64url(32), expiresAt: TimestampSchema });
/** The query of `GET /v1/events`: the public stream alone, or with a wallet's own events (its ticket). */
export const EventsQuerySchema = z.strictObject({
  wallet: IdSchema.optional(),
  ticket: b64url(32).optional(),
});
export const SignatureOnlySchema = z.strictObject({ sig: SignatureSchema });

export type MerchantProfile = z.infer<typeof MerchantProfileSchema>;
export type WalletRegistration = z.infer<typeof WalletRegistrationSchema>;
export type WalletView = z.infer<typeof WalletViewSchema>;
export type CreateWalletResponse = z.infer<typeof CreateWalletResponseSchema>;
export type BankMoveRequest = z.infer<typeof BankMoveRequestSchema>;
export type KycUpgradeRequest = z.infer<typeof KycUpgradeRequestSchema>;
export type TransferResponse = z.infer<typeof TransferResponseSchema>;
export type BatchTransferResponse = z.infer<typeof BatchTransferResponseSchema>;
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;
export type DirectoryEntry = z.infer<typeof DirectoryEntrySchema>;
export type InfoResponse = z.infer<typeof InfoResponseSchema>;
export type AuditReport = z.infer<typeof AuditReportSchema>;
export type EventsTicketResponse = z.infer<typeof EventsTicketResponseSchema>;
export type IssueRequest = z.infer<typeof IssueRequestSchema>;
