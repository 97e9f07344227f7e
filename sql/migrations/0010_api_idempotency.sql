-- Idempotency keys of the admin HTTP API (API.md: Idempotency-Key), scoped per workspace. The
-- primary key makes concurrent duplicates race for one row: exactly one request executes, the
-- others wait for its stored answer (same request hash) or are refused (another hash).
CREATE TABLE api_idempotency_keys (
    workspace_id     uuid NOT NULL,
    idempotency_key  text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    request_hash     text NOT NULL,
    status_code      integer NULL,
    content_type     text NULL,
    response_body    bytea NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz NULL,
    PRIMARY KEY (workspace_id, idempotency_key)
);
CREATE INDEX ix_api_idempotency_created ON api_idempotency_keys (created_at);
