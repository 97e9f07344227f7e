-- Money moves only through SQL functions, each one transaction that locks the provider rows first,
-- so concurrent callers for the same provider (a duplicate activation, a retried request) serialize
-- instead of racing: deposit_funds (here), record_distributions (an assignment is its charge,
-- 0004_distribution.sql) and refund_return (0006_returns.sql). They run with the owner's rights
-- (SECURITY DEFINER), so they may write what the application role may not (0009_application_role.sql),
-- with a fixed search_path so a caller cannot slip its own tables or operators in front of the real ones.

-- Deposit funds, idempotent on (provider, idempotency key): the same key with the same request
-- fingerprint replays the first answer; with another fingerprint it is a conflict and changes
-- nothing. Subscriptions the new balance covers are reactivated at once (rule 4).
-- A deposit writes its own audit row, with its actor, in the transaction that moves the money:
-- written afterwards by the caller, a failure between the two would leave a deposit with no audit
-- row, and the caller's retry, a replay, would write none either. A replayed or refused deposit
-- writes no audit row: nothing happened.
CREATE FUNCTION deposit_funds(
    p_entry_id uuid, p_provider_id uuid, p_amount_cents bigint, p_idempotency_key text,
    p_fingerprint text, p_reference text, p_now timestamptz, p_actor text)
RETURNS TABLE (outcome text, entry_id uuid, amount_cents bigint, balance_cents bigint, reactivated_subscription_ids uuid[])
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
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
    INSERT INTO audit_log (workspace_id, actor, action, target_type, target_id, metadata, created_at)
    SELECT p.workspace_id, p_actor, 'provider.deposit', 'provider', p_provider_id::text,
           jsonb_build_object('entry_id', p_entry_id, 'amount_cents', p_amount_cents, 'balance_before_cents', v_balance - p_amount_cents,
                              'balance_cents', v_balance, 'reference', p_reference), p_now
      FROM providers p WHERE p.id = p_provider_id;

    WITH reactivated AS (
        UPDATE subscriptions s SET status = 'active'
          FROM competition_levels l
         WHERE s.provider_id = p_provider_id AND l.id = s.level_id
           AND s.status = 'paused_insufficient_balance' AND l.price_cents <= v_balance
        RETURNING s.id)
    SELECT coalesce(array_agg(id), ARRAY[]::uuid[]) INTO v_reactivated FROM reactivated;

    RETURN QUERY SELECT 'deposited'::text, p_entry_id, p_amount_cents, v_balance, v_reactivated;
END $$;
