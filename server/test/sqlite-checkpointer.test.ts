/**
 * Checkpoints of a file database's write-ahead log, run by a worker instead of inside commits;
 * group commits around the log's sync.
 */
import { copyFileSync, fsync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Accounts } from '../src/ledger/accounts';
import { runAudit } from '../src/ledger/audit';
import { type SqliteOptions, SqliteStore } from '../src/store/sqlite';
import { WalCheckpointer } from '../src/store/sqlite-checkpointer';
import type { LedgerTransfer } from '../src/store/store';
import { issuerAccounts } from './support/ledger';

const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) if (s.db.open) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const WALLETS = 20;
const wallet = (i: number) => Accounts.wallet(`w_${i}`).id;

async function fileStore(
  options: Partial<SqliteOptions> = {},
): Promise<{ store: SqliteStore; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ecny-ckpt-'));
  dirs.push(dir);
  const path = join(dir, 'ledger.sqlite');
  const store = new SqliteStore({ path, ...options });
  stores.push(store);
  await store.ensureAccounts([
    ...issuerAccounts('op_a'),
    ...Array.from({ length: WALLETS }, (_, i) => Accounts.wallet(`w_${i}`)),
  ]);
  const issued = WALLETS * 1_000_000;
  await store.applyTransfers([
    {
      id: 'reserve',
      debit: 'reserve-source',
      credit: 'reserve:op_a',
      amount: issued,
      kind: 'reserve_deposit',
    },
    {
      id: 'pledge',
      debit: 'reserve:op_a',
      credit: 'reserve-backing',
      amount: issued,
      kind: 'reserve_pledge',
    },
    { id: 'issue', debit: 'issuance', credit: 'vault:op_a', amount: WALLETS * 1_000_000, kind: 'issue' },
    ...Array.from(
      { length: WALLETS },
      (_, i): LedgerTransfer => ({
        id: `fund-${i}`,
        debit: 'vault:op_a',
        credit: wallet(i),
        amount: 1_000_000,
        kind: 'topup',
      }),
    ),
  ]);
  return { store, path };
}

const payment = (n: number): LedgerTransfer[] => [
  {
    id: `p-${n}`,
    debit: wallet(n % WALLETS),
    credit: wallet((n * 7 + 3) % WALLETS === n % WALLETS ? (n + 1) % WALLETS : (n * 7 + 3) % WALLETS),
    amount: 1 + (n % 50),
    kind: 'payment',
    meta: { memo: `payment ${n}`.padEnd(200, '.') },
  },
];

describe('WAL checkpoints off the event loop', () => {
  it('never checkpoints inside a commit, and the worker copies every commit back into the database file', async () => {
    const { store, path } = await fileStore();
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    let n = 0;
    for (let round = 0; round < 30; round++) {
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, () => store.applyTransfers(payment(n++))),
      );
      expect(outcomes.every((o) => o.ok)).toBe(true);
    }
    await store.checkpointed();
    expect(store.checkpoints!.runs).toBeGreaterThan(0);
    expect(store.checkpoints!.checkpointed).toBe(store.checkpoints!.log);
    // The database file alone, without its log, holds every transfer.
    const copy = `${path}.copy`;
    copyFileSync(path, copy);
    const alone = new Database(copy, { readonly: true });
    try {
      expect(alone.prepare('SELECT COUNT(*) AS n FROM transfers').get()).toEqual({ n: 3 + WALLETS + n });
      expect(alone.prepare('SELECT SUM(balance) AS s FROM accounts').get()).toEqual({ s: 0 });
    } finally {
      alone.close();
    }
    expect((await runAudit(store)).ok).toBe(true);
  });

  it('waiting for the checkpoints also waits for the commits made while one ran', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecny-ckpt-'));
    dirs.push(dir);
    const path = join(dir, 'log.sqlite');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (x INTEGER)');
    // An interval no test outlasts: a checkpoint starts only when someone waits for one.
    const checkpointer = new WalCheckpointer({ path, intervalMs: 3_600_000 });
    try {
      const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
      insert.run(1);
      checkpointer.committed();
      const idle = checkpointer.idle(); // starts the checkpoint the commit was waiting for
      insert.run(2);
      checkpointer.committed(); // made while that checkpoint runs
      await idle;
      expect(checkpointer.stats.runs).toBe(2);
      expect(checkpointer.stats.checkpointed).toBe(checkpointer.stats.log);
      const copy = `${path}.copy`;
      copyFileSync(path, copy);
      const alone = new Database(copy, { readonly: true });
      try {
        expect(alone.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 2 });
      } finally {
        alone.close();
      }
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it('holds commits for a checkpoint once the log is long, so that it restarts under sustained writes', async () => {
    const { store, path } = await fileStore({ checkpoints: { intervalMs: 0, restartFrames: 64 } });
    let n = 0;
    // Commits back to back: a new wave of payments is queued while the previous one commits.
    const waves: Promise<unknown>[] = [];
    // Until the log has restarted (bounded: it takes a hundred or two waves here).
    for (let wave = 0; wave < 150 || (store.checkpoints!.restarts === 0 && wave < 5_000); wave++) {
      waves.push(Promise.all(Array.from({ length: 20 }, () => store.applyTransfers(payment(n++)))));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const settled = (await Promise.all(waves)).flat() as { ok: boolean }[];
    expect(settled.filter((o) => o.ok)).toHaveLength(n);
    expect(store.checkpoints!.held).toBeGreaterThan(0);
    // The log restarted: a checkpoint found fewer frames than the one before.
    expect(store.checkpoints!.restarts).toBeGreaterThan(0);
    const balances = await Promise.all(
      Array.from({ length: WALLETS }, (_, i) => store.getBalance(wallet(i))),
    );
    expect(balances.reduce<number>((a, b) => a + (b ?? 0), 0)).toBe(WALLETS * 1_000_000);
    expect((await runAudit(store)).ok).toBe(true);
    const digest = await store.ledgerDigest();
    await store.close();
    const reopened = new SqliteStore({ path });
    stores.push(reopened);
    expect(await reopened.ledgerDigest()).toBe(digest);
    expect((await runAudit(reopened)).ok).toBe(true);
  });

  it('without its worker (the database could not be opened there), the store checkpoints in its commits again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecny-ckpt-'));
    const store = new SqliteStore({ path: join(dir, 'ledger.sqlite') });
    // The folder moves before the worker opens the file by its name (the store's connection is open).
    renameSync(dir, `${dir}-moved`);
    dirs.push(`${dir}-moved`);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 100 && store.db.pragma('wal_autocheckpoint', { simple: true }) === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      await store.ensureAccounts([Accounts.issuance(), Accounts.vault('op_a')]);
      await store.applyTransfers([
        { id: 'i', debit: 'issuance', credit: 'vault:op_a', amount: 5, kind: 'issue' },
      ]);
      expect(await store.getBalance('vault:op_a')).toBe(5);
      await store.close();
      expect(warnings.some((w) => w.startsWith('WAL checkpoint:'))).toBe(true);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

/** A log sync that runs at once, or is held (in `held`) while `hold` is set. */
function heldLogSync() {
  const log = {
    hold: false,
    held: [] as (() => void)[],
    syncLog: (fd: number, done: (err: Error | null) => void) => {
      if (log.hold) log.held.push(() => fsync(fd, done));
      else fsync(fd, done);
    },
  };
  return log;
}

describe('group commits and the log sync', () => {
  it('groups that arrive while the log syncs wait for it and commit together; each is answered after a sync that covers it', async () => {
    const log = heldLogSync();
    const { store } = await fileStore({ syncLog: log.syncLog });
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const answered = new Set<string>();
    const apply = (n: number) =>
      store.applyTransfers(payment(n)).then((outcome) => {
        answered.add(`p-${n}`);
        return outcome;
      });
    log.hold = true;
    const start = store.commits;

    const a = apply(1);
    await turn();
    // Committed at once (no sync was running), then its sync started and is held.
    expect(store.commits).toEqual({
      ...start,
      groups: start.groups + 1,
      commits: start.commits + 1,
      syncs: start.syncs + 1,
    });
    expect(log.held).toHaveLength(1);

    const b = apply(2);
    await turn();
    const c = apply(3);
    await turn();
    await turn();
    // Both wait for the running sync: nothing more committed, nothing answered.
    expect(store.commits.commits).toBe(start.commits + 1);
    expect(answered.size).toBe(0);

    log.held.shift()!();
    expect((await a).ok).toBe(true);
    for (let i = 0; i < 50 && log.held.length === 0; i++) await turn();
    // The sync's end let b and c commit, in one transaction, and started the sync that covers them.
    expect(store.commits).toEqual({
      groups: start.groups + 3,
      commits: start.commits + 2,
      syncs: start.syncs + 2,
    });
    expect([...answered]).toEqual(['p-1']);

    log.hold = false;
    log.held.shift()!();
    const [ob, oc] = await Promise.all([b, c]);
    expect(ob.ok && oc.ok).toBe(true);
    expect([...answered].sort()).toEqual(['p-1', 'p-2', 'p-3']);
    for (const n of [1, 2, 3]) expect(await store.getTransfer(`p-${n}`)).not.toBeNull();
    expect((await runAudit(store)).ok).toBe(true);
  });
  it('closing while a group waits for the log sync commits it before the store closes: both durable', async () => {
    const log = heldLogSync();
    const { store, path } = await fileStore({ syncLog: log.syncLog });
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    log.hold = true;
    const a = store.applyTransfers(payment(1));
    await turn();
    const b = store.applyTransfers(payment(2));
    await turn();
    expect(log.held).toHaveLength(1); // a's sync; b waits for it
    const closed = store.close();
    log.hold = false;
    log.held.shift()!();
    await closed;
    expect((await a).ok && (await b).ok).toBe(true);
    const reopened = new SqliteStore({ path });
    stores.push(reopened);
    expect(await reopened.getTransfer('p-1')).not.toBeNull();
    expect(await reopened.getTransfer('p-2')).not.toBeNull();
    expect((await runAudit(reopened)).ok).toBe(true);
  });
});
