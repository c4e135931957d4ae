/** Request bodies of the QR endpoints; the server validates with these. */
import { z } from 'zod';
import { FenSchema, RequestIdSchema } from '../schemas/common';
import { OnlineTransferSchema } from '../schemas/messages';
import { BILL_ID_MAX, MAX_QR_AMOUNT_FEN, MAX_QR_PAYLOAD_CHARS } from './merchant';
import { PAYMENT_CODE_PREFIX } from './payment-code';

/** A bill / request id that fits 62 sub-id 01 of a merchant QR. */
export const BillIdSchema = z
  .string()
  .min(1)
  .max(BILL_ID_MAX)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and -');

/** An amount a merchant QR can carry (13 characters of ID 54). */
export const QrAmountSchema = FenSchema.max(MAX_QR_AMOUNT_FEN);

/** A raw merchant-presented payload as scanned; parseMerchantQr does the real checking. */
export const MerchantQrPayloadSchema = z
  .string()
  .min(1)
  .max(MAX_QR_PAYLOAD_CHARS * 2);

/** The text of a customer payment code; decodePaymentCode does the real checking. */
export const PaymentCodeTextSchema = z
  .string()
  .min(PAYMENT_CODE_PREFIX.length + 1)
  .max(400)
  .refine(
    (s) => s.trim().toUpperCase().startsWith(PAYMENT_CODE_PREFIX),
    `starts with ${PAYMENT_CODE_PREFIX}`,
  );

/** POST body: a merchant asks for a dynamic (fixed-amount) QR. */
export const CreateDynamicQrRequestSchema = z.strictObject({
  amount: QrAmountSchema,
  billId: BillIdSchema.optional(),
});

/** POST body: the customer pays a scanned merchant QR with a signed transfer to the merchant's wallet. */
export const PayMerchantQrRequestSchema = z.strictObject({
  payload: MerchantQrPayloadSchema,
  transfer: OnlineTransferSchema,
});

/** POST body: a merchant charges a scanned customer payment code; chargeId makes the call idempotent. */
export const ChargePaymentCodeRequestSchema = z.strictObject({
  code: PaymentCodeTextSchema,
  amount: FenSchema,
  chargeId: RequestIdSchema,
});

export type CreateDynamicQrRequest = z.infer<typeof CreateDynamicQrRequestSchema>;
export type PayMerchantQrRequest = z.infer<typeof PayMerchantQrRequestSchema>;
export type ChargePaymentCodeRequest = z.infer<typeof ChargePaymentCodeRequestSchema>;
