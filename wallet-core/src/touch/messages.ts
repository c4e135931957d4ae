/**
 * The three messages of a touch payment (DESIGN 5):
 *   payee -> payer  PaymentRequest  (signed by the payee device)
 *   payer -> payee  PaymentBundle   (payer certificate + spends with the paths of their inputs)
 *   payee -> payer  PaymentAck      (signed, names the bundle hash) or PaymentReject {code, message}
 */
import { type DeviceCert, type TrustAnchors, verifyDeviceCert } from '../certs/certs';
import type { Coin } from '../coins/coin';
import type { MerchantInfo, PayeeInfo } from '../coins/restriction';
import type { Spend } from '../coins/spend';
import { objectHashB64 } from '../crypto/hash';
import { decodeKey, type Verifier } from '../crypto/keys';
import { type Signed, verifyObject } from '../crypto/signed';
import { EcnyError } from '../errors/index';
import type { Fen } from '../money/fen';

export const PAYMENT_REQUEST_TYPE = 'payment-request';
export const PAYMENT_ACK_TYPE = 'payment-ack';
/** Type tag of the bundle hash (the bundle itself is not signed; its spends are). */
export const PAYMENT_BUNDLE_TYPE = 'payment-bundle';

export interface PaymentRequestBody {
  requestId: string;
  payee: DeviceCert;
  amount: Fen;
  merchant?: MerchantInfo;
  createdAt: number;
  expiresAt: number;
}
export type PaymentRequest = Signed<PaymentRequestBody>;

/** One spend of a payment with the coin it consumes (the coin's full path). */
export interface BundleSpend {
  coin: Coin;
  spend: Spend;
}

export interface PaymentBundle {
  requestId: string;
  /** Device certificate of the payer: it signed every spend of the bundle. */
  payer: DeviceCert;
  spends: BundleSpend[];
}

export interface PaymentAckBody {
  requestId: string;
  /** bundleHash() of the bundle the payee accepted. */
  bundleHash: string;
  payeeDeviceId: string;
  receivedAt: number;
}
export type PaymentAck = Signed<PaymentAckBody>;

export interface PaymentReject {
  requestId: string;
  code: string;
  message: string;
}

export interface MessageCheckOptions {
  trust: TrustAnchors;
  verifier: Verifier;
  now: number;
  revokedDevices?: ReadonlySet<string>;
}

/** base64url SHA-256 of the bundle's canonical JSON under type `payment-bundle`. */
export function bundleHash(bundle: PaymentBundle): string {
  return objectHashB64(PAYMENT_BUNDLE_TYPE, bundle);
}

export function payeeInfo(request: PaymentRequest | PaymentRequestBody): PayeeInfo {
  return {
    walletId: request.payee.walletId,
    deviceId: request.payee.deviceId,
    publicKey: request.payee.publicKey,
    ...(request.merchant ? { merchant: request.merchant } : {}),
  };
}

/** Throws REQUEST_INVALID / REQUEST_EXPIRED / CERT_* unless the request is genuine and current. */
export function verifyPaymentRequest(request: PaymentRequest, options: MessageCheckOptions): void {
  verifyDeviceCert(request.payee, options.trust, options.verifier, options);
  if (!verifyObject(PAYMENT_REQUEST_TYPE, request, decodeKey(request.payee.publicKey), options.verifier)) {
    throw new EcnyError('REQUEST_INVALID', 'the payment request is not signed by the payee device');
  }
  if (!Number.isSafeInteger(request.amount) || request.amount <= 0) {
    throw new EcnyError('REQUEST_INVALID', 'the payment request amount is not positive fen');
  }
  if (options.now > request.expiresAt)
    throw new EcnyError('REQUEST_EXPIRED', 'the payment request has expired');
}

/** Throws ACK_INVALID unless the ack is signed by the request's payee and names this bundle. */
export function verifyPaymentAck(
  ack: PaymentAck,
  request: PaymentRequest,
  bundle: PaymentBundle,
  verifier: Verifier,
): void {
  if (!verifyObject(PAYMENT_ACK_TYPE, ack, decodeKey(request.payee.publicKey), verifier)) {
    throw new EcnyError('ACK_INVALID', 'the acknowledgement is not signed by the payee device');
  }
  if (ack.requestId !== request.requestId || ack.bundleHash !== bundleHash(bundle)) {
    throw new EcnyError('ACK_INVALID', 'the acknowledgement is for another payment');
  }
}
