/** POST /v1/wallets/:id/topup (device-signed): moves money from the linked bank account into e-CNY. */
import { type EcnyClient, type WalletView, WalletViewSchema } from '@ecny-sim/wallet-core';

export async function topUp(client: EcnyClient, walletId: string, amount: number): Promise<WalletView> {
  const { wallet } = await client.topUp(walletId, amount);
  return WalletViewSchema.parse(wallet);
}
