-- Fewer index entries per distribution (issue 6, measured with deploy/local/bench.sh).
--
-- A lead's distribution updates last_received_at of every subscription it serves. With that column
-- in an index, every such update wrote a new entry into each of the table's indexes; without it the
-- update can be HOT (heap-only), given room on the page. Nothing queries subscriptions in fairness
-- order: a niche grain loads all of its subscriptions and orders them in memory.
DROP INDEX ix_subscriptions_fairness;
CREATE INDEX ix_subscriptions_level ON subscriptions (level_id);

-- Served by the unique (lead_id, provider_id) index; a lead has a handful of assignments to sort.
DROP INDEX ix_assignments_lead;

-- Leave room on each page for the new row versions of frequent updates (balances, pointers,
-- last_received_at), so they stay on the page and HOT.
ALTER TABLE subscriptions SET (fillfactor = 80);
ALTER TABLE providers SET (fillfactor = 80);
ALTER TABLE niches SET (fillfactor = 50);
