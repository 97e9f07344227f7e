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

    /// <summary>What <c>distribute_leads</c> answered for one lead; see the function for the outcomes.</summary>
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
    /// Runs the plans through <c>distribute_leads</c> in one transaction and answers one row per
    /// plan, in order. <paramref name="beforeCommit"/> runs once the rows are written and before
    /// they commit — the instant a crash is most expensive, where fault-injection drills stop or fail.
    /// </summary>
    public async Task<IReadOnlyList<DistributeRow>> Distribute(IReadOnlyList<(DistributionPlan Plan, long ElapsedMs)> plans, Func<Task> beforeCommit)
    {
        var arrays = DistributionPlanArrays.From(plans);
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var rows = (await connection.QueryAsync<DistributeRow>("""
            SELECT outcome, status, lead_status, attempt, pointer, assignments::text AS assignments, skipped::text AS skipped, paused_subscription_ids
              FROM distribute_leads(@LeadIds, @NicheIds, @RunIds, @Actors, @ServedAt, @ElapsedMs,
                                    @ExpectedPointers, @Starts, @NextPointers, @FirstSlots, @SlotCounts,
                                    @LevelIds, @Positions, @MaxRecipients, @Prices, @Truncated, @FirstCandidates, @CandidateCounts,
                                    @Subscriptions, @Providers, @EligibilityErrors)
            """, arrays, transaction)).ToList();
        if (rows.Any(r => r.Outcome == "distributed"))
        {
            await beforeCommit();
        }
        await transaction.CommitAsync();
        return rows;
    }

    /// <summary>Records a failed attempt (best effort: the caller is already handling a fault). Nothing else of it was written.</summary>
    public async Task RecordFailure(DistributionPlan plan, string error, DateTimeOffset now, long durationMs)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "SELECT record_failed_attempt(@RunId, @LeadId, @NicheId, @StartLevelOrderPosition, @error, @Actor, @startedAt, @now, @durationMs)",
            new { plan.RunId, plan.LeadId, plan.NicheId, plan.StartLevelOrderPosition, error, plan.Actor, startedAt = plan.ServedAt, now,
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
