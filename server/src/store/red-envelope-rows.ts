/**
 * Rows of the red-envelope tables (campaigns, registrations, winners, group
 * lucky money) and the outcomes of the store operations that write them.
 */
import type { ApplyOutcome, LedgerTransfer, StoredTransfer } from './store';

export interface CampaignPrize {
  amount: number;
  count: number;
}

/** What the operator asked for at creation (public, apart from nothing: the seed is kept elsewhere). */
export interface CampaignSpec {
  name: string;
  description?: string;
  budget: number;
  prizes: CampaignPrize[];
  registrationOpensAt: number;
  registrationClosesAt: number;
  eligibility: { regions?: string[]; residentsOnly?: boolean };
  merchantRule: { walletIds?: string[]; regions?: string[]; mccs?: string[] };
  spendFrom: number;
  spendUntil: number;
  offlineTrialQuota: number;
}

export interface CampaignRow {
  campaignId: string;
  spec: CampaignSpec;
  /** The operator whose vault funded the budget (and whose reserve pledge a reclaim releases). */
  fundedBy: string;
  commitment: string;
  /** The draw seed (base64url). Secret until `status` is 'drawn'. */
  seed: string;
  status: 'open' | 'drawn';
  createdAt: number;
  drawnAt: number | null;
  listDigest: string | null;
  /** Registrations drawn from (set at the draw). */
  registrations: number | null;
  unawarded: number | null;
  /** Fen returned to the issuer so far. */
  reclaimed: number;
  /** The first reclaim, even one that found nothing left (ms since the epoch). */
  reclaimedAt: number | null;
}

export interface CampaignRegistrationRow {
  campaignId: string;
  walletId: string;
  offlineTrial: boolean;
  registeredAt: number;
}

export interface CampaignWinnerRow {
  campaignId: string;
  rank: number;
  walletId: string;
  amount: number;
  claimedAt: number | null;
  claimTransferId: string | null;
}

export interface CampaignDrawRecord {
  listDigest: string;
  registrations: number;
  unawarded: number;
  drawnAt: number;
  winners: { walletId: string; amount: number; rank: number }[];
}

export interface CampaignClaim {
  walletId: string;
  at: number;
  /** Pool -> restricted account of the winner; its first id is the claim's ledger id. */
  group: LedgerTransfer[];
}

export interface CampaignSpendStats {
  /** Payments that spent some of the campaign's money. */
  payments: number;
  /** Fen of campaign money spent at merchants. */
  spent: number;
  /** Distinct merchants paid with campaign money. */
  merchants: number;
}

export interface CampaignClaimStats {
  winners: number;
  prizeTotal: number;
  claimed: number;
  claimedAmount: number;
}

export type CreateOutcome<T> =
  | { ok: true; duplicate: boolean; value: T }
  | { ok: false; code: string; message: string };

export interface LuckyEnvelopeRow {
  envelopeId: string;
  /** The funding wallet. */
  walletId: string;
  groupId: string;
  total: number;
  shares: number;
  mode: 'random' | 'equal';
  memo: string | null;
  remaining: number;
  sharesLeft: number;
  status: 'open' | 'empty' | 'refunded';
  createdAt: number;
  expiresAt: number;
  refunded: number;
  refundedAt: number | null;
}

export interface LuckyGrabRow {
  envelopeId: string;
  walletId: string;
  /** 1-based grab order. */
  share: number;
  amount: number;
  transferId: string;
  grabbedAt: number;
}

export interface LuckyGrabInput {
  envelopeId: string;
  walletId: string;
  at: number;
  /** Computes the share from the envelope's current state (nextGrab with the injected rng). */
  share: (state: { mode: 'random' | 'equal'; remaining: number; sharesLeft: number }) => number;
  /** The ledger group paying `amount` out of the envelope's pool to the grabber. */
  transfer: (amount: number, share: number) => LedgerTransfer[];
}

export type LuckyGrabOutcome =
  | { ok: true; grab: LuckyGrabRow; envelope: LuckyEnvelopeRow; transfers: StoredTransfer[] }
  | { ok: false; code: string; message: string; grab?: LuckyGrabRow };

export type LuckyRefundOutcome =
  | { ok: true; duplicate: boolean; envelope: LuckyEnvelopeRow; refunded: number }
  | { ok: false; code: string; message: string };

export type ClaimOutcome = ApplyOutcome;
