/**
 * The storage interface: whole operations, asynchronous, so that a server
 * database can implement it without changing its callers. SQLite
 * (`SqliteStore`) is the embedded default.
 */
import type { AccountSpec, Book } from '../ledger/accounts';
import type {
  DepositInput,
  DepositOutcome,
  DepositRow,
  FraudCaseRow,
  OfflineAuditFacts,
  OfflineLoadInput,
  OfflineLoadOutcome,
  OutputCoin,
  RecordSpendsInput,
  RecordSpendsOutcome,
  RootCoinRow,
  SpendRef,
  SpentRow,
} from './offline-rows';
import type {
  CampaignClaim,
  CampaignClaimStats,
  CampaignDrawRecord,
  CampaignRegistrationRow,
  CampaignRow,
  CampaignSpendStats,
  CampaignWinnerRow,
  CreateOutcome,
  LuckyEnvelopeRow,
  LuckyGrabInput,
  LuckyGrabOutcome,
  LuckyGrabRow,
  LuckyRefundOutcome,
} from './red-envelope-rows';

export type * from './offline-rows';
export type * from './red-envelope-rows';

/** A movement of `amount` fen from `debit` to `credit`, unique by `id`. */
export interface LedgerTransfer {
  id: string;
  debit: string;
  credit: string;
  amount: number;
  kind: string;
  /** Free-form facts kept with the transfer (the signed object that caused it, ids...). */
  meta?: Record<string, unknown>;
  /** Conditions checked atomically with the transfer. */
  limits?: {
    /** The credit account's balance must not exceed this after the transfer. */
    creditBalanceMax?: number | null;
    /** Daily total of `dailyKey` (per calendar day `day`) must not exceed this. */
    dailyMax?: number | null;
    dailyKey?: string;
    day?: string;
  };
  /**
   * A one-time claim taken in the same transaction as this transfer (a bill
   * marked paid, a payment code marked used). If it is already taken the
   * whole group is rejected and nothing moves. Not re-checked for a
   * duplicate group (a retry returns the recorded transfers).
   */
  claim?: LedgerClaim;
}

/** What a transfer can claim atomically with itself; see `LedgerTransfer.claim`. */
export type LedgerClaim =
  | {
      kind: 'bill';
      /** The merchant's wallet (the bill's owner). */
      walletId: string;
      billId: string;
      /** The paying wallet, recorded on the bill. */
      payer: string;
      /** Time to check the bill's expiry against. */
      now: number;
    }
  | {
      kind: 'payment-code';
      codeId: string;
      /** The wallet that signed the code. */
      walletId: string;
    };

/** A dynamic merchant QR's bill: paid at most once, by a transfer of exactly `amount`. */
export interface BillRow {
  walletId: string;
  billId: string;
  amount: number;
  /** The EMVCo payload shown to the customer. */
  payload: string;
  status: 'open' | 'paid';
  createdAt: number;
  expiresAt: number;
  /** Ledger id of the transfer that paid it. */
  paidTransferId: string | null;
  paidBy: string | null;
  paidAt: number | null;
}

export interface StoredTransfer {
  seq: number;
  id: string;
  debit: string;
  credit: string;
  amount: number;
  kind: string;
  meta: Record<string, unknown> | null;
  at: number;
}

export type ApplyOutcome =
  | {
      ok: true;
      duplicate: boolean;
      transfers: StoredTransfer[];
      /** Balances of the accounts the group moved, right after it (a new group only). */
      balances?: ReadonlyMap<string, { readonly balance: number }>;
    }
  | { ok: false; code: string; message: string; index: number };

export interface AccountRow {
  id: string;
  book: Book;
  kind: string;
  allowNegative: boolean;
  balance: number;
}

export interface AuditRow extends AccountRow {
  /** credits - debits recomputed from the transfer log. */
  computed: number;
}

export interface WalletRow {
  walletId: string;
  operatorId: string;
  displayName: string;
  tier: 1 | 2 | 3 | 4;
  phone: string | null;
  region: string | null;
  resident: boolean;
  merchant: { name: string; city: string; mcc: string; region: string } | null;
  createdAt: number;
}

export interface DeviceRow {
  deviceId: string;
  walletId: string;
  publicKey: string;
  cert: unknown;
  revokedAt: number | null;
  revokedReason: string | null;
  createdAt: number;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  close(): Promise<void>;

  getMeta(key: string): Promise<string | null>;
  /** Sets `key` unless it is set; returns the value now stored. */
  setMetaIfAbsent(key: string, value: string): Promise<string>;
  setMeta(key: string, value: string): Promise<void>;

  ensureAccounts(accounts: AccountSpec[]): Promise<void>;
  /**
   * Applies one group of transfers atomically: all or none. A group whose
   * first transfer id is already recorded is a duplicate and returns the
   * recorded transfers (idempotency); the same id with different content is
   * IDEMPOTENCY_CONFLICT.
   */
  applyTransfers(group: LedgerTransfer[]): Promise<ApplyOutcome>;
  /** Applies many independent groups; each succeeds or fails on its own. */
  applyMany(groups: LedgerTransfer[][]): Promise<ApplyOutcome[]>;
  getTransfer(id: string): Promise<StoredTransfer | null>;
  getBalance(accountId: string): Promise<number | null>;
  getDailyTotal(dailyKey: string, day: string): Promise<number>;
  accountTransfers(accountId: string, limit: number): Promise<StoredTransfer[]>;
  listAccounts(): Promise<AccountRow[]>;
  /**
   * Every account with its stored and computed balance, and the ledger's size. A store that keeps
   * account histories as chains (SQLite) also names the accounts whose chain is not exactly the
   * transfers that touch them (`historyBreaks`).
   */
  auditRows(): Promise<{ rows: AuditRow[]; transfers: number; lastSeq: number; historyBreaks?: string[] }>;
  /** A digest of the whole ledger (accounts and transfers), to prove that nothing changed. */
  ledgerDigest(): Promise<string>;

  insertWallet(wallet: WalletRow, device: DeviceRow): Promise<void>;
  /** Many wallets with their first devices, all or none (bulk onboarding). */
  insertWallets(entries: readonly { wallet: WalletRow; device: DeviceRow }[]): Promise<void>;
  getWallet(walletId: string): Promise<WalletRow | null>;
  /** Wallets by id, for the ids that exist: one read for a whole batch of payments. */
  getWallets(walletIds: readonly string[]): Promise<Map<string, WalletRow>>;
  updateWallet(
    walletId: string,
    patch: Partial<Pick<WalletRow, 'tier' | 'merchant' | 'displayName'>>,
  ): Promise<void>;
  listWallets(): Promise<WalletRow[]>;
  getDevice(deviceId: string): Promise<DeviceRow | null>;
  /** Devices by id, for the ids that exist: one read for a whole batch of payments. */
  getDevices(deviceIds: readonly string[]): Promise<Map<string, DeviceRow>>;
  /** Devices by public key (the owners named in spends), for the keys that are known. */
  getDevicesByPublicKeys(publicKeys: readonly string[]): Promise<Map<string, DeviceRow>>;
  /** Wallets with a merchant profile, in wallet id order, at most `limit`. */
  listMerchantWallets(limit: number): Promise<WalletRow[]>;
  updateDeviceCert(deviceId: string, cert: unknown): Promise<void>;
  revokeDevice(deviceId: string, reason: string, at: number): Promise<void>;
  listRevokedDevices(): Promise<string[]>;

  /** Records a bill unless (walletId, billId) exists; returns the bill now stored. */
  createBill(bill: BillRow): Promise<BillRow>;
  getBill(walletId: string, billId: string): Promise<BillRow | null>;

  // Red envelopes (campaigns, registrations, winners, group lucky money).
  /** Records a campaign and applies its funding group in one transaction; the same id again is a duplicate. */
  createCampaign(row: CampaignRow, funding: LedgerTransfer[]): Promise<CreateOutcome<CampaignRow>>;
  getCampaign(campaignId: string): Promise<CampaignRow | null>;
  listCampaigns(): Promise<CampaignRow[]>;
  /** One registration per wallet; an offline-trial place only while the quota lasts. */
  registerForCampaign(
    row: CampaignRegistrationRow,
    offlineTrialQuota: number,
  ): Promise<{ added: boolean; registration: CampaignRegistrationRow }>;
  /** Bulk ingestion in one transaction; returns how many were new. */
  insertCampaignRegistrations(
    campaignId: string,
    rows: readonly Omit<CampaignRegistrationRow, 'campaignId'>[],
  ): Promise<number>;
  getCampaignRegistration(campaignId: string, walletId: string): Promise<CampaignRegistrationRow | null>;
  countCampaignRegistrations(campaignId: string): Promise<{ total: number; offlineTrial: number }>;
  /** All registered wallet ids in canonical (byte) order. */
  campaignRegistrationIds(campaignId: string): Promise<string[]>;
  /** Up to `limit` registered wallet ids after `after`, in canonical order. */
  campaignRegistrationPage(campaignId: string, after: string | null, limit: number): Promise<string[]>;
  /** Records the draw once (false when already drawn). */
  recordCampaignDraw(campaignId: string, draw: CampaignDrawRecord): Promise<boolean>;
  listCampaignWinners(campaignId: string, afterRank: number, limit: number): Promise<CampaignWinnerRow[]>;
  getCampaignWinner(campaignId: string, walletId: string): Promise<CampaignWinnerRow | null>;
  walletCampaignPrizes(walletId: string): Promise<CampaignWinnerRow[]>;
  /** Each claim (winner marked claimed + its ledger group) atomically and on its own. */
  claimCampaignPrizes(campaignId: string, claims: readonly CampaignClaim[]): Promise<ApplyOutcome[]>;
  campaignClaimStats(campaignId: string): Promise<CampaignClaimStats>;
  campaignSpendStats(campaignId: string): Promise<CampaignSpendStats>;
  /** Adds what a reclaim took back (possibly 0) and dates the campaign's first reclaim (kept after). */
  addCampaignReclaimed(campaignId: string, amount: number, at: number): Promise<void>;
  /** Records an envelope and applies its funding group in one transaction. */
  createLuckyEnvelope(
    row: LuckyEnvelopeRow,
    funding: LedgerTransfer[],
  ): Promise<CreateOutcome<LuckyEnvelopeRow>>;
  getLuckyEnvelope(envelopeId: string): Promise<LuckyEnvelopeRow | null>;
  listLuckyGrabs(envelopeId: string): Promise<LuckyGrabRow[]>;
  /**
   * One grab in one transaction: reads the envelope, computes the share,
   * applies the payout group, updates the envelope and records the grab.
   */
  grabLuckyShare(input: LuckyGrabInput): Promise<LuckyGrabOutcome>;
  /** Refunds what is left of an expired envelope to its funder, once. */
  refundLuckyEnvelope(
    envelopeId: string,
    at: number,
    transfer: (remaining: number) => LedgerTransfer[],
  ): Promise<LuckyRefundOutcome>;

  // Offline money (issue 3): root coins, the spent set, fraud cases, deposits (offline-rows.ts).
  /** Issues a load: its ledger group, the root coins and the load row in one transaction, within the device's cap; the same (walletId, requestId) again returns the recorded coins. */
  recordOfflineLoad(input: OfflineLoadInput): Promise<OfflineLoadOutcome>;
  getRootCoins(coinIds: readonly string[]): Promise<Map<string, RootCoinRow>>;
  /** The spent-set rows of these coins (input coin id -> the first spend seen of it). */
  getSpends(inputCoinIds: readonly string[]): Promise<Map<string, SpentRow>>;
  /** Hash and counterfeit flag of the recorded spend of each coin (the fast path of re-uploads). */
  getSpendHashes(
    inputCoinIds: readonly string[],
  ): Promise<Map<string, { hash: string; counterfeit: boolean }>>;
  /**
   * Walks each path through the spent set in one transaction: a new spend is
   * recorded, the same spend is known, a different spend of a recorded coin
   * opens (or finds) the fraud case, revokes the culprit and recovers from it
   * per `policy`, atomically with the check.
   */
  recordSpends(input: RecordSpendsInput): Promise<RecordSpendsOutcome>;
  /** A deposit spend checked against the spent set, recorded, and its ledger group applied, in one transaction. */
  recordDeposit(input: DepositInput): Promise<DepositOutcome>;
  getFraudCase(caseId: string): Promise<FraudCaseRow | null>;
  /** Newest first; filters: cases whose culprit or reporter is `deviceId` or whose payees include `publicKey`; cases on `coinIds`. */
  listFraudCases(filter?: {
    deviceId?: string;
    publicKey?: string;
    coinIds?: string[];
    limit?: number;
  }): Promise<FraudCaseRow[]>;
  /**
   * The coins a recorded (or losing) spend produced. `toIssuer` may be left out: a coin paid to the
   * issuer is one whose owner is the issuer key.
   */
  spendOutputs(spend: SpendRef): Promise<OutputCoin[]>;
  getDepositOfCoin(coinId: string): Promise<DepositRow | null>;
  /** What fraud cases recovered from culprits, in all (one small sum, for the public figures). */
  fraudRecoveredTotal(): Promise<number>;
  offlineAuditFacts(): Promise<OfflineAuditFacts>;
}
