/**
 * (d) Ledger throughput straight through the store, on a file database with
 * WAL and synchronous=FULL: many concurrent applyTransfers calls (group
 * commit: one transaction and one fsync per tick) and applyMany (one
 * transaction per call).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Accounts, type LedgerTransfer, SqliteStore } from '@ecny-sim/server';
import type { Row } from './common';

export interface LedgerBenchOptions {
  wallets?: number;
  transfers?: number;
  /** Concurrent applyTransfers callers per wave. */
  concurrency?: number;
  /** Groups per applyMany call. */
  manySize?: number;
}

export async function benchLedger(options: LedgerBenchOptions = {}): Promise<Row[]> {
  const walletCount = options.wallets ?? 1_000;
  const total = options.transfers ?? 20_000;
  const concurrency = options.concurrency ?? 50;
  const manySize = options.manySize ?? 1_000;
  const dir = mkdtempSync(join(tmpdir(), 'ecny-ledger-'));
  const store = new SqliteStore({ path: join(dir, 'ledger.sqlite'), synchronous: 'FULL' });
  try {
    const wallets = Array.from({ length: walletCount }, (_, i) => Accounts.wallet(`w_bench${i}`));
    await store.ensureAccounts([Accounts.issuance(), Accounts.vault('op_bench'), ...wallets]);
    await store.applyMany([
      [
        {
          id: 'issue',
          debit: 'issuance',
          credit: 'vault:op_bench',
          amount: walletCount * 10_000_000,
          kind: 'issue',
        },
      ],
      ...wallets.map((w, i): LedgerTransfer[] => [
        { id: `fund-${i}`, debit: 'vault:op_bench', credit: w.id, amount: 10_000_000, kind: 'topup' },
      ]),
    ]);
    let n = 0;
    const group = (): LedgerTransfer[] => {
      const i = n++;
      return [
        {
          id: `t-${i}`,
          debit: wallets[i % walletCount]!.id,
          credit: wallets[(i * 31 + 1) % walletCount]!.id,
          amount: 1 + (i % 100),
          kind: 'payment',
          limits: { dailyMax: null, creditBalanceMax: null },
        },
      ];
    };

    let t0 = performance.now();
    let ok = 0;
    for (let done = 0; done < total; done += concurrency) {
      const outcomes = await Promise.all(
        Array.from({ length: concurrency }, () => store.applyTransfers(group())),
      );
      for (const o of outcomes) if (o.ok) ok++;
    }
    const concurrentRate = (ok * 1000) / (performance.now() - t0);

    t0 = performance.now();
    let okMany = 0;
    for (let done = 0; done < total; done += manySize) {
      const outcomes = await store.applyMany(Array.from({ length: manySize }, group));
      for (const o of outcomes) if (o.ok) okMany++;
    }
    const manyRate = (okMany * 1000) / (performance.now() - t0);

    return [
      {
        bench: 'ledger',
        name: `applyTransfers, ${concurrency} concurrent (group commit, FULL)`,
        value: concurrentRate,
        unit: 'transfers/s',
        extra: { settled: ok },
      },
      {
        bench: 'ledger',
        name: `applyMany, ${manySize.toLocaleString('en-US')} groups per call (FULL)`,
        value: manyRate,
        unit: 'transfers/s',
        extra: { settled: okMany },
      },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
