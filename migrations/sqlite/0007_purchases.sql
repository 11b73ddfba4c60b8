-- Credits bought through a provider's hosted payment page (Stripe Checkout, Mollie):
-- pending until the provider confirms, then paid (exactly once: a conditional update in
-- the transaction of the wallet entry), expired or failed. Keep in step with
-- migrations/postgres/0007_purchases.sql.
CREATE TABLE purchases (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   TEXT NOT NULL REFERENCES accounts(id),
    user_id      TEXT NOT NULL,
    provider     TEXT NOT NULL,
    credits      INTEGER NOT NULL CHECK (credits > 0),
    value        INTEGER NOT NULL CHECK (value >= 0),
    total        INTEGER NOT NULL CHECK (total > 0),
    fee          INTEGER NOT NULL CHECK (fee >= 0),
    currency     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'expired', 'failed')),
    provider_ref TEXT,
    url          TEXT,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    charge_id    TEXT REFERENCES charges(id),
    CHECK (status <> 'paid' OR charge_id IS NOT NULL)
);
CREATE UNIQUE INDEX purchases_provider_ref ON purchases(provider, provider_ref);
CREATE INDEX purchases_pending ON purchases(status, expires_at);
