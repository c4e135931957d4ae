/**
 * PostgreSQL store (`pg`), chosen with DATABASE_URL=postgres://... It speaks
 * only the SQL that PostgreSQL-compatible distributed engines also accept
 * (CockroachDB, YugabyteDB): no extensions, no advisory locks, no
 * LISTEN/NOTIFY. See POSTGRES.md.
 *
 * Correctness under concurrency: every operation is one transaction that
 * locks the rows it decides on (SELECT ... FOR UPDATE; accounts always in id
 * order), inserts under unique constraints, and is run again as a whole on a
 * serialization failure, a deadlock or a lost insert race (postgres-tx.ts).
 *
 * Group commit, as in the SQLite store: concurrent callers' transfer groups
 * queue up, and one transaction at a time applies everything queued (each
 * group checked on its own, written with a few multi-row statements); every
 * caller is answered once that transaction has committed.
 */
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import type { AccountSpec } from '../ledger/accounts';
import { MIGRATIONS, migrationSql } from './migrations';
import type {
  DepositInput,
  DepositOutcome,
  DepositRow,
  FraudCaseRow,
  OfflineAuditFacts,
  OfflineLoadInput,
  OfflineLoadOutcome,
  OutputCoin,
  RecordSpendsInput,
  RecordSpendsOutcome,
  RootCoinRow,
  SpendRef,
  SpentRow,
} from './offline-rows';
import { type AccountRecord, applyGroups, type TransferRecord, toStored } from './postgres-ledger';
import { PgOffline } from './postgres-offline';
import { PgRedEnvelopes } from './postgres-red-envelopes';
import { CHUNK, inTransaction, PG_TYPES, query, type Tx, tuples } from './postgres-tx';
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
import type {
  AccountRow,
  ApplyOutcome,
  AuditRow,
  BillRow,
  DeviceRow,
  LedgerTransfer,
  Store,
  StoredTransfer,
  WalletRow,
} from './store';
import { deviceColumns, walletColumns } from './wallet-records';

interface WalletRecord {
  wallet_id: string;
  operator_id: string;
  display_name: string;
  tier: number;
  phone: string | null;
  region: string | null;
  resident: number;
  merchant: string | null;
  created_at: number;
}

interface DeviceRecord {
  device_id: string;
  wallet_id: string;
  public_key: string;
  cert: string;
  revoked_at: number | null;
  revoked_reason: string | null;
  created_at: number;
}

interface BillRecord {
  wallet_id: string;
  bill_id: string;
  amount: number;
  payload: string;
  status: 'open' | 'paid';
  created_at: number;
  expires_at: number;
  paid_transfer_id: string | null;
  paid_by: string | null;
  paid_at: number | null;
}

const toBill = (r: BillRecord): BillRow => ({
  walletId: r.wallet_id,
  billId: r.bill_id,
  amount: r.amount,
  payload: r.payload,
  status: r.status,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  paidTransferId: r.paid_transfer_id,
  paidBy: r.paid_by,
  paidAt: r.paid_at,
});

const toWallet = (r: WalletRecord): WalletRow => ({
  walletId: r.wallet_id,
  operatorId: r.operator_id,
  displayName: r.display_name,
  tier: r.tier as WalletRow['tier'],
  phone: r.phone,
  region: r.region,
  resident: r.resident === 1,
  merchant: r.merchant ? (JSON.parse(r.merchant) as WalletRow['merchant']) : null,
  createdAt: r.created_at,
});

const toDevice = (r: DeviceRecord): DeviceRow => ({
  deviceId: r.device_id,
  walletId: r.wallet_id,
  publicKey: r.public_key,
  cert: JSON.parse(r.cert),
  revokedAt: r.revoked_at,
  revokedReason: r.revoked_reason,
  createdAt: r.created_at,
});

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface PostgresOptions {
  /** postgres://user:pass@host:port/db */
  url: string;
  /** Schema to keep the tables in (created if missing); the connection's default schema otherwise. */
  schema?: string;
  /** Make a schema with a fresh unique name and drop it on close: a throwaway database for a test. */
  throwawaySchema?: boolean;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly pool: pg.Pool;
  /** The schema the tables live in, when one was given or made. */
  readonly schema: string | null;
  readonly #url: string;
  readonly #dropOnClose: boolean;
  #queue: { group: LedgerTransfer[]; resolve: (o: ApplyOutcome) => void; reject: (e: unknown) => void }[] =
    [];
  #flushing: Promise<void> | null = null;
  #closed = false;
  readonly #red: PgRedEnvelopes;
  readonly #offline: PgOffline;

  private constructor(options: PostgresOptions, schema: string | null) {
    this.#url = options.url;
    this.schema = schema;
    this.#dropOnClose = options.throwawaySchema === true;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      types: PG_TYPES,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
    const tx = <T>(fn: (tx: Tx) => Promise<T>, begin?: string) => this.#tx(fn, begin);
    this.#red = new PgRedEnvelopes(tx, (sql, params) => this.#all(sql, params));
    this.#offline = new PgOffline(tx, (sql, params) => this.#all(sql, params));
  }

  /** Connects, makes the schema if asked, and brings the tables up to date. */
  static async open(options: PostgresOptions): Promise<PostgresStore> {
    let schema = options.schema ?? null;
    if (options.throwawaySchema) schema = `ecny_${process.pid}_${randomBytes(6).toString('hex')}`;
    if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
      throw new Error(`schema name ${schema} must be lower-case letters, digits and _`);
    if (schema !== null) {
      const admin = new pg.Client({ connectionString: options.url });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      } finally {
        await admin.end();
      }
    }
    const store = new PostgresStore(options, schema);
    try {
      await store.#migrate();
    } catch (e) {
      await store.close();
      throw e;
    }
    return store;
  }

  #tx<T>(fn: (tx: Tx) => Promise<T>, begin?: string): Promise<T> {
    return inTransaction(this.pool, fn, begin);
  }

  async #all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await query<T>(this.pool, sql, params)).rows;
  }

  async #get<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.#all<T>(sql, params))[0];
  }

  async #migrate(): Promise<void> {
    await this.pool.query(
      'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)',
    );
    const done = new Set(
      (await this.#all<{ version: number }>('SELECT version FROM schema_version')).map((r) => r.version),
    );
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await this.#tx(async (tx) => {
        // Another process may have applied it meanwhile: its version row is the lock
        // (a concurrent insert of it fails, and the retry finds it here).
        if (await tx.get('SELECT version FROM schema_version WHERE version = ?', [m.version])) return;
        await tx.run('INSERT INTO schema_version (version, name) VALUES (?, ?)', [m.version, m.name]);
        for (const sql of migrationSql(m, 'postgres')) await tx.client.query(sql);
      });
    }
  }

  // ---- ledger: group commit ----

  applyTransfers(group: LedgerTransfer[]): Promise<ApplyOutcome> {
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new Error('the store is closed'));
        return;
      }
      this.#queue.push({ group, resolve, reject });
      this.#flushing ??= this.#drain();
    });
  }

  /** Applies what is queued, one transaction per round, until the queue is empty. */
  async #drain(): Promise<void> {
    await new Promise((ok) => setImmediate(ok));
    while (this.#queue.length) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        const outcomes = await this.#tx((tx) =>
          applyGroups(
            tx,
            batch.map((b) => b.group),
          ),
        );
        for (let i = 0; i < batch.length; i++) batch[i]!.resolve(outcomes[i]!);
      } catch (e) {
        for (const b of batch) b.reject(e);
      }
    }
    this.#flushing = null;
  }

  async applyMany(groups: LedgerTransfer[][]): Promise<ApplyOutcome[]> {
    const out: ApplyOutcome[] = [];
    for (let i = 0; i < groups.length; i += CHUNK) {
      const part = groups.slice(i, i + CHUNK);
      out.push(...(await this.#tx((tx) => applyGroups(tx, part))));
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#flushing) await this.#flushing;
    await this.#red.settled();
    await this.pool.end();
    if (this.#dropOnClose && this.schema) {
      const admin = new pg.Client({ connectionString: this.#url });
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(this.schema)} CASCADE`);
      } finally {
        await admin.end();
      }
    }
  }

  // ---- meta ----

  async getMeta(key: string): Promise<string | null> {
    return (await this.#get<{ value: string }>('SELECT value FROM meta WHERE key = ?', [key]))?.value ?? null;
  }

  async setMetaIfAbsent(key: string, value: string): Promise<string> {
    await this.#all('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [key, value]);
    return (await this.getMeta(key))!;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.#all(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, value],
    );
  }

  // ---- accounts and transfers ----

  async ensureAccounts(accounts: AccountSpec[]): Promise<void> {
    await this.#tx(async (tx) => {
      for (let i = 0; i < accounts.length; i += CHUNK) {
        const part = accounts.slice(i, i + CHUNK);
        await tx.run(
          `INSERT INTO accounts (id, book, kind, allow_negative, balance) VALUES ${tuples(part.length, 5)}
           ON CONFLICT (id) DO NOTHING`,
          part.flatMap((a) => [a.id, a.book, a.kind, a.allowNegative ? 1 : 0, 0]),
        );
      }
    });
  }

  async getTransfer(id: string): Promise<StoredTransfer | null> {
    const r = await this.#get<TransferRecord>('SELECT * FROM transfers WHERE id = ?', [id]);
    return r ? toStored(r) : null;
  }

  async getBalance(accountId: string): Promise<number | null> {
    return (
      (await this.#get<{ balance: number }>('SELECT balance FROM accounts WHERE id = ?', [accountId]))
        ?.balance ?? null
    );
  }

  async getDailyTotal(dailyKey: string, day: string): Promise<number> {
    return (
      (
        await this.#get<{ total: number }>('SELECT total FROM daily_totals WHERE key = ? AND day = ?', [
          dailyKey,
          day,
        ])
      )?.total ?? 0
    );
  }

  async accountTransfers(accountId: string, limit: number): Promise<StoredTransfer[]> {
    // Two index range scans merged, rather than one OR over both columns.
    const rows = await this.#all<TransferRecord>(
      `SELECT * FROM (
         (SELECT * FROM transfers WHERE debit = ? ORDER BY seq DESC LIMIT ?)
         UNION ALL
         (SELECT * FROM transfers WHERE credit = ? ORDER BY seq DESC LIMIT ?)
       ) t ORDER BY seq DESC LIMIT ?`,
      [accountId, limit, accountId, limit, limit],
    );
    return rows.map(toStored);
  }

  async listAccounts(): Promise<AccountRow[]> {
    return (await this.#all<AccountRecord>('SELECT * FROM accounts ORDER BY id')).map((r) => ({
      id: r.id,
      book: r.book,
      kind: r.kind,
      allowNegative: r.allow_negative === 1,
      balance: r.balance,
    }));
  }

  /** One consistent snapshot of balances and the transfer log. */
  async auditRows(): Promise<{ rows: AuditRow[]; transfers: number; lastSeq: number }> {
    return this.#tx(async (tx) => {
      const rows = (
        await tx.all<AccountRecord & { computed: number }>(
          `SELECT a.*, COALESCE(c.total, 0) - COALESCE(d.total, 0) AS computed
           FROM accounts a
           LEFT JOIN (SELECT credit AS id, SUM(amount) AS total FROM transfers GROUP BY credit) c ON c.id = a.id
           LEFT JOIN (SELECT debit AS id, SUM(amount) AS total FROM transfers GROUP BY debit) d ON d.id = a.id
           ORDER BY a.id`,
        )
      ).map((r) => ({
        id: r.id,
        book: r.book,
        kind: r.kind,
        allowNegative: r.allow_negative === 1,
        balance: r.balance,
        computed: r.computed,
      }));
      const stats = (await tx.get<{ n: number; last: number | null }>(
        'SELECT COUNT(*) AS n, MAX(seq) AS last FROM transfers',
      ))!;
      return { rows, transfers: stats.n, lastSeq: stats.last ?? 0 };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async ledgerDigest(): Promise<string> {
    return this.#tx(async (tx) => {
      const hash = createHash('sha256');
      for (const r of await tx.all<AccountRecord>('SELECT id, balance FROM accounts ORDER BY id'))
        hash.update(`${r.id}\t${r.balance}\n`);
      // Pages by seq, so a large log is not held in memory at once.
      let after = -1;
      for (;;) {
        const page = await tx.all<TransferRecord>(
          'SELECT seq, id, debit, credit, amount FROM transfers WHERE seq > ? ORDER BY seq LIMIT 10000',
          [after],
        );
        for (const r of page) hash.update(`${r.seq}\t${r.id}\t${r.debit}\t${r.credit}\t${r.amount}\n`);
        if (page.length < 10_000) break;
        after = page[page.length - 1]!.seq;
      }
      return hash.digest('hex');
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  // ---- wallets and devices ----

  /** Many wallets with their first devices in one transaction (bulk onboarding), CHUNK rows per statement. */
  async insertWallets(entries: readonly { wallet: WalletRow; device: DeviceRow }[]): Promise<void> {
    await this.#tx(async (tx) => {
      for (let i = 0; i < entries.length; i += CHUNK) {
        const part = entries.slice(i, i + CHUNK);
        await tx.run(
          `INSERT INTO wallets (wallet_id, operator_id, display_name, tier, phone, region, resident, merchant, created_at) VALUES ${tuples(part.length, 9)}`,
          part.flatMap(({ wallet }) => walletColumns(wallet)),
        );
        await tx.run(
          `INSERT INTO devices (device_id, wallet_id, public_key, cert, revoked_at, revoked_reason, created_at) VALUES ${tuples(part.length, 7)}`,
          part.flatMap(({ device }) => deviceColumns(device)),
        );
      }
    });
  }

  async insertWallet(wallet: WalletRow, device: DeviceRow): Promise<void> {
    await this.insertWallets([{ wallet, device }]);
  }

  async getWallet(walletId: string): Promise<WalletRow | null> {
    const r = await this.#get<WalletRecord>('SELECT * FROM wallets WHERE wallet_id = ?', [walletId]);
    return r ? toWallet(r) : null;
  }

  async getWallets(walletIds: readonly string[]): Promise<Map<string, WalletRow>> {
    return this.#byIds<WalletRecord, WalletRow>(
      'SELECT * FROM wallets WHERE wallet_id = ANY(?)',
      walletIds,
      (r) => r.wallet_id,
      toWallet,
    );
  }

  /** The rows `sql` finds for `ids` (its one parameter: the ids as an array), by id: one query. */
  async #byIds<R, T>(
    sql: string,
    ids: readonly string[],
    idOf: (r: R) => string,
    toRow: (r: R) => T,
  ): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    if (ids.length === 0) return out;
    for (const r of await this.#all<R>(sql, [[...new Set(ids)]])) out.set(idOf(r), toRow(r));
    return out;
  }

  async updateWallet(
    walletId: string,
    patch: Partial<Pick<WalletRow, 'tier' | 'merchant' | 'displayName'>>,
  ): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [];
    if (patch.tier !== undefined) {
      sets.push('tier = ?');
      params.push(patch.tier);
    }
    if (patch.merchant !== undefined) {
      sets.push('merchant = ?');
      params.push(patch.merchant ? JSON.stringify(patch.merchant) : null);
    }
    if (patch.displayName !== undefined) {
      sets.push('display_name = ?');
      params.push(patch.displayName);
    }
    if (!sets.length) return;
    await this.#all(`UPDATE wallets SET ${sets.join(', ')} WHERE wallet_id = ?`, [...params, walletId]);
  }

  async listWallets(): Promise<WalletRow[]> {
    return (await this.#all<WalletRecord>('SELECT * FROM wallets ORDER BY created_at, wallet_id')).map(
      toWallet,
    );
  }

  async getDevice(deviceId: string): Promise<DeviceRow | null> {
    const r = await this.#get<DeviceRecord>('SELECT * FROM devices WHERE device_id = ?', [deviceId]);
    return r ? toDevice(r) : null;
  }

  async getDevices(deviceIds: readonly string[]): Promise<Map<string, DeviceRow>> {
    return this.#byIds<DeviceRecord, DeviceRow>(
      'SELECT * FROM devices WHERE device_id = ANY(?)',
      deviceIds,
      (r) => r.device_id,
      toDevice,
    );
  }

  async getDevicesByPublicKeys(publicKeys: readonly string[]): Promise<Map<string, DeviceRow>> {
    const out = new Map<string, DeviceRow>();
    if (publicKeys.length === 0) return out;
    const rows = await this.#all<DeviceRecord>(
      'SELECT * FROM devices WHERE public_key = ANY(?) ORDER BY created_at, device_id',
      [[...new Set(publicKeys)]],
    );
    for (const r of rows) if (!out.has(r.public_key)) out.set(r.public_key, toDevice(r));
    return out;
  }

  async listMerchantWallets(limit: number): Promise<WalletRow[]> {
    return (
      await this.#all<WalletRecord>(
        'SELECT * FROM wallets WHERE merchant IS NOT NULL ORDER BY wallet_id LIMIT ?',
        [limit],
      )
    ).map(toWallet);
  }

  async updateDeviceCert(deviceId: string, cert: unknown): Promise<void> {
    await this.#all('UPDATE devices SET cert = ? WHERE device_id = ?', [JSON.stringify(cert), deviceId]);
  }

  async revokeDevice(deviceId: string, reason: string, at: number): Promise<void> {
    await this.#all(
      'UPDATE devices SET revoked_at = ?, revoked_reason = ? WHERE device_id = ? AND revoked_at IS NULL',
      [at, reason, deviceId],
    );
  }

  async listRevokedDevices(): Promise<string[]> {
    return (
      await this.#all<{ device_id: string }>(
        'SELECT device_id FROM devices WHERE revoked_at IS NOT NULL ORDER BY device_id',
      )
    ).map((r) => r.device_id);
  }

  // ---- bills ----

  async createBill(bill: BillRow): Promise<BillRow> {
    await this.#all(
      `INSERT INTO bills (wallet_id, bill_id, amount, payload, status, created_at, expires_at, paid_transfer_id, paid_by, paid_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (wallet_id, bill_id) DO NOTHING`,
      [
        bill.walletId,
        bill.billId,
        bill.amount,
        bill.payload,
        bill.status,
        bill.createdAt,
        bill.expiresAt,
        bill.paidTransferId,
        bill.paidBy,
        bill.paidAt,
      ],
    );
    return (await this.getBill(bill.walletId, bill.billId))!;
  }

  async getBill(walletId: string, billId: string): Promise<BillRow | null> {
    const r = await this.#get<BillRecord>('SELECT * FROM bills WHERE wallet_id = ? AND bill_id = ?', [
      walletId,
      billId,
    ]);
    return r ? toBill(r) : null;
  }

  // ---- red envelopes (postgres-red-envelopes.ts) ----

  createCampaign(row: CampaignRow, funding: LedgerTransfer[]): Promise<CreateOutcome<CampaignRow>> {
    return this.#red.createCampaign(row, funding);
  }

  getCampaign(campaignId: string): Promise<CampaignRow | null> {
    return this.#red.getCampaign(campaignId);
  }

  listCampaigns(): Promise<CampaignRow[]> {
    return this.#red.listCampaigns();
  }

  registerForCampaign(
    row: CampaignRegistrationRow,
    offlineTrialQuota: number,
  ): Promise<{ added: boolean; registration: CampaignRegistrationRow }> {
    return this.#red.register(row, offlineTrialQuota);
  }

  insertCampaignRegistrations(
    campaignId: string,
    rows: readonly Omit<CampaignRegistrationRow, 'campaignId'>[],
  ): Promise<number> {
    return this.#red.insertRegistrations(campaignId, rows);
  }

  getCampaignRegistration(campaignId: string, walletId: string): Promise<CampaignRegistrationRow | null> {
    return this.#red.getRegistration(campaignId, walletId);
  }

  countCampaignRegistrations(campaignId: string): Promise<{ total: number; offlineTrial: number }> {
    return this.#red.countRegistrations(campaignId);
  }

  campaignRegistrationIds(campaignId: string): Promise<string[]> {
    return this.#red.registrationIds(campaignId);
  }

  campaignRegistrationPage(campaignId: string, after: string | null, limit: number): Promise<string[]> {
    return this.#red.registrationPage(campaignId, after, limit);
  }

  recordCampaignDraw(campaignId: string, draw: CampaignDrawRecord): Promise<boolean> {
    return this.#red.recordDraw(campaignId, draw);
  }

  listCampaignWinners(campaignId: string, afterRank: number, limit: number): Promise<CampaignWinnerRow[]> {
    return this.#red.listWinners(campaignId, afterRank, limit);
  }

  getCampaignWinner(campaignId: string, walletId: string): Promise<CampaignWinnerRow | null> {
    return this.#red.getWinner(campaignId, walletId);
  }

  walletCampaignPrizes(walletId: string): Promise<CampaignWinnerRow[]> {
    return this.#red.walletPrizes(walletId);
  }

  claimCampaignPrizes(campaignId: string, claims: readonly CampaignClaim[]): Promise<ApplyOutcome[]> {
    return this.#red.claimPrizes(campaignId, claims);
  }

  campaignClaimStats(campaignId: string): Promise<CampaignClaimStats> {
    return this.#red.claimStats(campaignId);
  }

  campaignSpendStats(campaignId: string): Promise<CampaignSpendStats> {
    return this.#red.spendStats(campaignId);
  }

  addCampaignReclaimed(campaignId: string, amount: number, at: number): Promise<void> {
    return this.#red.addReclaimed(campaignId, amount, at);
  }

  createLuckyEnvelope(
    row: LuckyEnvelopeRow,
    funding: LedgerTransfer[],
  ): Promise<CreateOutcome<LuckyEnvelopeRow>> {
    return this.#red.createLuckyEnvelope(row, funding);
  }

  getLuckyEnvelope(envelopeId: string): Promise<LuckyEnvelopeRow | null> {
    return this.#red.getLuckyEnvelope(envelopeId);
  }

  listLuckyGrabs(envelopeId: string): Promise<LuckyGrabRow[]> {
    return this.#red.listLuckyGrabs(envelopeId);
  }

  grabLuckyShare(input: LuckyGrabInput): Promise<LuckyGrabOutcome> {
    return this.#red.grabLucky(input);
  }

  refundLuckyEnvelope(
    envelopeId: string,
    at: number,
    transfer: (remaining: number) => LedgerTransfer[],
  ): Promise<LuckyRefundOutcome> {
    return this.#red.refundLucky(envelopeId, at, transfer);
  }

  // ---- offline money (postgres-offline.ts) ----

  recordOfflineLoad(input: OfflineLoadInput): Promise<OfflineLoadOutcome> {
    return this.#offline.recordLoad(input);
  }

  getRootCoins(coinIds: readonly string[]): Promise<Map<string, RootCoinRow>> {
    return this.#offline.getRootCoins(coinIds);
  }

  getSpends(inputCoinIds: readonly string[]): Promise<Map<string, SpentRow>> {
    return this.#offline.getSpends(inputCoinIds);
  }

  getSpendHashes(
    inputCoinIds: readonly string[],
  ): Promise<Map<string, { hash: string; counterfeit: boolean }>> {
    return this.#offline.spendHashes(inputCoinIds);
  }

  recordSpends(input: RecordSpendsInput): Promise<RecordSpendsOutcome> {
    return this.#offline.recordSpends(input);
  }

  recordDeposit(input: DepositInput): Promise<DepositOutcome> {
    return this.#offline.recordDeposit(input);
  }

  getFraudCase(caseId: string): Promise<FraudCaseRow | null> {
    return this.#offline.getFraudCase(caseId);
  }

  fraudRecoveredTotal(): Promise<number> {
    return this.#offline.fraudRecoveredTotal();
  }

  listFraudCases(
    filter: { deviceId?: string; publicKey?: string; coinIds?: string[]; limit?: number } = {},
  ): Promise<FraudCaseRow[]> {
    return this.#offline.listFraudCases(filter);
  }

  spendOutputs(spend: SpendRef): Promise<OutputCoin[]> {
    return this.#offline.outputsOf(spend.spendHash);
  }

  getDepositOfCoin(coinId: string): Promise<DepositRow | null> {
    return this.#offline.depositOf(coinId);
  }

  offlineAuditFacts(): Promise<OfflineAuditFacts> {
    return this.#offline.auditFacts();
  }
}
