-- Payment providers: webhook deliveries seen (a replayed or repeated event changes
-- nothing: the row is written in the transaction of the change), and refunds found by
-- the provider's reference. Keep in step with migrations/sqlite/0003_providers.sql.

CREATE TABLE webhook_events (
    provider     TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    received_at  BIGINT NOT NULL,
    PRIMARY KEY (provider, event_id)
);

CREATE INDEX refunds_provider_ref ON refunds(provider, provider_ref);
