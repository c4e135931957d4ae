/**
 * The audit: proves the ledger invariant and lists every break.
 * - each book sums to zero;
 * - every account's stored balance equals credits minus debits in the log;
 * - no account below zero unless it is an issuance-style account;
 * - e-CNY issued (minus the issuance balance) equals what is held:
 *   vaults + wallets + restricted + pools + offline outstanding + losses;
 * - the reserves pledged as backing equal the e-CNY issued;
 * - offline money, per operator (see `offlineBreaks`);
 * - where the store keeps account histories as chains (SQLite), each is exactly
 *   the transfers that touch its account.
 */
import type { AuditReport } from '@ecny-sim/wallet-core';
import type { Store } from '../store/store';

export async function runAudit(store: Store, now = Date.now()): Promise<AuditReport> {
  const { rows, transfers, historyBreaks = [] } = await store.auditRows();
  const breaks: AuditReport['breaks'] = [];
  for (const account of historyBreaks) {
    breaks.push({
      code: 'HISTORY_CHAIN_BROKEN',
      account,
      message: `the history kept for ${account} is not exactly the transfers that touch it`,
    });
  }
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
  breaks.push(...(await offlineBreaks(store, rows)));
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

/**
 * Offline money against the spent set, per operator:
 * - OFFLINE_OUTSTANDING_MISMATCH: offline:<op> plus its campaigns'
 *   offline-restricted:<op>:<campaign> accounts must equal the root coins
 *   issued minus the genuine coin value paid to the issuer (deposits) in the
 *   spent set, minus the restricted coins reclaimed after their campaign's
 *   window;
 * - OFFLINE_LIVE_MISMATCH: issued minus paid to the issuer must equal the
 *   genuine coins still alive per the spent set (roots and spend outputs not
 *   yet consumed, not owned by the issuer), i.e. spends conserve value
 *   (reclaimed restricted coins are still alive there: expired, not spent);
 * - OFFLINE_RESTRICTED_MISMATCH: each offline-restricted:<op>:<campaign>
 *   must equal that campaign's restricted root coins issued, minus their
 *   genuine value paid to the issuer, minus what was reclaimed;
 * - OFFLINE_DEPOSITS_MISMATCH / OFFLINE_COMPENSATION_MISMATCH: deposits and
 *   compensations booked must equal what the spent set paid to the issuer
 *   from genuine / losing-branch coins; OFFLINE_DEPOSIT_ORPHAN names a
 *   deposit without its spend in the spent set;
 * - LOSS_MISMATCH: loss:<op> must equal recoveries minus compensations;
 * - OFFLINE_LOAD_MISMATCH: a load's coins must add up to its ledger transfer.
 */
async function offlineBreaks(store: Store, rows: { id: string; balance: number }[]) {
  const breaks: AuditReport['breaks'] = [];
  const facts = await store.offlineAuditFacts();
  const balance = new Map(rows.map((r) => [r.id, r.balance]));
  const operators = new Set([
    ...Object.keys(facts.operators),
    ...Object.keys(facts.restricted),
    ...rows
      .filter(
        (r) =>
          r.id.startsWith('offline:') || r.id.startsWith('loss:') || r.id.startsWith('offline-restricted:'),
      )
      .map((r) => r.id.split(':')[1]!),
  ]);
  // offline-restricted:<op>:<campaign> balances, per operator and campaign.
  const restrictedRows = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (!r.id.startsWith('offline-restricted:')) continue;
    const [, op, campaignId] = r.id.split(':');
    if (!op || !campaignId) continue;
    const m = restrictedRows.get(op) ?? new Map<string, number>();
    restrictedRows.set(op, m);
    m.set(campaignId, r.balance);
  }
  for (const op of operators) {
    const f = facts.operators[op] ?? {
      issued: 0,
      spentToIssuer: 0,
      counterfeitToIssuer: 0,
      deposited: 0,
      compensated: 0,
      recovered: 0,
      live: 0,
    };
    const campaigns = facts.restricted[op] ?? {};
    const restrictedBalances = restrictedRows.get(op) ?? new Map<string, number>();
    let reclaimed = 0;
    for (const id of new Set([...Object.keys(campaigns), ...restrictedBalances.keys()])) {
      const r = campaigns[id] ?? { issued: 0, spentToIssuer: 0, reclaimed: 0 };
      reclaimed += r.reclaimed;
      const held = restrictedBalances.get(id) ?? 0;
      const expected = r.issued - r.spentToIssuer - r.reclaimed;
      if (held !== expected) {
        breaks.push({
          code: 'OFFLINE_RESTRICTED_MISMATCH',
          account: `offline-restricted:${op}:${id}`,
          message: `offline-restricted:${op}:${id} holds ${held} fen but ${r.issued} fen of restricted coins were issued, ${r.spentToIssuer} fen deposited and ${r.reclaimed} fen reclaimed`,
        });
      }
    }
    const offline =
      (balance.get(`offline:${op}`) ?? 0) + [...restrictedBalances.values()].reduce((s, v) => s + v, 0);
    const loss = balance.get(`loss:${op}`) ?? 0;
    const outstanding = f.issued - f.spentToIssuer;
    if (offline !== outstanding - reclaimed) {
      breaks.push({
        code: 'OFFLINE_OUTSTANDING_MISMATCH',
        account: `offline:${op}`,
        message: `offline:${op} and its restricted accounts hold ${offline} fen but ${f.issued} fen of coins were issued, ${f.spentToIssuer} fen deposited per the spent set and ${reclaimed} fen reclaimed`,
      });
    }
    if (f.live !== outstanding) {
      breaks.push({
        code: 'OFFLINE_LIVE_MISMATCH',
        account: `offline:${op}`,
        message: `${f.live} fen of genuine coins are alive per the spent set, ${outstanding} fen expected`,
      });
    }
    if (f.deposited !== f.spentToIssuer) {
      breaks.push({
        code: 'OFFLINE_DEPOSITS_MISMATCH',
        account: `offline:${op}`,
        message: `${f.deposited} fen of deposits booked, ${f.spentToIssuer} fen paid to the issuer in the spent set`,
      });
    }
    if (f.compensated !== f.counterfeitToIssuer) {
      breaks.push({
        code: 'OFFLINE_COMPENSATION_MISMATCH',
        account: `loss:${op}`,
        message: `${f.compensated} fen compensated, ${f.counterfeitToIssuer} fen of losing-branch coins surrendered`,
      });
    }
    if (loss !== f.recovered - f.compensated) {
      breaks.push({
        code: 'LOSS_MISMATCH',
        account: `loss:${op}`,
        message: `loss:${op} holds ${loss} fen but recoveries (${f.recovered}) minus compensations (${f.compensated}) are ${f.recovered - f.compensated} fen`,
      });
    }
  }
  for (const hash of facts.orphanDeposits) {
    breaks.push({ code: 'OFFLINE_DEPOSIT_ORPHAN', message: `deposit ${hash} does not match the spent set` });
  }
  for (const id of facts.loadMismatches) {
    breaks.push({ code: 'OFFLINE_LOAD_MISMATCH', message: `load ${id}: coins and ledger transfer disagree` });
  }
  for (const owner of facts.holdingMismatches) {
    breaks.push({
      code: 'OFFLINE_HOLDINGS_MISMATCH',
      message: `the offline holdings kept for key ${owner} differ from its unspent coins in the spent set`,
    });
  }
  return breaks;
}
