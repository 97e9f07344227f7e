-- Distributions committed in groups (issue 6). A niche grain decides what only it knows — each
-- lead's start level and traversal, and per level the eligible candidates — and hands the plan to
-- its silo's committer, which sends every plan waiting at that moment, from any niche, to this
-- function as one transaction. The function takes the leads in order, exactly as if each were
-- committed alone: it checks the lead and its niche's pointer, orders each level's candidates by
-- last_received_at (NULLS FIRST, then provider id) including what earlier leads of the same call
-- served, walks them charging the affordable ones, and finally writes every row of every
-- distribution set-based. A crash leaves a distribution whole or absent: nothing half-done to
-- resume, and a niche's pointer moves exactly when a lead's result is recorded (I6).
--
-- The plan comes as parallel arrays. Per lead (l_*): lead, niche, run id, actor, served-at time,
-- elapsed ms so far, the niche pointer the plan assumed, the start position, the pointer after it,
-- and the lead's first traversal slot and slot count. Per traversal slot (t_*): level id, order
-- position, max recipients, price, whether its candidate list was cut short, and its first
-- candidate and candidate count. Per candidate (c_*): subscription, provider, and whether its
-- filter threw (skipped as eligibility_error). Indexes are 1-based.
--
-- One row per lead. Outcomes: 'distributed' (status success | partial | no_eligible),
-- 'not_distributable' (the lead is not approved or failed; lead_status says what it is),
-- 'stale_pointer' (the niche's pointer is elsewhere — another activation, or an earlier lead of
-- the niche not committed; pointer says where), 'need_more' (a level cut short could not be filled
-- from its list). Only 'distributed' leads wrote anything.
CREATE FUNCTION distribute_leads(
    l_lead uuid[], l_niche uuid[], l_run uuid[], l_actor text[], l_at timestamptz[], l_elapsed_ms integer[],
    l_expected_pointer integer[], l_start integer[], l_next_pointer integer[], l_first_slot integer[], l_slots integer[],
    t_level uuid[], t_position integer[], t_max integer[], t_price bigint[], t_truncated boolean[],
    t_first_candidate integer[], t_candidates integer[],
    c_subscription uuid[], c_provider uuid[], c_error boolean[])
RETURNS TABLE (lead_id uuid, outcome text, status text, lead_status text, attempt integer, pointer integer,
               assignments jsonb, skipped jsonb, paused_subscription_ids uuid[])
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_clock_started timestamptz := clock_timestamp();
    v_leads integer := coalesce(cardinality(l_lead), 0);
    -- niches of the call, their pointers as the walk moves them
    n_id uuid[];
    n_workspace uuid[];
    n_pointer integer[];
    n_committed_pointer integer[];
    -- per lead, aligned with l_*
    r_status text[];
    r_attempt integer[];
    r_outcome text[] := array_fill(NULL::text, ARRAY[v_leads]);
    r_result text[] := array_fill(NULL::text, ARRAY[v_leads]);
    r_lead_status text[] := array_fill(NULL::text, ARRAY[v_leads]);
    r_pointer integer[] := array_fill(0, ARRAY[v_leads]);
    -- providers, locked; balances move as the walk charges
    p_id uuid[];
    p_balance bigint[];
    p_status text[];
    -- candidates' subscriptions, aligned with c_*
    c_status text[];
    c_last timestamptz[];
    v_existing text[];
    -- served earlier in this call: subscription -> when it was last served
    v_served_subscription uuid[] := '{}';
    v_served_at timestamptz[] := '{}';
    -- decisions: assignments and skips, each with its lead index
    a_lead integer[] := '{}';
    a_id uuid[] := '{}';
    a_provider uuid[] := '{}';
    a_subscription uuid[] := '{}';
    a_level uuid[] := '{}';
    a_price bigint[] := '{}';
    a_balance_after bigint[] := '{}';
    s_lead integer[] := '{}';
    s_provider uuid[] := '{}';
    s_subscription uuid[] := '{}';
    s_reason text[] := '{}';
    v_short uuid[] := '{}';
    -- one lead's walk
    v_niche integer;
    v_order integer[];
    v_taken integer[];
    v_receiving uuid[];
    v_undo_balance bigint[];
    v_undo_assignments integer;
    v_undo_skips integer;
    v_undo_short integer;
    v_undo_served_subscription uuid[];
    v_undo_served_at timestamptz[];
    v_slot integer;
    v_p integer;
    v_q integer;
    v_reason text;
    v_need_more boolean;
    v_paused_id uuid[];
    v_paused_niche uuid[];
    v_earlier integer;
    v_served integer;
BEGIN
    -- Locks in id order, niches, then leads, then providers: concurrent calls wait for each other
    -- but never deadlock. NO KEY UPDATE, not UPDATE: rows referencing these (new leads of a niche,
    -- other assignments of a provider) can still be inserted meanwhile.
    SELECT array_agg(x.id), array_agg(x.workspace_id), array_agg(x.next_start_level_order_position)
      INTO n_id, n_workspace, n_pointer
      FROM (SELECT n.id, n.workspace_id, n.next_start_level_order_position FROM niches n
             WHERE n.id = ANY(l_niche) ORDER BY n.id FOR NO KEY UPDATE) x;
    n_committed_pointer := n_pointer;
    PERFORM 1 FROM leads l WHERE l.id = ANY(l_lead) ORDER BY l.id FOR NO KEY UPDATE;
    SELECT array_agg(l.status ORDER BY x.ord), array_agg(l.distribution_attempts + 1 ORDER BY x.ord)
      INTO r_status, r_attempt
      FROM unnest(l_lead, l_niche) WITH ORDINALITY AS x(id, niche, ord)
      LEFT JOIN leads l ON l.id = x.id AND l.niche_id = x.niche;
    SELECT coalesce(array_agg(x.id), '{}'), coalesce(array_agg(x.balance_cents), '{}'), coalesce(array_agg(x.status), '{}')
      INTO p_id, p_balance, p_status
      FROM (SELECT p.id, p.balance_cents, p.status FROM providers p
             WHERE p.id = ANY(c_provider) ORDER BY p.id FOR NO KEY UPDATE) x;
    SELECT coalesce(array_agg(coalesce(s.status, 'missing') ORDER BY c.ord), '{}'), coalesce(array_agg(s.last_received_at ORDER BY c.ord), '{}')
      INTO c_status, c_last
      FROM unnest(c_subscription) WITH ORDINALITY AS c(id, ord)
      LEFT JOIN subscriptions s ON s.id = c.id;
    SELECT coalesce(array_agg(a.lead_id::text || a.provider_id::text), '{}') INTO v_existing
      FROM lead_assignments a WHERE a.lead_id = ANY(l_lead);

    FOR j IN 1 .. v_leads LOOP
        v_niche := array_position(n_id, l_niche[j]);
        -- The same lead twice in one call (a duplicate activation's request): the first one to distribute it wins.
        FOREACH v_earlier IN ARRAY array_positions(l_lead[1:j - 1], l_lead[j]) LOOP
            IF r_outcome[v_earlier] = 'distributed' THEN
                r_status[j] := r_lead_status[v_earlier];
            END IF;
        END LOOP;
        IF r_status[j] IS DISTINCT FROM 'approved' AND r_status[j] IS DISTINCT FROM 'failed' THEN
            r_outcome[j] := 'not_distributable';
            r_lead_status[j] := r_status[j];
            CONTINUE;
        END IF;
        IF n_pointer[v_niche] <> l_expected_pointer[j] THEN
            r_outcome[j] := 'stale_pointer';
            r_pointer[j] := n_pointer[v_niche];
            CONTINUE;
        END IF;

        v_undo_balance := p_balance;
        v_undo_assignments := cardinality(a_id);
        v_undo_skips := cardinality(s_reason);
        v_undo_short := cardinality(v_short);
        v_undo_served_subscription := v_served_subscription;
        v_undo_served_at := v_served_at;
        v_receiving := '{}';
        v_need_more := false;
        v_taken := array_fill(0, ARRAY[greatest(l_slots[j], 1)]);

        FOR k IN 1 .. l_slots[j] LOOP
            v_slot := l_first_slot[j] + k - 1;
            -- Rule 2: least recently served first (what this call served counts), never served
            -- first of all, ties by provider id.
            SELECT coalesce(array_agg(i ORDER BY coalesce(v_served_at[array_position(v_served_subscription, c_subscription[i])], c_last[i]) NULLS FIRST,
                                                 c_provider[i], c_subscription[i]), '{}')
              INTO v_order
              FROM generate_series(t_first_candidate[v_slot], t_first_candidate[v_slot] + t_candidates[v_slot] - 1) AS i;
            FOREACH v_q IN ARRAY v_order LOOP
                EXIT WHEN v_taken[k] >= t_max[v_slot];
                CONTINUE WHEN c_provider[v_q] = ANY(v_receiving);
                v_reason := NULL;
                v_p := array_position(p_id, c_provider[v_q]);
                IF c_error[v_q] THEN
                    v_reason := 'eligibility_error';
                ELSIF cardinality(v_existing) > 0 AND (l_lead[j]::text || c_provider[v_q]::text) = ANY(v_existing) THEN
                    v_reason := 'duplicate';
                    v_receiving := v_receiving || c_provider[v_q];
                ELSIF v_p IS NULL OR p_status[v_p] <> 'active' THEN
                    v_reason := 'provider_inactive';
                ELSIF c_status[v_q] = 'paused_insufficient_balance' THEN
                    v_reason := 'insufficient_balance';
                ELSIF c_status[v_q] <> 'active' THEN
                    v_reason := 'subscription_inactive';
                ELSIF p_balance[v_p] < t_price[v_slot] THEN
                    v_reason := 'insufficient_balance';
                    v_short := v_short || c_provider[v_q];
                ELSE
                    p_balance[v_p] := p_balance[v_p] - t_price[v_slot];
                    a_lead := a_lead || j;
                    a_id := a_id || gen_random_uuid();
                    a_provider := a_provider || c_provider[v_q];
                    a_subscription := a_subscription || c_subscription[v_q];
                    a_level := a_level || t_level[v_slot];
                    a_price := a_price || t_price[v_slot];
                    a_balance_after := a_balance_after || p_balance[v_p];
                    v_taken[k] := v_taken[k] + 1;
                    v_receiving := v_receiving || c_provider[v_q];
                    v_served := array_position(v_served_subscription, c_subscription[v_q]);
                    IF v_served IS NULL THEN
                        v_served_subscription := v_served_subscription || c_subscription[v_q];
                        v_served_at := v_served_at || l_at[j];
                    ELSE
                        v_served_at[v_served] := l_at[j];
                    END IF;
                END IF;
                IF v_reason IS NOT NULL THEN
                    s_lead := s_lead || j;
                    s_provider := s_provider || c_provider[v_q];
                    s_subscription := s_subscription || c_subscription[v_q];
                    s_reason := s_reason || v_reason;
                END IF;
            END LOOP;
            v_need_more := v_need_more OR (t_truncated[v_slot] AND v_taken[k] < t_max[v_slot]);
        END LOOP;

        IF v_need_more THEN
            -- Undo this lead's walk; the grain sends it again with the full lists.
            p_balance := v_undo_balance;
            a_lead := a_lead[1:v_undo_assignments]; a_id := a_id[1:v_undo_assignments];
            a_provider := a_provider[1:v_undo_assignments]; a_subscription := a_subscription[1:v_undo_assignments];
            a_level := a_level[1:v_undo_assignments]; a_price := a_price[1:v_undo_assignments];
            a_balance_after := a_balance_after[1:v_undo_assignments];
            s_lead := s_lead[1:v_undo_skips]; s_provider := s_provider[1:v_undo_skips];
            s_subscription := s_subscription[1:v_undo_skips]; s_reason := s_reason[1:v_undo_skips];
            v_short := v_short[1:v_undo_short];
            v_served_subscription := v_undo_served_subscription;
            v_served_at := v_undo_served_at;
            r_outcome[j] := 'need_more';
            r_pointer[j] := n_pointer[v_niche];
            CONTINUE;
        END IF;

        -- Rule 5: success when every traversed level got someone, partial when some did, no_eligible when none did.
        r_outcome[j] := 'distributed';
        r_result[j] := CASE
            WHEN cardinality(a_id) = v_undo_assignments THEN 'no_eligible'
            WHEN l_slots[j] > 0 AND (SELECT bool_and(t > 0) FROM unnest(v_taken) t) THEN 'success'
            ELSE 'partial' END;
        r_lead_status[j] := CASE WHEN cardinality(a_id) > v_undo_assignments THEN 'distributed' ELSE 'no_eligible' END;
        n_pointer[v_niche] := l_next_pointer[j];
        r_pointer[j] := l_next_pointer[j];
    END LOOP;

    UPDATE niches n SET next_start_level_order_position = x.pointer
      FROM unnest(n_id, n_pointer, n_committed_pointer) AS x(id, pointer, committed)
     WHERE n.id = x.id AND x.pointer <> x.committed;

    INSERT INTO lead_assignments (id, lead_id, provider_id, subscription_id, level_id, niche_id, price_cents, assigned_at)
    SELECT a.id, l_lead[a.lead], a.provider, a.subscription, a.level, l_niche[a.lead], a.price, l_at[a.lead]
      FROM unnest(a_lead, a_id, a_provider, a_subscription, a_level, a_price) AS a(lead, id, provider, subscription, level, price);

    -- Absolute balances, computed under the row locks above.
    UPDATE providers p SET balance_cents = x.balance, updated_at = now()
      FROM unnest(p_id, p_balance) AS x(id, balance)
     WHERE p.id = x.id AND x.id = ANY(a_provider);

    INSERT INTO ledger_entries (id, provider_id, kind, amount_cents, lead_id, assignment_id, idempotency_key,
                                balance_after_cents, created_at)
    SELECT gen_random_uuid(), a.provider, 'charge', -a.price, l_lead[a.lead], a.id, 'charge:' || l_lead[a.lead], a.balance_after, l_at[a.lead]
      FROM unnest(a_lead, a_id, a_provider, a_price, a_balance_after) AS a(lead, id, provider, price, balance_after);

    UPDATE subscriptions s SET last_received_at = x.at
      FROM unnest(v_served_subscription, v_served_at) AS x(id, at)
     WHERE s.id = x.id;

    INSERT INTO outbox (channel, provider_id, assignment_id, payload, created_at)
    SELECT ch.channel, a.provider, a.id,
           jsonb_build_object(ch.address_key, ch.address, 'lead_id', l_lead[a.lead], 'assignment_id', a.id), l_at[a.lead]
      FROM unnest(a_lead, a_id, a_provider) AS a(lead, id, provider)
      JOIN providers pr ON pr.id = a.provider
     CROSS JOIN LATERAL (VALUES ('email', 'to', pr.email), ('webhook', 'url', pr.webhook_url)) AS ch(channel, address_key, address)
     WHERE ch.address IS NOT NULL;

    -- Rule 4: whoever was charged or found short now pays for no subscription above its balance.
    WITH paused AS (
        UPDATE subscriptions s SET status = 'paused_insufficient_balance'
          FROM competition_levels l, providers p
         WHERE s.provider_id = ANY(a_provider || v_short) AND l.id = s.level_id AND p.id = s.provider_id
           AND s.status = 'active' AND l.price_cents > p.balance_cents
        RETURNING s.id, s.niche_id)
    SELECT coalesce(array_agg(id), '{}'), coalesce(array_agg(niche_id), '{}') INTO v_paused_id, v_paused_niche FROM paused;

    RETURN QUERY
    WITH lead AS (
        SELECT x.j, x.id, x.niche, x.run, x.actor, x.at, x.elapsed, x.start, l_first_slot[x.j] AS first_slot, l_slots[x.j] AS slots
          FROM unnest(l_lead, l_niche, l_run, l_actor, l_at, l_elapsed_ms, l_start) WITH ORDINALITY AS x(id, niche, run, actor, at, elapsed, start, j)
         WHERE r_outcome[x.j] = 'distributed'),
    assigned AS (
        SELECT a.lead, jsonb_agg(jsonb_build_object('assignment_id', a.id, 'provider_id', a.provider, 'subscription_id', a.subscription,
                                                    'level_id', a.level, 'price_cents', a.price) ORDER BY a.ord) AS list
          FROM unnest(a_lead, a_id, a_provider, a_subscription, a_level, a_price) WITH ORDINALITY AS a(lead, id, provider, subscription, level, price, ord)
         GROUP BY a.lead),
    skips AS (
        SELECT s.lead, jsonb_agg(jsonb_build_object('provider_id', s.provider, 'subscription_id', s.subscription, 'reason', s.reason) ORDER BY s.ord) AS list
          FROM unnest(s_lead, s_provider, s_subscription, s_reason) WITH ORDINALITY AS s(lead, provider, subscription, reason, ord)
         GROUP BY s.lead),
    result AS (
        SELECT lead.*, coalesce(assigned.list, '[]') AS assignments, coalesce(skips.list, '[]') AS skipped,
               (SELECT coalesce(jsonb_agg(t_position[slot] ORDER BY slot), '[]') FROM generate_series(lead.first_slot, lead.first_slot + lead.slots - 1) AS slot) AS traversal
          FROM lead LEFT JOIN assigned ON assigned.lead = lead.j LEFT JOIN skips ON skips.lead = lead.j),
    runs AS (
        INSERT INTO distribution_runs (id, lead_id, niche_id, attempt, start_level_order_position, status, traversal,
                                       assignments, skipped, started_at, completed_at, duration_ms)
        SELECT r.run, r.id, r.niche, r_attempt[r.j], r.start, r_result[r.j], r.traversal, r.assignments, r.skipped, r.at, r.at,
               r.elapsed + (extract(epoch FROM clock_timestamp() - v_clock_started) * 1000)::integer
          FROM result r
         ORDER BY r.j),   -- seq follows the order the leads were taken in
    leads_done AS (
        UPDATE leads l SET status = r_lead_status[r.j], distributed_at = r.at, distribution_attempts = r_attempt[r.j],
                           next_attempt_at = NULL, lease_until = NULL, updated_at = r.at
          FROM result r WHERE l.id = r.id),
    -- One audit row per distribution; its run row (run_id) holds the assignments and skips.
    audit AS (
        INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
        SELECT n_workspace[array_position(n_id, r.niche)], r.actor, 'distribution.completed', r.id, 'niche', r.niche::text,
               jsonb_build_object('run_id', r.run, 'attempt', r_attempt[r.j], 'status', r_result[r.j],
                                  'start_level_order_position', r.start, 'assignments', jsonb_array_length(r.assignments),
                                  'skipped', jsonb_array_length(r.skipped)),
               r.at
          FROM result r)
    SELECT x.id, r_outcome[x.j], r_result[x.j], r_lead_status[x.j], coalesce(r_attempt[x.j], 0), r_pointer[x.j],
           r.assignments, r.skipped,
           (SELECT coalesce(array_agg(p.id), '{}') FROM unnest(v_paused_id, v_paused_niche) AS p(id, niche) WHERE p.niche = x.niche)
      FROM unnest(l_lead, l_niche) WITH ORDINALITY AS x(id, niche, j)
      LEFT JOIN result r ON r.j = x.j
     ORDER BY x.j;
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
