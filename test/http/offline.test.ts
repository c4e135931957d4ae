/**
 * Offline money over HTTP: load coins onto devices whose certificates come
 * from real wallets, pay offline along a chain, sync in any order, deposit,
 * and catch a double spend by a cloned (tampered) secure element.
 */
import {
  type Issue,
  MemoryKeyValue,
  OfflineSandbox,
  OfflineWallet,
  SecureElement,
  type SecureElementLike,
  spendHash,
  TamperedSecureElement,
  touchPay,
  verifyDoubleSpendProof,
  WalletStore,
} from '@ecny-sim/wallet-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWallet } from '../support/server';
import { balanceOf, expectAuditClean, expectCode, openStream } from './_helpers';

let s: TestServer;

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

interface Phone {
  wallet: TestWallet;
  offline: OfflineWallet;
}

function offlineWallet(se: SecureElementLike): OfflineWallet {
  return new OfflineWallet({
    se,
    store: new WalletStore(new MemoryKeyValue()),
    trust: s.ctx.world.trust,
    verifier: s.ctx.verifier,
  });
}

async function phone(options: { topUp?: number; tampered?: boolean } = {}): Promise<Phone> {
  const wallet = await s.openWallet(options.topUp ? { topUp: options.topUp } : {});
  const seOptions = { signer: wallet.signer, cert: wallet.deviceCert, now: Date.now() };
  const se = options.tampered ? new TamperedSecureElement(seOptions) : new SecureElement(seOptions);
  return { wallet, offline: offlineWallet(se) };
}

async function load(p: Phone, amount: number, denominations?: number[]): Promise<Issue[]> {
  const r = await p.wallet.client.loadToDevice(
    p.wallet.walletId,
    amount,
    denominations ? { denominations } : {},
  );
  await p.offline.load(r.coins);
  return r.coins;
}

async function pay(payer: Phone, payee: Phone, amount: number) {
  const { payer: ps, payee: qs } = await touchPay({ payer: payer.offline, payee: payee.offline, amount });
  expect(ps.error?.message ?? null).toBeNull();
  expect(qs.state).toBe('completed');
  return qs;
}

async function sync(p: Phone) {
  const r = await p.wallet.client.sync(p.wallet.deviceId, await p.offline.outbox());
  return r;
}

const issuerKey = () => s.ctx.world.issuerPublicKey;
const offlineOutstanding = async () => (await s.ctx.store.getBalance('offline:op_icbc')) ?? 0;

describe('offline money over HTTP', () => {
  it('loads coins, pays along a 3-hop chain, syncs last holder first, deposits, all idempotent', async () => {
    const [a, b, c, d] = await Promise.all([phone({ topUp: 100_000 }), phone(), phone(), phone()]);
    const before = await offlineOutstanding();
    const coins = await load(a, 50_000);
    expect(coins.reduce((x, i) => x + i.amount, 0)).toBe(50_000);
    expect(coins.every((i) => i.owner === a.offline.se.publicKey && i.maxHops === 8)).toBe(true);
    expect(await balanceOf(a.wallet)).toBe(50_000);
    expect(await offlineOutstanding()).toBe(before + 50_000);

    await pay(a, b, 30_000);
    await pay(b, c, 20_000);
    const last = await pay(c, d, 10_000);
    expect(Math.max(...last.coins!.map((x) => x.links.length))).toBeGreaterThanOrEqual(2);

    // the last holder first, then the others, then everyone again
    const rd = await sync(d);
    expect(rd.verdicts.map((v) => v.status)).toEqual(['accepted']);
    expect(rd.revokedDevices).toEqual(expect.any(Array));
    expect(rd.cert.deviceId).toBe(d.wallet.deviceId);
    for (const p of [c, b, a]) {
      const r = await sync(p);
      for (const v of r.verdicts) expect(['accepted', 'already_known']).toContain(v.status);
      expect(r.fraudCases).toEqual([]);
    }
    const again = await sync(d);
    expect(again.verdicts.map((v) => v.status)).toEqual(['already_known']);
    await d.offline.applySync(again);
    expect((await d.offline.outbox()).length).toBe(0);

    // deposit: a spend of the coin to the issuer, back to online balance
    const dep = await d.wallet.client.depositFromWallet(d.offline, { issuerPublicKey: issuerKey() });
    expect(dep.results.map((r) => r.status)).toEqual(dep.body.spends.map(() => 'deposited'));
    expect(await balanceOf(d.wallet)).toBe(10_000);
    const retry = await d.wallet.client.deposit(d.wallet.deviceId, dep.body);
    expect(retry.results.every((r) => r.status === 'deposited' && r.duplicate)).toBe(true);
    expect(await balanceOf(d.wallet)).toBe(10_000);
    expect(await offlineOutstanding()).toBe(before + 40_000);
    await expectAuditClean(s);
  });

  it('load is idempotent by requestId and respects the offline balance cap', async () => {
    const a = await phone({ topUp: 2_000_000 });
    const first = await a.wallet.client.loadToDevice(a.wallet.walletId, 12_345, {
      requestId: 'ld_same-request',
    });
    const second = await a.wallet.client.loadToDevice(a.wallet.walletId, 12_345, {
      requestId: 'ld_same-request',
    });
    expect(second.duplicate).toBe(true);
    expect(second.coins).toEqual(first.coins);
    expect(await balanceOf(a.wallet)).toBe(2_000_000 - 12_345);
    await expectCode(
      a.wallet.client.loadToDevice(a.wallet.walletId, 99, { requestId: 'ld_same-request' }),
      'IDEMPOTENCY_CONFLICT',
      409,
    );
    // far more than the wallet holds: refused as such, not for the number of coins it would make
    await expectCode(a.wallet.client.loadToDevice(a.wallet.walletId, 100_000_000), 'INSUFFICIENT_FUNDS', 409);
    expect(await balanceOf(a.wallet)).toBe(2_000_000 - 12_345);
    const cap = a.wallet.deviceCert.offline.balanceCap;
    await expectCode(a.wallet.client.loadToDevice(a.wallet.walletId, cap), 'LIMIT_OFFLINE_BALANCE', 422);
    await expectCode(
      a.wallet.client.loadToDevice(a.wallet.walletId, 100, { denominations: [50, 40] }),
      'LOAD_BAD_DENOMINATIONS',
      422,
    );
    await expectAuditClean(s);
  });

  it('refuses coins the issuer never issued (UNKNOWN_COIN) and bad paths with their code and link', async () => {
    const p = await phone();
    const sandbox = new OfflineSandbox({ seed: 'forger' });
    const bundle = sandbox.hopBundle(2);
    const forged = {
      id: 'recv:rq_forged-coin-01',
      kind: 'payment-received' as const,
      requestId: bundle.requestId,
      request: {
        requestId: bundle.requestId,
        payee: p.wallet.deviceCert,
        amount: 1,
        createdAt: Date.now(),
        expiresAt: Date.now() + 60_000,
        sig: 'A'.repeat(86),
      },
      bundle,
      ack: {
        requestId: bundle.requestId,
        bundleHash: 'A'.repeat(43),
        payeeDeviceId: p.wallet.deviceId,
        receivedAt: Date.now(),
        sig: 'A'.repeat(86),
      },
      createdAt: Date.now(),
    };
    const r = await p.wallet.client.sync(p.wallet.deviceId, [forged]);
    expect(r.verdicts[0]).toMatchObject({ status: 'invalid', code: 'UNKNOWN_COIN', link: 0 });
    expect(r.acknowledged).toEqual([]);

    // a real coin with a spend signed by the wrong key
    const a = await phone({ topUp: 10_000 });
    await load(a, 5_000, [5_000]);
    const b = await phone();
    await pay(a, b, 1_000);
    const item = (await b.offline.outbox())[0]!;
    const tampered = structuredClone(item);
    tampered.bundle.spends[0]!.spend.outputs[0]!.amount = 1_001;
    tampered.bundle.spends[0]!.spend.outputs[1]!.amount = 3_999;
    const bad = await b.wallet.client.sync(b.wallet.deviceId, [tampered]);
    expect(bad.verdicts[0]).toMatchObject({ status: 'invalid', code: 'SPEND_BAD_SIGNATURE', link: 1 });
    const good = await b.wallet.client.sync(b.wallet.deviceId, [item]);
    expect(good.verdicts[0]!.status).toBe('accepted');
    await expectAuditClean(s);
  });

  it('catches a double spend by a cloned secure element, compensates, recovers, revokes', async () => {
    const culprit = await phone({ topUp: 100_000, tampered: true });
    const [f, g] = await Promise.all([phone(), phone()]);
    // the public stream, as the issuer's panel reads it
    const stream = await openStream(`${s.url}/v1/events`);
    const activity = (kind: string) =>
      stream.events
        .filter((e) => e.event === 'ledger.activity' && e.data.kind === kind)
        .map((e) => e.data.amount);
    const coins = await load(culprit, 20_000, [20_000]);
    await stream.waitFor(() => activity('offline_load').includes(20_000));
    const clone: Phone = {
      wallet: culprit.wallet,
      offline: offlineWallet((culprit.offline.se as TamperedSecureElement).clone()),
    };
    await clone.offline.store.putCoin({ issue: coins[0]!, links: [] }, 'load', Date.now());

    await pay(culprit, f, 15_000);
    await pay(clone, g, 15_000); // the same coin, spent again
    const lossBefore = (await s.ctx.store.getBalance('loss:op_icbc')) ?? 0;
    const statsBefore = (await s.client.stats()) as { fraudRecovered: number; fraudCompensated: number };

    const rf = await sync(f);
    expect(rf.verdicts[0]!.status).toBe('accepted');
    const rg = await sync(g);
    expect(rg.verdicts[0]!.status).toBe('double_spend');
    const caseId = (rg.verdicts[0] as { caseIds: string[] }).caseIds[0]!;
    expect(rg.fraudCases.map((c) => c.caseId)).toContain(caseId);
    expect(rg.revokedDevices).toContain(culprit.wallet.deviceId);

    // the case and its proof, checkable with the issuer key alone
    const { case: detail } = await s.client.fraudCase(caseId);
    expect(detail.culprit).toEqual({ deviceId: culprit.wallet.deviceId, walletId: culprit.wallet.walletId });
    expect(detail.amount).toBe(20_000);
    const facts = verifyDoubleSpendProof(detail.proof, {
      trust: s.ctx.world.trust,
      verifier: s.ctx.verifier,
      now: Date.now(),
    });
    expect(facts.culpritDeviceId).toBe(culprit.wallet.deviceId);
    expect(facts.coinId).toBe(coins[0]!.coinId);
    expect(detail.losingBranch.map((h) => h.owner)).toContain(g.offline.se.publicKey);
    expect((await s.client.fraudCases()).cases.map((c) => c.caseId)).toContain(caseId);
    expect((await s.client.revocations()).revokedDevices).toContain(culprit.wallet.deviceId);

    // recovered from the culprit's online balance at detection; the culprit is refused afterwards
    expect(detail.recovered).toBe(20_000);
    expect(await s.ctx.store.getBalance(`wallet:${culprit.wallet.walletId}`)).toBe(100_000 - 20_000 - 20_000);
    const refused = await expectCode(
      culprit.wallet.client.wallet(culprit.wallet.walletId),
      'DEVICE_REVOKED',
      403,
    );
    // the culprit's own device is told when and why
    expect(refused.details?.details).toEqual({
      revokedAt: expect.any(Number),
      reason: `double spend (fraud case ${caseId})`,
    });
    await expectCode(
      culprit.wallet.client.sync(culprit.wallet.deviceId, await culprit.offline.outbox()),
      'DEVICE_REVOKED',
      403,
    );

    // re-uploads, from payer-side and payee-side in any order: the same single case
    for (const p of [g, f, g, f]) await sync(p);
    expect((await s.client.fraudCases()).cases.filter((c) => c.coinId === coins[0]!.coinId)).toHaveLength(1);

    // honest payees made whole: the winner deposits, the loser is compensated
    const df = await f.wallet.client.depositFromWallet(f.offline, { issuerPublicKey: issuerKey() });
    expect(df.results[0]).toMatchObject({ status: 'deposited', amount: 15_000 });
    const dg = await g.wallet.client.depositFromWallet(g.offline, { issuerPublicKey: issuerKey() });
    expect(dg.results[0]).toMatchObject({ status: 'compensated', amount: 15_000 });
    expect(await balanceOf(f.wallet)).toBe(15_000);
    expect(await balanceOf(g.wallet)).toBe(15_000);
    // each deposit is public ledger activity; the compensation apart, so fraud totals refresh live
    await stream.waitFor(() => activity('fraud_compensation').length === 1);
    await stream.close();
    expect(activity('offline_deposit')).toEqual([15_000]);
    expect(activity('fraud_compensation')).toEqual([15_000]);
    // each payee's history names the spend it deposited, so its phone can tell its deposits apart
    for (const [p, d, kind] of [
      [f, df, 'offline_deposit'],
      [g, dg, 'fraud_compensation'],
    ] as const) {
      const { entries } = await p.wallet.client.history(p.wallet.walletId);
      const deposited = entries.filter((e) => e.kind === kind);
      expect(deposited.map((e) => e.spendHash)).toEqual([spendHash(d.body.spends[0]!.spend)]);
    }
    expect(((await s.ctx.store.getBalance('loss:op_icbc')) ?? 0) - lossBefore).toBe(20_000 - 15_000);
    // The public figures: what the cases recovered and what was paid out of it since.
    const stats = (await s.client.stats()) as {
      fraudRecovered: number;
      fraudCompensated: number;
      losses: number;
    };
    expect(stats.fraudRecovered - statsBefore.fraudRecovered).toBe(20_000);
    expect(stats.fraudCompensated - statsBefore.fraudCompensated).toBe(15_000);
    expect(stats.fraudRecovered - stats.fraudCompensated).toBe(stats.losses);
    const after = await s.client.fraudCase(caseId);
    expect(after.case.losingBranch.find((h) => h.owner === issuerKey())).toBeUndefined();
    expect(
      after.case.losingBranch.some((h) => h.status === 'deposited' && h.walletId === g.wallet.walletId),
    ).toBe(true);
    await expectAuditClean(s);
  });

  it('a coin deposited and then spent again offline is a double spend; the deposit wins', async () => {
    const culprit = await phone({ topUp: 50_000, tampered: true });
    const h = await phone();
    const coins = await load(culprit, 8_000, [8_000]);
    const clone: Phone = {
      wallet: culprit.wallet,
      offline: offlineWallet((culprit.offline.se as TamperedSecureElement).clone()),
    };
    await clone.offline.store.putCoin({ issue: coins[0]!, links: [] }, 'load', Date.now());
    const dep = await culprit.wallet.client.depositFromWallet(culprit.offline, {
      issuerPublicKey: issuerKey(),
    });
    expect(dep.results[0]).toMatchObject({ status: 'deposited', amount: 8_000 });
    await pay(clone, h, 8_000);
    const r = await sync(h);
    expect(r.verdicts[0]!.status).toBe('double_spend');
    const dh = await h.wallet.client.depositFromWallet(h.offline, { issuerPublicKey: issuerKey() });
    expect(dh.results[0]).toMatchObject({ status: 'compensated', amount: 8_000 });
    await expectAuditClean(s);
  });
});
