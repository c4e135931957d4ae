/**
 * What a customer's scan turned out to be: a merchant QR this wallet can pay,
 * or a coded error - a foreign scheme's code (shown with its fields), a
 * customer payment code, or text that is no payment code at all.
 */
import { EcnyError, type MerchantQr, PAYMENT_CODE_PREFIX, parseMerchantQr } from '@ecny-sim/wallet-core';

export interface ScannedMerchantQr {
  qr: MerchantQr | null;
  /** Set when the code cannot be paid here; `qr` is still there when it parsed. */
  error: EcnyError | null;
}

export function readMerchantQr(text: string): ScannedMerchantQr {
  if (text.trim().toUpperCase().startsWith(PAYMENT_CODE_PREFIX)) {
    return {
      qr: null,
      error: new EcnyError(
        'QR_IS_PAYMENT_CODE',
        'this is a customer’s payment code: a merchant scans it to charge, it cannot be paid',
      ),
    };
  }
  let qr: MerchantQr;
  try {
    qr = parseMerchantQr(text);
  } catch (e) {
    return { qr: null, error: e instanceof EcnyError ? e : new EcnyError('QR_BAD_FORMAT', String(e)) };
  }
  if (!qr.payableHere || !qr.ecny) {
    return {
      qr,
      error: new EcnyError(
        'QR_NOT_PAYABLE',
        qr.notPayableReason ?? 'this code is not an e-CNY merchant code',
      ),
    };
  }
  return { qr, error: null };
}

/** EMVCo names of the top-level data objects, for the fields list. */
export function fieldName(id: string): string {
  const n = Number(id);
  if (n >= 2 && n <= 51) return 'Merchant account';
  if (n >= 80) return 'Unreserved template';
  return FIELD_NAMES[id] ?? `Data object ${id}`;
}

const FIELD_NAMES: Record<string, string> = {
  '00': 'Payload format',
  '01': 'Initiation',
  '52': 'Category code (MCC)',
  '53': 'Currency',
  '54': 'Amount',
  '55': 'Tip indicator',
  '56': 'Convenience fee',
  '57': 'Convenience fee %',
  '58': 'Country',
  '59': 'Merchant name',
  '60': 'Merchant city',
  '61': 'Postal code',
  '62': 'Additional data',
  '63': 'CRC',
  '64': 'Alternate language',
};
