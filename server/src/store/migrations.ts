/**
 * Schema migrations, in order, from one place. Each store applies the ones
 * it has not applied yet and records the version in `schema_version`.
 * The SQL sticks to what SQLite and PostgreSQL-compatible engines share.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string[];
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'ledger, wallets and devices',
    sql: [
      `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      `CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        book TEXT NOT NULL,
        kind TEXT NOT NULL,
        allow_negative INTEGER NOT NULL,
        balance BIGINT NOT NULL DEFAULT 0
      )`,
      `CREATE TABLE transfers (
        seq BIGINT PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        group_id TEXT NOT NULL,
        debit TEXT NOT NULL REFERENCES accounts(id),
        credit TEXT NOT NULL REFERENCES accounts(id),
        amount BIGINT NOT NULL CHECK (amount > 0),
        kind TEXT NOT NULL,
        meta TEXT,
        at BIGINT NOT NULL
      )`,
      `CREATE INDEX transfers_by_debit ON transfers (debit, seq)`,
      `CREATE INDEX transfers_by_credit ON transfers (credit, seq)`,
      `CREATE INDEX transfers_by_group ON transfers (group_id)`,
      `CREATE TABLE daily_totals (
        key TEXT NOT NULL,
        day TEXT NOT NULL,
        total BIGINT NOT NULL,
        PRIMARY KEY (key, day)
      )`,
      `CREATE TABLE wallets (
        wallet_id TEXT PRIMARY KEY,
        operator_id TEXT NOT NULL,
        display_name TEXT NOT NULL,
        tier INTEGER NOT NULL,
        phone TEXT,
        region TEXT,
        resident INTEGER NOT NULL,
        merchant TEXT,
        created_at BIGINT NOT NULL
      )`,
      `CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        wallet_id TEXT NOT NULL REFERENCES wallets(wallet_id),
        public_key TEXT NOT NULL,
        cert TEXT NOT NULL,
        revoked_at BIGINT,
        revoked_reason TEXT,
        created_at BIGINT NOT NULL
      )`,
      `CREATE INDEX devices_by_wallet ON devices (wallet_id)`,
    ],
  },
  {
    version: 2,
    name: 'QR bills and used payment codes',
    sql: [
      `CREATE TABLE bills (
        wallet_id TEXT NOT NULL REFERENCES wallets(wallet_id),
        bill_id TEXT NOT NULL,
        amount BIGINT NOT NULL CHECK (amount > 0),
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'paid')),
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        paid_transfer_id TEXT UNIQUE,
        paid_by TEXT,
        paid_at BIGINT,
        PRIMARY KEY (wallet_id, bill_id)
      )`,
      `CREATE TABLE payment_code_uses (
        code_id TEXT PRIMARY KEY,
        wallet_id TEXT NOT NULL,
        transfer_id TEXT NOT NULL UNIQUE,
        used_at BIGINT NOT NULL
      )`,
    ],
  },
];
