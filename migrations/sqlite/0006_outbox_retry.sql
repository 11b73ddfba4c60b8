-- Outbox delivery per item (paydesk issue 9): each item has its own retry state, so one
-- item Discord keeps refusing never holds back the others. `destination` names where an
-- item goes (a case thread, a DM, a channel, an interaction, an approval message); order is
-- kept only among items of one destination. `status` ends in 'delivered' or 'dead' (given
-- up on after its last attempt, or refused for good; counted and shown to staff).

ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead'));
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN destination TEXT;

UPDATE outbox SET status = 'delivered' WHERE delivered_at IS NOT NULL;

CREATE INDEX outbox_due ON outbox(id) WHERE status = 'pending';
CREATE INDEX outbox_by_destination ON outbox(destination, id) WHERE status = 'pending';

-- The last message read per Discord channel (support channels, case threads): after a
-- restart the bot reads what was written meanwhile (`GET /channels/{id}/messages?after=`).
CREATE TABLE discord_cursors (
    channel_id  TEXT PRIMARY KEY,
    message_id  TEXT NOT NULL
);
