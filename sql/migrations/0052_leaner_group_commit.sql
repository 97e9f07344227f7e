-- The group commit is the silo's serial section, so each of its statements caps the silo's rate.
--
-- * A distributed lead's update cannot be HOT (its status and queue columns are indexed), so it
--   writes an entry in every index of leads. Two of them served no query: the lead list pages
--   ix_leads_workspace_created and filters status and niche on the rows it reads; the queue's counts
--   read the approved leads through ix_leads_due and ix_leads_expiry; the reports name the workspace
--   and read ix_leads_workspace_created. Dropping them takes two of five index entries off each
--   distributed lead (and off each lead taken in).
-- * record_distributions reads each lead's status as it locks it (one statement instead of two),
--   and finds each assignment's provider by a join instead of a search of the locked providers per
--   assignment (array_position: the group's providers times its assignments).

DROP INDEX ix_leads_workspace_status;
DROP INDEX ix_leads_workspace_niche;

CREATE OR REPLACE FUNCTION record_distributions(
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
    -- Each lead's status and attempt, read as it is locked.
    SELECT array_agg(l.status ORDER BY x.ord), array_agg(l.distribution_attempts + 1 ORDER BY x.ord)
      INTO r_status, r_attempt
      FROM unnest(l_lead, l_niche) WITH ORDINALITY AS x(id, niche, ord)
      LEFT JOIN (SELECT l.id, l.niche_id, l.status, l.distribution_attempts FROM leads l
                  WHERE l.id = ANY(l_lead) ORDER BY l.id FOR NO KEY UPDATE) l ON l.id = x.id AND l.niche_id = x.niche;
    SELECT coalesce(array_agg(x.id), '{}'), coalesce(array_agg(x.balance_cents), '{}')
      INTO p_id, p_balance
      FROM (SELECT p.id, p.balance_cents FROM providers p
             WHERE p.id = ANY(a_provider || s_short) ORDER BY p.id FOR NO KEY UPDATE) x;
    p_committed_balance := p_balance;
    -- Each assignment's lead and provider, as indexes into the arrays above.
    SELECT coalesce(array_agg(j ORDER BY k), '{}') INTO a_lead
      FROM generate_series(1, v_leads) j, generate_series(l_first[j], l_first[j] + l_count[j] - 1) k;
    SELECT coalesce(array_agg(p.i ORDER BY a.k), '{}') INTO a_p
      FROM unnest(a_provider) WITH ORDINALITY AS a(provider, k)
      LEFT JOIN unnest(p_id) WITH ORDINALITY AS p(id, i) ON p.id = a.provider;
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
