-- paydesk schema, PostgreSQL. Money: BIGINT at scale 6 (1 = 0.000001). Times: BIGINT
-- microseconds since the Unix epoch. Flags: BIGINT 0/1. Keep in step with
-- migrations/postgres (same versions, same columns).

CREATE TABLE accounts (
    id                     TEXT PRIMARY KEY,
    currency               TEXT NOT NULL,
    auto_recharge_below    BIGINT,
    auto_recharge_credits  BIGINT
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
    amount           BIGINT NOT NULL CHECK (amount >= 0),
    currency         TEXT NOT NULL,
    at               BIGINT NOT NULL,
    method           TEXT NOT NULL,
    card_last4       TEXT CHECK (card_last4 IS NULL OR char_length(card_last4) = 4),
    kind             TEXT NOT NULL,
    description      TEXT NOT NULL,
    fee              BIGINT NOT NULL CHECK (fee >= 0),
    wallet_selected  BIGINT NOT NULL,
    disputed         BIGINT NOT NULL,
    provider         TEXT NOT NULL
);
CREATE INDEX charges_account ON charges(account_id, at);

CREATE TABLE subscriptions (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    charge_id   TEXT NOT NULL REFERENCES charges(id),
    months      BIGINT NOT NULL CHECK (months > 0),
    start_at    BIGINT NOT NULL
);
CREATE INDEX subscriptions_charge ON subscriptions(charge_id);

-- The wallet is its entries: a balance is SUM(amount), never stored alone.
CREATE TABLE wallet_entries (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    currency    TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX wallet_entries_account ON wallet_entries(account_id, currency);

CREATE TABLE cases (
    number      BIGINT PRIMARY KEY,
    customer    TEXT NOT NULL,
    account_id  TEXT REFERENCES accounts(id),
    charge_id   TEXT REFERENCES charges(id),
    intent      TEXT NOT NULL,
    status      TEXT NOT NULL,
    channel     TEXT NOT NULL,
    opened_at   BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX cases_customer ON cases(customer, number);
CREATE INDEX cases_account ON cases(account_id, number);

CREATE TABLE refunds (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_number       BIGINT NOT NULL REFERENCES cases(number),
    charge_id         TEXT NOT NULL REFERENCES charges(id),
    amount            BIGINT NOT NULL CHECK (amount > 0),
    currency          TEXT NOT NULL,
    status            TEXT NOT NULL,
    rule              TEXT NOT NULL,
    reason            TEXT NOT NULL,
    requested_by      TEXT NOT NULL,
    is_override       BIGINT NOT NULL,
    leads_needed      BIGINT NOT NULL,
    requested_at      BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    approvals         TEXT NOT NULL,
    approved_by       TEXT NOT NULL,
    idempotency_key   TEXT UNIQUE,
    provider          TEXT NOT NULL,
    provider_ref      TEXT,
    message_ref       TEXT UNIQUE,
    attempts          BIGINT NOT NULL,
    first_attempt_at  BIGINT,
    next_attempt_at   BIGINT,
    needs_lookup      BIGINT NOT NULL,
    last_error        TEXT,
    lease_owner       TEXT,
    lease_until       BIGINT
);
CREATE INDEX refunds_case ON refunds(case_number, id);
CREATE INDEX refunds_charge ON refunds(charge_id);
CREATE INDEX refunds_due ON refunds(status, next_attempt_at);
CREATE INDEX refunds_expiry ON refunds(status, expires_at);

CREATE TABLE credit_notes (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    charge_id   TEXT NOT NULL REFERENCES charges(id),
    amount      BIGINT NOT NULL,
    currency    TEXT NOT NULL,
    at          BIGINT NOT NULL,
    issued_by   TEXT NOT NULL
);

-- Outgoing chat actions, written in the transaction of the event that caused them.
CREATE TABLE outbox (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_ref   TEXT,
    payload       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    delivered_at  BIGINT
);
CREATE INDEX outbox_pending ON outbox(id) WHERE delivered_at IS NULL;

-- Append-only, hash-chained.
CREATE TABLE audit (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    case_number  TEXT,
    action       TEXT NOT NULL,
    detail       TEXT NOT NULL,
    rule         TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_case ON audit(case_number, seq);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();

CREATE TABLE counters (
    name   TEXT PRIMARY KEY,
    value  BIGINT NOT NULL
);

-- Platform event ids already handled (redelivered events change nothing).
CREATE TABLE seen_events (
    key  TEXT PRIMARY KEY,
    at   BIGINT NOT NULL
);

-- The built-in sandbox provider's own books: what it paid out, by idempotency key.
CREATE TABLE sandbox_refunds (
    idempotency_key  TEXT PRIMARY KEY,
    charge_id        TEXT NOT NULL,
    amount           BIGINT NOT NULL,
    currency         TEXT NOT NULL,
    provider_ref     TEXT NOT NULL,
    at               BIGINT NOT NULL
);
