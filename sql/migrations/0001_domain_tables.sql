-- The domain tables of LeadGrains (README, "How a lead travels"). Money is bigint cents. The
-- database is the last line of defence for the invariants: even a transient duplicate grain
-- activation cannot double-charge (unique keys) or overdraw (CHECK balance_cents >= 0).
--
-- This is the baseline: every object is created here in its final form. Whatever changes from now
-- on is a new script (README, "Database migrations"). Columns keep the order in which they were
-- first added, so code reading rows by position sees the same row as before the baseline.
-- What the application role may do with these tables is in 0009_application_role.sql.

CREATE TABLE workspaces (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE niches (
    id                              uuid PRIMARY KEY,
    workspace_id                    uuid NOT NULL REFERENCES workspaces (id),
    name                            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- Owned by the niche grain; advanced by record_distributions in the transaction that records a
    -- lead's start position, so a crash can never advance it twice or not at all (invariant I6).
    next_start_level_order_position integer NOT NULL DEFAULT 1 CHECK (next_start_level_order_position >= 1),
    created_at                      timestamptz NOT NULL DEFAULT now(),
    -- One step per distributed lead; a plan made on another version is refused as stale. It only
    -- grows, so a pointer that cycled back to an old value cannot fool the check.
    distribution_version            bigint NOT NULL DEFAULT 0,
    UNIQUE (workspace_id, name)
)
-- Room on each page for the new row versions of the pointer's frequent updates, so they stay HOT.
WITH (fillfactor = 50);

CREATE TABLE competition_levels (
    id              uuid PRIMARY KEY,
    niche_id        uuid NOT NULL REFERENCES niches (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    order_position  integer NOT NULL CHECK (order_position BETWEEN 1 AND 1000),
    max_recipients  integer NOT NULL CHECK (max_recipients BETWEEN 1 AND 1000),
    -- An assignment is its own charge of this price (I2), and a charge is never zero.
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
    -- Changed only inside the money functions (deposit_funds, record_distributions, refund_return).
    balance_cents   bigint NOT NULL DEFAULT 0 CHECK (balance_cents >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- Delivery channels. E-mail goes to email while email_enabled; the webhook goes to webhook_url,
    -- signed with webhook_secret and, until it expires, also with the previous secret, so a receiver
    -- can switch secrets without missing a message. SMS goes to sms_phone through the configured gateway.
    email_enabled                       boolean NOT NULL DEFAULT true,
    webhook_previous_secret             text NULL,
    webhook_previous_secret_expires_at  timestamptz NULL,
    sms_phone                           text NULL,
    -- The zone caps and budgets count days, weeks and months in (an IANA name); changed only through
    -- set_provider_time_zone, which recounts the provider's capped subscriptions.
    time_zone                           text NOT NULL DEFAULT 'UTC'
)
-- Room on each page for the balance's frequent updates, so they stay HOT.
WITH (fillfactor = 80);
CREATE INDEX ix_providers_workspace ON providers (workspace_id, id);

CREATE TABLE subscriptions (
    id                uuid PRIMARY KEY,
    provider_id       uuid NOT NULL REFERENCES providers (id),
    level_id          uuid NOT NULL REFERENCES competition_levels (id),
    niche_id          uuid NOT NULL REFERENCES niches (id),
    filters           jsonb NOT NULL DEFAULT '{}',
    status            text NOT NULL DEFAULT 'active'
                      CHECK (status IN ('active', 'paused_insufficient_balance', 'paused')),
    -- Saved by the niche grain every few seconds (save_services); read it through
    -- subscriptions_last_received, which adds what the assignments say and is not saved yet.
    last_received_at  timestamptz NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    -- Buyers' controls (0003_controls.sql): caps and budgets per day, week and month, in the
    -- provider's time zone; null: no cap.
    leads_per_day           integer NULL CHECK (leads_per_day > 0),
    leads_per_week          integer NULL CHECK (leads_per_week > 0),
    leads_per_month         integer NULL CHECK (leads_per_month > 0),
    budget_cents_per_day    bigint  NULL CHECK (budget_cents_per_day > 0),
    budget_cents_per_week   bigint  NULL CHECK (budget_cents_per_week > 0),
    budget_cents_per_month  bigint  NULL CHECK (budget_cents_per_month > 0),
    -- [{"day": "monday", "from": "09:00", "to": "17:00"}, …] in the provider's local time; null: any time.
    delivery_hours          jsonb   NULL,
    -- {"max_caps": {…}, "allowed_hours": […] | null}: what the provider may choose itself; null: nothing.
    provider_bounds         jsonb   NULL,
    UNIQUE (provider_id, level_id)
)
-- Room on each page for the new row versions of frequent updates (last_received_at, pauses), so
-- they stay HOT.
WITH (fillfactor = 80);
-- No index holds last_received_at, so updating it can be HOT. Nothing queries subscriptions in
-- fairness order: a niche grain loads all of its subscriptions and orders them in memory.
CREATE INDEX ix_subscriptions_level ON subscriptions (level_id);
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
    -- The durable distribution queue is this table: an approved lead with next_attempt_at set is due
    -- then; lease_until marks an attempt in flight. A silo that dies mid-attempt leaves a lease that
    -- simply runs out, and the sweeper of any silo picks the lead up again.
    next_attempt_at        timestamptz NULL,
    expires_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    lease_until            timestamptz NULL,
    failed_attempts        integer NOT NULL DEFAULT 0,   -- failures in the current round (reset by a retry)
    -- Contact data (names, e-mail, phone, attributes and the dedupe hash derived from them) is erased
    -- once older than its retention (job lead-contact-purge); the row, its status, assignments and
    -- money stay. This records when, so the job passes each lead once.
    contact_purged_at      timestamptz NULL,
    -- The same consumer in any niche of any workspace, for routing's cross-partner dedupe (the
    -- dedupe hash names the niche too).
    consumer_hash          text NULL
);
CREATE INDEX ix_leads_dedupe ON leads (dedupe_hash, created_at DESC) WHERE status <> 'duplicate';
CREATE INDEX ix_leads_workspace_status ON leads (workspace_id, status, id);
CREATE INDEX ix_leads_workspace_niche ON leads (workspace_id, niche_id, id);
-- The admin lead list pages a workspace's leads newest first (keyset on created_at, id): a page
-- reads its own rows and stops.
CREATE INDEX ix_leads_workspace_created ON leads (workspace_id, created_at DESC, id DESC);
CREATE INDEX ix_leads_due ON leads (next_attempt_at) WHERE status = 'approved' AND next_attempt_at IS NOT NULL;
CREATE INDEX ix_leads_expiry ON leads (expires_at) WHERE status IN ('pending', 'approved');
CREATE INDEX ix_leads_consumer ON leads (consumer_hash, created_at DESC) WHERE consumer_hash IS NOT NULL AND status <> 'duplicate';

-- An assignment is its own charge: price_cents is what the provider paid, balance_after_cents its
-- balance right after (there is no charge ledger entry). Only record_distributions writes it.
--
-- No foreign keys, on purpose: each was a query per assignment inside the serial group commit
-- (together about a sixth of the recording, and a fifth before that). An assignment's lead,
-- provider and subscription exist by construction: record_distributions records one only for a lead
-- it found approved and a provider whose row it locked and charged, in the same transaction, and a
-- niche grain only sends subscriptions it loaded from the table, whose rows are never deleted; its
-- level and niche are its subscription's.
CREATE TABLE lead_assignments (
    id               uuid PRIMARY KEY,
    lead_id          uuid NOT NULL,
    provider_id      uuid NOT NULL,
    subscription_id  uuid NOT NULL,
    level_id         uuid NOT NULL,
    niche_id         uuid NOT NULL,
    price_cents      bigint NOT NULL CHECK (price_cents > 0),
    status           text NOT NULL DEFAULT 'assigned',
    assigned_at      timestamptz NOT NULL,
    balance_after_cents bigint NULL CHECK (balance_after_cents >= 0),
    UNIQUE (lead_id, provider_id)   -- I3: a lead reaches a provider at most once (also serves lookups by lead)
);
CREATE INDEX ix_assignments_provider ON lead_assignments (provider_id, assigned_at DESC);

-- Deposits, refunds and adjustments. A charge is an assignment (above), so 'charge' entries are
-- refused (ledger_entries_no_charges); the older rule on a charge's shape stays, and holds vacuously.
-- The lead is not a foreign key: an entry naming a lead also names its assignment (which does
-- exist), and a key check cost a query per entry.
CREATE TABLE ledger_entries (
    id                   uuid PRIMARY KEY,
    provider_id          uuid NOT NULL REFERENCES providers (id),
    kind                 text NOT NULL CHECK (kind IN ('deposit', 'charge', 'refund', 'adjustment')),
    amount_cents         bigint NOT NULL CHECK (amount_cents <> 0),
    lead_id              uuid NULL,
    assignment_id        uuid NULL UNIQUE REFERENCES lead_assignments (id),  -- at most one refund per assignment (R2)
    idempotency_key      text NOT NULL,
    request_fingerprint  text NULL,
    reference            text NULL,
    balance_after_cents  bigint NOT NULL CHECK (balance_after_cents >= 0),
    created_at           timestamptz NOT NULL,
    UNIQUE (provider_id, idempotency_key),   -- a retried deposit counts once
    CHECK (kind <> 'charge' OR (amount_cents < 0 AND assignment_id IS NOT NULL)),
    CHECK (kind NOT IN ('deposit', 'refund') OR amount_cents > 0),
    CONSTRAINT ledger_entries_no_charges CHECK (kind <> 'charge'),
    -- A refund names the assignment it gives back.
    CONSTRAINT ledger_entries_refund_names_assignment CHECK (kind <> 'refund' OR assignment_id IS NOT NULL)
);
CREATE INDEX ix_ledger_provider ON ledger_entries (provider_id, created_at DESC, id);

-- The record and audit of one distribution of a lead, written only by record_distributions (or
-- record_failed_attempt for a failure). Its assignments are rows of their own; the run names them in
-- order (16 bytes each) instead of repeating them as JSON, which made most run rows too large to
-- store uncompressed. No foreign keys: the writer has just locked the run's lead and niche rows and
-- found them there, and leads and niches are never deleted; the key checks were two queries per run
-- inside the serial group commit.
CREATE TABLE distribution_runs (
    id                          uuid PRIMARY KEY,
    seq                         bigint GENERATED ALWAYS AS IDENTITY,  -- commit order, for the I6 check and the delivery cursor
    lead_id                     uuid NOT NULL,
    niche_id                    uuid NOT NULL,
    attempt                     integer NOT NULL CHECK (attempt >= 1),
    start_level_order_position  integer NOT NULL,
    status                      text NOT NULL CHECK (status IN ('running', 'success', 'partial', 'no_eligible', 'failed')),
    traversal                   jsonb NOT NULL DEFAULT '[]',
    skipped                     jsonb NOT NULL DEFAULT '[]',
    error                       text NULL,
    started_at                  timestamptz NOT NULL,
    completed_at                timestamptz NULL,
    duration_ms                 integer NULL,
    actor                       text NULL,   -- who asked for the distribution
    assignment_ids              uuid[] NOT NULL DEFAULT '{}',
    UNIQUE (lead_id, attempt)
);
CREATE INDEX ix_runs_niche_started ON distribution_runs (niche_id, started_at);
-- The delivery cursor walks the runs in seq order; without this index each step would scan the table.
CREATE INDEX ix_runs_seq ON distribution_runs (seq);

-- Admin changes and failures; not each distribution (a run row is its own record).
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
-- The admin API reads a workspace's audit log newest first (GET /api/v1/admin/audit).
CREATE INDEX ix_audit_workspace ON audit_log (workspace_id, id DESC);

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
CREATE INDEX ix_dead_letters_lead ON dead_letters (lead_id);
