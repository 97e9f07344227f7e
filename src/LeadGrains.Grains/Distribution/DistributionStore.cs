using System.Text.Json;
using Dapper;
using LeadGrains.Abstractions.Distribution;
using Npgsql;

namespace LeadGrains.Grains.Distribution;

/// <summary>The distribution runs: one distribution in one transaction, failed attempts, stored results.</summary>
public sealed class DistributionStore(NpgsqlDataSource db)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>What <c>distribute_lead</c> answered; see the function for the outcomes.</summary>
    public sealed record DistributeRow
    {
        public string Outcome { get; init; } = "";
        public string? Status { get; init; }
        public string? LeadStatus { get; init; }
        public int Attempt { get; init; }
        public int Pointer { get; init; }
        public string? Assignments { get; init; }
        public string? Skipped { get; init; }
        public Guid[]? PausedSubscriptionIds { get; init; }

        public IReadOnlyList<AssignmentRecord> AssignmentRecords() => JsonSerializer.Deserialize<List<AssignmentRecord>>(Assignments ?? "[]", Json)!;

        public IReadOnlyList<SkippedProvider> SkippedProviders() => JsonSerializer.Deserialize<List<SkippedProvider>>(Skipped ?? "[]", Json)!;
    }

    /// <summary>
    /// Runs the plan through <c>distribute_lead</c>: one transaction holding every row of the
    /// distribution. <paramref name="beforeCommit"/> runs once the rows are written and before they
    /// commit — the instant a crash is most expensive, where fault-injection drills stop or fail.
    /// </summary>
    public async Task<DistributeRow> Distribute(DistributionPlan plan, long elapsedMs, Func<Task> beforeCommit)
    {
        var levels = plan.Levels;
        var candidates = plan.Candidates;
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var row = await connection.QuerySingleAsync<DistributeRow>("""
            SELECT outcome, status, lead_status, attempt, pointer, assignments::text AS assignments, skipped::text AS skipped, paused_subscription_ids
              FROM distribute_lead(@LeadId, @NicheId, @RunId, @Actor, @StartedAt, @elapsedMs,
                                   @ExpectedPointer, @StartLevelOrderPosition, @NextPointer, @traversal,
                                   @levelIds, @levelMax, @levelPrice, @levelTruncated,
                                   @candidateLevel, @candidateSubscription, @candidateProvider, @candidateError)
            """,
            new
            {
                plan.LeadId, plan.NicheId, plan.RunId, plan.Actor, plan.StartedAt, elapsedMs = (int)Math.Min(int.MaxValue, elapsedMs),
                plan.ExpectedPointer, plan.StartLevelOrderPosition, plan.NextPointer, traversal = plan.Traversal.ToArray(),
                levelIds = levels.Select(l => l.LevelId).ToArray(),
                levelMax = levels.Select(l => l.MaxRecipients).ToArray(),
                levelPrice = levels.Select(l => l.PriceCents).ToArray(),
                levelTruncated = levels.Select(l => l.Truncated).ToArray(),
                // The database counts levels from 1.
                candidateLevel = candidates.Select(c => c.LevelIndex + 1).ToArray(),
                candidateSubscription = candidates.Select(c => c.SubscriptionId).ToArray(),
                candidateProvider = candidates.Select(c => c.ProviderId).ToArray(),
                candidateError = candidates.Select(c => c.EligibilityError).ToArray(),
            },
            transaction);
        if (row.Outcome == "distributed")
        {
            await beforeCommit();
        }
        await transaction.CommitAsync();
        return row;
    }

    /// <summary>Records a failed attempt (best effort: the caller is already handling a fault). Nothing else of it was written.</summary>
    public async Task RecordFailure(DistributionPlan plan, string error, DateTimeOffset now, long durationMs)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "SELECT record_failed_attempt(@RunId, @LeadId, @NicheId, @StartLevelOrderPosition, @error, @Actor, @StartedAt, @now, @durationMs)",
            new { plan.RunId, plan.LeadId, plan.NicheId, plan.StartLevelOrderPosition, error, plan.Actor, plan.StartedAt, now,
                  durationMs = (int)Math.Min(int.MaxValue, durationMs) });
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
}
