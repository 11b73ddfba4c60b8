-- Discord surface: where our messages live on Discord, and outbox claims so that several
-- bot instances never deliver the same item twice.

ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claim_until INTEGER;

-- One row per delivered outbox item (a crash between sending and marking delivered
-- finds the row and does not post again; Discord's nonce covers the send itself).
CREATE TABLE discord_sent (
    outbox_id   INTEGER PRIMARY KEY,
    channel_id  TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    at          INTEGER NOT NULL
);

-- Our message refs (m12) on Discord; approval requests keep their payload (to edit the
-- embed) and whether they are still open (to read reactions back after a reconnect).
CREATE TABLE discord_messages (
    message_ref  TEXT PRIMARY KEY,
    channel_id   TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    case_number  INTEGER,
    payload      TEXT,
    status       TEXT,
    open         INTEGER NOT NULL DEFAULT 0,
    at           INTEGER NOT NULL
);
CREATE INDEX discord_messages_by_id ON discord_messages(message_id);
CREATE INDEX discord_messages_open ON discord_messages(open) WHERE open = 1;

-- Each case's private thread.
CREATE TABLE discord_threads (
    case_number  INTEGER PRIMARY KEY,
    parent_id    TEXT NOT NULL,
    thread_id    TEXT NOT NULL,
    customer     TEXT NOT NULL,
    at           INTEGER NOT NULL
);

-- Slash command invocations still able to answer (tokens live 15 minutes).
CREATE TABLE discord_interactions (
    key         TEXT PRIMARY KEY,
    token       TEXT NOT NULL,
    channel_id  TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    answered    INTEGER NOT NULL DEFAULT 0,
    at          INTEGER NOT NULL
);

-- Reactions as last seen, so a redelivered add/remove changes nothing and reactions
-- read back after a reconnect apply once.
CREATE TABLE discord_reactions (
    message_id  TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    emoji       TEXT NOT NULL,
    present     INTEGER NOT NULL,
    toggles     INTEGER NOT NULL,
    PRIMARY KEY (message_id, user_id, emoji)
);
