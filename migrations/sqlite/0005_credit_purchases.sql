-- Credits bought through the bot itself (/wallet buy, auto-recharge): the wallet value
-- each charge added. Such a charge is a deliberate purchase, never a duplicate, and
-- refunding it takes its credits back out of the wallet.
CREATE TABLE credit_purchases (
    charge_id TEXT PRIMARY KEY REFERENCES charges(id),
    value     INTEGER NOT NULL CHECK (value >= 0),
    origin    TEXT NOT NULL
);
