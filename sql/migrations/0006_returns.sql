-- Bad-lead returns and their refunds. A provider asks to return one of its assignments within its
-- workspace's return window, with a reason from the workspace's list; an admin (or the auto-approval
-- within the provider's return-rate limit) approves or rejects it. Approval credits the assignment's
-- price back as one `refund` ledger entry, inside refund_return below: the return row, the ledger
-- entry, the balance, the audit row and the reactivated subscriptions commit together or not at all.

-- A workspace's return rules; a workspace without a row uses the defaults the grains know
-- (ReturnPolicy.Default: 72 h, four reasons, no auto-approval).
CREATE TABLE workspace_return_policies (
    workspace_id                   uuid PRIMARY KEY REFERENCES workspaces (id),
    window_hours                   integer NOT NULL CHECK (window_hours BETWEEN 1 AND 8760),
    reasons                        text[] NOT NULL CHECK (cardinality(reasons) BETWEEN 1 AND 50),
    auto_approve                   boolean NOT NULL,
    -- Auto-approval holds while the provider's returns requested in the last rate_period_hours,
    -- this one included, are at most this many and at most this share of its assignments in that period.
    auto_approve_max_returns       integer NOT NULL CHECK (auto_approve_max_returns BETWEEN 0 AND 100000),
    auto_approve_max_rate_percent  integer NOT NULL CHECK (auto_approve_max_rate_percent BETWEEN 0 AND 100),
    rate_period_hours              integer NOT NULL CHECK (rate_period_hours BETWEEN 1 AND 8760),
    updated_at                     timestamptz NOT NULL,
    updated_by                     text NOT NULL
);

CREATE TABLE lead_returns (
    id               uuid PRIMARY KEY,
    workspace_id     uuid NOT NULL REFERENCES workspaces (id),
    -- One return per assignment: a rejected return is final, an approved one refunded once.
    assignment_id    uuid NOT NULL UNIQUE REFERENCES lead_assignments (id),
    provider_id      uuid NOT NULL REFERENCES providers (id),
    lead_id          uuid NOT NULL,
    niche_id         uuid NOT NULL REFERENCES niches (id),
    price_cents      bigint NOT NULL CHECK (price_cents > 0),
    reason           text NOT NULL CHECK (length(reason) BETWEEN 1 AND 100),
    note             text NULL CHECK (length(note) <= 2000),
    status           text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    -- Why a pending return waits for a person: review_required (auto-approval off) or rate_limit.
    review_reason    text NULL CHECK (review_reason IN ('review_required', 'rate_limit')),
    requested_at     timestamptz NOT NULL,
    requested_by     text NOT NULL,
    decided_at       timestamptz NULL,
    decided_by       text NULL,
    decision_note    text NULL CHECK (length(decision_note) <= 2000),
    refund_entry_id  uuid NULL UNIQUE REFERENCES ledger_entries (id),
    -- Approved exactly when refunded: only refund_return writes the entry, so no row claims a refund it lacks.
    CHECK ((status = 'approved') = (refund_entry_id IS NOT NULL)),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX ix_returns_workspace ON lead_returns (workspace_id, requested_at DESC, id DESC);
CREATE INDEX ix_returns_provider ON lead_returns (provider_id, requested_at DESC, id DESC);
CREATE INDEX ix_returns_pending ON lead_returns (workspace_id, requested_at) WHERE status = 'pending';

-- A refund is a ledger entry of kind refund naming its assignment (ledger_entries, 0001_domain_tables.sql:
-- ledger_entries_refund_names_assignment; assignment_id is UNIQUE there, so at most one per assignment).
-- Moves money: the owner's rights and a fixed search_path, as deposit_funds (0002_money.sql).
CREATE FUNCTION refund_return(p_return_id uuid, p_entry_id uuid, p_actor text, p_note text, p_now timestamptz)
RETURNS TABLE (outcome text, entry_id uuid, amount_cents bigint, balance_cents bigint, reactivated_subscription_ids uuid[])
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_return lead_returns%ROWTYPE;
    v_price bigint;
    v_balance bigint;
    v_reactivated uuid[];
BEGIN
    -- The return's row lock serializes every decision on it: a second approval waits here and then
    -- finds it approved.
    SELECT * INTO v_return FROM lead_returns r WHERE r.id = p_return_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'return_not_found'::text, NULL::uuid, 0::bigint, 0::bigint, ARRAY[]::uuid[];
        RETURN;
    END IF;
    IF v_return.status = 'approved' THEN
        RETURN QUERY SELECT 'already_approved'::text, e.id, e.amount_cents, e.balance_after_cents, ARRAY[]::uuid[]
                       FROM ledger_entries e WHERE e.id = v_return.refund_entry_id;
        RETURN;
    END IF;
    IF v_return.status <> 'pending' THEN
        RETURN QUERY SELECT 'already_rejected'::text, NULL::uuid, 0::bigint, 0::bigint, ARRAY[]::uuid[];
        RETURN;
    END IF;

    SELECT p.balance_cents INTO v_balance FROM providers p WHERE p.id = v_return.provider_id FOR UPDATE;
    -- The assignment's own price, never a figure a caller sends: a refund gives back what was charged.
    SELECT a.price_cents INTO v_price FROM lead_assignments a
     WHERE a.id = v_return.assignment_id AND a.provider_id = v_return.provider_id;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'return_not_found'::text, NULL::uuid, 0::bigint, 0::bigint, ARRAY[]::uuid[];
        RETURN;
    END IF;

    v_balance := v_balance + v_price;
    UPDATE providers SET balance_cents = v_balance, updated_at = p_now WHERE id = v_return.provider_id;
    INSERT INTO ledger_entries (id, provider_id, kind, amount_cents, lead_id, assignment_id, idempotency_key,
                                reference, balance_after_cents, created_at)
    VALUES (p_entry_id, v_return.provider_id, 'refund', v_price, v_return.lead_id, v_return.assignment_id,
            'return:' || p_return_id, 'return ' || p_return_id, v_balance, p_now);
    UPDATE lead_returns SET status = 'approved', decided_at = p_now, decided_by = p_actor, decision_note = p_note,
                            refund_entry_id = p_entry_id
     WHERE id = p_return_id;
    INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
    VALUES (v_return.workspace_id, p_actor, 'return.approved', v_return.lead_id, 'lead_return', p_return_id::text,
            jsonb_build_object('assignment_id', v_return.assignment_id, 'provider_id', v_return.provider_id,
                               'entry_id', p_entry_id, 'amount_cents', v_price, 'balance_before_cents', v_balance - v_price,
                               'balance_cents', v_balance, 'reason', v_return.reason, 'note', p_note), p_now);

    -- The balance rules of a deposit: a subscription paused for funds that the new balance covers is active again.
    WITH reactivated AS (
        UPDATE subscriptions s SET status = 'active'
          FROM competition_levels l
         WHERE s.provider_id = v_return.provider_id AND l.id = s.level_id
           AND s.status = 'paused_insufficient_balance' AND l.price_cents <= v_balance
        RETURNING s.id)
    SELECT coalesce(array_agg(id), ARRAY[]::uuid[]) INTO v_reactivated FROM reactivated;

    RETURN QUERY SELECT 'refunded'::text, p_entry_id, v_price, v_balance, v_reactivated;
END $$;

-- The refund invariants, beside I1-I4 of check_invariants() (whose I1 already counts refunds, as
-- ledger entries, into the balance). Each row is one violation.
CREATE FUNCTION check_refund_invariants()
RETURNS TABLE (invariant text, subject_id uuid, detail text)
LANGUAGE sql STABLE AS $$
    -- R1: a refund names an assignment of its own provider.
    SELECT 'R1', e.id, 'refund names no assignment of its provider'
      FROM ledger_entries e
     WHERE e.kind = 'refund'
       AND NOT EXISTS (SELECT 1 FROM lead_assignments a WHERE a.id = e.assignment_id AND a.provider_id = e.provider_id)
    UNION ALL
    -- R2: at most one refund per assignment.
    SELECT 'R2', e.assignment_id, format('%s refunds', count(*))
      FROM ledger_entries e WHERE e.kind = 'refund' AND e.assignment_id IS NOT NULL
     GROUP BY e.assignment_id HAVING count(*) > 1
    UNION ALL
    -- R3: never more than the assignment's price.
    SELECT 'R3', e.id, format('refund %s of an assignment priced %s', e.amount_cents, a.price_cents)
      FROM ledger_entries e JOIN lead_assignments a ON a.id = e.assignment_id
     WHERE e.kind = 'refund' AND e.amount_cents > a.price_cents
    UNION ALL
    -- R4: an approved return has its refund, and a refund its approved return.
    SELECT 'R4', r.id, 'approved return without its refund entry'
      FROM lead_returns r
     WHERE r.status = 'approved'
       AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.id = r.refund_entry_id AND e.kind = 'refund'
                                                        AND e.assignment_id = r.assignment_id)
    UNION ALL
    SELECT 'R4', e.id, 'refund without an approved return'
      FROM ledger_entries e
     WHERE e.kind = 'refund'
       AND NOT EXISTS (SELECT 1 FROM lead_returns r WHERE r.refund_entry_id = e.id AND r.status = 'approved')
$$;
