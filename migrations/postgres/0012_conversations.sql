-- What paydesk remembers of a conversation with a customer.
-- The language they write in (ISO 639-1), kept so that a short follow-up ("ok", "1") is
-- answered in it too; `fallback_noted`: they were told once that paydesk answers a
-- language without message files in English.
CREATE TABLE customer_languages (
    user_id        TEXT    PRIMARY KEY,
    lang           TEXT    NOT NULL,
    fallback_noted BIGINT NOT NULL DEFAULT 0
);

-- The question back waiting for a customer's answer (one per customer): the readings
-- offered (intent names, comma-separated, in the order numbered), the entities and the
-- redacted text of the message it is about, and when it was asked (microseconds; it
-- expires after `question_expiry`). Taken by the answer in one DELETE … RETURNING, so
-- an answer on any instance, after a restart too, routes the case once.
CREATE TABLE pending_questions (
    user_id   TEXT   PRIMARY KEY,
    choices   TEXT   NOT NULL,
    entities  TEXT   NOT NULL,
    text      TEXT   NOT NULL,
    asked_at  BIGINT NOT NULL
);
