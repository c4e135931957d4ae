/** GET /v1/wallets/:id (device-signed): the wallet's balances, tier and profile. */
import { type EcnyClient, type WalletView, WalletViewSchema } from '@ecny-sim/wallet-core';

export async function fetchWallet(client: EcnyClient, walletId: string): Promise<WalletView> {
  const { wallet } = await client.wallet(walletId);
  return WalletViewSchema.parse(wallet);
}
