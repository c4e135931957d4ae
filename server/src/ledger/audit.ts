/**
 * The audit: proves the ledger invariant and lists every break.
 * - each book sums to zero;
 * - every account's stored balance equals credits minus debits in the log;
 * - no account below zero unless it is an issuance-style account;
 * - e-CNY issued (minus the issuance balance) equals what is held:
 *   vaults + wallets + restricted + pools + offline outstanding + losses;
 * - the reserves pledged as backing equal the e-CNY issued.
 */
import type { AuditReport } from '@ecny-sim/wallet-core';
import type { Store } from '../store/store';

export async function runAudit(store: Store, now = Date.now()): Promise<AuditReport> {
  const { rows, transfers } = await store.auditRows();
  const breaks: AuditReport['breaks'] = [];
  const bookSums = new Map<string, number>();
  const byKind: Record<string, number> = {};
  for (const r of rows) {
    bookSums.set(r.book, (bookSums.get(r.book) ?? 0) + r.balance);
    if (r.book === 'ecny') byKind[r.kind] = (byKind[r.kind] ?? 0) + r.balance;
    if (r.balance !== r.computed) {
      breaks.push({
        code: 'BALANCE_MISMATCH',
        account: r.id,
        message: `${r.id} stores ${r.balance} fen but its transfers add up to ${r.computed} fen`,
      });
    }
    if (!r.allowNegative && r.balance < 0) {
      breaks.push({
        code: 'NEGATIVE_BALANCE',
        account: r.id,
        message: `${r.id} is negative: ${r.balance} fen`,
      });
    }
  }
  for (const [book, sum] of bookSums) {
    if (sum !== 0)
      breaks.push({ code: 'BOOK_NOT_BALANCED', message: `the ${book} book sums to ${sum} fen, not 0` });
  }
  const issued = -(byKind.issuance ?? 0);
  const held = Object.entries(byKind)
    .filter(([kind]) => kind !== 'issuance')
    .reduce((sum, [, v]) => sum + v, 0);
  if (issued !== held) {
    breaks.push({ code: 'ISSUED_NOT_HELD', message: `${issued} fen issued but ${held} fen held` });
  }
  const backing = rows.filter((r) => r.kind === 'reserve_backing').reduce((s, r) => s + r.balance, 0);
  if (backing !== issued) {
    breaks.push({
      code: 'BACKING_MISMATCH',
      message: `${issued} fen issued but ${backing} fen of reserves pledged`,
    });
  }
  const sum = rows.filter((r) => r.book === 'ecny').reduce((s, r) => s + r.balance, 0);
  return {
    ok: breaks.length === 0,
    checkedAt: now,
    accounts: rows.length,
    transfers,
    sum,
    issued,
    byKind,
    breaks,
  };
}
