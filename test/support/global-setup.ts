/**
 * Vitest global setup: says which store the server tests run on. With
 * ECNY_TEST_STORE=postgres (and DATABASE_URL) every test server gets a fresh
 * PostgreSQL schema, dropped when it closes; otherwise in-memory SQLite.
 */
import pg from 'pg';

export default async function setup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (process.env.ECNY_TEST_STORE !== 'postgres') {
    console.log(
      `[ecny-sim] store: SQLite only (in-memory)${url ? '' : ' - no DATABASE_URL; `npm run test:postgres` runs the suite on PostgreSQL'}`,
    );
    return;
  }
  if (!url) throw new Error('ECNY_TEST_STORE=postgres needs DATABASE_URL=postgres://...');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ version: string }>('SELECT version() AS version');
  await client.end();
  const where = new URL(url);
  console.log(
    `[ecny-sim] store: PostgreSQL at ${where.host}${where.pathname} (${rows[0]?.version.split(' ').slice(0, 2).join(' ')}), a fresh schema per test server`,
  );
}
