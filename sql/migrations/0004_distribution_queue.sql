-- The durable distribution queue is the leads table itself: an approved lead with next_attempt_at
-- set is due at that time; lease_until marks an attempt in flight. A silo that dies mid-attempt
-- leaves a lease that simply runs out, and the sweeper of any silo picks the lead up again.
ALTER TABLE leads
    ADD COLUMN lease_until timestamptz NULL,
    ADD COLUMN failed_attempts integer NOT NULL DEFAULT 0;   -- failures in the current round (reset by a retry)

DROP INDEX ix_leads_due;
CREATE INDEX ix_leads_due ON leads (next_attempt_at) WHERE status = 'approved' AND next_attempt_at IS NOT NULL;
CREATE INDEX ix_dead_letters_lead ON dead_letters (lead_id);

-- Only an approved (or failed, being retried) lead may start an attempt; anything else — expired,
-- rejected, already distributed — is refused here, whatever a stale grain believes.
CREATE OR REPLACE FUNCTION begin_distribution(
    p_run_id uuid, p_lead_id uuid, p_niche_id uuid, p_expected_pointer integer,
    p_proposed_start integer, p_next_pointer integer, p_now timestamptz)
RETURNS TABLE (outcome text, start_level_order_position integer, attempt integer, pointer integer)
LANGUAGE plpgsql AS $$
DECLARE
    v_first_start integer;
    v_attempt integer;
    v_pointer integer;
    v_workspace uuid;
    v_lead_status text;
BEGIN
    SELECT n.next_start_level_order_position, n.workspace_id INTO v_pointer, v_workspace
      FROM niches n WHERE n.id = p_niche_id FOR UPDATE;
    SELECT l.status INTO v_lead_status FROM leads l WHERE l.id = p_lead_id FOR UPDATE;
    IF v_lead_status IS DISTINCT FROM 'approved' AND v_lead_status IS DISTINCT FROM 'failed' THEN
        RETURN QUERY SELECT 'not_distributable'::text, 0, 0, v_pointer;
        RETURN;
    END IF;
    UPDATE leads SET distribution_attempts = distribution_attempts + 1, updated_at = p_now WHERE id = p_lead_id;

    SELECT r.start_level_order_position, max(r.attempt) OVER () INTO v_first_start, v_attempt
      FROM distribution_runs r WHERE r.lead_id = p_lead_id ORDER BY r.attempt LIMIT 1;

    IF FOUND THEN
        -- Fencing: an earlier attempt still marked running loses its lease here; its later
        -- charges and its completion are refused (see charge_for_run and assert_run_current).
        UPDATE distribution_runs SET status = 'failed', error = 'superseded by attempt ' || (v_attempt + 1), completed_at = p_now
         WHERE lead_id = p_lead_id AND status = 'running';
        INSERT INTO distribution_runs (id, lead_id, niche_id, attempt, start_level_order_position, status, started_at)
        VALUES (p_run_id, p_lead_id, p_niche_id, v_attempt + 1, v_first_start, 'running', p_now);
        INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
        VALUES (v_workspace, 'system', 'distribution.started', p_lead_id, 'niche', p_niche_id::text,
                jsonb_build_object('run_id', p_run_id, 'attempt', v_attempt + 1, 'start_level_order_position', v_first_start,
                                   'resumed', true), p_now);
        RETURN QUERY SELECT 'resumed'::text, v_first_start, v_attempt + 1, v_pointer;
        RETURN;
    END IF;

    IF v_pointer <> p_expected_pointer THEN
        RETURN QUERY SELECT 'stale_pointer'::text, 0, 0, v_pointer;
        RETURN;
    END IF;

    UPDATE niches SET next_start_level_order_position = p_next_pointer WHERE id = p_niche_id;
    INSERT INTO distribution_runs (id, lead_id, niche_id, attempt, start_level_order_position, status, started_at)
    VALUES (p_run_id, p_lead_id, p_niche_id, 1, p_proposed_start, 'running', p_now);
    INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
    VALUES (v_workspace, 'system', 'distribution.started', p_lead_id, 'niche', p_niche_id::text,
            jsonb_build_object('run_id', p_run_id, 'attempt', 1, 'start_level_order_position', p_proposed_start), p_now);
    RETURN QUERY SELECT 'started'::text, p_proposed_start, 1, p_next_pointer;
END $$;

-- A charge on behalf of one distribution attempt: refused ('fenced') once a later attempt of the
-- lead has superseded it. The share lock on the run row orders it against begin_distribution.
CREATE FUNCTION charge_for_run(
    p_run_id uuid, p_assignment_id uuid, p_lead_id uuid, p_provider_id uuid, p_subscription_id uuid,
    p_level_id uuid, p_niche_id uuid, p_price_cents bigint, p_now timestamptz)
RETURNS TABLE (outcome text, assignment_id uuid, balance_cents bigint, paused_subscription_ids uuid[])
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM distribution_runs r WHERE r.id = p_run_id AND r.status = 'running' FOR SHARE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'fenced'::text, NULL::uuid, 0::bigint, ARRAY[]::uuid[];
        RETURN;
    END IF;
    RETURN QUERY SELECT * FROM charge_for_assignment(p_assignment_id, p_lead_id, p_provider_id, p_subscription_id,
                                                     p_level_id, p_niche_id, p_price_cents, p_now);
END $$;

-- Raises unless the run is still the lead's current attempt; the completion batch starts with it,
-- so a worker that lost its lease commits nothing.
CREATE FUNCTION assert_run_current(p_run_id uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM distribution_runs r WHERE r.id = p_run_id AND r.status = 'running' FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'distribution run % is no longer current', p_run_id USING ERRCODE = 'LG001';
    END IF;
END $$;

-- A failed attempt: schedule the next one after the configured delay, or — after the last —
-- mark the lead failed and dead-letter it, in one transaction.
CREATE FUNCTION record_distribution_failure(
    p_lead_id uuid, p_error text, p_stack text, p_now timestamptz, p_max_attempts integer, p_delays_ms bigint[])
RETURNS TABLE (outcome text, failed_attempts integer, next_attempt_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    v_lead leads%ROWTYPE;
    v_failed integer;
    v_next timestamptz;
BEGIN
    SELECT * INTO v_lead FROM leads l WHERE l.id = p_lead_id FOR UPDATE;
    IF NOT FOUND OR v_lead.status <> 'approved' THEN
        RETURN QUERY SELECT 'ignored'::text, coalesce(v_lead.failed_attempts, 0), NULL::timestamptz;
        RETURN;
    END IF;
    v_failed := v_lead.failed_attempts + 1;
    IF v_failed >= p_max_attempts THEN
        UPDATE leads SET status = 'failed', failed_attempts = v_failed, next_attempt_at = NULL, lease_until = NULL, updated_at = p_now
         WHERE id = p_lead_id;
        INSERT INTO dead_letters (id, queue_name, job_id, lead_id, payload, error_message, stack_trace, attempts, failed_at)
        VALUES (gen_random_uuid(), 'distribution', 'lead:' || p_lead_id || ':' || v_lead.distribution_attempts, p_lead_id,
                jsonb_build_object('lead_id', p_lead_id, 'niche_id', v_lead.niche_id, 'workspace_id', v_lead.workspace_id),
                left(p_error, 4000), left(p_stack, 16000), v_failed, p_now);
        INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
        VALUES (v_lead.workspace_id, 'system', 'lead.dead_lettered', p_lead_id, 'lead', p_lead_id::text,
                jsonb_build_object('attempts', v_failed, 'error', left(p_error, 500)), p_now);
        RETURN QUERY SELECT 'dead_lettered'::text, v_failed, NULL::timestamptz;
        RETURN;
    END IF;
    v_next := p_now + make_interval(secs => p_delays_ms[least(v_failed, array_length(p_delays_ms, 1))] / 1000.0);
    UPDATE leads SET failed_attempts = v_failed, next_attempt_at = v_next, lease_until = NULL, updated_at = p_now
     WHERE id = p_lead_id;
    RETURN QUERY SELECT 'retry_scheduled'::text, v_failed, v_next;
END $$;
