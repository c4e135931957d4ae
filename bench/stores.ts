/**
 * The two stores side by side, in the same run: online transfers/s through
 * the store (many concurrent applyTransfers callers, group commit; and
 * applyMany) and reconciliation spends/s (recordSpends of fresh one-hop
 * paths, then the same paths uploaded again). SQLite on a file with WAL and
 * synchronous=FULL; PostgreSQL at DATABASE_URL in a throwaway schema
 * (skipped, with a note, when DATABASE_URL is not set).
 * Runs alone: `DATABASE_URL=postgres://... npx tsx bench/stores.ts`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Accounts, type LedgerTransfer, PostgresStore, SqliteStore, type Store } from '@ecny-sim/server';
import type { SpendCandidate } from '@ecny-sim/server/store/offline-rows';
import { fmt, fundWallets, printRows, type Row } from './common';

export interface StoresBenchOptions {
  wallets?: number;
  transfers?: number;
  /** applyTransfers calls kept in flight. */
  concurrency?: number;
  /** Groups per applyMany call. */
  manySize?: number;
  /** Spends recorded (one-hop paths). */
  spends?: number;
  /** Paths per recordSpends call. */
  spendBatch?: number;
  databaseUrl?: string;
}

async function measureStore(
  label: string,
  store: Store,
  o: Required<Omit<StoresBenchOptions, 'databaseUrl'>>,
) {
  const wallets = Array.from({ length: o.wallets }, (_, i) => Accounts.wallet(`w_bench${i}`));
  await fundWallets(store, wallets, 10_000_000);
  let n = 0;
  const group = (): LedgerTransfer[] => {
    const i = n++;
    return [
      {
        id: `t-${i}`,
        debit: wallets[i % o.wallets]!.id,
        credit: wallets[(i * 31 + 1) % o.wallets]!.id,
        amount: 1 + (i % 100),
        kind: 'payment',
      },
    ];
  };

  // applyTransfers: `concurrency` callers, each starting a new group as soon as its last settles.
  let t0 = performance.now();
  let ok = 0;
  let started = 0;
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (started < o.transfers) {
        started++;
        if ((await store.applyTransfers(group())).ok) ok++;
      }
    }),
  );
  const concurrentRate = (ok * 1000) / (performance.now() - t0);

  t0 = performance.now();
  let okMany = 0;
  for (let done = 0; done < o.transfers; done += o.manySize) {
    for (const r of await store.applyMany(Array.from({ length: o.manySize }, group))) if (r.ok) okMany++;
  }
  const manyRate = (okMany * 1000) / (performance.now() - t0);

  // Reconciliation: fresh one-hop spends with two outputs each, then the same uploads again.
  const candidate = (i: number): SpendCandidate => {
    const coin = `c_${i}_${randomBytes(6).toString('hex')}`;
    const hash = `h_${randomBytes(16).toString('hex')}`;
    const outputs = [
      { coinId: `${coin}.0`, owner: `pk_payee${i % 97}`, amount: 600 },
      { coinId: `${coin}.1`, owner: `pk_payer${i % 89}`, amount: 400 },
    ];
    return {
      inputCoinId: coin,
      spendHash: hash,
      spendJson: JSON.stringify({ inputCoinId: coin, outputs }),
      rootCoinId: coin,
      operatorId: 'op_bench',
      hop: 1,
      amount: 1_000,
      signerDeviceId: `d_${i % 89}`,
      signerWalletId: `w_bench${i % o.wallets}`,
      inputOwner: `pk_payer${i % 89}`,
      outputs,
      toIssuer: 0,
      proof: () => ({ coinJson: '{}', culpritJson: '{}' }),
    };
  };
  const batches: SpendCandidate[][][] = [];
  for (let i = 0; i < o.spends; i += o.spendBatch)
    batches.push(Array.from({ length: Math.min(o.spendBatch, o.spends - i) }, (_, j) => [candidate(i + j)]));
  const policy = { revokeCulprit: true, recoverFromCulprit: true };
  let spendRate = 0;
  let knownRate = 0;
  let recorded = 0;
  try {
    t0 = performance.now();
    for (const paths of batches) {
      const r = await store.recordSpends({ paths, uploader: 'd_bench', at: Date.now(), policy });
      recorded += r.paths.filter((p) => p[0]?.status === 'new').length;
    }
    spendRate = (recorded * 1000) / (performance.now() - t0);
    t0 = performance.now();
    for (const paths of batches)
      await store.recordSpends({ paths, uploader: 'd_bench', at: Date.now(), policy });
    knownRate = (o.spends * 1000) / (performance.now() - t0);
  } catch (e) {
    if ((e as { code?: string }).code !== 'NOT_IMPLEMENTED') throw e;
  }

  const rows: Row[] = [
    {
      bench: 'stores',
      name: `${label}: applyTransfers, ${o.concurrency} in flight (group commit)`,
      value: concurrentRate,
      unit: 'transfers/s',
      extra: { settled: ok },
    },
    {
      bench: 'stores',
      name: `${label}: applyMany, ${fmt(o.manySize)} groups per call`,
      value: manyRate,
      unit: 'transfers/s',
      extra: { settled: okMany },
    },
    {
      bench: 'stores',
      name: `${label}: recordSpends, fresh spends, ${fmt(o.spendBatch)} paths per call`,
      value: spendRate,
      unit: 'spends/s',
      extra: { recorded },
    },
    {
      bench: 'stores',
      name: `${label}: recordSpends, re-uploaded (known) spends`,
      value: knownRate,
      unit: 'spends/s',
    },
  ];
  return rows;
}

/** Both stores, same workload, same run; PostgreSQL only when a URL is given (or DATABASE_URL is set). */
export async function benchStores(options: StoresBenchOptions = {}): Promise<Row[]> {
  const o = {
    wallets: options.wallets ?? 1_000,
    transfers: options.transfers ?? 20_000,
    concurrency: options.concurrency ?? 200,
    manySize: options.manySize ?? 1_000,
    spends: options.spends ?? 20_000,
    spendBatch: options.spendBatch ?? 1_000,
  };
  const rows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ecny-stores-'));
  const sqlite = new SqliteStore({ path: join(dir, 'bench.sqlite'), synchronous: 'FULL' });
  try {
    rows.push(...(await measureStore('SQLite (WAL, FULL)', sqlite, o)));
  } finally {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const url = options.databaseUrl ?? process.env.DATABASE_URL;
  if (!url) {
    rows.push({
      bench: 'stores',
      name: 'PostgreSQL: skipped (set DATABASE_URL=postgres://...)',
      value: 0,
      unit: '',
    });
    return rows;
  }
  const pg = await PostgresStore.open({ url, throwawaySchema: true, poolSize: 16 });
  try {
    rows.push(...(await measureStore('PostgreSQL', pg, o)));
  } finally {
    await pg.close();
  }
  return rows;
}

/** The figures of both stores in one table: one line per measurement, a column per store. */
export function printSideBySide(rows: Row[]): void {
  const byMeasure = new Map<string, Map<string, Row>>();
  const stores: string[] = [];
  for (const r of rows) {
    const i = r.name.indexOf(': ');
    const store = r.name.slice(0, i);
    const measure = r.name.slice(i + 2);
    if (!stores.includes(store)) stores.push(store);
    if (!byMeasure.has(measure)) byMeasure.set(measure, new Map());
    byMeasure.get(measure)!.set(store, r);
  }
  const head = ['measurement', ...stores];
  const lines = [...byMeasure].map(([m, per]) => [
    m,
    ...stores.map((s) => {
      const r = per.get(s);
      return r?.unit ? `${fmt(r.value)} ${r.unit}` : '-';
    }),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  for (const l of lines) console.log(line(l));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await benchStores();
  printRows(rows);
  console.log();
  printSideBySide(rows.filter((r) => r.unit));
}
