-- A subscription's last_received_at leaves the distribution's transaction. The niche grain already
-- holds each subscription's last service in memory (it orders its levels by it); writing it for
-- every assignment inside record_distributions was about a quarter of the serial group commit's
-- time (≈ 3.9 of ≈ 14 ms per group of ≈ 30 leads). The niche grain now saves it every few seconds
-- and when it deactivates (save_services), and what was not saved yet is derived from the
-- assignments themselves, which are written anyway:
--
--   last received = greatest(subscriptions.last_received_at,
--                            latest assignment of the subscription in a run after the niche's watermark)
--
-- niche_services_saved.saved_until is the niche's watermark: every assignment of its runs that
-- started at or before it is reflected in its subscriptions' last_received_at. It has a table of its
-- own, not a column of niches, so a save never takes the niche row the group commit locks. The niche advances it only past
-- leads whose recording it has seen, so a run recorded later than a save still counts. Whoever
-- reads a last service (the niche grain on activation, the API) reads it through
-- subscriptions_last_received, so no reader sees an older value than the assignments say.

-- A niche without a row has saved nothing yet ('-infinity'). Existing last services were written by
-- the old function in the same transaction as their runs: all saved.
CREATE TABLE niche_services_saved (
    niche_id     uuid PRIMARY KEY,
    saved_until  timestamptz NOT NULL
);
INSERT INTO niche_services_saved (niche_id, saved_until)
SELECT niche_id, max(started_at) FROM distribution_runs GROUP BY niche_id;

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

-- record_distributions as in 0007, without the last_received_at update.
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
        FOR k IN l_first[j] .. l_first[j] + l_count[j] - 1 LOOP
            p_balance[a_p[k]] := p_balance[a_p[k]] - a_price[k];
            a_balance[k] := p_balance[a_p[k]];
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
