/**
 * Request bodies must be application/json: a body sent as text/plain, XML or with no type is 415
 * UNSUPPORTED_MEDIA_TYPE before authentication (it had been skipped by the parser: a signed call
 * then failed its signature, an unsigned one read as bodiless, and a draw ran without its options).
 * Routes that take no body or an optional one refuse junk bodies. Nothing refused changes the ledger.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWallet } from '../support/server';
import {
  codeOf,
  expectAuditClean,
  makeTransfer,
  type RawResponse,
  raw,
  sendNode,
  signedRaw,
} from './_helpers';

const SEC = 1000;

/** A POST whose body goes out chunked (Transfer-Encoding, no Content-Length). */
function chunked(s: TestServer, path: string, body: string, type: string): Promise<RawResponse> {
  return sendNode(s, 'POST', path, {
    headers: { 'content-type': type },
    chunks: [body.slice(0, 5), body.slice(5)],
  });
}

describe('content types and bodies', () => {
  let s: TestServer;
  let alice: TestWallet;
  let bob: TestWallet;
  const admin = () => ({ authorization: `Bearer ${s.ctx.adminToken}` });
  beforeAll(async () => {
    s = await startTestServer();
    alice = await s.openWallet({ tier: 2, topUp: 100_000 });
    bob = await s.openWallet({ tier: 2 });
  });
  afterEach(() => {
    s.ctx.now = Date.now;
  });
  afterAll(async () => {
    await expectAuditClean(s);
    await s.close();
  });

  it('a transfer sent as text/plain, XML, form data or with no type -> 415; nothing moves', async () => {
    const digest = await s.ctx.store.ledgerDigest();
    const body = JSON.stringify(makeTransfer(alice, bob.walletId, 100));
    for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', null]) {
      const headers: Record<string, string> = type === null ? {} : { 'content-type': type };
      // fetch gives a string body text/plain unless told; a Blob without a type sends none
      const res = await fetch(`${s.url}/v1/transfers`, {
        method: 'POST',
        headers,
        body: type === null ? new Blob([body]) : body,
      });
      expect(res.status, String(type)).toBe(415);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    const xml = await raw(s, 'POST', '/v1/wallets', {
      body: '<a/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect([xml.status, codeOf(xml)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const streamed = await chunked(s, '/v1/transfers', body, 'text/plain');
    expect([streamed.status, codeOf(streamed)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
  });

  it('JSON with parameters or in capitals is JSON; a chunked JSON body is read', async () => {
    for (const type of ['application/json; charset=utf-8', 'APPLICATION/JSON']) {
      const r = await raw(s, 'POST', '/v1/transfers', {
        body: JSON.stringify(makeTransfer(alice, bob.walletId, 1)),
        headers: { 'content-type': type },
      });
      expect(r.status, type).toBe(200);
    }
    const streamed = await chunked(
      s,
      '/v1/transfers',
      JSON.stringify(makeTransfer(alice, bob.walletId, 1)),
      'application/json',
    );
    expect(streamed.status).toBe(200);
    await expectAuditClean(s);
  });

  it('a signed call with a text/plain body is 415, not BAD_SIGNATURE; the balance stays', async () => {
    const before = (await alice.client.wallet(alice.walletId)).wallet;
    const path = `/v1/wallets/${alice.walletId}/topup`;
    const body = JSON.stringify({ requestId: 'ctype-topup-0001', amount: 500 });
    for (const type of ['text/plain', 'application/xml']) {
      const r = await signedRaw(s, alice, 'POST', path, body, { headers: { 'content-type': type } });
      expect([r.status, codeOf(r)], type).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    }
    // before authentication: an unsigned one is refused for its type too
    const unsigned = await raw(s, 'POST', path, { body, headers: { 'content-type': 'text/plain' } });
    expect(codeOf(unsigned)).toBe('UNSUPPORTED_MEDIA_TYPE');
    const after = (await alice.client.wallet(alice.walletId)).wallet;
    expect([after.balance, after.bankBalance]).toEqual([before.balance, before.bankBalance]);
  });

  it('a route whose body is required says so when none comes', async () => {
    const r = await raw(s, 'POST', '/v1/transfers');
    expect([r.status, codeOf(r)]).toEqual([400, 'INVALID_BODY']);
    expect(r.text).toContain('takes a JSON body');
  });

  it('draw: options sent as text/plain are refused (they had been dropped: the draw ran with credit=false); junk bodies are 400', async () => {
    const now = Date.now();
    const { campaign } = await s.admin.createCampaign({
      name: 'Content type draw',
      budget: 20_000,
      amount: 20_000,
      count: 1,
      registrationOpensAt: now - SEC,
      registrationClosesAt: now + 30 * SEC,
      eligibility: {},
      merchantRule: {},
      spendFrom: now + 30 * SEC,
      spendUntil: now + 60 * SEC,
      offlineTrialQuota: 0,
    });
    const id = campaign.campaignId;
    await alice.client.registerForCampaign(id);
    s.ctx.now = () => Date.now() + 31 * SEC;
    const drawPath = `/v1/campaigns/${id}/draw`;
    const digest = await s.ctx.store.ledgerDigest();
    const plain = await raw(s, 'POST', drawPath, {
      body: '{"credit":true}',
      headers: { ...admin(), 'content-type': 'text/plain' },
    });
    expect([plain.status, codeOf(plain)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    for (const body of ['[]', '{"credit":true,"extra":1}', '{"credit":"yes"}']) {
      const r = await raw(s, 'POST', drawPath, { body, headers: admin() });
      expect([r.status, codeOf(r)], body).toEqual([400, 'INVALID_BODY']);
    }
    const xmlAsJson = await raw(s, 'POST', drawPath, { body: '<a/>', headers: admin() });
    expect([xmlAsJson.status, codeOf(xmlAsJson)]).toEqual([400, 'MALFORMED_JSON']);
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    expect((await s.client.campaign(id)).campaign.drawn).toBe(false);
    // the options sent as JSON are read: the winner's envelope is opened at the draw
    const drawn = await raw(s, 'POST', drawPath, { body: '{"credit":true}', headers: admin() });
    expect(drawn.status, drawn.text).toBe(200);
    expect((drawn.json as { credited?: { credited: number } }).credited?.credited).toBe(1);
    const { balances } = await alice.client.restrictedBalances(alice.walletId);
    expect(balances.reduce((sum, b) => sum + b.amount, 0)).toBe(20_000);
    // reclaim takes no body: junk is 400 and changes nothing (the window is not over anyway)
    const reclaimDigest = await s.ctx.store.ledgerDigest();
    for (const body of ['[]', '{"all":true}']) {
      const r = await raw(s, 'POST', `/v1/campaigns/${id}/reclaim`, { body, headers: admin() });
      expect([r.status, codeOf(r)], body).toEqual([400, 'INVALID_BODY']);
    }
    const reclaimPlain = await raw(s, 'POST', `/v1/campaigns/${id}/reclaim`, {
      body: '{}',
      headers: { ...admin(), 'content-type': 'text/plain' },
    });
    expect(codeOf(reclaimPlain)).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await s.ctx.store.ledgerDigest()).toBe(reclaimDigest);
    await expectAuditClean(s);
  });

  it('lucky-money refund and the events ticket take no body: junk is 400, nothing changes', async () => {
    const { envelope } = await alice.client.createLuckyMoney({
      groupId: 'g_ctype',
      total: 3_000,
      shares: 3,
      mode: 'equal',
      expiresInSeconds: 30,
    });
    s.ctx.now = () => Date.now() + 31 * SEC;
    const digest = await s.ctx.store.ledgerDigest();
    const refundPath = `/v1/lucky/${envelope.envelopeId}/refund`;
    for (const body of ['[]', '{"to":"w_someone"}']) {
      const r = await raw(s, 'POST', refundPath, { body, headers: admin() });
      expect([r.status, codeOf(r)], body).toEqual([400, 'INVALID_BODY']);
    }
    const plain = await raw(s, 'POST', refundPath, {
      body: '{}',
      headers: { ...admin(), 'content-type': 'text/plain' },
    });
    expect(codeOf(plain)).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    s.ctx.now = Date.now;
    const ticketPath = `/v1/wallets/${alice.walletId}/events/ticket`;
    const junk = await signedRaw(s, alice, 'POST', ticketPath, '{"wallet":"w_other"}');
    expect([junk.status, codeOf(junk)]).toEqual([400, 'INVALID_BODY']);
    // the refund itself, with no body or an empty one
    s.ctx.now = () => Date.now() + 31 * SEC;
    const refunded = await raw(s, 'POST', refundPath, { headers: admin() });
    expect(refunded.status, refunded.text).toBe(200);
    const again = await raw(s, 'POST', refundPath, { body: '{}', headers: admin() });
    expect(again.status).toBe(200);
    s.ctx.now = Date.now;
    const ok = await signedRaw(s, alice, 'POST', ticketPath, '{}');
    expect(ok.status).toBe(200);
    await expectAuditClean(s);
  });
});
