-- Buyers' controls: caps and budgets per subscription per day, week and month, counted in the
-- provider's time zone, and a weekly schedule of delivery hours (the columns are on subscriptions and
-- providers, 0001_domain_tables.sql). The niche grain decides with them in memory (a capped or closed
-- subscription is skipped and keeps its place in the order); the database guards the caps like the
-- balance, in the same transaction: record_distributions refuses a lead that would take a
-- subscription past a cap, under any concurrency or failover.
--
-- The counts live in subscription_usage, one row per capped subscription holding its caps and time
-- zone (copied there, so the group commit reads one row per capped subscription and nothing else) and
-- its counts of the current day, week and month. They change only under the provider's row lock
-- (record_distributions and the functions below take it first), so two writers never count at once.
-- A subscription without caps has no row and costs the group commit one index probe per assignment.

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
-- Guarded counts: the application reads them; only record_distributions and the functions below
-- write them. Those that write run with the owner's rights and a fixed search_path, as the money
-- functions do (0002_money.sql); the grants are in 0009_application_role.sql.

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
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
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
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
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
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
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
