/**
 * What a scenario needs from the system under test. Two implementations:
 * `LocalDriver` calls the server's service functions on a context from
 * createContext (SQLite in memory or a file, a simulated clock), and
 * `HttpDriver` drives a running server through EcnyClient (real time).
 * Scenarios are written once, against this interface.
 */
import type {
  AuditReport,
  CreateCampaignRequest,
  CreateLuckyMoneyRequest,
  DeviceCert,
  Issue,
  OutboxItem,
  RandomInt,
  Signer,
  TrustAnchors,
} from '@ecny-sim/wallet-core';

export interface SimWallet {
  walletId: string;
  deviceId: string;
  signer: Signer;
  publicKey: string;
  cert: DeviceCert;
  tier: 1 | 2 | 3 | 4;
}

export interface WalletSpec {
  signer: Signer;
  tier: 1 | 2 | 3 | 4;
  displayName: string;
  region?: string;
  resident?: boolean;
  operatorId?: string;
}

export type PayOutcome =
  | { ok: true; fromRestricted: number; fromOwn: number }
  | { ok: false; code: string; message: string };

export interface RestrictedPayment {
  from: SimWallet;
  to: string;
  amount: number;
  transferId: string;
}

export interface PreparedRestricted {
  readonly payments: readonly RestrictedPayment[];
  /** When the payments are made (the transfers' createdAt in-process). */
  readonly at: number;
}

export interface Winner {
  walletId: string;
  amount: number;
  rank: number;
}

export interface CampaignFigures {
  registrants: number;
  winners: number;
  claimed: number;
  payments: number;
  spent: number;
  merchantsReached: number;
  reclaimed: number;
}

export interface SyncAnswer {
  time: number;
  verdicts: { id: string; status: string; caseIds?: string[] }[];
  acknowledged: string[];
  revokedDevices: string[];
  cert: DeviceCert;
}

export interface DepositAnswer {
  results: { coinId: string; status: string; amount?: number; code?: string }[];
}

export interface FraudCaseFacts {
  caseId: string;
  coinId: string;
  culpritDeviceId: string;
  amount: number;
  recovered: number;
}

export interface SimDriver {
  readonly kind: 'in-process' | 'http';
  /** Registrations by synthetic wallet id straight into the store (in-process only). */
  readonly canRegisterSynthetic: boolean;
  readonly trust: TrustAnchors;
  readonly issuerPublicKey: string;
  now(): number;
  /** Time moves on to `t`: the simulated clock jumps (in-process) or the driver waits (HTTP). */
  advanceTo(t: number): Promise<void>;

  openWallet(spec: WalletSpec): Promise<SimWallet>;
  /**
   * In-process only: opens the wallets of synthetic registrants at their
   * registered ids (winners who install the wallet app after the draw), in
   * the order given.
   */
  activateWallets(items: readonly { walletId: string; spec: WalletSpec }[]): Promise<SimWallet[]>;
  topUp(w: SimWallet, amount: number, requestId: string): Promise<void>;
  setMerchant(
    w: SimWallet,
    profile: { name: string; city: string; mcc: string; region: string },
  ): Promise<void>;
  /** An ordinary online payment (device-signed transfer). */
  pay(w: SimWallet, to: string, amount: number, transferId: string): Promise<PayOutcome>;

  createCampaign(body: CreateCampaignRequest): Promise<string>;
  register(campaignId: string, w: SimWallet, offlineTrial: boolean): Promise<void>;
  registerSynthetic(
    campaignId: string,
    rows: { walletId: string; offlineTrial: boolean; registeredAt: number }[],
  ): Promise<number>;
  draw(campaignId: string): Promise<Winner[]>;
  /** Winners open their envelopes (pool -> restricted); throws if one cannot. */
  claimMany(campaignId: string, ws: readonly SimWallet[]): Promise<void>;
  /**
   * Restricted payments to be made at `at`: in-process, the payers' devices
   * start signing them now, off the main thread, while earlier payments
   * settle.
   */
  prepareRestricted(payments: readonly RestrictedPayment[], at: number): PreparedRestricted;
  /** Payments spending restricted campaign money first, each settled or refused on its own, outcomes in order. */
  payRestrictedMany(prepared: PreparedRestricted): Promise<PayOutcome[]>;
  reclaim(campaignId: string): Promise<number>;
  campaignFigures(campaignId: string): Promise<CampaignFigures>;

  load(w: SimWallet, amount: number, denominations: number[], requestId: string): Promise<Issue[]>;
  sync(w: SimWallet, items: readonly OutboxItem[]): Promise<SyncAnswer>;
  deposit(
    w: SimWallet,
    body: { requestId: string; spends: { coin: unknown; spend: unknown }[] },
  ): Promise<DepositAnswer>;
  fraudCases(): Promise<FraudCaseFacts[]>;

  createLucky(w: SimWallet, body: CreateLuckyMoneyRequest): Promise<string>;
  grab(w: SimWallet, envelopeId: string, rng?: RandomInt): Promise<PayOutcome & { amount?: number }>;
  refundLucky(envelopeId: string): Promise<number>;

  audit(): Promise<AuditReport>;
  close(): Promise<void>;
}

export function errorCode(e: unknown): { code: string; message: string } {
  const err = e as { code?: unknown; message?: unknown };
  if (err && typeof err.code === 'string') return { code: err.code, message: String(err.message ?? '') };
  throw e;
}
