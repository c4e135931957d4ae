/**
 * The checks every ledger transfer of a group passes, shared by the SQLite
 * and PostgreSQL stores (each reads balances and daily totals its own way,
 * then asks these).
 */
import { formatFen } from '@ecny-sim/wallet-core';
import type { LedgerTransfer } from './store';

/** A group refused by one of its transfers (`index`); the store answers it with `code`. */
export class GroupRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

/** The balance of an account as the group's checks see it. */
export interface AccountState {
  balance: number;
  allowNegative: boolean;
}

/** A positive whole amount between two different accounts. */
export function checkTransferShape(t: LedgerTransfer, index: number): void {
  if (!Number.isSafeInteger(t.amount) || t.amount <= 0) {
    throw new GroupRejected('BAD_AMOUNT', `amount must be a positive whole number of fen`, index);
  }
  if (t.debit === t.credit)
    throw new GroupRejected('SAME_ACCOUNT', 'debit and credit are the same account', index);
}

/**
 * Funds on the debit side, the payee's balance cap and the payer's daily limit
 * (`usedToday` is what the daily key has used so far, asked only when there is a limit).
 * The refusals name no balance, cap or daily total: they reach whoever asked for the
 * transfer, a merchant charging a customer's payment code or a payer paying a stranger,
 * and a wallet's figures are its owner's.
 */
export function checkTransferFits(
  t: LedgerTransfer,
  index: number,
  debit: AccountState,
  credit: AccountState,
  usedToday: () => number,
): void {
  if (!debit.allowNegative && debit.balance < t.amount) {
    throw new GroupRejected(
      'INSUFFICIENT_FUNDS',
      `${t.debit} does not hold the ${formatFen(t.amount)} this transfer needs`,
      index,
    );
  }
  const limits = t.limits;
  if (limits?.creditBalanceMax != null && credit.balance + t.amount > limits.creditBalanceMax) {
    throw new GroupRejected(
      'LIMIT_BALANCE_CAP',
      "this would take the receiving wallet's balance over its tier's cap",
      index,
    );
  }
  if (limits?.dailyMax != null && limits.dailyKey && limits.day) {
    const today = usedToday();
    if (today + t.amount > limits.dailyMax) {
      throw new GroupRejected(
        'LIMIT_PER_DAY',
        "this would pass the paying wallet's daily limit for its tier",
        index,
      );
    }
  }
}
