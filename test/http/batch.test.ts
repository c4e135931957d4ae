import {
  type BatchTransferItem,
  BatchTransferResponseSchema,
  batchAnswerItems,
  decodeKey,
  nobleVerifier,
  type OnlineTransfer,
  receiptBody,
  TIER_SPECS,
  verifyReceipt,
} from '@ecny-sim/wallet-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { balanceOf, expectAuditClean, makeTransfer, raw } from './_helpers';

describe('POST /v1/transfers/batch', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('judges each item on its own: mixed valid and invalid items', async () => {
    const alice = await s.openWallet({ tier: 1, topUp: 1_000 });
    const bob = await s.openWallet({ tier: 2 });
    const small = await s.openWallet({ tier: 4, topUp: 300_000 });
    const mallory = await s.openWallet({ tier: 2, topUp: 1_000 });
    const settled = makeTransfer(alice, bob.walletId, 50);
    const settledAnswer = await s.client.submitTransfer(settled);

    const a1 = makeTransfer(alice, bob.walletId, 400);
    const a2 = makeTransfer(alice, bob.walletId, 400);
    const a3 = makeTransfer(alice, bob.walletId, 400); // alice has 950 after `settled`: the third is refused
    const badSig = { ...makeTransfer(alice, bob.walletId, 10), amount: 11 };
    const notATransfer = { hello: 'world' };
    const overLimit = makeTransfer(small, bob.walletId, TIER_SPECS[4].online.perPayment! + 1);
    const forbidden = makeTransfer(mallory, bob.walletId, 10, { from: alice.walletId });
    const stale = makeTransfer(alice, bob.walletId, 10, { createdAt: Date.now() - 3_600_000 });
    const dupInBatch = makeTransfer(small, bob.walletId, 100);
    const items: unknown[] = [
      a1,
      badSig,
      a2,
      notATransfer,
      a3,
      overLimit,
      forbidden,
      stale,
      settled,
      dupInBatch,
      dupInBatch,
      { ...a1, amount: -1 },
    ];
    const { results } = await s.client.submitTransferBatch(items);
    expect(results).toHaveLength(items.length);
    const codes = results.map((r: BatchTransferItem) => (r.ok ? 'OK' : r.error.code));
    expect(codes).toEqual([
      'OK',
      'BAD_SIGNATURE',
      'OK',
      'INVALID_BODY',
      'INSUFFICIENT_FUNDS',
      'LIMIT_PER_PAYMENT',
      'FORBIDDEN',
      'STALE_REQUEST',
      'OK',
      'OK',
      'DUPLICATE_IN_BATCH',
      'INVALID_BODY',
    ]);
    const issuer = decodeKey(alice.issuerPublicKey);
    for (const [i, r] of results.entries()) {
      if (!r.ok) continue;
      verifyReceipt(r.receipt, items[i] as OnlineTransfer, issuer, nobleVerifier);
    }
    // the retry of an already settled transfer gets a receipt for the original settlement
    const retried = (results[8] as Extract<BatchTransferItem, { ok: true }>).receipt;
    expect(receiptBody(retried)).toEqual(receiptBody(settledAnswer.receipt));
    // every settled item is in one batch under one issuer signature
    const proofs = results.flatMap((r) => (r.ok && 'batch' in r.receipt ? [r.receipt.batch] : []));
    expect(proofs).toHaveLength(4);
    expect(new Set(proofs.map((p) => `${p.root}.${p.sig}`)).size).toBe(1);
    expect(proofs.map((p) => p.index)).toEqual([0, 1, 2, 3]);
    expect(await balanceOf(alice)).toBe(150);
    expect(await balanceOf(bob)).toBe(50 + 800 + 100);
    expect(await balanceOf(small)).toBe(300_000 - 100);
    expect(await balanceOf(mallory)).toBe(1_000);
    await expectAuditClean(s);
  });

  it('refuses unknown and revoked devices, a missing payee and paying oneself; answers a settled retry from the ledger', async () => {
    const carol = await s.openWallet({ tier: 2, topUp: 10_000 });
    const dave = await s.openWallet({ tier: 2 });
    const revoked = await s.openWallet({ tier: 2, topUp: 10_000 });
    const before = makeTransfer(revoked, dave.walletId, 300);
    const beforeAnswer = await s.client.submitTransfer(before);
    await s.ctx.store.revokeDevice(revoked.deviceId, 'lost phone', Date.now());
    const ok = makeTransfer(carol, dave.walletId, 100);
    const items: unknown[] = [
      makeTransfer(carol, dave.walletId, 10, { deviceId: 'd_nobody-has-this-device' }),
      makeTransfer(revoked, dave.walletId, 10),
      makeTransfer(carol, 'w_nobody-has-this-wallet', 10),
      makeTransfer(carol, carol.walletId, 10),
      ok,
      // The revoked device's payment settled before the revocation: a retry gets its receipt.
      before,
    ];
    const { results } = await s.client.submitTransferBatch(items);
    expect(results.map((r: BatchTransferItem) => (r.ok ? 'OK' : r.error.code))).toEqual([
      'UNAUTHENTICATED',
      'DEVICE_REVOKED',
      'WALLET_NOT_FOUND',
      'SAME_WALLET',
      'OK',
      'OK',
    ]);
    const retried = (results[5] as Extract<BatchTransferItem, { ok: true }>).receipt;
    expect(receiptBody(retried)).toEqual(receiptBody(beforeAnswer.receipt));
    const issuer = decodeKey(carol.issuerPublicKey);
    verifyReceipt(
      (results[4] as Extract<BatchTransferItem, { ok: true }>).receipt,
      ok,
      issuer,
      nobleVerifier,
    );
    expect(await balanceOf(carol)).toBe(10_000 - 100);
    // The retry moved nothing again: dave has the one earlier payment and the new one.
    expect(await balanceOf(dave)).toBe(300 + 100);
    await expectAuditClean(s);
  });

  it('a batch sent twice settles once and answers with the same receipts', async () => {
    const alice = await s.openWallet({ tier: 1, topUp: 10_000 });
    const bob = await s.openWallet({ tier: 1 });
    const transfers = Array.from({ length: 10 }, () => makeTransfer(alice, bob.walletId, 100));
    const first = await s.client.submitTransferBatch(transfers);
    const digest = await s.ctx.store.ledgerDigest();
    const second = await s.client.submitTransferBatch(transfers);
    expect(second.results).toEqual(first.results);
    expect(await s.ctx.store.ledgerDigest()).toBe(digest);
    expect(await balanceOf(alice)).toBe(9_000);
    await expectAuditClean(s);
  });

  it('settles 1,000 transfers between many wallets in one call', async () => {
    const wallets = await Promise.all(
      Array.from({ length: 20 }, () => s.openWallet({ tier: 1, topUp: 100_000 })),
    );
    const transfers = Array.from({ length: 1_000 }, (_, i) => {
      const from = wallets[i % 20]!;
      const to = wallets[(i + 1 + (i % 7)) % 20]!;
      return makeTransfer(from, to.walletId, 10 + (i % 50));
    });
    const { results } = await s.client.submitTransferBatch(transfers);
    expect(results.every((r) => r.ok)).toBe(true);
    const seqs = results.map((r) => (r.ok ? r.receipt.ledgerSeq : -1));
    expect(new Set(seqs).size).toBe(1_000);
    // each receipt proves its own transfer on its own: path up to the root the issuer signed once
    const issuer = decodeKey(wallets[0]!.issuerPublicKey);
    const receipts = results.map((r) => (r.ok ? r.receipt : null));
    for (const [i, r] of receipts.entries()) verifyReceipt(r!, transfers[i]!, issuer, nobleVerifier);
    const first = receipts[0]!;
    if (!('batch' in first)) throw new Error('a batch answers with batched receipts');
    expect(first.batch.size).toBe(1_000);
    expect(first.batch.path).toHaveLength(10);
    // a receipt moved to another position, or with another amount, no longer proves anything
    const moved = { ...first, batch: { ...first.batch, index: 1 } };
    expect(() => verifyReceipt(moved, transfers[0]!, issuer, nobleVerifier)).toThrow(
      /not in the receipt batch/,
    );
    const inflated = { ...first, amount: first.amount + 1 };
    expect(() => verifyReceipt(inflated, null, issuer, nobleVerifier)).toThrow(/not in the receipt batch/);
    let total = 0;
    for (const w of wallets) total += await balanceOf(w);
    expect(total).toBe(20 * 100_000);
    await expectAuditClean(s);
  });

  it('answers in the compact form: receipt bodies numbered in the batch and the signed head once', async () => {
    const wallets = await Promise.all(
      Array.from({ length: 4 }, () => s.openWallet({ tier: 1, topUp: 50_000 })),
    );
    const transfers = Array.from({ length: 300 }, (_, i) =>
      makeTransfer(wallets[i % 4]!, wallets[(i + 1) % 4]!.walletId, 1 + (i % 90)),
    );
    const refusedItem = { ...makeTransfer(wallets[0]!, wallets[1]!.walletId, 5), amount: 6 };
    const items = [...transfers.slice(0, 150), refusedItem, ...transfers.slice(150)];
    const answer = await raw(s, 'POST', '/v1/transfers/batch', {
      body: JSON.stringify({ transfers: items }),
    });
    expect(answer.status).toBe(200);
    const wire = BatchTransferResponseSchema.parse(answer.json);
    expect(wire.batch!.size).toBe(300);
    expect(wire.results[150]).toEqual({
      ok: false,
      error: { code: 'BAD_SIGNATURE', message: expect.any(String) },
    });
    expect(wire.results.flatMap((r) => (r.ok ? [r.index] : []))).toEqual(
      Array.from({ length: 300 }, (_, i) => i),
    );
    // no item repeats the head or carries a path: a few hundred bytes per settled transfer
    expect(answer.text).not.toContain('"path"');
    expect(answer.text.split(wire.batch!.sig)).toHaveLength(2);
    expect(answer.text.length / 301).toBeLessThan(320);
    // expanded by the client library, each receipt proves its own transfer
    const issuer = decodeKey(wallets[0]!.issuerPublicKey);
    const expanded = batchAnswerItems(wire);
    for (const [i, item] of expanded.entries()) {
      if (i === 150) expect(item.ok).toBe(false);
      else if (!item.ok) throw new Error(`item ${i} was refused`);
      else verifyReceipt(item.receipt, items[i] as OnlineTransfer, issuer, nobleVerifier);
    }
    let total = 0;
    for (const w of wallets) total += await balanceOf(w);
    expect(total).toBe(4 * 50_000);
    await expectAuditClean(s);
  });
});
