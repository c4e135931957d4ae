/**
 * Typed client for the /v1 HTTP API. `fetch` is injected so the same client
 * runs in the browser, in tests and in the scenario simulator. Wallet calls
 * are signed by the device; admin calls carry the operator token.
 */

import { randomId } from '../crypto/bytes';
import type { Signer } from '../crypto/keys';
import { encodeKey } from '../crypto/keys';
import { signObject } from '../crypto/signed';
import { EcnyError } from '../errors/index';
import type { Tier } from '../money/tiers';
import {
  type AuditReport,
  type BatchTransferItem,
  type CreateWalletResponse,
  type DirectoryEntry,
  ErrorEnvelopeSchema,
  type HistoryEntry,
  type InfoResponse,
  type MerchantProfile,
  type TransferResponse,
  type WalletView,
} from '../schemas/api';
import { signRequest } from '../transfer/request-auth';
import { type OnlineTransfer, signTransfer } from '../transfer/transfer';

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

  topUp(walletId: string, amount: number, requestId = randomId('tu')): Promise<{ wallet: WalletView }> {
    return this.request('POST', `/wallets/${walletId}/topup`, {
      body: { requestId, amount },
      auth: 'device',
    });
  }

  redeem(walletId: string, amount: number, requestId = randomId('rd')): Promise<{ wallet: WalletView }> {
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
        transferId: options.transferId ?? randomId('tx'),
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

  submitTransferBatch(transfers: unknown[]): Promise<{ results: BatchTransferItem[] }> {
    return this.request('POST', '/transfers/batch', { body: { transfers } });
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
    chargeId = randomId('ch'),
  ): Promise<ChargeResponse> {
    return this.request('POST', `/wallets/${walletId}/charge`, {
      body: { code, amount, chargeId },
      auth: 'device',
    });
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
