-- A niche's save of its last services locks and updates its subscriptions in one statement. As a
-- lock step (a sorted SELECT ... FOR NO KEY UPDATE SKIP LOCKED into an array) followed by an update
-- of the locked ids it took 4.6-5.7 ms for a W1 niche's 62 subscriptions on a quiet benchmark
-- database, in one statement 1.4-1.6 ms (generic plans); inside a run at 1,500 leads/s, 4.7 ms
-- (1.9 + 2.8) against 3.3 ms. Every niche saves every few seconds.
-- Behaviour unchanged: rows another transaction holds are skipped and stay for the next save, the
-- watermark moves only when every subscription was saved, and the saved ids are returned. The
-- lock no longer goes in id order: SKIP LOCKED never waits, so the order cannot deadlock.
CREATE OR REPLACE FUNCTION save_services(p_niche uuid, p_subscriptions uuid[], p_served_at timestamptz[], p_until timestamptz)
RETURNS uuid[]
LANGUAGE plpgsql AS $$
DECLARE
    v_saved uuid[];
BEGIN
    WITH held AS (
        SELECT s.id FROM subscriptions s
         WHERE s.id = ANY(p_subscriptions) AND s.niche_id = p_niche
           FOR NO KEY UPDATE SKIP LOCKED),
    saved AS (
        UPDATE subscriptions s SET last_received_at = greatest(s.last_received_at, x.served_at)
          FROM held h, unnest(p_subscriptions, p_served_at) AS x(id, served_at)
         WHERE s.id = h.id AND x.id = h.id
        RETURNING s.id)
    SELECT coalesce(array_agg(id), '{}') INTO v_saved FROM saved;
    IF cardinality(v_saved) = cardinality(p_subscriptions) THEN
        INSERT INTO niche_services_saved AS w (niche_id, saved_until) VALUES (p_niche, p_until)
        ON CONFLICT (niche_id) DO UPDATE SET saved_until = greatest(w.saved_until, excluded.saved_until);
    END IF;
    RETURN v_saved;
END $$;
