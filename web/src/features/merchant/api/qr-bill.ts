/** GET /v1/wallets/:id/qr/bills/:billId (device-signed, merchant): whether a dynamic QR's bill is paid. */
import type { EcnyClient, QrBill } from '@ecny-sim/wallet-core';

export async function fetchQrBill(client: EcnyClient, walletId: string, billId: string): Promise<QrBill> {
  const { bill } = await client.qrBill(walletId, billId);
  return bill;
}
