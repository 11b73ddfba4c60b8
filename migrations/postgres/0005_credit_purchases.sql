-- Credits bought through the bot itself (/wallet buy, auto-recharge): the wallet value
-- each charge added. Such a charge is a deliberate purchase, never a duplicate, and
-- refunding it takes its credits back out of the wallet.
CREATE TABLE credit_purchases (
    charge_id TEXT PRIMARY KEY REFERENCES charges(id),
    value     BIGINT NOT NULL CHECK (value >= 0),
    origin    TEXT NOT NULL
);

-- Goodwill credits above `goodwill_two_lead_above` wait here for a second lead.
CREATE TABLE goodwill_requests (
    id           BIGSERIAL PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts(id),
    currency     TEXT NOT NULL,
    amount       BIGINT NOT NULL CHECK (amount > 0),
    reason       TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    status       TEXT NOT NULL,
    message_ref  TEXT,
    decided_by   TEXT
);
CREATE INDEX goodwill_requests_message ON goodwill_requests(message_ref);
