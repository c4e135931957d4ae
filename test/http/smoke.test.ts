import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';

describe('online transfer over HTTP', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('pays from one wallet to another and the receipt verifies', async () => {
    const alice = await s.openWallet({ topUp: 10_000 });
    const bob = await s.openWallet();
    const { receipt, balance } = await alice.client.pay(alice.walletId, bob.walletId, 2_500);
    expect(balance).toBe(7_500);
    expect(receipt.amount).toBe(2_500);
    const { wallet } = await bob.client.wallet(bob.walletId);
    expect(wallet.balance).toBe(2_500);
    const report = await s.audit();
    expect(report.breaks).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
