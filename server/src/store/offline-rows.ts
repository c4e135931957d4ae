/**
 * Rows and inputs of the offline-money operations of the store: root coins
 * issued at load, the spent set (input coin id -> the first spend seen of
 * it), the coins spends produced, fraud cases and deposits.
 */
import type { LedgerTransfer } from './store';

/** The ledger reference of a deposited offline coin: this prefix and the hash of the spend that paid it in. */
export const DEPOSIT_REFERENCE = 'offline-deposit:';

/** A root coin the issuer signed at a load. */
export interface RootCoinRow {
  coinId: string;
  operatorId: string;
  walletId: string;
  deviceId: string;
  /** base64url device key that owns the root coin. */
  owner: string;
  amount: number;
  expiresAt: number;
  maxHops: number;
  /** The signed Issue, as canonical JSON (what an uploaded path must carry byte for byte). */
  issueJson: string;
  loadRequestId: string;
  issuedAt: number;
  /** The campaign of a restricted (red-envelope) root coin; null for ordinary coins. */
  campaignId?: string | null;
}

export interface OfflineLoadRow {
  walletId: string;
  requestId: string;
  deviceId: string;
  operatorId: string;
  amount: number;
  /** Ledger id of wallet -> offline outstanding. */
  transferId: string;
  createdAt: number;
}

export interface OfflineLoadInput {
  load: OfflineLoadRow;
  coins: RootCoinRow[];
  /** wallet:<id> -> offline:<operator>, applied in the same transaction. */
  group: LedgerTransfer[];
  /** The device's known offline holdings plus the load must stay within `max` fen. */
  cap: { owner: string; max: number };
}

export type OfflineLoadOutcome =
  | { ok: true; duplicate: boolean; load: OfflineLoadRow; coins: RootCoinRow[] }
  | { ok: false; code: string; message: string };

/** One row of the spent set. */
export interface SpentRow {
  inputCoinId: string;
  spendHash: string;
  /** The signed Spend as JSON. */
  spendJson: string;
  rootCoinId: string;
  operatorId: string;
  /** 1-based position of the spend in its coin's path. */
  hop: number;
  /** Amount of the coin it consumed. */
  amount: number;
  signerDeviceId: string;
  signerWalletId: string;
  /** True when the consumed coin descends from the losing spend of a double spend. */
  counterfeit: boolean;
  /** Fen paid to the issuer key (a deposit). */
  toIssuer: number;
  uploader: string;
  firstSeenAt: number;
}

export interface OutputCoin {
  coinId: string;
  owner: string;
  amount: number;
  /** Owned by the issuer key: a deposited coin, out of circulation. */
  toIssuer?: boolean;
}

/** A verified spend offered to the spent set, with what a fraud case needs if it conflicts. */
export interface SpendCandidate {
  inputCoinId: string;
  spendHash: string;
  spendJson: string;
  rootCoinId: string;
  operatorId: string;
  hop: number;
  amount: number;
  signerDeviceId: string;
  signerWalletId: string;
  /** The key that owned the spent coin (the signer's key, which path verification matched to it). */
  inputOwner: string;
  outputs: OutputCoin[];
  toIssuer: number;
  /** Lazily gives the proof parts: the consumed coin with its path (JSON) and the signer's certificate (JSON). */
  proof: () => { coinJson: string; culpritJson: string };
}

export interface SpendPolicy {
  /** Revoke the culprit device when a case is opened. */
  revokeCulprit: boolean;
  /** Move min(amount, culprit's online balance) wallet:<culprit> -> loss:<operator> when a case is opened. */
  recoverFromCulprit: boolean;
}

export interface RecordSpendsInput {
  /** Each path's spends from the root on, in order. */
  paths: SpendCandidate[][];
  uploader: string;
  at: number;
  policy: SpendPolicy;
}

export type LinkOutcome =
  | { status: 'new'; counterfeit: boolean }
  | { status: 'known'; counterfeit: boolean }
  | { status: 'conflict'; caseId: string; opened: boolean };

export interface RecordSpendsOutcome {
  paths: LinkOutcome[][];
  /** Cases opened by this call. */
  opened: FraudCaseRow[];
}

export interface FraudCaseRow {
  caseId: string;
  /** The coin spent twice. */
  coinId: string;
  rootCoinId: string;
  operatorId: string;
  amount: number;
  culpritDeviceId: string;
  culpritWalletId: string;
  firstHash: string;
  secondHash: string;
  /** DoubleSpendProof {coin, culprit, first, second} as JSON. */
  proofJson: string;
  /** Outputs of the losing (second) spend: the start of the losing branch. */
  losingOutputs: OutputCoin[];
  /** Output 0 owners of the two spends (the payees). */
  firstPayee: string;
  secondPayee: string;
  reportedBy: string;
  recovered: number;
  recoveryTransferId: string | null;
  detectedAt: number;
}

export interface DepositRow {
  spendHash: string;
  coinId: string;
  walletId: string;
  deviceId: string;
  requestId: string;
  operatorId: string;
  amount: number;
  /** 'deposit': offline outstanding -> wallet; 'compensation': loss -> wallet (a coin of a losing branch). */
  kind: 'deposit' | 'compensation';
  transferId: string;
  createdAt: number;
}

/** A spend by the coin it spent and its hash. */
export interface SpendRef {
  inputCoinId: string;
  spendHash: string;
}

export interface DepositInput {
  /** The deposit spend (a spend of the coin to the issuer key). */
  spend: SpendCandidate;
  /** The spend that produced the deposited coin (none for a root coin). */
  parent?: SpendRef;
  walletId: string;
  deviceId: string;
  requestId: string;
  uploader: string;
  at: number;
  policy: SpendPolicy;
  /** Refuse (COIN_DOUBLE_SPENT) rather than compensate when the coin is on a losing branch. */
  refuseCounterfeit: boolean;
  /**
   * Ledger accounts of a restricted coin's deposit: `debit` replaces
   * offline:<op> (the campaign's offline-restricted account), `credit`
   * replaces wallet:<depositor> (the merchant's wallet, or the winner's
   * restricted balance). A compensation still comes from loss:<op>, to `credit`.
   */
  accounts?: { debit: string; credit: string };
}

export type DepositOutcome =
  | { status: 'deposited'; duplicate: boolean; deposit: DepositRow }
  | { status: 'double_spend'; caseId: string; opened: FraudCaseRow | null }
  | { status: 'refused'; code: string; message: string };

/** Sums per operator for the audit. */
export interface OfflineAuditFacts {
  operators: Record<
    string,
    {
      /** Root coins issued. */
      issued: number;
      /** Genuine coin value paid to the issuer according to the spent set. */
      spentToIssuer: number;
      /** Counterfeit (losing-branch) coin value paid to the issuer according to the spent set. */
      counterfeitToIssuer: number;
      deposited: number;
      compensated: number;
      recovered: number;
      /** Genuine coins alive per the spent set: roots and outputs not yet consumed, not owned by the issuer. */
      live: number;
    }
  >;
  /**
   * Restricted root coins per operator and campaign: issued, genuine value
   * paid to the issuer per the spent set, and reclaimed after the window
   * (ledger transfers of kind offline_restricted_reclaim).
   */
  restricted: Record<string, Record<string, { issued: number; spentToIssuer: number; reclaimed: number }>>;
  /** Deposits whose spend is missing from the spent set or differs. */
  orphanDeposits: string[];
  /** Load groups whose coins do not add up to the load. */
  loadMismatches: string[];
  /** Keys whose kept offline holdings differ from their genuine unspent coins in the spent set. */
  holdingMismatches: string[];
}
