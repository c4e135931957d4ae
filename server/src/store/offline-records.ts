/**
 * Database records of the offline tables and their conversion to the store's
 * rows: the same columns in SQLite and PostgreSQL, so both stores share them.
 */
import { createHash } from 'node:crypto';
import type {
  DepositRow,
  FraudCaseRow,
  OfflineLoadRow,
  OutputCoin,
  RootCoinRow,
  SpentRow,
} from './offline-rows';

export interface LoadRecord {
  wallet_id: string;
  request_id: string;
  device_id: string;
  operator_id: string;
  amount: number;
  transfer_id: string;
  created_at: number;
}

export interface CoinRecord {
  coin_id: string;
  operator_id: string;
  wallet_id: string;
  device_id: string;
  owner: string;
  amount: number;
  expires_at: number;
  max_hops: number;
  issue: string;
  load_request_id: string;
  issued_at: number;
  campaign_id: string | null;
}

export interface SpendRecord {
  input_coin_id: string;
  spend_hash: string;
  spend: string;
  root_coin_id: string;
  operator_id: string;
  hop: number;
  amount: number;
  signer_device_id: string;
  signer_wallet_id: string;
  counterfeit: number;
  to_issuer: number;
  uploader: string;
  first_seen_at: number;
}

export interface CaseRecord {
  case_id: string;
  coin_id: string;
  root_coin_id: string;
  operator_id: string;
  amount: number;
  culprit_device_id: string;
  culprit_wallet_id: string;
  first_hash: string;
  second_hash: string;
  proof: string;
  losing_outputs: string;
  first_payee: string;
  second_payee: string;
  reported_by: string;
  recovered: number;
  recovery_transfer_id: string | null;
  detected_at: number;
}

export interface DepositRecord {
  spend_hash: string;
  coin_id: string;
  wallet_id: string;
  device_id: string;
  request_id: string;
  operator_id: string;
  amount: number;
  kind: 'deposit' | 'compensation';
  transfer_id: string;
  created_at: number;
}

export const toLoad = (r: LoadRecord): OfflineLoadRow => ({
  walletId: r.wallet_id,
  requestId: r.request_id,
  deviceId: r.device_id,
  operatorId: r.operator_id,
  amount: r.amount,
  transferId: r.transfer_id,
  createdAt: r.created_at,
});

export const toCoin = (r: CoinRecord): RootCoinRow => ({
  coinId: r.coin_id,
  operatorId: r.operator_id,
  walletId: r.wallet_id,
  deviceId: r.device_id,
  owner: r.owner,
  amount: r.amount,
  expiresAt: r.expires_at,
  maxHops: r.max_hops,
  issueJson: r.issue,
  loadRequestId: r.load_request_id,
  issuedAt: r.issued_at,
  campaignId: r.campaign_id ?? null,
});

export const toSpent = (r: SpendRecord): SpentRow => ({
  inputCoinId: r.input_coin_id,
  spendHash: r.spend_hash,
  spendJson: r.spend,
  rootCoinId: r.root_coin_id,
  operatorId: r.operator_id,
  hop: r.hop,
  amount: r.amount,
  signerDeviceId: r.signer_device_id,
  signerWalletId: r.signer_wallet_id,
  counterfeit: r.counterfeit === 1,
  toIssuer: r.to_issuer,
  uploader: r.uploader,
  firstSeenAt: r.first_seen_at,
});

export const toCase = (r: CaseRecord): FraudCaseRow => ({
  caseId: r.case_id,
  coinId: r.coin_id,
  rootCoinId: r.root_coin_id,
  operatorId: r.operator_id,
  amount: r.amount,
  culpritDeviceId: r.culprit_device_id,
  culpritWalletId: r.culprit_wallet_id,
  firstHash: r.first_hash,
  secondHash: r.second_hash,
  proofJson: r.proof,
  losingOutputs: JSON.parse(r.losing_outputs) as OutputCoin[],
  firstPayee: r.first_payee,
  secondPayee: r.second_payee,
  reportedBy: r.reported_by,
  recovered: r.recovered,
  recoveryTransferId: r.recovery_transfer_id,
  detectedAt: r.detected_at,
});

export const toDeposit = (r: DepositRecord): DepositRow => ({
  spendHash: r.spend_hash,
  coinId: r.coin_id,
  walletId: r.wallet_id,
  deviceId: r.device_id,
  requestId: r.request_id,
  operatorId: r.operator_id,
  amount: r.amount,
  kind: r.kind,
  transferId: r.transfer_id,
  createdAt: r.created_at,
});

/** Deterministic case id: one case per (coin, losing spend). */
export function fraudCaseId(coinId: string, secondHash: string): string {
  return `fc_${createHash('sha256').update(`${coinId}\n${secondHash}`).digest('base64url').slice(0, 22)}`;
}
