/**
 * Red-envelope campaigns over real HTTP: funding, registration rules, the
 * verifiable draw (and its tampering), restricted funds (refusals,
 * restricted-first spending), reclaim with the audit, statistics and SSE.
 * Time moves by shifting ctx.now (less than the 2-minute signed-request
 * freshness window), so signed requests stay valid.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { verifyRemoteDraw } from '@ecny-sim/server/campaigns/verify-remote';
import {
  drawWinners,
  type EcnyClient,
  receiptBody,
  verifyDraw,
  verifySeedCommitment,
} from '@ecny-sim/wallet-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWallet } from '../support/server';
import { execSql } from '../support/sql';
import { codeOf, expectAuditClean, expectCode, makeTransfer, raw } from './_helpers';

type CreateCampaignInput = Parameters<EcnyClient['createCampaign']>[0];

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());
afterEach(() => {
  s.ctx.now = Date.now;
});

/** Moves the server clock `ms` ahead of the wall clock. */
function shift(ms: number): void {
  s.ctx.now = () => Date.now() + ms;
}

const SEC = 1000;

function terms(overrides: Partial<CreateCampaignInput> = {}): CreateCampaignInput {
  const now = Date.now();
  const closes = now + 30 * SEC;
  return {
    name: 'Shenzhen Luohu test',
    budget: 100_000,
    amount: 20_000,
    count: 2,
    registrationOpensAt: now - SEC,
    registrationClosesAt: closes,
    eligibility: {},
    merchantRule: { regions: ['Shenzhen'], mccs: ['5411'] },
    spendFrom: closes,
    spendUntil: closes + 30 * SEC,
    offlineTrialQuota: 0,
    ...overrides,
  };
}

async function merchant(region: string, mcc: string): Promise<TestWallet> {
  const w = await s.openWallet({ tier: 2 });
  await w.client.setMerchantProfile(w.walletId, { name: `Shop ${region}`, city: region, mcc, region });
  return w;
}

async function pay(from: TestWallet, to: string, amount: number, restrictedOnly = false) {
  const transfer = makeTransfer(from, to, amount);
  return raw(s, 'POST', '/v1/campaigns/pay', { body: JSON.stringify({ transfer, restrictedOnly }) });
}

async function restricted(w: TestWallet): Promise<number> {
  const { balances } = await w.client.restrictedBalances(w.walletId);
  return balances.reduce((sum, b) => sum + b.amount, 0);
}

async function own(w: TestWallet): Promise<number> {
  return (await w.client.wallet(w.walletId)).wallet.balance;
}

/** Reads the public SSE stream until an event of `type` matching `match` arrives. */
async function nextEvent(
  type: string,
  match: (data: Record<string, unknown>) => boolean,
  trigger: () => Promise<unknown>,
) {
  const controller = new AbortController();
  const res = await fetch(`${s.url}/v1/events`, { signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const found = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const ev = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (ev === type && data) {
          const parsed = JSON.parse(data) as Record<string, unknown>;
          if (match(parsed)) return parsed;
        }
        end = buffer.indexOf('\n\n');
      }
    }
  })();
  await trigger();
  try {
    return await found;
  } finally {
    controller.abort();
  }
}

describe('campaign creation', () => {
  it('funds the pool from an operator vault, commits the seed and keeps it secret', async () => {
    const before = await s.audit();
    const { campaign } = await s.admin.createCampaign(terms({ budget: 50_000 }));
    expect(campaign.commitment).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(campaign).not.toHaveProperty('seed');
    expect(campaign.poolBalance).toBe(50_000);
    expect(campaign.poolAccount).toBe(`pool:campaign:${campaign.campaignId}`);
    expect(campaign.merchantRule).toEqual({ regions: ['Shenzhen'], mccs: ['5411'] });
    const after = await s.audit();
    expect(after.byKind.pool! - (before.byKind.pool ?? 0)).toBe(50_000);
    expect(after.issued).toBe(before.issued);
    const draw = await raw(s, 'GET', `/v1/campaigns/${campaign.campaignId}/draw`);
    expect(draw.status).toBe(409);
    expect(codeOf(draw)).toBe('CAMPAIGN_NOT_DRAWN');
    expect(JSON.stringify((await s.client.campaigns()).campaigns)).not.toContain('"seed"');
    await expectAuditClean(s);
  });

  it('can issue the budget instead (issued grows, backed by reserves) and is idempotent by requestId', async () => {
    const before = await s.audit();
    const body = {
      ...terms(),
      funding: 'issue' as const,
      operatorId: 'op_ccb',
      requestId: 'campaign-issue-1',
    };
    const first = await s.admin.createCampaign(body);
    const again = await s.admin.createCampaign(body);
    expect(again.campaign.campaignId).toBe(first.campaign.campaignId);
    expect(again.campaign.commitment).toBe(first.campaign.commitment);
    const after = await s.audit();
    expect(after.issued - before.issued).toBe(100_000);
    await expectAuditClean(s);
  });

  it('refuses without the admin token and refuses prizes over the budget', async () => {
    const anonymous = await raw(s, 'POST', '/v1/campaigns', { body: JSON.stringify(terms()) });
    expect([anonymous.status, codeOf(anonymous)]).toEqual([401, 'ADMIN_TOKEN_REQUIRED']);
    await expectCode(s.admin.createCampaign(terms({ budget: 30_000 })), 'INVALID_BODY', 400);
    await expectCode(s.client.campaign('cp_nope'), 'CAMPAIGN_NOT_FOUND', 404);
  });
});

describe('registration', () => {
  it('enforces one registration per wallet, eligibility, the window and the offline-trial quota', async () => {
    const { campaign } = await s.admin.createCampaign(
      terms({ eligibility: { regions: ['Shenzhen'], residentsOnly: true }, offlineTrialQuota: 1 }),
    );
    const id = campaign.campaignId;
    const [a, b, far, visitor] = await Promise.all([
      s.openWallet({ region: 'Shenzhen', resident: true }),
      s.openWallet({ region: 'shenzhen ', resident: true }),
      s.openWallet({ region: 'Beijing', resident: true }),
      s.openWallet({ region: 'Shenzhen', resident: false }),
    ]);
    const first = await a.client.registerForCampaign(id, { offlineTrial: true });
    expect(first.registration.offlineTrial).toBe(true);
    const second = await b.client.registerForCampaign(id, { offlineTrial: true });
    expect(second.registration.offlineTrial).toBe(false); // quota of 1 taken
    await expectCode(a.client.registerForCampaign(id), 'ALREADY_REGISTERED', 409);
    await expectCode(far.client.registerForCampaign(id), 'CAMPAIGN_REGION', 403);
    await expectCode(visitor.client.registerForCampaign(id), 'CAMPAIGN_RESIDENCY', 403);
    const unsigned = await raw(s, 'POST', `/v1/campaigns/${id}/register`, { body: '{}' });
    expect([unsigned.status, codeOf(unsigned)]).toEqual([401, 'UNAUTHENTICATED']);

    const later = await s.admin.createCampaign(
      terms({ registrationOpensAt: Date.now() + 10 * SEC, registrationClosesAt: Date.now() + 20 * SEC }),
    );
    await expectCode(a.client.registerForCampaign(later.campaign.campaignId), 'CAMPAIGN_NOT_OPEN', 409);
    shift(31 * SEC);
    const late = await s.openWallet({ region: 'Shenzhen', resident: true });
    await expectCode(late.client.registerForCampaign(id), 'CAMPAIGN_CLOSED', 409);

    const page = await s.client.campaignRegistrations(id);
    expect(page.total).toBe(2);
    expect(page.walletIds).toEqual([a.walletId, b.walletId].sort());
    const stats = await s.client.campaignStats(id);
    expect(stats.registrants).toBe(2);
    expect(stats.offlineTrialPlaces).toBe(1);
  });
});

describe('the draw', () => {
  it('is published, recomputable from public data, and tampering is detected', async () => {
    const { campaign } = await s.admin.createCampaign(
      terms({
        prizes: [
          { amount: 20_000, count: 2 },
          { amount: 5_000, count: 3 },
        ],
        amount: undefined,
        count: undefined,
      }),
    );
    const id = campaign.campaignId;
    const wallets = await Promise.all(Array.from({ length: 12 }, () => s.openWallet()));
    await Promise.all(wallets.map((w) => w.client.registerForCampaign(id)));
    await expectCode(s.admin.drawCampaign(id), 'CAMPAIGN_NOT_CLOSED', 409);

    shift(31 * SEC);
    const progress = await nextEvent(
      'campaign.progress',
      (d) => d.campaignId === id && d.kind === 'drawn',
      () => s.admin.drawCampaign(id),
    );
    expect(progress).toMatchObject({ registrants: 12, winners: 5 });

    const published = await s.client.campaignDraw(id);
    expect(published.seed).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verifySeedCommitment(published.seed, campaign.commitment)).toBe(true);
    expect(published.winners.map((w) => w.amount)).toEqual([20_000, 20_000, 5_000, 5_000, 5_000]);
    expect(new Set(published.winners.map((w) => w.walletId)).size).toBe(5);

    // Anyone can recompute it from the registration list.
    const registrations = await s.client.allCampaignRegistrations(id, 5);
    expect(registrations).toHaveLength(12);
    expect(registrations).toEqual([...registrations].sort());
    const text = await raw(s, 'GET', `/v1/campaigns/${id}/registrations?format=text`);
    expect(text.text).toBe(`${registrations.join('\n')}\n`);
    const recomputed = drawWinners({ seed: published.seed, registrations, prizes: campaign.prizes });
    expect(recomputed.winners).toEqual(published.winners);
    expect(recomputed.listDigest).toBe(published.listDigest);

    // One registration more or less, or another seed, gives other winners.
    const changed = [...registrations.slice(1), 'w_someoneElse'];
    const other = drawWinners({ seed: published.seed, registrations: changed, prizes: campaign.prizes });
    expect(other.listDigest).not.toBe(published.listDigest);
    expect(other.winners.map((w) => w.walletId)).not.toEqual(published.winners.map((w) => w.walletId));
    const otherSeed = `${published.seed[0] === 'A' ? 'B' : 'A'}${published.seed.slice(1)}`;
    const reseeded = drawWinners({ seed: otherSeed, registrations, prizes: campaign.prizes });
    expect(reseeded.winners.map((w) => w.walletId)).not.toEqual(published.winners.map((w) => w.walletId));
    expect(
      verifyDraw({
        seed: otherSeed,
        commitment: campaign.commitment,
        registrations,
        winners: published.winners,
      }).ok,
    ).toBe(false);

    // The server's verification and the outsider's agree.
    expect((await s.client.verifyCampaign(id)).ok).toBe(true);
    expect((await verifyRemoteDraw(s.url, id)).ok).toBe(true);

    // Drawing again changes nothing.
    const again = await s.admin.drawCampaign(id);
    expect(again.winners).toEqual(published.winners);

    // A tampered winner list is detected by both.
    const loser = registrations.find((r) => !published.winners.some((w) => w.walletId === r))!;
    const original = published.winners[0]!.walletId;
    await execSql(
      s.ctx.store,
      'UPDATE campaign_winners SET wallet_id = ? WHERE campaign_id = ? AND rank = 1',
      loser,
      id,
    );
    try {
      const verdict = await s.client.verifyCampaign(id);
      expect(verdict.ok).toBe(false);
      expect(verdict.mismatches).toContainEqual(
        expect.objectContaining({ code: 'WINNER', rank: 1, expected: original, actual: loser }),
      );
      expect((await verifyRemoteDraw(s.url, id)).ok).toBe(false);
      const tampered = await s.client.campaignDraw(id);
      const local = verifyDraw({
        seed: tampered.seed,
        commitment: campaign.commitment,
        registrations,
        winners: tampered.winners,
        prizes: campaign.prizes,
      });
      expect(local.mismatches.map((m) => m.code)).toContain('WINNER');
      const cli = await run('npx', ['tsx', 'server/src/cli/verify-draw.ts', id, '--server', s.url], {
        cwd: ROOT,
      }).catch((e: { code: number; stdout: string }) => e);
      expect((cli as { code?: number }).code).toBe(1);
      expect(cli.stdout).toContain('DOES NOT VERIFY');
    } finally {
      await execSql(
        s.ctx.store,
        'UPDATE campaign_winners SET wallet_id = ? WHERE campaign_id = ? AND rank = 1',
        original,
        id,
      );
    }
    const cli = await run('npx', ['tsx', 'server/src/cli/verify-draw.ts', id, '--server', s.url], {
      cwd: ROOT,
    });
    expect(cli.stdout).toContain('VERIFIED');
  });

  it('with fewer registrations than prizes everyone wins and the rest stays unawarded', async () => {
    const { campaign } = await s.admin.createCampaign(terms({ count: 4, budget: 80_000 }));
    const wallets = await Promise.all([s.openWallet(), s.openWallet()]);
    await Promise.all(wallets.map((w) => w.client.registerForCampaign(campaign.campaignId)));
    shift(31 * SEC);
    const drawn = await s.admin.drawCampaign(campaign.campaignId, { credit: true });
    expect(drawn.winners).toHaveLength(2);
    expect(drawn.unawarded).toBe(2);
    expect(drawn.credited).toEqual({ credited: 2, amount: 40_000, refused: 0 });
    for (const w of wallets) expect(await restricted(w)).toBe(20_000);
    await expectAuditClean(s);
  });
});

describe('restricted funds', () => {
  it('are refused for persons, ineligible merchants, the bank and after expiry; spent first at eligible merchants; reclaimed', async () => {
    const { campaign } = await s.admin.createCampaign(terms({ budget: 60_000 }));
    const id = campaign.campaignId;
    const [w1, w2, outsider, person] = await Promise.all([
      s.openWallet(),
      s.openWallet(),
      s.openWallet(),
      s.openWallet(),
    ]);
    const shop = await merchant('Shenzhen', '5411');
    const otherShop = await merchant('Beijing', '5411');
    await w1.client.registerForCampaign(id);
    await w2.client.registerForCampaign(id);
    shift(31 * SEC);
    await s.admin.drawCampaign(id);

    await expectCode(outsider.client.claimCampaignPrize(id), 'CAMPAIGN_NOT_WINNER', 403);
    const opened = await w1.client.claimCampaignPrize(id);
    expect(opened).toMatchObject({ amount: 20_000, restrictedBalance: 20_000, duplicate: false });
    expect((await w1.client.claimCampaignPrize(id)).duplicate).toBe(true);
    expect(await restricted(w1)).toBe(20_000);
    await w2.client.claimCampaignPrize(id);

    // Refusals, with no own money to fall back on.
    let r = await pay(w1, person.walletId, 1_000);
    expect([r.status, codeOf(r)]).toEqual([422, 'RESTRICTED_PERSON']);
    r = await pay(w1, otherShop.walletId, 1_000);
    expect([r.status, codeOf(r)]).toEqual([422, 'RESTRICTED_MERCHANT']);
    await expectCode(w1.client.redeemOwnMoney(1_000), 'RESTRICTED_NOT_REDEEMABLE', 422);
    // The ordinary routes never touch restricted money.
    await expectCode(w1.client.redeem(w1.walletId, 1_000), 'INSUFFICIENT_FUNDS', 409);
    await expectCode(w1.client.pay(w1.walletId, person.walletId, 1_000), 'INSUFFICIENT_FUNDS', 409);
    expect(await restricted(w1)).toBe(20_000);

    // Restricted first at an eligible merchant, then own money, in one group.
    await w1.client.topUp(w1.walletId, 5_000);
    const small = await w1.client.payWithRestricted(w1.walletId, shop.walletId, 3_000);
    expect(small.fromRestricted).toEqual([{ campaignId: id, amount: 3_000 }]);
    expect(small.fromOwn).toBe(0);
    expect(small.receipt.amount).toBe(3_000);
    expect(small.balance).toBe(5_000);
    const big = await w1.client.payWithRestricted(w1.walletId, shop.walletId, 18_000);
    expect(big.fromRestricted).toEqual([{ campaignId: id, amount: 17_000 }]);
    expect(big.fromOwn).toBe(1_000);
    expect(await restricted(w1)).toBe(0);
    expect(await own(w1)).toBe(4_000);
    expect(await own(shop)).toBe(21_000);
    // A retry of the same signed transfer settles once.
    const retry = await w1.client.submitRestrictedPayment(big.transfer);
    expect(retry.receipt.ledgerSeq).toBe(big.receipt.ledgerSeq);
    expect(await own(shop)).toBe(21_000);
    // Both histories show each payment once, for its whole amount, with its receipt; the prize's
    // arrival in the red-envelope balance shows too.
    const payerHistory = (await w1.client.history(w1.walletId)).entries;
    const shopHistory = (await shop.client.history(shop.walletId)).entries;
    for (const [entries, direction] of [
      [payerHistory, 'out'],
      [shopHistory, 'in'],
    ] as const) {
      for (const paid of [small, big]) {
        const entry = entries.filter((e) => e.transferId === paid.transfer.transferId);
        expect(entry).toHaveLength(1);
        expect(entry[0]).toMatchObject({ direction, amount: paid.transfer.amount, kind: 'campaign_spend' });
        expect(receiptBody(entry[0]!.receipt!)).toEqual(receiptBody(paid.receipt));
      }
    }
    expect(payerHistory.filter((e) => e.kind === 'campaign_claim')).toMatchObject([
      { direction: 'in', amount: 20_000 },
    ]);
    // Own money still pays persons through this route.
    const toPerson = await w1.client.payWithRestricted(w1.walletId, person.walletId, 1_000);
    expect(toPerson.fromOwn).toBe(1_000);
    // "Pay with red envelope only" with nothing restricted left.
    r = await pay(w1, shop.walletId, 500, true);
    expect(codeOf(r)).toBe('INSUFFICIENT_FUNDS');

    await w2.client.payWithRestricted(w2.walletId, shop.walletId, 5_000);
    await expectCode(s.admin.reclaimCampaign(id), 'CAMPAIGN_NOT_EXPIRED', 409);

    // After the spending window.
    shift(61 * SEC);
    r = await pay(w2, shop.walletId, 1_000);
    expect([r.status, codeOf(r)]).toEqual([422, 'RESTRICTED_EXPIRED']);

    const stats = await nextEvent(
      'campaign.progress',
      (d) => d.campaignId === id && d.kind === 'reclaimed',
      async () => {
        const before = await s.audit();
        const reclaimed = await s.admin.reclaimCampaign(id);
        // w2's 15,000 unspent plus the 20,000 of budget no prize used.
        expect(reclaimed).toMatchObject({ reclaimedNow: 35_000, wallets: 1, reclaimed: 35_000 });
        const after = await s.audit();
        expect(before.issued - after.issued).toBe(35_000);
        expect(after.ok).toBe(true);
        expect(await restricted(w2)).toBe(0);
        const again = await s.admin.reclaimCampaign(id);
        expect(again).toMatchObject({ reclaimedNow: 0, reclaimed: 35_000 });
        expect((await s.audit()).issued).toBe(after.issued);
      },
    );
    expect(stats.amount).toBe(35_000);

    const figures = await s.client.campaignStats(id);
    expect(figures).toMatchObject({
      registrants: 2,
      winners: 2,
      claimed: 2,
      claimedAmount: 40_000,
      payments: 3,
      spent: 25_000,
      merchantsReached: 1,
      reclaimed: 35_000,
      poolBalance: 0,
      phase: 'ended',
    });
    await expectAuditClean(s);
  });

  it('a prize not opened before the window closes cannot be opened and goes back with the pool', async () => {
    const { campaign } = await s.admin.createCampaign(terms({ count: 1, budget: 20_000 }));
    const w = await s.openWallet();
    await w.client.registerForCampaign(campaign.campaignId);
    shift(31 * SEC);
    await s.admin.drawCampaign(campaign.campaignId);
    shift(61 * SEC);
    await expectCode(w.client.claimCampaignPrize(campaign.campaignId), 'RESTRICTED_EXPIRED', 422);
    const reclaimed = await s.admin.reclaimCampaign(campaign.campaignId);
    expect(reclaimed.reclaimedNow).toBe(20_000);
    await expectAuditClean(s);
  });
});

describe('the reclaim date', () => {
  /** Fixes the server clock at `at` (admin calls are not signed, so any time will do). */
  function clockAt(at: number): void {
    s.ctx.now = () => at;
  }

  it('with money left: the view carries reclaimedAt from the first reclaim, a later one keeps it', async () => {
    const { campaign } = await s.admin.createCampaign(terms({ count: 1, budget: 30_000 }));
    const id = campaign.campaignId;
    expect(campaign.reclaimedAt).toBeNull();
    const w = await s.openWallet();
    await w.client.registerForCampaign(id);
    shift(31 * SEC);
    await s.admin.drawCampaign(id);
    await w.client.claimCampaignPrize(id);
    const shop = await merchant('Shenzhen', '5411');
    await w.client.payWithRestricted(w.walletId, shop.walletId, 5_000);
    expect((await s.client.campaign(id)).campaign.reclaimedAt).toBeNull();

    const at = Date.now() + 61 * SEC;
    clockAt(at);
    const issuedBefore = (await s.audit()).issued;
    // 15,000 unspent by the winner and 10,000 of budget no prize used
    const first = await s.admin.reclaimCampaign(id);
    expect(first).toMatchObject({ reclaimedNow: 25_000, reclaimed: 25_000, reclaimedAt: at });
    expect(issuedBefore - (await s.audit()).issued).toBe(25_000);
    // read back from the store, alone and in the list
    const { campaign: view } = await s.client.campaign(id);
    expect(view).toMatchObject({ reclaimed: 25_000, reclaimedAt: at, poolBalance: 0, phase: 'ended' });
    const listed = (await s.client.campaigns()).campaigns.find((c) => c.campaignId === id);
    expect(listed?.reclaimedAt).toBe(at);

    expect(await restricted(w)).toBe(0);

    clockAt(at + 3_600_000);
    const again = await s.admin.reclaimCampaign(id);
    expect(again).toMatchObject({ reclaimedNow: 0, reclaimed: 25_000, reclaimedAt: at });
    expect((await s.client.campaign(id)).campaign.reclaimedAt).toBe(at);
    await expectAuditClean(s);
  });

  it('with nothing left (every fen spent): no ledger entry, yet the view says when it was reclaimed', async () => {
    const { campaign } = await s.admin.createCampaign(terms({ count: 1, budget: 20_000 }));
    const id = campaign.campaignId;
    const w = await s.openWallet();
    await w.client.registerForCampaign(id);
    shift(31 * SEC);
    await s.admin.drawCampaign(id);
    await w.client.claimCampaignPrize(id);
    const shop = await merchant('Shenzhen', '5411');
    const paid = await w.client.payWithRestricted(w.walletId, shop.walletId, 20_000);
    expect(paid.fromRestricted).toEqual([{ campaignId: id, amount: 20_000 }]);
    expect(await restricted(w)).toBe(0);

    const at = Date.now() + 61 * SEC;
    clockAt(at);
    const digest = await s.ctx.store.ledgerDigest();
    const issued = (await s.audit()).issued;
    const reclaimed = await s.admin.reclaimCampaign(id);
    expect(reclaimed).toMatchObject({ reclaimedNow: 0, wallets: 0, reclaimed: 0, reclaimedAt: at });
    // nothing moved: the date is the only trace
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    expect((await s.audit()).issued).toBe(issued);
    const { campaign: view } = await s.client.campaign(id);
    expect(view).toMatchObject({ reclaimed: 0, reclaimedAt: at, poolBalance: 0 });
    expect(await own(shop)).toBe(20_000);
    await expectAuditClean(s);
  });
});
