-- Lookups that scanned a whole table (EXPLAIN QUERY PLAN: SCAN), found with `paydesk bench
-- --only scale` (issue 13) on a store of 990,000 cases. Keep in step with
-- migrations/postgres/0013_scale_indexes.sql.
--
-- A requester's auto-approved sum of the last 24 hours, read by every /refund: it scanned
-- every refund ever requested (69 ms at 505,000 refunds; replayed events/s fell to 0.34x
-- of the rate at 10,000 cases).
CREATE INDEX refunds_requester ON refunds(requested_by, requested_at);
-- The queue of open cases, least recently updated first (/queue, `paydesk queue`, the
-- daily summary's open cases): it scanned every case ever opened (150 ms at 990,000).
CREATE INDEX cases_status ON cases(status, updated_at, number);
-- The daily summary and `paydesk report` read the cases and refunds of the last day; the
-- summary runs in the path of the first event after its hour. Written once per row (the
-- times never change), so they cost an insert, not every update.
CREATE INDEX cases_opened ON cases(opened_at, number);
CREATE INDEX refunds_requested ON refunds(requested_at, id);
-- The outbox's dead items, counted at every /metrics scrape and /readyz: the count scanned
-- every item ever sent. Only dead items are in this index.
CREATE INDEX outbox_dead ON outbox(id) WHERE status = 'dead';
