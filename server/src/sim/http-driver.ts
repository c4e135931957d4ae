/**
 * The HTTP driver: drives a running server through EcnyClient, as wallets
 * (device-signed calls) and as the operator (admin token). Time is real:
 * `advanceTo` waits, so scenarios use short windows at small scale.
 */
import {
  type CreateCampaignRequest,
  type CreateLuckyMoneyRequest,
  decodeKey,
  EcnyClient,
  type OutboxItem,
  type RandomInt,
  signTransfer,
  type TrustAnchors,
} from '@ecny-sim/wallet-core';
import {
  type CampaignFigures,
  type DepositAnswer,
  errorCode,
  type FraudCaseFacts,
  type PayOutcome,
  type PreparedRestricted,
  type RestrictedPayment,
  type SimDriver,
  type SimWallet,
  type SyncAnswer,
  type WalletSpec,
  type Winner,
} from './driver';

export interface HttpDriverOptions {
  baseUrl: string;
  adminToken?: string | undefined;
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

export class HttpDriver implements SimDriver {
  readonly kind = 'http' as const;
  readonly canRegisterSynthetic = false;
  readonly client: EcnyClient;
  readonly trust: TrustAnchors;
  readonly issuerPublicKey: string;

  private constructor(client: EcnyClient, trust: TrustAnchors, issuerPublicKey: string) {
    this.client = client;
    this.trust = trust;
    this.issuerPublicKey = issuerPublicKey;
  }

  static async create(options: HttpDriverOptions): Promise<HttpDriver> {
    const adminToken = options.adminToken ?? process.env.ADMIN_TOKEN;
    if (!adminToken) throw new Error('--server needs the admin token: --admin-token or ADMIN_TOKEN');
    const client = new EcnyClient({ baseUrl: options.baseUrl, adminToken });
    const info = (await client.info()) as unknown as {
      issuerPublicKey: string;
      operators: { operatorId: string; cert: unknown }[];
    };
    const trust: TrustAnchors = {
      issuerPublicKey: decodeKey(info.issuerPublicKey),
      operatorCerts: new Map(info.operators.map((o) => [o.operatorId, o.cert as never])),
    };
    return new HttpDriver(client, trust, info.issuerPublicKey);
  }

  #as(w: SimWallet): EcnyClient {
    return this.client.as({ deviceId: w.deviceId, signer: w.signer });
  }

  now(): number {
    return Date.now();
  }

  async advanceTo(t: number): Promise<void> {
    const wait = t - Date.now();
    if (wait > 0) await sleep(wait);
  }

  async openWallet(spec: WalletSpec): Promise<SimWallet> {
    const opened = await this.client.openWallet(
      {
        operatorId: spec.operatorId ?? 'op_icbc',
        tier: spec.tier,
        displayName: spec.displayName,
        ...(spec.region ? { region: spec.region } : {}),
        ...(spec.resident !== undefined ? { resident: spec.resident } : {}),
      },
      spec.signer,
    );
    return {
      walletId: opened.wallet.walletId,
      deviceId: opened.deviceId,
      signer: spec.signer,
      publicKey: opened.deviceCert.publicKey,
      cert: opened.deviceCert,
      tier: spec.tier,
    };
  }

  async activateWallets(): Promise<SimWallet[]> {
    throw new Error('synthetic registrants exist only in-process');
  }

  async topUp(w: SimWallet, amount: number, requestId: string): Promise<void> {
    await this.#as(w).topUp(w.walletId, amount, requestId);
  }

  async setMerchant(w: SimWallet, profile: { name: string; city: string; mcc: string; region: string }) {
    await this.#as(w).setMerchantProfile(w.walletId, profile);
  }

  #transfer(w: SimWallet, to: string, amount: number, transferId: string) {
    return signTransfer(
      { transferId, from: w.walletId, to, amount, deviceId: w.deviceId, createdAt: Date.now() },
      w.signer,
    );
  }

  async pay(w: SimWallet, to: string, amount: number, transferId: string): Promise<PayOutcome> {
    try {
      await this.client.submitTransfer(this.#transfer(w, to, amount, transferId));
      return { ok: true, fromRestricted: 0, fromOwn: amount };
    } catch (e) {
      return { ok: false, ...errorCode(e) };
    }
  }

  async createCampaign(body: CreateCampaignRequest): Promise<string> {
    return (await this.client.createCampaign(body)).campaign.campaignId;
  }

  async register(campaignId: string, w: SimWallet, offlineTrial: boolean): Promise<void> {
    await this.#as(w).registerForCampaign(campaignId, { offlineTrial });
  }

  async registerSynthetic(): Promise<number> {
    throw new Error('synthetic registrants exist only in-process');
  }

  async draw(campaignId: string): Promise<Winner[]> {
    const drawn = await this.client.drawCampaign(campaignId);
    return drawn.winners.map((w) => ({ walletId: w.walletId, amount: w.amount, rank: w.rank }));
  }

  async claimMany(campaignId: string, ws: readonly SimWallet[]): Promise<void> {
    await Promise.all(ws.map((w) => this.#as(w).claimCampaignPrize(campaignId)));
  }

  /** Over HTTP the devices sign when they pay (in real time). */
  prepareRestricted(payments: readonly RestrictedPayment[], at: number): PreparedRestricted {
    return { payments, at };
  }

  async payRestrictedMany(prepared: PreparedRestricted): Promise<PayOutcome[]> {
    return Promise.all(
      prepared.payments.map((p) => this.#payRestricted(p.from, p.to, p.amount, p.transferId)),
    );
  }

  async #payRestricted(w: SimWallet, to: string, amount: number, transferId: string): Promise<PayOutcome> {
    try {
      const paid = await this.client.submitRestrictedPayment(this.#transfer(w, to, amount, transferId));
      return {
        ok: true,
        fromRestricted: paid.fromRestricted.reduce((s, p) => s + p.amount, 0),
        fromOwn: paid.fromOwn,
      };
    } catch (e) {
      return { ok: false, ...errorCode(e) };
    }
  }

  async reclaim(campaignId: string): Promise<number> {
    return (await this.client.reclaimCampaign(campaignId)).reclaimedNow;
  }

  async campaignFigures(campaignId: string): Promise<CampaignFigures> {
    const s = await this.client.campaignStats(campaignId);
    return {
      registrants: s.registrants,
      winners: s.winners,
      claimed: s.claimed,
      payments: s.payments,
      spent: s.spent,
      merchantsReached: s.merchantsReached,
      reclaimed: s.reclaimed,
    };
  }

  async load(w: SimWallet, amount: number, denominations: number[], requestId: string) {
    return (await this.#as(w).loadToDevice(w.walletId, amount, { requestId, denominations })).coins;
  }

  async sync(w: SimWallet, items: readonly OutboxItem[]): Promise<SyncAnswer> {
    const answer = await this.#as(w).sync(w.deviceId, items);
    return {
      time: answer.time,
      verdicts: answer.verdicts as SyncAnswer['verdicts'],
      acknowledged: answer.acknowledged,
      revokedDevices: answer.revokedDevices,
      cert: answer.cert,
    };
  }

  async deposit(
    w: SimWallet,
    body: { requestId: string; spends: { coin: unknown; spend: unknown }[] },
  ): Promise<DepositAnswer> {
    const answer = await this.#as(w).deposit(w.deviceId, body as never);
    return { results: answer.results as DepositAnswer['results'] };
  }

  async fraudCases(): Promise<FraudCaseFacts[]> {
    const { cases } = await this.client.fraudCases(1_000);
    return cases.map((c) => ({
      caseId: c.caseId,
      coinId: c.coinId,
      culpritDeviceId: c.culprit.deviceId,
      amount: c.amount,
      recovered: c.recovered,
    }));
  }

  async createLucky(w: SimWallet, body: CreateLuckyMoneyRequest): Promise<string> {
    return (await this.#as(w).createLuckyMoney(body)).envelope.envelopeId;
  }

  async grab(w: SimWallet, envelopeId: string, _rng?: RandomInt): Promise<PayOutcome & { amount?: number }> {
    try {
      const g = await this.#as(w).grabLuckyMoney(envelopeId);
      return { ok: true, fromRestricted: 0, fromOwn: 0, amount: g.amount };
    } catch (e) {
      return { ok: false, ...errorCode(e) };
    }
  }

  async refundLucky(envelopeId: string): Promise<number> {
    return (await this.client.refundLuckyMoney(envelopeId)).refunded;
  }

  async audit() {
    return this.client.audit();
  }

  async close(): Promise<void> {}
}
