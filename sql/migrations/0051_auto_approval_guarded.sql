-- The return-rate limit of auto-approval, kept by the database too. The provider grain counts the
-- limit in its serial turn, but two activations of one provider (possible during membership changes)
-- could each count the other's request as not there yet and each approve one: together, one over
-- the limit. auto_approve_return counts again under the provider's row lock, which every
-- auto-approval of the provider's returns takes, so they are counted one after another.

CREATE FUNCTION auto_approve_return(p_return_id uuid, p_entry_id uuid, p_actor text, p_note text, p_now timestamptz)
RETURNS TABLE (outcome text, entry_id uuid, amount_cents bigint, balance_cents bigint, reactivated_subscription_ids uuid[])
LANGUAGE plpgsql AS $$
DECLARE
    v_return lead_returns%ROWTYPE;
    v_policy workspace_return_policies%ROWTYPE;
    v_since timestamptz;
    v_returns bigint;
    v_assignments bigint;
BEGIN
    -- The return's row first, then the provider's: the order refund_return locks them in, so a
    -- reviewer's approval of the same return and this one cannot deadlock.
    SELECT * INTO v_return FROM lead_returns r WHERE r.id = p_return_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'return_not_found'::text, NULL::uuid, 0::bigint, 0::bigint, ARRAY[]::uuid[];
        RETURN;
    END IF;
    PERFORM 1 FROM providers p WHERE p.id = v_return.provider_id FOR UPDATE;
    IF v_return.status <> 'pending' THEN
        -- Decided already: refund_return answers what became of it and moves no money.
        RETURN QUERY SELECT * FROM refund_return(p_return_id, p_entry_id, p_actor, p_note, p_now);
        RETURN;
    END IF;

    SELECT * INTO v_policy FROM workspace_return_policies w WHERE w.workspace_id = v_return.workspace_id;
    IF NOT FOUND OR NOT v_policy.auto_approve THEN
        RETURN QUERY SELECT 'review_required'::text, NULL::uuid, 0::bigint, 0::bigint, ARRAY[]::uuid[];
        RETURN;
    END IF;
    v_since := p_now - make_interval(hours => v_policy.rate_period_hours);
    -- The provider's returns in the period, this one included: every one decided already (each
    -- auto-approval before this one among them, as they run one at a time under the provider's
    -- lock) and every one requested earlier. A return still pending from the same instant is not
    -- counted: whichever of two such requests comes here first is counted first.
    SELECT count(*) INTO v_returns FROM lead_returns r
     WHERE r.provider_id = v_return.provider_id AND r.requested_at >= v_since
       AND (r.id = p_return_id OR r.status <> 'pending' OR r.requested_at < v_return.requested_at);
    SELECT count(*) INTO v_assignments FROM lead_assignments a
     WHERE a.provider_id = v_return.provider_id AND a.assigned_at >= v_since;
    IF v_returns > v_policy.auto_approve_max_returns
       OR v_returns * 100 > v_policy.auto_approve_max_rate_percent::bigint * greatest(v_assignments, 1) THEN
        UPDATE lead_returns SET review_reason = 'rate_limit' WHERE id = p_return_id;
        RETURN QUERY SELECT 'rate_limit'::text, NULL::uuid, 0::bigint, 0::bigint, ARRAY[]::uuid[];
        RETURN;
    END IF;

    RETURN QUERY SELECT * FROM refund_return(p_return_id, p_entry_id, p_actor, p_note, p_now);
END $$;

-- Moves money (through refund_return): the owner's rights, a fixed search_path, callable by the application only.
ALTER FUNCTION auto_approve_return(uuid, uuid, text, text, timestamptz) SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE EXECUTE ON FUNCTION auto_approve_return(uuid, uuid, text, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auto_approve_return(uuid, uuid, text, text, timestamptz) TO leadgrains_app;
