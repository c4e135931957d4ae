/** The SQLite store: atomic groups, idempotency, limits, group commit and durability. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Accounts } from '../src/ledger/accounts';
import { runAudit } from '../src/ledger/audit';
import { SqliteStore } from '../src/store/sqlite';
import type { ApplyOutcome, LedgerTransfer } from '../src/store/store';
import { issuerAccounts } from './support/ledger';

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) if (s.db.open) await s.close();
});

async function freshStore(path = ':memory:'): Promise<SqliteStore> {
  const store = new SqliteStore({ path });
  stores.push(store);
  await store.ensureAccounts([
    ...issuerAccounts('op_a'),
    ...['a', 'b', 'c'].map((w) => Accounts.wallet(`w_${w}`)),
  ]);
  await store.applyTransfers([
    {
      id: 'reserve',
      debit: 'reserve-source',
      credit: 'reserve:op_a',
      amount: 1_000_000,
      kind: 'reserve_deposit',
    },
  ]);
  await store.applyTransfers([
    { id: 'issue', debit: 'issuance', credit: 'vault:op_a', amount: 100_000, kind: 'issue' },
    {
      id: 'issue:backing',
      debit: 'reserve:op_a',
      credit: 'reserve-backing',
      amount: 100_000,
      kind: 'reserve_pledge',
    },
  ]);
  return store;
}

const pay = (id: string, from: string, to: string, amount: number, extra: Partial<LedgerTransfer> = {}) => ({
  id,
  debit: `wallet:${from}`,
  credit: `wallet:${to}`,
  amount,
  kind: 'payment',
  ...extra,
});
const fund = (id: string, to: string, amount: number): LedgerTransfer => ({
  id,
  debit: 'vault:op_a',
  credit: `wallet:${to}`,
  amount,
  kind: 'topup',
});

async function expectClean(store: SqliteStore) {
  const report = await runAudit(store);
  expect(report.breaks).toEqual([]);
  expect(report.ok).toBe(true);
}

describe('SqliteStore', () => {
  it('applies a group all or nothing and reports which transfer failed', async () => {
    const store = await freshStore();
    await store.applyTransfers([fund('f1', 'w_a', 1_000)]);
    const digest = await store.ledgerDigest();
    const outcome = await store.applyTransfers([
      pay('g1', 'w_a', 'w_b', 600),
      pay('g1:2', 'w_a', 'w_c', 600),
    ]);
    expect(outcome).toMatchObject({ ok: false, code: 'INSUFFICIENT_FUNDS', index: 1 });
    expect(await store.ledgerDigest()).toBe(digest);
    expect(await store.getBalance('wallet:w_a')).toBe(1_000);
    expect(await store.getTransfer('g1')).toBeNull();
    await expectClean(store);
  });

  it('refuses bad transfers with their codes', async () => {
    const store = await freshStore();
    await store.applyTransfers([fund('f1', 'w_a', 1_000)]);
    const digest = await store.ledgerDigest();
    const cases: [LedgerTransfer, string][] = [
      [pay('x1', 'w_a', 'w_a', 1), 'SAME_ACCOUNT'],
      [pay('x2', 'w_a', 'w_b', 0), 'BAD_AMOUNT'],
      [pay('x3', 'w_a', 'w_b', -5), 'BAD_AMOUNT'],
      [pay('x4', 'w_a', 'w_b', 1.5), 'BAD_AMOUNT'],
      [pay('x5', 'w_a', 'w_nobody', 1), 'ACCOUNT_NOT_FOUND'],
      [pay('x6', 'w_b', 'w_a', 1), 'INSUFFICIENT_FUNDS'],
    ];
    for (const [t, code] of cases) expect(await store.applyTransfers([t])).toMatchObject({ ok: false, code });
    expect(await store.applyTransfers([])).toMatchObject({ ok: false, code: 'EMPTY_GROUP' });
    expect(await store.ledgerDigest()).toBe(digest);
    await expectClean(store);
  });

  it('is idempotent by the group’s first id; the same id with other content conflicts', async () => {
    const store = await freshStore();
    await store.applyTransfers([fund('f1', 'w_a', 1_000)]);
    const first = await store.applyTransfers([pay('p1', 'w_a', 'w_b', 100)]);
    const again = await store.applyTransfers([pay('p1', 'w_a', 'w_b', 100)]);
    expect(first).toMatchObject({ ok: true, duplicate: false });
    expect(again).toMatchObject({ ok: true, duplicate: true });
    if (!first.ok || !again.ok) throw new Error('unreachable');
    expect(again.transfers[0]!.seq).toBe(first.transfers[0]!.seq);
    expect(await store.applyTransfers([pay('p1', 'w_a', 'w_b', 101)])).toMatchObject({
      ok: false,
      code: 'IDEMPOTENCY_CONFLICT',
    });
    expect(await store.applyTransfers([pay('p1', 'w_a', 'w_c', 100)])).toMatchObject({
      ok: false,
      code: 'IDEMPOTENCY_CONFLICT',
    });
    // a later transfer of a group may not reuse an id either
    expect(
      await store.applyTransfers([pay('p2', 'w_a', 'w_b', 1), pay('p1', 'w_a', 'w_b', 1)]),
    ).toMatchObject({
      ok: false,
      code: 'IDEMPOTENCY_CONFLICT',
      index: 1,
    });
    expect(await store.getBalance('wallet:w_a')).toBe(900);
    await expectClean(store);
  });

  it('finds a group again by its first id among the groups written after it', async () => {
    const store = await freshStore();
    await store.applyTransfers([fund('f1', 'w_a', 1_000)]);
    const group = [pay('g1', 'w_a', 'w_b', 100), pay('g1:fee', 'w_a', 'w_c', 1)];
    const first = await store.applyTransfers(group);
    await store.applyTransfers([pay('g2', 'w_a', 'w_b', 5), pay('g2:fee', 'w_a', 'w_c', 1)]);
    await store.applyTransfers([pay('g3', 'w_b', 'w_a', 7)]);
    const again = await store.applyTransfers(group);
    expect(again).toMatchObject({ ok: true, duplicate: true });
    if (!first.ok || !again.ok) throw new Error('unreachable');
    expect(again.transfers).toEqual(first.transfers);
    expect(first.balances?.get('wallet:w_a')?.balance).toBe(899);
    // the same first id with fewer or more transfers is another group
    for (const other of [group.slice(0, 1), [...group, pay('g1:extra', 'w_a', 'w_c', 1)]]) {
      expect(await store.applyTransfers(other)).toMatchObject({ ok: false, code: 'IDEMPOTENCY_CONFLICT' });
    }
    expect(await store.getBalance('wallet:w_a')).toBe(1_000 - 101 - 6 + 7);
    await expectClean(store);
  });

  it('checks the payee cap and the daily limit atomically', async () => {
    const store = await freshStore();
    await store.applyTransfers([fund('f1', 'w_a', 10_000)]);
    const limits = { creditBalanceMax: 500, dailyMax: 800, dailyKey: 'pay:w_a', day: '2024-02-10' };
    expect(await store.applyTransfers([pay('c1', 'w_a', 'w_b', 400, { limits })])).toMatchObject({
      ok: true,
    });
    expect(await store.applyTransfers([pay('c2', 'w_a', 'w_b', 101, { limits })])).toMatchObject({
      ok: false,
      code: 'LIMIT_BALANCE_CAP',
    });
    expect(await store.applyTransfers([pay('c3', 'w_a', 'w_c', 400, { limits })])).toMatchObject({
      ok: true,
    });
    expect(await store.applyTransfers([pay('c4', 'w_a', 'w_c', 1, { limits })])).toMatchObject({
      ok: false,
      code: 'LIMIT_PER_DAY',
    });
    expect(await store.getDailyTotal('pay:w_a', '2024-02-10')).toBe(800);
    // another day starts from zero
    const tomorrow = { ...limits, day: '2024-02-11' };
    expect(await store.applyTransfers([pay('c5', 'w_a', 'w_c', 1, { limits: tomorrow })])).toMatchObject({
      ok: true,
    });
    await expectClean(store);
  });

  it('group commit: concurrent groups are applied in one transaction, each judged on its own', async () => {
    const store = await freshStore();
    await store.applyTransfers([fund('f1', 'w_a', 1_000)]);
    const before = (store.db.prepare('SELECT MAX(seq) AS m FROM transfers').get() as { m: number }).m;
    const applied = () =>
      (store.db.prepare("SELECT COUNT(*) AS n FROM transfers WHERE id LIKE 'gc%'").get() as { n: number }).n;
    const groups = Array.from({ length: 100 }, (_, i) => [pay(`gc${i}`, 'w_a', i % 2 ? 'w_b' : 'w_c', 30)]);
    const pending = groups.map((g) => store.applyTransfers(g));
    // nothing is written before the tick ends; when the first caller hears back, every group is committed
    expect(applied()).toBe(0);
    const seenByFirst = pending[0]!.then(() => applied());
    const outcomes: ApplyOutcome[] = await Promise.all(pending);
    expect(await seenByFirst).toBe(33);
    const ok = outcomes.filter((o) => o.ok);
    expect(ok).toHaveLength(33);
    for (const o of outcomes.slice(33)) expect(o).toMatchObject({ ok: false, code: 'INSUFFICIENT_FUNDS' });
    // refused groups consume no sequence numbers: the accepted ones are contiguous
    const seqs = ok.map((o) => (o.ok ? o.transfers[0]!.seq : 0));
    expect(seqs).toEqual(Array.from({ length: 33 }, (_, i) => before + 1 + i));
    expect(await store.getBalance('wallet:w_a')).toBe(10);
    await expectClean(store);
  });

  it('group commit: a duplicate inside the same flush is answered as a duplicate', async () => {
    const store = await freshStore();
    await store.applyTransfers([fund('f1', 'w_a', 1_000)]);
    const [a, b, c] = await Promise.all([
      store.applyTransfers([pay('same', 'w_a', 'w_b', 100)]),
      store.applyTransfers([pay('same', 'w_a', 'w_b', 100)]),
      store.applyTransfers([pay('same', 'w_a', 'w_b', 999)]),
    ]);
    expect(a).toMatchObject({ ok: true, duplicate: false });
    expect(b).toMatchObject({ ok: true, duplicate: true });
    expect(c).toMatchObject({ ok: false, code: 'IDEMPOTENCY_CONFLICT' });
    expect(await store.getBalance('wallet:w_a')).toBe(900);
    await expectClean(store);
  });

  it('applyMany judges each group on its own, in order', async () => {
    const store = await freshStore();
    await store.applyTransfers([fund('f1', 'w_a', 250)]);
    const outcomes = await store.applyMany([
      [pay('m1', 'w_a', 'w_b', 100)],
      [pay('m2', 'w_a', 'w_b', 100)],
      [pay('m3', 'w_a', 'w_b', 100)],
      [pay('m4', 'w_b', 'w_c', 150)],
      [pay('m1', 'w_a', 'w_b', 100)],
    ]);
    expect(outcomes.map((o) => (o.ok ? (o.duplicate ? 'dup' : 'ok') : o.code))).toEqual([
      'ok',
      'ok',
      'INSUFFICIENT_FUNDS',
      'ok',
      'dup',
    ]);
    expect(await store.getBalance('wallet:w_c')).toBe(150);
    await expectClean(store);
  });

  it('keeps everything across a reopen of a file database (synchronous=FULL)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecny-store-'));
    try {
      const path = join(dir, 'ledger.sqlite');
      const store = await freshStore(path);
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      await store.applyTransfers([fund('f1', 'w_a', 1_000)]);
      const p = await store.applyTransfers([pay('p1', 'w_a', 'w_b', 400)]);
      const digest = await store.ledgerDigest();
      await store.close();
      const reopened = new SqliteStore({ path });
      stores.push(reopened);
      expect(await reopened.ledgerDigest()).toBe(digest);
      expect(await reopened.getBalance('wallet:w_b')).toBe(400);
      const next = await reopened.applyTransfers([pay('p2', 'w_a', 'w_b', 1)]);
      if (!p.ok || !next.ok) throw new Error('expected both to settle');
      expect(next.transfers[0]!.seq).toBe(p.transfers[0]!.seq + 1);
      await expectClean(reopened);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a database from before migrations 11 and 12 keeps its transfers and histories', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecny-store-'));
    try {
      const path = join(dir, 'ledger.sqlite');
      const old = await freshStore(path);
      await old.applyTransfers([fund('f1', 'w_a', 1_000)]);
      await old.applyTransfers([pay('p1', 'w_a', 'w_b', 400), pay('p2', 'w_a', 'w_c', 100)]);
      await old.applyTransfers([pay('p2b', 'w_b', 'w_c', 30)]);
      await old.applyTransfers([pay('p2c', 'w_c', 'w_a', 20), pay('p2d', 'w_b', 'w_a', 10)]);
      const accounts = ['wallet:w_a', 'wallet:w_b', 'wallet:w_c'];
      const history = new Map<string, unknown>();
      for (const a of accounts) history.set(a, await old.accountTransfers(a, 10));
      // The tables as they were before: a separate unique key on seq beside the rowid, indexes of
      // transfers by debit and by credit account, no history chain.
      old.db.exec(`CREATE TABLE transfers_before (
          seq BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE, group_id TEXT NOT NULL,
          debit TEXT NOT NULL REFERENCES accounts(id), credit TEXT NOT NULL REFERENCES accounts(id),
          amount BIGINT NOT NULL CHECK (amount > 0), kind TEXT NOT NULL, meta TEXT, at BIGINT NOT NULL);
        INSERT INTO transfers_before
          SELECT seq, id, group_id, debit, credit, amount, kind, meta, at FROM transfers;
        DROP TABLE transfers;
        ALTER TABLE transfers_before RENAME TO transfers;
        CREATE INDEX transfers_by_debit ON transfers (debit, seq);
        CREATE INDEX transfers_by_credit ON transfers (credit, seq);
        ALTER TABLE accounts DROP COLUMN last_seq;
        DELETE FROM schema_version WHERE version IN (11, 12);`);
      const digest = await old.ledgerDigest();
      await old.close();
      const store = new SqliteStore({ path });
      stores.push(store);
      const table = store.db
        .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'transfers'")
        .get();
      expect(table!.sql).toMatch(/seq INTEGER PRIMARY KEY/);
      const indexes = store.db
        .prepare<[], { name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'transfers'",
        )
        .all()
        .map((r) => r.name);
      expect(indexes).not.toContain('transfers_by_debit');
      expect(indexes).not.toContain('transfers_by_credit');
      expect(await store.ledgerDigest()).toBe(digest);
      // The chains rebuilt from the old rows give every account the same history, newest first.
      for (const a of accounts) expect(await store.accountTransfers(a, 10)).toEqual(history.get(a));
      expect((await store.accountTransfers('wallet:w_a', 2)).map((t) => t.id)).toEqual(['p2d', 'p2c']);
      const next = await store.applyTransfers([pay('p3', 'w_b', 'w_c', 50)]);
      if (!next.ok) throw new Error('expected p3 to settle');
      const last = (history.get('wallet:w_a') as { seq: number }[])[0]!.seq;
      expect(next.transfers[0]!.seq).toBe(last + 1);
      expect((await store.accountTransfers('wallet:w_c', 10)).map((t) => t.id)).toEqual([
        'p3',
        'p2c',
        'p2b',
        'p2',
      ]);
      expect(await store.getBalance('wallet:w_c')).toBe(100 + 30 - 20 + 50);
      await expectClean(store);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an account history along its chain is every transfer that touches it, newest first', async () => {
    const store = await freshStore();
    const wallets = ['w_a', 'w_b', 'w_c', 'w_d', 'w_e'];
    await store.ensureAccounts([Accounts.wallet('w_d'), Accounts.wallet('w_e')]);
    for (const w of wallets) await store.applyTransfers([fund(`f-${w}`, w, 10_000)]);
    // Groups of one to four payments, several touching the same account within a group.
    for (let g = 0; g < 40; g++) {
      const group = Array.from({ length: 1 + (g % 4) }, (_, k) => {
        const i = (g * 7 + k * 3) % 5;
        return pay(`g${g}-${k}`, wallets[i]!, wallets[(i + 1 + ((g + k) % 4)) % 5]!, 1 + k);
      });
      expect((await store.applyTransfers(group)).ok).toBe(true);
    }
    for (const w of wallets) {
      const account = `wallet:${w}`;
      const expected = store.db
        .prepare<[string, string], { id: string }>(
          'SELECT id FROM transfers WHERE debit = ? OR credit = ? ORDER BY seq DESC',
        )
        .all(account, account)
        .map((r) => r.id);
      const chain = (await store.accountTransfers(account, 1_000)).map((t) => t.id);
      expect(chain).toEqual(expected);
      expect((await store.accountTransfers(account, 5)).map((t) => t.id)).toEqual(expected.slice(0, 5));
    }
    expect(await store.accountTransfers('wallet:w_nobody', 10)).toEqual([]);
    await expectClean(store);
    // A broken link or a stale head is a break the audit names, by account.
    const codes = async () => (await runAudit(store)).breaks.map((b) => `${b.code} ${b.account}`);
    store.db.exec(`UPDATE transfers SET credit_prev = NULL WHERE id = 'g5-1'`);
    const credit = store.db
      .prepare<[], string>(`SELECT credit FROM transfers WHERE id = 'g5-1'`)
      .pluck()
      .get()!;
    expect(await codes()).toEqual([`HISTORY_CHAIN_BROKEN ${credit}`]);
    store.db.exec(`UPDATE accounts SET last_seq = last_seq - 1 WHERE id = 'wallet:w_e'`);
    expect(await codes()).toEqual(
      [`HISTORY_CHAIN_BROKEN ${credit}`, 'HISTORY_CHAIN_BROKEN wallet:w_e'].sort(),
    );
  });
});
