/**
 * PostgreSQL side of the red-envelope operations (the SQLite side is
 * red-envelopes-sqlite.ts), used by `PostgresStore`. Each operation is one
 * transaction that writes its rows and its ledger group together. The row a
 * decision depends on is locked first (the campaign for a trial place, the
 * winner for a claim, the envelope for a grab or a refund), so concurrent
 * callers queue on it instead of deciding from the same stale state.
 */
import { applyGroups } from './postgres-ledger';
import { CHUNK, type Tx, tuples } from './postgres-tx';
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

/** Thrown inside a transaction to roll it back; turned into a failed outcome. */
class OpRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function applyOrReject(tx: Tx, group: LedgerTransfer[]): Promise<Extract<ApplyOutcome, { ok: true }>> {
  const outcome = (await applyGroups(tx, [group]))[0]!;
  if (!outcome.ok) throw new OpRejected(outcome.code, outcome.message);
  return outcome;
}

type RunTx = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

export class PgRedEnvelopes {
  #inflight = new Set<Promise<unknown>>();

  constructor(
    readonly tx: RunTx,
    readonly all: Query,
  ) {}

  /** Runs `fn` in a transaction; an OpRejected rolls it back and becomes a failure. */
  async #atomically<T>(
    fn: (tx: Tx) => Promise<T>,
  ): Promise<T | { ok: false; code: string; message: string }> {
    const p = this.tx(fn).catch((e: unknown) => {
      if (e instanceof OpRejected) return { ok: false as const, code: e.code, message: e.message };
      throw e;
    });
    this.#inflight.add(p);
    try {
      return await p;
    } finally {
      this.#inflight.delete(p);
    }
  }

  /** Resolves once the operations under way have finished (before the pool closes). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#inflight]);
  }

  async #one<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  // Campaigns

  createCampaign(row: CampaignRow, funding: LedgerTransfer[]): Promise<CreateOutcome<CampaignRow>> {
    return this.#atomically(async (tx) => {
      const existing = await tx.get<CampaignRecord>('SELECT * FROM campaigns WHERE campaign_id = ?', [
        row.campaignId,
      ]);
      if (existing) {
        const same = existing.spec === JSON.stringify(row.spec) && existing.funded_by === row.fundedBy;
        if (!same)
          throw new OpRejected('IDEMPOTENCY_CONFLICT', `campaign ${row.campaignId} exists with other terms`);
        return { ok: true as const, duplicate: true, value: toCampaign(existing) };
      }
      await tx.run(
        `INSERT INTO campaigns (campaign_id, spec, funded_by, commitment, seed, status, created_at, reclaimed)
         VALUES (?, ?, ?, ?, ?, 'open', ?, 0)`,
        [row.campaignId, JSON.stringify(row.spec), row.fundedBy, row.commitment, row.seed, row.createdAt],
      );
      await applyOrReject(tx, funding);
      const stored = await tx.get<CampaignRecord>('SELECT * FROM campaigns WHERE campaign_id = ?', [
        row.campaignId,
      ]);
      return { ok: true as const, duplicate: false, value: toCampaign(stored!) };
    });
  }

  async getCampaign(campaignId: string): Promise<CampaignRow | null> {
    const r = await this.#one<CampaignRecord>('SELECT * FROM campaigns WHERE campaign_id = ?', [campaignId]);
    return r ? toCampaign(r) : null;
  }

  async listCampaigns(): Promise<CampaignRow[]> {
    return (
      await this.all<CampaignRecord>('SELECT * FROM campaigns ORDER BY created_at DESC, campaign_id')
    ).map(toCampaign);
  }

  /** One registration per wallet; trial places counted under a lock on the campaign. */
  register(
    row: CampaignRegistrationRow,
    offlineTrialQuota: number,
  ): Promise<{ added: boolean; registration: CampaignRegistrationRow }> {
    return this.tx(async (tx) => {
      if (row.offlineTrial)
        await tx.get('SELECT campaign_id FROM campaigns WHERE campaign_id = ? FOR UPDATE', [row.campaignId]);
      const existing = await tx.get<RegistrationRecord>(
        'SELECT * FROM campaign_registrations WHERE campaign_id = ? AND wallet_id = ?',
        [row.campaignId, row.walletId],
      );
      if (existing) return { added: false, registration: toRegistration(existing) };
      let trial = false;
      if (row.offlineTrial) {
        const n = await tx.get<{ n: number }>(
          'SELECT COUNT(*) AS n FROM campaign_registrations WHERE campaign_id = ? AND offline_trial = 1',
          [row.campaignId],
        );
        trial = (n?.n ?? 0) < offlineTrialQuota;
      }
      // A concurrent registration of the same wallet makes this fail (23505) and the retry finds it.
      await tx.run(
        'INSERT INTO campaign_registrations (campaign_id, wallet_id, offline_trial, registered_at) VALUES (?, ?, ?, ?)',
        [row.campaignId, row.walletId, trial ? 1 : 0, row.registeredAt],
      );
      return { added: true, registration: { ...row, offlineTrial: trial } };
    });
  }

  /** Bulk ingestion: one transaction, multi-row inserts; returns the rows added. */
  insertRegistrations(
    campaignId: string,
    rows: readonly Omit<CampaignRegistrationRow, 'campaignId'>[],
  ): Promise<number> {
    return this.tx(async (tx) => {
      let added = 0;
      for (let i = 0; i < rows.length; i += CHUNK) {
        const part = rows.slice(i, i + CHUNK);
        added += await tx.run(
          `INSERT INTO campaign_registrations (campaign_id, wallet_id, offline_trial, registered_at)
           VALUES ${tuples(part.length, 4)} ON CONFLICT (campaign_id, wallet_id) DO NOTHING`,
          part.flatMap((r) => [campaignId, r.walletId, r.offlineTrial ? 1 : 0, r.registeredAt]),
        );
      }
      return added;
    });
  }

  async getRegistration(campaignId: string, walletId: string): Promise<CampaignRegistrationRow | null> {
    const r = await this.#one<RegistrationRecord>(
      'SELECT * FROM campaign_registrations WHERE campaign_id = ? AND wallet_id = ?',
      [campaignId, walletId],
    );
    return r ? toRegistration(r) : null;
  }

  async countRegistrations(campaignId: string): Promise<{ total: number; offlineTrial: number }> {
    const r = (await this.#one<{ total: number; trial: number | null }>(
      'SELECT COUNT(*) AS total, SUM(offline_trial) AS trial FROM campaign_registrations WHERE campaign_id = ?',
      [campaignId],
    ))!;
    return { total: r.total, offlineTrial: r.trial ?? 0 };
  }

  /** Every registered wallet id in canonical (byte) order: the columns compare as COLLATE "C". */
  async registrationIds(campaignId: string): Promise<string[]> {
    return (
      await this.all<{ wallet_id: string }>(
        'SELECT wallet_id FROM campaign_registrations WHERE campaign_id = ? ORDER BY wallet_id',
        [campaignId],
      )
    ).map((r) => r.wallet_id);
  }

  async registrationPage(campaignId: string, after: string | null, limit: number): Promise<string[]> {
    return (
      await this.all<{ wallet_id: string }>(
        'SELECT wallet_id FROM campaign_registrations WHERE campaign_id = ? AND wallet_id > ? ORDER BY wallet_id LIMIT ?',
        [campaignId, after ?? '', limit],
      )
    ).map((r) => r.wallet_id);
  }

  /** Records the draw and its winners once; false when the campaign was already drawn. */
  recordDraw(campaignId: string, draw: CampaignDrawRecord): Promise<boolean> {
    return this.tx(async (tx) => {
      const changed = await tx.run(
        `UPDATE campaigns SET status = 'drawn', drawn_at = ?, list_digest = ?, registrations = ?, unawarded = ?
         WHERE campaign_id = ? AND status = 'open'`,
        [draw.drawnAt, draw.listDigest, draw.registrations, draw.unawarded, campaignId],
      );
      if (changed !== 1) return false;
      for (let i = 0; i < draw.winners.length; i += CHUNK) {
        const part = draw.winners.slice(i, i + CHUNK);
        await tx.run(
          `INSERT INTO campaign_winners (campaign_id, rank, wallet_id, amount) VALUES ${tuples(part.length, 4)}`,
          part.flatMap((w) => [campaignId, w.rank, w.walletId, w.amount]),
        );
      }
      return true;
    });
  }

  async listWinners(campaignId: string, afterRank: number, limit: number): Promise<CampaignWinnerRow[]> {
    return (
      await this.all<WinnerRecord>(
        'SELECT * FROM campaign_winners WHERE campaign_id = ? AND rank > ? ORDER BY rank LIMIT ?',
        [campaignId, afterRank, limit],
      )
    ).map(toWinner);
  }

  async getWinner(campaignId: string, walletId: string): Promise<CampaignWinnerRow | null> {
    const r = await this.#one<WinnerRecord>(
      'SELECT * FROM campaign_winners WHERE campaign_id = ? AND wallet_id = ?',
      [campaignId, walletId],
    );
    return r ? toWinner(r) : null;
  }

  async walletPrizes(walletId: string): Promise<CampaignWinnerRow[]> {
    return (
      await this.all<WinnerRecord>(
        'SELECT * FROM campaign_winners WHERE wallet_id = ? ORDER BY campaign_id',
        [walletId],
      )
    ).map(toWinner);
  }

  /**
   * Pays prizes out and marks them claimed, each claim atomically with its
   * ledger group and on its own (a refused claim writes nothing). A claim
   * already made answers as a duplicate with the recorded transfer.
   */
  claimPrizes(campaignId: string, claims: readonly CampaignClaim[]): Promise<ApplyOutcome[]> {
    return this.tx(async (tx) => {
      const out: ApplyOutcome[] = [];
      for (const c of claims) {
        const winner = await tx.get<WinnerRecord>(
          'SELECT * FROM campaign_winners WHERE campaign_id = ? AND wallet_id = ? FOR UPDATE',
          [campaignId, c.walletId],
        );
        if (!winner) {
          out.push({
            ok: false,
            code: 'CAMPAIGN_NOT_WINNER',
            message: `${c.walletId} did not win this campaign`,
            index: 0,
          });
          continue;
        }
        const outcome = (await applyGroups(tx, [c.group]))[0]!;
        if (!outcome.ok) {
          out.push({ ...outcome, index: 0 });
          continue;
        }
        if (winner.claimed_at !== null) {
          out.push({ ...outcome, duplicate: true });
          continue;
        }
        await tx.run(
          `UPDATE campaign_winners SET claimed_at = ?, claim_transfer_id = ?
           WHERE campaign_id = ? AND wallet_id = ? AND claimed_at IS NULL`,
          [c.at, c.group[0]!.id, campaignId, c.walletId],
        );
        out.push(outcome);
      }
      return out;
    });
  }

  async claimStats(campaignId: string): Promise<CampaignClaimStats> {
    const r = (await this.#one<{
      winners: number;
      prize_total: number | null;
      claimed: number | null;
      claimed_amount: number | null;
    }>(
      `SELECT COUNT(*) AS winners, SUM(amount) AS prize_total,
              SUM(CASE WHEN claimed_at IS NOT NULL THEN 1 ELSE 0 END) AS claimed,
              SUM(CASE WHEN claimed_at IS NOT NULL THEN amount ELSE 0 END) AS claimed_amount
       FROM campaign_winners WHERE campaign_id = ?`,
      [campaignId],
    ))!;
    return {
      winners: r.winners,
      prizeTotal: r.prize_total ?? 0,
      claimed: r.claimed ?? 0,
      claimedAmount: r.claimed_amount ?? 0,
    };
  }

  async spendStats(campaignId: string): Promise<CampaignSpendStats> {
    // Restricted accounts are "restricted:<wallet>:<campaign>": a range on the debit index, then the suffix.
    const r = (await this.#one<{ payments: number; spent: number | null; merchants: number }>(
      `SELECT COUNT(DISTINCT group_id) AS payments, SUM(amount) AS spent, COUNT(DISTINCT credit) AS merchants
       FROM transfers
       WHERE debit >= 'restricted:' AND debit < 'restricted;' AND kind = 'campaign_spend'
         AND substr(debit, length(debit) - length(?::text)) = ':' || ?::text`,
      [campaignId, campaignId],
    ))!;
    return { payments: r.payments, spent: r.spent ?? 0, merchants: r.merchants };
  }

  async addReclaimed(campaignId: string, amount: number, at: number): Promise<void> {
    await this.all(
      'UPDATE campaigns SET reclaimed = reclaimed + ?, reclaimed_at = COALESCE(reclaimed_at, ?) WHERE campaign_id = ?',
      [amount, at, campaignId],
    );
  }

  // Group lucky money

  createLuckyEnvelope(
    row: LuckyEnvelopeRow,
    funding: LedgerTransfer[],
  ): Promise<CreateOutcome<LuckyEnvelopeRow>> {
    return this.#atomically(async (tx) => {
      const existing = await tx.get<EnvelopeRecord>('SELECT * FROM lucky_envelopes WHERE envelope_id = ?', [
        row.envelopeId,
      ]);
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
      await tx.run(
        `INSERT INTO lucky_envelopes (envelope_id, wallet_id, group_id, total, shares, mode, memo, remaining,
           shares_left, status, created_at, expires_at, refunded, refunded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, 0, NULL)`,
        [
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
        ],
      );
      await applyOrReject(tx, funding);
      const stored = await tx.get<EnvelopeRecord>('SELECT * FROM lucky_envelopes WHERE envelope_id = ?', [
        row.envelopeId,
      ]);
      return { ok: true as const, duplicate: false, value: toEnvelope(stored!) };
    });
  }

  async getLuckyEnvelope(envelopeId: string): Promise<LuckyEnvelopeRow | null> {
    const r = await this.#one<EnvelopeRecord>('SELECT * FROM lucky_envelopes WHERE envelope_id = ?', [
      envelopeId,
    ]);
    return r ? toEnvelope(r) : null;
  }

  async listLuckyGrabs(envelopeId: string): Promise<LuckyGrabRow[]> {
    return (
      await this.all<GrabRecord>('SELECT * FROM lucky_grabs WHERE envelope_id = ? ORDER BY share', [
        envelopeId,
      ])
    ).map(toGrab);
  }

  /** One grab in one transaction, under a lock on the envelope (grabs of one envelope queue on it). */
  async grabLucky(input: LuckyGrabInput): Promise<LuckyGrabOutcome> {
    return this.#atomically(async (tx): Promise<LuckyGrabOutcome> => {
      const env = await tx.get<EnvelopeRecord>(
        'SELECT * FROM lucky_envelopes WHERE envelope_id = ? FOR UPDATE',
        [input.envelopeId],
      );
      if (!env) throw new OpRejected('LUCKY_NOT_FOUND', `no lucky-money envelope ${input.envelopeId}`);
      const previous = await tx.get<GrabRecord>(
        'SELECT * FROM lucky_grabs WHERE envelope_id = ? AND wallet_id = ?',
        [input.envelopeId, input.walletId],
      );
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
      const applied = await applyOrReject(tx, group);
      if (applied.duplicate)
        throw new OpRejected('IDEMPOTENCY_CONFLICT', `grab ${group[0]!.id} was already paid`);
      const remaining = env.remaining - amount;
      const sharesLeft = env.shares_left - 1;
      await tx.run(
        'UPDATE lucky_envelopes SET remaining = ?, shares_left = ?, status = ? WHERE envelope_id = ?',
        [remaining, sharesLeft, sharesLeft === 0 ? 'empty' : 'open', env.envelope_id],
      );
      await tx.run(
        `INSERT INTO lucky_grabs (envelope_id, wallet_id, share, amount, transfer_id, grabbed_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
        [input.envelopeId, input.walletId, share, amount, group[0]!.id, input.at],
      );
      const grab: LuckyGrabRow = {
        envelopeId: input.envelopeId,
        walletId: input.walletId,
        share,
        amount,
        transferId: group[0]!.id,
        grabbedAt: input.at,
      };
      const envelope = toEnvelope({
        ...env,
        remaining,
        shares_left: sharesLeft,
        status: sharesLeft === 0 ? 'empty' : 'open',
      });
      return { ok: true, grab, envelope, transfers: applied.transfers };
    });
  }

  /** Returns what is left of an expired envelope to its funder, once. */
  refundLucky(
    envelopeId: string,
    at: number,
    transfer: (remaining: number) => LedgerTransfer[],
  ): Promise<LuckyRefundOutcome> {
    return this.#atomically(async (tx): Promise<LuckyRefundOutcome> => {
      const env = await tx.get<EnvelopeRecord>(
        'SELECT * FROM lucky_envelopes WHERE envelope_id = ? FOR UPDATE',
        [envelopeId],
      );
      if (!env) throw new OpRejected('LUCKY_NOT_FOUND', `no lucky-money envelope ${envelopeId}`);
      if (env.status === 'refunded') {
        return { ok: true, duplicate: true, envelope: toEnvelope(env), refunded: env.refunded };
      }
      if (env.status === 'empty' || env.remaining === 0) {
        return { ok: true, duplicate: true, envelope: toEnvelope(env), refunded: 0 };
      }
      if (at < env.expires_at) throw new OpRejected('LUCKY_NOT_EXPIRED', 'this envelope has not expired yet');
      await applyOrReject(tx, transfer(env.remaining));
      await tx.run(
        `UPDATE lucky_envelopes SET status = 'refunded', refunded = ?, refunded_at = ?, remaining = 0
         WHERE envelope_id = ? AND status = 'open'`,
        [env.remaining, at, envelopeId],
      );
      const stored = await tx.get<EnvelopeRecord>('SELECT * FROM lucky_envelopes WHERE envelope_id = ?', [
        envelopeId,
      ]);
      return { ok: true, duplicate: false, envelope: toEnvelope(stored!), refunded: env.remaining };
    });
  }
}
