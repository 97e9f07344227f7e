-- Silos and the API connect as the application role leadgrains_app; only the owner (the role that
-- runs these migrations) owns the tables. The application may read everything and write the rows
-- it manages, but money moves only through the functions that guard it: it cannot change a
-- provider's balance, write a ledger entry or touch an assignment itself, so a bug or an injected
-- statement in a silo cannot mint money or rewrite who bought a lead.
--
-- The role is created here without a login when it does not exist yet (the owner then needs
-- CREATEROLE); the deployment gives it a login and a password (deploy/local/postgres.sh does locally).
-- Roles are shared by every database of a PostgreSQL cluster, so databases migrated at the same
-- moment may both try to create it: the loser finds it there.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'leadgrains_app') THEN
        CREATE ROLE leadgrains_app NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END $$;

GRANT USAGE ON SCHEMA public TO leadgrains_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO leadgrains_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO leadgrains_app;

-- Tables and sequences that later scripts create (the Orleans tables, every migration after this
-- baseline) are the application's to use as well. A later script that guards a table revokes here
-- what the application may not do, as below.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO leadgrains_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO leadgrains_app;

-- Money and its record: read only.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ledger_entries, lead_assignments FROM leadgrains_app;
-- The migration journal is the owner's.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_versions FROM leadgrains_app;

-- Providers: every column but the balance, the time zone (set_provider_time_zone changes it and
-- recounts the caps) and the identity a row is created with. A provider is created with the default
-- balance of zero; deposits, charges and refunds change it inside their functions.
REVOKE INSERT, UPDATE ON providers FROM leadgrains_app;
GRANT INSERT (id, workspace_id, name, email, webhook_url, webhook_secret, status, created_at, updated_at,
              email_enabled, webhook_previous_secret, webhook_previous_secret_expires_at, sms_phone)
    ON providers TO leadgrains_app;
GRANT UPDATE (name, email, webhook_url, webhook_secret, status, updated_at,
              email_enabled, webhook_previous_secret, webhook_previous_secret_expires_at, sms_phone)
    ON providers TO leadgrains_app;

-- Caps' guarded counts: the application reads them; only the functions of 0003_controls.sql and
-- record_distributions write them.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON subscription_usage FROM leadgrains_app;

-- The application requests and rejects returns itself; it may not mark one approved or name a refund
-- entry (only refund_return does), so a return can claim no refund that the ledger lacks.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON lead_returns FROM leadgrains_app;
GRANT INSERT (id, workspace_id, assignment_id, provider_id, lead_id, niche_id, price_cents, reason, note, status,
              review_reason, requested_at, requested_by)
    ON lead_returns TO leadgrains_app;
GRANT UPDATE (status, decided_at, decided_by, decision_note) ON lead_returns TO leadgrains_app;

-- Routing: the application inserts new pending submissions and reads everything; every later change
-- is one of the functions of 0007_routing.sql.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON routing_submissions, routing_log FROM leadgrains_app;
GRANT INSERT (id, source_kind, source_id, source_reference, consumer_hash, payload, next_attempt_at, created_at, expires_at, updated_at)
    ON routing_submissions TO leadgrains_app;

-- The functions that write what the application may not run with the owner's rights (SECURITY
-- DEFINER, with a fixed search_path, declared where each is created). Only the application (and the
-- owner) may call them; recount_subscription_usage only the owner's functions.
REVOKE EXECUTE ON FUNCTION
    deposit_funds(uuid, uuid, bigint, text, text, text, timestamptz, text),
    record_distributions(uuid[], uuid[], uuid[], text[], timestamptz[], integer[], bigint[], integer[],
                         integer[], text[], text[], text[], text[], integer[], integer[], uuid[], uuid[],
                         uuid[], uuid[], bigint[], uuid[]),
    recount_subscription_usage(uuid[], timestamptz),
    set_subscription_controls(uuid, uuid, integer, integer, integer, bigint, bigint, bigint, jsonb, jsonb, timestamptz),
    set_provider_time_zone(uuid, uuid, text, timestamptz),
    refund_return(uuid, uuid, text, text, timestamptz),
    decide_routing(uuid, uuid, uuid, uuid, integer, double precision, timestamptz, interval),
    complete_routing(uuid, uuid, double precision, timestamptz),
    record_routing_failure(uuid, text, text, integer, double precision, timestamptz, bigint[]),
    retry_routing(uuid, text, timestamptz),
    resolve_routing(uuid, text, text, timestamptz),
    expire_unrouted(timestamptz)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    deposit_funds(uuid, uuid, bigint, text, text, text, timestamptz, text),
    record_distributions(uuid[], uuid[], uuid[], text[], timestamptz[], integer[], bigint[], integer[],
                         integer[], text[], text[], text[], text[], integer[], integer[], uuid[], uuid[],
                         uuid[], uuid[], bigint[], uuid[]),
    set_subscription_controls(uuid, uuid, integer, integer, integer, bigint, bigint, bigint, jsonb, jsonb, timestamptz),
    set_provider_time_zone(uuid, uuid, text, timestamptz),
    refund_return(uuid, uuid, text, text, timestamptz),
    decide_routing(uuid, uuid, uuid, uuid, integer, double precision, timestamptz, interval),
    complete_routing(uuid, uuid, double precision, timestamptz),
    record_routing_failure(uuid, text, text, integer, double precision, timestamptz, bigint[]),
    retry_routing(uuid, text, timestamptz),
    resolve_routing(uuid, text, text, timestamptz),
    expire_unrouted(timestamptz)
    TO leadgrains_app;
