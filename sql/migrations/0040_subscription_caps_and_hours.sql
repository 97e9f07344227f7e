-- Buyers' controls: caps and budgets per subscription per day, week and month, counted in the
-- provider's time zone, and a weekly schedule of delivery hours. The niche grain decides with them in
-- memory (a capped or closed subscription is skipped and keeps its place in the order); the database
-- guards the caps like the balance, in the same transaction: record_distributions refuses a lead that
-- would take a subscription past a cap, under any concurrency or failover.
--
-- The counts live in subscription_usage, one row per capped subscription and counted period, written
-- only where a subscription's counts change: under its provider's row lock (record_distributions and
-- the functions below take it first), so two writers never count the same period at once. A
-- subscription without caps has no rows and costs the group commit one index lookup per assignment.

ALTER TABLE providers ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';

ALTER TABLE subscriptions
    ADD COLUMN leads_per_day           integer NULL CHECK (leads_per_day > 0),
    ADD COLUMN leads_per_week          integer NULL CHECK (leads_per_week > 0),
    ADD COLUMN leads_per_month         integer NULL CHECK (leads_per_month > 0),
    ADD COLUMN budget_cents_per_day    bigint  NULL CHECK (budget_cents_per_day > 0),
    ADD COLUMN budget_cents_per_week   bigint  NULL CHECK (budget_cents_per_week > 0),
    ADD COLUMN budget_cents_per_month  bigint  NULL CHECK (budget_cents_per_month > 0),
    -- [{"day": "monday", "from": "09:00", "to": "17:00"}, …] in the provider's local time; null: any time.
    ADD COLUMN delivery_hours          jsonb   NULL,
    -- {"max_caps": {…}, "allowed_hours": […] | null}: what the provider may choose itself; null: nothing.
    ADD COLUMN provider_bounds         jsonb   NULL;

-- period_from and period_until are the instants the local period spans (a day of 23 or 25 hours
-- across a DST change), so the invariant checker can count the assignments a row stands for.
-- leads_allowed and spend_allowed_cents: the caps in force when the counts were last written; the
-- counts never exceed them.
CREATE TABLE subscription_usage (
    subscription_id      uuid        NOT NULL REFERENCES subscriptions (id),
    period               text        NOT NULL CHECK (period IN ('day', 'week', 'month')),
    period_start         date        NOT NULL,
    period_from          timestamptz NOT NULL,
    period_until         timestamptz NOT NULL,
    leads                integer     NOT NULL CHECK (leads >= 0),
    spend_cents          bigint      NOT NULL CHECK (spend_cents >= 0),
    leads_allowed        integer     NULL,
    spend_allowed_cents  bigint      NULL,
    PRIMARY KEY (subscription_id, period, period_start)
);
-- Guarded counts: the application reads them; only the functions below write them.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON subscription_usage FROM leadgrains_app;

-- The first local date of the period holding p_at in zone p_zone. Weeks start on Monday, as in the
-- niche grain (CapPeriods).
CREATE FUNCTION cap_period_start(p_period text, p_at timestamptz, p_zone text)
RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT CASE p_period
               WHEN 'day' THEN (p_at AT TIME ZONE p_zone)::date
               WHEN 'week' THEN date_trunc('week', p_at AT TIME ZONE p_zone)::date
               ELSE date_trunc('month', p_at AT TIME ZONE p_zone)::date
           END
$$;

-- The first local date of the period after the one starting at p_start.
CREATE FUNCTION cap_period_end(p_period text, p_start date)
RETURNS date
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_period
               WHEN 'day' THEN p_start + 1
               WHEN 'week' THEN p_start + 7
               ELSE (p_start + interval '1 month')::date
           END
$$;

-- The counted periods of the given subscriptions: one row per period with a cap or a budget.
CREATE FUNCTION subscription_cap_periods(p_subscriptions uuid[])
RETURNS TABLE (subscription_id uuid, time_zone text, period text, leads_cap integer, budget_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT s.id, p.time_zone, c.period, c.leads, c.budget
      FROM subscriptions s
      JOIN providers p ON p.id = s.provider_id
     CROSS JOIN LATERAL (VALUES ('day', s.leads_per_day, s.budget_cents_per_day),
                                ('week', s.leads_per_week, s.budget_cents_per_week),
                                ('month', s.leads_per_month, s.budget_cents_per_month)) AS c(period, leads, budget)
     WHERE s.id = ANY(p_subscriptions) AND (c.leads IS NOT NULL OR c.budget IS NOT NULL)
$$;

-- Counts the current periods of the given subscriptions afresh from their assignments: when caps are
-- set or changed (a cap set at noon counts the morning's leads) or the provider's zone changes. Rows
-- of periods no longer counted go. The caller holds the providers' rows.
CREATE FUNCTION recount_subscription_usage(p_subscriptions uuid[], p_at timestamptz)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM subscription_usage u WHERE u.subscription_id = ANY(p_subscriptions) AND u.period_until > p_at;
    INSERT INTO subscription_usage (subscription_id, period, period_start, period_from, period_until,
                                    leads, spend_cents, leads_allowed, spend_allowed_cents)
    SELECT c.subscription_id, c.period, k.start, k.period_from, k.period_until, count(a.id), coalesce(sum(a.price_cents), 0),
           CASE WHEN c.leads_cap IS NOT NULL THEN greatest(c.leads_cap, count(a.id)) END,
           CASE WHEN c.budget_cents IS NOT NULL THEN greatest(c.budget_cents, coalesce(sum(a.price_cents), 0)) END
      FROM subscription_cap_periods(p_subscriptions) c
      JOIN subscriptions s ON s.id = c.subscription_id
     CROSS JOIN LATERAL (SELECT cap_period_start(c.period, p_at, c.time_zone) AS start) d
     CROSS JOIN LATERAL (SELECT d.start, d.start::timestamp AT TIME ZONE c.time_zone AS period_from,
                                cap_period_end(c.period, d.start)::timestamp AT TIME ZONE c.time_zone AS period_until) k
      LEFT JOIN lead_assignments a ON a.provider_id = s.provider_id AND a.subscription_id = c.subscription_id
                                  AND a.assigned_at >= k.period_from AND a.assigned_at < k.period_until
     GROUP BY c.subscription_id, c.period, k.start, k.period_from, k.period_until, c.leads_cap, c.budget_cents;
END $$;

-- Sets a subscription's caps, delivery hours and provider bounds, and recounts its current periods,
-- under its provider's row lock (taken first, as record_distributions takes it). False if the
-- subscription is not one of the niche's.
CREATE FUNCTION set_subscription_controls(
    p_subscription uuid, p_niche uuid,
    p_leads_per_day integer, p_leads_per_week integer, p_leads_per_month integer,
    p_budget_cents_per_day bigint, p_budget_cents_per_week bigint, p_budget_cents_per_month bigint,
    p_delivery_hours jsonb, p_provider_bounds jsonb, p_at timestamptz)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v_provider uuid;
BEGIN
    SELECT s.provider_id INTO v_provider FROM subscriptions s WHERE s.id = p_subscription AND s.niche_id = p_niche;
    IF v_provider IS NULL THEN
        RETURN false;
    END IF;
    PERFORM 1 FROM providers p WHERE p.id = v_provider FOR NO KEY UPDATE;
    UPDATE subscriptions s
       SET leads_per_day = p_leads_per_day, leads_per_week = p_leads_per_week, leads_per_month = p_leads_per_month,
           budget_cents_per_day = p_budget_cents_per_day, budget_cents_per_week = p_budget_cents_per_week,
           budget_cents_per_month = p_budget_cents_per_month, delivery_hours = p_delivery_hours, provider_bounds = p_provider_bounds
     WHERE s.id = p_subscription;
    PERFORM recount_subscription_usage(ARRAY[p_subscription], p_at);
    RETURN true;
END $$;

-- Moves a provider of the workspace to another time zone (an IANA name PostgreSQL knows) and recounts
-- its capped subscriptions in the new zone's periods. False if the provider is not the workspace's.
CREATE FUNCTION set_provider_time_zone(p_provider uuid, p_workspace uuid, p_zone text, p_at timestamptz)
RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM pg_timezone_names WHERE name = p_zone;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown time zone %', p_zone USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE providers p SET time_zone = p_zone, updated_at = now() WHERE p.id = p_provider AND p.workspace_id = p_workspace;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM recount_subscription_usage(ARRAY(SELECT s.id FROM subscriptions s WHERE s.provider_id = p_provider), p_at);
    RETURN true;
END $$;

-- record_distributions as in 0022, with the caps guard: a lead whose assignments would take a
-- subscription past a cap or budget of the current day, week or month (in its provider's zone) is
-- refused whole as 'cap_reached', like an overdraft, and the niche decides it again.
CREATE OR REPLACE FUNCTION record_distributions(
    l_lead uuid[], l_niche uuid[], l_run uuid[], l_actor text[], l_at timestamptz[], l_elapsed_ms integer[],
    l_version bigint[], l_start integer[], l_next_pointer integer[], l_status text[], l_lead_status text[],
    l_traversal text[], l_skipped text[], l_first integer[], l_count integer[],
    a_id uuid[], a_provider uuid[], a_subscription uuid[], a_level uuid[], a_price bigint[],
    s_short uuid[])
RETURNS TABLE (lead_id uuid, outcome text, lead_status text, attempt integer, version bigint, pointer integer,
               balances bigint[], paused_subscription_ids uuid[])
LANGUAGE plpgsql
-- Planned once per connection (see 0007).
SET plan_cache_mode = force_generic_plan
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
    -- Caps and budgets: u_* one entry per counted (subscription, period) the plans touch, with its
    -- counts; o_* one entry per (assignment, counted period of its subscription); each assignment's
    -- entries in o_* found by a_ofirst and a_ocount.
    u_sub uuid[];
    u_period text[];
    u_start date[];
    u_zone text[];
    u_leads integer[];
    u_spend bigint[];
    u_leads_cap integer[];
    u_budget bigint[];
    u_committed_leads integer[];
    o_k integer[];
    o_key integer[];
    a_ofirst integer[];
    a_ocount integer[];
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
    -- The counted periods of the capped subscriptions, and what they took so far, read under the
    -- provider locks above: every writer of a subscription's counts holds its provider's row.
    SELECT coalesce(array_agg(c.subscription_id ORDER BY c.subscription_id, c.period, c.start), '{}'),
           coalesce(array_agg(c.period ORDER BY c.subscription_id, c.period, c.start), '{}'),
           coalesce(array_agg(c.start ORDER BY c.subscription_id, c.period, c.start), '{}'),
           coalesce(array_agg(c.time_zone ORDER BY c.subscription_id, c.period, c.start), '{}'),
           coalesce(array_agg(coalesce(u.leads, 0) ORDER BY c.subscription_id, c.period, c.start), '{}'),
           coalesce(array_agg(coalesce(u.spend_cents, 0) ORDER BY c.subscription_id, c.period, c.start), '{}'),
           coalesce(array_agg(c.leads_cap ORDER BY c.subscription_id, c.period, c.start), '{}'),
           coalesce(array_agg(c.budget_cents ORDER BY c.subscription_id, c.period, c.start), '{}')
      INTO u_sub, u_period, u_start, u_zone, u_leads, u_spend, u_leads_cap, u_budget
      FROM (SELECT DISTINCT c.subscription_id, c.period, cap_period_start(c.period, l_at[a.lead], c.time_zone) AS start,
                   c.time_zone, c.leads_cap, c.budget_cents
              FROM unnest(a_subscription, a_lead) AS a(sub, lead)
              JOIN subscription_cap_periods(a_subscription) c ON c.subscription_id = a.sub) c
      LEFT JOIN subscription_usage u ON u.subscription_id = c.subscription_id AND u.period = c.period AND u.period_start = c.start;
    u_committed_leads := u_leads;
    -- Each assignment's counted periods, as indexes into u_* (its dense rank in the same order).
    SELECT coalesce(array_agg(x.k ORDER BY x.k, x.key), '{}'), coalesce(array_agg(x.key ORDER BY x.k, x.key), '{}')
      INTO o_k, o_key
      FROM (SELECT a.k, dense_rank() OVER (ORDER BY c.subscription_id, c.period, cap_period_start(c.period, l_at[a.lead], c.time_zone))::integer AS key
              FROM unnest(a_subscription, a_lead) WITH ORDINALITY AS a(sub, lead, k)
              JOIN subscription_cap_periods(a_subscription) c ON c.subscription_id = a.sub) x;
    a_ofirst := array_fill(1, ARRAY[v_assignments]);
    a_ocount := array_fill(0, ARRAY[v_assignments]);
    FOR i IN 1 .. coalesce(cardinality(o_k), 0) LOOP
        IF a_ocount[o_k[i]] = 0 THEN
            a_ofirst[o_k[i]] := i;
        END IF;
        a_ocount[o_k[i]] := a_ocount[o_k[i]] + 1;
    END LOOP;

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
        -- Caps are hard: no subscription takes a lead or a cent beyond its caps in any period.
        v_capped := false;
        FOR k IN l_first[j] .. l_first[j] + l_count[j] - 1 LOOP
            FOR i IN a_ofirst[k] .. a_ofirst[k] + a_ocount[k] - 1 LOOP
                v_capped := v_capped OR (u_leads_cap[o_key[i]] IS NOT NULL AND u_leads[o_key[i]] >= u_leads_cap[o_key[i]])
                                     OR (u_budget[o_key[i]] IS NOT NULL AND u_spend[o_key[i]] + a_price[k] > u_budget[o_key[i]]);
            END LOOP;
        END LOOP;
        IF v_capped THEN
            r_outcome[j] := 'cap_reached';
            CONTINUE;
        END IF;
        FOR k IN l_first[j] .. l_first[j] + l_count[j] - 1 LOOP
            p_balance[a_p[k]] := p_balance[a_p[k]] - a_price[k];
            a_balance[k] := p_balance[a_p[k]];
            FOR i IN a_ofirst[k] .. a_ofirst[k] + a_ocount[k] - 1 LOOP
                u_leads[o_key[i]] := u_leads[o_key[i]] + 1;
                u_spend[o_key[i]] := u_spend[o_key[i]] + a_price[k];
            END LOOP;
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

    -- Absolute counts, computed under the provider locks above; each cap they passed is the one they
    -- were allowed under (the invariant checker holds them to it).
    INSERT INTO subscription_usage AS u (subscription_id, period, period_start, period_from, period_until,
                                         leads, spend_cents, leads_allowed, spend_allowed_cents)
    SELECT x.sub, x.period, x.start, x.start::timestamp AT TIME ZONE x.zone,
           cap_period_end(x.period, x.start)::timestamp AT TIME ZONE x.zone, x.leads, x.spend, x.leads_cap, x.budget
      FROM unnest(u_sub, u_period, u_start, u_zone, u_leads, u_spend, u_leads_cap, u_budget, u_committed_leads)
           AS x(sub, period, start, zone, leads, spend, leads_cap, budget, committed)
     WHERE x.leads <> x.committed
    ON CONFLICT (subscription_id, period, period_start) DO UPDATE
       SET leads = excluded.leads, spend_cents = excluded.spend_cents,
           leads_allowed = excluded.leads_allowed, spend_allowed_cents = excluded.spend_allowed_cents;

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


-- I8: no subscription took more leads or spent more in a period than the caps it was allowed under,
-- and each count holds exactly the assignments of its period (so the guard judged by true counts).
CREATE FUNCTION check_cap_invariants()
RETURNS TABLE (invariant text, subject_id uuid, detail text)
LANGUAGE sql STABLE AS $$
    SELECT 'I8', u.subscription_id,
           format('%s from %s: %s leads for %s cents counted, %s leads for %s cents assigned, allowed %s leads and %s cents',
                  u.period, u.period_start, u.leads, u.spend_cents, x.leads, x.spend, coalesce(u.leads_allowed::text, 'any'),
                  coalesce(u.spend_allowed_cents::text, 'any'))
      FROM subscription_usage u
      JOIN subscriptions s ON s.id = u.subscription_id
     CROSS JOIN LATERAL (SELECT count(*) AS leads, coalesce(sum(a.price_cents), 0) AS spend
                           FROM lead_assignments a
                          WHERE a.provider_id = s.provider_id AND a.subscription_id = u.subscription_id
                            AND a.assigned_at >= u.period_from AND a.assigned_at < u.period_until) x
     WHERE x.leads <> u.leads OR x.spend <> u.spend_cents
        OR x.leads > coalesce(u.leads_allowed, x.leads) OR x.spend > coalesce(u.spend_allowed_cents, x.spend)
$$;

-- check_invariants as in 0007, with I8. A later migration that replaces it keeps the last branch.
CREATE OR REPLACE FUNCTION check_invariants()
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

-- The new writers of guarded counts run with the owner's rights, as the money functions do (0030).
ALTER FUNCTION recount_subscription_usage(uuid[], timestamptz) SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION set_subscription_controls(uuid, uuid, integer, integer, integer, bigint, bigint, bigint, jsonb, jsonb, timestamptz)
    SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION set_provider_time_zone(uuid, uuid, text, timestamptz) SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE EXECUTE ON FUNCTION recount_subscription_usage(uuid[], timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION set_subscription_controls(uuid, uuid, integer, integer, integer, bigint, bigint, bigint, jsonb, jsonb, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION set_provider_time_zone(uuid, uuid, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION set_subscription_controls(uuid, uuid, integer, integer, integer, bigint, bigint, bigint, jsonb, jsonb, timestamptz) TO leadgrains_app;
GRANT EXECUTE ON FUNCTION set_provider_time_zone(uuid, uuid, text, timestamptz) TO leadgrains_app;
-- CREATE OR REPLACE reset record_distributions to the caller's rights: the owner's again, as in 0030.
ALTER FUNCTION record_distributions(uuid[], uuid[], uuid[], text[], timestamptz[], integer[], bigint[], integer[],
                                    integer[], text[], text[], text[], text[], integer[], integer[], uuid[], uuid[],
                                    uuid[], uuid[], bigint[], uuid[])
    SECURITY DEFINER SET search_path = public, pg_temp;
