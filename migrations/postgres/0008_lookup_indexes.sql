-- Lookups by charge that scanned their whole table (EXPLAIN QUERY PLAN: SCAN), once per
-- refund paid: the sandbox's sum refunded per charge, and a charge's credit notes.
CREATE INDEX sandbox_refunds_charge ON sandbox_refunds(charge_id);
CREATE INDEX credit_notes_charge ON credit_notes(charge_id, id);
