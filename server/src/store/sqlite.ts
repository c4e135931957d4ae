/**
 * SQLite store (better-sqlite3): WAL with synchronous=FULL so an
 * acknowledged write survives a crash. Concurrent callers' transfer groups
 * are committed together (group commit): each group is checked and applied
 * on its own inside one transaction per tick, and every caller is answered
 * only after that transaction is durable.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AccountSpec, Book } from '../ledger/accounts';
import { type AccountState, checkTransferFits, checkTransferShape, GroupRejected } from './ledger-checks';
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
import { OfflineSql } from './offline-sqlite';
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
import { RedEnvelopeSql } from './red-envelopes-sqlite';
import { type CheckpointerOptions, type CheckpointStats, WalCheckpointer } from './sqlite-checkpointer';
import type {
  AccountRow,
  ApplyOutcome,
  AuditRow,
  BillRow,
  DeviceRow,
  LedgerClaim,
  LedgerTransfer,
  Store,
  StoredTransfer,
  WalletRow,
} from './store';
import { deviceColumns, walletColumns } from './wallet-records';

interface TransferRecord {
  seq: number;
  id: string;
  group_id: string;
  debit: string;
  credit: string;
  amount: number;
  kind: string;
  meta: string | null;
  at: number;
  /** The debit account's previous transfer (its history chain, migration 12). */
  debit_prev: number | null;
  /** The credit account's previous transfer. */
  credit_prev: number | null;
}

interface AccountRecord {
  id: string;
  book: Book;
  kind: string;
  allow_negative: number;
  balance: number;
  /** The account's latest transfer, the head of its history chain (migration 12). */
  last_seq: number | null;
}

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

function toBill(r: BillRecord): BillRow {
  return {
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
  };
}

/** Statements for bills and used payment codes (prepared on first use). */
function prepareClaimStatements(db: Database.Database) {
  return {
    insertBill: db.prepare(
      `INSERT INTO bills (wallet_id, bill_id, amount, payload, status, created_at, expires_at, paid_transfer_id, paid_by, paid_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (wallet_id, bill_id) DO NOTHING`,
    ),
    getBill: db.prepare<[string, string], BillRecord>(
      'SELECT * FROM bills WHERE wallet_id = ? AND bill_id = ?',
    ),
    payBill: db.prepare(
      `UPDATE bills SET status = 'paid', paid_transfer_id = ?, paid_by = ?, paid_at = ?
       WHERE wallet_id = ? AND bill_id = ? AND status = 'open'`,
    ),
    useCode: db.prepare(
      'INSERT INTO payment_code_uses (code_id, wallet_id, transfer_id, used_at) VALUES (?, ?, ?, ?) ON CONFLICT (code_id) DO NOTHING',
    ),
  };
}
type ClaimStatements = ReturnType<typeof prepareClaimStatements>;

function toStored(r: TransferRecord): StoredTransfer {
  return {
    seq: r.seq,
    id: r.id,
    debit: r.debit,
    credit: r.credit,
    amount: r.amount,
    kind: r.kind,
    meta: r.meta ? (JSON.parse(r.meta) as Record<string, unknown>) : null,
    at: r.at,
  };
}

function toWallet(r: WalletRecord): WalletRow {
  return {
    walletId: r.wallet_id,
    operatorId: r.operator_id,
    displayName: r.display_name,
    tier: r.tier as WalletRow['tier'],
    phone: r.phone,
    region: r.region,
    resident: r.resident === 1,
    merchant: r.merchant ? (JSON.parse(r.merchant) as WalletRow['merchant']) : null,
    createdAt: r.created_at,
  };
}

function toDevice(r: DeviceRecord): DeviceRow {
  let cert: unknown;
  return {
    deviceId: r.device_id,
    walletId: r.wallet_id,
    publicKey: r.public_key,
    // Parsed when read: authenticating a request or a transfer needs only the key and the status.
    get cert() {
      cert ??= JSON.parse(r.cert);
      return cert;
    },
    revokedAt: r.revoked_at,
    revokedReason: r.revoked_reason,
    createdAt: r.created_at,
  };
}

export interface SqliteOptions {
  /** File path, or ':memory:' for a throwaway database. */
  path: string;
  /** 'FULL' (default) makes every acknowledged commit durable. */
  synchronous?: 'FULL' | 'NORMAL' | 'OFF';
  /**
   * Page size in bytes for a new database (SQLite's default 4096 otherwise; an existing
   * file keeps its own). Larger pages make a large in-memory database cheaper to commit to.
   */
  pageSize?: number;
  /** How often the write-ahead log of a file database is checkpointed off the event loop. */
  checkpoints?: Pick<CheckpointerOptions, 'intervalMs' | 'restartFrames'>;
  /** Syncs the write-ahead log's file to disk (node:fs's fsync; tests can hold it). */
  syncLog?: (fd: number, done: (err: Error | null) => void) => void;
}

/** Ledger commits of a SQLite store so far. */
export interface CommitStats {
  /** Groups of transfers applied (each accepted or refused on its own). */
  groups: number;
  /** Write transactions they were applied in. */
  commits: number;
  /** Syncs of the write-ahead log (one covers every commit made before it started). */
  syncs: number;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly db: Database.Database;
  #queue: { group: LedgerTransfer[]; resolve: (o: ApplyOutcome) => void; reject: (e: unknown) => void }[] =
    [];
  #scheduled = false;
  /** The write-ahead log, fsynced off the event loop after group commits (see #flush). */
  #walPath: string | undefined;
  readonly #walletCache = new Map<string, WalletRow>();
  /** Devices read by id (every signed transfer reads one); dropped whenever a device row changes. */
  readonly #deviceCache = new Map<string, DeviceRow>();
  #walFd: number | undefined;
  /** Checkpoints the write-ahead log of a file database off the event loop (see sqlite-checkpointer.ts). */
  #checkpointer: WalCheckpointer | undefined;
  #closing = false;
  readonly #syncLog: (fd: number, done: (err: Error | null) => void) => void;
  readonly #commitStats: CommitStats = { groups: 0, commits: 0, syncs: 0 };
  /** An fsync of the log is running; `#syncQueue` waits for the next one. */
  #syncing = false;
  /** Queued groups wait for the running fsync to end (see #flush). */
  #flushAfterSync = false;
  #syncQueue: ((err: Error | null) => void)[] = [];
  #syncWaiters: (() => void)[] = [];
  #nextSeq: number;
  readonly #stmts;
  readonly #applyGroupsTxn: (groups: LedgerTransfer[][]) => ApplyOutcome[];
  readonly #applyInline: (group: LedgerTransfer[]) => ApplyOutcome;

  constructor(options: SqliteOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.#syncLog = options.syncLog ?? fsync;
    if (options.pageSize) this.db.pragma(`page_size = ${Math.floor(options.pageSize)}`);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    if (options.path !== ':memory:' && (options.synchronous ?? 'FULL') === 'FULL') {
      this.#walPath = `${options.path}-wal`;
    }
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    // A page cache large enough to keep the hot indexes in memory (64 MiB).
    this.db.pragma('cache_size = -65536');
    this.#migrate();
    if (options.path !== ':memory:') {
      // This connection never checkpoints inside a commit; the worker does it (see sqlite-checkpointer.ts).
      this.db.pragma('wal_autocheckpoint = 0');
      // After a restart the log file is cut back to 64 MiB.
      this.db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
      this.#checkpointer = new WalCheckpointer({
        path: options.path,
        ...options.checkpoints,
        // Without the worker, this connection checkpoints inside its commits again (SQLite's default).
        onGone: () => {
          if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
        },
      });
    }
    const db = this.db;
    this.#stmts = {
      // Prepared once: db.pragma() prepares its statement on every call, twice per commit here.
      syncNormal: db.prepare('PRAGMA synchronous = NORMAL'),
      syncFull: db.prepare('PRAGMA synchronous = FULL'),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      insertMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING'),
      upsertMeta: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      insertAccount: db.prepare(
        'INSERT INTO accounts (id, book, kind, allow_negative, balance) VALUES (?, ?, ?, ?, 0) ON CONFLICT (id) DO NOTHING',
      ),
      getAccount: db.prepare<[string], AccountRecord>('SELECT * FROM accounts WHERE id = ?'),
      /** What a ledger group needs of an account, as [balance, allow_negative, last_seq] (no row object). */
      accountFigures: db
        .prepare<[string], [number, number, number | null]>(
          'SELECT balance, allow_negative, last_seq FROM accounts WHERE id = ?',
        )
        .raw(true),
      /** An account's balance moves and its history chain gains the transfer. */
      addBalance: db.prepare('UPDATE accounts SET balance = balance + ?, last_seq = ? WHERE id = ?'),
      transferAt: db.prepare<[number], TransferRecord>('SELECT * FROM transfers WHERE seq = ?'),
      getTransfer: db.prepare<[string], TransferRecord>('SELECT * FROM transfers WHERE id = ?'),
      /** Transfers from a sequence number on: a group's are consecutive from its first one. */
      transfersFrom: db.prepare<[number, number], TransferRecord>(
        'SELECT * FROM transfers WHERE seq >= ? ORDER BY seq LIMIT ?',
      ),
      insertTransfer: db.prepare(
        `INSERT INTO transfers (seq, id, group_id, debit, credit, amount, kind, meta, at, debit_prev, credit_prev)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      getDaily: db.prepare<[string, string], { total: number }>(
        'SELECT total FROM daily_totals WHERE key = ? AND day = ?',
      ),
      addDaily: db.prepare(
        'INSERT INTO daily_totals (key, day, total) VALUES (?, ?, ?) ON CONFLICT (key, day) DO UPDATE SET total = total + excluded.total',
      ),
      insertWallet: db.prepare(
        'INSERT INTO wallets (wallet_id, operator_id, display_name, tier, phone, region, resident, merchant, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      getWallet: db.prepare<[string], WalletRecord>('SELECT * FROM wallets WHERE wallet_id = ?'),
      insertDevice: db.prepare(
        'INSERT INTO devices (device_id, wallet_id, public_key, cert, revoked_at, revoked_reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      getDevice: db.prepare<[string], DeviceRecord>('SELECT * FROM devices WHERE device_id = ?'),
    };
    this.#nextSeq =
      (db.prepare<[], { m: number | null }>('SELECT MAX(seq) AS m FROM transfers').get()?.m ?? 0) + 1;
    const applyOne = db.transaction((group: LedgerTransfer[]) => this.#applyGroup(group));
    const applySafely = (group: LedgerTransfer[]): ApplyOutcome => {
      const seqBefore = this.#nextSeq;
      try {
        // A group is checked completely before anything is written, so a refusal leaves nothing to
        // undo; only a group with several claims (each a write that may refuse) needs a savepoint.
        let claims = 0;
        for (const t of group) if (t.claim) claims++;
        return claims > 1 ? applyOne(group) : this.#applyGroup(group);
      } catch (e) {
        this.#nextSeq = seqBefore;
        if (e instanceof GroupRejected)
          return { ok: false, code: e.code, message: e.message, index: e.index };
        throw e;
      }
    };
    this.#applyGroupsTxn = db.transaction((groups: LedgerTransfer[][]) => groups.map(applySafely));
    // For the feature stores: inside their own transaction a group needs no transaction of its own.
    this.#applyInline = (group) =>
      db.inTransaction ? applySafely(group) : this.#applyGroupsTxn([group])[0]!;
  }

  #migrate(): void {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)',
    );
    const done = new Set(
      this.db
        .prepare<[], { version: number }>('SELECT version FROM schema_version')
        .all()
        .map((r) => r.version),
    );
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      this.db.transaction(() => {
        for (const sql of migrationSql(m, 'sqlite')) this.db.exec(sql);
        this.db.prepare('INSERT INTO schema_version (version, name) VALUES (?, ?)').run(m.version, m.name);
      })();
    }
  }

  /** Checks then writes one group; throws GroupRejected (rolled back to the savepoint) when a check fails. */
  #applyGroup(group: LedgerTransfer[]): ApplyOutcome {
    const s = this.#stmts;
    const first = group[0];
    if (!first) throw new GroupRejected('EMPTY_GROUP', 'no transfers to apply', 0);
    const hit = s.getTransfer.get(first.id);
    if (hit && hit.group_id !== first.id) {
      throw new GroupRejected('IDEMPOTENCY_CONFLICT', `id ${first.id} was already used`, 0);
    }
    // A group is written in one go, so its transfers follow its first one (`hit`) in sequence order.
    const existing = hit
      ? s.transfersFrom.all(hit.seq, group.length + 1).filter((r) => r.group_id === first.id)
      : [];
    if (existing.length > 0) {
      const same =
        existing.length === group.length &&
        existing.every(
          (r, i) =>
            r.id === group[i]!.id &&
            r.debit === group[i]!.debit &&
            r.credit === group[i]!.credit &&
            r.amount === group[i]!.amount &&
            r.kind === group[i]!.kind,
        );
      if (!same) {
        throw new GroupRejected(
          'IDEMPOTENCY_CONFLICT',
          `id ${first.id} was already used for a different transfer`,
          0,
        );
      }
      return { ok: true, duplicate: true, transfers: existing.map(toStored) };
    }
    const balances = new Map<string, AccountState & { lastSeq: number | null }>();
    const account = (id: string, index: number) => {
      let a = balances.get(id);
      if (!a) {
        const row = s.accountFigures.get(id);
        if (!row) throw new GroupRejected('ACCOUNT_NOT_FOUND', `no account ${id}`, index);
        a = { balance: row[0], allowNegative: row[1] === 1, lastSeq: row[2] };
        balances.set(id, a);
      }
      return a;
    };
    const at = Date.now();
    // Phase 1: every check, against balances simulated in memory; nothing is written yet.
    group.forEach((t, index) => {
      checkTransferShape(t, index);
      if (index > 0 && s.getTransfer.get(t.id)) {
        throw new GroupRejected('IDEMPOTENCY_CONFLICT', `id ${t.id} was already used`, index);
      }
      const debit = account(t.debit, index);
      const credit = account(t.credit, index);
      checkTransferFits(
        t,
        index,
        debit,
        credit,
        () => s.getDaily.get(t.limits!.dailyKey!, t.limits!.day!)?.total ?? 0,
      );
      debit.balance -= t.amount;
      credit.balance += t.amount;
    });
    // Phase 2: claims (a bill marked paid, a payment code used), which may still refuse the group.
    group.forEach((t, index) => {
      if (t.claim) this.#takeClaim(t.claim, t, index, at);
    });
    // Phase 3: the writes.
    const stored: StoredTransfer[] = [];
    for (const t of group) {
      const seq = this.#nextSeq++;
      const meta = t.meta ? JSON.stringify(t.meta) : null;
      const debit = balances.get(t.debit)!;
      const credit = balances.get(t.credit)!;
      s.addBalance.run(-t.amount, seq, t.debit);
      s.addBalance.run(t.amount, seq, t.credit);
      s.insertTransfer.run(
        seq,
        t.id,
        first.id,
        t.debit,
        t.credit,
        t.amount,
        t.kind,
        meta,
        at,
        debit.lastSeq,
        credit.lastSeq,
      );
      debit.lastSeq = seq;
      credit.lastSeq = seq;
      if (t.limits?.dailyKey && t.limits.day) s.addDaily.run(t.limits.dailyKey, t.limits.day, t.amount);
      stored.push({
        seq,
        id: t.id,
        debit: t.debit,
        credit: t.credit,
        amount: t.amount,
        kind: t.kind,
        meta: t.meta ?? null,
        at,
      });
    }
    return { ok: true, duplicate: false, transfers: stored, balances };
  }

  #claimStmts?: ClaimStatements;

  get #claims() {
    this.#claimStmts ??= prepareClaimStatements(this.db);
    return this.#claimStmts;
  }

  /**
   * Takes a transfer's one-time claim inside the group's transaction (so a
   * rejection later in the group rolls it back with the transfers). Throws
   * GroupRejected when the claim is already taken or does not fit.
   */
  #takeClaim(claim: LedgerClaim, t: LedgerTransfer, index: number, at: number): void {
    const c = this.#claims;
    if (claim.kind === 'bill') {
      const bill = c.getBill.get(claim.walletId, claim.billId);
      if (!bill) throw new GroupRejected('BILL_NOT_FOUND', `no bill ${claim.billId}`, index);
      if (bill.status !== 'open')
        throw new GroupRejected('BILL_ALREADY_PAID', `bill ${claim.billId} is already paid`, index);
      if (bill.amount !== t.amount) {
        throw new GroupRejected(
          'QR_AMOUNT_MISMATCH',
          `bill ${claim.billId} is for ${bill.amount} fen, not ${t.amount}`,
          index,
        );
      }
      if (claim.now > bill.expires_at)
        throw new GroupRejected('BILL_EXPIRED', `bill ${claim.billId} has expired`, index);
      const changed = c.payBill.run(t.id, claim.payer, at, claim.walletId, claim.billId).changes;
      if (changed !== 1)
        throw new GroupRejected('BILL_ALREADY_PAID', `bill ${claim.billId} is already paid`, index);
      return;
    }
    const changed = c.useCode.run(claim.codeId, claim.walletId, t.id, at).changes;
    if (changed !== 1)
      throw new GroupRejected('PAYCODE_USED', `payment code ${claim.codeId} was already used`, index);
  }

  /**
   * Commits the queued groups. With synchronous=FULL on a file, the commit itself runs at NORMAL
   * (no fsync on the event loop) and the write-ahead log is then fsynced on libuv's thread pool;
   * callers are answered only once that fsync is done, so an acknowledged transfer is as durable as
   * with FULL while the event loop keeps serving requests during the flush to disk.
   */
  #flush(): void {
    const held = this.#heldByCheckpoint();
    if (held) {
      void held.then(() => this.#flush());
      return;
    }
    // While the log is being fsynced, groups wait for its end and then commit together: whatever
    // commits now would wait for the next fsync anyway, and one larger transaction writes each hot
    // page (accounts, the newest transfers) into the log once instead of once per commit.
    if (this.#syncing && !this.#closing) {
      this.#flushAfterSync = true;
      return;
    }
    this.#flushAfterSync = false;
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    let outcomes: ApplyOutcome[];
    this.#commitStats.groups += batch.length;
    this.#commitStats.commits++;
    try {
      outcomes = this.#commitUnsynced(() => this.#applyGroupsTxn(batch.map((b) => b.group)));
    } catch (e) {
      for (const b of batch) b.reject(e);
      return;
    }
    this.#afterSync((err) => {
      if (err) for (const b of batch) b.reject(err);
      else for (let i = 0; i < batch.length; i++) batch[i]!.resolve(outcomes[i]!);
    });
  }

  /** Runs a write transaction without fsyncing on the event loop when the WAL is synced off it (see #flush). */
  #commitUnsynced<T>(write: () => T): T {
    if (this.#walPath === undefined) return write();
    this.#stmts.syncNormal.run();
    try {
      return write();
    } finally {
      this.#stmts.syncFull.run();
      this.#checkpointer?.committed();
    }
  }

  /** Calls `done` once everything committed so far is on disk (at once without a WAL to sync). */
  #afterSync(done: (err: Error | null) => void): void {
    if (this.#walPath === undefined) {
      done(null);
      return;
    }
    if (this.#walFd === undefined) {
      try {
        this.#walFd = openSync(this.#walPath, 'r');
      } catch {
        // No log yet: nothing has ever been written, so there is nothing to make durable.
        done(null);
        return;
      }
    }
    // One fsync at a time: commits made while one runs wait for the next, which covers them all
    // (an fsync started before a commit does not), so under load the log is synced once per
    // fsync's duration instead of once per commit.
    this.#syncQueue.push(done);
    if (!this.#syncing) this.#syncNext();
  }

  #syncNext(): void {
    const waiting = this.#syncQueue;
    this.#syncQueue = [];
    this.#syncing = true;
    this.#commitStats.syncs++;
    this.#syncLog(this.#walFd!, (err) => {
      this.#syncing = false;
      for (const done of waiting) done(err);
      if (this.#flushAfterSync) {
        this.#flushAfterSync = false;
        this.#flush(); // commits, and its #afterSync starts the next fsync
      }
      if (this.#syncing) return;
      if (this.#syncQueue.length > 0) this.#syncNext();
      else for (const waiter of this.#syncWaiters.splice(0)) waiter();
    });
  }

  /** A write transaction acknowledged once durable, like ledger groups (commit, then fsync off the loop). */
  async #durably<T>(write: () => T): Promise<T> {
    const held = this.#heldByCheckpoint();
    if (held) await held;
    const result = this.#commitUnsynced(write);
    return new Promise((resolve, reject) => this.#afterSync((err) => (err ? reject(err) : resolve(result))));
  }

  /**
   * When the log is long, commits wait for a checkpoint with no writer, after which the first
   * commit restarts the log (see sqlite-checkpointer.ts): the promise of its end, or null when a
   * commit may go ahead now.
   */
  #heldByCheckpoint(): Promise<void> | null {
    const checkpointer = this.#checkpointer;
    if (!checkpointer || this.#closing || !(checkpointer.holding || checkpointer.wantsHold)) return null;
    if (!checkpointer.holding) checkpointer.hold();
    return checkpointer.released();
  }

  /** The ledger's group commits so far: groups, transactions, syncs of the log. */
  get commits(): CommitStats {
    return { ...this.#commitStats };
  }

  /** The write-ahead log's checkpoints so far (undefined for an in-memory database). */
  get checkpoints(): CheckpointStats | undefined {
    return this.#checkpointer?.stats;
  }

  /** Resolves when no checkpoint is running or waiting to run (whatever was committed is back-filled). */
  async checkpointed(): Promise<void> {
    await this.#checkpointer?.idle();
  }

  async close(): Promise<void> {
    this.#closing = true;
    await this.#checkpointer?.idle();
    if (this.#queue.length) this.#flush();
    if (this.#syncing) await new Promise<void>((done) => this.#syncWaiters.push(done));
    await this.#checkpointer?.close();
    this.#checkpointer = undefined;
    this.db.close();
    if (this.#walFd !== undefined) closeSync(this.#walFd);
    this.#walFd = undefined;
    this.#walPath = undefined;
  }

  async getMeta(key: string): Promise<string | null> {
    return this.#stmts.getMeta.get(key)?.value ?? null;
  }

  async setMetaIfAbsent(key: string, value: string): Promise<string> {
    this.#stmts.insertMeta.run(key, value);
    return this.#stmts.getMeta.get(key)!.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.#stmts.upsertMeta.run(key, value);
  }

  async ensureAccounts(accounts: AccountSpec[]): Promise<void> {
    this.db.transaction(() => {
      for (const a of accounts) this.#stmts.insertAccount.run(a.id, a.book, a.kind, a.allowNegative ? 1 : 0);
    })();
  }

  applyTransfers(group: LedgerTransfer[]): Promise<ApplyOutcome> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ group, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Through the group-commit queue, so a batch shares the transaction and the off-loop fsync. */
  applyMany(groups: LedgerTransfer[][]): Promise<ApplyOutcome[]> {
    return Promise.all(groups.map((group) => this.applyTransfers(group)));
  }

  async getTransfer(id: string): Promise<StoredTransfer | null> {
    const r = this.#stmts.getTransfer.get(id);
    return r ? toStored(r) : null;
  }

  async getBalance(accountId: string): Promise<number | null> {
    return this.#stmts.getAccount.get(accountId)?.balance ?? null;
  }

  async getDailyTotal(dailyKey: string, day: string): Promise<number> {
    return this.#stmts.getDaily.get(dailyKey, day)?.total ?? 0;
  }

  async accountTransfers(accountId: string, limit: number): Promise<StoredTransfer[]> {
    // Newest first, along the account's chain of sequence numbers.
    const s = this.#stmts;
    const out: StoredTransfer[] = [];
    let seq = s.getAccount.get(accountId)?.last_seq ?? null;
    while (seq !== null && out.length < limit) {
      const row = s.transferAt.get(seq);
      if (!row) throw new Error(`the history of ${accountId} names transfer ${seq}, which is missing`);
      out.push(toStored(row));
      seq = row.debit === accountId ? row.debit_prev : row.credit_prev;
    }
    return out;
  }

  async listAccounts(): Promise<AccountRow[]> {
    return this.db
      .prepare<[], AccountRecord>('SELECT * FROM accounts ORDER BY id')
      .all()
      .map((r) => ({
        id: r.id,
        book: r.book,
        kind: r.kind,
        allowNegative: r.allow_negative === 1,
        balance: r.balance,
      }));
  }

  async auditRows(): Promise<{
    rows: AuditRow[];
    transfers: number;
    lastSeq: number;
    historyBreaks: string[];
  }> {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare<[], AccountRecord & { computed: number }>(
          `SELECT a.*, COALESCE(c.total, 0) - COALESCE(d.total, 0) AS computed
           FROM accounts a
           LEFT JOIN (SELECT credit AS id, SUM(amount) AS total FROM transfers GROUP BY credit) c ON c.id = a.id
           LEFT JOIN (SELECT debit AS id, SUM(amount) AS total FROM transfers GROUP BY debit) d ON d.id = a.id
           ORDER BY a.id`,
        )
        .all()
        .map((r) => ({
          id: r.id,
          book: r.book,
          kind: r.kind,
          allowNegative: r.allow_negative === 1,
          balance: r.balance,
          computed: r.computed,
        }));
      const stats = this.db
        .prepare<[], { n: number; last: number | null }>(
          'SELECT COUNT(*) AS n, MAX(seq) AS last FROM transfers',
        )
        .get()!;
      // Each transfer's link in the chain of its debit and of its credit account must be the
      // account's previous transfer, and each account's head its latest one.
      const historyBreaks = this.db
        .prepare<[], string>(
          `WITH touches AS (
             SELECT debit AS account, seq, debit_prev AS prev FROM transfers
             UNION ALL SELECT credit, seq, credit_prev FROM transfers),
           links AS (
             SELECT account, prev, LAG(seq) OVER (PARTITION BY account ORDER BY seq) AS expected FROM touches)
           SELECT account FROM links WHERE prev IS NOT expected
           UNION
           SELECT a.id FROM accounts a
             LEFT JOIN (SELECT account, MAX(seq) AS latest FROM touches GROUP BY account) t ON t.account = a.id
             WHERE a.last_seq IS NOT t.latest
           ORDER BY 1`,
        )
        .pluck()
        .all();
      return { rows, transfers: stats.n, lastSeq: stats.last ?? 0, historyBreaks };
    })();
  }

  async ledgerDigest(): Promise<string> {
    const hash = createHash('sha256');
    for (const r of this.db.prepare<[], AccountRecord>('SELECT * FROM accounts ORDER BY id').iterate()) {
      hash.update(`${r.id}\t${r.balance}\n`);
    }
    for (const r of this.db.prepare<[], TransferRecord>('SELECT * FROM transfers ORDER BY seq').iterate()) {
      hash.update(`${r.seq}\t${r.id}\t${r.debit}\t${r.credit}\t${r.amount}\n`);
    }
    return hash.digest('hex');
  }

  async insertWallet(wallet: WalletRow, device: DeviceRow): Promise<void> {
    await this.insertWallets([{ wallet, device }]);
  }

  /** Many wallets with their first devices in one transaction (bulk onboarding). */
  async insertWallets(entries: readonly { wallet: WalletRow; device: DeviceRow }[]): Promise<void> {
    this.db.transaction(() => {
      for (const { wallet, device } of entries) {
        this.#stmts.insertWallet.run(...walletColumns(wallet));
        this.#stmts.insertDevice.run(...deviceColumns(device));
      }
    })();
  }

  async getWallet(walletId: string): Promise<WalletRow | null> {
    return this.#wallet(walletId);
  }

  async getWallets(walletIds: readonly string[]): Promise<Map<string, WalletRow>> {
    return this.#byId(walletIds, (id) => this.#wallet(id));
  }

  #wallet(walletId: string): WalletRow | null {
    // Wallet rows change only through updateWallet, which drops them from this cache.
    const cached = this.#walletCache.get(walletId);
    if (cached) return cached;
    const r = this.#stmts.getWallet.get(walletId);
    if (!r) return null;
    const wallet = toWallet(r);
    if (this.#walletCache.size >= 100_000) this.#walletCache.clear();
    this.#walletCache.set(walletId, wallet);
    return wallet;
  }

  /** The rows found for `ids`, by id (each id read once). */
  #byId<T>(ids: readonly string[], read: (id: string) => T | null): Map<string, T> {
    const out = new Map<string, T>();
    for (const id of ids) {
      if (out.has(id)) continue;
      const row = read(id);
      if (row) out.set(id, row);
    }
    return out;
  }

  async updateWallet(
    walletId: string,
    patch: Partial<Pick<WalletRow, 'tier' | 'merchant' | 'displayName'>>,
  ): Promise<void> {
    this.#walletCache.delete(walletId);
    if (patch.tier !== undefined)
      this.db.prepare('UPDATE wallets SET tier = ? WHERE wallet_id = ?').run(patch.tier, walletId);
    if (patch.merchant !== undefined) {
      this.db
        .prepare('UPDATE wallets SET merchant = ? WHERE wallet_id = ?')
        .run(patch.merchant ? JSON.stringify(patch.merchant) : null, walletId);
    }
    if (patch.displayName !== undefined) {
      this.db
        .prepare('UPDATE wallets SET display_name = ? WHERE wallet_id = ?')
        .run(patch.displayName, walletId);
    }
  }

  async listWallets(): Promise<WalletRow[]> {
    return this.db.prepare<[], WalletRecord>('SELECT * FROM wallets ORDER BY created_at').all().map(toWallet);
  }

  async getDevice(deviceId: string): Promise<DeviceRow | null> {
    return this.#device(deviceId);
  }

  async getDevices(deviceIds: readonly string[]): Promise<Map<string, DeviceRow>> {
    return this.#byId(deviceIds, (id) => this.#device(id));
  }

  #device(deviceId: string): DeviceRow | null {
    const cached = this.#deviceCache.get(deviceId);
    if (cached) return cached;
    const r = this.#stmts.getDevice.get(deviceId);
    if (!r) return null;
    const device = toDevice(r);
    if (this.#deviceCache.size >= 100_000) this.#deviceCache.clear();
    this.#deviceCache.set(deviceId, device);
    return device;
  }

  async getDevicesByPublicKeys(publicKeys: readonly string[]): Promise<Map<string, DeviceRow>> {
    const out = new Map<string, DeviceRow>();
    const stmt = this.db.prepare<[string], DeviceRecord>(
      'SELECT * FROM devices WHERE public_key = ? ORDER BY created_at, device_id LIMIT 1',
    );
    for (const key of new Set(publicKeys)) {
      const r = stmt.get(key);
      if (r) out.set(key, toDevice(r));
    }
    return out;
  }

  async listMerchantWallets(limit: number): Promise<WalletRow[]> {
    return this.db
      .prepare<[number], WalletRecord>(
        'SELECT * FROM wallets WHERE merchant IS NOT NULL ORDER BY wallet_id LIMIT ?',
      )
      .all(limit)
      .map(toWallet);
  }

  async updateDeviceCert(deviceId: string, cert: unknown): Promise<void> {
    this.#deviceCache.delete(deviceId);
    this.db.prepare('UPDATE devices SET cert = ? WHERE device_id = ?').run(JSON.stringify(cert), deviceId);
  }

  async revokeDevice(deviceId: string, reason: string, at: number): Promise<void> {
    this.#deviceCache.delete(deviceId);
    this.db
      .prepare(
        'UPDATE devices SET revoked_at = ?, revoked_reason = ? WHERE device_id = ? AND revoked_at IS NULL',
      )
      .run(at, reason, deviceId);
  }

  async createBill(bill: BillRow): Promise<BillRow> {
    const c = this.#claims;
    c.insertBill.run(
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
    );
    return toBill(c.getBill.get(bill.walletId, bill.billId)!);
  }

  async getBill(walletId: string, billId: string): Promise<BillRow | null> {
    const r = this.#claims.getBill.get(walletId, billId);
    return r ? toBill(r) : null;
  }

  async listRevokedDevices(): Promise<string[]> {
    return this.db
      .prepare<[], { device_id: string }>(
        'SELECT device_id FROM devices WHERE revoked_at IS NOT NULL ORDER BY device_id',
      )
      .all()
      .map((r) => r.device_id);
  }

  // Red envelopes: campaigns and group lucky money (see red-envelopes-sqlite.ts).

  #redEnvelopeSql?: RedEnvelopeSql;

  get #red(): RedEnvelopeSql {
    this.#redEnvelopeSql ??= new RedEnvelopeSql(this.db, this.#applyInline);
    return this.#redEnvelopeSql;
  }

  async createCampaign(row: CampaignRow, funding: LedgerTransfer[]): Promise<CreateOutcome<CampaignRow>> {
    return this.#red.createCampaign(row, funding);
  }

  async getCampaign(campaignId: string): Promise<CampaignRow | null> {
    return this.#red.getCampaign(campaignId);
  }

  async listCampaigns(): Promise<CampaignRow[]> {
    return this.#red.listCampaigns();
  }

  async registerForCampaign(
    row: CampaignRegistrationRow,
    offlineTrialQuota: number,
  ): Promise<{ added: boolean; registration: CampaignRegistrationRow }> {
    return this.#red.register(row, offlineTrialQuota);
  }

  async insertCampaignRegistrations(
    campaignId: string,
    rows: readonly Omit<CampaignRegistrationRow, 'campaignId'>[],
  ): Promise<number> {
    return this.#red.insertRegistrations(campaignId, rows);
  }

  async getCampaignRegistration(
    campaignId: string,
    walletId: string,
  ): Promise<CampaignRegistrationRow | null> {
    return this.#red.getRegistration(campaignId, walletId);
  }

  async countCampaignRegistrations(campaignId: string): Promise<{ total: number; offlineTrial: number }> {
    return this.#red.countRegistrations(campaignId);
  }

  async campaignRegistrationIds(campaignId: string): Promise<string[]> {
    return this.#red.registrationIds(campaignId);
  }

  async campaignRegistrationPage(campaignId: string, after: string | null, limit: number): Promise<string[]> {
    return this.#red.registrationPage(campaignId, after, limit);
  }

  async recordCampaignDraw(campaignId: string, draw: CampaignDrawRecord): Promise<boolean> {
    return this.#red.recordDraw(campaignId, draw);
  }

  async listCampaignWinners(
    campaignId: string,
    afterRank: number,
    limit: number,
  ): Promise<CampaignWinnerRow[]> {
    return this.#red.listWinners(campaignId, afterRank, limit);
  }

  async getCampaignWinner(campaignId: string, walletId: string): Promise<CampaignWinnerRow | null> {
    return this.#red.getWinner(campaignId, walletId);
  }

  async walletCampaignPrizes(walletId: string): Promise<CampaignWinnerRow[]> {
    return this.#red.walletPrizes(walletId);
  }

  async claimCampaignPrizes(campaignId: string, claims: readonly CampaignClaim[]): Promise<ApplyOutcome[]> {
    return this.#red.claimPrizes(campaignId, claims);
  }

  async campaignClaimStats(campaignId: string): Promise<CampaignClaimStats> {
    return this.#red.claimStats(campaignId);
  }

  async campaignSpendStats(campaignId: string): Promise<CampaignSpendStats> {
    return this.#red.spendStats(campaignId);
  }

  async addCampaignReclaimed(campaignId: string, amount: number, at: number): Promise<void> {
    this.#red.addReclaimed(campaignId, amount, at);
  }

  async createLuckyEnvelope(
    row: LuckyEnvelopeRow,
    funding: LedgerTransfer[],
  ): Promise<CreateOutcome<LuckyEnvelopeRow>> {
    return this.#red.createLuckyEnvelope(row, funding);
  }

  async getLuckyEnvelope(envelopeId: string): Promise<LuckyEnvelopeRow | null> {
    return this.#red.getLuckyEnvelope(envelopeId);
  }

  async listLuckyGrabs(envelopeId: string): Promise<LuckyGrabRow[]> {
    return this.#red.listLuckyGrabs(envelopeId);
  }

  grabLuckyShare(input: LuckyGrabInput): Promise<LuckyGrabOutcome> {
    return this.#red.grabLucky(input);
  }

  async refundLuckyEnvelope(
    envelopeId: string,
    at: number,
    transfer: (remaining: number) => LedgerTransfer[],
  ): Promise<LuckyRefundOutcome> {
    return this.#red.refundLucky(envelopeId, at, transfer);
  }

  // Offline money: root coins, the spent set, fraud cases, deposits (see offline-sqlite.ts).

  #offlineSql?: OfflineSql;

  get #offline(): OfflineSql {
    this.#offlineSql ??= new OfflineSql(this.db, this.#applyInline);
    return this.#offlineSql;
  }

  async recordOfflineLoad(input: OfflineLoadInput): Promise<OfflineLoadOutcome> {
    return this.#offline.recordLoad(input);
  }

  async getRootCoins(coinIds: readonly string[]): Promise<Map<string, RootCoinRow>> {
    return this.#offline.getRootCoins(coinIds);
  }

  async getSpends(inputCoinIds: readonly string[]): Promise<Map<string, SpentRow>> {
    return this.#offline.getSpends(inputCoinIds);
  }

  async getSpendHashes(
    inputCoinIds: readonly string[],
  ): Promise<Map<string, { hash: string; counterfeit: boolean }>> {
    return this.#offline.spendHashes(inputCoinIds);
  }

  async recordSpends(input: RecordSpendsInput): Promise<RecordSpendsOutcome> {
    const outcome = await this.#durably(() => this.#offline.recordSpends(input));
    // A fraud case opened here revoked its culprit's device.
    for (const opened of outcome.opened) this.#deviceCache.delete(opened.culpritDeviceId);
    return outcome;
  }

  async recordDeposit(input: DepositInput): Promise<DepositOutcome> {
    const outcome = this.#offline.recordDeposit(input);
    // A deposit that turns out to be a double spend opens a case and revokes the culprit's device.
    if (outcome.status === 'double_spend' && outcome.opened)
      this.#deviceCache.delete(outcome.opened.culpritDeviceId);
    return outcome;
  }

  async getFraudCase(caseId: string): Promise<FraudCaseRow | null> {
    return this.#offline.getFraudCase(caseId);
  }

  async fraudRecoveredTotal(): Promise<number> {
    return this.#offline.fraudRecoveredTotal();
  }

  async listFraudCases(
    filter: { deviceId?: string; publicKey?: string; coinIds?: string[]; limit?: number } = {},
  ): Promise<FraudCaseRow[]> {
    return this.#offline.listFraudCases(filter);
  }

  async spendOutputs(spend: SpendRef): Promise<OutputCoin[]> {
    return this.#offline.outputsOf(spend);
  }

  async getDepositOfCoin(coinId: string): Promise<DepositRow | null> {
    return this.#offline.depositOf(coinId);
  }

  async offlineAuditFacts(): Promise<OfflineAuditFacts> {
    return this.#offline.auditFacts();
  }
}
