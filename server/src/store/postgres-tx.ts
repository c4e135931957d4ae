/**
 * The small database layer under `PostgresStore`: a pool whose 64-bit
 * integers come back as JavaScript numbers, transactions retried as a whole
 * on serialization failures, deadlocks and lost insert races, savepoints,
 * and `?` placeholders (the SQLite spelling) turned into `$n`.
 */
import { EcnyError } from '@ecny-sim/wallet-core';
import pg from 'pg';

/** int8 (COUNT, BIGINT columns) and numeric (SUM of BIGINT) as numbers: every amount is a safe integer of fen. */
const toNumber = (v: string) => Number(v);
export const PG_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return toNumber;
    // biome-ignore lint/suspicious/noExplicitAny: pg's own parser table, any format.
    return pg.types.getTypeParser(oid, format as any);
  },
};

/**
 * Error codes after which the whole transaction is run again:
 * 40001 serialization failure (SERIALIZABLE engines such as CockroachDB),
 * 40P01 deadlock (row locks taken by two multi-step transactions),
 * 23505 unique violation (a concurrent transaction inserted the row a
 * check-then-insert looked for; on the next attempt the check sees it).
 */
const RETRYABLE = new Set(['40001', '40P01', '23505']);
export const MAX_ATTEMPTS = 30;

export function isRetryable(e: unknown): boolean {
  return typeof e === 'object' && e !== null && RETRYABLE.has((e as { code?: string }).code ?? '');
}

const placeholders = new Map<string, string>();
/** `?` -> `$1, $2...` (the SQL here never holds a literal question mark). */
export function pgText(sql: string): string {
  let t = placeholders.get(sql);
  if (t === undefined) {
    let n = 0;
    t = sql.replace(/\?/g, () => `$${++n}`);
    if (placeholders.size < 10_000) placeholders.set(sql, t);
  }
  return t;
}

/** `(?, ?, ?), (?, ?, ?)...`: `rows` tuples of `width` placeholders. */
export function tuples(rows: number, width: number): string {
  const one = `(${Array(width).fill('?').join(', ')})`;
  return Array(rows).fill(one).join(', ');
}

/** Rows per multi-row statement: well under PostgreSQL's 65,535 bound parameters. */
export const CHUNK = 1_000;

const hasNul = (params: unknown[]) => params.some((p) => typeof p === 'string' && p.includes('\u0000'));

/**
 * Runs one statement. PostgreSQL text cannot hold NUL (SQLite's can): a
 * lookup by such a key finds nothing, as no stored key holds one, and a
 * write of one is the client's error, not the server's.
 */
export async function query<T>(
  on: pg.Pool | pg.PoolClient,
  sql: string,
  params: unknown[],
): Promise<{ rows: T[]; rowCount: number }> {
  if (hasNul(params)) {
    if (/^\s*SELECT\b/i.test(sql)) return { rows: [], rowCount: 0 };
    throw new EcnyError('BAD_REQUEST', 'text with a NUL character cannot be stored');
  }
  const r = await on.query<T & pg.QueryResultRow>(pgText(sql), params);
  return { rows: r.rows, rowCount: r.rowCount ?? 0 };
}

/** One connection inside a transaction. */
export class Tx {
  #savepoints = 0;
  constructor(readonly client: pg.PoolClient) {}

  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await query<T>(this.client, sql, params)).rows;
  }

  async get<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /** Runs a write; returns the rows it changed. */
  async run(sql: string, params: unknown[] = []): Promise<number> {
    return (await query(this.client, sql, params)).rowCount;
  }

  /**
   * Runs `fn` in a savepoint: when it throws an error `rollback(e)` accepts,
   * its writes are undone and the error rethrown; any other error leaves the
   * transaction to be rolled back (and retried) as a whole.
   */
  async savepoint<T>(fn: () => Promise<T>, rollback: (e: unknown) => boolean): Promise<T> {
    const name = `sp${++this.#savepoints}`;
    await this.client.query(`SAVEPOINT ${name}`);
    try {
      const out = await fn();
      await this.client.query(`RELEASE SAVEPOINT ${name}`);
      return out;
    } catch (e) {
      if (rollback(e)) {
        await this.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
        await this.client.query(`RELEASE SAVEPOINT ${name}`);
      }
      throw e;
    }
  }
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/**
 * Runs `fn` in one transaction (READ COMMITTED with explicit row locks, or
 * whatever the engine's default is: CockroachDB runs it SERIALIZABLE) and
 * commits it; retries the whole of it on a retryable error. `fn` must be
 * safe to run again: it only decides from what it reads in the transaction.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  fn: (tx: Tx) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken = false;
    let retry = false;
    try {
      await client.query(begin);
      const out = await fn(new Tx(client));
      await client.query('COMMIT');
      return out;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      if (attempt < MAX_ATTEMPTS && isRetryable(e)) retry = true;
      else throw e;
    } finally {
      client.release(broken);
    }
    if (retry) await sleep(Math.random() * Math.min(50, 2 * attempt));
  }
}
