import { decodeKey, nobleVerifier, TIER_SPECS, type Tier, verifyDeviceCert } from '@ecny-sim/wallet-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWallet } from '../support/server';
import { balanceOf, expectAuditClean, expectCode, fund } from './_helpers';

const OPENING_BANK = 5_000_000;

describe('tier limits over HTTP', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  /** Gives the wallet `amount` fen: its own top-up first, then tier-1 donors. */
  async function provide(w: TestWallet, amount: number): Promise<void> {
    const own = Math.min(amount, OPENING_BANK);
    await w.client.topUp(w.walletId, own);
    if (amount > own) await fund(s, w, amount - own);
    expect(await balanceOf(w)).toBe(amount);
  }

  it.each([2, 3, 4] as Tier[])('tier %i: per payment and per day limits of the payer', async (tier) => {
    const { perPayment, perDay } = TIER_SPECS[tier].online as { perPayment: number; perDay: number };
    const payer = await s.openWallet({ tier });
    const payee = await s.openWallet({ tier: 1 });
    await provide(payer, perDay + 1_000);

    const e = await expectCode(
      payer.client.pay(payer.walletId, payee.walletId, perPayment + 1),
      'LIMIT_PER_PAYMENT',
      422,
    );
    // The refusal names no figure (it may reach a merchant charging the payer's code); the payer's
    // app knows its tier's limits from /v1/info.
    expect(e.message).not.toContain(String(perPayment));
    await payer.client.pay(payer.walletId, payee.walletId, perPayment); // exactly the limit is allowed

    let spent = perPayment;
    while (spent + perPayment <= perDay) {
      await payer.client.pay(payer.walletId, payee.walletId, perPayment);
      spent += perPayment;
    }
    if (spent < perDay) {
      await payer.client.pay(payer.walletId, payee.walletId, perDay - spent);
      spent = perDay;
    }
    await expectCode(payer.client.pay(payer.walletId, payee.walletId, 1), 'LIMIT_PER_DAY', 422);
    const { wallet } = await payer.client.wallet(payer.walletId);
    expect(wallet.spentToday).toBe(perDay);
    expect(wallet.balance).toBe(1_000);
    expect(await balanceOf(payee)).toBe(perDay);
    await expectAuditClean(s);
  });

  it.each([2, 3, 4] as Tier[])('tier %i: the payee balance cap, on payments and top-ups', async (tier) => {
    const cap = TIER_SPECS[tier].online.balanceCap!;
    const payee = await s.openWallet({ tier });
    await provide(payee, cap - 100);
    const payer = await s.openWallet({ tier: 1, topUp: 10_000 });
    await payer.client.pay(payer.walletId, payee.walletId, 100); // reaches the cap exactly
    await expectCode(payer.client.pay(payer.walletId, payee.walletId, 1), 'LIMIT_BALANCE_CAP', 422);
    expect(await balanceOf(payee)).toBe(cap);
    expect(await balanceOf(payer)).toBe(9_900);
    // redeem a little so the bank account can pay for a top-up; the cap still holds
    await payee.client.redeem(payee.walletId, 100);
    await payer.client.pay(payer.walletId, payee.walletId, 50);
    await expectCode(payee.client.topUp(payee.walletId, 51), 'LIMIT_BALANCE_CAP', 422);
    await payee.client.topUp(payee.walletId, 50);
    // once the payee spends, it may receive again
    const sink = await s.openWallet({ tier: 1 });
    await payee.client.pay(payee.walletId, sink.walletId, 70);
    await payer.client.pay(payer.walletId, payee.walletId, 70);
    await expectCode(payer.client.pay(payer.walletId, payee.walletId, 1), 'LIMIT_BALANCE_CAP', 422);
    expect(await balanceOf(payee)).toBe(cap);
    await expectAuditClean(s);
  });

  it('tier 1 has no online caps: beyond every other tier’s limits in one day', async () => {
    const payer = await s.openWallet({ tier: 1 });
    const payee = await s.openWallet({ tier: 1 });
    await provide(payer, 15_000_000);
    await payer.client.pay(payer.walletId, payee.walletId, TIER_SPECS[2].online.perPayment! + 1);
    await payer.client.pay(payer.walletId, payee.walletId, 15_000_000 - TIER_SPECS[2].online.perPayment! - 1);
    const { wallet } = await payer.client.wallet(payer.walletId);
    expect(wallet.spentToday).toBe(15_000_000);
    expect(wallet.balance).toBe(0);
    expect(await balanceOf(payee)).toBe(15_000_000);
    await expectAuditClean(s);
  });

  it('a refused payment leaves both balances and the daily total unchanged', async () => {
    const payer = await s.openWallet({ tier: 4, topUp: 300_000 });
    const payee = await s.openWallet({ tier: 4, topUp: 950_000 });
    await expectCode(payer.client.pay(payer.walletId, payee.walletId, 60_000), 'LIMIT_BALANCE_CAP');
    await expectCode(payer.client.pay(payer.walletId, payee.walletId, 200_001), 'LIMIT_PER_PAYMENT');
    expect((await payer.client.wallet(payer.walletId)).wallet).toMatchObject({
      balance: 300_000,
      spentToday: 0,
    });
    expect(await balanceOf(payee)).toBe(950_000);
    await expectAuditClean(s);
  });
});

describe('KYC tier changes over HTTP', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('needs the evidence of the tier asked for', async () => {
    const w = await s.openWallet({ tier: 4 });
    await expectCode(w.client.upgradeKyc(w.walletId, { tier: 3 }), 'KYC_EVIDENCE_MISSING', 400);
    await expectCode(
      w.client.upgradeKyc(w.walletId, { tier: 2, idNumber: '11010519491231002X' }),
      'KYC_EVIDENCE_MISSING',
    );
    await expectCode(
      w.client.upgradeKyc(w.walletId, {
        tier: 1,
        idNumber: '11010519491231002X',
        bankCard: '6222021234567890123',
      }),
      'KYC_EVIDENCE_MISSING',
    );
    await expectCode(w.client.upgradeKyc(w.walletId, { tier: 3, idNumber: '12345' }), 'INVALID_BODY');
    expect((await w.client.wallet(w.walletId)).wallet.tier).toBe(4);
  });

  it('upgrades 4 -> 3 -> 2 -> 1 with a new device certificate carrying the new limits', async () => {
    const w = await s.openWallet({ tier: 4, topUp: 900_000 });
    const payee = await s.openWallet({ tier: 1 });
    await expectCode(w.client.pay(w.walletId, payee.walletId, 300_000), 'LIMIT_PER_PAYMENT');

    const info = await s.client.info();
    const trust = {
      issuerPublicKey: decodeKey(info.issuerPublicKey),
      operatorCerts: new Map(info.operators.map((o) => [o.operatorId, o.cert])),
    };
    const evidence = {
      3: { idNumber: '11010519491231002X' },
      2: { idNumber: '11010519491231002X', bankCard: '6222021234567890123' },
      1: { idNumber: '11010519491231002X', bankCard: '6222021234567890123', inPerson: true },
    } as const;
    for (const tier of [3, 2, 1] as const) {
      const up = await w.client.upgradeKyc(w.walletId, { tier, ...evidence[tier] });
      expect(up.wallet.tier).toBe(tier);
      expect(up.deviceCert.tier).toBe(tier);
      expect(up.deviceCert.offline).toEqual(TIER_SPECS[tier].offline);
      expect(up.deviceCert.deviceId).toBe(w.deviceId);
      expect(up.deviceCert.publicKey).toBe(w.deviceCert.publicKey);
      expect(() => verifyDeviceCert(up.deviceCert, trust, nobleVerifier, { now: Date.now() })).not.toThrow();
      expect((await w.client.wallet(w.walletId)).wallet.tier).toBe(tier);
    }
    // the tier-4 per-payment limit no longer applies
    await w.client.pay(w.walletId, payee.walletId, 300_000);
    expect(await balanceOf(w)).toBe(600_000);
    await expectAuditClean(s);
  });

  it('refuses a downgrade that the balance would break, allows it once the balance fits', async () => {
    const w = await s.openWallet({ tier: 3, topUp: 1_500_000 });
    await expectCode(w.client.upgradeKyc(w.walletId, { tier: 4 }), 'LIMIT_BALANCE_CAP', 422);
    expect((await w.client.wallet(w.walletId)).wallet.tier).toBe(3);
    await w.client.redeem(w.walletId, 600_000);
    const down = await w.client.upgradeKyc(w.walletId, { tier: 4 });
    expect(down.wallet.tier).toBe(4);
    expect(down.deviceCert.offline).toEqual(TIER_SPECS[4].offline);
    await expectAuditClean(s);
  });
});
