/** POST /v1/wallets/:id/qr (device-signed, merchant): a bill of a fixed amount and its dynamic QR payload. */
import { type EcnyClient, MerchantQrPayloadSchema, type QrBill } from '@ecny-sim/wallet-core';

export interface DynamicQr {
  payload: string;
  bill: QrBill;
}

export async function createDynamicQr(
  client: EcnyClient,
  walletId: string,
  amount: number,
): Promise<DynamicQr> {
  const { payload, bill } = await client.createDynamicQr(walletId, amount);
  return { payload: MerchantQrPayloadSchema.parse(payload), bill };
}
