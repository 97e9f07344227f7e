using System.Text.Json;
using Dapper;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Domain.Leads;
using LeadGrains.Grains.Distribution;
using Npgsql;

namespace LeadGrains.Grains.Leads;

/// <summary>The lead grain's SQL: intake with dedupe, lifecycle transitions, audit rows.</summary>
public sealed class LeadStore(NpgsqlDataSource db)
{
    private const string Columns = """
        id, workspace_id, niche_id, status, state, zip, amount_cents, attributes::text AS attributes,
        created_at, approved_at, distributed_at, distribution_attempts, expires_at
        """;

    /// <summary>The rows of those leads that exist, by id (read together for <see cref="LeadRowReader"/>, on its connection).</summary>
    public static async Task<Dictionary<Guid, LeadRow>> FindMany(NpgsqlConnection connection, Guid[] leadIds)
    {
        var rows = await connection.QueryAsync<LeadRow>($"SELECT {Columns} FROM leads WHERE id = ANY(@leadIds)", new { leadIds });
        return rows.ToDictionary(row => row.Id);
    }

    /// <summary>
    /// Stores the lead as pending, or as duplicate of the earliest lead with the same hash within the
    /// dedupe window. An advisory lock on the hash serializes concurrent submissions of the same contact.
    /// The consumer's lock, the one decide_routing takes, serializes it with routings of the same
    /// consumer: with the platform-wide routing scope, a consumer routing has bound or routed to another
    /// workspace within the routing window is stored as a duplicate (of no lead this workspace may see),
    /// and a routing decided after this intake sees this lead.
    /// A lead already stored under this id is answered as it is (<c>Stored</c> false): a caller whose
    /// earlier try committed without an answer (its silo died, a second activation) must not fail on it.
    /// No lead (null) when the niche is not the workspace's. Four round trips: the locks, the checks,
    /// the lead with its audit row, the commit.
    /// </summary>
    public async Task<(LeadRow? Lead, Guid? DuplicateOf, bool Stored)> Insert(Guid leadId, LeadSubmission submission, string dedupeHash, string phoneE164, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var contact = submission.Contact;
        var consumerHash = DedupeHash.ForConsumer(contact.Email, contact.Phone);
        // The niche's lock first, then the consumer's (decide_routing takes only the latter): one order, no deadlock.
        await connection.ExecuteAsync("""
            SELECT pg_advisory_xact_lock(hashtextextended(@dedupeHash, 0)), pg_advisory_xact_lock(hashtextextended('consumer:' || @consumerHash, 0))
            """, new { dedupeHash, consumerHash }, transaction);
        // A statement of its own after the locks, so it reads what their holders committed.
        var (duplicateOf, routedElsewhere, nicheOfWorkspace) = await connection.QuerySingleAsync<(Guid?, bool, bool)>("""
            SELECT (SELECT id FROM leads
                     WHERE dedupe_hash = @dedupeHash AND status <> 'duplicate' AND created_at > @since
                     ORDER BY created_at LIMIT 1),
                   EXISTS (SELECT 1 FROM routing_submissions r, routing_settings s
                            WHERE r.consumer_hash = @consumerHash AND r.status IN ('deciding', 'routed') AND s.dedupe_scope = 'platform'
                              AND r.destination_workspace_id <> @WorkspaceId AND r.created_at > @now - make_interval(days => s.dedupe_window_days)),
                   EXISTS (SELECT 1 FROM niches WHERE id = @NicheId AND workspace_id = @WorkspaceId)
            """, new { dedupeHash, consumerHash, submission.WorkspaceId, submission.NicheId, since = now - LeadRetention.DedupeWindow, now }, transaction);
        if (!nicheOfWorkspace)
        {
            await transaction.RollbackAsync();
            return (null, null, false);
        }
        var status = duplicateOf is null && !routedElsewhere ? LeadStatus.Pending : LeadStatus.Duplicate;
        var attributes = submission.Attributes;
        // Names and attributes are stored in Unicode NFC, so "é" sent as e + a combining accent is the
        // same text as "é" sent as one code point. PostgreSQL composes them: these processes run
        // without ICU (InvariantGlobalization), where .NET's string.Normalize leaves text as it is.
        var audited = routedElsewhere && duplicateOf is null ? new { status, routed_elsewhere = true } : (object)new { status, duplicate_of = duplicateOf };
        var lead = await connection.QuerySingleOrDefaultAsync<LeadRow>($"""
            WITH lead AS (
                INSERT INTO leads (id, workspace_id, niche_id, status, first_name, last_name, email, phone, state, zip, amount_cents,
                                   attributes, dedupe_hash, consumer_hash, duplicate_of, created_at, expires_at, updated_at)
                VALUES (@leadId, @WorkspaceId, @NicheId, @status, normalize(@FirstName, NFC), normalize(@LastName, NFC), @email, @phoneE164,
                        @state, @Zip, @AmountCents, normalize(@attributesJson::jsonb::text, NFC)::jsonb, @dedupeHash, @consumerHash, @duplicateOf, @now, @expiresAt, @now)
                ON CONFLICT (id) DO NOTHING
                RETURNING *),
            audit AS (
                INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
                SELECT workspace_id, 'system', 'lead.submitted', id, 'lead', id::text, @metadata::jsonb, @now FROM lead)
            SELECT {Columns} FROM lead
            """, new
        {
            leadId, submission.WorkspaceId, submission.NicheId, status,
            FirstName = contact.FirstName.Trim(), LastName = contact.LastName.Trim(),
            email = ContactNormalization.NormalizeEmail(contact.Email), phoneE164,
            state = attributes.State.Trim().ToUpperInvariant(), Zip = attributes.Zip?.Trim(), attributes.AmountCents,
            attributesJson = JsonSerializer.Serialize(attributes.Extra ?? new Dictionary<string, string>()),
            dedupeHash, consumerHash, duplicateOf, now, expiresAt = now + LeadRetention.Ttl, metadata = JsonSerializer.Serialize(audited),
        }, transaction);
        if (lead is null)
        {
            var stored = await connection.QuerySingleAsync<LeadRow>($"SELECT {Columns} FROM leads WHERE id = @leadId", new { leadId }, transaction);
            await transaction.CommitAsync();
            return (stored, null, false);
        }
        await transaction.CommitAsync();
        return (lead, duplicateOf, true);
    }

    /// <summary>
    /// Moves the lead from one of <paramref name="from"/> to <paramref name="to"/>; null if it was in none of them.
    /// <paramref name="dueAt"/> queues a distribution attempt at that time (a fresh round: failed attempts reset).
    /// </summary>
    public async Task<LeadRow?> Transition(Guid leadId, string[] from, string to, string actor, string action, object metadata, DateTimeOffset now,
        DateTimeOffset? dueAt = null)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var lead = await connection.QuerySingleOrDefaultAsync<LeadRow>($"""
            UPDATE leads
               SET status = @to, updated_at = @now,
                   approved_at = CASE WHEN @to = 'approved' THEN @now ELSE approved_at END,
                   rejection_reason = CASE WHEN @to = 'rejected' THEN @reason ELSE rejection_reason END,
                   next_attempt_at = @dueAt, lease_until = NULL,
                   failed_attempts = CASE WHEN @dueAt IS NULL THEN failed_attempts ELSE 0 END
             WHERE id = @leadId AND status = ANY(@from)
            RETURNING {Columns}
            """, new { leadId, from, to, now, reason = (metadata as RejectionMetadata)?.Reason, dueAt }, transaction);
        if (lead is not null)
        {
            await Audit(connection, transaction, lead, actor, action, metadata, now);
        }
        await transaction.CommitAsync();
        return lead;
    }

    /// <summary>
    /// Takes the lease of a due attempt: true when the lead is approved, due, and nobody else holds a
    /// live lease. The lease fences out a second worker until it runs out.
    /// </summary>
    public async Task<bool> ClaimDueAttempt(Guid leadId, DateTimeOffset now, TimeSpan lease)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteAsync("""
            UPDATE leads SET lease_until = @leaseUntil
             WHERE id = @leadId AND status = 'approved' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
            """, new { leadId, now, leaseUntil = now + lease }) == 1;
    }

    /// <summary>Ends the lease of an attempt that did not fail (busy, timed out) and makes the lead due again at <paramref name="dueAt"/>.</summary>
    public async Task Postpone(Guid leadId, DateTimeOffset dueAt)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "UPDATE leads SET next_attempt_at = @dueAt, lease_until = NULL WHERE id = @leadId AND status = 'approved'",
            new { leadId, dueAt });
    }

    public sealed record FailureOutcome
    {
        public string Outcome { get; init; } = "";
        public int FailedAttempts { get; init; }
        public DateTime? NextAttemptAt { get; init; }
    }

    /// <summary>See the SQL function <c>record_distribution_failure</c>: schedule the retry or dead-letter, atomically.</summary>
    public async Task<FailureOutcome> RecordFailure(Guid leadId, Exception error, DateTimeOffset now, DistributionQueueOptions options)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<FailureOutcome>(
            "SELECT outcome, failed_attempts, next_attempt_at FROM record_distribution_failure(@leadId, @message, @stack, @now, @max, @delays)",
            new
            {
                leadId, message = $"{error.GetType().Name}: {error.Message}", stack = error.ToString(), now, max = options.MaxAttempts,
                delays = options.EffectiveRetryDelays.Select(d => (long)d.TotalMilliseconds).ToArray(),
            });
    }

    private static Task Audit(NpgsqlConnection connection, NpgsqlTransaction transaction, LeadRow lead, string actor, string action, object metadata, DateTimeOffset now) =>
        connection.ExecuteAsync("""
            INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
            VALUES (@WorkspaceId, @actor, @action, @Id, 'lead', @target, @metadata::jsonb, @now)
            """, new { lead.WorkspaceId, actor, action, lead.Id, target = lead.Id.ToString(), metadata = JsonSerializer.Serialize(metadata), now }, transaction);
}

/// <summary>Audit metadata of a rejection; its reason is also stored on the lead.</summary>
public sealed record RejectionMetadata(string Reason);
