/**
 * A wallet with one device, written straight through the store (no HTTP):
 * the device's key, its certificate from operator op_icbc, the wallet's
 * account topped up from the operator's vault.
 */
import {
  type DeviceCert,
  issueDeviceCert,
  randomBytes,
  randomId,
  TIER_SPECS,
  type Tier,
} from '@ecny-sim/wallet-core';
import { expect } from 'vitest';
import type { Ctx } from '../../src/context';
import { SodiumSigner } from '../../src/crypto/sodium';

export interface TestDevice {
  walletId: string;
  deviceId: string;
  signer: SodiumSigner;
  cert: DeviceCert;
}

export async function openTestDevice(
  ctx: Ctx,
  options: {
    walletId?: string;
    deviceId?: string;
    displayName?: string;
    tier?: Tier;
    /** Offline limits of the certificate (the tier's by default). */
    offline?: DeviceCert['offline'];
    /** Online balance to start with, in fen. */
    fund?: number;
  } = {},
): Promise<TestDevice> {
  const walletId = options.walletId ?? randomId('w');
  const deviceId = options.deviceId ?? randomId('d');
  const tier = options.tier ?? 2;
  const signer = new SodiumSigner(randomBytes(32));
  const publicKey = Buffer.from(signer.publicKey).toString('base64url');
  const now = ctx.now();
  const cert = issueDeviceCert(
    {
      deviceId,
      walletId,
      operatorId: 'op_icbc',
      publicKey,
      tier,
      offline: options.offline ?? TIER_SPECS[tier].offline,
      validFrom: now - 60_000,
      validUntil: now + 365 * 86_400_000,
    },
    ctx.world.operators.get('op_icbc')!.signer,
  );
  await ctx.store.ensureAccounts([
    { id: `wallet:${walletId}`, book: 'ecny', kind: 'wallet', allowNegative: false },
  ]);
  await ctx.store.insertWallet(
    {
      walletId,
      operatorId: 'op_icbc',
      displayName: options.displayName ?? walletId,
      tier,
      phone: null,
      region: null,
      resident: false,
      merchant: null,
      createdAt: now,
    },
    { deviceId, walletId, publicKey, cert, revokedAt: null, revokedReason: null, createdAt: now },
  );
  const funded = await ctx.store.applyTransfers([
    {
      id: `fund:${walletId}`,
      debit: 'vault:op_icbc',
      credit: `wallet:${walletId}`,
      amount: options.fund ?? 50_000,
      kind: 'topup',
    },
  ]);
  expect(funded.ok).toBe(true);
  return { walletId, deviceId, signer, cert };
}
