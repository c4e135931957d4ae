/**
 * SQLite side of the red-envelope operations, used by `SqliteStore`. Every
 * operation that moves money writes its own rows and the ledger group in one
 * transaction (the group is applied through the store's own group logic,
 * inside that transaction), so a crash or a refusal never leaves one without
 * the other. Lucky-money grabs are committed together, like ledger groups:
 * concurrent grabs queue up and one transaction per tick applies them, each
 * in its own savepoint.
 */
import type Database from 'better-sqlite3';
import {
  type CampaignRecord,
  type EnvelopeRecord,
  type GrabRecord,
  type RegistrationRecord,
  toCampaign,
  toEnvelope,
  toGrab,
  toRegistration,
  toWinner,
  type WinnerRecord,
} from './red-envelope-records';
import type {
  CampaignClaim,
  CampaignClaimStats,
  CampaignDrawRecord,
  CampaignRegistrationRow,
  CampaignRow,
  CampaignSpendStats,
  CampaignWinnerRow,
  CreateOutcome,
  LuckyEnvelopeRow,
  LuckyGrabInput,
  LuckyGrabOutcome,
  LuckyGrabRow,
  LuckyRefundOutcome,
} from './red-envelope-rows';
import type { ApplyOutcome, LedgerTransfer } from './store';

/** Thrown inside a savepoint to roll back an operation's rows; turned into a failed outcome. */
class OpRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function rejectUnlessApplied(outcome: ApplyOutcome): Extract<ApplyOutcome, { ok: true }> {
  if (!outcome.ok) throw new OpRejected(outcome.code, outcome.message);
  return outcome;
}

/** Registrations per INSERT statement in bulk ingestion (999 bound parameters at most in old SQLite builds). */
const BULK_ROWS = 200;
/** Page cache during bulk ingestion (negative = KiB): 256 MiB. */
const BULK_CACHE_KIB = -262_144;

export class RedEnvelopeSql {
  readonly #db: Database.Database;
  /** Applies one ledger group in a savepoint of the current transaction (never throws for a refusal). */
  readonly #applyGroup: (group: LedgerTransfer[]) => ApplyOutcome;
  readonly #s;
  #grabQueue: {
    input: LuckyGrabInput;
    resolve: (o: LuckyGrabOutcome) => void;
    reject: (e: unknown) => void;
  }[] = [];
  #grabScheduled = false;
  readonly #grabTxn: (inputs: LuckyGrabInput[]) => LuckyGrabOutcome[];
  readonly #claimTxn: (campaignId: string, claims: readonly CampaignClaim[]) => ApplyOutcome[];

  constructor(db: Database.Database, applyGroup: (group: LedgerTransfer[]) => ApplyOutcome) {
    this.#db = db;
    this.#applyGroup = applyGroup;
    this.#s = {
      insertCampaign: db.prepare(
        `INSERT INTO campaigns (campaign_id, spec, funded_by, commitment, seed, status, created_at, reclaimed)
         VALUES (?, ?, ?, ?, ?, 'open', ?, 0)`,
      ),
      getCampaign: db.prepare<[string], CampaignRecord>('SELECT * FROM campaigns WHERE campaign_id = ?'),
      listCampaigns: db.prepare<[], CampaignRecord>('SELECT * FROM campaigns ORDER BY created_at DESC'),
      insertRegistration: db.prepare(
        `INSERT INTO campaign_registrations (campaign_id, wallet_id, offline_trial, registered_at)
         VALUES (?, ?, ?, ?) ON CONFLICT (campaign_id, wallet_id) DO NOTHING`,
      ),
      insertRegistrationsBulk: db.prepare(
        `INSERT INTO campaign_registrations (campaign_id, wallet_id, offline_trial, registered_at) VALUES ${Array(
          BULK_ROWS,
        )
          .fill('(?, ?, ?, ?)')
          .join(', ')} ON CONFLICT (campaign_id, wallet_id) DO NOTHING`,
      ),
      getRegistration: db.prepare<[string, string], RegistrationRecord>(
        'SELECT * FROM campaign_registrations WHERE campaign_id = ? AND wallet_id = ?',
      ),
      countRegistrations: db.prepare<[string], { total: number; trial: number | null }>(
        `SELECT COUNT(*) AS total, SUM(offline_trial) AS trial FROM campaign_registrations WHERE campaign_id = ?`,
      ),
      countTrial: db.prepare<[string], { n: number }>(
        'SELECT COUNT(*) AS n FROM campaign_registrations WHERE campaign_id = ? AND offline_trial = 1',
      ),
      registrationIds: db
        .prepare<[string], string>(
          'SELECT wallet_id FROM campaign_registrations WHERE campaign_id = ? ORDER BY wallet_id',
        )
        .pluck(),
      registrationPage: db
        .prepare<[string, string, number], string>(
          'SELECT wallet_id FROM campaign_registrations WHERE campaign_id = ? AND wallet_id > ? ORDER BY wallet_id LIMIT ?',
        )
        .pluck(),
      markDrawn: db.prepare(
        `UPDATE campaigns SET status = 'drawn', drawn_at = ?, list_digest = ?, registrations = ?, unawarded = ?
         WHERE campaign_id = ? AND status = 'open'`,
      ),
      insertWinner: db.prepare(
        'INSERT INTO campaign_winners (campaign_id, rank, wallet_id, amount) VALUES (?, ?, ?, ?)',
      ),
      listWinners: db.prepare<[string, number, number], WinnerRecord>(
        'SELECT * FROM campaign_winners WHERE campaign_id = ? AND rank > ? ORDER BY rank LIMIT ?',
      ),
      getWinner: db.prepare<[string, string], WinnerRecord>(
        'SELECT * FROM campaign_winners WHERE campaign_id = ? AND wallet_id = ?',
      ),
      walletPrizes: db.prepare<[string], WinnerRecord>(
        'SELECT * FROM campaign_winners WHERE wallet_id = ? ORDER BY campaign_id',
      ),
      markClaimed: db.prepare(
        `UPDATE campaign_winners SET claimed_at = ?, claim_transfer_id = ?
         WHERE campaign_id = ? AND wallet_id = ? AND claimed_at IS NULL`,
      ),
      claimStats: db.prepare<
        [string],
        { winners: number; prize_total: number | null; claimed: number | null; claimed_amount: number | null }
      >(
        `SELECT COUNT(*) AS winners, SUM(amount) AS prize_total,
                SUM(claimed_at IS NOT NULL) AS claimed,
                SUM(CASE WHEN claimed_at IS NOT NULL THEN amount ELSE 0 END) AS claimed_amount
         FROM campaign_winners WHERE campaign_id = ?`,
      ),
      spendStats: db.prepare<[{ c: string }], { payments: number; spent: number | null; merchants: number }>(
        // Restricted accounts are "restricted:<wallet>:<campaign>": a range on the index of restricted debits, then the suffix.
        `SELECT COUNT(DISTINCT group_id) AS payments, SUM(amount) AS spent, COUNT(DISTINCT credit) AS merchants
         FROM transfers
         WHERE debit >= 'restricted:' AND debit < 'restricted;' AND kind = 'campaign_spend'
           AND substr(debit, length(debit) - length(@c)) = ':' || @c`,
      ),
      addReclaimed: db.prepare(
        'UPDATE campaigns SET reclaimed = reclaimed + ?, reclaimed_at = COALESCE(reclaimed_at, ?) WHERE campaign_id = ?',
      ),
      insertEnvelope: db.prepare(
        `INSERT INTO lucky_envelopes (envelope_id, wallet_id, group_id, total, shares, mode, memo, remaining,
           shares_left, status, created_at, expires_at, refunded, refunded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, 0, NULL)`,
      ),
      getEnvelope: db.prepare<[string], EnvelopeRecord>(
        'SELECT * FROM lucky_envelopes WHERE envelope_id = ?',
      ),
      updateEnvelope: db.prepare(
        `UPDATE lucky_envelopes SET remaining = ?, shares_left = ?, status = ?
         WHERE envelope_id = ? AND remaining = ? AND shares_left = ?`,
      ),
      refundEnvelope: db.prepare(
        `UPDATE lucky_envelopes SET status = 'refunded', refunded = ?, refunded_at = ?, remaining = 0
         WHERE envelope_id = ? AND status = 'open'`,
      ),
      insertGrab: db.prepare(
        `INSERT INTO lucky_grabs (envelope_id, wallet_id, share, amount, transfer_id, grabbed_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      getGrab: db.prepare<[string, string], GrabRecord>(
        'SELECT * FROM lucky_grabs WHERE envelope_id = ? AND wallet_id = ?',
      ),
      listGrabs: db.prepare<[string], GrabRecord>(
        'SELECT * FROM lucky_grabs WHERE envelope_id = ? ORDER BY share',
      ),
    };
    this.#claimTxn = db.transaction((campaignId: string, claims: readonly CampaignClaim[]) =>
      claims.map((c): ApplyOutcome => {
        try {
          return this.#claimOne(campaignId, c);
        } catch (e) {
          if (e instanceof OpRejected) return { ok: false, code: e.code, message: e.message, index: 0 };
          throw e;
        }
      }),
    );
    const one = db.transaction((input: LuckyGrabInput) => this.#grabOne(input));
    this.#grabTxn = db.transaction((inputs: LuckyGrabInput[]) =>
      inputs.map((input): LuckyGrabOutcome => {
        try {
          return one(input);
        } catch (e) {
          if (e instanceof OpRejected) return { ok: false, code: e.code, message: e.message };
          throw e;
        }
      }),
    );
  }

  /** Runs `fn` in a transaction (a savepoint when nested); an OpRejected rolls it back and becomes a failure. */
  #atomically<T>(fn: () => T): T | { ok: false; code: string; message: string } {
    try {
      return this.#db.transaction(fn)();
    } catch (e) {
      if (e instanceof OpRejected) return { ok: false, code: e.code, message: e.message };
      throw e;
    }
  }

  // Campaigns

  createCampaign(row: CampaignRow, funding: LedgerTransfer[]): CreateOutcome<CampaignRow> {
    return this.#atomically(() => {
      const existing = this.#s.getCampaign.get(row.campaignId);
      if (existing) {
        const same = existing.spec === JSON.stringify(row.spec) && existing.funded_by === row.fundedBy;
        if (!same)
          throw new OpRejected('IDEMPOTENCY_CONFLICT', `campaign ${row.campaignId} exists with other terms`);
        return { ok: true as const, duplicate: true, value: toCampaign(existing) };
      }
      this.#s.insertCampaign.run(
        row.campaignId,
        JSON.stringify(row.spec),
        row.fundedBy,
        row.commitment,
        row.seed,
        row.createdAt,
      );
      rejectUnlessApplied(this.#applyGroup(funding));
      return {
        ok: true as const,
        duplicate: false,
        value: toCampaign(this.#s.getCampaign.get(row.campaignId)!),
      };
    });
  }

  getCampaign(campaignId: string): CampaignRow | null {
    const r = this.#s.getCampaign.get(campaignId);
    return r ? toCampaign(r) : null;
  }

  listCampaigns(): CampaignRow[] {
    return this.#s.listCampaigns.all().map(toCampaign);
  }

  /**
   * Adds a registration unless the wallet is registered; an offline-trial
   * place is granted only while fewer than `offlineTrialQuota` are taken.
   */
  register(
    row: CampaignRegistrationRow,
    offlineTrialQuota: number,
  ): { added: boolean; registration: CampaignRegistrationRow } {
    return this.#db.transaction(() => {
      const existing = this.#s.getRegistration.get(row.campaignId, row.walletId);
      if (existing) return { added: false, registration: toRegistration(existing) };
      const trial = row.offlineTrial && this.#s.countTrial.get(row.campaignId)!.n < offlineTrialQuota;
      this.#s.insertRegistration.run(row.campaignId, row.walletId, trial ? 1 : 0, row.registeredAt);
      return { added: true, registration: { ...row, offlineTrial: trial } };
    })();
  }

  /**
   * Bulk ingestion (imports, benchmarks): one transaction, multi-row inserts
   * in key order, with a page cache large enough for the registration index
   * while it runs; returns the rows added.
   */
  insertRegistrations(
    campaignId: string,
    rows: readonly Omit<CampaignRegistrationRow, 'campaignId'>[],
  ): number {
    const sorted = [...rows].sort((a, b) => (a.walletId < b.walletId ? -1 : a.walletId > b.walletId ? 1 : 0));
    const cacheSize = this.#db.pragma('cache_size', { simple: true }) as number;
    this.#db.pragma(`cache_size = ${BULK_CACHE_KIB}`);
    try {
      return this.#db.transaction(() => {
        let added = 0;
        const full = sorted.length - (sorted.length % BULK_ROWS);
        const params: unknown[] = new Array(BULK_ROWS * 4);
        for (let i = 0; i < full; i += BULK_ROWS) {
          for (let j = 0; j < BULK_ROWS; j++) {
            const r = sorted[i + j]!;
            params[4 * j] = campaignId;
            params[4 * j + 1] = r.walletId;
            params[4 * j + 2] = r.offlineTrial ? 1 : 0;
            params[4 * j + 3] = r.registeredAt;
          }
          added += this.#s.insertRegistrationsBulk.run(...params).changes;
        }
        for (let i = full; i < sorted.length; i++) {
          const r = sorted[i]!;
          added += this.#s.insertRegistration.run(
            campaignId,
            r.walletId,
            r.offlineTrial ? 1 : 0,
            r.registeredAt,
          ).changes;
        }
        return added;
      })();
    } finally {
      this.#db.pragma(`cache_size = ${cacheSize}`);
    }
  }

  getRegistration(campaignId: string, walletId: string): CampaignRegistrationRow | null {
    const r = this.#s.getRegistration.get(campaignId, walletId);
    return r ? toRegistration(r) : null;
  }

  countRegistrations(campaignId: string): { total: number; offlineTrial: number } {
    const r = this.#s.countRegistrations.get(campaignId)!;
    return { total: r.total, offlineTrial: r.trial ?? 0 };
  }

  /** Every registered wallet id in canonical (byte) order, read straight off the primary key. */
  registrationIds(campaignId: string): string[] {
    return this.#s.registrationIds.all(campaignId);
  }

  registrationPage(campaignId: string, after: string | null, limit: number): string[] {
    return this.#s.registrationPage.all(campaignId, after ?? '', limit);
  }

  /** Records the draw and its winners once; false when the campaign was already drawn. */
  recordDraw(campaignId: string, draw: CampaignDrawRecord): boolean {
    return this.#db.transaction(() => {
      const changed = this.#s.markDrawn.run(
        draw.drawnAt,
        draw.listDigest,
        draw.registrations,
        draw.unawarded,
        campaignId,
      ).changes;
      if (changed !== 1) return false;
      for (const w of draw.winners) this.#s.insertWinner.run(campaignId, w.rank, w.walletId, w.amount);
      return true;
    })();
  }

  listWinners(campaignId: string, afterRank: number, limit: number): CampaignWinnerRow[] {
    return this.#s.listWinners.all(campaignId, afterRank, limit).map(toWinner);
  }

  getWinner(campaignId: string, walletId: string): CampaignWinnerRow | null {
    const r = this.#s.getWinner.get(campaignId, walletId);
    return r ? toWinner(r) : null;
  }

  walletPrizes(walletId: string): CampaignWinnerRow[] {
    return this.#s.walletPrizes.all(walletId).map(toWinner);
  }

  /**
   * Pays prizes out (pool -> restricted) and marks them claimed, each claim
   * atomically with its ledger group and on its own. A claim already made
   * answers as a duplicate with the recorded transfer.
   */
  claimPrizes(campaignId: string, claims: readonly CampaignClaim[]): ApplyOutcome[] {
    return this.#claimTxn(campaignId, claims);
  }

  /**
   * One claim: pay, then mark the winner claimed. The payment is refused before anything is written,
   * and its ledger id is fixed per winner, so a claim made before answers as a duplicate and a refused
   * one leaves no mark: no savepoint is needed around the pair.
   */
  #claimOne(campaignId: string, c: CampaignClaim): Extract<ApplyOutcome, { ok: true }> {
    if (!this.#s.getWinner.get(campaignId, c.walletId)) {
      throw new OpRejected('CAMPAIGN_NOT_WINNER', `${c.walletId} did not win this campaign`);
    }
    const outcome = rejectUnlessApplied(this.#applyGroup(c.group));
    if (!outcome.duplicate) this.#s.markClaimed.run(c.at, c.group[0]!.id, campaignId, c.walletId);
    return outcome;
  }

  claimStats(campaignId: string): CampaignClaimStats {
    const r = this.#s.claimStats.get(campaignId)!;
    return {
      winners: r.winners,
      prizeTotal: r.prize_total ?? 0,
      claimed: r.claimed ?? 0,
      claimedAmount: r.claimed_amount ?? 0,
    };
  }

  spendStats(campaignId: string): CampaignSpendStats {
    const r = this.#s.spendStats.get({ c: campaignId })!;
    return { payments: r.payments, spent: r.spent ?? 0, merchants: r.merchants };
  }

  addReclaimed(campaignId: string, amount: number, at: number): void {
    this.#s.addReclaimed.run(amount, at, campaignId);
  }

  // Group lucky money

  createLuckyEnvelope(row: LuckyEnvelopeRow, funding: LedgerTransfer[]): CreateOutcome<LuckyEnvelopeRow> {
    return this.#atomically(() => {
      const existing = this.#s.getEnvelope.get(row.envelopeId);
      if (existing) {
        const same =
          existing.wallet_id === row.walletId &&
          existing.total === row.total &&
          existing.shares === row.shares &&
          existing.mode === row.mode &&
          existing.group_id === row.groupId;
        if (!same)
          throw new OpRejected('IDEMPOTENCY_CONFLICT', `envelope ${row.envelopeId} exists with other terms`);
        return { ok: true as const, duplicate: true, value: toEnvelope(existing) };
      }
      this.#s.insertEnvelope.run(
        row.envelopeId,
        row.walletId,
        row.groupId,
        row.total,
        row.shares,
        row.mode,
        row.memo,
        row.total,
        row.shares,
        row.createdAt,
        row.expiresAt,
      );
      rejectUnlessApplied(this.#applyGroup(funding));
      return {
        ok: true as const,
        duplicate: false,
        value: toEnvelope(this.#s.getEnvelope.get(row.envelopeId)!),
      };
    });
  }

  getLuckyEnvelope(envelopeId: string): LuckyEnvelopeRow | null {
    const r = this.#s.getEnvelope.get(envelopeId);
    return r ? toEnvelope(r) : null;
  }

  listLuckyGrabs(envelopeId: string): LuckyGrabRow[] {
    return this.#s.listGrabs.all(envelopeId).map(toGrab);
  }

  /** One grab, queued and committed with the other grabs of this tick. */
  grabLucky(input: LuckyGrabInput): Promise<LuckyGrabOutcome> {
    return new Promise((resolve, reject) => {
      this.#grabQueue.push({ input, resolve, reject });
      if (!this.#grabScheduled) {
        this.#grabScheduled = true;
        setImmediate(() => this.#flushGrabs());
      }
    });
  }

  #flushGrabs(): void {
    this.#grabScheduled = false;
    const batch = this.#grabQueue;
    this.#grabQueue = [];
    let outcomes: LuckyGrabOutcome[];
    try {
      outcomes = this.#grabTxn(batch.map((b) => b.input));
    } catch (e) {
      for (const b of batch) b.reject(e);
      return;
    }
    for (let i = 0; i < batch.length; i++) batch[i]!.resolve(outcomes[i]!);
  }

  /** Pending grabs are committed before the database closes. */
  flushPending(): void {
    if (this.#grabQueue.length) this.#flushGrabs();
  }

  /** Reads the envelope, draws the share, pays it and records the grab, all in one savepoint. */
  #grabOne(input: LuckyGrabInput): LuckyGrabOutcome {
    const s = this.#s;
    const env = s.getEnvelope.get(input.envelopeId);
    if (!env) throw new OpRejected('LUCKY_NOT_FOUND', `no lucky-money envelope ${input.envelopeId}`);
    const previous = s.getGrab.get(input.envelopeId, input.walletId);
    if (previous) {
      return {
        ok: false,
        code: 'LUCKY_ALREADY_GRABBED',
        message: 'this wallet already grabbed a share of this envelope',
        grab: toGrab(previous),
      };
    }
    if (env.status === 'refunded' || input.at >= env.expires_at) {
      throw new OpRejected('LUCKY_EXPIRED', 'this envelope has expired');
    }
    if (env.shares_left === 0 || env.status === 'empty') {
      throw new OpRejected('LUCKY_EMPTY', 'every share of this envelope has been grabbed');
    }
    const amount = input.share({ mode: env.mode, remaining: env.remaining, sharesLeft: env.shares_left });
    if (!Number.isSafeInteger(amount) || amount < 1 || amount > env.remaining) {
      throw new OpRejected('LUCKY_BAD_STATE', `share of ${amount} fen out of ${env.remaining} fen`);
    }
    const share = env.shares - env.shares_left + 1;
    const group = input.transfer(amount, share);
    const applied = rejectUnlessApplied(this.#applyGroup(group));
    if (applied.duplicate)
      throw new OpRejected('IDEMPOTENCY_CONFLICT', `grab ${group[0]!.id} was already paid`);
    const remaining = env.remaining - amount;
    const sharesLeft = env.shares_left - 1;
    const changed = s.updateEnvelope.run(
      remaining,
      sharesLeft,
      sharesLeft === 0 ? 'empty' : 'open',
      env.envelope_id,
      env.remaining,
      env.shares_left,
    ).changes;
    if (changed !== 1) throw new OpRejected('LUCKY_BAD_STATE', 'the envelope changed during the grab');
    s.insertGrab.run(input.envelopeId, input.walletId, share, amount, group[0]!.id, input.at);
    return {
      ok: true,
      grab: toGrab(s.getGrab.get(input.envelopeId, input.walletId)!),
      envelope: toEnvelope(s.getEnvelope.get(input.envelopeId)!),
      transfers: applied.transfers,
    };
  }

  /**
   * Returns what is left of an expired envelope to its funder, once. A
   * refunded envelope answers as a duplicate; an envelope with nothing left
   * is closed without a transfer.
   */
  refundLucky(
    envelopeId: string,
    at: number,
    transfer: (remaining: number) => LedgerTransfer[],
  ): LuckyRefundOutcome {
    return this.#atomically((): LuckyRefundOutcome => {
      const env = this.#s.getEnvelope.get(envelopeId);
      if (!env) throw new OpRejected('LUCKY_NOT_FOUND', `no lucky-money envelope ${envelopeId}`);
      if (env.status === 'refunded') {
        return { ok: true, duplicate: true, envelope: toEnvelope(env), refunded: env.refunded };
      }
      if (env.status === 'empty' || env.remaining === 0) {
        return { ok: true, duplicate: true, envelope: toEnvelope(env), refunded: 0 };
      }
      if (at < env.expires_at) throw new OpRejected('LUCKY_NOT_EXPIRED', 'this envelope has not expired yet');
      rejectUnlessApplied(this.#applyGroup(transfer(env.remaining)));
      this.#s.refundEnvelope.run(env.remaining, at, envelopeId);
      return {
        ok: true,
        duplicate: false,
        envelope: toEnvelope(this.#s.getEnvelope.get(envelopeId)!),
        refunded: env.remaining,
      };
    });
  }
}
