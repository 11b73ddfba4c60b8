-- The audit trail's head and signatures (keep in step with migrations/postgres/0004_audit_head.sql).
--
-- audit.mac: HMAC-SHA256 of the record's hash under PAYDESK_AUDIT_KEY (hex), NULL for
-- records written before this migration or without a key. The chain hash is unchanged,
-- so records written before stay verifiable; the first signed record vouches for them.
-- audit_head: one row, the record count and last hash (signed like a record), updated
-- by every append in its transaction. Deleting or cutting off records no longer
-- verifies. It replaces the 'audit' row of counters as what serialises appenders.
ALTER TABLE audit ADD COLUMN mac TEXT;

CREATE TABLE audit_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    count      INTEGER NOT NULL,
    last_hash  TEXT NOT NULL,
    mac        TEXT
);
INSERT INTO audit_head (id, count, last_hash, mac)
SELECT 1, (SELECT COUNT(*) FROM audit), COALESCE((SELECT hash FROM audit ORDER BY seq DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000'), NULL;

-- SQLite has no TRUNCATE; DELETE on audit is refused since 0001.
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head WHEN NEW.id <> OLD.id OR NEW.count <> OLD.count + 1
BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward, one record at a time'); END;
