-- paydesk schema, SQLite. Money: INTEGER at scale 6 (1 = 0.000001). Times: INTEGER
-- microseconds since the Unix epoch. Flags: INTEGER 0/1. Keep in step with
-- migrations/postgres (same versions, same columns).

CREATE TABLE accounts (
    id                     TEXT PRIMARY KEY,
    currency               TEXT NOT NULL,
    auto_recharge_below    INTEGER,
    auto_recharge_credits  INTEGER
);

CREATE TABLE users (
    id          TEXT PRIMARY KEY,
    roles       TEXT NOT NULL,
    account_id  TEXT REFERENCES accounts(id)
);
CREATE INDEX users_account ON users(account_id);

CREATE TABLE charges (
    id               TEXT PRIMARY KEY,
    account_id       TEXT NOT NULL REFERENCES accounts(id),
    amount           INTEGER NOT NULL CHECK (amount >= 0),
    currency         TEXT NOT NULL,
    at               INTEGER NOT NULL,
    method           TEXT NOT NULL,
    card_last4       TEXT CHECK (card_last4 IS NULL OR length(card_last4) = 4),
    kind             TEXT NOT NULL,
    description      TEXT NOT NULL,
    fee              INTEGER NOT NULL CHECK (fee >= 0),
    wallet_selected  INTEGER NOT NULL,
    disputed         INTEGER NOT NULL,
    provider         TEXT NOT NULL
);
CREATE INDEX charges_account ON charges(account_id, at);

CREATE TABLE subscriptions (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    charge_id   TEXT NOT NULL REFERENCES charges(id),
    months      INTEGER NOT NULL CHECK (months > 0),
    start_at    INTEGER NOT NULL
);
CREATE INDEX subscriptions_charge ON subscriptions(charge_id);

-- The wallet is its entries: a balance is SUM(amount), never stored alone.
CREATE TABLE wallet_entries (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    currency    TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX wallet_entries_account ON wallet_entries(account_id, currency);

CREATE TABLE cases (
    number      INTEGER PRIMARY KEY,
    customer    TEXT NOT NULL,
    account_id  TEXT REFERENCES accounts(id),
    charge_id   TEXT REFERENCES charges(id),
    intent      TEXT NOT NULL,
    status      TEXT NOT NULL,
    channel     TEXT NOT NULL,
    opened_at   INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX cases_customer ON cases(customer, number);
CREATE INDEX cases_account ON cases(account_id, number);

CREATE TABLE refunds (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    case_number       INTEGER NOT NULL REFERENCES cases(number),
    charge_id         TEXT NOT NULL REFERENCES charges(id),
    amount            INTEGER NOT NULL CHECK (amount > 0),
    currency          TEXT NOT NULL,
    status            TEXT NOT NULL,
    rule              TEXT NOT NULL,
    reason            TEXT NOT NULL,
    requested_by      TEXT NOT NULL,
    is_override       INTEGER NOT NULL,
    leads_needed      INTEGER NOT NULL,
    requested_at      INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    approvals         TEXT NOT NULL,
    approved_by       TEXT NOT NULL,
    idempotency_key   TEXT UNIQUE,
    provider          TEXT NOT NULL,
    provider_ref      TEXT,
    message_ref       TEXT UNIQUE,
    attempts          INTEGER NOT NULL,
    first_attempt_at  INTEGER,
    next_attempt_at   INTEGER,
    needs_lookup      INTEGER NOT NULL,
    last_error        TEXT,
    lease_owner       TEXT,
    lease_until       INTEGER
);
CREATE INDEX refunds_case ON refunds(case_number, id);
CREATE INDEX refunds_charge ON refunds(charge_id);
CREATE INDEX refunds_due ON refunds(status, next_attempt_at);
CREATE INDEX refunds_expiry ON refunds(status, expires_at);

CREATE TABLE credit_notes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    charge_id   TEXT NOT NULL REFERENCES charges(id),
    amount      INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    at          INTEGER NOT NULL,
    issued_by   TEXT NOT NULL
);

-- Outgoing chat actions, written in the transaction of the event that caused them.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    message_ref   TEXT,
    payload       TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    delivered_at  INTEGER
);
CREATE INDEX outbox_pending ON outbox(id) WHERE delivered_at IS NULL;

-- Append-only, hash-chained.
CREATE TABLE audit (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    case_number  TEXT,
    action       TEXT NOT NULL,
    detail       TEXT NOT NULL,
    rule         TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_case ON audit(case_number, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

CREATE TABLE counters (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);

-- Platform event ids already handled (redelivered events change nothing).
CREATE TABLE seen_events (
    key  TEXT PRIMARY KEY,
    at   INTEGER NOT NULL
);

-- The built-in sandbox provider's own books: what it paid out, by idempotency key.
CREATE TABLE sandbox_refunds (
    idempotency_key  TEXT PRIMARY KEY,
    charge_id        TEXT NOT NULL,
    amount           INTEGER NOT NULL,
    currency         TEXT NOT NULL,
    provider_ref     TEXT NOT NULL,
    at               INTEGER NOT NULL
);
