/**
 * A revoked device's own calls are refused with 403 DEVICE_REVOKED, and the answer says when and
 * why: `details: {revokedAt, reason}` (the reason recorded at revocation). Only the
 * device itself is told: a merchant charging its payment code gets the refusal without them.
 * Nothing refused moves money.
 */
import {
  createPaymentCode,
  DeviceRevokedDetailsSchema,
  type EcnyError,
  ErrorEnvelopeSchema,
} from '@ecny-sim/wallet-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWallet } from '../support/server';
import { balanceOf, codeOf, expectAuditClean, expectCode, makeTransfer, raw, signedRaw } from './_helpers';

/** The error details a typed-client call failed with (the client keeps them under `details`). */
function detailsOf(e: EcnyError): unknown {
  return (e.details as { details?: unknown }).details;
}

describe('DEVICE_REVOKED answers', () => {
  let s: TestServer;
  let alice: TestWallet;
  let bob: TestWallet;
  let shop: TestWallet;
  let revokedAt: number;
  beforeAll(async () => {
    s = await startTestServer();
    alice = await s.openWallet({ tier: 2, topUp: 10_000 });
    bob = await s.openWallet({ tier: 2 });
    shop = await s.openWallet({ tier: 2 });
    await shop.client.setMerchantProfile(shop.walletId, {
      name: 'Corner shop',
      city: 'Shenzhen',
      mcc: '5411',
      region: 'Shenzhen',
    });
    revokedAt = Date.now() - 5_000;
    await s.ctx.store.revokeDevice(alice.deviceId, 'reported lost by the holder', revokedAt);
  });
  afterAll(async () => {
    await expectAuditClean(s);
    await s.close();
  });

  it("a signed call of the revoked device names when and why (the device's own request)", async () => {
    const r = await signedRaw(s, alice, 'GET', `/v1/wallets/${alice.walletId}`);
    expect([r.status, codeOf(r)]).toEqual([403, 'DEVICE_REVOKED']);
    const envelope = ErrorEnvelopeSchema.parse(r.json);
    expect(DeviceRevokedDetailsSchema.parse(envelope.error.details)).toEqual({
      revokedAt,
      reason: 'reported lost by the holder',
    });
    // the typed client carries them too
    const e = await expectCode(alice.client.topUp(alice.walletId, 500), 'DEVICE_REVOKED', 403);
    expect(detailsOf(e)).toEqual({ revokedAt, reason: 'reported lost by the holder' });
  });

  it('a transfer the revoked device signed: refused with the same details, nothing moves', async () => {
    const r = await raw(s, 'POST', '/v1/transfers', {
      body: JSON.stringify(makeTransfer(alice, bob.walletId, 100)),
    });
    expect([r.status, codeOf(r)]).toEqual([403, 'DEVICE_REVOKED']);
    expect((r.json as { error: { details: unknown } }).error.details).toEqual({
      revokedAt,
      reason: 'reported lost by the holder',
    });
    // paying a merchant's QR goes through the same check
    const { payload } = await s.client.staticQr(shop.walletId);
    const qr = await expectCode(
      alice.client.payQr(payload, makeTransfer(alice, shop.walletId, 100)),
      'DEVICE_REVOKED',
      403,
    );
    expect(detailsOf(qr)).toEqual({ revokedAt, reason: 'reported lost by the holder' });
    expect(await s.ctx.store.getBalance(`wallet:${alice.walletId}`)).toBe(10_000);
    expect(await balanceOf(bob)).toBe(0);
  });

  it("a merchant charging the revoked payer's payment code is refused without the payer's details", async () => {
    const { text } = createPaymentCode(
      { walletId: alice.walletId, deviceId: alice.deviceId, maxAmount: 5_000 },
      alice.signer,
    );
    const e = await expectCode(
      shop.client.chargePaymentCode(shop.walletId, text, 1_000),
      'DEVICE_REVOKED',
      403,
    );
    expect(detailsOf(e)).toBeUndefined();
    expect(await balanceOf(shop)).toBe(0);
  });

  it('a live device is not refused', async () => {
    expect((await bob.client.wallet(bob.walletId)).wallet.balance).toBe(0);
    expect((await shop.client.wallet(shop.walletId)).wallet.balance).toBe(0);
  });
});
