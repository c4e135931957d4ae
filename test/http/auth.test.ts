import {
  fromBase64Url,
  generateKeyPair,
  NobleSigner,
  REQUEST_FRESHNESS_MS,
  toBase64Url,
} from '@ecny-sim/wallet-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWallet } from '../support/server';
import { authHeaders, balanceOf, codeOf, expectAuditClean, makeTransfer, raw, signedRaw } from './_helpers';

/** Flips one bit of a base64url signature. */
function flipBit(sig: string, byte = 10, bit = 0): string {
  const bytes = fromBase64Url(sig);
  bytes[byte] = bytes[byte]! ^ (1 << bit);
  return toBase64Url(bytes);
}

describe('device-signed requests', () => {
  let s: TestServer;
  let alice: TestWallet;
  let bob: TestWallet;
  beforeAll(async () => {
    s = await startTestServer();
    alice = await s.openWallet({ tier: 2, topUp: 100_000 });
    bob = await s.openWallet({ tier: 2, topUp: 1_000 });
  });
  afterAll(() => s.close());

  const walletPath = () => `/v1/wallets/${alice.walletId}`;

  it('accepts a correctly signed request once and rejects its replay', async () => {
    const headers = authHeaders(alice, 'GET', walletPath(), '');
    const first = await raw(s, 'GET', walletPath(), { headers });
    expect(first.status).toBe(200);
    const again = await raw(s, 'GET', walletPath(), { headers });
    expect(again.status).toBe(401);
    expect(codeOf(again)).toBe('REPLAYED_REQUEST');
  });

  it('a replayed top-up is refused and moves no money', async () => {
    const path = `/v1/wallets/${alice.walletId}/topup`;
    const body = JSON.stringify({ requestId: 'replay-topup-0001', amount: 700 });
    const headers = authHeaders(alice, 'POST', path, body);
    const before = (await alice.client.wallet(alice.walletId)).wallet.balance;
    expect((await raw(s, 'POST', path, { body, headers })).status).toBe(200);
    const digest = await s.ctx.store.ledgerDigest();
    const replay = await raw(s, 'POST', path, { body, headers });
    expect(codeOf(replay)).toBe('REPLAYED_REQUEST');
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    expect((await alice.client.wallet(alice.walletId)).wallet.balance).toBe(before + 700);
    await expectAuditClean(s);
  });

  it('rejects timestamps outside the freshness window, in the past and in the future', async () => {
    for (const skew of [-(REQUEST_FRESHNESS_MS + 5_000), REQUEST_FRESHNESS_MS + 5_000]) {
      const r = await signedRaw(s, alice, 'GET', walletPath(), '', { timestamp: Date.now() + skew });
      expect(r.status).toBe(401);
      expect(codeOf(r)).toBe('STALE_REQUEST');
    }
    const ok = await signedRaw(s, alice, 'GET', walletPath(), '', { timestamp: Date.now() - 60_000 });
    expect(ok.status).toBe(200);
  });

  it('accepts only a canonical decimal timestamp: anything else is malformed, not stale', async () => {
    const timestamp = Date.now();
    // each is the signed timestamp (or no time at all) written another way
    for (const text of [
      'abc',
      'yesterday',
      `${timestamp}.0`,
      `+${timestamp}`,
      `0${timestamp}`,
      '1e12',
      '0x1',
      '-1',
    ]) {
      const headers = {
        ...authHeaders(alice, 'GET', walletPath(), '', { timestamp }),
        'x-ecny-timestamp': text,
      };
      const r = await raw(s, 'GET', walletPath(), { headers });
      expect([r.status, codeOf(r)], text).toEqual([401, 'UNAUTHENTICATED']);
      expect((r.json as { error: { message: string } }).error.message).toMatch(/malformed timestamp/);
    }
    const exact = await signedRaw(s, alice, 'GET', walletPath(), '', { timestamp });
    expect(exact.status).toBe(200);
  });

  it('rejects a bit-flipped signature, a forged one and a signature by another device key', async () => {
    const headers = authHeaders(alice, 'GET', walletPath(), '');
    const flipped = await raw(s, 'GET', walletPath(), {
      headers: { ...headers, 'x-ecny-signature': flipBit(headers['x-ecny-signature']!) },
    });
    expect(flipped.status).toBe(401);
    expect(codeOf(flipped)).toBe('BAD_SIGNATURE');

    const forged = await raw(s, 'GET', walletPath(), {
      headers: { ...authHeaders(alice, 'GET', walletPath(), ''), 'x-ecny-signature': 'A'.repeat(86) },
    });
    expect(codeOf(forged)).toBe('BAD_SIGNATURE');

    const notBase64 = await raw(s, 'GET', walletPath(), {
      headers: { ...authHeaders(alice, 'GET', walletPath(), ''), 'x-ecny-signature': '!!!' },
    });
    expect(codeOf(notBase64)).toBe('BAD_SIGNATURE');

    // Bob's key signing as Alice's device
    const otherKey = await signedRaw(s, alice, 'GET', walletPath(), '', { signer: bob.signer });
    expect(codeOf(otherKey)).toBe('BAD_SIGNATURE');
    // a key nobody registered
    const stranger = new NobleSigner(generateKeyPair().secretKey);
    expect(codeOf(await signedRaw(s, alice, 'GET', walletPath(), '', { signer: stranger }))).toBe(
      'BAD_SIGNATURE',
    );
  });

  it('the signature covers method, path, query and body', async () => {
    const path = `/v1/wallets/${alice.walletId}/topup`;
    const body = JSON.stringify({ requestId: 'covered-0001', amount: 10 });
    const headers = authHeaders(alice, 'POST', path, body);
    const digest = await s.ctx.store.ledgerDigest();
    const otherBody = await raw(s, 'POST', path, {
      body: JSON.stringify({ requestId: 'covered-0001', amount: 10_000 }),
      headers,
    });
    expect(codeOf(otherBody)).toBe('BAD_SIGNATURE');
    const otherPath = await raw(s, 'POST', `/v1/wallets/${alice.walletId}/redeem`, { body, headers });
    expect(codeOf(otherPath)).toBe('BAD_SIGNATURE');
    const historyHeaders = authHeaders(alice, 'GET', `/v1/wallets/${alice.walletId}/history?limit=5`, '');
    const otherQuery = await raw(s, 'GET', `/v1/wallets/${alice.walletId}/history?limit=500`, {
      headers: historyHeaders,
    });
    expect(codeOf(otherQuery)).toBe('BAD_SIGNATURE');
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
  });

  it('refuses unsigned calls, unknown devices and malformed nonces', async () => {
    expect(codeOf(await raw(s, 'GET', walletPath()))).toBe('UNAUTHENTICATED');
    const unknown = await raw(s, 'GET', walletPath(), {
      headers: authHeaders({ deviceId: 'd_nosuchdevice', signer: alice.signer }, 'GET', walletPath(), ''),
    });
    expect(unknown.status).toBe(401);
    expect(codeOf(unknown)).toBe('UNAUTHENTICATED');
    const badNonce = await signedRaw(s, alice, 'GET', walletPath(), '', { nonce: 'a b' });
    expect(codeOf(badNonce)).toBe('UNAUTHENTICATED');
  });

  it('a device may act only on its own wallet (FORBIDDEN)', async () => {
    const digest = await s.ctx.store.ledgerDigest();
    const read = await signedRaw(s, bob, 'GET', walletPath());
    expect(read.status).toBe(403);
    expect(codeOf(read)).toBe('FORBIDDEN');
    const path = `/v1/wallets/${alice.walletId}/redeem`;
    const redeem = await signedRaw(
      s,
      bob,
      'POST',
      path,
      JSON.stringify({ requestId: 'steal-000001', amount: 1 }),
    );
    expect(codeOf(redeem)).toBe('FORBIDDEN');
    const kyc = await signedRaw(
      s,
      bob,
      'POST',
      `/v1/wallets/${alice.walletId}/kyc`,
      JSON.stringify({ tier: 4 }),
    );
    expect(codeOf(kyc)).toBe('FORBIDDEN');
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
  });
});

describe('device-signed transfers', () => {
  let s: TestServer;
  let alice: TestWallet;
  let bob: TestWallet;
  beforeAll(async () => {
    s = await startTestServer();
    alice = await s.openWallet({ tier: 2, topUp: 100_000 });
    bob = await s.openWallet({ tier: 2, topUp: 1_000 });
  });
  afterAll(() => s.close());

  async function post(body: unknown) {
    return raw(s, 'POST', '/v1/transfers', { body: JSON.stringify(body) });
  }

  it('refuses a bit-flipped, a forged and an edited transfer with BAD_SIGNATURE and moves nothing', async () => {
    const t = makeTransfer(alice, bob.walletId, 500);
    const carol = await s.openWallet();
    const digest = await s.ctx.store.ledgerDigest();
    for (const bit of [0, 3, 7]) {
      const r = await post({ ...t, sig: flipBit(t.sig, 40, bit) });
      expect(r.status).toBe(401);
      expect(codeOf(r)).toBe('BAD_SIGNATURE');
    }
    expect(codeOf(await post({ ...t, sig: 'A'.repeat(86) }))).toBe('BAD_SIGNATURE');
    expect(codeOf(await post({ ...t, amount: 50_000 }))).toBe('BAD_SIGNATURE');
    expect(codeOf(await post({ ...t, to: carol.walletId }))).toBe('BAD_SIGNATURE');
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    // the genuine one still goes through afterwards
    expect((await post(t)).status).toBe(200);
    await expectAuditClean(s);
  });

  it('a settled transfer resent with a forged signature, or its id under a forged one, is refused as forged on every route', async () => {
    const carol = await s.openWallet({ tier: 2 });
    const viaSingle = makeTransfer(alice, carol.walletId, 120);
    const viaCampaignPay = makeTransfer(alice, carol.walletId, 130);
    expect((await post(viaSingle)).status).toBe(200);
    expect(
      (await raw(s, 'POST', '/v1/campaigns/pay', { body: JSON.stringify({ transfer: viaCampaignPay }) }))
        .status,
    ).toBe(200);
    const digest = await s.ctx.store.ledgerDigest();
    for (const settled of [viaSingle, viaCampaignPay]) {
      const forgedCopy = { ...settled, sig: 'A'.repeat(86) };
      // The id of a settled transfer under other content and a signature that does not verify.
      const forgedId = { ...makeTransfer(alice, carol.walletId, 999), transferId: settled.transferId };
      for (const t of [forgedCopy, forgedId]) {
        const single = await post(t);
        expect([single.status, codeOf(single)]).toEqual([401, 'BAD_SIGNATURE']);
        const pay = await raw(s, 'POST', '/v1/campaigns/pay', { body: JSON.stringify({ transfer: t }) });
        expect([pay.status, codeOf(pay)]).toEqual([401, 'BAD_SIGNATURE']);
        const batch = await raw(s, 'POST', '/v1/transfers/batch', {
          body: JSON.stringify({ transfers: [t] }),
        });
        expect(batch.json).toMatchObject({
          batch: null,
          results: [{ ok: false, error: { code: 'BAD_SIGNATURE' } }],
        });
      }
      // The genuine copy is still answered from the ledger on each route.
      expect((await post(settled)).status).toBe(200);
    }
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    expect(await balanceOf(carol)).toBe(250);
    await expectAuditClean(s);
  });

  it('refuses a transfer signed by another device key', async () => {
    const digest = await s.ctx.store.ledgerDigest();
    // Bob's key signs a transfer claiming to come from Alice's device
    const t = makeTransfer(
      { walletId: alice.walletId, deviceId: alice.deviceId, signer: bob.signer },
      bob.walletId,
      500,
    );
    const r = await post(t);
    expect(codeOf(r)).toBe('BAD_SIGNATURE');
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
  });

  it('refuses a transfer from a wallet the signing device does not belong to (FORBIDDEN)', async () => {
    const digest = await s.ctx.store.ledgerDigest();
    // Bob's own device, validly signed, but paying out of Alice's wallet
    const t = makeTransfer(bob, bob.walletId, 500, { from: alice.walletId });
    const r = await post(t);
    expect(r.status).toBe(403);
    expect(codeOf(r)).toBe('FORBIDDEN');
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
  });

  it('refuses stale and future transfers, and unknown devices', async () => {
    const digest = await s.ctx.store.ledgerDigest();
    const old = makeTransfer(alice, bob.walletId, 10, { createdAt: Date.now() - 10 * 60_000 });
    expect(codeOf(await post(old))).toBe('STALE_REQUEST');
    const future = makeTransfer(alice, bob.walletId, 10, { createdAt: Date.now() + 10 * 60_000 });
    expect(codeOf(await post(future))).toBe('STALE_REQUEST');
    const ghost = makeTransfer(alice, bob.walletId, 10, { deviceId: 'd_ghostdevice' });
    expect(codeOf(await post(ghost))).toBe('UNAUTHENTICATED');
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    await expectAuditClean(s);
  });
});
