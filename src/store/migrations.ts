/**
 * The store's schema, as numbered migrations applied in order on open. Both databases share the
 * numbers and the tables; only the SQL spelling differs, so each migration keeps its two dialects side
 * by side. Never edit a released migration: add the next number.
 */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

export type Dialect = "sqlite" | "postgres";

// Timestamps are ISO-8601 UTC text in both dialects (sortable, identical round-trip); lease expiry
// is epoch milliseconds so "expired" is one integer comparison.
const initialSqlite = `
CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE registry_revision (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL);
INSERT INTO registry_revision (id, revision) VALUES (1, 0);
CREATE TABLE integrations (
  account INTEGER PRIMARY KEY,
  provider TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  entity TEXT NOT NULL,
  profile_table TEXT,
  profile_table_id TEXT,
  reaid_attribute TEXT NOT NULL,
  email TEXT NOT NULL,
  key_fingerprint TEXT,
  email_sync INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'deactivated', 'failed')),
  managed_by TEXT,
  revision INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  sync_health TEXT NOT NULL DEFAULT 'never',
  sync_reason TEXT,
  sync_last_run TEXT,
  sync_seen INTEGER NOT NULL DEFAULT 0,
  sync_written INTEGER NOT NULL DEFAULT 0,
  sync_skipped INTEGER NOT NULL DEFAULT 0,
  sync_rejected INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE integration_accounts (
  account INTEGER PRIMARY KEY,
  owner INTEGER NOT NULL REFERENCES integrations (account) ON DELETE CASCADE
);
CREATE INDEX integration_accounts_owner ON integration_accounts (owner);
-- A rowid table with two unique indexes rather than WITHOUT ROWID: rows are appended, and the two
-- randomly-ordered indexes stay small (key + rowid), which halves the pages a batch of new e-mails
-- dirties.
CREATE TABLE reaids (
  id INTEGER PRIMARY KEY,
  namespace TEXT NOT NULL,
  email TEXT NOT NULL,
  reaid TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX reaids_email ON reaids (namespace, email);
CREATE UNIQUE INDEX reaids_reaid ON reaids (reaid);
CREATE TABLE journal (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  apply_id TEXT NOT NULL,
  account INTEGER NOT NULL,
  step TEXT NOT NULL,
  detail TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('pending', 'succeeded', 'failed')),
  started_at TEXT NOT NULL,
  ended_at TEXT,
  error TEXT
);
CREATE INDEX journal_apply ON journal (apply_id, id);
CREATE INDEX journal_pending ON journal (id) WHERE outcome = 'pending';
CREATE TABLE sync_checkpoints (account INTEGER PRIMARY KEY, checkpoint TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE rejections (
  account INTEGER NOT NULL,
  row_key TEXT NOT NULL,
  reason TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_seen TEXT NOT NULL,
  PRIMARY KEY (account, row_key)
);
CREATE TABLE import_quota (
  table_name TEXT NOT NULL,
  day TEXT NOT NULL,
  import_id TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (table_name, day, import_id)
);
CREATE TABLE locks (
  name TEXT PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  purpose TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  acquired_at TEXT NOT NULL
);
`;

const initialPostgres = `
CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE registry_revision (id INTEGER PRIMARY KEY CHECK (id = 1), revision BIGINT NOT NULL);
INSERT INTO registry_revision (id, revision) VALUES (1, 0);
CREATE TABLE integrations (
  account BIGINT PRIMARY KEY,
  provider TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  entity TEXT NOT NULL,
  profile_table TEXT,
  profile_table_id TEXT,
  reaid_attribute TEXT NOT NULL,
  email TEXT NOT NULL,
  key_fingerprint TEXT,
  email_sync BOOLEAN NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'deactivated', 'failed')),
  managed_by TEXT,
  revision BIGINT NOT NULL,
  updated_at TEXT NOT NULL,
  sync_health TEXT NOT NULL DEFAULT 'never',
  sync_reason TEXT,
  sync_last_run TEXT,
  sync_seen BIGINT NOT NULL DEFAULT 0,
  sync_written BIGINT NOT NULL DEFAULT 0,
  sync_skipped BIGINT NOT NULL DEFAULT 0,
  sync_rejected BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE integration_accounts (
  account BIGINT PRIMARY KEY,
  owner BIGINT NOT NULL REFERENCES integrations (account) ON DELETE CASCADE
);
CREATE INDEX integration_accounts_owner ON integration_accounts (owner);
CREATE TABLE reaids (
  namespace TEXT NOT NULL,
  email TEXT NOT NULL,
  reaid TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (namespace, email)
);
CREATE UNIQUE INDEX reaids_reaid ON reaids (reaid);
CREATE TABLE journal (
  id BIGSERIAL PRIMARY KEY,
  apply_id TEXT NOT NULL,
  account BIGINT NOT NULL,
  step TEXT NOT NULL,
  detail TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('pending', 'succeeded', 'failed')),
  started_at TEXT NOT NULL,
  ended_at TEXT,
  error TEXT
);
CREATE INDEX journal_apply ON journal (apply_id, id);
CREATE INDEX journal_pending ON journal (id) WHERE outcome = 'pending';
CREATE TABLE sync_checkpoints (account BIGINT PRIMARY KEY, checkpoint TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE rejections (
  account BIGINT NOT NULL,
  row_key TEXT NOT NULL,
  reason TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_seen TEXT NOT NULL,
  PRIMARY KEY (account, row_key)
);
CREATE TABLE import_quota (
  table_name TEXT NOT NULL,
  day TEXT NOT NULL,
  import_id TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (table_name, day, import_id)
);
CREATE TABLE locks (
  name TEXT PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  purpose TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  acquired_at TEXT NOT NULL
);
`;

// PostgreSQL compared e-mails and REAIDs with the database's collation (strcoll, e.g. en_US.UTF-8
// or C.UTF-8), which is slower than comparing bytes on every index probe and insert and orders
// e-mails differently from SQLite. Byte order ("C") is what an identifier wants: same order as
// SQLite's BINARY, ~10% less server time for a REAID back-fill on C.UTF-8 (bench/store.md), more
// with a linguistic collation. Only the indexes are rebuilt: the column values do not change.
// SQLite already compares TEXT byte by byte, so its half does nothing.
const byteOrderPostgres = `
ALTER TABLE reaids
  ALTER COLUMN namespace TYPE TEXT COLLATE "C",
  ALTER COLUMN email TYPE TEXT COLLATE "C",
  ALTER COLUMN reaid TYPE TEXT COLLATE "C";
`;
const byteOrderSqlite = "-- TEXT already compares byte by byte (BINARY) in SQLite.";

// Issue 14 (emi serve): service keys (only a hash of each), the webhook inbox (one row per profile
// waiting for its REAID; `seq` grows on every event so a processor never drops an event that came in
// while it worked) and the hashes of the webhook shared secrets, with the reference (never the value)
// of the Actito key that set them up, so a removed declaration's subscriptions can still be switched off.
const serveTables = (dialect: Dialect) => {
  const big = dialect === "postgres" ? "BIGINT" : "INTEGER";
  const serial = dialect === "postgres" ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
  return `
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  account ${big} NOT NULL,
  name TEXT,
  scope TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE TABLE webhook_inbox (
  id ${serial},
  account ${big} NOT NULL,
  profile_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  seq ${big} NOT NULL,
  received_at TEXT NOT NULL,
  UNIQUE (account, profile_id)
);
CREATE INDEX webhook_inbox_account ON webhook_inbox (account, id);
CREATE TABLE webhook_secrets (
  account ${big} PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  secret_ref TEXT NOT NULL,
  created_at TEXT NOT NULL,
  previous_hash TEXT,
  previous_until TEXT
);
`;
};
// When each integration last synced and when it is due again (src/store/sql-sync-schedule.ts).
const syncScheduleSql = `
CREATE TABLE sync_schedule (
  account BIGINT PRIMARY KEY,
  last_success_at TEXT,
  last_full_at TEXT,
  failures INTEGER NOT NULL DEFAULT 0,
  retry_at TEXT,
  due_reason TEXT,
  without_reaid BIGINT,
  skipped_at_full BIGINT,
  updated_at TEXT NOT NULL
);
`;

// Issue 25 (fenced leases): every acquisition of a lease name takes the next fencing token, and a
// released lease keeps its row (expires_at 0) so that the next holder's token is still larger.
const leaseTokensSql = (dialect: Dialect) =>
  `ALTER TABLE locks ADD COLUMN token ${dialect === "postgres" ? "BIGINT" : "INTEGER"} NOT NULL DEFAULT 0;`;

// Issue 28 (privacy): the store identifies an address by its keyed hash (see AddressHasher), never
// by the address. Version 7 adds the hash column and the erasure records; the rows are hashed in
// batches between 7 and 8 (hashStoredAddresses: it needs the store key, which SQL does not have);
// version 8 drops the addresses. Stores made by this version go through all of it on empty tables.
const addressHashSqlite = `
ALTER TABLE reaids ADD COLUMN email_hash TEXT;
ALTER TABLE reaids ADD COLUMN seen_at TEXT;
CREATE TABLE erasures (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account INTEGER NOT NULL,
  reason TEXT NOT NULL,
  erased INTEGER NOT NULL,
  erased_at TEXT NOT NULL
);
`;
const addressHashPostgres = `
ALTER TABLE reaids ADD COLUMN email_hash TEXT COLLATE "C";
ALTER TABLE reaids ADD COLUMN seen_at TEXT;
CREATE TABLE erasures (
  id BIGSERIAL PRIMARY KEY,
  account BIGINT NOT NULL,
  reason TEXT NOT NULL,
  erased BIGINT NOT NULL,
  erased_at TEXT NOT NULL
);
`;
// The hash takes the address's place in the unique index; SQLite cannot add NOT NULL to a column,
// PostgreSQL does (and its primary key needs it).
const noAddressesSqlite = `
DROP INDEX reaids_email;
ALTER TABLE reaids DROP COLUMN email;
CREATE UNIQUE INDEX reaids_email_hash ON reaids (namespace, email_hash);
`;
const noAddressesPostgres = `
ALTER TABLE reaids DROP CONSTRAINT reaids_pkey;
ALTER TABLE reaids DROP COLUMN email;
ALTER TABLE reaids ALTER COLUMN email_hash SET NOT NULL;
ALTER TABLE reaids ADD PRIMARY KEY (namespace, email_hash);
`;

/** The migration after which the store holds no address (see hashStoredAddresses). */
export const NO_ADDRESSES_VERSION = 8;
// Issue 25: service keys belong to integrations. Every integration gets a stable id (assigned when
// it is activated; a new one when a deactivated account is activated again), and every key is bound
// to the id of the integration that held its account when the key was made. Keys made before this
// migration are bound to the integration holding their account now; a key whose account has no
// integration, or only a deactivated one, is revoked here (it could never work again).
const keyBinding = (dialect: Dialect) => {
  const randomId =
    dialect === "postgres"
      ? "'int_' || substr(md5(random()::text || clock_timestamp()::text || account::text), 1, 16)"
      : "'int_' || lower(hex(randomblob(8)))";
  const now =
    dialect === "postgres"
      ? `to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
      : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
  return `
ALTER TABLE integrations ADD COLUMN integration_id TEXT;
UPDATE integrations SET integration_id = ${randomId};
CREATE UNIQUE INDEX integrations_integration_id ON integrations (integration_id);
ALTER TABLE api_keys ADD COLUMN integration_id TEXT;
UPDATE api_keys SET integration_id = (
  SELECT i.integration_id FROM integration_accounts a JOIN integrations i ON i.account = a.owner
  WHERE a.account = api_keys.account
);
UPDATE api_keys SET revoked_at = ${now} WHERE revoked_at IS NULL AND (
  integration_id IS NULL
  OR integration_id IN (SELECT integration_id FROM integrations WHERE status = 'deactivated')
);
CREATE INDEX api_keys_binding ON api_keys (integration_id, account);
`;
};

// Issue 28, continued: an address's hash is its HMAC's first 22 base64url characters (see
// HASH_CHARACTERS), which halves the address index. The first 22 characters of the 43 stored before
// are exactly that, so SQL cuts them in place; a release before this one refuses the store (its
// schema version), rather than looking addresses up by 43 characters and finding none.
const shortHashesSql =
  "UPDATE reaids SET email_hash = substr(email_hash, 1, 22) WHERE length(email_hash) > 22;";

/** Every migration, in order. */
export const migrations: readonly Migration[] = [
  { version: 1, name: "initial schema", sqlite: initialSqlite, postgres: initialPostgres },
  {
    version: 2,
    name: "REAIDs compared byte by byte",
    sqlite: byteOrderSqlite,
    postgres: byteOrderPostgres,
  },
  { version: 4, name: "sync schedule", sqlite: syncScheduleSql, postgres: syncScheduleSql },
  {
    version: 5,
    name: "service keys, webhook inbox and webhook secrets",
    sqlite: serveTables("sqlite"),
    postgres: serveTables("postgres"),
  },
  {
    version: 6,
    name: "fencing tokens of leases",
    sqlite: leaseTokensSql("sqlite"),
    postgres: leaseTokensSql("postgres"),
  },
  {
    version: 7,
    name: "keyed address hashes and erasure records",
    sqlite: addressHashSqlite,
    postgres: addressHashPostgres,
  },
  {
    version: NO_ADDRESSES_VERSION,
    name: "no e-mail address in the store",
    sqlite: noAddressesSqlite,
    postgres: noAddressesPostgres,
  },
  {
    version: 9,
    name: "service keys bound to a stable integration id",
    sqlite: keyBinding("sqlite"),
    postgres: keyBinding("postgres"),
  },
  { version: 10, name: "address hashes of 22 characters", sqlite: shortHashesSql, postgres: shortHashesSql },
];

/** Bookkeeping table, created before any numbered migration runs. Same SQL in both dialects. */
export const migrationsTableSql =
  "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
