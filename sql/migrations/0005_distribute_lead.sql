-- One distribution, one transaction (issue 6). The niche grain decides what only it knows — the
-- start level, the traversal, and per level the eligible candidates in least-recently-served
-- order — and this function does the rest in a single statement: it checks the lead and the
-- pointer, locks the candidate providers, walks the candidates charging the affordable ones, and
-- writes every row of the distribution set-based. A crash therefore leaves the whole distribution
-- or none of it: there is nothing half-done to resume, and the pointer moves exactly when the
-- lead's result is recorded (I6).
--
-- Candidates come as parallel arrays in traversal order, level by level, each best first:
-- p_cand_level is the 1-based index of the candidate's level in the p_level_* arrays (which follow
-- the traversal), p_cand_error marks a candidate whose filter threw (skipped as eligibility_error).
-- p_level_truncated marks a level whose list was cut short: if such a level cannot be filled from
-- what was sent, the function returns 'need_more' having written nothing, and the grain sends the
-- full list.
--
-- Outcomes: 'distributed' (status success | partial | no_eligible), 'not_distributable' (the lead
-- is not approved or failed; lead_status says what it is), 'stale_pointer' (another activation
-- moved the pointer; pointer says where), 'need_more'.
CREATE FUNCTION distribute_lead(
    p_lead_id uuid, p_niche_id uuid, p_run_id uuid, p_actor text, p_now timestamptz, p_elapsed_ms integer,
    p_expected_pointer integer, p_start integer, p_next_pointer integer, p_traversal integer[],
    p_level_ids uuid[], p_level_max integer[], p_level_price bigint[], p_level_truncated boolean[],
    p_cand_level integer[], p_cand_subscription uuid[], p_cand_provider uuid[], p_cand_error boolean[])
RETURNS TABLE (outcome text, status text, lead_status text, attempt integer, pointer integer,
               assignments jsonb, skipped jsonb, paused_subscription_ids uuid[])
LANGUAGE plpgsql AS $$
DECLARE
    v_clock_started timestamptz := clock_timestamp();
    v_pointer integer;
    v_workspace uuid;
    v_lead_status text;
    v_attempt integer;
    v_provider_ids uuid[];
    v_balances bigint[];
    v_provider_status text[];
    v_subscription_status text[];
    v_already_assigned uuid[];
    v_taken integer[] := array_fill(0, ARRAY[coalesce(cardinality(p_level_ids), 0)]);
    v_receiving uuid[] := '{}';
    v_short uuid[] := '{}';
    a_id uuid[] := '{}';
    a_provider uuid[] := '{}';
    a_subscription uuid[] := '{}';
    a_level uuid[] := '{}';
    a_price bigint[] := '{}';
    a_balance_after bigint[] := '{}';
    s_provider uuid[] := '{}';
    s_subscription uuid[] := '{}';
    s_reason text[] := '{}';
    v_reason text;
    v_level integer;
    v_p integer;
    v_status text;
    v_new_lead_status text;
    v_assignments jsonb;
    v_skipped jsonb;
    v_paused uuid[];
BEGIN
    -- NO KEY UPDATE, not UPDATE: rows referencing these (leads of the niche, other niches'
    -- assignments of these providers) can still be inserted while we hold them.
    SELECT n.next_start_level_order_position, n.workspace_id INTO v_pointer, v_workspace
      FROM niches n WHERE n.id = p_niche_id FOR NO KEY UPDATE;
    SELECT l.status, l.distribution_attempts + 1 INTO v_lead_status, v_attempt
      FROM leads l WHERE l.id = p_lead_id AND l.niche_id = p_niche_id FOR NO KEY UPDATE;
    IF v_lead_status IS DISTINCT FROM 'approved' AND v_lead_status IS DISTINCT FROM 'failed' THEN
        RETURN QUERY SELECT 'not_distributable'::text, NULL::text, v_lead_status, 0, v_pointer, NULL::jsonb, NULL::jsonb, NULL::uuid[];
        RETURN;
    END IF;
    IF v_pointer <> p_expected_pointer THEN
        RETURN QUERY SELECT 'stale_pointer'::text, NULL::text, v_lead_status, 0, v_pointer, NULL::jsonb, NULL::jsonb, NULL::uuid[];
        RETURN;
    END IF;

    -- Every candidate provider, locked in id order: concurrent distributions in other niches lock
    -- in the same order, so they wait for each other but never deadlock. The balances read here
    -- are the truth until commit.
    SELECT coalesce(array_agg(x.id), '{}'), coalesce(array_agg(x.balance_cents), '{}'), coalesce(array_agg(x.status), '{}')
      INTO v_provider_ids, v_balances, v_provider_status
      FROM (SELECT p.id, p.balance_cents, p.status FROM providers p
             WHERE p.id = ANY(p_cand_provider) ORDER BY p.id FOR NO KEY UPDATE) x;
    SELECT coalesce(array_agg(coalesce(s.status, 'missing') ORDER BY c.ord), '{}') INTO v_subscription_status
      FROM unnest(p_cand_subscription) WITH ORDINALITY AS c(id, ord)
      LEFT JOIN subscriptions s ON s.id = c.id;
    SELECT coalesce(array_agg(a.provider_id), '{}') INTO v_already_assigned
      FROM lead_assignments a WHERE a.lead_id = p_lead_id;

    -- The walk: the same decisions, in the same order, as rule 2 and 3 describe.
    FOR i IN 1 .. coalesce(cardinality(p_cand_subscription), 0) LOOP
        v_level := p_cand_level[i];
        CONTINUE WHEN v_taken[v_level] >= p_level_max[v_level] OR p_cand_provider[i] = ANY(v_receiving);
        v_reason := NULL;
        v_p := array_position(v_provider_ids, p_cand_provider[i]);
        IF p_cand_error[i] THEN
            v_reason := 'eligibility_error';
        ELSIF p_cand_provider[i] = ANY(v_already_assigned) THEN
            v_reason := 'duplicate';
            v_receiving := v_receiving || p_cand_provider[i];
        ELSIF v_p IS NULL OR v_provider_status[v_p] <> 'active' THEN
            v_reason := 'provider_inactive';
        ELSIF v_subscription_status[i] = 'paused_insufficient_balance' THEN
            v_reason := 'insufficient_balance';
        ELSIF v_subscription_status[i] <> 'active' THEN
            v_reason := 'subscription_inactive';
        ELSIF v_balances[v_p] < p_level_price[v_level] THEN
            v_reason := 'insufficient_balance';
            v_short := v_short || p_cand_provider[i];
        ELSE
            v_balances[v_p] := v_balances[v_p] - p_level_price[v_level];
            a_id := a_id || gen_random_uuid();
            a_provider := a_provider || p_cand_provider[i];
            a_subscription := a_subscription || p_cand_subscription[i];
            a_level := a_level || p_level_ids[v_level];
            a_price := a_price || p_level_price[v_level];
            a_balance_after := a_balance_after || v_balances[v_p];
            v_taken[v_level] := v_taken[v_level] + 1;
            v_receiving := v_receiving || p_cand_provider[i];
        END IF;
        IF v_reason IS NOT NULL THEN
            s_provider := s_provider || p_cand_provider[i];
            s_subscription := s_subscription || p_cand_subscription[i];
            s_reason := s_reason || v_reason;
        END IF;
    END LOOP;

    FOR v_level IN 1 .. coalesce(cardinality(p_level_ids), 0) LOOP
        IF p_level_truncated[v_level] AND v_taken[v_level] < p_level_max[v_level] THEN
            RETURN QUERY SELECT 'need_more'::text, NULL::text, v_lead_status, 0, v_pointer, NULL::jsonb, NULL::jsonb, NULL::uuid[];
            RETURN;
        END IF;
    END LOOP;

    -- Rule 5: success when every traversed level got someone, partial when some did, no_eligible when none did.
    v_status := CASE
        WHEN cardinality(a_id) = 0 THEN 'no_eligible'
        WHEN (SELECT bool_and(t > 0) FROM unnest(v_taken) t) THEN 'success'
        ELSE 'partial' END;
    v_new_lead_status := CASE WHEN cardinality(a_id) > 0 THEN 'distributed' ELSE 'no_eligible' END;

    UPDATE niches SET next_start_level_order_position = p_next_pointer WHERE id = p_niche_id;

    INSERT INTO lead_assignments (id, lead_id, provider_id, subscription_id, level_id, niche_id, price_cents, assigned_at)
    SELECT a.id, p_lead_id, a.provider, a.subscription, a.level, p_niche_id, a.price, p_now
      FROM unnest(a_id, a_provider, a_subscription, a_level, a_price) AS a(id, provider, subscription, level, price);

    -- Absolute balances, computed under the row locks above (each provider is charged at most once per lead).
    UPDATE providers p SET balance_cents = a.balance_after, updated_at = p_now
      FROM unnest(a_provider, a_balance_after) AS a(provider, balance_after)
     WHERE p.id = a.provider;

    INSERT INTO ledger_entries (id, provider_id, kind, amount_cents, lead_id, assignment_id, idempotency_key,
                                balance_after_cents, created_at)
    SELECT gen_random_uuid(), a.provider, 'charge', -a.price, p_lead_id, a.id, 'charge:' || p_lead_id, a.balance_after, p_now
      FROM unnest(a_id, a_provider, a_price, a_balance_after) AS a(id, provider, price, balance_after);

    UPDATE subscriptions SET last_received_at = p_now WHERE id = ANY(a_subscription);

    INSERT INTO outbox (channel, provider_id, assignment_id, payload, created_at)
    SELECT ch.channel, a.provider, a.id,
           jsonb_build_object(ch.address_key, ch.address, 'lead_id', p_lead_id, 'assignment_id', a.id), p_now
      FROM unnest(a_id, a_provider) AS a(id, provider)
      JOIN providers pr ON pr.id = a.provider
     CROSS JOIN LATERAL (VALUES ('email', 'to', pr.email), ('webhook', 'url', pr.webhook_url)) AS ch(channel, address_key, address)
     WHERE ch.address IS NOT NULL;

    -- Rule 4: whoever was charged or found short now pays for no subscription above its balance.
    WITH paused AS (
        UPDATE subscriptions s SET status = 'paused_insufficient_balance'
          FROM competition_levels l, providers p
         WHERE s.provider_id = ANY(a_provider || v_short) AND l.id = s.level_id AND p.id = s.provider_id
           AND s.status = 'active' AND l.price_cents > p.balance_cents
        RETURNING s.id)
    SELECT coalesce(array_agg(id), '{}') INTO v_paused FROM paused;

    SELECT coalesce(jsonb_agg(jsonb_build_object('assignment_id', a.id, 'provider_id', a.provider, 'subscription_id', a.subscription,
                                                 'level_id', a.level, 'price_cents', a.price) ORDER BY a.ord), '[]')
      INTO v_assignments
      FROM unnest(a_id, a_provider, a_subscription, a_level, a_price) WITH ORDINALITY AS a(id, provider, subscription, level, price, ord);
    SELECT coalesce(jsonb_agg(jsonb_build_object('provider_id', s.provider, 'subscription_id', s.subscription, 'reason', s.reason)
                              ORDER BY s.ord), '[]')
      INTO v_skipped
      FROM unnest(s_provider, s_subscription, s_reason) WITH ORDINALITY AS s(provider, subscription, reason, ord);

    INSERT INTO distribution_runs (id, lead_id, niche_id, attempt, start_level_order_position, status, traversal,
                                   assignments, skipped, started_at, completed_at, duration_ms)
    VALUES (p_run_id, p_lead_id, p_niche_id, v_attempt, p_start, v_status, to_jsonb(p_traversal), v_assignments, v_skipped,
            p_now, p_now, p_elapsed_ms + (extract(epoch FROM clock_timestamp() - v_clock_started) * 1000)::integer);

    UPDATE leads SET status = v_new_lead_status, distributed_at = p_now, distribution_attempts = v_attempt,
                     next_attempt_at = NULL, lease_until = NULL, updated_at = p_now
     WHERE id = p_lead_id;

    -- One audit row tells the whole distribution, assignments and skips included.
    INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
    VALUES (v_workspace, p_actor, 'distribution.completed', p_lead_id, 'niche', p_niche_id::text,
            jsonb_build_object('run_id', p_run_id, 'attempt', v_attempt, 'status', v_status,
                               'start_level_order_position', p_start, 'assignments', v_assignments, 'skipped', v_skipped),
            p_now);

    RETURN QUERY SELECT 'distributed'::text, v_status, v_new_lead_status, v_attempt, p_next_pointer, v_assignments, v_skipped, v_paused;
END $$;

-- A failed attempt leaves only its record: the attempt number, the error, when it ran.
CREATE FUNCTION record_failed_attempt(
    p_run_id uuid, p_lead_id uuid, p_niche_id uuid, p_start integer, p_error text, p_actor text,
    p_started_at timestamptz, p_now timestamptz, p_duration_ms integer)
RETURNS integer
LANGUAGE sql AS $$
    WITH lead AS (
        UPDATE leads SET distribution_attempts = distribution_attempts + 1, updated_at = p_now
         WHERE id = p_lead_id
        RETURNING workspace_id, distribution_attempts),
    run AS (
        INSERT INTO distribution_runs (id, lead_id, niche_id, attempt, start_level_order_position, status, error,
                                       started_at, completed_at, duration_ms)
        SELECT p_run_id, p_lead_id, p_niche_id, lead.distribution_attempts, p_start, 'failed', p_error, p_started_at, p_now, p_duration_ms
          FROM lead
        RETURNING attempt),
    audit AS (
        INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
        SELECT lead.workspace_id, p_actor, 'distribution.failed', p_lead_id, 'niche', p_niche_id::text,
               jsonb_build_object('run_id', p_run_id, 'attempt', lead.distribution_attempts, 'error', left(p_error, 500)), p_now
          FROM lead)
    SELECT attempt FROM run
$$;

-- The per-step path the function above replaces.
DROP FUNCTION assert_run_current(uuid);
DROP FUNCTION charge_for_run(uuid, uuid, uuid, uuid, uuid, uuid, uuid, bigint, timestamptz);
DROP FUNCTION charge_for_assignment(uuid, uuid, uuid, uuid, uuid, uuid, bigint, timestamptz);
DROP FUNCTION begin_distribution(uuid, uuid, uuid, integer, integer, integer, timestamptz);
