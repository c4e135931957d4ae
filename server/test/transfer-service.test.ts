/**
 * The transfer service in-process: racing submissions that share a transfer
 * id but not content must never each get a receipt (the store compares only
 * the ledger fields, so the service checks the signed transfer itself).
 */
import {
  batchAnswerItems,
  encodeKey,
  generateKeyPair,
  NobleSigner,
  nobleVerifier,
  type OnlineTransfer,
  REGISTRATION_TYPE,
  signObject,
  signTransfer,
  verifyReceipt,
} from '@ecny-sim/wallet-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createContext, defaultConfig } from '../src/bootstrap';
import type { Ctx } from '../src/context';
import { runAudit } from '../src/ledger/audit';
import { submitBatch, submitTransfer } from '../src/transfers/service';
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
