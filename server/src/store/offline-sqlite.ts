/**
 * SQLite side of offline money, used by `SqliteStore`: root coins issued at
 * load, the spent set, the coins spends produced, fraud cases and deposits.
 * Every operation that moves money writes its rows and its ledger group in
 * one transaction (the group goes through the store's own group logic,
 * inside that transaction). The spent-set check-and-insert, the fraud case it
 * may open, the culprit's revocation and the recovery from the culprit are
 * one transaction too.
 */
import { MAX_SPEND_OUTPUTS } from '@ecny-sim/wallet-core';
import type Database from 'better-sqlite3';
import { fastOutputCoinIds } from '../offline/hashing';
import {
  type CaseRecord,
  type CoinRecord,
  type DepositRecord,
  fraudCaseId,
  type LoadRecord,
  type SpendRecord,
  toCase,
  toCoin,
  toDeposit,
  toLoad,
  toSpent,
} from './offline-records';
import type {
  DepositInput,
  DepositOutcome,
  DepositRow,
  FraudCaseRow,
  LinkOutcome,
  OfflineAuditFacts,
  OfflineLoadInput,
  OfflineLoadOutcome,
  OutputCoin,
  RecordSpendsInput,
  RecordSpendsOutcome,
  RootCoinRow,
  SpendCandidate,
  SpendPolicy,
  SpendRef,
  SpentRow,
} from './offline-rows';
import { DEPOSIT_REFERENCE } from './offline-rows';
import type { ApplyOutcome, LedgerTransfer } from './store';

type ApplyInTxn = (group: LedgerTransfer[]) => ApplyOutcome;

export class OfflineSql {
  readonly #s;

  constructor(
    readonly db: Database.Database,
    readonly applyGroup: ApplyInTxn,
  ) {
    this.#s = {
      getLoad: db.prepare<[string, string], LoadRecord>(
        'SELECT * FROM offline_loads WHERE wallet_id = ? AND request_id = ?',
      ),
      insertLoad: db.prepare(
        'INSERT INTO offline_loads (wallet_id, request_id, device_id, operator_id, amount, transfer_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      insertCoin: db.prepare(
        `INSERT INTO offline_coins (coin_id, operator_id, wallet_id, device_id, owner, amount, expires_at, max_hops, issue, load_request_id, issued_at, campaign_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      coinsOfLoad: db.prepare<[string, string], CoinRecord>(
        'SELECT * FROM offline_coins WHERE wallet_id = ? AND load_request_id = ? ORDER BY rowid',
      ),
      getCoin: db.prepare<[string], CoinRecord>('SELECT * FROM offline_coins WHERE coin_id = ?'),
      liveRoots: db.prepare<[string], { total: number | null }>(
        `SELECT SUM(c.amount) AS total FROM offline_coins c
         WHERE c.owner = ? AND NOT EXISTS (SELECT 1 FROM offline_spends s WHERE s.input_coin_id = c.coin_id)`,
      ),
      /** Genuine received coins a key holds, unspent per the spent set (kept by #hold). */
      liveOutputs: db.prepare<[string], { total: number | null }>(
        'SELECT amount AS total FROM offline_holdings WHERE owner = ?',
      ),
      hold: [1, 2, 3].map((n) =>
        db.prepare(
          `INSERT INTO offline_holdings (owner, amount) VALUES ${Array.from({ length: n }, () => '(?, ?)').join(', ')}
           ON CONFLICT (owner) DO UPDATE SET amount = amount + excluded.amount`,
        ),
      ),
      getSpend: db.prepare<[string], SpendRecord>('SELECT * FROM offline_spends WHERE input_coin_id = ?'),
      insertSpend: db.prepare(
        `INSERT INTO offline_spends (input_coin_id, spend_hash, spend, root_coin_id, operator_id, hop, amount, signer_device_id, signer_wallet_id, counterfeit, to_issuer, uploader, first_seen_at, input_owner)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      /** The spend of a coin not spent yet; no change when the coin's spend is already recorded. */
      insertNewSpend: db.prepare(
        `INSERT INTO offline_spends (input_coin_id, spend_hash, spend, root_coin_id, operator_id, hop, amount, signer_device_id, signer_wallet_id, counterfeit, to_issuer, uploader, first_seen_at, input_owner)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (input_coin_id) DO NOTHING`,
      ),
      /** A coin of a losing spend (the only outputs with rows of their own). */
      insertOutput: db.prepare(
        `INSERT INTO offline_outputs (coin_id, spend_hash, idx, owner, amount, counterfeit, to_issuer)
         VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (coin_id) DO NOTHING`,
      ),
      getOutput: db.prepare<[string], { counterfeit: number }>(
        'SELECT counterfeit FROM offline_outputs WHERE coin_id = ?',
      ),
      getCaseByKey: db.prepare<[string, string], CaseRecord>(
        'SELECT * FROM fraud_cases WHERE coin_id = ? AND second_hash = ?',
      ),
      getCase: db.prepare<[string], CaseRecord>('SELECT * FROM fraud_cases WHERE case_id = ?'),
      insertCase: db.prepare(
        `INSERT INTO fraud_cases (case_id, coin_id, root_coin_id, operator_id, amount, culprit_device_id, culprit_wallet_id, first_hash, second_hash, proof, losing_outputs, first_payee, second_payee, reported_by, recovered, recovery_transfer_id, detected_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      revoke: db.prepare(
        'UPDATE devices SET revoked_at = ?, revoked_reason = ? WHERE device_id = ? AND revoked_at IS NULL',
      ),
      balance: db.prepare<[string], { balance: number }>('SELECT balance FROM accounts WHERE id = ?'),
      getDeposit: db.prepare<[string], DepositRecord>('SELECT * FROM offline_deposits WHERE spend_hash = ?'),
      insertDeposit: db.prepare(
        `INSERT INTO offline_deposits (spend_hash, coin_id, wallet_id, device_id, request_id, operator_id, amount, kind, transfer_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  // ---- load ----

  recordLoad(input: OfflineLoadInput): OfflineLoadOutcome {
    const s = this.#s;
    const run = this.db.transaction((): OfflineLoadOutcome => {
      const { load } = input;
      const existing = s.getLoad.get(load.walletId, load.requestId);
      if (existing) {
        if (existing.amount !== load.amount || existing.device_id !== load.deviceId) {
          return {
            ok: false,
            code: 'IDEMPOTENCY_CONFLICT',
            message: `load ${load.requestId} was already used for another load`,
          };
        }
        return {
          ok: true,
          duplicate: true,
          load: toLoad(existing),
          coins: s.coinsOfLoad.all(load.walletId, load.requestId).map(toCoin),
        };
      }
      const held =
        (s.liveRoots.get(input.cap.owner)?.total ?? 0) + (s.liveOutputs.get(input.cap.owner)?.total ?? 0);
      if (held + load.amount > input.cap.max) {
        return {
          ok: false,
          code: 'LIMIT_OFFLINE_BALANCE',
          message: `the device holds ${held} fen offline; loading ${load.amount} more would exceed its cap of ${input.cap.max} fen`,
        };
      }
      const outcome = this.applyGroup(input.group);
      if (!outcome.ok) return { ok: false, code: outcome.code, message: outcome.message };
      s.insertLoad.run(
        load.walletId,
        load.requestId,
        load.deviceId,
        load.operatorId,
        load.amount,
        load.transferId,
        load.createdAt,
      );
      for (const c of input.coins) {
        s.insertCoin.run(
          c.coinId,
          c.operatorId,
          c.walletId,
          c.deviceId,
          c.owner,
          c.amount,
          c.expiresAt,
          c.maxHops,
          c.issueJson,
          c.loadRequestId,
          c.issuedAt,
          c.campaignId ?? null,
        );
      }
      return { ok: true, duplicate: false, load, coins: input.coins };
    });
    return run();
  }

  getRootCoins(ids: readonly string[]): Map<string, RootCoinRow> {
    const out = new Map<string, RootCoinRow>();
    for (const id of ids) {
      if (out.has(id)) continue;
      const r = this.#s.getCoin.get(id);
      if (r) out.set(id, toCoin(r));
    }
    return out;
  }

  getSpends(inputCoinIds: readonly string[]): Map<string, SpentRow> {
    const out = new Map<string, SpentRow>();
    for (const id of inputCoinIds) {
      if (out.has(id)) continue;
      const r = this.#s.getSpend.get(id);
      if (r) out.set(id, toSpent(r));
    }
    return out;
  }

  /** Only the hash and the counterfeit flag of the spend of each coin (the fast path of re-uploads). */
  spendHashes(inputCoinIds: readonly string[]): Map<string, { hash: string; counterfeit: boolean }> {
    const out = new Map<string, { hash: string; counterfeit: boolean }>();
    const stmt = this.#hashStmt;
    for (const id of inputCoinIds) {
      const r = stmt.get(id);
      if (r) out.set(id, { hash: r.spend_hash, counterfeit: r.counterfeit === 1 });
    }
    return out;
  }

  #hashStmtCache?: Database.Statement<[string], { spend_hash: string; counterfeit: number }>;
  get #hashStmt() {
    this.#hashStmtCache ??= this.db.prepare<[string], { spend_hash: string; counterfeit: number }>(
      'SELECT spend_hash, counterfeit FROM offline_spends WHERE input_coin_id = ?',
    );
    return this.#hashStmtCache;
  }

  // ---- the spent set ----

  /** The columns of a spent-set row, in the order of the insert statements. */
  #spendRow(c: SpendCandidate, counterfeit: boolean, uploader: string, at: number) {
    return [
      c.inputCoinId,
      c.spendHash,
      c.spendJson,
      c.rootCoinId,
      c.operatorId,
      c.hop,
      c.amount,
      c.signerDeviceId,
      c.signerWalletId,
      counterfeit ? 1 : 0,
      c.toIssuer,
      uploader,
      at,
      c.inputOwner,
    ] as const;
  }

  /**
   * Records the spend `c` (its coin's first). Its outputs are read from the signed spend in its row
   * (their ids derive from its hash); a genuine spend moves holdings: the spent coin, when it was a
   * received one (past the first hop, not a root coin), leaves its owner's, the outputs join their
   * owners'.
   */
  #insertSpend(c: SpendCandidate, counterfeit: boolean, uploader: string, at: number) {
    this.#s.insertSpend.run(...this.#spendRow(c, counterfeit, uploader, at));
    if (!counterfeit) this.#hold(c);
  }

  /** Records `c` unless its coin's spend is already recorded; true when recorded. */
  #insertNewSpend(c: SpendCandidate, counterfeit: boolean, uploader: string, at: number): boolean {
    const inserted = this.#s.insertNewSpend.run(...this.#spendRow(c, counterfeit, uploader, at)).changes;
    if (inserted === 0) return false;
    if (!counterfeit) this.#hold(c);
    return true;
  }

  /** Holdings moved within the current write, by key, written once at its end (#writeHeld). */
  #held = new Map<string, number>();

  /** The holdings a genuine spend moves (see #insertSpend). */
  #hold(c: SpendCandidate): void {
    const held = this.#held;
    if (c.hop > 1) held.set(c.inputOwner, (held.get(c.inputOwner) ?? 0) - c.amount);
    for (const o of c.outputs) held.set(o.owner, (held.get(o.owner) ?? 0) + o.amount);
  }

  /** Runs `write` in a transaction, with the holdings it moved written before it commits. */
  #withHoldings<T>(write: () => T): T {
    return this.db.transaction((): T => {
      this.#held.clear();
      const result = write();
      const args: (string | number)[] = [];
      for (const [owner, delta] of this.#held) if (delta !== 0) args.push(owner, delta);
      this.#held.clear();
      for (let i = 0; i < args.length; i += 6) {
        const part = args.slice(i, i + 6);
        this.#s.hold[part.length / 2 - 1]!.run(...part);
      }
      return result;
    })();
  }

  /** The coins of a losing spend `c` (no row of its own: its coin's row is the first spend's). */
  #insertLosingOutputs(c: SpendCandidate): void {
    c.outputs.forEach((o, i) => {
      this.#s.insertOutput.run(o.coinId, c.spendHash, i, o.owner, o.amount, o.toIssuer ? 1 : 0);
    });
  }

  /**
   * A received coin: `{ counterfeit }` when the spent set knows it, else null. A losing spend's coin
   * has a row of its own; any other is an output of the recorded spend `parent`.
   */
  #receivedCoin(coinId: string, parent: DepositInput['parent']): { counterfeit: boolean } | null {
    const losing = this.#s.getOutput.get(coinId);
    if (losing) return { counterfeit: losing.counterfeit === 1 };
    if (!parent) return null;
    const row = this.#s.getSpend.get(parent.inputCoinId);
    if (!row || row.spend_hash !== parent.spendHash) return null;
    const ids = fastOutputCoinIds(Buffer.from(row.spend_hash, 'base64url'), MAX_SPEND_OUTPUTS);
    return ids.includes(coinId) ? { counterfeit: row.counterfeit === 1 } : null;
  }

  /** A different spend `c` of a coin whose first spend is `first`: finds or opens the case. */
  #conflict(
    c: SpendCandidate,
    first: SpendRecord,
    uploader: string,
    at: number,
    policy: SpendPolicy,
  ): { caseId: string; opened: FraudCaseRow | null } {
    const s = this.#s;
    const known = s.getCaseByKey.get(c.inputCoinId, c.spendHash);
    // The losing branch's coins exist (as counterfeit) so their later spends are tracked too.
    this.#insertLosingOutputs(c);
    if (known) return { caseId: known.case_id, opened: null };
    const caseId = fraudCaseId(c.inputCoinId, c.spendHash);
    const { coinJson, culpritJson } = c.proof();
    const firstSpend = JSON.parse(first.spend) as { outputs: OutputCoin[] };
    const proofJson = `{"coin":${coinJson},"culprit":${culpritJson},"first":${first.spend},"second":${c.spendJson}}`;
    let recovered = 0;
    let recoveryTransferId: string | null = null;
    if (policy.revokeCulprit) s.revoke.run(at, `double spend (fraud case ${caseId})`, c.signerDeviceId);
    if (policy.recoverFromCulprit) {
      const account = `wallet:${c.signerWalletId}`;
      const balance = s.balance.get(account)?.balance ?? 0;
      const amount = Math.min(balance, c.amount);
      if (amount > 0) {
        const id = `fraud-recovery:${caseId}`;
        const outcome = this.applyGroup([
          {
            id,
            debit: account,
            credit: `loss:${c.operatorId}`,
            amount,
            kind: 'fraud_recovery',
            meta: { caseId, coinId: c.inputCoinId, culpritDeviceId: c.signerDeviceId },
          },
        ]);
        if (outcome.ok) {
          recovered = amount;
          recoveryTransferId = id;
        }
      }
    }
    s.insertCase.run(
      caseId,
      c.inputCoinId,
      c.rootCoinId,
      c.operatorId,
      c.amount,
      c.signerDeviceId,
      c.signerWalletId,
      first.spend_hash,
      c.spendHash,
      proofJson,
      JSON.stringify(c.outputs),
      firstSpend.outputs[0]?.owner ?? '',
      c.outputs[0]?.owner ?? '',
      uploader,
      recovered,
      recoveryTransferId,
      at,
    );
    return { caseId, opened: toCase(s.getCase.get(caseId)!) };
  }

  #walk(path: SpendCandidate[], uploader: string, at: number, policy: SpendPolicy, opened: FraudCaseRow[]) {
    const s = this.#s;
    const outcomes: LinkOutcome[] = [];
    let counterfeit = false;
    for (const c of path) {
      // Most links of an upload are new: insert first, read the recorded spend only when there is one.
      if (this.#insertNewSpend(c, counterfeit, uploader, at)) {
        outcomes.push({ status: 'new', counterfeit });
        continue;
      }
      const row = s.getSpend.get(c.inputCoinId)!;
      if (row.spend_hash === c.spendHash) {
        counterfeit = row.counterfeit === 1;
        outcomes.push({ status: 'known', counterfeit });
      } else {
        const result = this.#conflict(c, row, uploader, at, policy);
        if (result.opened) opened.push(result.opened);
        outcomes.push({ status: 'conflict', caseId: result.caseId, opened: result.opened !== null });
        counterfeit = true;
      }
    }
    return outcomes;
  }

  recordSpends(input: RecordSpendsInput): RecordSpendsOutcome {
    return this.#withHoldings((): RecordSpendsOutcome => {
      const opened: FraudCaseRow[] = [];
      const paths = input.paths.map((p) => this.#walk(p, input.uploader, input.at, input.policy, opened));
      return { paths, opened };
    });
  }

  // ---- deposits ----

  recordDeposit(input: DepositInput): DepositOutcome {
    const s = this.#s;
    return this.#withHoldings((): DepositOutcome => {
      const c = input.spend;
      const existing = s.getDeposit.get(c.spendHash);
      if (existing) return { status: 'deposited', duplicate: true, deposit: toDeposit(existing) };
      const row = s.getSpend.get(c.inputCoinId);
      if (row && row.spend_hash !== c.spendHash) {
        const result = this.#conflict(c, row, input.uploader, input.at, input.policy);
        return { status: 'double_spend', caseId: result.caseId, opened: result.opened };
      }
      let counterfeit: boolean;
      if (s.getCoin.get(c.inputCoinId)) counterfeit = false;
      else {
        const coin = this.#receivedCoin(c.inputCoinId, input.parent);
        if (!coin) {
          return { status: 'refused', code: 'UNKNOWN_COIN', message: `coin ${c.inputCoinId} is not known` };
        }
        counterfeit = coin.counterfeit;
      }
      if (counterfeit && input.refuseCounterfeit) {
        return {
          status: 'refused',
          code: 'COIN_DOUBLE_SPENT',
          message: `coin ${c.inputCoinId} descends from a double spend and cannot be deposited by this wallet`,
        };
      }
      if (!row) this.#insertSpend(c, counterfeit, input.uploader, input.at);
      const transferId = `${DEPOSIT_REFERENCE}${c.spendHash}`;
      const kind = counterfeit ? 'compensation' : 'deposit';
      const outcome = this.applyGroup([
        {
          id: transferId,
          debit: counterfeit ? `loss:${c.operatorId}` : (input.accounts?.debit ?? `offline:${c.operatorId}`),
          credit: input.accounts?.credit ?? `wallet:${input.walletId}`,
          amount: c.toIssuer,
          kind: counterfeit ? 'fraud_compensation' : 'offline_deposit',
          meta: { coinId: c.inputCoinId, spendHash: c.spendHash, deviceId: input.deviceId },
        },
      ]);
      if (!outcome.ok) throw new Error(`deposit ledger group refused: ${outcome.code} ${outcome.message}`);
      const deposit: DepositRow = {
        spendHash: c.spendHash,
        coinId: c.inputCoinId,
        walletId: input.walletId,
        deviceId: input.deviceId,
        requestId: input.requestId,
        operatorId: c.operatorId,
        amount: c.toIssuer,
        kind,
        transferId,
        createdAt: input.at,
      };
      s.insertDeposit.run(
        deposit.spendHash,
        deposit.coinId,
        deposit.walletId,
        deposit.deviceId,
        deposit.requestId,
        deposit.operatorId,
        deposit.amount,
        deposit.kind,
        deposit.transferId,
        deposit.createdAt,
      );
      return { status: 'deposited', duplicate: false, deposit };
    });
  }

  // ---- fraud cases ----

  getFraudCase(caseId: string): FraudCaseRow | null {
    const r = this.#s.getCase.get(caseId);
    return r ? toCase(r) : null;
  }

  fraudRecoveredTotal(): number {
    return (
      this.db.prepare<[], { v: number | null }>('SELECT SUM(recovered) AS v FROM fraud_cases').get()?.v ?? 0
    );
  }

  listFraudCases(filter: { deviceId?: string; publicKey?: string; coinIds?: string[]; limit?: number }) {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const or: string[] = [];
    if (filter.deviceId) {
      or.push('culprit_device_id = ?', 'reported_by = ?');
      args.push(filter.deviceId, filter.deviceId);
    }
    if (filter.publicKey) {
      or.push('first_payee = ?', 'second_payee = ?');
      args.push(filter.publicKey, filter.publicKey);
    }
    if (or.length) where.push(`(${or.join(' OR ')})`);
    if (filter.coinIds) {
      if (filter.coinIds.length === 0) return [];
      where.push(`coin_id IN (${filter.coinIds.map(() => '?').join(', ')})`);
      args.push(...filter.coinIds);
    }
    const sql = `SELECT * FROM fraud_cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY detected_at DESC, case_id LIMIT ?`;
    args.push(filter.limit ?? 1_000);
    return this.db
      .prepare<(string | number)[], CaseRecord>(sql)
      .all(...args)
      .map(toCase);
  }

  /**
   * The coins a spend produced (to follow a losing branch): a recorded spend's are read from the
   * signed spend in its row, a losing spend's from their own rows; their ids derive from its hash.
   */
  outputsOf(spend: SpendRef): OutputCoin[] {
    const ids = fastOutputCoinIds(Buffer.from(spend.spendHash, 'base64url'), MAX_SPEND_OUTPUTS);
    const row = this.#s.getSpend.get(spend.inputCoinId);
    if (row && row.spend_hash === spend.spendHash) {
      const signed = JSON.parse(row.spend) as { outputs: { owner: string; amount: number }[] };
      return signed.outputs.map((o, k) => ({ coinId: ids[k]!, owner: o.owner, amount: o.amount }));
    }
    const stmt = this.db.prepare<
      [string],
      { coin_id: string; spend_hash: string; owner: string; amount: number; to_issuer: number }
    >('SELECT coin_id, spend_hash, owner, amount, to_issuer FROM offline_outputs WHERE coin_id = ?');
    const out: OutputCoin[] = [];
    for (const id of ids) {
      const r = stmt.get(id);
      if (r && r.spend_hash === spend.spendHash) {
        out.push({ coinId: r.coin_id, owner: r.owner, amount: r.amount, toIssuer: r.to_issuer === 1 });
      }
    }
    return out;
  }

  depositOf(coinId: string): DepositRow | null {
    const r = this.db
      .prepare<[string], DepositRecord>('SELECT * FROM offline_deposits WHERE coin_id = ?')
      .get(coinId);
    return r ? toDeposit(r) : null;
  }

  // ---- audit ----

  auditFacts(): OfflineAuditFacts {
    const db = this.db;
    return db.transaction((): OfflineAuditFacts => {
      const operators: OfflineAuditFacts['operators'] = {};
      const op = (id: string) => {
        operators[id] ??= {
          issued: 0,
          spentToIssuer: 0,
          counterfeitToIssuer: 0,
          deposited: 0,
          compensated: 0,
          recovered: 0,
          live: 0,
        };
        return operators[id];
      };
      const sums = <T extends object>(sql: string) => db.prepare<[], T>(sql).all();
      for (const r of sums<{ op: string; v: number }>(
        'SELECT operator_id AS op, SUM(amount) AS v FROM offline_coins GROUP BY operator_id',
      ))
        op(r.op).issued = r.v;
      for (const r of sums<{ op: string; c: number; v: number }>(
        'SELECT operator_id AS op, counterfeit AS c, SUM(to_issuer) AS v FROM offline_spends GROUP BY operator_id, counterfeit',
      )) {
        if (r.c === 1) op(r.op).counterfeitToIssuer = r.v;
        else op(r.op).spentToIssuer = r.v;
      }
      for (const r of sums<{ op: string; k: string; v: number }>(
        'SELECT operator_id AS op, kind AS k, SUM(amount) AS v FROM offline_deposits GROUP BY operator_id, kind',
      )) {
        if (r.k === 'compensation') op(r.op).compensated = r.v;
        else op(r.op).deposited = r.v;
      }
      for (const r of sums<{ op: string; v: number }>(
        'SELECT operator_id AS op, SUM(recovered) AS v FROM fraud_cases GROUP BY operator_id',
      ))
        op(r.op).recovered = r.v;
      for (const r of sums<{ op: string; v: number }>(
        `SELECT c.operator_id AS op, SUM(c.amount) AS v FROM offline_coins c
         WHERE NOT EXISTS (SELECT 1 FROM offline_spends s WHERE s.input_coin_id = c.coin_id)
         GROUP BY c.operator_id`,
      ))
        op(r.op).live += r.v;
      for (const r of sums<{ op: string; v: number }>(
        // Coins produced by genuine spends (all but what they paid the issuer), less the received
        // coins that genuine spends consumed: a genuine coin is only ever spent by a genuine spend.
        `SELECT operator_id AS op,
                SUM(amount - to_issuer) - SUM(CASE WHEN hop > 1 THEN amount ELSE 0 END) AS v
         FROM offline_spends WHERE counterfeit = 0 GROUP BY operator_id`,
      ))
        op(r.op).live += r.v;
      const orphanDeposits = sums<{ h: string }>(
        `SELECT d.spend_hash AS h FROM offline_deposits d
         LEFT JOIN offline_spends s ON s.input_coin_id = d.coin_id
         WHERE s.spend_hash IS NULL OR s.spend_hash <> d.spend_hash OR s.to_issuer <> d.amount
            OR s.counterfeit <> (CASE d.kind WHEN 'compensation' THEN 1 ELSE 0 END)`,
      ).map((r) => r.h);
      const loadMismatches = sums<{ id: string }>(
        `SELECT l.transfer_id AS id FROM offline_loads l
         LEFT JOIN (SELECT wallet_id, load_request_id, SUM(amount) AS total FROM offline_coins
                    GROUP BY wallet_id, load_request_id) c
           ON c.wallet_id = l.wallet_id AND c.load_request_id = l.request_id
         LEFT JOIN transfers t ON t.id = l.transfer_id
         WHERE c.total IS NULL OR c.total <> l.amount OR t.amount IS NULL OR t.amount <> l.amount`,
      ).map((r) => r.id);
      const holdingMismatches = sums<{ owner: string }>(
        `SELECT owner FROM (
           SELECT owner, SUM(v) AS v FROM (
             SELECT owner, amount AS v FROM offline_holdings
             UNION ALL
             SELECT json_extract(o.value, '$.owner'), -json_extract(o.value, '$.amount')
             FROM offline_spends s, json_each(s.spend, '$.outputs') o WHERE s.counterfeit = 0
             UNION ALL
             SELECT input_owner, amount FROM offline_spends WHERE counterfeit = 0 AND hop > 1
           ) GROUP BY owner
         ) WHERE v <> 0 ORDER BY owner`,
      ).map((r) => r.owner);
      const restricted: OfflineAuditFacts['restricted'] = {};
      const campaign = (opId: string, campaignId: string) => {
        restricted[opId] ??= {};
        restricted[opId][campaignId] ??= { issued: 0, spentToIssuer: 0, reclaimed: 0 };
        return restricted[opId][campaignId];
      };
      for (const r of sums<{ op: string; cp: string; v: number }>(
        `SELECT operator_id AS op, campaign_id AS cp, SUM(amount) AS v FROM offline_coins
         WHERE campaign_id IS NOT NULL GROUP BY operator_id, campaign_id`,
      ))
        campaign(r.op, r.cp).issued = r.v;
      for (const r of sums<{ op: string; cp: string; v: number }>(
        `SELECT c.operator_id AS op, c.campaign_id AS cp, SUM(s.to_issuer) AS v FROM offline_spends s
         JOIN offline_coins c ON c.coin_id = s.root_coin_id
         WHERE c.campaign_id IS NOT NULL AND s.counterfeit = 0
         GROUP BY c.operator_id, c.campaign_id`,
      ))
        campaign(r.op, r.cp).spentToIssuer = r.v;
      for (const r of sums<{ account: string; v: number }>(
        `SELECT debit AS account, SUM(amount) AS v FROM transfers
         WHERE kind = 'offline_restricted_reclaim' GROUP BY debit`,
      )) {
        const [, opId, campaignId] = r.account.split(':');
        if (opId && campaignId) campaign(opId, campaignId).reclaimed = r.v;
      }
      return { operators, restricted, orphanDeposits, loadMismatches, holdingMismatches };
    })();
  }
}
