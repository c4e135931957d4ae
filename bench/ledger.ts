/**
 * (d) Ledger throughput straight through the store, on a file database with
 * WAL and synchronous=FULL: many concurrent applyTransfers calls (group
 * commit: one transaction and one fsync per tick) and applyMany (one
 * transaction per call). Then (d2) payments written as the server writes
 * them, with wallet-core's time-ordered transfer ids against random ones.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Accounts, type LedgerTransfer, SqliteStore } from '@ecny-sim/server';
import { sortableId } from '@ecny-sim/wallet-core';
import { fundWallets, type Row } from './common';

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
    await fundWallets(store, wallets, 10_000_000);
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

/** A store on a fresh file database with `wallets` funded wallet accounts. */
async function fundedStore(
  dir: string,
  name: string,
  wallets: ReturnType<typeof Accounts.wallet>[],
): Promise<SqliteStore> {
  const store = new SqliteStore({ path: join(dir, `${name}.sqlite`), synchronous: 'FULL' });
  await fundWallets(store, wallets, 1e9);
  return store;
}

/**
 * (d2) Payments as `POST /v1/transfers/batch` hands them to the ledger (the
 * signed transfer kept with the row, the payer's daily total, slices of 128
 * groups with several in flight), into two databases side by side: one gets
 * transfer ids made by wallet-core's sortableId, the other random ids of the
 * same length. They take turns, a chunk at a time, so both see the same
 * machine; the ratio is what random ids cost the ledger's index of ids.
 */
export async function benchIdOrder(options: { transfers?: number; wallets?: number } = {}): Promise<Row[]> {
  const total = options.transfers ?? 120_000;
  const walletCount = options.wallets ?? 1_000;
  const slice = 128;
  const inFlight = 8;
  const chunk = slice * inFlight * 10;
  const dir = mkdtempSync(join(tmpdir(), 'ecny-ids-'));
  const walletIds = Array.from({ length: walletCount }, (_, i) => `w_bench${String(i).padStart(22, '0')}`);
  const wallets = walletIds.map((w) => Accounts.wallet(w));
  const kinds = {
    sortable: () => sortableId('tx'),
    random: () => `tx_${randomBytes(19).toString('base64url').slice(0, 25)}`,
  };
  const runs = Object.entries(kinds).map(([name, id]) => ({
    name,
    id,
    store: undefined as SqliteStore | undefined,
    ms: 0,
    ok: 0,
    n: 0,
  }));
  try {
    for (const run of runs) run.store = await fundedStore(dir, run.name, wallets);
    const payment = (run: (typeof runs)[number]): LedgerTransfer[] => {
      const i = run.n++;
      const from = walletIds[i % walletCount]!;
      const to = walletIds[(i * 7919 + 1) % walletCount]!;
      const transfer = {
        transferId: run.id(),
        from,
        to,
        amount: 1 + (i % 100),
        deviceId: `d_${from.slice(2)}`,
        createdAt: Date.now(),
        sig: randomBytes(64).toString('base64url'),
      };
      return [
        {
          id: `pay:${transfer.transferId}`,
          debit: Accounts.wallet(from).id,
          credit: Accounts.wallet(to).id,
          amount: transfer.amount,
          kind: 'payment',
          meta: { transfer },
          limits: { creditBalanceMax: 1e12, dailyMax: 1e12, dailyKey: `pay:${from}`, day: '2026-11-28' },
        },
      ];
    };
    for (let done = 0; done < total; done += chunk) {
      for (const run of runs) {
        // Made before the clock starts: only the ledger's work is timed.
        const calls = Array.from({ length: chunk / slice }, () =>
          Array.from({ length: slice }, () => payment(run)),
        );
        const t0 = performance.now();
        for (let k = 0; k < calls.length; k += inFlight) {
          const outcomes = await Promise.all(
            calls.slice(k, k + inFlight).map((c) => run.store!.applyMany(c)),
          );
          for (const o of outcomes.flat()) if (o.ok) run.ok++;
        }
        run.ms += performance.now() - t0;
      }
    }
    const rate = (run: (typeof runs)[number]) => (run.ok * 1000) / run.ms;
    const [sortable, random] = runs as [(typeof runs)[number], (typeof runs)[number]];
    return [
      {
        bench: 'ledger',
        name: 'payments as the batch writes them, time-ordered ids (sortableId)',
        value: rate(sortable),
        unit: 'transfers/s',
        extra: { settled: sortable.ok },
      },
      {
        bench: 'ledger',
        name: '  the same, random transfer ids',
        value: rate(random),
        unit: 'transfers/s',
        extra: {
          settled: random.ok,
          'x time-ordered ids': Number((rate(random) / rate(sortable)).toFixed(2)),
        },
      },
    ];
  } finally {
    for (const run of runs) await run.store?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
