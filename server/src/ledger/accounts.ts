/**
 * Ledger accounts. Three books, each summing to zero on its own:
 * - `ecny`: the e-CNY in circulation. `issuance` is the central bank's
 *   issuance account (its balance is minus everything issued); every other
 *   account holds e-CNY somewhere: operator vaults, wallets, restricted
 *   balances, pools, coins outstanding on devices, recognised fraud losses.
 * - `bank`: commercial-bank deposits that users convert to and from e-CNY.
 * - `reserve`: operator reserves at the central bank; issuing e-CNY to an
 *   operator pledges the same amount of its reserve as backing.
 */
export type Book = 'ecny' | 'bank' | 'reserve';

export type AccountKind =
  | 'issuance'
  | 'vault'
  | 'wallet'
  | 'restricted'
  | 'pool'
  | 'offline'
  | 'loss'
  | 'bank_deposit'
  | 'bank_settlement'
  | 'reserve_source'
  | 'reserve'
  | 'reserve_backing';

export interface AccountSpec {
  id: string;
  book: Book;
  kind: AccountKind;
  /** Only issuance-style accounts may go below zero. */
  allowNegative: boolean;
}

export const Accounts = {
  issuance: (): AccountSpec => ({ id: 'issuance', book: 'ecny', kind: 'issuance', allowNegative: true }),
  vault: (operatorId: string): AccountSpec => ({
    id: `vault:${operatorId}`,
    book: 'ecny',
    kind: 'vault',
    allowNegative: false,
  }),
  wallet: (walletId: string): AccountSpec => ({
    id: `wallet:${walletId}`,
    book: 'ecny',
    kind: 'wallet',
    allowNegative: false,
  }),
  restricted: (walletId: string, campaignId: string): AccountSpec => ({
    id: `restricted:${walletId}:${campaignId}`,
    book: 'ecny',
    kind: 'restricted',
    allowNegative: false,
  }),
  pool: (poolId: string): AccountSpec => ({
    id: `pool:${poolId}`,
    book: 'ecny',
    kind: 'pool',
    allowNegative: false,
  }),
  offline: (operatorId: string): AccountSpec => ({
    id: `offline:${operatorId}`,
    book: 'ecny',
    kind: 'offline',
    allowNegative: false,
  }),
  /**
   * Restricted (red-envelope) coins of one campaign outstanding on devices of
   * an operator's wallets: loaded from restricted:<wallet>:<campaign>, paid
   * out by deposits, and what is left after the spending window is reclaimed
   * to the issuer. Kind 'offline', kept apart from offline:<op> so the audit
   * can follow each campaign's coins.
   */
  offlineRestricted: (operatorId: string, campaignId: string): AccountSpec => ({
    id: `offline-restricted:${operatorId}:${campaignId}`,
    book: 'ecny',
    kind: 'offline',
    allowNegative: false,
  }),
  /**
   * An operator's recognised fraud losses. Compensating an honest payee for a
   * double-spent coin debits it, recovering from the culprit credits it, so
   * its balance is minus the operator's net loss.
   */
  loss: (operatorId: string): AccountSpec => ({
    id: `loss:${operatorId}`,
    book: 'ecny',
    kind: 'loss',
    allowNegative: true,
  }),
  bankDeposit: (walletId: string): AccountSpec => ({
    id: `bank:${walletId}`,
    book: 'bank',
    kind: 'bank_deposit',
    allowNegative: false,
  }),
  bankSettlement: (operatorId: string): AccountSpec => ({
    id: `bank-settlement:${operatorId}`,
    book: 'bank',
    kind: 'bank_settlement',
    allowNegative: true,
  }),
  reserve: (operatorId: string): AccountSpec => ({
    id: `reserve:${operatorId}`,
    book: 'reserve',
    kind: 'reserve',
    allowNegative: false,
  }),
  /** Where operator reserves come from (the central bank's side of them). */
  reserveSource: (): AccountSpec => ({
    id: 'reserve-source',
    book: 'reserve',
    kind: 'reserve_source',
    allowNegative: true,
  }),
  /** Reserves pledged against e-CNY in circulation: always equal to the amount issued. */
  reserveBacking: (): AccountSpec => ({
    id: 'reserve-backing',
    book: 'reserve',
    kind: 'reserve_backing',
    allowNegative: false,
  }),
};
