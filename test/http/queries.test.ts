/**
 * Query strings over HTTP: a query a route cannot read is 400 INVALID_QUERY (its own code, so a
 * client can tell it from a bad body, which stays INVALID_BODY), naming the parameter at fault,
 * and nothing changes. A well-formed query is read as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWallet } from '../support/server';
import { codeOf, expectAuditClean, type RawResponse, raw, signedRaw } from './_helpers';

const issuesOf = (r: RawResponse) =>
  (r.json as { error: { details?: { path: string; message: string }[] } }).error.details ?? [];
const messageOf = (r: RawResponse) => (r.json as { error: { message: string } }).error.message;

describe('query strings', () => {
  let s: TestServer;
  let alice: TestWallet;
  let bob: TestWallet;
  let campaignId: string;
  let digest: string;
  beforeAll(async () => {
    s = await startTestServer();
    alice = await s.openWallet({ tier: 2, topUp: 10_000 });
    bob = await s.openWallet({ tier: 2 });
    await alice.client.pay(alice.walletId, bob.walletId, 1_000);
    const now = Date.now();
    const { campaign } = await s.admin.createCampaign({
      name: 'Query test',
      budget: 10_000,
      amount: 10_000,
      count: 1,
      registrationOpensAt: now - 1_000,
      registrationClosesAt: now + 60_000,
      eligibility: {},
      merchantRule: {},
      spendFrom: now + 60_000,
      spendUntil: now + 120_000,
      offlineTrialQuota: 0,
    });
    campaignId = campaign.campaignId;
    await alice.client.registerForCampaign(campaignId);
    digest = await s.ctx.store.ledgerDigest();
  });
  afterAll(async () => {
    // nothing refused here moved money
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    await expectAuditClean(s);
    await s.close();
  });

  it('a bad ?limit on the signed history is 400 INVALID_QUERY naming limit; a good one is read', async () => {
    const history = `/v1/wallets/${alice.walletId}/history`;
    for (const query of ['?limit=abc', '?limit=0', '?limit=501', '?limit=5&limit=6', '?limit=1e309']) {
      const r = await signedRaw(s, alice, 'GET', `${history}${query}`);
      expect([r.status, codeOf(r)], query).toEqual([400, 'INVALID_QUERY']);
      expect(messageOf(r), query).toMatch(/^invalid query: limit: /);
      expect(issuesOf(r).map((i) => i.path)).toEqual(['limit']);
    }
    const ok = await signedRaw(s, alice, 'GET', `${history}?limit=1`);
    expect(ok.status, ok.text).toBe(200);
    expect((ok.json as { entries: unknown[] }).entries).toHaveLength(1);
  });

  it('the public list queries are INVALID_QUERY too: fraud cases, campaign registrations', async () => {
    for (const path of [
      '/v1/fraud-cases?limit=0',
      '/v1/fraud-cases?limit=1001',
      `/v1/campaigns/${campaignId}/registrations?format=xml`,
      `/v1/campaigns/${campaignId}/registrations?limit=-1`,
      `/v1/campaigns/${campaignId}/registrations?after=${'a'.repeat(300)}`,
    ]) {
      const r = await raw(s, 'GET', path);
      expect([r.status, codeOf(r)], path).toEqual([400, 'INVALID_QUERY']);
    }
    const cases = await raw(s, 'GET', '/v1/fraud-cases?limit=5');
    expect([cases.status, (cases.json as { cases: unknown[] }).cases]).toEqual([200, []]);
    const page = await raw(s, 'GET', `/v1/campaigns/${campaignId}/registrations?limit=10`);
    expect(page.status, page.text).toBe(200);
    expect((page.json as { walletIds: string[] }).walletIds).toEqual([alice.walletId]);
  });

  it('the event stream: an unknown parameter, an oversized wallet id or a ticket without its wallet is INVALID_QUERY', async () => {
    const { ticket } = await bob.client.eventsTicket(bob.walletId);
    for (const query of ['?foo=1', `?wallet=${'w'.repeat(200)}`, `?ticket=${ticket}`, '?wallet=a&wallet=b']) {
      const r = await raw(s, 'GET', `/v1/events${query}`);
      expect([r.status, codeOf(r)], query).toEqual([400, 'INVALID_QUERY']);
    }
  });

  it('a bad body is still INVALID_BODY', async () => {
    const before = (await alice.client.wallet(alice.walletId)).wallet;
    const topup = `/v1/wallets/${alice.walletId}/topup`;
    const r = await signedRaw(
      s,
      alice,
      'POST',
      topup,
      JSON.stringify({ requestId: 'query-topup-01', amount: -5 }),
    );
    expect([r.status, codeOf(r)]).toEqual([400, 'INVALID_BODY']);
    expect(messageOf(r)).toMatch(/^invalid body: amount: /);
    const after = (await alice.client.wallet(alice.walletId)).wallet;
    expect([after.balance, after.bankBalance]).toEqual([before.balance, before.bankBalance]);
  });
});
