-- Money moves only through these functions. Each runs as one statement, hence one transaction and
-- one round trip, and locks the provider row first so concurrent callers for the same provider
-- (a duplicate activation, a retried request) serialize instead of racing.

-- Charge a provider for one assignment: assignment + charge ledger entry + balance + the
-- subscription's last_received_at + outbox rows + audit row, all or nothing (DESIGN rule 3).
-- Idempotent on (lead, provider): a repeat returns 'duplicate' with the first assignment and
-- charges nothing. After the charge, subscriptions the new balance cannot pay for are paused (rule 4).
CREATE FUNCTION charge_for_assignment(
    p_assignment_id uuid, p_lead_id uuid, p_provider_id uuid, p_subscription_id uuid,
    p_level_id uuid, p_niche_id uuid, p_price_cents bigint, p_now timestamptz)
RETURNS TABLE (outcome text, assignment_id uuid, balance_cents bigint, paused_subscription_ids uuid[])
LANGUAGE plpgsql AS $$
DECLARE
    v_balance bigint;
    v_provider_status text;
    v_email text;
    v_webhook text;
    v_workspace uuid;
    v_subscription_status text;
    v_existing uuid;
    v_paused uuid[];
BEGIN
    SELECT p.balance_cents, p.status, p.email, p.webhook_url, p.workspace_id
      INTO v_balance, v_provider_status, v_email, v_webhook, v_workspace
      FROM providers p WHERE p.id = p_provider_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'provider_inactive'::text, NULL::uuid, 0::bigint, ARRAY[]::uuid[];
        RETURN;
    END IF;

    SELECT a.id INTO v_existing FROM lead_assignments a
     WHERE a.lead_id = p_lead_id AND a.provider_id = p_provider_id;
    IF FOUND THEN
        RETURN QUERY SELECT 'duplicate'::text, v_existing, v_balance, ARRAY[]::uuid[];
        RETURN;
    END IF;

    IF v_provider_status <> 'active' THEN
        RETURN QUERY SELECT 'provider_inactive'::text, NULL::uuid, v_balance, ARRAY[]::uuid[];
        RETURN;
    END IF;

    SELECT s.status INTO v_subscription_status FROM subscriptions s WHERE s.id = p_subscription_id;
    IF v_subscription_status = 'paused_insufficient_balance' THEN
        RETURN QUERY SELECT 'insufficient_balance'::text, NULL::uuid, v_balance, ARRAY[]::uuid[];
        RETURN;
    ELSIF v_subscription_status IS DISTINCT FROM 'active' THEN
        RETURN QUERY SELECT 'subscription_inactive'::text, NULL::uuid, v_balance, ARRAY[]::uuid[];
        RETURN;
    END IF;

    IF v_balance < p_price_cents THEN
        WITH paused AS (
            UPDATE subscriptions s SET status = 'paused_insufficient_balance'
              FROM competition_levels l
             WHERE s.provider_id = p_provider_id AND l.id = s.level_id
               AND s.status = 'active' AND l.price_cents > v_balance
            RETURNING s.id)
        SELECT coalesce(array_agg(id), ARRAY[]::uuid[]) INTO v_paused FROM paused;
        RETURN QUERY SELECT 'insufficient_balance'::text, NULL::uuid, v_balance, v_paused;
        RETURN;
    END IF;

    v_balance := v_balance - p_price_cents;

    INSERT INTO lead_assignments (id, lead_id, provider_id, subscription_id, level_id, niche_id, price_cents, assigned_at)
    VALUES (p_assignment_id, p_lead_id, p_provider_id, p_subscription_id, p_level_id, p_niche_id, p_price_cents, p_now);

    UPDATE providers SET balance_cents = v_balance, updated_at = p_now WHERE id = p_provider_id;

    INSERT INTO ledger_entries (id, provider_id, kind, amount_cents, lead_id, assignment_id, idempotency_key,
                                balance_after_cents, created_at)
    VALUES (gen_random_uuid(), p_provider_id, 'charge', -p_price_cents, p_lead_id, p_assignment_id,
            'charge:' || p_lead_id, v_balance, p_now);

    UPDATE subscriptions SET last_received_at = p_now WHERE id = p_subscription_id;

    INSERT INTO outbox (channel, provider_id, assignment_id, payload, created_at)
    VALUES ('email', p_provider_id, p_assignment_id,
            jsonb_build_object('to', v_email, 'lead_id', p_lead_id, 'assignment_id', p_assignment_id), p_now);
    IF v_webhook IS NOT NULL THEN
        INSERT INTO outbox (channel, provider_id, assignment_id, payload, created_at)
        VALUES ('webhook', p_provider_id, p_assignment_id,
                jsonb_build_object('url', v_webhook, 'lead_id', p_lead_id, 'assignment_id', p_assignment_id), p_now);
    END IF;

    INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
    VALUES (v_workspace, 'system', 'assignment.created', p_lead_id, 'provider', p_provider_id::text,
            jsonb_build_object('assignment_id', p_assignment_id, 'subscription_id', p_subscription_id,
                               'level_id', p_level_id, 'price_cents', p_price_cents), p_now);

    WITH paused AS (
        UPDATE subscriptions s SET status = 'paused_insufficient_balance'
          FROM competition_levels l
         WHERE s.provider_id = p_provider_id AND l.id = s.level_id
           AND s.status = 'active' AND l.price_cents > v_balance
        RETURNING s.id)
    SELECT coalesce(array_agg(id), ARRAY[]::uuid[]) INTO v_paused FROM paused;

    RETURN QUERY SELECT 'charged'::text, p_assignment_id, v_balance, v_paused;
END $$;

-- Deposit funds, idempotent on (provider, idempotency key): the same key with the same request
-- fingerprint replays the first answer; with another fingerprint it is a conflict and changes
-- nothing. Subscriptions the new balance covers are reactivated at once (rule 4).
CREATE FUNCTION deposit_funds(
    p_entry_id uuid, p_provider_id uuid, p_amount_cents bigint, p_idempotency_key text,
    p_fingerprint text, p_reference text, p_now timestamptz)
RETURNS TABLE (outcome text, entry_id uuid, amount_cents bigint, balance_cents bigint, reactivated_subscription_ids uuid[])
LANGUAGE plpgsql AS $$
DECLARE
    v_balance bigint;
    v_existing ledger_entries%ROWTYPE;
    v_reactivated uuid[];
BEGIN
    SELECT p.balance_cents INTO v_balance FROM providers p WHERE p.id = p_provider_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'provider_not_found'::text, NULL::uuid, 0::bigint, 0::bigint, ARRAY[]::uuid[];
        RETURN;
    END IF;

    SELECT * INTO v_existing FROM ledger_entries e
     WHERE e.provider_id = p_provider_id AND e.idempotency_key = p_idempotency_key;
    IF FOUND THEN
        IF v_existing.request_fingerprint IS DISTINCT FROM p_fingerprint THEN
            RETURN QUERY SELECT 'key_conflict'::text, v_existing.id, v_existing.amount_cents, v_balance, ARRAY[]::uuid[];
        ELSE
            RETURN QUERY SELECT 'replayed'::text, v_existing.id, v_existing.amount_cents,
                                v_existing.balance_after_cents, ARRAY[]::uuid[];
        END IF;
        RETURN;
    END IF;

    v_balance := v_balance + p_amount_cents;
    UPDATE providers SET balance_cents = v_balance, updated_at = p_now WHERE id = p_provider_id;
    INSERT INTO ledger_entries (id, provider_id, kind, amount_cents, idempotency_key, request_fingerprint,
                                reference, balance_after_cents, created_at)
    VALUES (p_entry_id, p_provider_id, 'deposit', p_amount_cents, p_idempotency_key, p_fingerprint,
            p_reference, v_balance, p_now);

    WITH reactivated AS (
        UPDATE subscriptions s SET status = 'active'
          FROM competition_levels l
         WHERE s.provider_id = p_provider_id AND l.id = s.level_id
           AND s.status = 'paused_insufficient_balance' AND l.price_cents <= v_balance
        RETURNING s.id)
    SELECT coalesce(array_agg(id), ARRAY[]::uuid[]) INTO v_reactivated FROM reactivated;

    RETURN QUERY SELECT 'deposited'::text, p_entry_id, p_amount_cents, v_balance, v_reactivated;
END $$;

-- Start (or resume) a distribution attempt of one lead. The first attempt takes the start position
-- the niche grain proposes and advances the niche's pointer, guarded by the pointer value the grain
-- believes current (a stale duplicate activation gets 'stale_pointer' and must reload). A later
-- attempt reuses the first attempt's start position and does not move the pointer (rule 6, I6).
CREATE FUNCTION begin_distribution(
    p_run_id uuid, p_lead_id uuid, p_niche_id uuid, p_expected_pointer integer,
    p_proposed_start integer, p_next_pointer integer, p_now timestamptz)
RETURNS TABLE (outcome text, start_level_order_position integer, attempt integer, pointer integer)
LANGUAGE plpgsql AS $$
DECLARE
    v_first_start integer;
    v_attempt integer;
    v_pointer integer;
    v_workspace uuid;
BEGIN
    SELECT n.next_start_level_order_position, n.workspace_id INTO v_pointer, v_workspace
      FROM niches n WHERE n.id = p_niche_id FOR UPDATE;
    UPDATE leads SET distribution_attempts = distribution_attempts + 1, updated_at = p_now WHERE id = p_lead_id;

    SELECT r.start_level_order_position, max(r.attempt) OVER () INTO v_first_start, v_attempt
      FROM distribution_runs r WHERE r.lead_id = p_lead_id ORDER BY r.attempt LIMIT 1;

    IF FOUND THEN
        UPDATE distribution_runs SET status = 'failed', error = 'interrupted', completed_at = p_now
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
