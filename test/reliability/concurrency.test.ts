/**
 * Concurrency: many transfers racing for one balance never overdraw it and
 * exactly the affordable number settle; the same transfer sent at once over
 * many connections settles once; mixed single and batch submissions agree.
 */
import { Agent } from 'node:http';
import { Accounts } from '@ecny-sim/server';
import type { TransferReceipt } from '@ecny-sim/wallet-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeOf,
  expectAuditClean,
  makeTransfer,
  type RawResponse,
  recordFigures,
  type Server,
  send,
  startServer,
  type Wallet,
} from './_support';

describe('concurrency', () => {
  let s: Server;
  let payees: Wallet[];
  beforeAll(async () => {
    s = await startServer();
    payees = await Promise.all(Array.from({ length: 5 }, () => s.openWallet({ tier: 2 })));
  });
  afterAll(() => s.close());

  /** One socket per request: no request waits for another connection to be free. */
  const agent = () => new Agent({ keepAlive: true, maxSockets: 256 });
  const post = (a: Agent, path: string, body: unknown) =>
    send(a, s.port, 'POST', path, {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  const balance = async (walletId: string) =>
    (await s.ctx.store.getBalance(Accounts.wallet(walletId).id)) ?? 0;

  it('200 parallel transfers against one balance: exactly the affordable 73 settle, never negative', async () => {
    const AMOUNT = 137;
    const AFFORDABLE = 73;
    const payer = await s.openWallet({ tier: 2, topUp: AMOUNT * AFFORDABLE + AMOUNT - 1 });
    const transfers = Array.from({ length: 200 }, (_, i) =>
      makeTransfer(payer, payees[i % payees.length]!.walletId, AMOUNT),
    );
    const a = agent();
    let lowest = Number.POSITIVE_INFINITY;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        lowest = Math.min(lowest, await balance(payer.walletId));
        await new Promise((r) => setImmediate(r));
      }
    })();
    const started = performance.now();
    const results = await Promise.all(transfers.map((t) => post(a, '/v1/transfers', t)));
    const ms = performance.now() - started;
    watching = false;
    await watcher;
    a.destroy();

    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(ok).toHaveLength(AFFORDABLE);
    expect(refused.every((r) => r.status === 409 && codeOf(r) === 'INSUFFICIENT_FUNDS')).toBe(true);
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(await balance(payer.walletId)).toBe(AMOUNT - 1);
    // every receipt names its own ledger position
    const seqs = ok.map((r) => (r.json as { receipt: TransferReceipt }).receipt.ledgerSeq);
    expect(new Set(seqs).size).toBe(AFFORDABLE);
    // and the refused ones left no trace
    for (const [i, r] of results.entries()) {
      const stored = await s.ctx.store.getTransfer(`pay:${transfers[i]!.transferId}`);
      expect(!!stored).toBe(r.status === 200);
    }
    await expectAuditClean(s);
    await recordFigures('concurrency', { parallel: 200, settled: ok.length, ms: Math.round(ms) });
  });

  it('the same transfer sent at once over 64 connections settles once, each answer the same receipt', async () => {
    const payer = await s.openWallet({ tier: 2, topUp: 10_000 });
    const t = makeTransfer(payer, payees[0]!.walletId, 1_234);
    const payeeBefore = await balance(payees[0]!.walletId);
    const a = agent();
    const results = await Promise.all(Array.from({ length: 64 }, () => post(a, '/v1/transfers', t)));
    a.destroy();
    expect(results.map((r) => r.status)).toEqual(Array(64).fill(200));
    const receipts = results.map((r) => (r.json as { receipt: TransferReceipt }).receipt);
    for (const r of receipts) expect(r).toEqual(receipts[0]);
    expect(await balance(payer.walletId)).toBe(10_000 - 1_234);
    expect(await balance(payees[0]!.walletId)).toBe(payeeBefore + 1_234);
    const history = await payer.client.history(payer.walletId, 500);
    expect(history.entries.filter((e) => e.transferId === t.transferId)).toHaveLength(1);
    await expectAuditClean(s);
  });

  it('one transfer id with different contents in parallel: one settles, the others are conflicts', async () => {
    const payer = await s.openWallet({ tier: 2, topUp: 10_000 });
    const id = `tx_same_${Date.now()}`;
    const variants = Array.from({ length: 40 }, (_, i) =>
      makeTransfer(payer, payees[i % payees.length]!.walletId, 100 + i, { transferId: id }),
    );
    const a = agent();
    const results = await Promise.all(variants.map((t) => post(a, '/v1/transfers', t)));
    a.destroy();
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === 'IDEMPOTENCY_CONFLICT')).toHaveLength(39);
    const winner = (ok[0]!.json as { receipt: TransferReceipt }).receipt;
    expect(await balance(payer.walletId)).toBe(10_000 - winner.amount);
    await expectAuditClean(s);
  });

  it('singles and batches racing for one balance, with duplicates across them, never overdraw', async () => {
    const AMOUNT = 50;
    const payer = await s.openWallet({ tier: 2, topUp: 100 * AMOUNT });
    const transfers = Array.from({ length: 300 }, (_, i) =>
      makeTransfer(payer, payees[i % payees.length]!.walletId, AMOUNT),
    );
    const a = agent();
    const calls: Promise<RawResponse>[] = [];
    // 150 singles, and every transfer (the same 150 again plus 150 others) in batches of 25
    for (const t of transfers.slice(0, 150)) calls.push(post(a, '/v1/transfers', t));
    for (let i = 0; i < 300; i += 25) {
      calls.push(post(a, '/v1/transfers/batch', { transfers: transfers.slice(i, i + 25) }));
    }
    const results = await Promise.all(calls);
    a.destroy();
    for (const r of results)
      expect(r.status === 200 || codeOf(r) === 'INSUFFICIENT_FUNDS', r.text).toBe(true);
    expect(await balance(payer.walletId)).toBe(0);
    let settled = 0;
    for (const t of transfers) if (await s.ctx.store.getTransfer(`pay:${t.transferId}`)) settled++;
    expect(settled).toBe(100);
    await expectAuditClean(s);
  });
});
