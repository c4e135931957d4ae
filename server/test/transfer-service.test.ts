/**
 * The transfer service in-process: racing submissions that share a transfer
 * id but not content must never each get a receipt (the store compares only
 * the ledger fields, so the service checks the signed transfer itself);
 * receipts asked for in one turn share one issuer signature.
 */
import {
  batchAnswerItems,
  encodeKey,
  generateKeyPair,
  NobleSigner,
  nobleVerifier,
  type OnlineTransfer,
  REGISTRATION_TYPE,
  receiptBody,
  signObject,
  signReceipt,
  signTransfer,
  verifyReceipt,
} from '@ecny-sim/wallet-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createContext, defaultConfig } from '../src/bootstrap';
import type { Ctx } from '../src/context';
import { runAudit } from '../src/ledger/audit';
import { ledgerId, receiptSoon, submitBatch, submitTransfer } from '../src/transfers/service';
import { walletHistory } from '../src/wallets/history';
import { openWallet, topUp } from '../src/wallets/service';

let ctx: Ctx | undefined;
afterEach(async () => {
  await ctx?.store.close();
  ctx = undefined;
});

async function wallet(c: Ctx, amount: number) {
  const signer = new NobleSigner(generateKeyPair().secretKey);
  const opened = await openWallet(
    c,
    signObject(
      REGISTRATION_TYPE,
      {
        operatorId: 'op_icbc',
        tier: 1 as const,
        displayName: 'w',
        devicePublicKey: encodeKey(signer.publicKey),
        createdAt: Date.now(),
      },
      signer,
    ),
  );
  const row = (await c.store.getWallet(opened.wallet.walletId))!;
  if (amount) await topUp(c, row, `seed-${row.walletId}`, amount);
  return { walletId: row.walletId, deviceId: opened.deviceId, signer };
}

const variant = (
  w: Awaited<ReturnType<typeof wallet>>,
  to: string,
  memo: string,
  transferId = 'tx_shared-id-0001',
): OnlineTransfer =>
  signTransfer(
    { transferId, from: w.walletId, to, amount: 500, memo, deviceId: w.deviceId, createdAt: Date.now() },
    w.signer,
  );

describe('transfer service races', () => {
  it('single submissions racing with one id: one receipt, the rest IDEMPOTENCY_CONFLICT', async () => {
    ctx = await createContext(defaultConfig());
    const c = ctx;
    const alice = await wallet(c, 10_000);
    const bob = await wallet(c, 0);
    const variants = ['a', 'b', 'c', 'd'].map((m) => variant(alice, bob.walletId, m));
    const settled = await Promise.allSettled(variants.map((t) => submitTransfer(c, t)));
    const ok = settled.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    for (const r of settled) {
      if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('IDEMPOTENCY_CONFLICT');
    }
    const winner = variants[settled.indexOf(ok[0]!)]!;
    const { receipt } = (ok[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof submitTransfer>>>).value;
    verifyReceipt(receipt, winner, c.world.issuer.publicKey, nobleVerifier);
    expect(await c.store.getBalance(`wallet:${alice.walletId}`)).toBe(9_500);
    expect((await runAudit(c.store)).breaks).toEqual([]);
  });

  it('a batch racing a single submission with the same id: no receipt for the content not settled', async () => {
    ctx = await createContext(defaultConfig());
    const c = ctx;
    const alice = await wallet(c, 10_000);
    const bob = await wallet(c, 0);
    const single = variant(alice, bob.walletId, 'single', 'tx_batch-race-0001');
    const inBatch = variant(alice, bob.walletId, 'batched', 'tx_batch-race-0001');
    const [one, batch] = await Promise.allSettled([submitTransfer(c, single), submitBatch(c, [inBatch])]);
    const singleOk = one.status === 'fulfilled';
    const batchResult = batch.status === 'fulfilled' ? batchAnswerItems(batch.value)[0]! : null;
    expect(batchResult).not.toBeNull();
    // exactly one of the two settled, and whoever got a receipt got one for its own transfer
    expect(Number(singleOk) + Number(batchResult!.ok)).toBe(1);
    if (batchResult!.ok)
      verifyReceipt(batchResult!.receipt, inBatch, c.world.issuer.publicKey, nobleVerifier);
    else expect(batchResult!.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await c.store.getBalance(`wallet:${alice.walletId}`)).toBe(9_500);
    expect((await runAudit(c.store)).breaks).toEqual([]);
  });
});

describe('receipts asked for together share one issuer signature', () => {
  it('a lone transfer gets the signed receipt of wallet-core; receipts asked for in one turn a batch path each', async () => {
    ctx = await createContext(defaultConfig());
    const c = ctx;
    const bob = await wallet(c, 0);
    const payers = await Promise.all(Array.from({ length: 6 }, () => wallet(c, 10_000)));
    const lone = payment(payers[0]!, bob.walletId, 'tx_lone-receipt-01');
    const { receipt: loneReceipt } = await submitTransfer(c, lone);
    // Byte for byte the receipt wallet-core's signReceipt makes for the same body.
    expect(loneReceipt).toEqual(signReceipt(receiptBody(loneReceipt), c.world.issuer));

    const together = payers.map((w, i) => payment(w, bob.walletId, `tx_together-${i}-receipt`));
    const answers = await Promise.all(together.map((t) => submitTransfer(c, t)));
    // How many shared a signature depends on how the store grouped their commits; asked for in
    // one turn, the six receipts are one tree of six, signed once.
    const stored = await Promise.all(together.map((t) => c.store.getTransfer(ledgerId(t))));
    const batched = await Promise.all(together.map((t, i) => receiptSoon(c, t, stored[i]!)));
    const heads = new Set(
      batched.map((r) => ('batch' in r ? JSON.stringify([r.batch.root, r.batch.size, r.batch.sig]) : 'lone')),
    );
    expect([...heads]).toHaveLength(1);
    expect(batched.map((r) => ('batch' in r ? r.batch.index : -1))).toEqual([0, 1, 2, 3, 4, 5]);
    batched.forEach((r, i) => {
      expect(receiptBody(r)).toEqual(receiptBody(answers[i]!.receipt));
      verifyReceipt(r, together[i]!, c.world.issuer.publicKey, nobleVerifier);
    });
    answers.forEach((a, i) => {
      verifyReceipt(a.receipt, together[i]!, c.world.issuer.publicKey, nobleVerifier);
      // Another transfer's receipt, or a changed amount, does not pass.
      expect(() =>
        verifyReceipt(a.receipt, together[(i + 1) % 6]!, c.world.issuer.publicKey, nobleVerifier),
      ).toThrow(/does not match/);
      expect(() =>
        verifyReceipt({ ...a.receipt, amount: 1 }, null, c.world.issuer.publicKey, nobleVerifier),
      ).toThrow(/not in the receipt batch|not signed by the issuer/);
    });
    expect(await c.store.getBalance(`wallet:${bob.walletId}`)).toBe(7 * 500);
    expect((await runAudit(c.store)).breaks).toEqual([]);
  });

  it('the same settlement asked for twice in a turn is one leaf and one answer; history is one batch', async () => {
    ctx = await createContext(defaultConfig());
    const c = ctx;
    const alice = await wallet(c, 10_000);
    const bob = await wallet(c, 0);
    const t = payment(alice, bob.walletId, 'tx_twice-in-a-turn');
    const [a, b] = await Promise.all([submitTransfer(c, t), submitTransfer(c, t)]);
    expect(b.receipt).toEqual(a.receipt);
    verifyReceipt(a.receipt, t, c.world.issuer.publicKey, nobleVerifier);
    for (let i = 0; i < 3; i++) await submitTransfer(c, payment(alice, bob.walletId, `tx_history-${i}-item`));
    const entries = await walletHistory(c, bob.walletId, 10);
    expect(entries).toHaveLength(4);
    const receipts = entries.map((e) => e.receipt!);
    expect(receipts.every((r) => 'batch' in r && r.batch.size === 4)).toBe(true);
    entries.forEach((e) => {
      verifyReceipt(e.receipt!, e.transfer, c.world.issuer.publicKey, nobleVerifier);
    });
    expect(await c.store.getBalance(`wallet:${alice.walletId}`)).toBe(10_000 - 4 * 500);
    expect((await runAudit(c.store)).breaks).toEqual([]);
  });
});

/** A payment of ¥5 from `w` to `to`. */
function payment(w: Awaited<ReturnType<typeof wallet>>, to: string, transferId: string): OnlineTransfer {
  return signTransfer(
    { transferId, from: w.walletId, to, amount: 500, deviceId: w.deviceId, createdAt: Date.now() },
    w.signer,
  );
}
