/** GET /v1/wallets/:id/qr/static: the merchant's static QR payload (no amount; the customer types it). */
import { type EcnyClient, MerchantQrPayloadSchema } from '@ecny-sim/wallet-core';

export async function fetchStaticQr(client: EcnyClient, walletId: string): Promise<string> {
  const { payload } = await client.staticQr(walletId);
  return MerchantQrPayloadSchema.parse(payload);
}
