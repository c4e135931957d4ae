/**
 * Raw SQL against a test server's store, whichever it is (SQLite or
 * PostgreSQL): for tests that tamper with stored rows behind the server's
 * back to prove the audit or a verification notices. `?` placeholders.
 */
import type { PostgresStore, SqliteStore, Store } from '@ecny-sim/server';

/** Runs one statement; returns the rows it changed. */
export async function execSql(store: Store, sql: string, ...params: unknown[]): Promise<number> {
  if (store.kind === 'sqlite') return (store as SqliteStore).db.prepare(sql).run(...params).changes;
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  return (await (store as PostgresStore).pool.query(text, params)).rowCount ?? 0;
}

/** The store the tests run on: `ECNY_TEST_STORE=postgres` with DATABASE_URL, else SQLite. */
export const TEST_STORE: 'sqlite' | 'postgres' =
  process.env.ECNY_TEST_STORE === 'postgres' && process.env.DATABASE_URL ? 'postgres' : 'sqlite';
