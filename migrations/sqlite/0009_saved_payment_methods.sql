-- Auto-recharge through a provider: the payment method a provider saved for an account
-- (Stripe: the customer and payment method of a Checkout Session made with
-- setup_future_usage=off_session), charged again without the customer; and which
-- purchases are such off-session charges (no hosted page). Keep in step with
-- migrations/postgres/0009_saved_payment_methods.sql.
CREATE TABLE saved_payment_methods (
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    provider       TEXT NOT NULL,
    customer       TEXT NOT NULL,
    payment_method TEXT NOT NULL,
    saved_at       INTEGER NOT NULL,
    PRIMARY KEY (account_id, provider)
);
ALTER TABLE purchases ADD COLUMN off_session INTEGER NOT NULL DEFAULT 0;
