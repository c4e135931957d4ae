import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestWallet } from '../support/server';
import { balanceOf, codeOf, expectAuditClean, makeTransfer, raw } from './_helpers';

describe('concurrent transfers', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  async function drain(payer: TestWallet, payees: TestWallet[], n: number, amount: number) {
    const transfers = Array.from({ length: n }, (_, i) =>
      makeTransfer(payer, payees[i % payees.length]!.walletId, amount),
    );
    return Promise.all(transfers.map((t) => raw(s, 'POST', '/v1/transfers', { body: JSON.stringify(t) })));
  }

  it('50 concurrent transfers draining one balance: exactly the affordable number settle', async () => {
    const payer = await s.openWallet({ tier: 1, topUp: 10_000 });
    const payees = await Promise.all(Array.from({ length: 5 }, () => s.openWallet({ tier: 2 })));
    const answers = await drain(payer, payees, 50, 1_000);
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const r of refused) expect(codeOf(r)).toBe('INSUFFICIENT_FUNDS');
    // balances reported to the payer never went below zero, and their minimum is 0
    const reported = ok.map((a) => (a.json as { balance: number }).balance);
    for (const b of reported) expect(b).toBeGreaterThanOrEqual(0);
    expect(await balanceOf(payer)).toBe(0);
    let received = 0;
    for (const p of payees) received += await balanceOf(p);
    expect(received).toBe(10_000);
    await expectAuditClean(s);
  });

  it('an amount that does not divide the balance leaves the remainder', async () => {
    const payer = await s.openWallet({ tier: 1, topUp: 10_000 });
    const payee = await s.openWallet({ tier: 1 });
    const answers = await drain(payer, [payee], 50, 300);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(33);
    expect(answers.filter((a) => codeOf(a) === 'INSUFFICIENT_FUNDS')).toHaveLength(17);
    expect(await balanceOf(payer)).toBe(100);
    expect(await balanceOf(payee)).toBe(9_900);
    await expectAuditClean(s);
  });

  it('money moving both ways at once between many wallets is conserved', async () => {
    const wallets = await Promise.all(
      Array.from({ length: 6 }, () => s.openWallet({ tier: 1, topUp: 5_000 })),
    );
    const transfers = [];
    for (let i = 0; i < 120; i++) {
      const from = wallets[i % wallets.length]!;
      const to = wallets[(i * 7 + 1) % wallets.length]!;
      if (from === to) continue;
      transfers.push(makeTransfer(from, to.walletId, 100 + (i % 13) * 50));
    }
    const answers = await Promise.all(
      transfers.map((t) => raw(s, 'POST', '/v1/transfers', { body: JSON.stringify(t) })),
    );
    for (const a of answers) expect([200, 409]).toContain(a.status);
    let total = 0;
    for (const w of wallets) {
      const b = await balanceOf(w);
      expect(b).toBeGreaterThanOrEqual(0);
      total += b;
    }
    expect(total).toBe(30_000);
    await expectAuditClean(s);
  });

  it('single transfers and a batch racing for the same balance never overdraw it', async () => {
    const payer = await s.openWallet({ tier: 1, topUp: 5_000 });
    const payee = await s.openWallet({ tier: 1 });
    const singles = Array.from({ length: 20 }, () => makeTransfer(payer, payee.walletId, 200));
    const batch = Array.from({ length: 20 }, () => makeTransfer(payer, payee.walletId, 200));
    const [batchAnswer, ...singleAnswers] = await Promise.all([
      raw(s, 'POST', '/v1/transfers/batch', { body: JSON.stringify({ transfers: batch }) }),
      ...singles.map((t) => raw(s, 'POST', '/v1/transfers', { body: JSON.stringify(t) })),
    ]);
    const batchOk = (batchAnswer!.json as { results: { ok: boolean }[] }).results.filter((r) => r.ok).length;
    const singleOk = singleAnswers.filter((a) => a.status === 200).length;
    expect(batchOk + singleOk).toBe(25);
    expect(await balanceOf(payer)).toBe(0);
    expect(await balanceOf(payee)).toBe(5_000);
    await expectAuditClean(s);
  });
});
