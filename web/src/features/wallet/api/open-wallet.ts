/**
 * POST /v1/wallets: opens a wallet with a device key generated here, in the
 * browser. The secret key goes straight into the phone's IndexedDB.
 */
import {
  CreateWalletResponseSchema,
  generateKeyPair,
  NobleSigner,
  type OpenWalletInput,
  type WalletView,
} from '@ecny-sim/wallet-core';
import { createApiClient } from '../../../lib/api';
import type { StoredDevice } from '../../../lib/key-store';

export async function openWallet(
  input: OpenWalletInput,
): Promise<{ device: StoredDevice; wallet: WalletView }> {
  const { secretKey } = generateKeyPair();
  const response = CreateWalletResponseSchema.parse(
    await createApiClient().openWallet(input, new NobleSigner(secretKey)),
  );
  return {
    wallet: response.wallet,
    device: {
      walletId: response.wallet.walletId,
      deviceId: response.deviceId,
      secretKey,
      displayName: response.wallet.displayName,
      source: 'created',
      deviceCert: response.deviceCert,
      operatorCert: response.operatorCert,
      savedAt: Date.now(),
    },
  };
}
