-- Partner routing: a source (a partner workspace or a platform API client) submits a lead to the
-- platform, and the highest-priority routing rule it meets moves it into a destination workspace's
-- niche, where the lead's normal lifecycle takes over. A submission is routed exactly once: its
-- transitions happen only in the functions below, which lock its row and check its status, and the
-- application role cannot write them otherwise (0009_application_role.sql): they run with the owner's
-- rights and a fixed search_path. A lead's consumer_hash (0001_domain_tables.sql) is how routing
-- recognizes the same consumer across workspaces.

-- One row: how routing deduplicates across workspaces. 'platform': a consumer seen in any workspace
-- within the window is a duplicate; 'workspace': only one seen in the destination workspace.
CREATE TABLE routing_settings (
    singleton          boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    dedupe_scope       text NOT NULL DEFAULT 'platform' CHECK (dedupe_scope IN ('workspace', 'platform')),
    dedupe_window_days integer NOT NULL DEFAULT 30 CHECK (dedupe_window_days BETWEEN 1 AND 365),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
INSERT INTO routing_settings DEFAULT VALUES;

CREATE TABLE routing_rules (
    id                       uuid PRIMARY KEY,
    name                     text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    condition                text NOT NULL CHECK (length(condition) BETWEEN 1 AND 1000),
    priority                 integer NOT NULL,
    destination_workspace_id uuid NOT NULL REFERENCES workspaces (id),
    destination_niche_id     uuid NOT NULL REFERENCES niches (id),
    enabled                  boolean NOT NULL DEFAULT true,
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL
);
CREATE INDEX ix_routing_rules_order ON routing_rules (priority DESC, id);

-- Workspaces closed to routed leads for now (a partner paused, say): a rule bound for one is retried.
CREATE TABLE routing_closed_destinations (
    workspace_id uuid PRIMARY KEY REFERENCES workspaces (id),
    closed_at    timestamptz NOT NULL
);

CREATE TABLE routing_submissions (
    id                       uuid PRIMARY KEY,
    source_kind              text NOT NULL CHECK (source_kind IN ('workspace', 'client')),
    source_id                text NOT NULL CHECK (length(source_id) BETWEEN 1 AND 200),
    source_reference         text NOT NULL CHECK (length(source_reference) BETWEEN 1 AND 200),
    consumer_hash            text NOT NULL,
    -- The lead as submitted (contact data included) until it is routed or given up; then erased.
    payload                  jsonb NULL,
    status                   text NOT NULL DEFAULT 'pending'
                             CHECK (status IN ('pending', 'deciding', 'routed', 'duplicate', 'dead', 'resolved', 'expired')),
    rule_id                  uuid NULL REFERENCES routing_rules (id),
    destination_workspace_id uuid NULL REFERENCES workspaces (id),
    destination_niche_id     uuid NULL REFERENCES niches (id),
    -- One lead per submission and one submission per lead: one destination, one attribution.
    lead_id                  uuid NULL UNIQUE REFERENCES leads (id),
    attempts                 integer NOT NULL DEFAULT 0,
    next_attempt_at          timestamptz NULL,
    last_reason              text NULL,
    created_at               timestamptz NOT NULL,
    decided_at               timestamptz NULL,
    finished_at              timestamptz NULL,
    expires_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL,
    UNIQUE (source_kind, source_id, source_reference),
    CHECK (status <> 'routed' OR lead_id IS NOT NULL),
    CHECK (status NOT IN ('deciding', 'routed') OR destination_niche_id IS NOT NULL)
);
CREATE INDEX ix_routing_due ON routing_submissions (next_attempt_at) WHERE status IN ('pending', 'deciding');
CREATE INDEX ix_routing_consumer ON routing_submissions (consumer_hash, created_at DESC) WHERE status IN ('deciding', 'routed');
CREATE INDEX ix_routing_dead ON routing_submissions (updated_at DESC, id) WHERE status = 'dead';
CREATE INDEX ix_routing_source ON routing_submissions (source_kind, source_id, created_at DESC, id);

-- Every attempt and operator action on a submission, with its timing: the routing log.
CREATE TABLE routing_log (
    id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    submission_id            uuid NOT NULL REFERENCES routing_submissions (id),
    attempt                  integer NOT NULL,
    outcome                  text NOT NULL,
    reason                   text NULL,
    rule_id                  uuid NULL,
    destination_workspace_id uuid NULL,
    rules_evaluated          integer NULL,
    duration_ms              double precision NULL,
    actor                    text NOT NULL DEFAULT 'system',
    at                       timestamptz NOT NULL
);
CREATE INDEX ix_routing_log_submission ON routing_log (submission_id, id);

-- Decides a pending submission: a duplicate of a consumer seen within the window (in scope), or
-- bound for the rule's destination for good (the attempt counts when it completes or fails). The consumer's advisory lock makes two submissions of
-- one consumer decide one after the other, so the second sees the first.
CREATE FUNCTION decide_routing(p_id uuid, p_rule_id uuid, p_workspace_id uuid, p_niche_id uuid, p_rules_evaluated integer,
                               p_duration_ms double precision, p_now timestamptz, p_lease interval)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v routing_submissions%ROWTYPE;
    v_scope text;
    v_since timestamptz;
    v_seen boolean;
BEGIN
    SELECT * INTO v FROM routing_submissions WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'not_found';
    END IF;
    IF v.status <> 'pending' THEN
        RETURN v.status;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('consumer:' || v.consumer_hash, 0));
    SELECT dedupe_scope, p_now - make_interval(days => dedupe_window_days) INTO v_scope, v_since FROM routing_settings;
    SELECT EXISTS (SELECT 1 FROM leads l
                    WHERE l.consumer_hash = v.consumer_hash AND l.status <> 'duplicate' AND l.created_at > v_since
                      AND (v_scope = 'platform' OR l.workspace_id = p_workspace_id))
        OR EXISTS (SELECT 1 FROM routing_submissions r
                    WHERE r.consumer_hash = v.consumer_hash AND r.status IN ('deciding', 'routed') AND r.id <> p_id
                      AND r.created_at > v_since AND (v_scope = 'platform' OR r.destination_workspace_id = p_workspace_id))
      INTO v_seen;
    IF v_seen THEN
        UPDATE routing_submissions
           SET status = 'duplicate', payload = NULL, attempts = attempts + 1, next_attempt_at = NULL, last_reason = 'consumer_seen',
               finished_at = p_now, updated_at = p_now
         WHERE id = p_id;
        INSERT INTO routing_log (submission_id, attempt, outcome, reason, rules_evaluated, duration_ms, at)
        VALUES (p_id, v.attempts + 1, 'duplicate', 'the consumer was seen within the dedupe window (' || v_scope || ' scope)',
                p_rules_evaluated, p_duration_ms, p_now);
        RETURN 'duplicate';
    END IF;
    UPDATE routing_submissions
       SET status = 'deciding', rule_id = p_rule_id, destination_workspace_id = p_workspace_id, destination_niche_id = p_niche_id,
           decided_at = p_now, next_attempt_at = p_now + p_lease, last_reason = NULL, updated_at = p_now
     WHERE id = p_id;
    INSERT INTO routing_log (submission_id, attempt, outcome, rule_id, destination_workspace_id, rules_evaluated, duration_ms, at)
    VALUES (p_id, v.attempts + 1, 'decided', p_rule_id, p_workspace_id, p_rules_evaluated, p_duration_ms, p_now);
    RETURN 'deciding';
END $$;

-- Completes a decided submission with the lead it became in the destination niche (stored as
-- 'duplicate' there if the niche had seen the contact). Only that destination's lead is accepted.
CREATE FUNCTION complete_routing(p_id uuid, p_lead_id uuid, p_duration_ms double precision, p_now timestamptz)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v routing_submissions%ROWTYPE;
    v_lead_status text;
    v_status text;
BEGIN
    SELECT * INTO v FROM routing_submissions WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'not_found';
    END IF;
    IF v.status <> 'deciding' THEN
        RETURN v.status;
    END IF;
    SELECT status INTO v_lead_status FROM leads
     WHERE id = p_lead_id AND workspace_id = v.destination_workspace_id AND niche_id = v.destination_niche_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'lead % is not in the destination of routing %', p_lead_id, p_id USING ERRCODE = 'LG060';
    END IF;
    v_status := CASE WHEN v_lead_status = 'duplicate' THEN 'duplicate' ELSE 'routed' END;
    UPDATE routing_submissions
       SET status = v_status, lead_id = p_lead_id, payload = NULL, attempts = attempts + 1, next_attempt_at = NULL, finished_at = p_now,
           updated_at = p_now,
           last_reason = CASE WHEN v_status = 'duplicate' THEN 'seen_in_destination_niche' END
     WHERE id = p_id;
    INSERT INTO routing_log (submission_id, attempt, outcome, reason, rule_id, destination_workspace_id, duration_ms, at)
    VALUES (p_id, v.attempts + 1, v_status, CASE WHEN v_status = 'duplicate' THEN 'the destination niche had seen the contact' END,
            v.rule_id, v.destination_workspace_id, p_duration_ms, p_now);
    RETURN v_status;
END $$;

-- A failed attempt (no rule matched, the destination disabled, an error): the next try after the
-- delay for this many attempts, or after the last one the routing dead letters (status 'dead').
CREATE FUNCTION record_routing_failure(p_id uuid, p_outcome text, p_reason text, p_rules_evaluated integer,
                                       p_duration_ms double precision, p_now timestamptz, p_delays_ms bigint[])
RETURNS TABLE (status text, attempts integer, next_attempt_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v routing_submissions%ROWTYPE;
    v_attempts integer;
    v_next timestamptz;
BEGIN
    SELECT * INTO v FROM routing_submissions r WHERE r.id = p_id FOR UPDATE;
    IF NOT FOUND OR v.status NOT IN ('pending', 'deciding') THEN
        RETURN QUERY SELECT coalesce(v.status, 'not_found'), coalesce(v.attempts, 0), NULL::timestamptz;
        RETURN;
    END IF;
    v_attempts := v.attempts + 1;
    IF v_attempts > coalesce(array_length(p_delays_ms, 1), 0) THEN
        UPDATE routing_submissions r
           SET status = 'dead', attempts = v_attempts, next_attempt_at = NULL, last_reason = p_outcome, updated_at = p_now
         WHERE r.id = p_id;
        INSERT INTO routing_log (submission_id, attempt, outcome, reason, rules_evaluated, duration_ms, at)
        VALUES (p_id, v_attempts, p_outcome, left(p_reason, 1000), p_rules_evaluated, p_duration_ms, p_now),
               (p_id, v_attempts, 'dead_lettered', 'no attempts left', NULL, NULL, p_now);
        RETURN QUERY SELECT 'dead'::text, v_attempts, NULL::timestamptz;
        RETURN;
    END IF;
    v_next := p_now + make_interval(secs => p_delays_ms[v_attempts] / 1000.0);
    UPDATE routing_submissions r
       SET attempts = v_attempts, next_attempt_at = v_next, last_reason = p_outcome, updated_at = p_now
     WHERE r.id = p_id;
    INSERT INTO routing_log (submission_id, attempt, outcome, reason, rules_evaluated, duration_ms, at)
    VALUES (p_id, v_attempts, p_outcome, left(p_reason, 1000), p_rules_evaluated, p_duration_ms, p_now);
    RETURN QUERY SELECT v.status, v_attempts, v_next;
END $$;

-- Operators: a dead-lettered submission gets a fresh round of attempts (to the destination it was
-- bound for, if any), or is resolved by hand and its payload erased. Either returns the status it
-- left the submission in, or 'refused:' and the status of one that is not dead-lettered.
CREATE FUNCTION retry_routing(p_id uuid, p_actor text, p_now timestamptz)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v routing_submissions%ROWTYPE;
    v_status text;
BEGIN
    SELECT * INTO v FROM routing_submissions WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'not_found';
    ELSIF v.status <> 'dead' THEN
        RETURN 'refused:' || v.status;
    END IF;
    v_status := CASE WHEN v.destination_niche_id IS NULL THEN 'pending' ELSE 'deciding' END;
    UPDATE routing_submissions SET status = v_status, attempts = 0, next_attempt_at = p_now, updated_at = p_now WHERE id = p_id;
    INSERT INTO routing_log (submission_id, attempt, outcome, actor, at) VALUES (p_id, 0, 'retried', left(p_actor, 200), p_now);
    RETURN v_status;
END $$;

CREATE FUNCTION resolve_routing(p_id uuid, p_actor text, p_note text, p_now timestamptz)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v routing_submissions%ROWTYPE;
BEGIN
    SELECT * INTO v FROM routing_submissions WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'not_found';
    ELSIF v.status <> 'dead' THEN
        RETURN 'refused:' || v.status;
    END IF;
    UPDATE routing_submissions SET status = 'resolved', payload = NULL, finished_at = p_now, updated_at = p_now WHERE id = p_id;
    INSERT INTO routing_log (submission_id, attempt, outcome, reason, actor, at)
    VALUES (p_id, v.attempts, 'resolved', left(p_note, 1000), left(p_actor, 200), p_now);
    RETURN 'resolved';
END $$;

-- Unrouted submissions past their time to live (the same 90 days as a lead's) expire; their payload is erased.
CREATE FUNCTION expire_unrouted(p_now timestamptz)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_count bigint;
BEGIN
    WITH expired AS (
        UPDATE routing_submissions
           SET status = 'expired', payload = NULL, next_attempt_at = NULL, finished_at = p_now, updated_at = p_now
         WHERE status IN ('pending', 'deciding', 'dead') AND expires_at <= p_now
        RETURNING id, attempts),
    logged AS (
        INSERT INTO routing_log (submission_id, attempt, outcome, reason, at)
        SELECT id, attempts, 'expired', 'not routed within its time to live', p_now FROM expired)
    SELECT count(*) INTO v_count FROM expired;
    RETURN v_count;
END $$;
