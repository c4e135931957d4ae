/**
 * The in-process driver: the server's own service functions on a context
 * from createContext (SQLite in memory by default, or a file), with a
 * simulated clock injected as ctx.now. Randomness is seeded for the whole
 * run (see rng.ts), so ids and keys follow from the seed.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  type CreateCampaignRequest,
  type CreateLuckyMoneyRequest,
  DEVICE_CERT_TYPE,
  type DeviceCert,
  type DeviceCertBody,
  EcnyError,
  encodeKey,
  type OnlineTransfer,
  type OutboxItem,
  type RandomInt,
  REGISTRATION_TYPE,
  TIER_SPECS,
  TRANSFER_TYPE,
  type WalletRegistration,
} from '@ecny-sim/wallet-core';
import { createContext, defaultConfig } from '../bootstrap';
import { checkRestricted, settleChecked } from '../campaigns/restricted';
import { campaignStats, claimMany, createCampaign, draw, reclaim, register } from '../campaigns/service';
import type { Ctx } from '../context';
import { Accounts } from '../ledger/accounts';
import { runAudit } from '../ledger/audit';
import { createEnvelope, grab, refund } from '../lucky-money/service';
import { type DepositRequest, depositCoins, loadToDevice, syncDevice } from '../offline/service';
import { SqliteStore } from '../store/sqlite';
import type { DeviceRow, WalletRow } from '../store/store';
import { settleTransfer } from '../transfers/service';
import {
  OPENING_BANK_BALANCE,
  openWallet,
  setMerchantProfile,
  throwIfRejected,
  topUp,
} from '../wallets/service';
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
import { installSeededRandomness } from './rng';
import { signFast, signFastAsync } from './scenario';

type Context = Ctx & { adminToken: string };

/**
 * SQLite pages of 16 KiB rather than 4 KiB: a pilot-scale run keeps a few
 * hundred MB in memory, and every commit after a B-tree page split scans
 * SQLite's whole page-cache hash (pcache1TruncateUnsafe), so fewer, larger
 * pages make commits several times cheaper.
 */
const PAGE_SIZE = 16_384;

export interface LocalDriverOptions {
  seed: number;
  /** Start of simulated time (epoch ms). */
  start: number;
  /** SQLite file to keep the run in (must not exist yet); default in memory. */
  dbPath?: string;
}

export class LocalDriver implements SimDriver {
  readonly kind = 'in-process' as const;
  readonly canRegisterSynthetic = true;
  readonly ctx: Context;
  readonly #time: { now: number };
  readonly #restoreRandom: () => void;
  readonly #signed = new WeakMap<PreparedRestricted, Promise<OnlineTransfer[]>>();

  private constructor(ctx: Context, time: { now: number }, restore: () => void) {
    this.ctx = ctx;
    this.#time = time;
    this.#restoreRandom = restore;
  }

  get #clock(): number {
    return this.#time.now;
  }

  static async create(options: LocalDriverOptions): Promise<LocalDriver> {
    const restore = installSeededRandomness(options.seed);
    try {
      const time = { now: options.start };
      const now = () => time.now;
      let ctx: Context;
      if (options.dbPath) {
        const path = resolve(options.dbPath);
        if (existsSync(path)) throw new Error(`${path} exists; the simulator writes a new database`);
        // A simulation, not a bank: no fsync per transaction.
        const store = new SqliteStore({ path, synchronous: 'OFF', pageSize: PAGE_SIZE });
        ctx = await createContext(defaultConfig({ dataDir: dirname(path), dbPath: path }), { store, now });
      } else {
        const store = new SqliteStore({ path: ':memory:', pageSize: PAGE_SIZE });
        ctx = await createContext(defaultConfig(), { store, now });
      }
      return new LocalDriver(ctx, time, restore);
    } catch (e) {
      restore();
      throw e;
    }
  }

  get trust() {
    return this.ctx.world.trust;
  }

  get issuerPublicKey() {
    return this.ctx.world.issuerPublicKey;
  }

  now(): number {
    return this.#clock;
  }

  async advanceTo(t: number): Promise<void> {
    if (t > this.#time.now) this.#time.now = Math.floor(t);
  }

  async #wallet(walletId: string): Promise<WalletRow> {
    const row = await this.ctx.store.getWallet(walletId);
    if (!row) throw new Error(`no wallet ${walletId}`);
    return row;
  }

  async #device(deviceId: string): Promise<DeviceRow> {
    const row = await this.ctx.store.getDevice(deviceId);
    if (!row) throw new Error(`no device ${deviceId}`);
    return row;
  }

  async openWallet(spec: WalletSpec): Promise<SimWallet> {
    const registration = signFast(
      REGISTRATION_TYPE,
      {
        operatorId: spec.operatorId ?? 'op_icbc',
        tier: spec.tier,
        displayName: spec.displayName,
        ...(spec.region ? { region: spec.region } : {}),
        ...(spec.resident !== undefined ? { resident: spec.resident } : {}),
        devicePublicKey: encodeKey(spec.signer.publicKey),
        createdAt: this.#clock,
      },
      spec.signer,
    ) as WalletRegistration;
    const opened = await openWallet(this.ctx, registration);
    return {
      walletId: opened.wallet.walletId,
      deviceId: opened.deviceId,
      signer: spec.signer,
      publicKey: registration.devicePublicKey,
      cert: opened.deviceCert,
      tier: spec.tier,
    };
  }

  /**
   * As openWallet (wallets/service.ts), at given wallet ids and for many at
   * once: certificates signed by the operator, then one store call for the
   * accounts, one for the wallets and devices, one for the opening transfers.
   */
  async activateWallets(items: readonly { walletId: string; spec: WalletSpec }[]): Promise<SimWallet[]> {
    const ctx = this.ctx;
    const now = this.#clock;
    const opened = items.map(({ walletId, spec }) => {
      const operatorId = spec.operatorId ?? 'op_icbc';
      const operator = ctx.world.operators.get(operatorId)!;
      const deviceId = `d_${walletId.slice(2)}`;
      const publicKey = encodeKey(spec.signer.publicKey);
      // issueDeviceCert, hashed with node:crypto.
      const cert: DeviceCert = signFast(
        DEVICE_CERT_TYPE,
        {
          deviceId,
          walletId,
          operatorId,
          publicKey,
          tier: spec.tier,
          offline: TIER_SPECS[spec.tier].offline,
          validFrom: now - 60_000,
          validUntil: now + 365 * 86_400_000,
        } satisfies DeviceCertBody,
        operator.signer,
      );
      return { walletId, operatorId, deviceId, publicKey, cert, spec };
    });
    await ctx.store.ensureAccounts(
      opened.flatMap((o) => [Accounts.wallet(o.walletId), Accounts.bankDeposit(o.walletId)]),
    );
    await ctx.store.insertWallets(
      opened.map((o) => ({
        wallet: {
          walletId: o.walletId,
          operatorId: o.operatorId,
          displayName: o.spec.displayName,
          tier: o.spec.tier,
          phone: null,
          region: o.spec.region ?? null,
          resident: o.spec.resident ?? false,
          merchant: null,
          createdAt: now,
        },
        device: {
          deviceId: o.deviceId,
          walletId: o.walletId,
          publicKey: o.publicKey,
          cert: o.cert,
          revokedAt: null,
          revokedReason: null,
          createdAt: now,
        },
      })),
    );
    const outcomes = await ctx.store.applyMany(
      opened.map((o) => [
        {
          id: `bank-open:${o.walletId}`,
          debit: Accounts.bankSettlement(o.operatorId).id,
          credit: Accounts.bankDeposit(o.walletId).id,
          amount: OPENING_BANK_BALANCE,
          kind: 'bank_opening',
        },
      ]),
    );
    for (const outcome of outcomes) throwIfRejected(outcome);
    return opened.map((o) => ({
      walletId: o.walletId,
      deviceId: o.deviceId,
      signer: o.spec.signer,
      publicKey: o.publicKey,
      cert: o.cert,
      tier: o.spec.tier,
    }));
  }

  async topUp(w: SimWallet, amount: number, requestId: string): Promise<void> {
    await topUp(this.ctx, await this.#wallet(w.walletId), requestId, amount);
  }

  async setMerchant(w: SimWallet, profile: { name: string; city: string; mcc: string; region: string }) {
    await setMerchantProfile(this.ctx, await this.#wallet(w.walletId), profile);
  }

  /** signTransfer on the payer's device, hashed with node:crypto. */
  #transfer(w: SimWallet, to: string, amount: number, transferId: string): OnlineTransfer {
    return signFast(
      TRANSFER_TYPE,
      { transferId, from: w.walletId, to, amount, deviceId: w.deviceId, createdAt: this.#clock },
      w.signer,
    );
  }

  async pay(w: SimWallet, to: string, amount: number, transferId: string): Promise<PayOutcome> {
    try {
      await settleTransfer(this.ctx, this.#transfer(w, to, amount, transferId));
      return { ok: true, fromRestricted: 0, fromOwn: amount };
    } catch (e) {
      return { ok: false, ...errorCode(e) };
    }
  }

  async createCampaign(body: CreateCampaignRequest): Promise<string> {
    const { campaign } = await createCampaign(this.ctx, body, { operatorId: 'op_icbc', source: 'vault' });
    return campaign.campaignId;
  }

  async register(campaignId: string, w: SimWallet, offlineTrial: boolean): Promise<void> {
    await register(this.ctx, campaignId, await this.#wallet(w.walletId), offlineTrial);
  }

  async registerSynthetic(
    campaignId: string,
    rows: { walletId: string; offlineTrial: boolean; registeredAt: number }[],
  ): Promise<number> {
    return this.ctx.store.insertCampaignRegistrations(campaignId, rows);
  }

  async draw(campaignId: string): Promise<Winner[]> {
    const drawn = await draw(this.ctx, campaignId);
    return drawn.winners.map((w) => ({ walletId: w.walletId, amount: w.amount, rank: w.rank }));
  }

  async claimMany(campaignId: string, ws: readonly SimWallet[]): Promise<void> {
    const outcomes = await claimMany(
      this.ctx,
      campaignId,
      ws.map((w) => w.walletId),
    );
    for (const o of outcomes) if (!o.ok) throw new EcnyError(o.code, `${o.walletId}: ${o.message}`);
  }

  /** The payers' devices sign on the thread pool, dated `at`, from now on. */
  prepareRestricted(payments: readonly RestrictedPayment[], at: number): PreparedRestricted {
    const prepared: PreparedRestricted = { payments, at };
    const signed = this.#signRestricted(payments, at);
    // Awaited by payRestrictedMany; a failure shows there, not as an unhandled rejection meanwhile.
    signed.catch(() => {});
    this.#signed.set(prepared, signed);
    return prepared;
  }

  #signRestricted(payments: readonly RestrictedPayment[], at: number): Promise<OnlineTransfer[]> {
    return Promise.all(
      payments.map((p) =>
        signFastAsync(
          TRANSFER_TYPE,
          {
            transferId: p.transferId,
            from: p.from.walletId,
            to: p.to,
            amount: p.amount,
            deviceId: p.from.deviceId,
            createdAt: at,
          },
          p.from.signer,
        ),
      ),
    );
  }

  /** Settled by the server in one batch (checkRestricted for each, then settleChecked). */
  async payRestrictedMany(prepared: PreparedRestricted): Promise<PayOutcome[]> {
    const transfers = await (this.#signed.get(prepared) ??
      this.#signRestricted(prepared.payments, prepared.at));
    const checked = await Promise.all(transfers.map((t) => checkRestricted(this.ctx, t)));
    const outcomes = await settleChecked(this.ctx, checked);
    return outcomes.map((o) =>
      o.ok
        ? { ok: true, fromRestricted: o.fromRestricted.reduce((s, p) => s + p.amount, 0), fromOwn: o.fromOwn }
        : { ok: false, code: o.code, message: o.message },
    );
  }

  async reclaim(campaignId: string): Promise<number> {
    return (await reclaim(this.ctx, campaignId)).reclaimedNow;
  }

  async campaignFigures(campaignId: string): Promise<CampaignFigures> {
    const s = await campaignStats(this.ctx, campaignId);
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
    const loaded = await loadToDevice(
      this.ctx,
      await this.#wallet(w.walletId),
      await this.#device(w.deviceId),
      { requestId, amount, denominations },
    );
    return loaded.coins;
  }

  async sync(w: SimWallet, items: readonly OutboxItem[]): Promise<SyncAnswer> {
    const result = await syncDevice(this.ctx, await this.#device(w.deviceId), items as never);
    return {
      time: result.time,
      verdicts: result.verdicts.map((v) => ({
        id: v.id,
        status: v.status,
        ...(v.status === 'double_spend' ? { caseIds: v.caseIds } : {}),
      })),
      acknowledged: result.acknowledged,
      revokedDevices: result.revokedDevices,
      cert: result.cert,
    };
  }

  async deposit(
    w: SimWallet,
    body: { requestId: string; spends: { coin: unknown; spend: unknown }[] },
  ): Promise<DepositAnswer> {
    const result = await depositCoins(
      this.ctx,
      await this.#wallet(w.walletId),
      await this.#device(w.deviceId),
      body as DepositRequest,
    );
    return {
      results: result.results.map((r) =>
        r.status === 'refused'
          ? { coinId: r.coinId, status: r.status, code: r.code }
          : { coinId: r.coinId, status: r.status, amount: r.amount },
      ),
    };
  }

  async fraudCases(): Promise<FraudCaseFacts[]> {
    const rows = await this.ctx.store.listFraudCases({ limit: 1_000_000_000 });
    return rows.map((r) => ({
      caseId: r.caseId,
      coinId: r.coinId,
      culpritDeviceId: r.culpritDeviceId,
      amount: r.amount,
      recovered: r.recovered,
    }));
  }

  async createLucky(w: SimWallet, body: CreateLuckyMoneyRequest): Promise<string> {
    const { envelope } = await createEnvelope(this.ctx, await this.#wallet(w.walletId), body);
    return envelope.envelopeId;
  }

  async grab(w: SimWallet, envelopeId: string, rng?: RandomInt): Promise<PayOutcome & { amount?: number }> {
    try {
      const g = await grab(this.ctx, await this.#wallet(w.walletId), envelopeId, rng ? { rng } : {});
      return { ok: true, fromRestricted: 0, fromOwn: 0, amount: g.amount };
    } catch (e) {
      return { ok: false, ...errorCode(e) };
    }
  }

  async refundLucky(envelopeId: string): Promise<number> {
    return (await refund(this.ctx, envelopeId)).refunded;
  }

  async audit() {
    return runAudit(this.ctx.store, this.#clock);
  }

  async close(): Promise<void> {
    try {
      await this.ctx.store.close();
    } finally {
      this.#restoreRandom();
    }
  }
}
