using System.Text.Json;
using Dapper;
using LeadGrains.Abstractions.Distribution;
using LeadGrains.Abstractions.Leads;
using Npgsql;
using NpgsqlTypes;

namespace LeadGrains.Grains.Distribution;

/// <summary>The distribution run records: start (with the rotation pointer), completion, failure, stored results.</summary>
public sealed class DistributionStore(NpgsqlDataSource db)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public sealed record BeginOutcome(string Outcome, int StartLevelOrderPosition, int Attempt, int Pointer);

    /// <summary>See the SQL function <c>begin_distribution</c>: one transaction records the run and moves the pointer.</summary>
    public async Task<BeginOutcome> Begin(Guid runId, Guid leadId, Guid nicheId, int expectedPointer, int proposedStart, int nextPointer, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<BeginOutcome>(
            "SELECT outcome, start_level_order_position, attempt, pointer FROM begin_distribution(@runId, @leadId, @nicheId, @expectedPointer, @proposedStart, @nextPointer, @now)",
            new { runId, leadId, nicheId, expectedPointer, proposedStart, nextPointer, now });
    }

    private sealed record AssignmentRow(Guid Id, Guid ProviderId, Guid SubscriptionId, Guid LevelId, long PriceCents, DateTime AssignedAt);

    /// <summary>The lead's assignments made by earlier attempts, with when they were made.</summary>
    public async Task<IReadOnlyList<(AssignmentRecord Assignment, DateTimeOffset At)>> LoadAssignments(Guid leadId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = await connection.QueryAsync<AssignmentRow>(
            "SELECT id, provider_id, subscription_id, level_id, price_cents, assigned_at FROM lead_assignments WHERE lead_id = @leadId ORDER BY assigned_at",
            new { leadId });
        return rows.Select(r => (new AssignmentRecord(r.Id, r.ProviderId, r.SubscriptionId, r.LevelId, r.PriceCents),
                                 new DateTimeOffset(DateTime.SpecifyKind(r.AssignedAt, DateTimeKind.Utc)))).ToList();
    }

    /// <summary>Records the finished run, the lead's new status and the audit rows in one transaction (one round trip).</summary>
    public async Task Complete(Guid workspaceId, Guid nicheId, DistributionResult result, string actor)
    {
        var leadStatus = LeadStatus.AfterDistribution(result.Assignments.Count);
        await using var connection = await db.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        // Fencing first: if a later attempt superseded this one, the whole batch rolls back.
        batch.BatchCommands.Add(Command("SELECT assert_run_current($1)", result.RunId));
        batch.BatchCommands.Add(Command("""
            UPDATE distribution_runs
               SET status = $2, traversal = $3, assignments = $4, skipped = $5, completed_at = $6, duration_ms = $7
             WHERE id = $1
            """,
            result.RunId, result.Status, Jsonb(result.Traversal), Jsonb(result.Assignments), Jsonb(result.Skipped),
            result.CompletedAt, (int)Math.Min(int.MaxValue, result.DurationMs)));
        batch.BatchCommands.Add(Command("""
            UPDATE leads SET status = $2, distributed_at = $3, next_attempt_at = NULL, lease_until = NULL, updated_at = $3
             WHERE id = $1 AND status IN ('approved', 'failed')
            """, result.LeadId, leadStatus, result.CompletedAt));
        batch.BatchCommands.Add(Command("""
            INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
            VALUES ($1, $2, 'distribution.completed', $3, 'niche', $4, $5, $6)
            """, workspaceId, actor, result.LeadId, nicheId.ToString(),
            Jsonb(new { run_id = result.RunId, attempt = result.Attempt, status = result.Status, assignments = result.Assignments.Count,
                        start_level_order_position = result.StartLevelOrderPosition, duration_ms = result.DurationMs }),
            result.CompletedAt));
        if (result.Skipped.Count > 0)
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
                SELECT $1, $2, 'distribution.skipped_provider', $3, 'provider', s.provider_id::text,
                       jsonb_build_object('run_id', $4::uuid, 'subscription_id', s.subscription_id, 'reason', s.reason), $5
                  FROM jsonb_to_recordset($6) AS s(provider_id uuid, subscription_id uuid, reason text)
                """, workspaceId, actor, result.LeadId, result.RunId, result.CompletedAt, Jsonb(result.Skipped)));
        }
        try
        {
            await batch.ExecuteNonQueryAsync();
        }
        catch (PostgresException e) when (e.SqlState == "LG001")
        {
            throw new StaleDistributionException(result.LeadId, result.RunId);
        }
    }

    /// <summary>Marks the run failed with the error (best effort: the caller is already handling a fault).</summary>
    public async Task Fail(Guid workspaceId, Guid nicheId, Guid runId, Guid leadId, string error, string actor, DateTimeOffset now, long durationMs)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command(
            "UPDATE distribution_runs SET status = 'failed', error = $2, completed_at = $3, duration_ms = $4 WHERE id = $1 AND status = 'running'",
            runId, error, now, (int)Math.Min(int.MaxValue, durationMs)));
        batch.BatchCommands.Add(Command("""
            INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
            VALUES ($1, $2, 'distribution.failed', $3, 'niche', $4, $5, $6)
            """, workspaceId, actor, leadId, nicheId.ToString(), Jsonb(new { run_id = runId, error }), now));
        await batch.ExecuteNonQueryAsync();
    }

    private sealed record RunRow
{
    public Guid Id { get; init; }
    public Guid LeadId { get; init; }
    public int Attempt { get; init; }
    public int StartLevelOrderPosition { get; init; }
    public string Traversal { get; init; } = "";
    public string Assignments { get; init; } = "";
    public string Skipped { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTime? CompletedAt { get; init; }
    public int? DurationMs { get; init; }
}

    /// <summary>The lead's latest completed distribution result, or null.</summary>
    public async Task<DistributionResult?> LoadLatestResult(Guid leadId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>("""
            SELECT id, lead_id, attempt, start_level_order_position, traversal::text AS traversal,
                   assignments::text AS assignments, skipped::text AS skipped, status, completed_at, duration_ms
              FROM distribution_runs
             WHERE lead_id = @leadId AND status IN ('success', 'partial', 'no_eligible')
             ORDER BY attempt DESC LIMIT 1
            """, new { leadId });
        if (row is null)
        {
            return null;
        }
        return new DistributionResult(
            row.LeadId, row.Id, row.Attempt, row.StartLevelOrderPosition,
            JsonSerializer.Deserialize<List<int>>(row.Traversal, Json)!,
            JsonSerializer.Deserialize<List<AssignmentRecord>>(row.Assignments, Json)!,
            JsonSerializer.Deserialize<List<SkippedProvider>>(row.Skipped, Json)!,
            row.DurationMs ?? 0, row.Status,
            new DateTimeOffset(DateTime.SpecifyKind(row.CompletedAt ?? DateTime.UnixEpoch, DateTimeKind.Utc)));
    }

    private static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        return command;
    }

    private static NpgsqlParameter Jsonb<T>(T value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(value, Json) };
}
