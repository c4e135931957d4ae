/** The audit proves the ledger invariant and names every break it finds. */
import { describe, expect, it } from 'vitest';
import { execSql } from '../../test/support/sql';
import { createContext, defaultConfig } from '../src/bootstrap';
import { Accounts } from '../src/ledger/accounts';
import { runAudit } from '../src/ledger/audit';

async function world() {
  const ctx = await createContext(defaultConfig());
  const store = ctx.store;
  await store.ensureAccounts([Accounts.wallet('w_alice'), Accounts.wallet('w_bob')]);
  const outcome = await store.applyTransfers([
    {
      id: 'fund-alice',
      debit: Accounts.vault('op_icbc').id,
      credit: 'wallet:w_alice',
      amount: 10_000,
      kind: 'topup',
    },
  ]);
  expect(outcome.ok).toBe(true);
  await store.applyTransfers([
    { id: 'alice-bob', debit: 'wallet:w_alice', credit: 'wallet:w_bob', amount: 2_500, kind: 'payment' },
  ]);
  return { ctx, store };
}

const codes = (r: { breaks: { code: string }[] }) => r.breaks.map((b) => b.code).sort();

describe('audit', () => {
  it('a fresh world and a world with payments are clean', async () => {
    const { store } = await world();
    const report = await runAudit(store);
    expect(report.breaks).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.sum).toBe(0);
    expect(report.issued).toBe(2 * 1_000_000_000);
    expect(report.byKind.wallet).toBe(10_000);
    expect(report.transfers).toBeGreaterThan(0);
    await store.close();
  });

  it('detects a balance changed behind the ledger’s back (BALANCE_MISMATCH)', async () => {
    const { store } = await world();
    await execSql(store, 'UPDATE accounts SET balance = balance + 100 WHERE id = ?', 'wallet:w_bob');
    const report = await runAudit(store);
    expect(report.ok).toBe(false);
    const mismatch = report.breaks.find((b) => b.code === 'BALANCE_MISMATCH');
    expect(mismatch?.account).toBe('wallet:w_bob');
    expect(mismatch?.message).toContain('2600');
    // the extra 100 fen also unbalances the book and is held without being issued
    expect(codes(report)).toEqual(['BALANCE_MISMATCH', 'BOOK_NOT_BALANCED', 'ISSUED_NOT_HELD']);
    await store.close();
  });

  it('detects a balanced but forged move between two accounts', async () => {
    const { store } = await world();
    await execSql(store, 'UPDATE accounts SET balance = balance - 500 WHERE id = ?', 'wallet:w_alice');
    await execSql(store, 'UPDATE accounts SET balance = balance + 500 WHERE id = ?', 'wallet:w_bob');
    const report = await runAudit(store);
    expect(codes(report)).toEqual(['BALANCE_MISMATCH', 'BALANCE_MISMATCH']);
    expect(report.breaks.map((b) => b.account).sort()).toEqual(['wallet:w_alice', 'wallet:w_bob']);
    await store.close();
  });

  it('detects an edited transfer record', async () => {
    const { store } = await world();
    await execSql(store, 'UPDATE transfers SET amount = 2000 WHERE id = ?', 'alice-bob');
    const report = await runAudit(store);
    expect(
      report.breaks
        .filter((b) => b.code === 'BALANCE_MISMATCH')
        .map((b) => b.account)
        .sort(),
    ).toEqual(['wallet:w_alice', 'wallet:w_bob']);
    await store.close();
  });

  it('detects negative balances and issuance that is not backed', async () => {
    const { store } = await world();
    await execSql(store, 'UPDATE accounts SET balance = -1 WHERE id = ?', 'wallet:w_alice');
    await execSql(store, 'UPDATE accounts SET balance = balance - 7 WHERE id = ?', 'reserve-backing');
    const report = await runAudit(store);
    expect(codes(report)).toEqual(
      expect.arrayContaining([
        'NEGATIVE_BALANCE',
        'BALANCE_MISMATCH',
        'BACKING_MISMATCH',
        'BOOK_NOT_BALANCED',
      ]),
    );
    expect(report.breaks.find((b) => b.code === 'NEGATIVE_BALANCE')?.account).toBe('wallet:w_alice');
    await store.close();
  });
});
