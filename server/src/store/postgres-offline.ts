/**
 * PostgreSQL side of offline money (the SQLite side is offline-sqlite.ts),
 * used by `PostgresStore`: root coins issued at load, the spent set, the
 * coins spends produced, fraud cases and deposits. Each operation is one
 * transaction with its ledger group. The spent set is checked under row
 * locks on the recorded spends and unique keys on new ones: two uploads
 * racing on a coin cannot both record it (the loser's transaction fails on
 * the key, is run again and then sees the winner's spend).
 */

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
  SpentRow,
} from './offline-rows';
import { DEPOSIT_REFERENCE } from './offline-rows';
import { applyGroups } from './postgres-ledger';
import { CHUNK, type Tx, tuples } from './postgres-tx';

type RunTx = <T>(fn: (tx: Tx) => Promise<T>, begin?: string) => Promise<T>;
type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Spent-set rows and outputs to write at the end of a transaction, in the order they were decided. */
class SpendWrites {
  spends: unknown[][] = [];
  outputs: unknown[][] = [];

  spend(c: SpendCandidate, counterfeit: boolean, uploader: string, at: number): void {
    this.spends.push([
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
    ]);
    this.outputsOf(c, counterfeit);
  }

  outputsOf(c: SpendCandidate, counterfeit: boolean): void {
    c.outputs.forEach((o, i) => {
      this.outputs.push([
        o.coinId,
        c.spendHash,
        i,
        o.owner,
        o.amount,
        counterfeit ? 1 : 0,
        o.toIssuer ? 1 : 0,
      ]);
    });
  }

  async flush(tx: Tx): Promise<void> {
    for (let i = 0; i < this.spends.length; i += CHUNK) {
      const part = this.spends.slice(i, i + CHUNK);
      await tx.run(
        `INSERT INTO offline_spends (input_coin_id, spend_hash, spend, root_coin_id, operator_id, hop, amount, signer_device_id, signer_wallet_id, counterfeit, to_issuer, uploader, first_seen_at)
         VALUES ${tuples(part.length, 13)}`,
        part.flat(),
      );
    }
    for (let i = 0; i < this.outputs.length; i += CHUNK) {
      const part = this.outputs.slice(i, i + CHUNK);
      await tx.run(
        `INSERT INTO offline_outputs (coin_id, spend_hash, idx, owner, amount, counterfeit, to_issuer)
         VALUES ${tuples(part.length, 7)} ON CONFLICT (coin_id) DO NOTHING`,
        part.flat(),
      );
    }
    this.spends = [];
    this.outputs = [];
  }
}

export class PgOffline {
  constructor(
    readonly tx: RunTx,
    readonly all: Query,
  ) {}

  async #one<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  // ---- load ----

  recordLoad(input: OfflineLoadInput): Promise<OfflineLoadOutcome> {
    return this.tx(async (tx): Promise<OfflineLoadOutcome> => {
      const { load } = input;
      // Loads of one device queue here, so the cap is checked against settled holdings.
      await tx.get('SELECT device_id FROM devices WHERE device_id = ? FOR UPDATE', [load.deviceId]);
      const existing = await tx.get<LoadRecord>(
        'SELECT * FROM offline_loads WHERE wallet_id = ? AND request_id = ?',
        [load.walletId, load.requestId],
      );
      if (existing) {
        if (existing.amount !== load.amount || existing.device_id !== load.deviceId) {
          return {
            ok: false,
            code: 'IDEMPOTENCY_CONFLICT',
            message: `load ${load.requestId} was already used for another load`,
          };
        }
        const coins = await tx.all<CoinRecord>(
          'SELECT * FROM offline_coins WHERE wallet_id = ? AND load_request_id = ? ORDER BY load_idx',
          [load.walletId, load.requestId],
        );
        return { ok: true, duplicate: true, load: toLoad(existing), coins: coins.map(toCoin) };
      }
      const roots = await tx.get<{ total: number | null }>(
        `SELECT SUM(c.amount) AS total FROM offline_coins c
         WHERE c.owner = ? AND NOT EXISTS (SELECT 1 FROM offline_spends s WHERE s.input_coin_id = c.coin_id)`,
        [input.cap.owner],
      );
      const outputs = await tx.get<{ total: number | null }>(
        `SELECT SUM(o.amount) AS total FROM offline_outputs o
         WHERE o.owner = ? AND o.counterfeit = 0
           AND NOT EXISTS (SELECT 1 FROM offline_spends s WHERE s.input_coin_id = o.coin_id)`,
        [input.cap.owner],
      );
      const held = (roots?.total ?? 0) + (outputs?.total ?? 0);
      if (held + load.amount > input.cap.max) {
        return {
          ok: false,
          code: 'LIMIT_OFFLINE_BALANCE',
          message: `the device holds ${held} fen offline; loading ${load.amount} more would exceed its cap of ${input.cap.max} fen`,
        };
      }
      const outcome = (await applyGroups(tx, [input.group]))[0]!;
      if (!outcome.ok) return { ok: false, code: outcome.code, message: outcome.message };
      await tx.run(
        'INSERT INTO offline_loads (wallet_id, request_id, device_id, operator_id, amount, transfer_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [
          load.walletId,
          load.requestId,
          load.deviceId,
          load.operatorId,
          load.amount,
          load.transferId,
          load.createdAt,
        ],
      );
      for (let i = 0; i < input.coins.length; i += CHUNK) {
        const part = input.coins.slice(i, i + CHUNK);
        await tx.run(
          `INSERT INTO offline_coins (coin_id, operator_id, wallet_id, device_id, owner, amount, expires_at, max_hops, issue, load_request_id, issued_at, load_idx, campaign_id)
           VALUES ${tuples(part.length, 13)}`,
          part.flatMap((c, j) => [
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
            i + j,
            c.campaignId ?? null,
          ]),
        );
      }
      return { ok: true, duplicate: false, load, coins: input.coins };
    });
  }

  async getRootCoins(ids: readonly string[]): Promise<Map<string, RootCoinRow>> {
    const out = new Map<string, RootCoinRow>();
    if (!ids.length) return out;
    for (const r of await this.all<CoinRecord>('SELECT * FROM offline_coins WHERE coin_id = ANY(?)', [
      [...new Set(ids)],
    ]))
      out.set(r.coin_id, toCoin(r));
    return out;
  }

  async getSpends(inputCoinIds: readonly string[]): Promise<Map<string, SpentRow>> {
    const out = new Map<string, SpentRow>();
    if (!inputCoinIds.length) return out;
    for (const r of await this.all<SpendRecord>('SELECT * FROM offline_spends WHERE input_coin_id = ANY(?)', [
      [...new Set(inputCoinIds)],
    ]))
      out.set(r.input_coin_id, toSpent(r));
    return out;
  }

  async spendHashes(
    inputCoinIds: readonly string[],
  ): Promise<Map<string, { hash: string; counterfeit: boolean }>> {
    const out = new Map<string, { hash: string; counterfeit: boolean }>();
    if (!inputCoinIds.length) return out;
    for (const r of await this.all<{ input_coin_id: string; spend_hash: string; counterfeit: number }>(
      'SELECT input_coin_id, spend_hash, counterfeit FROM offline_spends WHERE input_coin_id = ANY(?)',
      [[...new Set(inputCoinIds)]],
    ))
      out.set(r.input_coin_id, { hash: r.spend_hash, counterfeit: r.counterfeit === 1 });
    return out;
  }

  // ---- the spent set ----

  /** A different spend `c` of a coin whose first spend is `first`: finds or opens the case. */
  async #conflict(
    tx: Tx,
    writes: SpendWrites,
    c: SpendCandidate,
    first: { spend_hash: string; spend: string },
    uploader: string,
    at: number,
    policy: SpendPolicy,
  ): Promise<{ caseId: string; opened: FraudCaseRow | null }> {
    const known = await tx.get<{ case_id: string }>(
      'SELECT case_id FROM fraud_cases WHERE coin_id = ? AND second_hash = ?',
      [c.inputCoinId, c.spendHash],
    );
    // The losing branch's coins exist (as counterfeit) so their later spends are tracked too.
    writes.outputsOf(c, true);
    if (known) return { caseId: known.case_id, opened: null };
    const caseId = fraudCaseId(c.inputCoinId, c.spendHash);
    const { coinJson, culpritJson } = c.proof();
    const firstSpend = JSON.parse(first.spend) as { outputs: OutputCoin[] };
    const proofJson = `{"coin":${coinJson},"culprit":${culpritJson},"first":${first.spend},"second":${c.spendJson}}`;
    let recovered = 0;
    let recoveryTransferId: string | null = null;
    if (policy.revokeCulprit) {
      await tx.run(
        'UPDATE devices SET revoked_at = ?, revoked_reason = ? WHERE device_id = ? AND revoked_at IS NULL',
        [at, `double spend (fraud case ${caseId})`, c.signerDeviceId],
      );
    }
    if (policy.recoverFromCulprit) {
      const account = `wallet:${c.signerWalletId}`;
      const row = await tx.get<{ balance: number }>('SELECT balance FROM accounts WHERE id = ? FOR UPDATE', [
        account,
      ]);
      const amount = Math.min(row?.balance ?? 0, c.amount);
      if (amount > 0) {
        const id = `fraud-recovery:${caseId}`;
        const [outcome] = await applyGroups(tx, [
          [
            {
              id,
              debit: account,
              credit: `loss:${c.operatorId}`,
              amount,
              kind: 'fraud_recovery',
              meta: { caseId, coinId: c.inputCoinId, culpritDeviceId: c.signerDeviceId },
            },
          ],
        ]);
        if (outcome?.ok) {
          recovered = amount;
          recoveryTransferId = id;
        }
      }
    }
    const record: CaseRecord = {
      case_id: caseId,
      coin_id: c.inputCoinId,
      root_coin_id: c.rootCoinId,
      operator_id: c.operatorId,
      amount: c.amount,
      culprit_device_id: c.signerDeviceId,
      culprit_wallet_id: c.signerWalletId,
      first_hash: first.spend_hash,
      second_hash: c.spendHash,
      proof: proofJson,
      losing_outputs: JSON.stringify(c.outputs),
      first_payee: firstSpend.outputs[0]?.owner ?? '',
      second_payee: c.outputs[0]?.owner ?? '',
      reported_by: uploader,
      recovered,
      recovery_transfer_id: recoveryTransferId,
      detected_at: at,
    };
    await tx.run(
      `INSERT INTO fraud_cases (case_id, coin_id, root_coin_id, operator_id, amount, culprit_device_id, culprit_wallet_id, first_hash, second_hash, proof, losing_outputs, first_payee, second_payee, reported_by, recovered, recovery_transfer_id, detected_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        record.case_id,
        record.coin_id,
        record.root_coin_id,
        record.operator_id,
        record.amount,
        record.culprit_device_id,
        record.culprit_wallet_id,
        record.first_hash,
        record.second_hash,
        record.proof,
        record.losing_outputs,
        record.first_payee,
        record.second_payee,
        record.reported_by,
        record.recovered,
        record.recovery_transfer_id,
        record.detected_at,
      ],
    );
    return { caseId, opened: toCase(record) };
  }

  /**
   * Walks every path through the spent set: the recorded spends of all the
   * coins involved are read (and locked) in one query, decided in memory in
   * path order, and the new spends written with multi-row inserts.
   */
  recordSpends(input: RecordSpendsInput): Promise<RecordSpendsOutcome> {
    return this.tx(async (tx): Promise<RecordSpendsOutcome> => {
      const ids = [...new Set(input.paths.flatMap((p) => p.map((c) => c.inputCoinId)))].sort();
      const spent = new Map<string, { spend_hash: string; spend: string; counterfeit: number }>();
      for (let i = 0; i < ids.length; i += CHUNK) {
        for (const r of await tx.all<{
          input_coin_id: string;
          spend_hash: string;
          spend: string;
          counterfeit: number;
        }>(
          `SELECT input_coin_id, spend_hash, spend, counterfeit FROM offline_spends
           WHERE input_coin_id = ANY(?) ORDER BY input_coin_id FOR UPDATE`,
          [ids.slice(i, i + CHUNK)],
        ))
          spent.set(r.input_coin_id, r);
      }
      const writes = new SpendWrites();
      const opened: FraudCaseRow[] = [];
      const paths: LinkOutcome[][] = [];
      for (const path of input.paths) {
        const outcomes: LinkOutcome[] = [];
        let counterfeit = false;
        for (const c of path) {
          const row = spent.get(c.inputCoinId);
          if (!row) {
            writes.spend(c, counterfeit, input.uploader, input.at);
            spent.set(c.inputCoinId, {
              spend_hash: c.spendHash,
              spend: c.spendJson,
              counterfeit: counterfeit ? 1 : 0,
            });
            outcomes.push({ status: 'new', counterfeit });
          } else if (row.spend_hash === c.spendHash) {
            counterfeit = row.counterfeit === 1;
            outcomes.push({ status: 'known', counterfeit });
          } else {
            const result = await this.#conflict(tx, writes, c, row, input.uploader, input.at, input.policy);
            if (result.opened) opened.push(result.opened);
            outcomes.push({ status: 'conflict', caseId: result.caseId, opened: result.opened !== null });
            counterfeit = true;
          }
        }
        paths.push(outcomes);
      }
      await writes.flush(tx);
      return { paths, opened };
    });
  }

  // ---- deposits ----

  recordDeposit(input: DepositInput): Promise<DepositOutcome> {
    return this.tx(async (tx): Promise<DepositOutcome> => {
      const c = input.spend;
      const existing = await tx.get<DepositRecord>('SELECT * FROM offline_deposits WHERE spend_hash = ?', [
        c.spendHash,
      ]);
      if (existing) return { status: 'deposited', duplicate: true, deposit: toDeposit(existing) };
      const row = await tx.get<SpendRecord>(
        'SELECT * FROM offline_spends WHERE input_coin_id = ? FOR UPDATE',
        [c.inputCoinId],
      );
      const writes = new SpendWrites();
      if (row && row.spend_hash !== c.spendHash) {
        const result = await this.#conflict(tx, writes, c, row, input.uploader, input.at, input.policy);
        await writes.flush(tx);
        return { status: 'double_spend', caseId: result.caseId, opened: result.opened };
      }
      let counterfeit: boolean;
      if (await tx.get('SELECT coin_id FROM offline_coins WHERE coin_id = ?', [c.inputCoinId]))
        counterfeit = false;
      else {
        const output = await tx.get<{ counterfeit: number }>(
          'SELECT counterfeit FROM offline_outputs WHERE coin_id = ?',
          [c.inputCoinId],
        );
        if (!output) {
          return { status: 'refused', code: 'UNKNOWN_COIN', message: `coin ${c.inputCoinId} is not known` };
        }
        counterfeit = output.counterfeit === 1;
      }
      if (counterfeit && input.refuseCounterfeit) {
        return {
          status: 'refused',
          code: 'COIN_DOUBLE_SPENT',
          message: `coin ${c.inputCoinId} descends from a double spend and cannot be deposited by this wallet`,
        };
      }
      if (!row) {
        writes.spend(c, counterfeit, input.uploader, input.at);
        await writes.flush(tx);
      }
      const transferId = `${DEPOSIT_REFERENCE}${c.spendHash}`;
      const kind = counterfeit ? 'compensation' : 'deposit';
      const [outcome] = await applyGroups(tx, [
        [
          {
            id: transferId,
            debit: counterfeit
              ? `loss:${c.operatorId}`
              : (input.accounts?.debit ?? `offline:${c.operatorId}`),
            credit: input.accounts?.credit ?? `wallet:${input.walletId}`,
            amount: c.toIssuer,
            kind: counterfeit ? 'fraud_compensation' : 'offline_deposit',
            meta: { coinId: c.inputCoinId, spendHash: c.spendHash, deviceId: input.deviceId },
          },
        ],
      ]);
      if (!outcome?.ok)
        throw new Error(
          `deposit ledger group refused: ${outcome?.ok === false ? `${outcome.code} ${outcome.message}` : ''}`,
        );
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
      await tx.run(
        `INSERT INTO offline_deposits (spend_hash, coin_id, wallet_id, device_id, request_id, operator_id, amount, kind, transfer_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
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
        ],
      );
      return { status: 'deposited', duplicate: false, deposit };
    });
  }

  // ---- fraud cases ----

  async getFraudCase(caseId: string): Promise<FraudCaseRow | null> {
    const r = await this.#one<CaseRecord>('SELECT * FROM fraud_cases WHERE case_id = ?', [caseId]);
    return r ? toCase(r) : null;
  }

  async fraudRecoveredTotal(): Promise<number> {
    const r = await this.#one<{ v: string | number | null }>(
      'SELECT SUM(recovered) AS v FROM fraud_cases',
      [],
    );
    return Number(r?.v ?? 0);
  }

  async listFraudCases(filter: {
    deviceId?: string;
    publicKey?: string;
    coinIds?: string[];
    limit?: number;
  }): Promise<FraudCaseRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
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
      where.push('coin_id = ANY(?)');
      args.push(filter.coinIds);
    }
    args.push(filter.limit ?? 1_000);
    const sql = `SELECT * FROM fraud_cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY detected_at DESC, case_id LIMIT ?`;
    return (await this.all<CaseRecord>(sql, args)).map(toCase);
  }

  async outputsOf(spendHash: string): Promise<OutputCoin[]> {
    return (
      await this.all<{ coin_id: string; owner: string; amount: number; to_issuer: number }>(
        'SELECT coin_id, owner, amount, to_issuer FROM offline_outputs WHERE spend_hash = ? ORDER BY idx',
        [spendHash],
      )
    ).map((r) => ({ coinId: r.coin_id, owner: r.owner, amount: r.amount, toIssuer: r.to_issuer === 1 }));
  }

  async depositOf(coinId: string): Promise<DepositRow | null> {
    const r = await this.#one<DepositRecord>('SELECT * FROM offline_deposits WHERE coin_id = ?', [coinId]);
    return r ? toDeposit(r) : null;
  }

  // ---- audit ----

  auditFacts(): Promise<OfflineAuditFacts> {
    return this.tx(async (tx): Promise<OfflineAuditFacts> => {
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
      for (const r of await tx.all<{ op: string; v: number }>(
        'SELECT operator_id AS op, SUM(amount) AS v FROM offline_coins GROUP BY operator_id',
      ))
        op(r.op).issued = r.v;
      for (const r of await tx.all<{ op: string; c: number; v: number }>(
        'SELECT operator_id AS op, counterfeit AS c, SUM(to_issuer) AS v FROM offline_spends GROUP BY operator_id, counterfeit',
      )) {
        if (r.c === 1) op(r.op).counterfeitToIssuer = r.v;
        else op(r.op).spentToIssuer = r.v;
      }
      for (const r of await tx.all<{ op: string; k: string; v: number }>(
        'SELECT operator_id AS op, kind AS k, SUM(amount) AS v FROM offline_deposits GROUP BY operator_id, kind',
      )) {
        if (r.k === 'compensation') op(r.op).compensated = r.v;
        else op(r.op).deposited = r.v;
      }
      for (const r of await tx.all<{ op: string; v: number }>(
        'SELECT operator_id AS op, SUM(recovered) AS v FROM fraud_cases GROUP BY operator_id',
      ))
        op(r.op).recovered = r.v;
      for (const r of await tx.all<{ op: string; v: number }>(
        `SELECT c.operator_id AS op, SUM(c.amount) AS v FROM offline_coins c
         WHERE NOT EXISTS (SELECT 1 FROM offline_spends s WHERE s.input_coin_id = c.coin_id)
         GROUP BY c.operator_id`,
      ))
        op(r.op).live += r.v;
      for (const r of await tx.all<{ op: string; v: number }>(
        `SELECT s.operator_id AS op, SUM(o.amount) AS v FROM offline_outputs o
         JOIN offline_spends s ON s.spend_hash = o.spend_hash
         WHERE o.counterfeit = 0 AND o.to_issuer = 0
           AND NOT EXISTS (SELECT 1 FROM offline_spends x WHERE x.input_coin_id = o.coin_id)
         GROUP BY s.operator_id`,
      ))
        op(r.op).live += r.v;
      const orphanDeposits = (
        await tx.all<{ h: string }>(
          `SELECT d.spend_hash AS h FROM offline_deposits d
           LEFT JOIN offline_spends s ON s.input_coin_id = d.coin_id
           WHERE s.spend_hash IS NULL OR s.spend_hash <> d.spend_hash OR s.to_issuer <> d.amount
              OR s.counterfeit <> (CASE d.kind WHEN 'compensation' THEN 1 ELSE 0 END)`,
        )
      ).map((r) => r.h);
      const loadMismatches = (
        await tx.all<{ id: string }>(
          `SELECT l.transfer_id AS id FROM offline_loads l
           LEFT JOIN (SELECT wallet_id, load_request_id, SUM(amount) AS total FROM offline_coins
                      GROUP BY wallet_id, load_request_id) c
             ON c.wallet_id = l.wallet_id AND c.load_request_id = l.request_id
           LEFT JOIN transfers t ON t.id = l.transfer_id
           WHERE c.total IS NULL OR c.total <> l.amount OR t.amount IS NULL OR t.amount <> l.amount`,
        )
      ).map((r) => r.id);
      const restricted: OfflineAuditFacts['restricted'] = {};
      const campaign = (opId: string, campaignId: string) => {
        restricted[opId] ??= {};
        restricted[opId][campaignId] ??= { issued: 0, spentToIssuer: 0, reclaimed: 0 };
        return restricted[opId][campaignId];
      };
      for (const r of await tx.all<{ op: string; cp: string; v: number }>(
        `SELECT operator_id AS op, campaign_id AS cp, SUM(amount) AS v FROM offline_coins
         WHERE campaign_id IS NOT NULL GROUP BY operator_id, campaign_id`,
      ))
        campaign(r.op, r.cp).issued = r.v;
      for (const r of await tx.all<{ op: string; cp: string; v: number }>(
        `SELECT c.operator_id AS op, c.campaign_id AS cp, SUM(s.to_issuer) AS v FROM offline_spends s
         JOIN offline_coins c ON c.coin_id = s.root_coin_id
         WHERE c.campaign_id IS NOT NULL AND s.counterfeit = 0
         GROUP BY c.operator_id, c.campaign_id`,
      ))
        campaign(r.op, r.cp).spentToIssuer = r.v;
      for (const r of await tx.all<{ account: string; v: number }>(
        `SELECT debit AS account, SUM(amount) AS v FROM transfers
         WHERE kind = 'offline_restricted_reclaim' GROUP BY debit`,
      )) {
        const [, opId, campaignId] = r.account.split(':');
        if (opId && campaignId) campaign(opId, campaignId).reclaimed = r.v;
      }
      // PostgreSQL sums a key's outputs through its index by owner: there are no kept holdings to check.
      return { operators, restricted, orphanDeposits, loadMismatches, holdingMismatches: [] };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }
}
