-- Buyers' controls: caps and budgets per subscription per day, week and month, counted in the
-- provider's time zone, and a weekly schedule of delivery hours. The niche grain decides with them in
-- memory (a capped or closed subscription is skipped and keeps its place in the order); the database
-- guards the caps like the balance, in the same transaction: record_distributions refuses a lead that
-- would take a subscription past a cap, under any concurrency or failover.
--
-- The counts live in subscription_usage, one row per capped subscription holding its caps and time
-- zone (copied there, so the group commit reads one row per capped subscription and nothing else) and
-- its counts of the current day, week and month. They change only under the provider's row lock
-- (record_distributions and the functions below take it first), so two writers never count at once.
-- A subscription without caps has no row and costs the group commit one index probe per assignment.

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

-- A capped subscription's caps, zone and counts of its current local day, week and month (the
-- periods' first dates; a count of a period that has ended is zero). *_allowed: the cap in force when
-- the count was last written, or the count itself when caps were lowered below it; the count never
-- exceeds it (I8).
CREATE TABLE subscription_usage (
    subscription_id            uuid    PRIMARY KEY REFERENCES subscriptions (id),
    time_zone                  text    NOT NULL,
    leads_per_day              integer NULL,
    leads_per_week             integer NULL,
    leads_per_month            integer NULL,
    budget_cents_per_day       bigint  NULL,
    budget_cents_per_week      bigint  NULL,
    budget_cents_per_month     bigint  NULL,
    day_start                  date    NOT NULL,
    week_start                 date    NOT NULL,
    month_start                date    NOT NULL,
    day_leads                  integer NOT NULL CHECK (day_leads >= 0),
    week_leads                 integer NOT NULL CHECK (week_leads >= 0),
    month_leads                integer NOT NULL CHECK (month_leads >= 0),
    day_spend_cents            bigint  NOT NULL CHECK (day_spend_cents >= 0),
    week_spend_cents           bigint  NOT NULL CHECK (week_spend_cents >= 0),
    month_spend_cents          bigint  NOT NULL CHECK (month_spend_cents >= 0),
    day_leads_allowed          integer NULL,
    week_leads_allowed         integer NULL,
    month_leads_allowed        integer NULL,
    day_spend_allowed_cents    bigint  NULL,
    week_spend_allowed_cents   bigint  NULL,
    month_spend_allowed_cents  bigint  NULL
);
-- Guarded counts: the application reads them; only the functions below write them.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON subscription_usage FROM leadgrains_app;

-- The leads and spend of a subscription's assignments from local date p_from (included) to p_until
-- (excluded) in zone p_zone.
CREATE FUNCTION subscription_taken(p_subscription uuid, p_provider uuid, p_zone text, p_from date, p_until date)
RETURNS TABLE (leads integer, spend_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT count(*)::integer, coalesce(sum(a.price_cents), 0)::bigint
      FROM lead_assignments a
     WHERE a.provider_id = p_provider AND a.subscription_id = p_subscription
       AND a.assigned_at >= p_from::timestamp AT TIME ZONE p_zone AND a.assigned_at < p_until::timestamp AT TIME ZONE p_zone
$$;

-- Writes the given subscriptions' rows afresh from their caps and assignments, with the periods that
-- hold p_at: when caps are set or changed (a cap set at noon counts the morning's leads) or the
-- provider's zone changes. A subscription without caps loses its row. The caller holds the providers' rows.
CREATE FUNCTION recount_subscription_usage(p_subscriptions uuid[], p_at timestamptz)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM subscription_usage u WHERE u.subscription_id = ANY(p_subscriptions);
    INSERT INTO subscription_usage
    SELECT s.id, p.time_zone, s.leads_per_day, s.leads_per_week, s.leads_per_month,
           s.budget_cents_per_day, s.budget_cents_per_week, s.budget_cents_per_month,
           k.day, k.week, k.month, d.leads, w.leads, m.leads, d.spend_cents, w.spend_cents, m.spend_cents,
           greatest(s.leads_per_day, d.leads), greatest(s.leads_per_week, w.leads), greatest(s.leads_per_month, m.leads),
           greatest(s.budget_cents_per_day, d.spend_cents), greatest(s.budget_cents_per_week, w.spend_cents),
           greatest(s.budget_cents_per_month, m.spend_cents)
      FROM subscriptions s
      JOIN providers p ON p.id = s.provider_id
     CROSS JOIN LATERAL (SELECT (p_at AT TIME ZONE p.time_zone)::date AS day,
                                date_trunc('week', p_at AT TIME ZONE p.time_zone)::date AS week,
                                date_trunc('month', p_at AT TIME ZONE p.time_zone)::date AS month) k
     CROSS JOIN LATERAL subscription_taken(s.id, s.provider_id, p.time_zone, k.day, k.day + 1) d
     CROSS JOIN LATERAL subscription_taken(s.id, s.provider_id, p.time_zone, k.week, k.week + 7) w
     CROSS JOIN LATERAL subscription_taken(s.id, s.provider_id, p.time_zone, k.month, (k.month + interval '1 month')::date) m
     WHERE s.id = ANY(p_subscriptions)
       AND num_nonnulls(s.leads_per_day, s.leads_per_week, s.leads_per_month,
                        s.budget_cents_per_day, s.budget_cents_per_week, s.budget_cents_per_month) > 0;
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

-- I8: no capped subscription took more leads or spent more in its current day, week or month than the
-- caps it was allowed under, and each count holds exactly the assignments of its period (so the guard
-- judged by true counts).
CREATE FUNCTION check_cap_invariants()
RETURNS TABLE (invariant text, subject_id uuid, detail text)
LANGUAGE sql STABLE AS $$
    SELECT 'I8', u.subscription_id,
           format('%s from %s: %s leads for %s cents counted, %s leads for %s cents assigned, allowed %s leads and %s cents',
                  x.period, x.start, x.leads, x.spend, t.leads, t.spend_cents, coalesce(x.leads_allowed::text, 'any'),
                  coalesce(x.spend_allowed::text, 'any'))
      FROM subscription_usage u
      JOIN subscriptions s ON s.id = u.subscription_id
     CROSS JOIN LATERAL (VALUES ('day', u.day_start, u.day_start + 1, u.day_leads, u.day_spend_cents, u.day_leads_allowed, u.day_spend_allowed_cents),
                                ('week', u.week_start, u.week_start + 7, u.week_leads, u.week_spend_cents, u.week_leads_allowed, u.week_spend_allowed_cents),
                                ('month', u.month_start, (u.month_start + interval '1 month')::date, u.month_leads, u.month_spend_cents,
                                 u.month_leads_allowed, u.month_spend_allowed_cents))
                 AS x(period, start, until, leads, spend, leads_allowed, spend_allowed)
     CROSS JOIN LATERAL subscription_taken(u.subscription_id, s.provider_id, u.time_zone, x.start, x.until) t
     WHERE t.leads <> x.leads OR t.spend_cents <> x.spend
        OR x.leads > coalesce(x.leads_allowed, x.leads) OR x.spend > coalesce(x.spend_allowed, x.spend)
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
