/**
 * The ledger on PostgreSQL: applies groups of transfers inside a
 * transaction. A call takes row locks (SELECT ... FOR UPDATE) on every
 * account its groups touch, in id order, then on the daily-total rows, so
 * the checks it makes in memory stay true until it commits; each group is
 * checked on its own (a refused group writes nothing), and the accepted
 * ones are written with a few multi-row statements. Sequence numbers come
 * from a sequence: unique and increasing.
 */
import type { Book } from '../ledger/accounts';
import { checkTransferFits, checkTransferShape, GroupRejected } from './ledger-checks';
import { CHUNK, type Tx, tuples } from './postgres-tx';
import type { ApplyOutcome, LedgerClaim, LedgerTransfer, StoredTransfer } from './store';

export interface TransferRecord {
  seq: number;
  id: string;
  group_id: string;
  debit: string;
  credit: string;
  amount: number;
  kind: string;
  meta: string | null;
  at: number;
}

export interface AccountRecord {
  id: string;
  book: Book;
  kind: string;
  allow_negative: number;
  balance: number;
}

export function toStored(r: TransferRecord): StoredTransfer {
  return {
    seq: r.seq,
    id: r.id,
    debit: r.debit,
    credit: r.credit,
    amount: r.amount,
    kind: r.kind,
    meta: r.meta ? (JSON.parse(r.meta) as Record<string, unknown>) : null,
    at: r.at,
  };
}

const isRejection = (e: unknown) => e instanceof GroupRejected;

interface Pending {
  row: TransferRecord;
  stored: StoredTransfer;
}

/**
 * Applies `groups` in the transaction `tx`, each all-or-nothing and in
 * order (a later group sees the earlier ones' effects). Never throws for a
 * refusal; database errors propagate (the caller's transaction is rolled
 * back and retried).
 */
export async function applyGroups(tx: Tx, groups: readonly LedgerTransfer[][]): Promise<ApplyOutcome[]> {
  const ids = new Set<string>();
  const accountIds = new Set<string>();
  const daily = new Map<string, { key: string; day: string }>();
  for (const g of groups) {
    for (const t of g) {
      ids.add(t.id);
      accountIds.add(t.debit);
      accountIds.add(t.credit);
      const l = t.limits;
      if (l?.dailyKey && l.day) daily.set(`${l.dailyKey}\n${l.day}`, { key: l.dailyKey, day: l.day });
    }
  }
  // Transfers already recorded under these ids (a retry or a conflict).
  const known = new Map<string, TransferRecord>();
  if (ids.size) {
    for (const r of await tx.all<TransferRecord>('SELECT * FROM transfers WHERE id = ANY(?)', [[...ids]]))
      known.set(r.id, r);
  }
  const knownGroups = new Map<string, TransferRecord[]>();
  const duplicateFirsts = groups.map((g) => g[0]?.id).filter((id): id is string => !!id && known.has(id));
  if (duplicateFirsts.length) {
    for (const r of await tx.all<TransferRecord>(
      'SELECT * FROM transfers WHERE group_id = ANY(?) ORDER BY seq',
      [[...new Set(duplicateFirsts)]],
    )) {
      const list = knownGroups.get(r.group_id) ?? [];
      list.push(r);
      knownGroups.set(r.group_id, list);
    }
  }
  // Row locks, in one order for every transaction.
  const balances = new Map<string, { balance: number; allowNegative: boolean; changed: boolean }>();
  if (accountIds.size) {
    for (const r of await tx.all<AccountRecord>(
      'SELECT id, balance, allow_negative FROM accounts WHERE id = ANY(?) ORDER BY id FOR UPDATE',
      [[...accountIds].sort()],
    ))
      balances.set(r.id, { balance: r.balance, allowNegative: r.allow_negative === 1, changed: false });
  }
  const totals = new Map<string, { total: number; changed: boolean; key: string; day: string }>();
  if (daily.size) {
    const list = [...daily.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    await tx.run(
      `INSERT INTO daily_totals (key, day, total) VALUES ${tuples(list.length, 3)} ON CONFLICT (key, day) DO NOTHING`,
      list.flatMap(([, d]) => [d.key, d.day, 0]),
    );
    for (const [k, d] of list) {
      const r = await tx.get<{ total: number }>(
        'SELECT total FROM daily_totals WHERE key = ? AND day = ? FOR UPDATE',
        [d.key, d.day],
      );
      totals.set(k, { total: r?.total ?? 0, changed: false, key: d.key, day: d.day });
    }
  }

  const pending: Pending[] = [];
  const batchGroups = new Map<string, StoredTransfer[]>();
  const batchIds = new Set<string>();
  const at = Date.now();

  const applyOne = async (group: LedgerTransfer[]): Promise<ApplyOutcome> => {
    const first = group[0];
    if (!first) throw new GroupRejected('EMPTY_GROUP', 'no transfers to apply', 0);
    const recorded = knownGroups.get(first.id)?.map(toStored) ?? batchGroups.get(first.id);
    if (recorded || known.has(first.id) || batchIds.has(first.id)) {
      const existing = recorded ?? [];
      const same =
        existing.length === group.length &&
        existing.every(
          (r, i) =>
            r.id === group[i]!.id &&
            r.debit === group[i]!.debit &&
            r.credit === group[i]!.credit &&
            r.amount === group[i]!.amount &&
            r.kind === group[i]!.kind,
        );
      if (!same) {
        throw new GroupRejected(
          'IDEMPOTENCY_CONFLICT',
          `id ${first.id} was already used for a different transfer`,
          0,
        );
      }
      return { ok: true, duplicate: true, transfers: existing };
    }
    // Work on copies: a refused group leaves the batch's state as it was.
    const local = new Map<string, { balance: number; allowNegative: boolean }>();
    const account = (id: string, index: number) => {
      let a = local.get(id);
      if (!a) {
        const row = balances.get(id);
        if (!row) throw new GroupRejected('ACCOUNT_NOT_FOUND', `no account ${id}`, index);
        a = { balance: row.balance, allowNegative: row.allowNegative };
        local.set(id, a);
      }
      return a;
    };
    const localTotals = new Map<string, number>();
    const stored: StoredTransfer[] = [];
    const rows: TransferRecord[] = [];
    const groupIds = new Set<string>();
    for (let index = 0; index < group.length; index++) {
      const t = group[index]!;
      checkTransferShape(t, index);
      if (index > 0 && (known.has(t.id) || batchIds.has(t.id) || groupIds.has(t.id))) {
        throw new GroupRejected('IDEMPOTENCY_CONFLICT', `id ${t.id} was already used`, index);
      }
      groupIds.add(t.id);
      if (t.claim) await takeClaim(tx, t.claim, t, index, at);
      const debit = account(t.debit, index);
      const credit = account(t.credit, index);
      const dailyKey = t.limits?.dailyKey && t.limits.day ? `${t.limits.dailyKey}\n${t.limits.day}` : null;
      checkTransferFits(
        t,
        index,
        debit,
        credit,
        () => localTotals.get(dailyKey!) ?? totals.get(dailyKey!)?.total ?? 0,
      );
      debit.balance -= t.amount;
      credit.balance += t.amount;
      if (dailyKey)
        localTotals.set(dailyKey, (localTotals.get(dailyKey) ?? totals.get(dailyKey)?.total ?? 0) + t.amount);
      const meta = t.meta ? JSON.stringify(t.meta) : null;
      const s: StoredTransfer = {
        seq: 0,
        id: t.id,
        debit: t.debit,
        credit: t.credit,
        amount: t.amount,
        kind: t.kind,
        meta: t.meta ?? null,
        at,
      };
      stored.push(s);
      rows.push({
        seq: 0,
        id: t.id,
        group_id: first.id,
        debit: t.debit,
        credit: t.credit,
        amount: t.amount,
        kind: t.kind,
        meta,
        at,
      });
    }
    // Accepted: fold the group's effects into the batch.
    for (const [id, a] of local) {
      const row = balances.get(id)!;
      row.balance = a.balance;
      row.changed = true;
    }
    for (const [k, v] of localTotals) {
      const row = totals.get(k)!;
      row.total = v;
      row.changed = true;
    }
    for (const id of groupIds) batchIds.add(id);
    batchGroups.set(first.id, stored);
    rows.forEach((row, i) => {
      pending.push({ row, stored: stored[i]! });
    });
    return { ok: true, duplicate: false, transfers: stored, balances: local };
  };

  const outcomes: ApplyOutcome[] = [];
  for (const group of groups) {
    try {
      const hasClaim = group.some((t) => t.claim);
      // A group with a claim writes the claim before its checks end: a savepoint undoes it on refusal.
      outcomes.push(
        hasClaim ? await tx.savepoint(() => applyOne(group), isRejection) : await applyOne(group),
      );
    } catch (e) {
      if (e instanceof GroupRejected)
        outcomes.push({ ok: false, code: e.code, message: e.message, index: e.index });
      else throw e;
    }
  }

  if (pending.length) {
    const seqs = await tx.all<{ seq: number }>(
      "SELECT nextval('transfers_seq') AS seq FROM generate_series(1, ?::int)",
      [pending.length],
    );
    const sorted = seqs.map((r) => r.seq).sort((a, b) => a - b);
    pending.forEach((p, i) => {
      p.row.seq = sorted[i]!;
      p.stored.seq = sorted[i]!;
    });
    for (let i = 0; i < pending.length; i += CHUNK) {
      const part = pending.slice(i, i + CHUNK);
      await tx.run(
        `INSERT INTO transfers (seq, id, group_id, debit, credit, amount, kind, meta, at) VALUES ${tuples(part.length, 9)}`,
        part.flatMap(({ row: r }) => [
          r.seq,
          r.id,
          r.group_id,
          r.debit,
          r.credit,
          r.amount,
          r.kind,
          r.meta,
          r.at,
        ]),
      );
    }
    const changed = [...balances.entries()].filter(([, a]) => a.changed);
    for (let i = 0; i < changed.length; i += CHUNK) {
      const part = changed.slice(i, i + CHUNK);
      await tx.run(
        `UPDATE accounts SET balance = v.b FROM (VALUES ${part.map(() => '(?::text, ?::bigint)').join(', ')}) AS v(id, b)
         WHERE accounts.id = v.id`,
        part.flatMap(([id, a]) => [id, a.balance]),
      );
    }
    for (const t of totals.values()) {
      if (t.changed)
        await tx.run('UPDATE daily_totals SET total = ? WHERE key = ? AND day = ?', [t.total, t.key, t.day]);
    }
  }
  return outcomes;
}

interface BillRecord {
  amount: number;
  status: 'open' | 'paid';
  expires_at: number;
}

/** Takes a transfer's one-time claim; throws GroupRejected when it is taken or does not fit. */
async function takeClaim(
  tx: Tx,
  claim: LedgerClaim,
  t: LedgerTransfer,
  index: number,
  at: number,
): Promise<void> {
  if (claim.kind === 'bill') {
    const bill = await tx.get<BillRecord>(
      'SELECT amount, status, expires_at FROM bills WHERE wallet_id = ? AND bill_id = ? FOR UPDATE',
      [claim.walletId, claim.billId],
    );
    if (!bill) throw new GroupRejected('BILL_NOT_FOUND', `no bill ${claim.billId}`, index);
    if (bill.status !== 'open')
      throw new GroupRejected('BILL_ALREADY_PAID', `bill ${claim.billId} is already paid`, index);
    if (bill.amount !== t.amount) {
      throw new GroupRejected(
        'QR_AMOUNT_MISMATCH',
        `bill ${claim.billId} is for ${bill.amount} fen, not ${t.amount}`,
        index,
      );
    }
    if (claim.now > bill.expires_at)
      throw new GroupRejected('BILL_EXPIRED', `bill ${claim.billId} has expired`, index);
    const changed = await tx.run(
      `UPDATE bills SET status = 'paid', paid_transfer_id = ?, paid_by = ?, paid_at = ?
       WHERE wallet_id = ? AND bill_id = ? AND status = 'open'`,
      [t.id, claim.payer, at, claim.walletId, claim.billId],
    );
    if (changed !== 1)
      throw new GroupRejected('BILL_ALREADY_PAID', `bill ${claim.billId} is already paid`, index);
    return;
  }
  const changed = await tx.run(
    'INSERT INTO payment_code_uses (code_id, wallet_id, transfer_id, used_at) VALUES (?, ?, ?, ?) ON CONFLICT (code_id) DO NOTHING',
    [claim.codeId, claim.walletId, t.id, at],
  );
  if (changed !== 1)
    throw new GroupRejected('PAYCODE_USED', `payment code ${claim.codeId} was already used`, index);
}
