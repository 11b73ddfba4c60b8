-- Each lead's approval of a refund request as one row keyed by (refund, voter), written
-- only by a conditional statement in the transaction that evaluates quorum (insert if
-- absent; update only while `seq` is what was read): two processes can neither both count
-- a vote nor lose a withdrawal. `present` says whether the approval stands; `seq` is the
-- newest observation applied (a reaction as Discord had it at that instant, microseconds),
-- so an older observation arriving late changes nothing; `ord` keeps the order in which
-- approvals were given. `refunds.approvals` remains a copy written in the same transaction.
CREATE TABLE refund_votes (
    refund_id  BIGINT NOT NULL REFERENCES refunds(id),
    voter      TEXT   NOT NULL,
    present    BIGINT NOT NULL,
    seq        BIGINT NOT NULL,
    ord        BIGINT NOT NULL,
    PRIMARY KEY (refund_id, voter)
);

INSERT INTO refund_votes (refund_id, voter, present, seq, ord)
SELECT r.id, j.value, 1, 0, j.ord FROM refunds r, json_array_elements_text(r.approvals::json) WITH ORDINALITY AS j(value, ord);
