/**
 * POST /v1/qr/pay: pays a scanned merchant QR with an online transfer to the
 * wallet in the code, signed here by the phone's device key. The issuer's
 * receipt is checked against that transfer before the payment counts.
 */
import {
  type EcnyClient,
  EcnyError,
  nobleVerifier,
  type OnlineTransfer,
  type QrBill,
  signTransfer,
  sortableId,
  type TransferReceipt,
  TransferResponseSchema,
  verifyReceipt,
} from '@ecny-sim/wallet-core';

export interface PaidQr {
  transfer: OnlineTransfer;
  receipt: TransferReceipt;
  /** Payer's balance after the payment, in fen. */
  balance: number;
  merchantName: string | null;
  bill: QrBill | null;
}

export async function payMerchantQr(
  client: EcnyClient,
  payment: { payload: string; from: string; to: string; amount: number; memo?: string },
  issuerPublicKey: Uint8Array,
): Promise<PaidQr> {
  const device = client.device;
  if (!device) throw new EcnyError('NO_DEVICE', 'paying needs this phone’s device key');
  const transfer = signTransfer(
    {
      transferId: sortableId('tx'),
      from: payment.from,
      to: payment.to,
      amount: payment.amount,
      ...(payment.memo ? { memo: payment.memo } : {}),
      deviceId: device.deviceId,
      createdAt: Date.now(),
    },
    device.signer,
  );
  const response = await client.payQr(payment.payload, transfer);
  const { receipt, balance } = TransferResponseSchema.parse(response);
  verifyReceipt(receipt as TransferReceipt, transfer, issuerPublicKey, nobleVerifier);
  return {
    transfer,
    receipt: receipt as TransferReceipt,
    balance,
    merchantName: response.merchant?.name ?? null,
    bill: response.bill ?? null,
  };
}
