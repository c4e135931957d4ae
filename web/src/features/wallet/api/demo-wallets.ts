/**
 * GET /v1/demo/wallets (demo mode only): the seeded wallets with their device
 * secret keys, so a phone on the demo page can start with money.
 */
import { fromBase64Url, isEcnyError } from '@ecny-sim/wallet-core';
import { createApiClient } from '../../../lib/api';
import type { StoredDevice } from '../../../lib/key-store';

export interface DemoWallet {
  name: string;
  walletId: string;
  deviceId: string;
  /** base64url Ed25519 secret key. */
  secretKey: string;
  role: 'person' | 'merchant';
}

function isDemoWallet(value: unknown): value is DemoWallet {
  const w = value as DemoWallet;
  return (
    typeof w === 'object' &&
    w !== null &&
    typeof w.name === 'string' &&
    typeof w.walletId === 'string' &&
    typeof w.deviceId === 'string' &&
    typeof w.secretKey === 'string' &&
    (w.role === 'person' || w.role === 'merchant')
  );
}

/** The demo wallets, or none when the server is not in demo mode. */
export async function fetchDemoWallets(): Promise<DemoWallet[]> {
  try {
    const body = await createApiClient().request<{ wallets?: unknown[] }>('GET', '/demo/wallets');
    return (body.wallets ?? []).filter(isDemoWallet);
  } catch (error) {
    if (isEcnyError(error) && error.code === 'NOT_FOUND') return [];
    throw error;
  }
}

/** Which demo wallet a phone adopts by default: a person by name, or the n-th merchant. */
export interface DemoAssignment {
  role: 'person' | 'merchant';
  name?: string;
}

export function pickDemoWallet(wallets: DemoWallet[], assignment: DemoAssignment): DemoWallet | undefined {
  const ofRole = wallets.filter((w) => w.role === assignment.role);
  return assignment.name ? ofRole.find((w) => w.name === assignment.name) : ofRole[0];
}

export function demoDevice(wallet: DemoWallet): StoredDevice {
  return {
    walletId: wallet.walletId,
    deviceId: wallet.deviceId,
    secretKey: fromBase64Url(wallet.secretKey),
    displayName: wallet.name,
    source: 'demo',
    savedAt: Date.now(),
  };
}
