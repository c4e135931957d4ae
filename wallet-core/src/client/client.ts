/**
 * Typed client for the /v1 HTTP API. `fetch` is injected so the same client
 * runs in the browser, in tests and in the scenario simulator. Wallet calls
 * are signed by the device; admin calls carry the operator token.
 */

import type { z } from 'zod';
import type { DeviceCert } from '../certs/certs';
import { type Coin, coinId } from '../coins/coin';
import type { DoubleSpendProof } from '../coins/double-spend';
import type { Issue } from '../coins/issue';
import type { OutboxItem } from '../coins/outbox';
import { type Spend, spendHash } from '../coins/spend';
import { sortableId } from '../crypto/bytes';
import type { Signer } from '../crypto/keys';
import { encodeKey } from '../crypto/keys';
import { signObject } from '../crypto/signed';
import { EcnyError } from '../errors/index';
import type { Tier } from '../money/tiers';
import type { CreateCampaignRequestSchema, CreateLuckyMoneyRequestSchema } from '../red-envelopes/schemas';
import {
  type AuditReport,
  type BatchTransferResponse,
  type CreateWalletResponse,
  type DirectoryEntry,
  ErrorEnvelopeSchema,
  type EventsTicketResponse,
  type HistoryEntry,
  type InfoResponse,
  type MerchantProfile,
  type TransferResponse,
  type WalletView,
} from '../schemas/api';
import type { OfflineWallet } from '../touch/offline-wallet';
import { signRequest } from '../transfer/request-auth';
import {
  type BatchTransferItem,
  batchAnswerItems,
  type OnlineTransfer,
  signTransfer,
} from '../transfer/transfer';

export const REGISTRATION_TYPE = 'registration';

export interface DeviceIdentity {
  deviceId: string;
  signer: Signer;
}

export interface ClientOptions {
  baseUrl: string;
  fetch?: typeof fetch;
  device?: DeviceIdentity;
  adminToken?: string;
}

export interface OpenWalletInput {
  operatorId: string;
  tier: Tier;
  displayName: string;
  phone?: string;
  region?: string;
  resident?: boolean;
}

type Query = Record<string, string | number | undefined>;

export class EcnyClient {
  readonly baseUrl: string;
  device: DeviceIdentity | undefined;
  adminToken: string | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/$/, '');
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.device = options.device;
    this.adminToken = options.adminToken;
  }

  /** A copy of this client acting as another device. */
  as(device: DeviceIdentity): EcnyClient {
    return new EcnyClient({ baseUrl: this.baseUrl, fetch: this.#fetch, device, adminToken: this.adminToken });
  }

  async request<T>(
    method: string,
    path: string,
    options: { body?: unknown; auth?: 'device' | 'admin' | 'none'; query?: Query } = {},
  ): Promise<T> {
    let fullPath = `/v1${path}`;
    if (options.query) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(options.query)) if (v !== undefined) params.set(k, String(v));
      const qs = params.toString();
      if (qs) fullPath += `?${qs}`;
    }
    const raw = options.body === undefined ? '' : JSON.stringify(options.body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (raw) headers['content-type'] = 'application/json';
    if (options.auth === 'device') {
      if (!this.device) throw new EcnyError('NO_DEVICE', 'this call needs a device identity');
      Object.assign(headers, signRequest(this.device, method, fullPath, raw));
    } else if (options.auth === 'admin') {
      if (!this.adminToken) throw new EcnyError('NO_ADMIN_TOKEN', 'this call needs the admin token');
      headers.authorization = `Bearer ${this.adminToken}`;
    }
    const response = await this.#fetch(this.baseUrl + fullPath, { method, headers, body: raw || undefined });
    const text = await response.text();
    let json: unknown = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        throw new EcnyError('BAD_RESPONSE', `HTTP ${response.status}: response is not JSON`);
      }
    }
    if (!response.ok) {
      const envelope = ErrorEnvelopeSchema.safeParse(json);
      if (envelope.success) {
        const { code, message, details } = envelope.data.error;
        throw new EcnyError(code, message, {
          status: response.status,
          ...(details === undefined ? {} : { details }),
        });
      }
      throw new EcnyError('HTTP_ERROR', `HTTP ${response.status}`, { status: response.status });
    }
    return json as T;
  }

  info(): Promise<InfoResponse> {
    return this.request('GET', '/info');
  }

  /** Opens a wallet with a new device key (the signer proves possession by signing the registration). */
  openWallet(input: OpenWalletInput, signer: Signer): Promise<CreateWalletResponse> {
    const body = signObject(
      REGISTRATION_TYPE,
      { ...input, devicePublicKey: encodeKey(signer.publicKey), createdAt: Date.now() },
      signer,
    );
    return this.request('POST', '/wallets', { body });
  }

  wallet(walletId: string): Promise<{ wallet: WalletView }> {
    return this.request('GET', `/wallets/${walletId}`, { auth: 'device' });
  }

  topUp(walletId: string, amount: number, requestId = sortableId('tu')): Promise<{ wallet: WalletView }> {
    return this.request('POST', `/wallets/${walletId}/topup`, {
      body: { requestId, amount },
      auth: 'device',
    });
  }

  redeem(walletId: string, amount: number, requestId = sortableId('rd')): Promise<{ wallet: WalletView }> {
    return this.request('POST', `/wallets/${walletId}/redeem`, {
      body: { requestId, amount },
      auth: 'device',
    });
  }

  upgradeKyc(
    walletId: string,
    body: { tier: Tier; idNumber?: string; bankCard?: string; inPerson?: boolean },
  ): Promise<{ wallet: WalletView; deviceCert: CreateWalletResponse['deviceCert'] }> {
    return this.request('POST', `/wallets/${walletId}/kyc`, { body, auth: 'device' });
  }

  setMerchantProfile(walletId: string, profile: MerchantProfile): Promise<{ wallet: WalletView }> {
    return this.request('PUT', `/wallets/${walletId}/merchant`, { body: profile, auth: 'device' });
  }

  /**
   * A ticket for this wallet's own event stream: an EventSource cannot sign its request, so it
   * opens `eventsUrl(walletId, ticket)` instead, until the ticket expires.
   */
  eventsTicket(walletId: string): Promise<EventsTicketResponse> {
    return this.request('POST', `/wallets/${walletId}/events/ticket`, { auth: 'device' });
  }

  history(walletId: string, limit = 50): Promise<{ entries: HistoryEntry[] }> {
    return this.request('GET', `/wallets/${walletId}/history`, { auth: 'device', query: { limit } });
  }

  directory(): Promise<{ wallets: DirectoryEntry[] }> {
    return this.request('GET', '/directory');
  }

  /** Signs and submits an online transfer from this device's wallet. */
  pay(
    from: string,
    to: string,
    amount: number,
    options: { memo?: string; transferId?: string } = {},
  ): Promise<TransferResponse & { transfer: OnlineTransfer }> {
    if (!this.device) throw new EcnyError('NO_DEVICE', 'paying needs a device identity');
    const transfer = signTransfer(
      {
        transferId: options.transferId ?? sortableId('tx'),
        from,
        to,
        amount,
        ...(options.memo ? { memo: options.memo } : {}),
        deviceId: this.device.deviceId,
        createdAt: Date.now(),
      },
      this.device.signer,
    );
    return this.submitTransfer(transfer).then((r) => ({ ...r, transfer }));
  }

  submitTransfer(transfer: OnlineTransfer): Promise<TransferResponse> {
    return this.request('POST', '/transfers', { body: transfer });
  }

  /** Up to 1,000 transfers; the compact answer is expanded into standalone batched receipts. */
  async submitTransferBatch(transfers: unknown[]): Promise<{ results: BatchTransferItem[] }> {
    const answer: BatchTransferResponse = await this.request('POST', '/transfers/batch', {
      body: { transfers },
    });
    return { results: batchAnswerItems(answer) };
  }

  audit(): Promise<AuditReport> {
    return this.request('GET', '/admin/audit', { auth: 'admin' });
  }

  stats(): Promise<Record<string, unknown>> {
    return this.request('GET', '/stats');
  }

  /** Merchant: a dynamic QR (a bill of `amount` fen, paid at most once). */
  createDynamicQr(walletId: string, amount: number, billId?: string): Promise<DynamicQrResponse> {
    return this.request('POST', `/wallets/${walletId}/qr`, {
      body: { amount, ...(billId === undefined ? {} : { billId }) },
      auth: 'device',
    });
  }

  /** A merchant's static QR payload (public). */
  staticQr(walletId: string): Promise<StaticQrResponse> {
    return this.request('GET', `/wallets/${walletId}/qr/static`);
  }

  /** Merchant: one of its bills. */
  qrBill(walletId: string, billId: string): Promise<{ bill: QrBill }> {
    return this.request('GET', `/wallets/${walletId}/qr/bills/${encodeURIComponent(billId)}`, {
      auth: 'device',
    });
  }

  /** Pays a scanned merchant QR payload with a signed transfer to the wallet in it. */
  payQr(payload: string, transfer: OnlineTransfer): Promise<PayQrResponse> {
    return this.request('POST', '/qr/pay', { body: { payload, transfer } });
  }

  /** Merchant: charges a scanned customer payment code (idempotent by chargeId). */
  chargePaymentCode(
    walletId: string,
    code: string,
    amount: number,
    chargeId = sortableId('ch'),
  ): Promise<ChargeResponse> {
    return this.request('POST', `/wallets/${walletId}/charge`, {
      body: { code, amount, chargeId },
      auth: 'device',
    });
  }

  // Red envelopes: campaigns (PROTOCOL.md section 9) and group lucky money

  createCampaign(body: CreateCampaignInput): Promise<{ campaign: CampaignView }> {
    return this.request('POST', '/campaigns', { body, auth: 'admin' });
  }

  campaigns(): Promise<{ campaigns: CampaignView[] }> {
    return this.request('GET', '/campaigns');
  }

  campaign(campaignId: string): Promise<{ campaign: CampaignView }> {
    return this.request('GET', `/campaigns/${campaignId}`);
  }

  registerForCampaign(
    campaignId: string,
    options: { offlineTrial?: boolean } = {},
  ): Promise<{ registration: CampaignRegistration }> {
    return this.request('POST', `/campaigns/${campaignId}/register`, { body: options, auth: 'device' });
  }

  campaignRegistrations(
    campaignId: string,
    options: { after?: string; limit?: number } = {},
  ): Promise<CampaignRegistrationPage> {
    return this.request('GET', `/campaigns/${campaignId}/registrations`, { query: options });
  }

  /** Every registered wallet id, page by page, in canonical order. */
  async allCampaignRegistrations(campaignId: string, pageSize = 50_000): Promise<string[]> {
    const ids: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.campaignRegistrations(campaignId, {
        limit: pageSize,
        ...(after ? { after } : {}),
      });
      ids.push(...page.walletIds);
      if (!page.next) return ids;
      after = page.next;
    }
  }

  drawCampaign(campaignId: string, options: { credit?: boolean } = {}): Promise<CampaignDrawResponse> {
    return this.request('POST', `/campaigns/${campaignId}/draw`, { body: options, auth: 'admin' });
  }

  campaignDraw(campaignId: string): Promise<CampaignDraw> {
    return this.request('GET', `/campaigns/${campaignId}/draw`);
  }

  verifyCampaign(campaignId: string): Promise<CampaignVerification> {
    return this.request('GET', `/campaigns/${campaignId}/verify`);
  }

  /** The winner opens the envelope: the prize becomes a restricted balance. */
  claimCampaignPrize(campaignId: string): Promise<CampaignClaimResponse> {
    return this.request('POST', `/campaigns/${campaignId}/claim`, { body: {}, auth: 'device' });
  }

  campaignStats(campaignId: string): Promise<CampaignStats> {
    return this.request('GET', `/campaigns/${campaignId}/stats`);
  }

  reclaimCampaign(campaignId: string): Promise<CampaignReclaimResponse> {
    return this.request('POST', `/campaigns/${campaignId}/reclaim`, { auth: 'admin' });
  }

  /** Signs a transfer and settles it spending restricted campaign money first. */
  payWithRestricted(
    from: string,
    to: string,
    amount: number,
    options: { memo?: string; transferId?: string; restrictedOnly?: boolean } = {},
  ): Promise<CampaignPaymentResponse & { transfer: OnlineTransfer }> {
    if (!this.device) throw new EcnyError('NO_DEVICE', 'paying needs a device identity');
    const transfer = signTransfer(
      {
        transferId: options.transferId ?? sortableId('tx'),
        from,
        to,
        amount,
        ...(options.memo ? { memo: options.memo } : {}),
        deviceId: this.device.deviceId,
        createdAt: Date.now(),
      },
      this.device.signer,
    );
    return this.submitRestrictedPayment(transfer, options.restrictedOnly).then((r) => ({ ...r, transfer }));
  }

  submitRestrictedPayment(
    transfer: OnlineTransfer,
    restrictedOnly?: boolean,
  ): Promise<CampaignPaymentResponse> {
    return this.request('POST', '/campaigns/pay', {
      body: { transfer, ...(restrictedOnly ? { restrictedOnly } : {}) },
    });
  }

  /** Redemption to the bank that refuses restricted money (RESTRICTED_NOT_REDEEMABLE). */
  redeemOwnMoney(amount: number, requestId = sortableId('rd')): Promise<{ wallet: WalletView }> {
    return this.request('POST', '/campaigns/redeem', { body: { requestId, amount }, auth: 'device' });
  }

  restrictedBalances(walletId: string): Promise<{ walletId: string; balances: RestrictedBalanceView[] }> {
    return this.request('GET', `/wallets/${walletId}/restricted`, { auth: 'device' });
  }

  createLuckyMoney(body: CreateLuckyMoneyInput): Promise<{ envelope: LuckyEnvelopeView }> {
    return this.request('POST', '/lucky', { body, auth: 'device' });
  }

  luckyMoney(envelopeId: string): Promise<{ envelope: LuckyEnvelopeView }> {
    return this.request('GET', `/lucky/${envelopeId}`);
  }

  grabLuckyMoney(envelopeId: string): Promise<LuckyGrabResponse> {
    return this.request('POST', `/lucky/${envelopeId}/grab`, { body: {}, auth: 'device' });
  }

  refundLuckyMoney(
    envelopeId: string,
  ): Promise<{ envelope: LuckyEnvelopeView; refunded: number; duplicate: boolean }> {
    return this.request('POST', `/lucky/${envelopeId}/refund`, { auth: 'admin' });
  }

  // Offline money: load coins onto a device, sync its outbox, deposit coins, fraud cases.

  /** Loads `amount` fen of the wallet's online balance onto this device as issuer-signed root coins (idempotent by requestId). */
  loadToDevice(
    walletId: string,
    amount: number,
    options: { requestId?: string; denominations?: number[] } = {},
  ): Promise<LoadToDeviceResponse> {
    return this.request('POST', `/wallets/${walletId}/load`, {
      body: {
        requestId: options.requestId ?? sortableId('ld'),
        amount,
        ...(options.denominations ? { denominations: options.denominations } : {}),
      },
      auth: 'device',
    });
  }

  /** Uploads a device's outbox items; the answer can be passed to OfflineWallet.applySync. */
  sync(deviceId: string, items: readonly OutboxItem[]): Promise<SyncResponse> {
    return this.request('POST', `/devices/${deviceId}/sync`, { body: { items }, auth: 'device' });
  }

  /** Sends signed deposit spends (see depositFromWallet). Idempotent: resend the same body after a failure. */
  deposit(deviceId: string, body: DepositBody): Promise<DepositResponse> {
    return this.request('POST', `/devices/${deviceId}/deposit`, { body, auth: 'device' });
  }

  /**
   * Deposits coins of an offline wallet (all its unspent coins by default):
   * its secure element signs a spend of each whole coin to the issuer, the
   * body is kept in the wallet (meta `deposit:<requestId>`) and the coins
   * marked spent before it is sent.
   */
  async depositFromWallet(
    wallet: OfflineWallet,
    options: { issuerPublicKey: string; coinIds?: string[]; requestId?: string },
  ): Promise<DepositResponse & { body: DepositBody }> {
    if (!this.device) throw new EcnyError('NO_DEVICE', 'depositing needs a device identity');
    const requestId = options.requestId ?? sortableId('dp');
    const stored = (await wallet.unspentCoins()).filter(
      (c) => !options.coinIds || options.coinIds.includes(c.coinId),
    );
    if (stored.length === 0) throw new EcnyError('NOTHING_TO_DEPOSIT', 'no unspent coins to deposit');
    const spends = wallet.se.signPayment({
      requestId,
      payee: { walletId: 'issuer', deviceId: 'issuer', publicKey: options.issuerPublicKey },
      parts: stored.map((c) => ({ coin: c.coin, pay: c.amount })),
      time: wallet.clock(),
      deposit: true,
    });
    const body: DepositBody = {
      requestId,
      spends: stored.map((c, i) => ({ coin: c.coin, spend: spends[i]! })),
    };
    await wallet.store.setMeta(`deposit:${requestId}`, body);
    await wallet.store.recordSeenSpends(
      body.spends.map(({ coin, spend }) => [coinId(coin), spendHash(spend)] as const),
    );
    await wallet.store.markSpent(
      stored.map((c) => c.coinId),
      requestId,
    );
    const response = await this.deposit(this.device.deviceId, body);
    return { ...response, body };
  }

  fraudCases(limit = 100): Promise<{ cases: FraudCaseSummary[] }> {
    return this.request('GET', '/fraud-cases', { query: { limit } });
  }

  fraudCase(caseId: string): Promise<{ case: FraudCaseDetail }> {
    return this.request('GET', `/fraud-cases/${encodeURIComponent(caseId)}`);
  }

  revocations(): Promise<{ revokedDevices: string[]; time: number }> {
    return this.request('GET', '/revocations');
  }
}

/** A dynamic QR's bill as the server reports it. */
export interface QrBill {
  billId: string;
  walletId: string;
  amount: number;
  status: 'open' | 'paid' | 'expired';
  createdAt: number;
  expiresAt: number;
  transferId: string | null;
  paidBy: string | null;
  paidAt: number | null;
}

export interface DynamicQrResponse {
  /** The EMVCo payload to draw as a QR. */
  payload: string;
  bill: QrBill;
}

export interface StaticQrResponse {
  payload: string;
  merchant: { walletId: string; name: string; city: string; mcc: string };
}

export interface PayQrResponse extends TransferResponse {
  bill: QrBill | null;
  merchant: { walletId: string; name: string };
}

export interface ChargeResponse {
  /** Issuer-signed; transferId is the payment code's id, transferHash the code's hash. */
  receipt: TransferResponse['receipt'];
  charge: {
    chargeId: string;
    codeId: string;
    from: string;
    to: string;
    amount: number;
    ledgerSeq: number;
    settledAt: number;
  };
  /** The merchant's balance after the charge. */
  balance: number;
}

// Red envelopes: bodies and answers of the campaign and lucky-money calls.

export type CreateCampaignInput = z.input<typeof CreateCampaignRequestSchema> & {
  /** Operator whose vault funds the budget (default: the first operator). */
  operatorId?: string;
  /** 'vault' (default) or 'issue' (newly issued against the operator's reserves). */
  funding?: 'vault' | 'issue';
};

export type CreateLuckyMoneyInput = z.input<typeof CreateLuckyMoneyRequestSchema>;

export interface CampaignView {
  campaignId: string;
  name: string;
  description?: string;
  budget: number;
  prizes: { amount: number; count: number }[];
  prizeCount: number;
  prizeTotal: number;
  registrationOpensAt: number;
  registrationClosesAt: number;
  eligibility: { regions?: string[]; residentsOnly?: boolean };
  /** Devices enforce it offline for restricted coins. */
  merchantRule: { walletIds?: string[]; regions?: string[]; mccs?: string[] };
  spendFrom: number;
  spendUntil: number;
  offlineTrialQuota: number;
  commitment: string;
  phase: 'upcoming' | 'registering' | 'closed' | 'drawn' | 'ended';
  drawn: boolean;
  drawnAt: number | null;
  listDigest: string | null;
  registrations: number;
  offlineTrialPlaces: number;
  fundedBy: string;
  poolAccount: string;
  poolBalance: number;
  reclaimed: number;
  /** When the issuer first reclaimed the campaign (ms since the epoch), even with nothing left; null before. */
  reclaimedAt: number | null;
  createdAt: number;
}

export interface CampaignRegistration {
  campaignId: string;
  walletId: string;
  offlineTrial: boolean;
  registeredAt: number;
}

export interface CampaignRegistrationPage {
  campaignId: string;
  total: number;
  walletIds: string[];
  /** Pass as `after` for the next page; null on the last page. */
  next: string | null;
}

export interface CampaignDraw {
  campaignId: string;
  commitment: string;
  seed: string;
  listDigest: string;
  registrations: number;
  unawarded: number;
  prizes: { amount: number; count: number }[];
  drawnAt: number;
  winners: { walletId: string; amount: number; rank: number }[];
}

export interface CampaignDrawResponse extends CampaignDraw {
  credited?: { credited: number; amount: number; refused: number };
  timings: Record<string, number>;
}

export interface CampaignVerification {
  campaignId: string;
  ok: boolean;
  mismatches: {
    code: string;
    rank?: number;
    expected?: string | number;
    actual?: string | number;
    message?: string;
  }[];
  mismatchCount: number;
  registrations: number;
  winners: number;
  commitment: string;
  listDigest: string;
}

export interface CampaignClaimResponse {
  campaignId: string;
  walletId: string;
  rank: number;
  amount: number;
  duplicate: boolean;
  restrictedBalance: number;
  spendFrom: number;
  spendUntil: number;
  merchantRule: CampaignView['merchantRule'];
}

export interface CampaignStats {
  campaignId: string;
  name: string;
  phase: CampaignView['phase'];
  budget: number;
  registrants: number;
  offlineTrialPlaces: number;
  winners: number;
  awarded: number;
  claimed: number;
  claimedAmount: number;
  payments: number;
  spent: number;
  merchantsReached: number;
  reclaimed: number;
  poolBalance: number;
}

export interface CampaignReclaimResponse {
  campaignId: string;
  reclaimedNow: number;
  wallets: number;
  /** Of reclaimedNow: restricted offline coins still outstanding after the window. */
  offline: number;
  reclaimed: number;
  /** The first reclaim's date (this one's, or an earlier one's). */
  reclaimedAt: number | null;
}

export interface CampaignPaymentResponse extends TransferResponse {
  fromRestricted: { campaignId: string; amount: number }[];
  fromOwn: number;
  restricted: { campaignId: string; amount: number }[];
}

export interface RestrictedBalanceView {
  campaignId: string;
  name: string;
  account: string;
  amount: number;
  spendableFrom?: number;
  expiresAt: number;
  merchantRule: CampaignView['merchantRule'];
}

export interface LuckyEnvelopeView {
  envelopeId: string;
  from: string;
  groupId: string;
  total: number;
  shares: number;
  mode: 'random' | 'equal';
  memo: string | null;
  remaining: number;
  sharesLeft: number;
  status: 'open' | 'empty' | 'refunded' | 'expired';
  createdAt: number;
  expiresAt: number;
  refunded: number;
  refundedAt: number | null;
  poolAccount: string;
  grabs?: { walletId: string; share: number; amount: number; at: number }[];
  best?: string | null;
}

export interface LuckyGrabResponse {
  envelopeId: string;
  amount: number;
  share: number;
  sharesLeft: number;
  remaining: number;
  /** The grabber's balance after the grab. */
  balance: number;
}

export interface LoadToDeviceResponse {
  requestId: string;
  amount: number;
  /** Root coins owned by the device key: pass them to OfflineWallet.load. */
  coins: Issue[];
  duplicate: boolean;
  wallet: WalletView;
}

export type SyncVerdict =
  | { id: string; status: 'accepted' | 'already_known' }
  | { id: string; status: 'double_spend'; caseIds: string[] }
  | { id: string; status: 'invalid'; code: string; message: string; link: number; spend: number };

export interface FraudCaseSummary {
  caseId: string;
  coinId: string;
  rootCoinId: string;
  operatorId: string;
  amount: number;
  culprit: { deviceId: string; walletId: string };
  firstHash: string;
  secondHash: string;
  reportedBy: string;
  recovered: number;
  recoveryTransferId: string | null;
  detectedAt: number;
}

export interface FraudCaseDetail extends FraudCaseSummary {
  /** Checkable by anyone with the issuer key: verifyDoubleSpendProof. */
  proof: DoubleSpendProof;
  losingBranch: {
    coinId: string;
    owner: string;
    amount: number;
    deviceId: string | null;
    walletId: string | null;
    status: 'held' | 'deposited';
  }[];
}

export interface SyncResponse {
  time: number;
  verdicts: SyncVerdict[];
  acknowledged: string[];
  fraudCases: FraudCaseSummary[];
  revokedDevices: string[];
  cert: DeviceCert;
}

export interface DepositBody {
  requestId: string;
  spends: { coin: Coin; spend: Spend }[];
}

export type DepositResult =
  | {
      coinId: string;
      status: 'deposited' | 'compensated';
      amount: number;
      transferId: string;
      duplicate: boolean;
    }
  | { coinId: string; status: 'refused'; code: string; message: string; caseId?: string; link?: number };

export interface DepositResponse {
  requestId: string;
  results: DepositResult[];
  wallet: WalletView;
}
