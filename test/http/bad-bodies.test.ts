import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWallet } from '../support/server';
import { codeOf, expectAuditClean, makeTransfer, raw, signedRaw } from './_helpers';

describe('bad request bodies are refused with a code and change nothing', () => {
  let s: TestServer;
  let alice: TestWallet;
  let bob: TestWallet;
  let shop: TestWallet;
  let digest: string;
  beforeAll(async () => {
    s = await startTestServer();
    alice = await s.openWallet({ tier: 2, topUp: 100_000 });
    bob = await s.openWallet({ tier: 2 });
    shop = await s.openWallet({ tier: 2 });
    digest = await s.ctx.store.ledgerDigest();
  });
  afterAll(async () => {
    // nothing in this file may have moved money
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    await expectAuditClean(s);
    await s.close();
  });

  const valid = () => makeTransfer(alice, bob.walletId, 100) as unknown as Record<string, unknown>;
  const postTransfer = (body: string, headers?: Record<string, string>) =>
    raw(s, 'POST', '/v1/transfers', { body, ...(headers ? { headers } : {}) });

  it.each([
    ['a negative amount', { amount: -100 }],
    ['a zero amount', { amount: 0 }],
    ['a fractional amount', { amount: 10.5 }],
    ['an amount above MAX_FEN', { amount: 1e16 }],
    ['an amount above 2^53', { amount: 2 ** 53 + 2 }],
    ['an amount as text', { amount: '100' }],
    ['an exponent amount beyond safe integers', { amount: 1e300 }],
    ['an extra field', { extra: 1 }],
    ['a missing signature', { sig: undefined }],
    ['a short signature', { sig: 'abc' }],
    ['a malformed wallet id', { to: 'not an id' }],
    ['a short transfer id', { transferId: 'abc' }],
    ['a memo with control characters', { memo: 'a\u0000b' }],
    ['a timestamp as text', { createdAt: '2024-01-01' }],
  ])('POST /v1/transfers with %s -> INVALID_BODY', async (_name, patch) => {
    const body = { ...valid(), ...patch };
    const r = await postTransfer(JSON.stringify(body));
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('INVALID_BODY');
    expect((r.json as { error: { message: string } }).error.message.length).toBeGreaterThan(0);
  });

  it('an amount written as a huge literal never reaches the ledger', async () => {
    const text = JSON.stringify(valid()).replace(/"amount":100/, '"amount":100000000000000000000000000');
    const r = await postTransfer(text);
    expect(codeOf(r)).toBe('INVALID_BODY');
  });

  it('a __proto__ key (and constructor / prototype) is refused, not merged', async () => {
    const text = JSON.stringify(valid()).replace(/^\{/, '{"__proto__":{"amount":1,"isAdmin":true},');
    const r = await postTransfer(text);
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('INVALID_BODY');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    for (const key of ['constructor', 'prototype']) {
      const t = JSON.stringify(valid()).replace(/^\{/, `{"${key}":{"x":1},`);
      expect(codeOf(await postTransfer(t))).toBe('INVALID_BODY');
    }
    const path = `/v1/wallets/${alice.walletId}/topup`;
    const topup = '{"__proto__":{"x":1},"requestId":"proto-topup-01","amount":100}';
    expect(codeOf(await signedRaw(s, alice, 'POST', path, topup))).toBe('INVALID_BODY');
  });

  it.each([
    ['an array', '[]'],
    ['an empty object', '{}'],
  ])('POST /v1/transfers with %s as body -> INVALID_BODY', async (_name, body) => {
    const r = await postTransfer(body);
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('INVALID_BODY');
  });

  it.each([
    ['truncated JSON', '{"amount": '],
    ['single quotes', "{'amount': 1}"],
    ['a trailing comma', '{"amount": 1,}'],
    ['NaN', '{"amount": NaN}'],
  ])('POST /v1/transfers with %s -> MALFORMED_JSON, not valid JSON', async (_name, body) => {
    const r = await postTransfer(body);
    expect([r.status, codeOf(r)]).toEqual([400, 'MALFORMED_JSON']);
    expect((r.json as { error: { message: string } }).error.message).toBe('the body is not valid JSON');
  });

  it.each([
    // strict JSON bodies: only an object or an array at the top; these are JSON all the same
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"transfer"'],
    ['true', 'true'],
  ])('POST /v1/transfers with %s -> MALFORMED_JSON, which says an object is needed', async (_name, body) => {
    const r = await postTransfer(body);
    expect([r.status, codeOf(r)]).toEqual([400, 'MALFORMED_JSON']);
    expect((r.json as { error: { message: string } }).error.message).toBe(
      'the body must be a JSON object (or array where a route takes one)',
    );
  });

  it('a body over the limit -> BODY_TOO_LARGE (64 kB; 2 MB on the batch endpoint)', async () => {
    const big = JSON.stringify({ ...valid(), memo: 'x'.repeat(70_000) });
    const r = await postTransfer(big);
    expect(r.status).toBe(413);
    expect(codeOf(r)).toBe('BODY_TOO_LARGE');
    const hugeBatch = JSON.stringify({ transfers: [{ memo: 'x'.repeat(2_200_000) }] });
    const b = await raw(s, 'POST', '/v1/transfers/batch', { body: hugeBatch });
    expect(b.status).toBe(413);
    expect(codeOf(b)).toBe('BODY_TOO_LARGE');
  });

  it('a body that is not JSON by content type is refused -> 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const r = await postTransfer(JSON.stringify(valid()), { 'content-type': 'text/plain' });
    expect([r.status, codeOf(r)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('signed wallet calls validate their bodies too', async () => {
    const path = `/v1/wallets/${alice.walletId}/topup`;
    for (const body of [
      { requestId: 'bad-topup-0001', amount: -5 },
      { requestId: 'bad-topup-0002', amount: 0.5 },
      { requestId: 'bad-topup-0003', amount: 1e16 },
      { requestId: 'bad-topup-0004', amount: 5, extra: true },
      { requestId: 'no', amount: 5 },
      { amount: 5 },
    ]) {
      const r = await signedRaw(s, alice, 'POST', path, JSON.stringify(body));
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(codeOf(r)).toBe('INVALID_BODY');
    }
    const malformed = await signedRaw(s, alice, 'POST', path, '{"requestId":');
    expect(codeOf(malformed)).toBe('MALFORMED_JSON');
    const kyc = await signedRaw(
      s,
      alice,
      'POST',
      `/v1/wallets/${alice.walletId}/kyc`,
      JSON.stringify({ tier: 5 }),
    );
    expect(codeOf(kyc)).toBe('INVALID_BODY');
  });

  it('a registration with bad fields is refused', async () => {
    for (const body of [
      {},
      { operatorId: 'op_icbc', tier: 7, displayName: 'x' },
      { tier: 4, displayName: '' },
    ]) {
      const r = await raw(s, 'POST', '/v1/wallets', { body: JSON.stringify(body) });
      expect(codeOf(r)).toBe('INVALID_BODY');
    }
  });

  it('the batch endpoint refuses an empty list, more than 1,000 items and extra fields', async () => {
    for (const body of [
      { transfers: [] },
      { transfers: Array.from({ length: 1_001 }, () => ({})) },
      { transfers: [valid()], extra: 1 },
      { items: [valid()] },
    ]) {
      const r = await raw(s, 'POST', '/v1/transfers/batch', { body: JSON.stringify(body) });
      expect(r.status).toBe(400);
      expect(codeOf(r)).toBe('INVALID_BODY');
    }
  });

  it.each([
    ['a lone high surrogate', 'Shop \ud800'],
    ['a lone low surrogate', '\udc00 Shop'],
    ['a C1 control character', 'Shop\u0085'],
  ])('text with %s is refused on every route that takes text, and nothing is kept', async (_name, text) => {
    const setProfile = (profile: Record<string, string>) =>
      signedRaw(s, shop, 'PUT', `/v1/wallets/${shop.walletId}/merchant`, JSON.stringify(profile));
    const profile = { name: text, city: 'Shenzhen', mcc: '5812', region: 'Shenzhen' };
    const profileBefore = (await shop.client.wallet(shop.walletId)).wallet.merchant;
    const merchant = await setProfile(profile);
    const lucky = await signedRaw(
      s,
      alice,
      'POST',
      '/v1/lucky',
      JSON.stringify({ groupId: 'g_text', total: 100, shares: 1, mode: 'equal', memo: text }),
    );
    const now = Date.now();
    const campaign = await raw(s, 'POST', '/v1/campaigns', {
      headers: { authorization: `Bearer ${s.ctx.adminToken}` },
      body: JSON.stringify({
        name: text,
        budget: 1_000,
        amount: 1_000,
        count: 1,
        registrationOpensAt: now,
        registrationClosesAt: now + 60_000,
        eligibility: {},
        merchantRule: {},
        spendFrom: now + 60_000,
        spendUntil: now + 120_000,
        offlineTrialQuota: 0,
      }),
    });
    const transfer = await postTransfer(JSON.stringify({ ...valid(), memo: text }));
    for (const r of [merchant, lucky, campaign, transfer]) {
      expect([r.status, codeOf(r)], r.text).toEqual([400, 'INVALID_BODY']);
    }
    expect((await shop.client.wallet(shop.walletId)).wallet.merchant).toEqual(profileBefore);
    expect((await s.client.campaigns()).campaigns).toHaveLength(0);
    // A surrogate pair (an emoji) is text.
    expect((await setProfile({ ...profile, name: 'Shop 🧧' })).status).toBe(200);
    expect((await shop.client.wallet(shop.walletId)).wallet.merchant?.name).toBe('Shop 🧧');
  });

  it('unknown routes answer NOT_FOUND in the error envelope', async () => {
    const r = await raw(s, 'GET', '/v1/nope');
    expect(r.status).toBe(404);
    expect(codeOf(r)).toBe('NOT_FOUND');
  });
});
