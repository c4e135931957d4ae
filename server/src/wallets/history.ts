/** A wallet's history with the receipts of its payments. */
import type { OnlineTransfer } from '@ecny-sim/wallet-core';
import type { Ctx } from '../context';
import { Accounts } from '../ledger/accounts';
import { chargeReceiptOf } from '../qr/service';
import { DEPOSIT_REFERENCE } from '../store/offline-rows';
import type { StoredTransfer } from '../store/store';
import { receiptSoon } from '../transfers/service';

/**
 * A wallet's history, newest first: its own account's transfers and those of its red-envelope
 * (restricted) balances, so a payment made with red-envelope money shows like any other. The
 * legs of one payment (red-envelope money and the wallet's own, PROTOCOL's restricted split) are
 * one entry with their sum; its receipt is the payment's.
 */
export async function walletHistory(ctx: Ctx, walletId: string, limit: number) {
  const prizes = await ctx.store.walletCampaignPrizes(walletId);
  const accounts = [
    Accounts.wallet(walletId).id,
    ...prizes.filter((p) => p.claimedAt !== null).map((p) => Accounts.restricted(walletId, p.campaignId).id),
  ];
  const mine = new Set(accounts);
  const rows = (await Promise.all(accounts.map((a) => ctx.store.accountTransfers(a, limit + 16))))
    .flat()
    .sort((a, b) => a.seq - b.seq);
  // A payment's legs are `pay:<transferId>` and `pay:<transferId>:<part>`, written in that order
  // (a few rows past the limit, so that the oldest entry shown has all its legs).
  const entries = new Map<string, { row: StoredTransfer; amount: number }>();
  for (const row of rows) {
    const key = row.id.startsWith('pay:') ? row.id.split(':', 2).join(':') : `#${row.seq}`;
    const entry = entries.get(key);
    if (entry) entry.amount += row.amount;
    else entries.set(key, { row, amount: row.amount });
  }
  const newest = [...entries.values()].reverse().slice(0, limit);
  return Promise.all(
    newest.map(async ({ row, amount }) => {
      const transfer = (row.meta?.transfer as OnlineTransfer | undefined) ?? null;
      // A payment-code charge has no signed transfer: its receipt names the code.
      const charge = transfer ? null : chargeReceiptOf(ctx, row);
      const direction = mine.has(row.credit) ? ('in' as const) : ('out' as const);
      const other = direction === 'in' ? row.debit : row.credit;
      return {
        ledgerSeq: row.seq,
        transferId: transfer?.transferId ?? charge?.transferId ?? row.id,
        kind: row.kind,
        direction,
        amount,
        counterparty: other.startsWith('wallet:') ? other.slice('wallet:'.length) : null,
        memo: transfer?.memo ?? null,
        at: row.at,
        receipt: transfer ? await receiptSoon(ctx, transfer, row) : charge,
        transfer,
        ...(row.id.startsWith(DEPOSIT_REFERENCE)
          ? { spendHash: row.id.slice(DEPOSIT_REFERENCE.length) }
          : {}),
      };
    }),
  );
}
