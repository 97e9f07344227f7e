-- A delivery in flight is no longer due: a claim or a cursor step that leases a delivery moves its
-- next_attempt_at to the lease's end, the moment another silo may claim it if this one never records
-- the try. Before (0005_delivery.sql), an in-flight delivery kept its due time, so every claim's scan of
-- ix_deliveries_due in due order passed over all the deliveries in flight (up to MaxInFlight per silo)
-- before reaching one it could take. The claims (DeliveryStore) set it likewise; the recording of a
-- try sets it as before (a retry's time, or left as it is once delivered or dead).
--
-- step_delivery_cursor from its body in 0005_delivery.sql; only the inserted next_attempt_at changes.
CREATE OR REPLACE FUNCTION step_delivery_cursor(p_now timestamptz, p_give_up_after interval, p_limit integer, p_done bigint[],
                                     p_lease_until timestamptz, p_lease_token uuid, p_silo text, p_take integer,
                                     p_per_endpoint integer, p_busy_providers uuid[], p_busy_channels text[], p_busy_counts integer[])
RETURNS TABLE (stepped boolean, passed_seq bigint, runs bigint[], created integer, leased uuid[])
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_position bigint;
    v_horizon_seq bigint;
    v_horizon_xmax xid8;
    v_runs bigint[];
    v_seen bigint;
    v_truncated boolean;
    v_horizon_passed boolean;
    v_created integer;
    v_leased uuid[];
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('delivery_cursor')) THEN
        RETURN QUERY SELECT false, NULL::bigint, '{}'::bigint[], 0, '{}'::uuid[];
        RETURN;
    END IF;
    SELECT c.passed_seq, c.horizon_seq, c.horizon_xmax INTO v_position, v_horizon_seq, v_horizon_xmax
      FROM delivery_cursor c FOR UPDATE;
    -- Checked before the read below, whose later snapshot then sees every run up to the horizon.
    v_horizon_passed := v_horizon_seq IS NOT NULL AND pg_snapshot_xmin(pg_current_snapshot()) >= v_horizon_xmax;

    -- One snapshot: the first runs above the position in seq order, so every visible run up to
    -- v_seen is either read now or one the caller handled.
    SELECT coalesce(array_agg(x.seq ORDER BY x.seq) FILTER (WHERE NOT x.done), '{}'), max(x.seq), count(*) = p_limit + cardinality(p_done)
      INTO v_runs, v_seen, v_truncated
      FROM (SELECT r.seq, r.seq = ANY(p_done) AS done FROM distribution_runs r
             WHERE r.seq > v_position
             ORDER BY r.seq LIMIT p_limit + cardinality(p_done)) x;

    WITH inserted AS (
        INSERT INTO deliveries (id, assignment_id, channel, workspace_id, provider_id, lead_id, assigned_at, next_attempt_at, give_up_at, created_at,
                                attempts, lease_until, lease_token, leased_by)
        SELECT gen_random_uuid(), n.assignment_id, n.channel, n.workspace_id, n.provider_id, n.lead_id, n.assigned_at,
               CASE WHEN n.take THEN p_lease_until ELSE p_now END, p_now + p_give_up_after, p_now,
               CASE WHEN n.take THEN 1 ELSE 0 END, CASE WHEN n.take THEN p_lease_until END,
               CASE WHEN n.take THEN p_lease_token END, CASE WHEN n.take THEN p_silo END
          FROM (SELECT a.id AS assignment_id, c.channel, p.workspace_id, a.provider_id, a.lead_id, a.assigned_at, r.seq,
                       row_number() OVER (ORDER BY r.seq, a.id, c.channel) <= p_take
                       AND row_number() OVER (PARTITION BY a.provider_id, c.channel ORDER BY r.seq, a.id) <= p_per_endpoint - coalesce(b.in_flight, 0) AS take
                  FROM distribution_runs r
                 CROSS JOIN unnest(r.assignment_ids) AS x(id)
                  JOIN lead_assignments a ON a.id = x.id
                  JOIN providers p ON p.id = a.provider_id
                 CROSS JOIN LATERAL (VALUES ('email', p.email_enabled), ('webhook', p.webhook_url IS NOT NULL),
                                            ('sms', p.sms_phone IS NOT NULL)) AS c(channel, enabled)
                  LEFT JOIN unnest(p_busy_providers, p_busy_channels, p_busy_counts) AS b(provider_id, channel, in_flight)
                         ON b.provider_id = a.provider_id AND b.channel = c.channel
                 WHERE r.seq = ANY(v_runs) AND c.enabled) n
         ORDER BY n.seq, n.assignment_id, n.channel
        ON CONFLICT (assignment_id, channel) DO NOTHING
        RETURNING id, lease_token)
    SELECT count(*), coalesce(array_agg(id) FILTER (WHERE lease_token IS NOT NULL), '{}') INTO v_created, v_leased FROM inserted;

    -- Every transaction that could still commit a run at or below the horizon has ended, and every
    -- such run has been handled, unless the limit stopped the read short of the horizon.
    IF v_horizon_passed THEN
        IF v_truncated AND v_seen < v_horizon_seq THEN
            v_position := v_seen;
        ELSE
            v_position := v_horizon_seq;
            v_horizon_seq := NULL;
            v_horizon_xmax := NULL;
        END IF;
    END IF;
    -- A new horizon only once the last one is passed, else steady load would keep pushing it away.
    IF v_horizon_seq IS NULL AND v_seen > v_position THEN
        v_horizon_seq := v_seen;
        v_horizon_xmax := pg_snapshot_xmax(pg_current_snapshot());
    END IF;
    UPDATE delivery_cursor SET passed_seq = v_position, horizon_seq = v_horizon_seq, horizon_xmax = v_horizon_xmax, updated_at = now()
     WHERE (passed_seq, horizon_seq, horizon_xmax) IS DISTINCT FROM (v_position, v_horizon_seq, v_horizon_xmax);
    RETURN QUERY SELECT true, v_position, v_runs, v_created, v_leased;
END;
$$;
