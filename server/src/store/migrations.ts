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

/** The SQL engines the migrations serve: SQLite, and PostgreSQL with the distributed engines speaking its dialect. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * Statements one dialect runs after a migration's shared SQL, by version:
 * what the other dialect gets for free or does not need. PostgreSQL has no
 * rowid (the position of a coin in its load is kept explicitly) and draws
 * transfer sequence numbers from a sequence.
 */
const DIALECT_EXTRA: Record<Dialect, Record<number, string[]>> = {
  sqlite: {
    // SQLite finds a spend's outputs by their derived ids (primary key) and keeps one index fewer
    // up to date on the reconciliation hot path.
    7: ['DROP INDEX offline_outputs_by_spend'],
    // A group's transfers have consecutive sequence numbers from its first one (found by id), so
    // the group is read as a range of the primary key instead of through an index of its own.
    8: ['DROP INDEX transfers_by_group'],
    // What each key holds in genuine received coins, kept up to date with the spent set, in place
    // of an index by owner on every output (read only by the offline balance cap at load).
    9: [
      `CREATE TABLE offline_holdings (owner TEXT PRIMARY KEY, amount BIGINT NOT NULL) WITHOUT ROWID`,
      `INSERT INTO offline_holdings (owner, amount)
       SELECT o.owner, SUM(o.amount) FROM offline_outputs o
       WHERE o.counterfeit = 0
         AND NOT EXISTS (SELECT 1 FROM offline_spends s WHERE s.input_coin_id = o.coin_id)
       GROUP BY o.owner`,
      'DROP INDEX offline_outputs_by_owner',
    ],
    // A recorded spend's outputs are in its own row (the signed spend; ids derive from its hash):
    // only a losing spend, which has no row, keeps rows for its coins. The key that owned the
    // spent coin is kept with the spend (the holdings and their audit need it).
    10: [
      `ALTER TABLE offline_spends ADD COLUMN input_owner TEXT NOT NULL DEFAULT ''`,
      `UPDATE offline_spends SET input_owner = COALESCE(
         (SELECT o.owner FROM offline_outputs o WHERE o.coin_id = offline_spends.input_coin_id),
         (SELECT c.owner FROM offline_coins c WHERE c.coin_id = offline_spends.input_coin_id),
         '')`,
      'DELETE FROM offline_outputs WHERE spend_hash IN (SELECT spend_hash FROM offline_spends)',
    ],
    // A transfer's sequence number is the table's own key (the rowid), rather than a separate
    // unique index beside the rowid: one b-tree fewer written on every transfer.
    11: [
      `CREATE TABLE transfers_by_seq (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        group_id TEXT NOT NULL,
        debit TEXT NOT NULL REFERENCES accounts(id),
        credit TEXT NOT NULL REFERENCES accounts(id),
        amount BIGINT NOT NULL CHECK (amount > 0),
        kind TEXT NOT NULL,
        meta TEXT,
        at BIGINT NOT NULL
      )`,
      `INSERT INTO transfers_by_seq (seq, id, group_id, debit, credit, amount, kind, meta, at)
       SELECT seq, id, group_id, debit, credit, amount, kind, meta, at FROM transfers ORDER BY seq`,
      'DROP TABLE transfers',
      'ALTER TABLE transfers_by_seq RENAME TO transfers',
      'CREATE INDEX transfers_by_debit ON transfers (debit, seq)',
      'CREATE INDEX transfers_by_credit ON transfers (credit, seq)',
    ],
    // An account's history is a chain: the account keeps the sequence number of its latest
    // transfer, and each transfer the previous one of its debit account and of its credit account.
    // Written in rows a ledger commit writes anyway, in place of two indexes by account (two
    // b-tree pages more on every transfer). Restricted (red-envelope) debits keep a small index for
    // the campaign figures.
    12: [
      'ALTER TABLE accounts ADD COLUMN last_seq INTEGER',
      'ALTER TABLE transfers ADD COLUMN debit_prev INTEGER',
      'ALTER TABLE transfers ADD COLUMN credit_prev INTEGER',
      `CREATE TEMP TABLE history_chain AS
         SELECT account, seq, LAG(seq) OVER (PARTITION BY account ORDER BY seq) AS prev
         FROM (SELECT debit AS account, seq FROM transfers UNION ALL SELECT credit, seq FROM transfers)`,
      'CREATE UNIQUE INDEX temp.history_chain_key ON history_chain (account, seq)',
      `UPDATE transfers SET debit_prev = c.prev FROM history_chain c
         WHERE c.account = transfers.debit AND c.seq = transfers.seq`,
      `UPDATE transfers SET credit_prev = c.prev FROM history_chain c
         WHERE c.account = transfers.credit AND c.seq = transfers.seq`,
      `UPDATE accounts SET last_seq = (SELECT MAX(seq) FROM history_chain c WHERE c.account = accounts.id)`,
      'DROP TABLE temp.history_chain',
      'DROP INDEX transfers_by_debit',
      'DROP INDEX transfers_by_credit',
      `CREATE INDEX transfers_restricted_debits ON transfers (debit)
         WHERE debit >= 'restricted:' AND debit < 'restricted;'`,
    ],
  },
  postgres: {
    1: ['CREATE SEQUENCE transfers_seq'],
    4: ['ALTER TABLE offline_coins ADD COLUMN load_idx INTEGER NOT NULL DEFAULT 0'],
  },
};

/**
 * The statements of `m` for `dialect`. SQLite runs the shared SQL as
 * written. For PostgreSQL: text compares byte by byte (COLLATE "C", as in
 * SQLite, so key order and ranges agree), and SQLite's table options
 * (WITHOUT ROWID) are dropped; then the dialect's own extra statements.
 */
export function migrationSql(m: Migration, dialect: Dialect): string[] {
  const extra = DIALECT_EXTRA[dialect][m.version] ?? [];
  if (dialect === 'sqlite') return [...m.sql, ...extra];
  const shared = m.sql.map((sql) =>
    sql.replace(/\)\s*WITHOUT ROWID\s*$/i, ')').replace(/\bTEXT\b/g, 'TEXT COLLATE "C"'),
  );
  return [...shared, ...extra];
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
  {
    version: 3,
    name: 'red envelopes: campaigns, registrations, winners, lucky money',
    sql: [
      `CREATE TABLE campaigns (
        campaign_id TEXT PRIMARY KEY,
        spec TEXT NOT NULL,
        funded_by TEXT NOT NULL,
        commitment TEXT NOT NULL,
        seed TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'drawn')),
        created_at BIGINT NOT NULL,
        drawn_at BIGINT,
        list_digest TEXT,
        registrations BIGINT,
        unawarded BIGINT,
        reclaimed BIGINT NOT NULL DEFAULT 0,
        reclaimed_at BIGINT
      )`,
      `CREATE TABLE campaign_registrations (
        campaign_id TEXT NOT NULL REFERENCES campaigns(campaign_id),
        wallet_id TEXT NOT NULL,
        offline_trial INTEGER NOT NULL,
        registered_at BIGINT NOT NULL,
        PRIMARY KEY (campaign_id, wallet_id)
      ) WITHOUT ROWID`,
      `CREATE TABLE campaign_winners (
        campaign_id TEXT NOT NULL REFERENCES campaigns(campaign_id),
        rank INTEGER NOT NULL,
        wallet_id TEXT NOT NULL,
        amount BIGINT NOT NULL CHECK (amount > 0),
        claimed_at BIGINT,
        claim_transfer_id TEXT,
        PRIMARY KEY (campaign_id, rank),
        UNIQUE (campaign_id, wallet_id)
      )`,
      `CREATE INDEX campaign_winners_by_wallet ON campaign_winners (wallet_id)`,
      `CREATE TABLE lucky_envelopes (
        envelope_id TEXT PRIMARY KEY,
        wallet_id TEXT NOT NULL,
        group_id TEXT NOT NULL,
        total BIGINT NOT NULL CHECK (total > 0),
        shares INTEGER NOT NULL CHECK (shares > 0),
        mode TEXT NOT NULL,
        memo TEXT,
        remaining BIGINT NOT NULL CHECK (remaining >= 0),
        shares_left INTEGER NOT NULL CHECK (shares_left >= 0),
        status TEXT NOT NULL CHECK (status IN ('open', 'empty', 'refunded')),
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        refunded BIGINT NOT NULL DEFAULT 0,
        refunded_at BIGINT
      )`,
      `CREATE INDEX lucky_envelopes_by_group ON lucky_envelopes (group_id, created_at)`,
      `CREATE TABLE lucky_grabs (
        envelope_id TEXT NOT NULL REFERENCES lucky_envelopes(envelope_id),
        wallet_id TEXT NOT NULL,
        share INTEGER NOT NULL,
        amount BIGINT NOT NULL CHECK (amount > 0),
        transfer_id TEXT NOT NULL UNIQUE,
        grabbed_at BIGINT NOT NULL,
        PRIMARY KEY (envelope_id, wallet_id),
        UNIQUE (envelope_id, share)
      )`,
    ],
  },
  {
    version: 4,
    name: 'offline money: issued root coins, spent set, spend outputs, fraud cases, deposits',
    sql: [
      `CREATE TABLE offline_loads (
        wallet_id TEXT NOT NULL,
        request_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        operator_id TEXT NOT NULL,
        amount BIGINT NOT NULL CHECK (amount > 0),
        transfer_id TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (wallet_id, request_id)
      )`,
      `CREATE TABLE offline_coins (
        coin_id TEXT PRIMARY KEY,
        operator_id TEXT NOT NULL,
        wallet_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        owner TEXT NOT NULL,
        amount BIGINT NOT NULL CHECK (amount > 0),
        expires_at BIGINT NOT NULL,
        max_hops INTEGER NOT NULL,
        issue TEXT NOT NULL,
        load_request_id TEXT NOT NULL,
        issued_at BIGINT NOT NULL
      )`,
      `CREATE INDEX offline_coins_by_load ON offline_coins (wallet_id, load_request_id)`,
      `CREATE INDEX offline_coins_by_owner ON offline_coins (owner)`,
      `CREATE TABLE offline_spends (
        input_coin_id TEXT PRIMARY KEY,
        spend_hash TEXT NOT NULL,
        spend TEXT NOT NULL,
        root_coin_id TEXT NOT NULL,
        operator_id TEXT NOT NULL,
        hop INTEGER NOT NULL,
        amount BIGINT NOT NULL,
        signer_device_id TEXT NOT NULL,
        signer_wallet_id TEXT NOT NULL,
        counterfeit INTEGER NOT NULL,
        to_issuer BIGINT NOT NULL,
        uploader TEXT NOT NULL,
        first_seen_at BIGINT NOT NULL
      )`,
      `CREATE TABLE offline_outputs (
        coin_id TEXT PRIMARY KEY,
        spend_hash TEXT NOT NULL,
        idx INTEGER NOT NULL,
        owner TEXT NOT NULL,
        amount BIGINT NOT NULL,
        counterfeit INTEGER NOT NULL,
        to_issuer INTEGER NOT NULL
      )`,
      `CREATE INDEX offline_outputs_by_spend ON offline_outputs (spend_hash)`,
      `CREATE INDEX offline_outputs_by_owner ON offline_outputs (owner)`,
      `CREATE TABLE fraud_cases (
        case_id TEXT PRIMARY KEY,
        coin_id TEXT NOT NULL,
        root_coin_id TEXT NOT NULL,
        operator_id TEXT NOT NULL,
        amount BIGINT NOT NULL,
        culprit_device_id TEXT NOT NULL,
        culprit_wallet_id TEXT NOT NULL,
        first_hash TEXT NOT NULL,
        second_hash TEXT NOT NULL,
        proof TEXT NOT NULL,
        losing_outputs TEXT NOT NULL,
        first_payee TEXT NOT NULL,
        second_payee TEXT NOT NULL,
        reported_by TEXT NOT NULL,
        recovered BIGINT NOT NULL,
        recovery_transfer_id TEXT,
        detected_at BIGINT NOT NULL,
        UNIQUE (coin_id, second_hash)
      )`,
      `CREATE INDEX fraud_cases_by_culprit ON fraud_cases (culprit_device_id)`,
      `CREATE TABLE offline_deposits (
        spend_hash TEXT PRIMARY KEY,
        coin_id TEXT NOT NULL UNIQUE,
        wallet_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        request_id TEXT NOT NULL,
        operator_id TEXT NOT NULL,
        amount BIGINT NOT NULL CHECK (amount > 0),
        kind TEXT NOT NULL CHECK (kind IN ('deposit', 'compensation')),
        transfer_id TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL
      )`,
      `CREATE INDEX devices_by_public_key ON devices (public_key)`,
    ],
  },
  {
    version: 5,
    name: 'restricted offline coins: the campaign of a root coin',
    sql: [
      `ALTER TABLE offline_coins ADD COLUMN campaign_id TEXT`,
      `CREATE INDEX offline_coins_by_campaign ON offline_coins (campaign_id)`,
    ],
  },
  {
    version: 6,
    name: 'revoked devices: a partial index (the revocation list is read at every sync)',
    sql: [`CREATE INDEX devices_revoked ON devices (device_id) WHERE revoked_at IS NOT NULL`],
  },
  {
    version: 7,
    name: 'spent set: the outputs of a spend found by their derived ids (SQLite drops an index)',
    sql: [],
  },
  {
    version: 8,
    name: 'ledger: a group read as a range of sequence numbers (SQLite drops an index)',
    sql: [],
  },
  {
    version: 9,
    name: 'offline holdings per key in place of an index by owner on outputs (SQLite)',
    sql: [],
  },
  {
    version: 10,
    name: 'spent set: outputs of recorded spends read from the spend itself (SQLite)',
    sql: [],
  },
  {
    version: 11,
    name: 'ledger: transfers keyed by their sequence number as the rowid (SQLite)',
    sql: [],
  },
  {
    version: 12,
    name: 'ledger: account histories as chains of sequence numbers, not indexes by account (SQLite)',
    sql: [],
  },
];
