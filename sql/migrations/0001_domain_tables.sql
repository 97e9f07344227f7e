-- The domain tables of LeadGrains (DESIGN.md, "The domain"). Money is bigint cents. The database
-- is the last line of defence for the invariants: even a transient duplicate grain activation
-- cannot double-charge (unique keys) or overdraw (CHECK balance_cents >= 0).

CREATE TABLE workspaces (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE niches (
    id                              uuid PRIMARY KEY,
    workspace_id                    uuid NOT NULL REFERENCES workspaces (id),
    name                            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- Owned by the niche grain; advanced in the same transaction that records a lead's start
    -- position, so a crash can never advance it twice or not at all (invariant I6).
    next_start_level_order_position integer NOT NULL DEFAULT 1 CHECK (next_start_level_order_position >= 1),
    created_at                      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, name)
);

CREATE TABLE competition_levels (
    id              uuid PRIMARY KEY,
    niche_id        uuid NOT NULL REFERENCES niches (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    order_position  integer NOT NULL CHECK (order_position BETWEEN 1 AND 1000),
    max_recipients  integer NOT NULL CHECK (max_recipients BETWEEN 1 AND 1000),
    -- Every assignment carries a charge entry of -price (I2), and a ledger entry is never zero.
    price_cents     bigint NOT NULL CHECK (price_cents > 0),
    is_active       boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (niche_id, order_position)
);

CREATE TABLE providers (
    id              uuid PRIMARY KEY,
    workspace_id    uuid NOT NULL REFERENCES workspaces (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email           text NOT NULL,
    webhook_url     text NULL,
    webhook_secret  text NULL,
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    balance_cents   bigint NOT NULL DEFAULT 0 CHECK (balance_cents >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_providers_workspace ON providers (workspace_id, id);

CREATE TABLE subscriptions (
    id                uuid PRIMARY KEY,
    provider_id       uuid NOT NULL REFERENCES providers (id),
    level_id          uuid NOT NULL REFERENCES competition_levels (id),
    niche_id          uuid NOT NULL REFERENCES niches (id),
    filters           jsonb NOT NULL DEFAULT '{}',
    status            text NOT NULL DEFAULT 'active'
                      CHECK (status IN ('active', 'paused_insufficient_balance', 'paused')),
    last_received_at  timestamptz NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (provider_id, level_id)
);
-- The within-level fairness order, for loading a niche grain and for admin queries.
CREATE INDEX ix_subscriptions_fairness
    ON subscriptions (level_id, last_received_at ASC NULLS FIRST, provider_id) WHERE status = 'active';
CREATE INDEX ix_subscriptions_niche ON subscriptions (niche_id);
CREATE INDEX ix_subscriptions_paused ON subscriptions (provider_id) WHERE status = 'paused_insufficient_balance';

CREATE TABLE leads (
    id                     uuid PRIMARY KEY,
    workspace_id           uuid NOT NULL REFERENCES workspaces (id),
    niche_id               uuid NOT NULL REFERENCES niches (id),
    status                 text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'duplicate',
                                                           'distributed', 'no_eligible', 'failed', 'expired')),
    first_name             text NOT NULL,
    last_name              text NOT NULL,
    email                  text NOT NULL,
    phone                  text NOT NULL,
    state                  text NOT NULL,
    zip                    text NULL,
    amount_cents           bigint NULL CHECK (amount_cents >= 0),
    attributes             jsonb NOT NULL DEFAULT '{}',
    dedupe_hash            text NOT NULL,
    duplicate_of           uuid NULL REFERENCES leads (id),
    rejection_reason       text NULL,
    created_at             timestamptz NOT NULL,
    approved_at            timestamptz NULL,
    distributed_at         timestamptz NULL,
    distribution_attempts  integer NOT NULL DEFAULT 0,
    next_attempt_at        timestamptz NULL,
    expires_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL
);
CREATE INDEX ix_leads_dedupe ON leads (dedupe_hash, created_at DESC) WHERE status <> 'duplicate';
CREATE INDEX ix_leads_workspace_status ON leads (workspace_id, status, id);
CREATE INDEX ix_leads_workspace_niche ON leads (workspace_id, niche_id, id);
CREATE INDEX ix_leads_due ON leads (next_attempt_at) WHERE status = 'approved';
CREATE INDEX ix_leads_expiry ON leads (expires_at) WHERE status IN ('pending', 'approved');

CREATE TABLE lead_assignments (
    id               uuid PRIMARY KEY,
    lead_id          uuid NOT NULL REFERENCES leads (id),
    provider_id      uuid NOT NULL REFERENCES providers (id),
    subscription_id  uuid NOT NULL REFERENCES subscriptions (id),
    level_id         uuid NOT NULL REFERENCES competition_levels (id),
    niche_id         uuid NOT NULL REFERENCES niches (id),
    price_cents      bigint NOT NULL CHECK (price_cents > 0),
    status           text NOT NULL DEFAULT 'assigned',
    assigned_at      timestamptz NOT NULL,
    UNIQUE (lead_id, provider_id)   -- I3: a lead reaches a provider at most once
);
CREATE INDEX ix_assignments_provider ON lead_assignments (provider_id, assigned_at DESC);
CREATE INDEX ix_assignments_lead ON lead_assignments (lead_id, assigned_at DESC);

CREATE TABLE ledger_entries (
    id                   uuid PRIMARY KEY,
    provider_id          uuid NOT NULL REFERENCES providers (id),
    kind                 text NOT NULL CHECK (kind IN ('deposit', 'charge', 'refund', 'adjustment')),
    amount_cents         bigint NOT NULL CHECK (amount_cents <> 0),
    lead_id              uuid NULL REFERENCES leads (id),
    assignment_id        uuid NULL UNIQUE REFERENCES lead_assignments (id),  -- I2: one charge per assignment
    idempotency_key      text NOT NULL,
    request_fingerprint  text NULL,
    reference            text NULL,
    balance_after_cents  bigint NOT NULL CHECK (balance_after_cents >= 0),
    created_at           timestamptz NOT NULL,
    UNIQUE (provider_id, idempotency_key),
    CHECK (kind <> 'charge' OR (amount_cents < 0 AND assignment_id IS NOT NULL)),
    CHECK (kind NOT IN ('deposit', 'refund') OR amount_cents > 0)
);
CREATE INDEX ix_ledger_provider ON ledger_entries (provider_id, created_at DESC, id);

CREATE TABLE distribution_runs (
    id                          uuid PRIMARY KEY,
    seq                         bigint GENERATED ALWAYS AS IDENTITY,  -- commit order, for the I6 check
    lead_id                     uuid NOT NULL REFERENCES leads (id),
    niche_id                    uuid NOT NULL REFERENCES niches (id),
    attempt                     integer NOT NULL CHECK (attempt >= 1),
    start_level_order_position  integer NOT NULL,
    status                      text NOT NULL CHECK (status IN ('running', 'success', 'partial', 'no_eligible', 'failed')),
    traversal                   jsonb NOT NULL DEFAULT '[]',
    assignments                 jsonb NOT NULL DEFAULT '[]',
    skipped                     jsonb NOT NULL DEFAULT '[]',
    error                       text NULL,
    started_at                  timestamptz NOT NULL,
    completed_at                timestamptz NULL,
    duration_ms                 integer NULL,
    UNIQUE (lead_id, attempt)
);
CREATE INDEX ix_runs_niche_started ON distribution_runs (niche_id, started_at);

CREATE TABLE audit_log (
    id            bigserial PRIMARY KEY,
    workspace_id  uuid NULL,
    actor         text NOT NULL,
    action        text NOT NULL,
    lead_id       uuid NULL,
    target_type   text NULL,
    target_id     text NULL,
    metadata      jsonb NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_audit_lead ON audit_log (lead_id, id) WHERE lead_id IS NOT NULL;
CREATE INDEX ix_audit_action ON audit_log (action, created_at);

CREATE TABLE dead_letters (
    id               uuid PRIMARY KEY,
    queue_name       text NOT NULL,
    job_id           text NOT NULL,
    lead_id          uuid NULL REFERENCES leads (id),
    payload          jsonb NOT NULL,
    error_message    text NOT NULL,
    stack_trace      text NULL,
    attempts         integer NOT NULL,
    failed_at        timestamptz NOT NULL,
    resolved         boolean NOT NULL DEFAULT false,
    resolved_at      timestamptz NULL,
    resolved_by      text NULL,
    resolution_note  text NULL
);
CREATE INDEX ix_dead_letters_open ON dead_letters (failed_at DESC) WHERE NOT resolved;

-- Notifications leave through here, written in the assignment's own transaction, so none is
-- lost or invented; a sender marks them sent.
CREATE TABLE outbox (
    id             bigserial PRIMARY KEY,
    channel        text NOT NULL CHECK (channel IN ('email', 'webhook')),
    provider_id    uuid NOT NULL REFERENCES providers (id),
    assignment_id  uuid NULL REFERENCES lead_assignments (id),
    payload        jsonb NOT NULL,
    created_at     timestamptz NOT NULL,
    sent_at        timestamptz NULL,
    attempts       integer NOT NULL DEFAULT 0,
    last_error     text NULL
);
CREATE INDEX ix_outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
