-- Rows the HTTP edge owns: idempotency keys of the admin API and CSV import jobs.

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

-- A CSV import run as a job: the API parses the file, keeps the parsed rows here and answers at once
-- with the import's id; a grain submits the rows in order and records its progress, so an operator
-- can follow a large file, and a silo that dies mid-import leaves it to be resumed, not lost.
CREATE TABLE lead_imports (
    id            uuid PRIMARY KEY,
    workspace_id  uuid NOT NULL REFERENCES workspaces (id),
    status        text NOT NULL CHECK (status IN ('running', 'completed')),
    total_rows    integer NOT NULL CHECK (total_rows >= 0),
    rows_done     integer NOT NULL DEFAULT 0 CHECK (rows_done BETWEEN 0 AND total_rows),
    accepted      integer NOT NULL DEFAULT 0,
    duplicates    integer NOT NULL DEFAULT 0,
    -- [{line, reason}]: a reason names the field and the rule, never the value (no contact data).
    rejected      jsonb NOT NULL DEFAULT '[]',
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    finished_at   timestamptz NULL,
    CHECK ((status = 'completed') = (finished_at IS NOT NULL))
);
CREATE INDEX ix_lead_imports_workspace ON lead_imports (workspace_id, created_at DESC, id);

-- The rows still to submit, with their contact data: each is deleted as soon as it is submitted,
-- so a finished import keeps its counts and rejections and no copy of anyone's contact.
CREATE TABLE lead_import_rows (
    import_id   uuid NOT NULL REFERENCES lead_imports (id) ON DELETE CASCADE,
    line        bigint NOT NULL,
    lead_id     uuid NOT NULL,
    niche_id    uuid NOT NULL,
    submission  jsonb NOT NULL,
    PRIMARY KEY (import_id, line)
);
