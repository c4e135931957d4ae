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
  type DeviceCert,
  encodeKey,
  issueDeviceCert,
  type OutboxItem,
  type RandomInt,
  REGISTRATION_TYPE,
  signObject,
  signTransfer,
  TIER_SPECS,
  type WalletRegistration,
} from '@ecny-sim/wallet-core';
import { createContext, defaultConfig } from '../bootstrap';
import { payWithRestricted } from '../campaigns/restricted';
import { campaignStats, claim, createCampaign, draw, reclaim, register } from '../campaigns/service';
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
  type SimDriver,
  type SimWallet,
  type SyncAnswer,
  type WalletSpec,
  type Winner,
} from './driver';
import { installSeededRandomness } from './rng';

type Context = Ctx & { adminToken: string };

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
        const store = new SqliteStore({ path, synchronous: 'OFF' });
        ctx = await createContext(defaultConfig({ dataDir: dirname(path), dbPath: path }), { store, now });
      } else if (process.env.SIM_PAGE) {
        const store = new SqliteStore({ path: ':memory:' });
        store.db.pragma(`page_size = ${process.env.SIM_PAGE}`);
        store.db.exec('VACUUM');
        ctx = await createContext(defaultConfig(), { store, now });
      } else {
        ctx = await createContext(defaultConfig(), { now });
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
    const registration = signObject(
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

  /** As openWallet (wallets/service.ts), at a given wallet id. */
  async activateWallet(walletId: string, spec: WalletSpec): Promise<SimWallet> {
    const ctx = this.ctx;
    const operatorId = spec.operatorId ?? 'op_icbc';
    const operator = ctx.world.operators.get(operatorId)!;
    const now = this.#clock;
    const deviceId = `d_${walletId.slice(2)}`;
    const publicKey = encodeKey(spec.signer.publicKey);
    const cert: DeviceCert = issueDeviceCert(
      {
        deviceId,
        walletId,
        operatorId,
        publicKey,
        tier: spec.tier,
        offline: TIER_SPECS[spec.tier].offline,
        validFrom: now - 60_000,
        validUntil: now + 365 * 86_400_000,
      },
      operator.signer,
    );
    await ctx.store.ensureAccounts([Accounts.wallet(walletId), Accounts.bankDeposit(walletId)]);
    await ctx.store.insertWallet(
      {
        walletId,
        operatorId,
        displayName: spec.displayName,
        tier: spec.tier,
        phone: null,
        region: spec.region ?? null,
        resident: spec.resident ?? false,
        merchant: null,
        createdAt: now,
      },
      { deviceId, walletId, publicKey, cert, revokedAt: null, revokedReason: null, createdAt: now },
    );
    throwIfRejected(
      await ctx.store.applyTransfers([
        {
          id: `bank-open:${walletId}`,
          debit: Accounts.bankSettlement(operatorId).id,
          credit: Accounts.bankDeposit(walletId).id,
          amount: OPENING_BANK_BALANCE,
          kind: 'bank_opening',
        },
      ]),
    );
    return { walletId, deviceId, signer: spec.signer, publicKey, cert, tier: spec.tier };
  }

  async topUp(w: SimWallet, amount: number, requestId: string): Promise<void> {
    await topUp(this.ctx, await this.#wallet(w.walletId), requestId, amount);
  }

  async setMerchant(w: SimWallet, profile: { name: string; city: string; mcc: string; region: string }) {
    await setMerchantProfile(this.ctx, await this.#wallet(w.walletId), profile);
  }

  #transfer(w: SimWallet, to: string, amount: number, transferId: string) {
    return signTransfer(
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

  async claim(campaignId: string, w: SimWallet): Promise<void> {
    await claim(this.ctx, campaignId, w.walletId);
  }

  async payRestricted(w: SimWallet, to: string, amount: number, transferId: string): Promise<PayOutcome> {
    try {
      const paid = await payWithRestricted(this.ctx, this.#transfer(w, to, amount, transferId));
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
