using System.Text.Json;
using Dapper;
using LeadGrains.Abstractions.Routing;
using LeadGrains.Domain.Leads;
using Npgsql;

namespace LeadGrains.Grains.Routing;

/// <summary>
/// The routing grain's SQL. A submission is inserted pending; every later transition is one of the
/// guarded functions of the schema (decide_routing, complete_routing, record_routing_failure), which
/// lock the row and check its status, so a second silo or a replayed call changes nothing.
/// </summary>
public sealed class RoutingStore(NpgsqlDataSource db)
{
    private const string Columns = """
        id, source_kind, source_id, status, payload::text AS payload, rule_id, destination_workspace_id, destination_niche_id,
        attempts, next_attempt_at, last_reason, created_at
        """;

    public async Task<RoutingSubmissionRow?> Find(Guid id)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<RoutingSubmissionRow>($"SELECT {Columns} FROM routing_submissions WHERE id = @id", new { id });
    }

    /// <summary>Stores a new pending submission, due at once; a submission already stored under this id is left as it is.</summary>
    public async Task<RoutingSubmissionRow> Insert(Guid id, RoutingRequest request, string consumerHash, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        // One round trip; a row another silo committed after this statement began is not in its snapshot: then it is read again.
        return await connection.QuerySingleOrDefaultAsync<RoutingSubmissionRow>($"""
            WITH inserted AS (
                INSERT INTO routing_submissions (id, source_kind, source_id, source_reference, consumer_hash, payload, next_attempt_at,
                                                 created_at, expires_at, updated_at)
                VALUES (@id, @Kind, @SourceId, @reference, @consumerHash, @payload::jsonb, @now, @now, @expiresAt, @now)
                ON CONFLICT (id) DO NOTHING
                RETURNING *)
            SELECT {Columns} FROM inserted
            UNION ALL
            SELECT {Columns} FROM routing_submissions WHERE id = @id AND NOT EXISTS (SELECT 1 FROM inserted)
            """, new
        {
            id, request.Source.Kind, SourceId = request.Source.Id, reference = request.SourceReference, consumerHash,
            payload = JsonSerializer.Serialize(new RoutingPayload(request.Contact, request.Attributes)), now, expiresAt = now + LeadRetention.Ttl,
        }) ?? await connection.QuerySingleAsync<RoutingSubmissionRow>($"SELECT {Columns} FROM routing_submissions WHERE id = @id", new { id });
    }

    /// <summary>False when the workspace is closed to routed leads for now.</summary>
    public async Task<bool> DestinationOpen(Guid workspaceId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return !await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM routing_closed_destinations WHERE workspace_id = @workspaceId)", new { workspaceId });
    }

    /// <summary>See decide_routing: <c>deciding</c> (bound for the destination), <c>duplicate</c>, or the status it already had.</summary>
    public async Task<string> Decide(Guid id, Guid ruleId, Guid workspaceId, Guid nicheId, int rulesEvaluated, double durationMs, DateTimeOffset now, TimeSpan lease)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string>(
            "SELECT decide_routing(@id, @ruleId, @workspaceId, @nicheId, @rulesEvaluated, @durationMs, @now, @lease)",
            new { id, ruleId, workspaceId, nicheId, rulesEvaluated, durationMs, now, lease }) ?? "not_found";
    }

    /// <summary>See complete_routing: <c>routed</c>, <c>duplicate</c> (the destination niche had seen the contact), or the status it already had.</summary>
    public async Task<string> Complete(Guid id, Guid leadId, double durationMs, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string>("SELECT complete_routing(@id, @leadId, @durationMs, @now)",
            new { id, leadId, durationMs, now }) ?? "not_found";
    }

    public sealed record FailureOutcome
    {
        public string Status { get; init; } = "";
        public int Attempts { get; init; }
        public DateTime? NextAttemptAt { get; init; }
    }

    /// <summary>See record_routing_failure: the retry scheduled, or the submission dead-lettered after its last attempt.</summary>
    public async Task<FailureOutcome> RecordFailure(Guid id, string outcome, string reason, int rulesEvaluated, double durationMs, DateTimeOffset now,
        TimeSpan[] delays)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<FailureOutcome>(
            "SELECT status, attempts, next_attempt_at FROM record_routing_failure(@id, @outcome, @reason, @rulesEvaluated, @durationMs, @now, @delays)",
            new { id, outcome, reason, rulesEvaluated, durationMs, now, delays = delays.Select(d => (long)d.TotalMilliseconds).ToArray() });
    }

    /// <summary>Submissions due for an attempt now, oldest due first.</summary>
    public async Task<IReadOnlyList<Guid>> Due(DateTimeOffset now, int batch, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Guid>(new CommandDefinition("""
            SELECT id FROM routing_submissions
             WHERE status IN ('pending', 'deciding') AND next_attempt_at <= @now
             ORDER BY next_attempt_at LIMIT @batch
            """, new { now, batch }, cancellationToken: cancellationToken))).ToList();
    }
}
