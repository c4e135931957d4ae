/**
 * Group lucky money over real HTTP: equal and random splits, one grab per
 * wallet, an empty envelope, 200 concurrent grabs for 50 shares, and the
 * refund of unclaimed shares after the expiry (server clock shifted).
 */
import { LUCKY_MAX_SHARE } from '@ecny-sim/wallet-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWallet } from '../support/server';
import { balanceOf, codeOf, expectAuditClean, expectCode, raw, signedRaw } from './_helpers';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());
afterEach(() => {
  s.ctx.now = Date.now;
});

async function wallets(n: number, tier: 1 | 2 = 2): Promise<TestWallet[]> {
  const out: TestWallet[] = [];
  for (let i = 0; i < n; i += 25) {
    out.push(
      ...(await Promise.all(Array.from({ length: Math.min(25, n - i) }, () => s.openWallet({ tier })))),
    );
  }
  return out;
}

describe('group lucky money', () => {
  it('equal split: every share in order, one grab per wallet, then LUCKY_EMPTY', async () => {
    const funder = await s.openWallet({ tier: 1, topUp: 20_000 });
    const { envelope } = await funder.client.createLuckyMoney({
      groupId: 'g_family',
      total: 10_003,
      shares: 5,
      mode: 'equal',
      memo: '恭喜发财',
    });
    expect(envelope).toMatchObject({ total: 10_003, shares: 5, sharesLeft: 5, status: 'open' });
    expect(await balanceOf(funder)).toBe(20_000 - 10_003);
    const grabbers = await wallets(6);
    const amounts: number[] = [];
    for (const g of grabbers.slice(0, 5)) {
      const grab = await g.client.grabLuckyMoney(envelope.envelopeId);
      amounts.push(grab.amount);
      expect(grab.balance).toBe(grab.amount);
    }
    expect(amounts).toEqual([2001, 2001, 2001, 2000, 2000]);
    await expectCode(grabbers[0]!.client.grabLuckyMoney(envelope.envelopeId), 'LUCKY_ALREADY_GRABBED', 409);
    await expectCode(grabbers[5]!.client.grabLuckyMoney(envelope.envelopeId), 'LUCKY_EMPTY', 409);
    const { envelope: read } = await s.client.luckyMoney(envelope.envelopeId);
    expect(read.status).toBe('empty');
    expect(read.remaining).toBe(0);
    expect(read.grabs!.map((g) => [g.walletId, g.amount])).toEqual(
      grabbers.slice(0, 5).map((g, i) => [g.walletId, amounts[i]]),
    );
    expect(read.best).toBe(grabbers[0]!.walletId);
    await expectAuditClean(s);
  });

  it('refuses bad splits, unknown envelopes and unsigned grabs', async () => {
    const funder = await s.openWallet({ tier: 1, topUp: 100_000 });
    const tooMuch = await signedRaw(
      s,
      funder,
      'POST',
      '/v1/lucky',
      JSON.stringify({ groupId: 'g_x', total: 60_001, shares: 3, mode: 'random' }),
    );
    expect([tooMuch.status, codeOf(tooMuch)]).toEqual([400, 'INVALID_BODY']);
    await expectCode(
      funder.client.createLuckyMoney({ groupId: 'g_x', total: 2, shares: 3, mode: 'equal' }),
      'INVALID_BODY',
    );
    await expectCode(funder.client.grabLuckyMoney('lk_missing'), 'LUCKY_NOT_FOUND', 404);
    const poor = await s.openWallet();
    await expectCode(
      poor.client.createLuckyMoney({ groupId: 'g_x', total: 100, shares: 1, mode: 'equal' }),
      'INSUFFICIENT_FUNDS',
      409,
    );
    const unsigned = await raw(s, 'POST', '/v1/lucky/lk_missing/grab', { body: '{}' });
    expect(codeOf(unsigned)).toBe('UNAUTHENTICATED');
    await expectAuditClean(s);
  });

  it('200 concurrent grabs of a 50-share envelope: exactly 50 paid, the sum exact, no wallet twice', async () => {
    const total = 500_000;
    const funder = await s.openWallet({ tier: 1, topUp: total });
    const { envelope } = await funder.client.createLuckyMoney({
      groupId: 'g_big',
      total,
      shares: 50,
      mode: 'random',
    });
    const grabbers = await wallets(150);
    // 150 wallets grab once, 50 of them a second time at the same moment.
    const attempts = [...grabbers, ...grabbers.slice(0, 50)];
    const answers = await Promise.all(
      attempts.map((g) =>
        signedRaw(s, g, 'POST', `/v1/lucky/${envelope.envelopeId}/grab`, '{}').then((a) => ({ g, a })),
      ),
    );
    const ok = answers.filter((x) => x.a.status === 200);
    expect(ok).toHaveLength(50);
    for (const x of answers.filter((y) => y.a.status !== 200)) {
      expect(['LUCKY_EMPTY', 'LUCKY_ALREADY_GRABBED']).toContain(codeOf(x.a));
    }
    const winners = ok.map((x) => x.g.walletId);
    expect(new Set(winners).size).toBe(50);
    const amounts = ok.map((x) => (x.a.json as { amount: number }).amount);
    for (const a of amounts) {
      expect(a).toBeGreaterThanOrEqual(1);
      expect(a).toBeLessThanOrEqual(LUCKY_MAX_SHARE);
    }
    expect(amounts.reduce((x, y) => x + y, 0)).toBe(total);
    const { envelope: read } = await s.client.luckyMoney(envelope.envelopeId);
    expect(read.remaining).toBe(0);
    expect(read.grabs).toHaveLength(50);
    expect(read.grabs!.map((g) => g.share).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    let received = 0;
    for (const g of grabbers) received += await balanceOf(g);
    expect(received).toBe(total);
    expect(await s.ctx.store.getBalance(read.poolAccount)).toBe(0);
    await expectAuditClean(s);
  });

  it('unclaimed shares go back to the funder after the expiry, once', async () => {
    const funder = await s.openWallet({ tier: 1, topUp: 30_000 });
    const { envelope } = await funder.client.createLuckyMoney({
      groupId: 'g_expiring',
      total: 30_000,
      shares: 3,
      mode: 'random',
      expiresInSeconds: 60,
    });
    expect(envelope.expiresAt - envelope.createdAt).toBe(60_000);
    const [early, late] = await wallets(2);
    const first = await early!.client.grabLuckyMoney(envelope.envelopeId);
    await expectCode(s.admin.refundLuckyMoney(envelope.envelopeId), 'LUCKY_NOT_EXPIRED', 409);

    s.ctx.now = () => Date.now() + 61_000;
    await expectCode(late!.client.grabLuckyMoney(envelope.envelopeId), 'LUCKY_EXPIRED', 410);
    const { envelope: read } = await s.client.luckyMoney(envelope.envelopeId);
    expect(read).toMatchObject({ status: 'refunded', refunded: 30_000 - first.amount, remaining: 0 });
    expect(await balanceOf(funder)).toBe(30_000 - first.amount);
    const again = await s.admin.refundLuckyMoney(envelope.envelopeId);
    expect(again).toMatchObject({ duplicate: true, refunded: 30_000 - first.amount });
    expect(await balanceOf(funder)).toBe(30_000 - first.amount);
    expect(await s.ctx.store.getBalance(read.poolAccount)).toBe(0);
    await expectAuditClean(s);
  });

  it('an admin refund works without any read, and the same requestId funds one envelope', async () => {
    const funder = await s.openWallet({ tier: 1, topUp: 10_000 });
    const body = {
      requestId: 'lucky-req-0001',
      groupId: 'g_once',
      total: 5_000,
      shares: 2,
      mode: 'equal' as const,
      expiresInSeconds: 30,
    };
    const a = await funder.client.createLuckyMoney(body);
    const b = await funder.client.createLuckyMoney(body);
    expect(b.envelope.envelopeId).toBe(a.envelope.envelopeId);
    expect(await balanceOf(funder)).toBe(5_000);
    s.ctx.now = () => Date.now() + 31_000;
    const refunded = await s.admin.refundLuckyMoney(a.envelope.envelopeId);
    expect(refunded).toMatchObject({ duplicate: false, refunded: 5_000 });
    expect(await balanceOf(funder)).toBe(10_000);
    await expectAuditClean(s);
  });
});
