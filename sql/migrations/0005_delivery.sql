-- Lead delivery: every assignment reaches its buyer on each channel the buyer has on, durably.
--
-- The distribution's transaction (record_distributions) writes nothing for delivery: an assignment row
-- is the intent to deliver it. A cursor reads the distribution runs that committed since its
-- position (each run names its assignments) and makes one delivery row per (assignment, channel);
-- senders on every silo then claim due deliveries with a lease, send them and record each attempt.
-- The channels are columns of providers (0001_domain_tables.sql).

-- One row. Runs commit out of seq order (concurrent transactions take their seq before they commit),
-- so the cursor's position (passed_seq: every run at or below it is handled) may only pass a seq
-- once no transaction that could still commit a smaller one is running. A step records the largest seq it saw and the snapshot's xmax (the first
-- transaction id not yet assigned); a later step whose snapshot xmin has reached that xmax knows
-- every such transaction has ended — record_distributions takes its row locks (and so its
-- transaction id) before its runs take their seq — and moves the position up to the recorded seq.
-- Runs above the position are read again by each step, which inserts nothing twice.
CREATE TABLE delivery_cursor (
    singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    passed_seq    bigint NOT NULL,
    horizon_seq   bigint NULL,
    horizon_xmax  xid8 NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
-- Its one row: the position starts before the first run.
INSERT INTO delivery_cursor (passed_seq) VALUES (0);

CREATE TABLE deliveries (
    id               uuid PRIMARY KEY,   -- also the message's id on the wire (webhook-id, Message-ID)
    assignment_id    uuid NOT NULL,
    channel          text NOT NULL CHECK (channel IN ('email', 'webhook', 'sms')),
    workspace_id     uuid NOT NULL,
    provider_id      uuid NOT NULL,
    lead_id          uuid NOT NULL,
    assigned_at      timestamptz NOT NULL,
    state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    give_up_at       timestamptz NOT NULL,   -- not accepted by then: dead (a retry or resend starts a new period)
    lease_until      timestamptz NULL,
    lease_token      uuid NULL,
    leased_by        text NULL,
    last_status_code integer NULL,
    last_error       text NULL,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz NULL,
    dead_at          timestamptz NULL,
    resolved_at      timestamptz NULL,   -- a dead delivery an operator has dealt with
    resolved_by      text NULL,
    resolution_note  text NULL,
    UNIQUE (assignment_id, channel)       -- exactly one logical delivery per assignment and channel
)
-- Room on each page, so a claim's update (lease, attempts: no indexed column) can stay on the page (HOT).
WITH (fillfactor = 70);
CREATE INDEX ix_deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX ix_deliveries_provider ON deliveries (provider_id, created_at DESC);
CREATE INDEX ix_deliveries_dead ON deliveries (workspace_id, dead_at DESC) WHERE state = 'dead';
-- For the retention job.
CREATE INDEX ix_deliveries_delivered ON deliveries (delivered_at) WHERE state = 'delivered';
CREATE INDEX ix_deliveries_resolved ON deliveries (resolved_at) WHERE state = 'dead' AND resolved_at IS NOT NULL;

-- One row per try on the wire: when, how long, what came back. Never the secret or the lead's contact.
CREATE TABLE delivery_attempts (
    id           bigserial PRIMARY KEY,
    delivery_id  uuid NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    attempt      integer NOT NULL,
    started_at   timestamptz NOT NULL,
    latency_ms   integer NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('accepted', 'retryable', 'permanent')),
    status_code  integer NULL,
    error        text NULL,
    silo         text NULL
);
CREATE INDEX ix_delivery_attempts_delivery ON delivery_attempts (delivery_id, attempt);

-- Consecutive failures per provider and channel: past a threshold the endpoint is marked failing
-- (and alerted on); it keeps being tried, and its next success clears the mark.
CREATE TABLE delivery_endpoints (
    provider_id           uuid NOT NULL,
    channel               text NOT NULL,
    consecutive_failures  integer NOT NULL DEFAULT 0,
    failing_since         timestamptz NULL,
    last_success_at       timestamptz NULL,
    last_failure_at       timestamptz NULL,
    PRIMARY KEY (provider_id, channel)
);

-- One step of the cursor, in one transaction: makes the deliveries (given up p_give_up_after from now)
-- of up to p_limit runs above the position (skipping p_done, the runs the caller already handled
-- above it) and moves the position as far as it is safe (see delivery_cursor). One silo steps at a time; a silo that finds another
-- stepping returns at once (stepped = false). runs: the runs read, for the caller's p_done. The
-- stepping silo takes up to p_take of the new deliveries at once, leased to it as a claim would
-- (p_per_endpoint per provider and channel, less what it has in flight there: p_busy_*), and sends
-- them without a claim of their own: leased, their ids.
CREATE FUNCTION step_delivery_cursor(p_now timestamptz, p_give_up_after interval, p_limit integer, p_done bigint[],
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
        SELECT gen_random_uuid(), n.assignment_id, n.channel, n.workspace_id, n.provider_id, n.lead_id, n.assigned_at, p_now, p_now + p_give_up_after, p_now,
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

-- A workspace's own wording of a message (only lead_assigned so far); without a row the built-in one is used.
CREATE TABLE message_templates (
    workspace_id  uuid NOT NULL REFERENCES workspaces (id),
    name          text NOT NULL CHECK (name IN ('lead_assigned')),
    subject       text NOT NULL,
    text_body     text NOT NULL,
    html_body     text NOT NULL,
    updated_at    timestamptz NOT NULL,
    updated_by    text NOT NULL,
    PRIMARY KEY (workspace_id, name)
);
