/**
 * Database records of the campaign and lucky-money tables and their
 * conversion to the store's rows: the same columns in SQLite and PostgreSQL,
 * so both stores share them.
 */
import type {
  CampaignRegistrationRow,
  CampaignRow,
  CampaignWinnerRow,
  LuckyEnvelopeRow,
  LuckyGrabRow,
} from './red-envelope-rows';

export interface CampaignRecord {
  campaign_id: string;
  spec: string;
  funded_by: string;
  commitment: string;
  seed: string;
  status: 'open' | 'drawn';
  created_at: number;
  drawn_at: number | null;
  list_digest: string | null;
  registrations: number | null;
  unawarded: number | null;
  reclaimed: number;
  reclaimed_at: number | null;
}

export interface RegistrationRecord {
  campaign_id: string;
  wallet_id: string;
  offline_trial: number;
  registered_at: number;
}

export interface WinnerRecord {
  campaign_id: string;
  rank: number;
  wallet_id: string;
  amount: number;
  claimed_at: number | null;
  claim_transfer_id: string | null;
}

export interface EnvelopeRecord {
  envelope_id: string;
  wallet_id: string;
  group_id: string;
  total: number;
  shares: number;
  mode: 'random' | 'equal';
  memo: string | null;
  remaining: number;
  shares_left: number;
  status: 'open' | 'empty' | 'refunded';
  created_at: number;
  expires_at: number;
  refunded: number;
  refunded_at: number | null;
}

export interface GrabRecord {
  envelope_id: string;
  wallet_id: string;
  share: number;
  amount: number;
  transfer_id: string;
  grabbed_at: number;
}

export const toCampaign = (r: CampaignRecord): CampaignRow => ({
  campaignId: r.campaign_id,
  spec: JSON.parse(r.spec) as CampaignRow['spec'],
  fundedBy: r.funded_by,
  commitment: r.commitment,
  seed: r.seed,
  status: r.status,
  createdAt: r.created_at,
  drawnAt: r.drawn_at,
  listDigest: r.list_digest,
  registrations: r.registrations,
  unawarded: r.unawarded,
  reclaimed: r.reclaimed,
  reclaimedAt: r.reclaimed_at,
});

export const toRegistration = (r: RegistrationRecord): CampaignRegistrationRow => ({
  campaignId: r.campaign_id,
  walletId: r.wallet_id,
  offlineTrial: r.offline_trial === 1,
  registeredAt: r.registered_at,
});

export const toWinner = (r: WinnerRecord): CampaignWinnerRow => ({
  campaignId: r.campaign_id,
  rank: r.rank,
  walletId: r.wallet_id,
  amount: r.amount,
  claimedAt: r.claimed_at,
  claimTransferId: r.claim_transfer_id,
});

export const toEnvelope = (r: EnvelopeRecord): LuckyEnvelopeRow => ({
  envelopeId: r.envelope_id,
  walletId: r.wallet_id,
  groupId: r.group_id,
  total: r.total,
  shares: r.shares,
  mode: r.mode,
  memo: r.memo,
  remaining: r.remaining,
  sharesLeft: r.shares_left,
  status: r.status,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  refunded: r.refunded,
  refundedAt: r.refunded_at,
});

export const toGrab = (r: GrabRecord): LuckyGrabRow => ({
  envelopeId: r.envelope_id,
  walletId: r.wallet_id,
  share: r.share,
  amount: r.amount,
  transferId: r.transfer_id,
  grabbedAt: r.grabbed_at,
});
