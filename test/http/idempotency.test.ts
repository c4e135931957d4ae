import {
  decodeKey,
  nobleVerifier,
  receiptBody,
  type TransferResponse,
  verifyReceipt,
} from '@ecny-sim/wallet-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { balanceOf, codeOf, expectAuditClean, expectCode, makeTransfer, raw } from './_helpers';

describe('idempotent transfers', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('the same transfer twice: the same receipt, the balance moved once', async () => {
    const alice = await s.openWallet({ tier: 2, topUp: 10_000 });
    const bob = await s.openWallet({ tier: 2 });
    const t = makeTransfer(alice, bob.walletId, 1_500, { memo: 'rent' });
    const first = await s.client.submitTransfer(t);
    const digest = await s.ctx.store.ledgerDigest();
    const second = await s.client.submitTransfer(t);
    expect(second.receipt).toEqual(first.receipt);
    expect(second.balance).toBe(8_500);
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    verifyReceipt(second.receipt, t, decodeKey(alice.issuerPublicKey), nobleVerifier);
    expect(await balanceOf(alice)).toBe(8_500);
    expect(await balanceOf(bob)).toBe(1_500);
    expect((await alice.client.wallet(alice.walletId)).wallet.spentToday).toBe(1_500);
    await expectAuditClean(s);
  });

  it('the same id with different content is IDEMPOTENCY_CONFLICT and moves nothing', async () => {
    const alice = await s.openWallet({ tier: 2, topUp: 10_000 });
    const bob = await s.openWallet({ tier: 2 });
    const carol = await s.openWallet({ tier: 2 });
    const transferId = 'tx_same-id-different-content';
    await s.client.submitTransfer(makeTransfer(alice, bob.walletId, 1_000, { transferId }));
    const digest = await s.ctx.store.ledgerDigest();
    for (const other of [
      makeTransfer(alice, bob.walletId, 2_000, { transferId }),
      makeTransfer(alice, carol.walletId, 1_000, { transferId }),
      makeTransfer(alice, bob.walletId, 1_000, { transferId, memo: 'changed' }),
    ]) {
      await expectCode(s.client.submitTransfer(other), 'IDEMPOTENCY_CONFLICT', 409);
    }
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    expect(await balanceOf(alice)).toBe(9_000);
    await expectAuditClean(s);
  });

  it('a retry is answered with its receipt even after the signing freshness window', async () => {
    const alice = await s.openWallet({ tier: 2, topUp: 10_000 });
    const bob = await s.openWallet({ tier: 2 });
    const t = makeTransfer(alice, bob.walletId, 300);
    const first = await s.client.submitTransfer(t);
    const realNow = s.ctx.now;
    s.ctx.now = () => realNow() + 10 * 60_000;
    try {
      const retry = await s.client.submitTransfer(t);
      expect(retry.receipt).toEqual(first.receipt);
      const late = makeTransfer(alice, bob.walletId, 300, { createdAt: Date.now() });
      await expectCode(s.client.submitTransfer(late), 'STALE_REQUEST', 401);
    } finally {
      s.ctx.now = realNow;
    }
    expect(await balanceOf(alice)).toBe(9_700);
    await expectAuditClean(s);
  });

  it('the same transfer sent 20 times at once settles once, every answer a receipt of that settlement', async () => {
    const alice = await s.openWallet({ tier: 2, topUp: 10_000 });
    const bob = await s.openWallet({ tier: 2 });
    const t = makeTransfer(alice, bob.walletId, 2_000);
    const answers = await Promise.all(Array.from({ length: 20 }, () => s.client.submitTransfer(t)));
    // The same body (one ledger sequence number) in every answer; each proof holds on its own
    // (a signature, or a path in the receipt batch of the answers made in the same turn).
    for (const a of answers) {
      expect(receiptBody(a.receipt)).toEqual(receiptBody(answers[0]!.receipt));
      verifyReceipt(a.receipt, t, decodeKey(alice.issuerPublicKey), nobleVerifier);
    }
    expect(await balanceOf(alice)).toBe(8_000);
    expect(await balanceOf(bob)).toBe(2_000);
    await expectAuditClean(s);
  });

  it('concurrent transfers sharing an id but not content: one settles, the others conflict', async () => {
    const alice = await s.openWallet({ tier: 2, topUp: 10_000 });
    const bob = await s.openWallet({ tier: 2 });
    const transferId = 'tx_racing-same-id';
    const variants = Array.from({ length: 8 }, (_, i) =>
      makeTransfer(alice, bob.walletId, 1_000, { transferId, memo: `variant ${i}` }),
    );
    const answers = await Promise.all(
      variants.map((t) => raw(s, 'POST', '/v1/transfers', { body: JSON.stringify(t) })),
    );
    const ok = answers.filter((a) => a.status === 200);
    expect(ok).toHaveLength(1);
    expect(answers.filter((a) => codeOf(a) === 'IDEMPOTENCY_CONFLICT')).toHaveLength(7);
    // the one receipt handed out settles the variant that was applied
    const receipt = (ok[0]!.json as TransferResponse).receipt;
    const winner = variants[answers.indexOf(ok[0]!)]!;
    verifyReceipt(receipt, winner, decodeKey(alice.issuerPublicKey), nobleVerifier);
    expect(await balanceOf(alice)).toBe(9_000);
    await expectAuditClean(s);
  });
});
