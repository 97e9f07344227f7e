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

-- Tables that later migrations create are the application's to use as well.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO leadgrains_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO leadgrains_app;

-- Money and its record: read only.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ledger_entries, lead_assignments FROM leadgrains_app;
-- The migration journal is the owner's.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_versions FROM leadgrains_app;

-- Providers: every column but the balance (and the identity a row is created with). A provider is
-- created with the default balance of zero; deposits and charges change it inside their functions.
REVOKE INSERT, UPDATE ON providers FROM leadgrains_app;
GRANT INSERT (id, workspace_id, name, email, webhook_url, webhook_secret, status, created_at, updated_at,
              email_enabled, webhook_previous_secret, webhook_previous_secret_expires_at, sms_phone)
    ON providers TO leadgrains_app;
GRANT UPDATE (name, email, webhook_url, webhook_secret, status, updated_at,
              email_enabled, webhook_previous_secret, webhook_previous_secret_expires_at, sms_phone)
    ON providers TO leadgrains_app;

-- The money functions run with the owner's rights (SECURITY DEFINER), so they may write what the
-- application may not. A fixed search_path keeps a caller from slipping its own tables or
-- operators in front of the real ones. Only the application (and the owner) may call them.
ALTER FUNCTION deposit_funds(uuid, uuid, bigint, text, text, text, timestamptz, text)
    SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION record_distributions(uuid[], uuid[], uuid[], text[], timestamptz[], integer[], bigint[], integer[],
                                    integer[], text[], text[], text[], text[], integer[], integer[], uuid[], uuid[],
                                    uuid[], uuid[], bigint[], uuid[])
    SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE EXECUTE ON FUNCTION deposit_funds(uuid, uuid, bigint, text, text, text, timestamptz, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION record_distributions(uuid[], uuid[], uuid[], text[], timestamptz[], integer[], bigint[], integer[],
                                                integer[], text[], text[], text[], text[], integer[], integer[], uuid[], uuid[],
                                                uuid[], uuid[], bigint[], uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION deposit_funds(uuid, uuid, bigint, text, text, text, timestamptz, text) TO leadgrains_app;
GRANT EXECUTE ON FUNCTION record_distributions(uuid[], uuid[], uuid[], text[], timestamptz[], integer[], bigint[], integer[],
                                               integer[], text[], text[], text[], text[], integer[], integer[], uuid[], uuid[],
                                               uuid[], uuid[], bigint[], uuid[]) TO leadgrains_app;
