-- The audit trail's head and signatures (keep in step with migrations/sqlite/0004_audit_head.sql).
--
-- audit.mac: HMAC-SHA256 of the record's hash under PAYDESK_AUDIT_KEY (hex), NULL for
-- records written before this migration or without a key. The chain hash is unchanged,
-- so records written before stay verifiable; the first signed record vouches for them.
-- audit_head: one row, the record count and last hash (signed like a record), updated
-- by every append in its transaction. Deleting or cutting off records no longer
-- verifies. It replaces the 'audit' row of counters as what serialises appenders; every
-- write transaction locks it first (see ARCHITECTURE.md, Concurrency).
ALTER TABLE audit ADD COLUMN mac TEXT;

CREATE TABLE audit_head (
    id         SMALLINT PRIMARY KEY CHECK (id = 1),
    count      BIGINT NOT NULL,
    last_hash  TEXT NOT NULL,
    mac        TEXT
);
INSERT INTO audit_head (id, count, last_hash, mac)
SELECT 1, (SELECT COUNT(*) FROM audit), COALESCE((SELECT hash FROM audit ORDER BY seq DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000'), NULL;

-- TRUNCATE skips row triggers: refuse it with statement triggers.
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.count = OLD.count + 1 THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit head only moves forward, one record at a time';
END;
$$;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
