-- Distribution: the grains decide, the database guards and records. A niche grain decides a lead's
-- whole distribution in memory — start level, traversal, least-recently-served order, cross-level
-- dedupe, affordability, caps and delivery hours, skip reasons, status — and its silo's committer
-- sends every plan waiting at that moment, from any niche, to record_distributions as one
-- transaction. The function walks no candidate: every rule about who gets a lead lives in C#
-- (LeadGrains.Domain), once. It only checks that what it is sent may still happen and writes it,
-- set-based. A crash leaves a distribution whole or absent, and a niche's pointer moves exactly
-- when a lead's result is recorded (I6).
--
-- What it refuses, whatever a stale or duplicate activation sends:
--   * a lead that is not 'approved' (already distributed, dead-lettered, expired): 'not_distributable';
--   * a plan made on a niche version other than the committed one: 'stale'. The version only grows
--     (one step per distributed lead), so a pointer that cycled back to an old value cannot fool it;
--   * a charge the provider's balance no longer covers: 'insufficient_balance' (balances returned,
--     so the grain can decide again); CHECK (balance_cents >= 0) stays as the backstop;
--   * a lead whose assignments would take a subscription past a cap or budget of its current day,
--     week or month (in its provider's zone, counted in subscription_usage): 'cap_reached', refused
--     whole like an overdraft, and the niche decides it again;
--   * a second assignment of a (lead, provider): UNIQUE (lead_id, provider_id) fails the transaction.
-- Everything else the grain sent is recorded as decided.
--
-- A subscription's last service (last_received_at) is not written by the distribution's
-- transaction: writing it for every assignment there was about a quarter of the serial group
-- commit's time. The niche grain holds each subscription's last service in memory (it orders its
-- levels by it) and saves it every few seconds and when it deactivates (save_services); what was
-- not saved yet is derived from the assignments themselves, which are written anyway:
--
--   last received = greatest(subscriptions.last_received_at,
--                            latest assignment of the subscription in a run after the niche's watermark)
--
-- niche_services_saved.saved_until is the niche's watermark: every assignment of its runs that
-- started at or before it is reflected in its subscriptions' last_received_at. It has a table of
-- its own, not a column of niches, so a save never takes the niche row the group commit locks. The
-- niche advances it only past leads whose recording it has seen, so a run recorded later than a
-- save still counts. Whoever reads a last service (the niche grain on activation, the API) reads it
-- through subscriptions_last_received, so no reader sees an older value than the assignments say.

-- A niche without a row has saved nothing yet ('-infinity').
CREATE TABLE niche_services_saved (
    niche_id     uuid PRIMARY KEY,
    saved_until  timestamptz NOT NULL
);

-- The subscriptions of the given niches with their last service (null if never served), and
-- whether that is the saved value (false: only the assignments say it yet).
CREATE FUNCTION subscriptions_last_received(p_niches uuid[])
RETURNS TABLE (subscription_id uuid, last_received_at timestamptz, service_saved boolean)
LANGUAGE sql STABLE AS $$
    SELECT s.id, greatest(s.last_received_at, u.served_at), u.served_at IS NULL OR u.served_at <= s.last_received_at
      FROM subscriptions s
      LEFT JOIN (SELECT a.subscription_id, max(a.assigned_at) AS served_at
                   FROM unnest(p_niches) AS n(id)
                   LEFT JOIN niche_services_saved w ON w.niche_id = n.id
                   JOIN distribution_runs r ON r.niche_id = n.id AND r.started_at > coalesce(w.saved_until, '-infinity')
                   JOIN lead_assignments a ON a.lead_id = r.lead_id AND a.niche_id = n.id
                  GROUP BY a.subscription_id) u ON u.subscription_id = s.id
     WHERE s.niche_id = ANY(p_niches)
$$;

-- Saves a niche's last services and, when every one of them was saved, moves its watermark to
-- p_until (never back). It skips any subscription row another transaction holds (a pause or a
-- reactivation): those stay for the next save, and the watermark stays where it was. It takes no
-- row the group commit locks but those subscriptions, and waits on none of them, so it never
-- delays a commit by more than its own short statement and never deadlocks with one. Returns the
-- subscriptions saved.
CREATE FUNCTION save_services(p_niche uuid, p_subscriptions uuid[], p_served_at timestamptz[], p_until timestamptz)
RETURNS uuid[]
LANGUAGE plpgsql AS $$
DECLARE
    v_locked uuid[];
BEGIN
    v_locked := ARRAY(SELECT s.id FROM subscriptions s WHERE s.id = ANY(p_subscriptions) AND s.niche_id = p_niche
                       ORDER BY s.id FOR NO KEY UPDATE SKIP LOCKED);
    UPDATE subscriptions s SET last_received_at = greatest(s.last_received_at, x.served_at)
      FROM unnest(p_subscriptions, p_served_at) AS x(id, served_at)
     WHERE s.id = x.id AND s.id = ANY(v_locked);
    IF cardinality(v_locked) = cardinality(p_subscriptions) THEN
        INSERT INTO niche_services_saved AS w (niche_id, saved_until) VALUES (p_niche, p_until)
        ON CONFLICT (niche_id) DO UPDATE SET saved_until = greatest(w.saved_until, excluded.saved_until);
    END IF;
    RETURN v_locked;
END $$;

-- Plans come as parallel arrays. Per lead (l_*): lead, niche, run, actor, served-at time, elapsed
-- ms so far, the niche version the plan was made on, start position, pointer after it, the run's
-- status and the lead's status after it, traversal and skips as the grain decided them (JSON), and
-- its first assignment and assignment count. Per assignment (a_*): id, provider, subscription,
-- level, price. s_short: the providers the grains found too poor for a subscription (their paused
-- state is re-checked here).
-- One row per lead, in order. balances: per assignment of the lead, the provider's balance after
-- it ('recorded') or as it stands ('insufficient_balance').
--
-- Planned once per connection, not once per call: with its parameters being arrays, a custom plan of
-- each of the function's statements looks no better than the generic one, yet building it cost about
-- as much as running it (measured: 1.6 ms → 0.85 ms for a one-lead call in steady state). The generic
-- plans use the same indexes whatever the arrays hold.
-- It moves money: the owner's rights and a fixed search_path (see 0002_money.sql). A later script
-- that replaces it starts from this body and states all three options again: CREATE OR REPLACE
-- resets them to what it says (privileges stay).
CREATE FUNCTION record_distributions(
    l_lead uuid[], l_niche uuid[], l_run uuid[], l_actor text[], l_at timestamptz[], l_elapsed_ms integer[],
    l_version bigint[], l_start integer[], l_next_pointer integer[], l_status text[], l_lead_status text[],
    l_traversal text[], l_skipped text[], l_first integer[], l_count integer[],
    a_id uuid[], a_provider uuid[], a_subscription uuid[], a_level uuid[], a_price bigint[],
    s_short uuid[])
RETURNS TABLE (lead_id uuid, outcome text, lead_status text, attempt integer, version bigint, pointer integer,
               balances bigint[], paused_subscription_ids uuid[])
LANGUAGE plpgsql SECURITY DEFINER
SET plan_cache_mode = force_generic_plan
SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_clock_started timestamptz := clock_timestamp();
    v_leads integer := coalesce(cardinality(l_lead), 0);
    v_assignments integer := coalesce(cardinality(a_id), 0);
    n_id uuid[];
    n_version bigint[];
    n_pointer integer[];
    n_committed_version bigint[];
    r_status text[];
    r_attempt integer[];
    r_outcome text[] := array_fill(NULL::text, ARRAY[v_leads]);
    r_version bigint[] := array_fill(0::bigint, ARRAY[v_leads]);
    r_pointer integer[] := array_fill(0, ARRAY[v_leads]);
    p_id uuid[];
    p_balance bigint[];
    p_committed_balance bigint[];
    a_lead integer[];
    a_p integer[];
    a_balance bigint[] := array_fill(0::bigint, ARRAY[v_assignments]);
    v_niche integer;
    v_earlier integer;
    v_ok boolean;
    v_paused_id uuid[];
    v_paused_niche uuid[];
    v_top_price bigint := (SELECT max(price_cents) FROM competition_levels);
    -- Caps: c_* one entry per capped subscription the plans charge (its subscription_usage row),
    -- a_c each assignment's entry (null: its subscription has no caps).
    c_sub uuid[];
    c_zone text[];
    c_leads_per_day integer[];
    c_leads_per_week integer[];
    c_leads_per_month integer[];
    c_budget_per_day bigint[];
    c_budget_per_week bigint[];
    c_budget_per_month bigint[];
    c_day date[];
    c_week date[];
    c_month date[];
    c_day_leads integer[];
    c_week_leads integer[];
    c_month_leads integer[];
    c_day_spend bigint[];
    c_week_spend bigint[];
    c_month_spend bigint[];
    c_changed boolean[];
    a_c integer[];
    a_day date[];
    a_week date[];
    a_month date[];
    v_c integer;
    v_capped boolean;
BEGIN
    -- Locks in id order — niches, leads, providers — so concurrent calls wait but never deadlock.
    -- NO KEY UPDATE: rows that reference these can still be inserted meanwhile.
    SELECT array_agg(x.id), array_agg(x.distribution_version), array_agg(x.next_start_level_order_position)
      INTO n_id, n_version, n_pointer
      FROM (SELECT n.id, n.distribution_version, n.next_start_level_order_position FROM niches n
             WHERE n.id = ANY(l_niche) ORDER BY n.id FOR NO KEY UPDATE) x;
    n_committed_version := n_version;
    PERFORM 1 FROM leads l WHERE l.id = ANY(l_lead) ORDER BY l.id FOR NO KEY UPDATE;
    SELECT array_agg(l.status ORDER BY x.ord), array_agg(l.distribution_attempts + 1 ORDER BY x.ord)
      INTO r_status, r_attempt
      FROM unnest(l_lead, l_niche) WITH ORDINALITY AS x(id, niche, ord)
      LEFT JOIN leads l ON l.id = x.id AND l.niche_id = x.niche;
    SELECT coalesce(array_agg(x.id), '{}'), coalesce(array_agg(x.balance_cents), '{}')
      INTO p_id, p_balance
      FROM (SELECT p.id, p.balance_cents FROM providers p
             WHERE p.id = ANY(a_provider || s_short) ORDER BY p.id FOR NO KEY UPDATE) x;
    p_committed_balance := p_balance;
    -- Each assignment's lead and provider, as indexes into the arrays above.
    SELECT coalesce(array_agg(j ORDER BY k), '{}') INTO a_lead
      FROM generate_series(1, v_leads) j, generate_series(l_first[j], l_first[j] + l_count[j] - 1) k;
    SELECT coalesce(array_agg(array_position(p_id, a.provider) ORDER BY a.k), '{}') INTO a_p
      FROM unnest(a_provider) WITH ORDINALITY AS a(provider, k);
    -- The capped subscriptions' caps and counts, read under the provider locks above: every writer of
    -- a subscription's counts holds its provider's row. Subscriptions without caps have no row.
    SELECT coalesce(array_agg(u.subscription_id ORDER BY u.subscription_id), '{}'), array_agg(u.time_zone ORDER BY u.subscription_id),
           array_agg(u.leads_per_day ORDER BY u.subscription_id), array_agg(u.leads_per_week ORDER BY u.subscription_id),
           array_agg(u.leads_per_month ORDER BY u.subscription_id), array_agg(u.budget_cents_per_day ORDER BY u.subscription_id),
           array_agg(u.budget_cents_per_week ORDER BY u.subscription_id), array_agg(u.budget_cents_per_month ORDER BY u.subscription_id),
           array_agg(u.day_start ORDER BY u.subscription_id), array_agg(u.week_start ORDER BY u.subscription_id),
           array_agg(u.month_start ORDER BY u.subscription_id), array_agg(u.day_leads ORDER BY u.subscription_id),
           array_agg(u.week_leads ORDER BY u.subscription_id), array_agg(u.month_leads ORDER BY u.subscription_id),
           array_agg(u.day_spend_cents ORDER BY u.subscription_id), array_agg(u.week_spend_cents ORDER BY u.subscription_id),
           array_agg(u.month_spend_cents ORDER BY u.subscription_id), array_agg(false ORDER BY u.subscription_id)
      INTO c_sub, c_zone, c_leads_per_day, c_leads_per_week, c_leads_per_month, c_budget_per_day, c_budget_per_week, c_budget_per_month,
           c_day, c_week, c_month, c_day_leads, c_week_leads, c_month_leads, c_day_spend, c_week_spend, c_month_spend, c_changed
      FROM subscription_usage u WHERE u.subscription_id = ANY(a_subscription);
    IF cardinality(c_sub) > 0 THEN
        -- Each capped assignment's local day, week and month in its provider's zone.
        SELECT array_agg(x.c ORDER BY x.k), array_agg(x.day ORDER BY x.k),
               array_agg(date_trunc('week', x.day)::date ORDER BY x.k), array_agg(date_trunc('month', x.day)::date ORDER BY x.k)
          INTO a_c, a_day, a_week, a_month
          FROM (SELECT a.k, c.i AS c, (l_at[a.lead] AT TIME ZONE c_zone[c.i])::date AS day
                  FROM unnest(a_subscription, a_lead) WITH ORDINALITY AS a(sub, lead, k)
                  LEFT JOIN LATERAL (SELECT array_position(c_sub, a.sub) AS i) c ON true) x;
    END IF;

    FOR j IN 1 .. v_leads LOOP
        v_niche := array_position(n_id, l_niche[j]);
        -- The same lead twice in one call (a duplicate activation's request): the first one recorded wins.
        FOREACH v_earlier IN ARRAY array_positions(l_lead[1:j - 1], l_lead[j]) LOOP
            IF r_outcome[v_earlier] = 'recorded' THEN
                r_status[j] := l_lead_status[v_earlier];
            END IF;
        END LOOP;
        r_version[j] := coalesce(n_version[v_niche], 0);
        r_pointer[j] := coalesce(n_pointer[v_niche], 0);
        IF v_niche IS NULL OR r_status[j] IS DISTINCT FROM 'approved' THEN
            r_outcome[j] := 'not_distributable';
            CONTINUE;
        END IF;
        IF n_version[v_niche] <> l_version[j] THEN
            r_outcome[j] := 'stale';
            CONTINUE;
        END IF;
        v_ok := true;
        FOR k IN l_first[j] .. l_first[j] + l_count[j] - 1 LOOP
            a_balance[k] := p_balance[a_p[k]];
            v_ok := v_ok AND coalesce(p_balance[a_p[k]] >= a_price[k], false);   -- an unknown provider cannot pay
        END LOOP;
        IF NOT v_ok THEN
            r_outcome[j] := 'insufficient_balance';
            CONTINUE;
        END IF;
        -- Caps are hard: no subscription takes a lead or a cent beyond its caps in any period. A count
        -- of an ended period counts as zero; a lead served in a period before the one counted (a plan
        -- decided long ago) is refused: the niche decides it again, now.
        v_capped := false;
        IF cardinality(c_sub) > 0 THEN
            FOR k IN l_first[j] .. l_first[j] + l_count[j] - 1 LOOP
                v_c := a_c[k];
                CONTINUE WHEN v_c IS NULL;
                v_capped := v_capped
                    OR a_day[k] < c_day[v_c] OR a_week[k] < c_week[v_c] OR a_month[k] < c_month[v_c]
                    OR (CASE WHEN a_day[k] = c_day[v_c] THEN c_day_leads[v_c] ELSE 0 END) + 1 > coalesce(c_leads_per_day[v_c], 2147483647)
                    OR (CASE WHEN a_week[k] = c_week[v_c] THEN c_week_leads[v_c] ELSE 0 END) + 1 > coalesce(c_leads_per_week[v_c], 2147483647)
                    OR (CASE WHEN a_month[k] = c_month[v_c] THEN c_month_leads[v_c] ELSE 0 END) + 1 > coalesce(c_leads_per_month[v_c], 2147483647)
                    OR (CASE WHEN a_day[k] = c_day[v_c] THEN c_day_spend[v_c] ELSE 0 END) + a_price[k] > coalesce(c_budget_per_day[v_c], 9223372036854775807 - a_price[k])
                    OR (CASE WHEN a_week[k] = c_week[v_c] THEN c_week_spend[v_c] ELSE 0 END) + a_price[k] > coalesce(c_budget_per_week[v_c], 9223372036854775807 - a_price[k])
                    OR (CASE WHEN a_month[k] = c_month[v_c] THEN c_month_spend[v_c] ELSE 0 END) + a_price[k] > coalesce(c_budget_per_month[v_c], 9223372036854775807 - a_price[k]);
            END LOOP;
        END IF;
        IF v_capped THEN
            r_outcome[j] := 'cap_reached';
            CONTINUE;
        END IF;
        FOR k IN l_first[j] .. l_first[j] + l_count[j] - 1 LOOP
            p_balance[a_p[k]] := p_balance[a_p[k]] - a_price[k];
            a_balance[k] := p_balance[a_p[k]];
            v_c := a_c[k];
            IF v_c IS NOT NULL THEN
                IF a_day[k] > c_day[v_c] THEN
                    c_day[v_c] := a_day[k]; c_day_leads[v_c] := 0; c_day_spend[v_c] := 0;
                END IF;
                IF a_week[k] > c_week[v_c] THEN
                    c_week[v_c] := a_week[k]; c_week_leads[v_c] := 0; c_week_spend[v_c] := 0;
                END IF;
                IF a_month[k] > c_month[v_c] THEN
                    c_month[v_c] := a_month[k]; c_month_leads[v_c] := 0; c_month_spend[v_c] := 0;
                END IF;
                c_day_leads[v_c] := c_day_leads[v_c] + 1;
                c_week_leads[v_c] := c_week_leads[v_c] + 1;
                c_month_leads[v_c] := c_month_leads[v_c] + 1;
                c_day_spend[v_c] := c_day_spend[v_c] + a_price[k];
                c_week_spend[v_c] := c_week_spend[v_c] + a_price[k];
                c_month_spend[v_c] := c_month_spend[v_c] + a_price[k];
                c_changed[v_c] := true;
            END IF;
        END LOOP;
        r_outcome[j] := 'recorded';
        n_version[v_niche] := n_version[v_niche] + 1;
        n_pointer[v_niche] := l_next_pointer[j];
        r_version[j] := n_version[v_niche];
        r_pointer[j] := n_pointer[v_niche];
    END LOOP;

    UPDATE niches n SET distribution_version = x.version, next_start_level_order_position = x.pointer
      FROM unnest(n_id, n_version, n_pointer, n_committed_version) AS x(id, version, pointer, committed)
     WHERE n.id = x.id AND x.version <> x.committed;

    INSERT INTO lead_assignments (id, lead_id, provider_id, subscription_id, level_id, niche_id, price_cents, balance_after_cents, assigned_at)
    SELECT a.id, l_lead[a.lead], a.provider, a.subscription, a.level, l_niche[a.lead], a.price, a.balance, l_at[a.lead]
      FROM unnest(a_lead, a_id, a_provider, a_subscription, a_level, a_price, a_balance) AS a(lead, id, provider, subscription, level, price, balance)
     WHERE r_outcome[a.lead] = 'recorded';

    -- Absolute counts, computed under the provider locks above. Each count was allowed under the caps
    -- in force (the invariant checker holds it to them).
    IF cardinality(c_sub) > 0 THEN
        UPDATE subscription_usage u
           SET day_start = x.day, week_start = x.week, month_start = x.month,
               day_leads = x.day_leads, week_leads = x.week_leads, month_leads = x.month_leads,
               day_spend_cents = x.day_spend, week_spend_cents = x.week_spend, month_spend_cents = x.month_spend,
               day_leads_allowed = u.leads_per_day, week_leads_allowed = u.leads_per_week, month_leads_allowed = u.leads_per_month,
               day_spend_allowed_cents = u.budget_cents_per_day, week_spend_allowed_cents = u.budget_cents_per_week,
               month_spend_allowed_cents = u.budget_cents_per_month
          FROM unnest(c_sub, c_day, c_week, c_month, c_day_leads, c_week_leads, c_month_leads, c_day_spend, c_week_spend, c_month_spend, c_changed)
               AS x(sub, day, week, month, day_leads, week_leads, month_leads, day_spend, week_spend, month_spend, changed)
         WHERE u.subscription_id = x.sub AND x.changed;
    END IF;

    -- Absolute balances, computed under the row locks above.
    UPDATE providers p SET balance_cents = x.balance, updated_at = now()
      FROM unnest(p_id, p_balance, p_committed_balance) AS x(id, balance, committed)
     WHERE p.id = x.id AND x.balance <> x.committed;

    -- Rule 4 by the balances as committed: a provider charged or found short pays for no active
    -- subscription above its balance.
    WITH paused AS (
        UPDATE subscriptions s SET status = 'paused_insufficient_balance'
          FROM competition_levels l, unnest(p_id, p_balance) AS x(id, balance)
         WHERE x.balance < v_top_price   -- most providers can pay any price: their subscriptions are not even looked at
           AND s.provider_id = x.id AND l.id = s.level_id AND s.status = 'active' AND l.price_cents > x.balance
        RETURNING s.id, s.niche_id)
    SELECT coalesce(array_agg(id), '{}'), coalesce(array_agg(niche_id), '{}') INTO v_paused_id, v_paused_niche FROM paused;

    INSERT INTO distribution_runs (id, lead_id, niche_id, attempt, start_level_order_position, status, traversal,
                                   assignment_ids, skipped, started_at, completed_at, duration_ms, actor)
    SELECT l_run[j], l_lead[j], l_niche[j], r_attempt[j], l_start[j], l_status[j], l_traversal[j]::jsonb,
           coalesce(a_id[l_first[j]:l_first[j] + l_count[j] - 1], '{}'), l_skipped[j]::jsonb, l_at[j], l_at[j],
           l_elapsed_ms[j] + (extract(epoch FROM clock_timestamp() - v_clock_started) * 1000)::integer, l_actor[j]
      FROM generate_series(1, v_leads) j
     WHERE r_outcome[j] = 'recorded'
     ORDER BY j;   -- seq follows the order the leads were recorded in

    UPDATE leads l SET status = l_lead_status[x.j], distributed_at = l_at[x.j], distribution_attempts = r_attempt[x.j],
                       next_attempt_at = NULL, lease_until = NULL, updated_at = l_at[x.j]
      FROM (SELECT j FROM generate_series(1, v_leads) j WHERE r_outcome[j] = 'recorded') x
     WHERE l.id = l_lead[x.j];

    RETURN QUERY
    SELECT l_lead[j], r_outcome[j],
           CASE WHEN r_outcome[j] = 'recorded' THEN l_lead_status[j] ELSE r_status[j] END,
           coalesce(r_attempt[j], 0), r_version[j], r_pointer[j],
           a_balance[l_first[j]:l_first[j] + l_count[j] - 1],
           (SELECT coalesce(array_agg(p.id), '{}') FROM unnest(v_paused_id, v_paused_niche) AS p(id, niche) WHERE p.niche = l_niche[j])
      FROM generate_series(1, v_leads) j
     ORDER BY j;
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

-- The money and fairness invariants as one query, so tests, the benchmark and the nightly
-- reconciliation all judge the data the same way. Each row is one violation. A later script that
-- replaces it starts from this body and keeps the last branch (I8, 0003_controls.sql); the refund
-- invariants R1-R4 are check_refund_invariants (0006_returns.sql).
CREATE FUNCTION check_invariants()
RETURNS TABLE (invariant text, subject_id uuid, detail text)
LANGUAGE sql STABLE AS $$
    -- I1: balance = deposits and other ledger entries minus what its assignments charged; never negative.
    SELECT 'I1', p.id, format('balance %s, ledger sum %s, charged %s', p.balance_cents, coalesce(l.total, 0), coalesce(a.total, 0))
      FROM providers p
      LEFT JOIN (SELECT provider_id, sum(amount_cents) AS total FROM ledger_entries GROUP BY provider_id) l ON l.provider_id = p.id
      LEFT JOIN (SELECT provider_id, sum(price_cents) AS total FROM lead_assignments GROUP BY provider_id) a ON a.provider_id = p.id
     WHERE p.balance_cents <> coalesce(l.total, 0) - coalesce(a.total, 0) OR p.balance_cents < 0
    UNION ALL
    -- I2: an assignment is exactly one charge of -price (CHECK price_cents > 0), so no ledger entry may charge it again.
    SELECT 'I2', e.id, 'a ledger entry charges an assignment that is its own charge'
      FROM ledger_entries e
     WHERE e.assignment_id IS NOT NULL AND e.kind <> 'refund'
    UNION ALL
    -- I3: no (lead, provider) pair twice.
    SELECT 'I3', a.lead_id, format('provider %s assigned %s times', a.provider_id, count(*))
      FROM lead_assignments a GROUP BY a.lead_id, a.provider_id HAVING count(*) > 1
    UNION ALL
    -- I4: no level gets more assignments of one lead than its max_recipients.
    SELECT 'I4', a.lead_id, format('level %s got %s assignments, max %s', a.level_id, count(*), l.max_recipients)
      FROM lead_assignments a JOIN competition_levels l ON l.id = a.level_id
     GROUP BY a.lead_id, a.level_id, l.max_recipients HAVING count(*) > l.max_recipients
    UNION ALL
    SELECT * FROM check_cap_invariants()
$$;
