/**
 * Restricted campaign money offline, over real HTTP (issue 5): an
 * offline-trial winner loads restricted coins naming the campaign's
 * merchants, pays an eligible merchant by touch, the merchant syncs and
 * deposits; the same coins are refused at an ineligible merchant by the
 * payer's secure element, by the payee's verification when the payer's
 * element is tampered, and by reconciliation when the payee colludes; coins
 * still outstanding after the window are reclaimed. Every money-moving test
 * ends with a clean audit. Time moves by shifting ctx.now (under the 2-minute
 * signed-request freshness window); the offline wallets follow the server clock.
 */
import {
  type EcnyClient,
  type Issue,
  MemoryKeyValue,
  OfflineWallet,
  SecureElement,
  type SecureElementLike,
  TamperedSecureElement,
  touchPay,
  WalletStore,
} from '@ecny-sim/wallet-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWallet } from '../support/server';
import { balanceOf, expectAuditClean, expectCode } from './_helpers';

type CreateCampaignInput = Parameters<EcnyClient['createCampaign']>[0];

const SEC = 1000;
const SUZHOU = { name: 'Suzhou Noodles', city: 'Suzhou', mcc: '5812', region: 'Suzhou' };
const BEIJING = { name: 'Beijing Duck', city: 'Beijing', mcc: '5812', region: 'Beijing' };

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());
afterEach(() => {
  s.ctx.now = Date.now;
});

/** Moves the server clock (and the offline wallets' clock) `ms` ahead of the wall clock. */
function shift(ms: number): void {
  s.ctx.now = () => Date.now() + ms;
}

interface Phone {
  wallet: TestWallet;
  offline: OfflineWallet;
}

function phone(wallet: TestWallet, options: { tampered?: boolean; colluding?: boolean } = {}): Phone {
  const seOptions = { signer: wallet.signer, cert: wallet.deviceCert, now: s.ctx.now() };
  const se: SecureElementLike = options.tampered
    ? new TamperedSecureElement({ ...seOptions, ignoreRestrictions: true })
    : new SecureElement(seOptions);
  const offline = new OfflineWallet({
    se,
    store: new WalletStore(new MemoryKeyValue()),
    trust: s.ctx.world.trust,
    verifier: s.ctx.verifier,
    clock: () => s.ctx.now(),
    // A colluding payee takes any coin (its own checks switched off).
    ...(options.colluding ? { policy: () => null } : {}),
  });
  return { wallet, offline };
}

async function merchant(info: typeof SUZHOU): Promise<TestWallet> {
  const w = await s.openWallet({ tier: 2 });
  await w.client.setMerchantProfile(w.walletId, info);
  return w;
}

async function restricted(w: TestWallet): Promise<number> {
  const { balances } = await w.client.restrictedBalances(w.walletId);
  return balances.reduce((sum, b) => sum + b.amount, 0);
}

interface LoadResponse {
  campaignId: string;
  amount: number;
  coins: Issue[];
  duplicate: boolean;
  restriction: { campaignId: string; merchants: string[] };
}

function loadRestricted(
  w: TestWallet,
  campaignId: string,
  amount: number,
  options: { requestId?: string; denominations?: number[] } = {},
): Promise<LoadResponse> {
  return w.client.request<LoadResponse>('POST', `/campaigns/${campaignId}/load`, {
    body: {
      requestId: options.requestId ?? `ld_${Math.random().toString(36).slice(2)}`,
      amount,
      ...(options.denominations ? { denominations: options.denominations } : {}),
    },
    auth: 'device',
  });
}

const offlineRestricted = async (campaignId: string) =>
  (await s.ctx.store.getBalance(`offline-restricted:op_icbc:${campaignId}`)) ?? 0;

/**
 * A drawn campaign (¥200 prizes, spending window from +30 s to +90 s of now)
 * whose merchants are the Suzhou restaurants; `winners` registered with an
 * offline-trial place (and `plain` without), claimed, clock at +31 s.
 */
async function drawnCampaign(winners: number, plain = 0) {
  const now = Date.now();
  const closes = now + 30 * SEC;
  const terms: CreateCampaignInput = {
    name: 'Suzhou offline trial',
    budget: 20_000 * (winners + plain),
    amount: 20_000,
    count: winners + plain,
    registrationOpensAt: now - SEC,
    registrationClosesAt: closes,
    eligibility: {},
    merchantRule: { regions: ['Suzhou'], mccs: ['5812'] },
    spendFrom: closes,
    spendUntil: closes + 60 * SEC,
    offlineTrialQuota: winners,
  };
  const { campaign } = await s.admin.createCampaign(terms);
  const trial = await Promise.all(Array.from({ length: winners }, () => s.openWallet()));
  const others = await Promise.all(Array.from({ length: plain }, () => s.openWallet()));
  for (const w of trial) {
    const { registration } = await w.client.registerForCampaign(campaign.campaignId, { offlineTrial: true });
    expect(registration.offlineTrial).toBe(true);
  }
  for (const w of others) await w.client.registerForCampaign(campaign.campaignId);
  shift(31 * SEC);
  await s.admin.drawCampaign(campaign.campaignId);
  for (const w of [...trial, ...others]) await w.client.claimCampaignPrize(campaign.campaignId);
  return { id: campaign.campaignId, spendUntil: terms.spendUntil, trial, others };
}

describe('restricted coins offline', () => {
  it('a trial winner loads restricted coins, pays an eligible merchant by touch; the merchant syncs and deposits', async () => {
    const shop = await merchant(SUZHOU);
    await merchant(BEIJING);
    const { id, spendUntil, trial, others } = await drawnCampaign(1, 1);
    const winner = trial[0]!;

    // Only offline-trial winners, only after opening the envelope, only what they hold.
    await expectCode(loadRestricted(others[0]!, id, 1_000), 'CAMPAIGN_NOT_OFFLINE_TRIAL', 403);
    await expectCode(loadRestricted(shop, id, 1_000), 'CAMPAIGN_NOT_OFFLINE_TRIAL', 403);
    await expectCode(loadRestricted(winner, id, 20_001), 'INSUFFICIENT_FUNDS', 409);

    const loaded = await loadRestricted(winner, id, 15_000, { requestId: 'ld_trial-1' });
    expect(loaded.restriction).toEqual({ campaignId: id, merchants: [shop.walletId] });
    expect(loaded.coins.reduce((x, c) => x + c.amount, 0)).toBe(15_000);
    for (const c of loaded.coins) {
      expect(c.restriction).toEqual({ campaignId: id, merchants: [shop.walletId] });
      expect(c.expiresAt).toBe(spendUntil - 1);
    }
    const again = await loadRestricted(winner, id, 15_000, { requestId: 'ld_trial-1' });
    expect(again.duplicate).toBe(true);
    expect(again.coins).toEqual(loaded.coins);
    // The same request id on the ordinary load route is another load.
    await expectCode(
      winner.client.loadToDevice(winner.walletId, 15_000, { requestId: 'ld_trial-1' }),
      'IDEMPOTENCY_CONFLICT',
      409,
    );
    expect(await restricted(winner)).toBe(5_000);
    expect(await balanceOf(winner)).toBe(0);
    expect(await offlineRestricted(id)).toBe(15_000);
    await expectAuditClean(s);

    const payer = phone(winner);
    const shopPhone = phone(shop);
    await payer.offline.load(loaded.coins);
    expect(await payer.offline.balances()).toMatchObject({ restricted: 15_000, offline: 0 });

    const paid = await touchPay({
      payer: payer.offline,
      payee: shopPhone.offline,
      amount: 8_000,
      merchant: SUZHOU,
    });
    expect(paid.payer.error ?? null).toBeNull();
    expect(paid.payee.state).toBe('completed');
    expect(await shopPhone.offline.balances()).toMatchObject({ restricted: 8_000 });

    const synced = await shop.client.sync(shop.deviceId, await shopPhone.offline.outbox());
    expect(synced.verdicts.map((v) => v.status)).toEqual(['accepted']);
    await shopPhone.offline.applySync(synced);
    const payerSync = await winner.client.sync(winner.deviceId, await payer.offline.outbox());
    expect(payerSync.verdicts.map((v) => v.status)).toEqual(['already_known']);

    // The merchant is paid: its deposit credits its online wallet.
    const shopBefore = await balanceOf(shop);
    const dep = await shop.client.depositFromWallet(shopPhone.offline, {
      issuerPublicKey: s.ctx.world.issuerPublicKey,
    });
    expect(dep.results.map((r) => r.status)).toEqual(dep.body.spends.map(() => 'deposited'));
    expect(await balanceOf(shop)).toBe(shopBefore + 8_000);
    expect(await offlineRestricted(id)).toBe(7_000);

    // The winner's own coins (the change) go back to its restricted balance, not its money.
    const back = await winner.client.depositFromWallet(payer.offline, {
      issuerPublicKey: s.ctx.world.issuerPublicKey,
    });
    expect(back.results.every((r) => r.status === 'deposited')).toBe(true);
    expect(await restricted(winner)).toBe(12_000);
    expect(await balanceOf(winner)).toBe(0);
    expect(await offlineRestricted(id)).toBe(0);
    await expectAuditClean(s);
  });

  it('are refused at an ineligible merchant: by the payer element, by the payee, and by reconciliation', async () => {
    await merchant(SUZHOU);
    const elsewhere = await merchant(BEIJING);
    const accomplice = await merchant(BEIJING);
    const { id, trial } = await drawnCampaign(2);
    const [honest, cheat] = trial as [TestWallet, TestWallet];

    // The honest winner's secure element refuses (selection leaves the coins out first).
    const honestLoad = await loadRestricted(honest, id, 10_000);
    const hp = phone(honest);
    await hp.offline.load(honestLoad.coins);
    const ep = phone(elsewhere);
    const plain = await touchPay({ payer: hp.offline, payee: ep.offline, amount: 3_000, merchant: BEIJING });
    expect(plain.payer.error?.code).toBe('INSUFFICIENT_OFFLINE_FUNDS');
    // Claiming to be an eligible Suzhou shop does not help: the coin names merchant wallet ids.
    const lying = await touchPay({
      payer: hp.offline,
      payee: ep.offline,
      amount: 3_000,
      merchant: SUZHOU,
      ignoreRestrictions: true,
    });
    expect(lying.payer.error?.code).toBe('COIN_RESTRICTED');
    expect(await hp.offline.balances()).toMatchObject({ restricted: 10_000 });

    // A tampered element signs; the honest payee's verification refuses.
    const cheatLoad = await loadRestricted(cheat, id, 10_000, { denominations: [5_000, 5_000] });
    const cp = phone(cheat, { tampered: true });
    await cp.offline.load(cheatLoad.coins);
    const tampered = await touchPay({
      payer: cp.offline,
      payee: ep.offline,
      amount: 5_000,
      merchant: BEIJING,
      ignoreRestrictions: true,
    });
    expect(tampered.payee.reject?.code).toBe('COIN_RESTRICTED');
    expect(tampered.payer.state).toBe('rejected');
    expect(await ep.offline.balances()).toMatchObject({ restricted: 0, offline: 0 });

    // With a colluding payee the spend is accepted offline; reconciliation refuses it with a code.
    const ap = phone(accomplice, { colluding: true });
    const colluded = await touchPay({
      payer: cp.offline,
      payee: ap.offline,
      amount: 5_000,
      merchant: BEIJING,
      ignoreRestrictions: true,
    });
    expect(colluded.payee.state).toBe('completed');
    const accompliceSync = await accomplice.client.sync(accomplice.deviceId, await ap.offline.outbox());
    expect(accompliceSync.verdicts).toEqual([
      expect.objectContaining({ status: 'invalid', code: 'COIN_RESTRICTED', link: 1 }),
    ]);
    expect(accompliceSync.acknowledged).toEqual([]);
    const cheatSync = await cheat.client.sync(cheat.deviceId, await cp.offline.outbox());
    expect(cheatSync.verdicts.map((v) => (v.status === 'invalid' ? v.code : v.status))).toEqual([
      'COIN_RESTRICTED',
      'COIN_RESTRICTED',
    ]);
    // The accomplice cannot cash the coin either.
    const before = await balanceOf(accomplice);
    const refused = await accomplice.client.depositFromWallet(ap.offline, {
      issuerPublicKey: s.ctx.world.issuerPublicKey,
    });
    expect(refused.results).toEqual([
      expect.objectContaining({ status: 'refused', code: 'COIN_RESTRICTED' }),
    ]);
    expect(await balanceOf(accomplice)).toBe(before);

    // The refused value never left the winner: the coins are still unspent in the spent set and
    // outstanding for the campaign; depositing them returns them to the winner's restricted balance.
    expect(await offlineRestricted(id)).toBe(20_000);
    const spends = cp.offline.se.signPayment({
      requestId: 'dp_cheat-back',
      payee: { walletId: 'issuer', deviceId: 'issuer', publicKey: s.ctx.world.issuerPublicKey },
      parts: cheatLoad.coins.map((issue) => ({ coin: { issue, links: [] }, pay: issue.amount })),
      time: s.ctx.now(),
      deposit: true,
    });
    const back = await cheat.client.deposit(cheat.deviceId, {
      requestId: 'dp_cheat-back',
      spends: cheatLoad.coins.map((issue, i) => ({ coin: { issue, links: [] }, spend: spends[i]! })),
    });
    expect(back.results.map((r) => r.status)).toEqual(['deposited', 'deposited']);
    expect(await restricted(cheat)).toBe(20_000);
    expect(await balanceOf(cheat)).toBe(0);
    expect(await offlineRestricted(id)).toBe(10_000);
    await expectAuditClean(s);
  });

  it('outstanding restricted coins are reclaimed after the window; later deposits are refused; the audit holds', async () => {
    const shop = await merchant(SUZHOU);
    const { id, trial } = await drawnCampaign(1);
    const winner = trial[0]!;
    const loaded = await loadRestricted(winner, id, 10_000);
    const payer = phone(winner);
    const shopPhone = phone(shop);
    await payer.offline.load(loaded.coins);
    const paid = await touchPay({
      payer: payer.offline,
      payee: shopPhone.offline,
      amount: 4_000,
      merchant: SUZHOU,
    });
    expect(paid.payee.state).toBe('completed');

    // After the window the coins are expired offline...
    shift(95 * SEC);
    const late = await touchPay({
      payer: payer.offline,
      payee: shopPhone.offline,
      amount: 1_000,
      merchant: SUZHOU,
    });
    expect(late.payer.error?.code).toBe('INSUFFICIENT_OFFLINE_FUNDS');
    await expectCode(loadRestricted(winner, id, 1_000), 'RESTRICTED_EXPIRED', 422);
    // ...but the merchant, paid within the window, can still sync and deposit before the reclaim.
    const shopBefore = await balanceOf(shop);
    await shop.client.sync(shop.deviceId, await shopPhone.offline.outbox());
    const dep = await shop.client.depositFromWallet(shopPhone.offline, {
      issuerPublicKey: s.ctx.world.issuerPublicKey,
    });
    expect(dep.results.map((r) => r.status)).toEqual(['deposited']);
    expect(await balanceOf(shop)).toBe(shopBefore + 4_000);
    expect(await offlineRestricted(id)).toBe(6_000);

    const before = await s.audit();
    const reclaimed = await s.admin.reclaimCampaign(id);
    // 10,000 still online (restricted) and 6,000 of change outstanding on the winner's device.
    expect(reclaimed).toMatchObject({ reclaimedNow: 16_000, wallets: 1, offline: 6_000, reclaimed: 16_000 });
    const after = await s.audit();
    expect(before.issued - after.issued).toBe(16_000);
    expect(after.breaks).toEqual([]);
    expect(await offlineRestricted(id)).toBe(0);
    expect(await restricted(winner)).toBe(0);
    const again = await s.admin.reclaimCampaign(id);
    expect(again).toMatchObject({ reclaimedNow: 0, offline: 0, reclaimed: 16_000 });
    // What the audit checks offline-restricted:<op>:<campaign> against.
    const facts = await s.ctx.store.offlineAuditFacts();
    expect(facts.restricted.op_icbc?.[id]).toEqual({
      issued: 10_000,
      spentToIssuer: 4_000,
      reclaimed: 6_000,
    });

    // The reclaimed change cannot be deposited any more.
    const refused = await winner.client.depositFromWallet(payer.offline, {
      issuerPublicKey: s.ctx.world.issuerPublicKey,
    });
    expect(refused.results).toEqual([
      expect.objectContaining({ status: 'refused', code: 'RESTRICTED_RECLAIMED' }),
    ]);
    expect(await restricted(winner)).toBe(0);
    expect(await balanceOf(winner)).toBe(0);
    await expectAuditClean(s);
  });
});
