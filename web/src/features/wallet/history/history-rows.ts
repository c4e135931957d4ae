/**
 * History rows: one per ledger entry, except a deposit of offline coins. The
 * ledger records a deposit coin by coin (each coin's spend to the issuer is a
 * transfer of its own, a compensated coin of a double spend too), so one
 * deposit of three coins would read as three rows. This device knows which
 * spends it sent in which deposit: the entries of one deposit are one row,
 * with their sum. Entries it cannot place (a deposit from another device)
 * stay rows of their own.
 */
import { useEffect, useState } from 'react';
import type { WebOfflineWallet } from '../../offline/web-offline-wallet';
import type { CheckedEntry } from '../api/history';

export interface HistoryRow {
  key: string;
  /** The entry that names the row: of a deposit, one of its own coins before a compensated one. */
  checked: CheckedEntry;
  amount: number;
  /** The ledger entries in the row, newest first. */
  parts: CheckedEntry[];
  /** How much of `amount` is compensation for coins someone had already spent elsewhere. */
  compensation: number;
}

const DEPOSIT_KINDS = new Set(['offline_deposit', 'fraud_compensation']);

/** The spend a deposit entry records (the server names it on the entry). */
function depositedSpend(checked: CheckedEntry): string | null {
  const { entry } = checked;
  if (!DEPOSIT_KINDS.has(entry.kind) || entry.direction !== 'in') return null;
  return entry.spendHash ?? null;
}

/** `requestsBySpend`: spend hash -> the request this device sent it in (WebOfflineWallet.requestsBySpend). */
export function historyRows(
  entries: readonly CheckedEntry[],
  requestsBySpend: ReadonlyMap<string, string>,
): HistoryRow[] {
  const rows: HistoryRow[] = [];
  const deposits = new Map<string, HistoryRow>();
  for (const checked of entries) {
    const { entry } = checked;
    const spend = depositedSpend(checked);
    const request = spend === null ? undefined : requestsBySpend.get(spend);
    const compensation = entry.kind === 'fraud_compensation' ? entry.amount : 0;
    const deposit = request === undefined ? undefined : deposits.get(request);
    if (deposit) {
      deposit.parts.push(checked);
      deposit.amount += entry.amount;
      deposit.compensation += compensation;
      if (deposit.checked.entry.kind === 'fraud_compensation' && entry.kind !== 'fraud_compensation') {
        deposit.checked = checked;
      }
      continue;
    }
    const row: HistoryRow = {
      key: request === undefined ? `${entry.ledgerSeq}:${entry.transferId}` : `deposit:${request}`,
      checked,
      amount: entry.amount,
      parts: [checked],
      compensation,
    };
    rows.push(row);
    if (request !== undefined) deposits.set(request, row);
  }
  return rows;
}

const NONE: ReadonlyMap<string, string> = new Map();

/** The phone's spends by request, re-read whenever `version` changes (the ledger moved). */
export function useRequestsBySpend(
  wallet: WebOfflineWallet | null,
  version: number,
): ReadonlyMap<string, string> {
  const [requests, setRequests] = useState<ReadonlyMap<string, string>>(NONE);
  useEffect(() => {
    if (!wallet) return;
    let live = true;
    void version;
    wallet.requestsBySpend().then(
      (found) => live && setRequests(found),
      // Unreadable storage only leaves a deposit as a row per coin.
      () => {},
    );
    return () => {
      live = false;
    };
  }, [wallet, version]);
  return requests;
}
