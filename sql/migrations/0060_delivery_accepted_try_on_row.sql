-- Fewer rows and index entries per delivery (0005_delivery.sql made the tables).
--
-- Nearly every delivery is accepted at its first try, and an attempt row for that try repeated what
-- the delivery row records anyway. The accepted try is now kept on the delivery row: its number,
-- start, latency and silo here, its status code in last_status_code. delivery_attempts keeps the
-- failed tries, and an accepted one only when its silo had lost the lease (it may not write the
-- delivery row then). delivery_attempt_log reads both as the one log delivery_attempts used to be.
-- A resend moves the row's accepted try into delivery_attempts before the delivery goes out again.
ALTER TABLE deliveries
    ADD COLUMN accepted_attempt    integer NULL,
    ADD COLUMN accepted_started_at timestamptz NULL,
    ADD COLUMN accepted_latency_ms integer NULL,
    ADD COLUMN accepted_by         text NULL;

-- Every try of every delivery: logged_id orders tries of the same number as they were recorded,
-- the try kept on the delivery row (no logged_id) last.
CREATE VIEW delivery_attempt_log AS
SELECT t.delivery_id, t.attempt, t.started_at, t.latency_ms, t.outcome, t.status_code, t.error, t.silo, t.id AS logged_id
  FROM delivery_attempts t
UNION ALL
SELECT d.id, d.accepted_attempt, d.accepted_started_at, d.accepted_latency_ms, 'accepted'::text, d.last_status_code, NULL::text,
       d.accepted_by, NULL::bigint
  FROM deliveries d
 WHERE d.accepted_attempt IS NOT NULL;

-- The retention job was this index's only reader, and every delivery paid a B-tree entry for it
-- when it was delivered. A delivery is created before it is delivered or resolved, so the job now
-- narrows by created_at, which a BRIN index (a few pages, rows arrive in created_at order) serves.
DROP INDEX ix_deliveries_delivered;
CREATE INDEX ix_deliveries_created ON deliveries USING brin (created_at);
