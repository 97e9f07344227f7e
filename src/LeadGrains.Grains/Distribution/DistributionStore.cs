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

    /// <summary>What <c>record_distributions</c> answered for one lead.</summary>
    public sealed record RecordedRow
    {
        /// <summary>Not sent to the database: the silo's committer had its limit of plans queued.</summary>
        public static RecordedRow Busy { get; } = new() { Outcome = "busy" };

        /// <summary><c>recorded</c>, <c>not_distributable</c>, <c>stale</c>, <c>insufficient_balance</c> or <c>cap_reached</c>; only <c>recorded</c> wrote anything (<c>busy</c>: <see cref="Busy"/>).</summary>
        public string Outcome { get; init; } = "";
        public string? LeadStatus { get; init; }
        public int Attempt { get; init; }

        /// <summary>The niche's distribution version and pointer after this lead (recorded) or as committed (refused).</summary>
        public long Version { get; init; }
        public int Pointer { get; init; }

        /// <summary>Per assignment of the plan, its provider's balance after it (recorded) or as it stands (insufficient_balance).</summary>
        public long[] Balances { get; init; } = [];
        public Guid[] PausedSubscriptionIds { get; init; } = [];
    }

    /// <summary>
    /// Guards and records the plans through <c>record_distributions</c> in one transaction (one call,
    /// then the commit) on the caller's open <paramref name="connection"/>, answering one row per plan,
    /// in order. <paramref name="beforeCommit"/> runs once the rows are written and before they commit —
    /// the instant a crash is most expensive.
    /// Synchronous on purpose: the committer's lane calls it from a thread of its own (see
    /// <see cref="DistributionCommitter"/>), which then waits on the socket, not in the thread pool's queue.
    /// </summary>
    public static IReadOnlyList<RecordedRow> Record(NpgsqlConnection connection, IReadOnlyList<(DistributionPlan Plan, long ElapsedMs)> plans, Action beforeCommit)
    {
        var arrays = DistributionPlanArrays.From(plans);
        using var transaction = connection.BeginTransaction();
        var rows = connection.Query<RecordedRow>("""
            SELECT outcome, lead_status, attempt, version, pointer, balances, paused_subscription_ids
              FROM record_distributions(@LeadIds, @NicheIds, @RunIds, @Actors, @ServedAt, @ElapsedMs,
                                        @Versions, @Starts, @NextPointers, @Statuses, @LeadStatuses,
                                        @Traversals::text[], @SkippedLists::text[], @FirstAssignments, @AssignmentCounts,
                                        @AssignmentIds, @Providers, @Subscriptions, @Levels, @Prices, @ShortProviders)
            """, arrays, transaction).ToList();
        if (rows.Any(r => r.Outcome == "recorded"))
        {
            beforeCommit();
        }
        transaction.Commit();
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
            SELECT r.id, r.lead_id, r.attempt, r.start_level_order_position, r.traversal::text AS traversal,
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('assignment_id', a.id, 'provider_id', a.provider_id,
                               'subscription_id', a.subscription_id, 'level_id', a.level_id, 'price_cents', a.price_cents) ORDER BY x.ord), '[]')
                      FROM unnest(r.assignment_ids) WITH ORDINALITY AS x(id, ord) JOIN lead_assignments a ON a.id = x.id)::text AS assignments,
                   r.skipped::text AS skipped, r.status, r.completed_at, r.duration_ms
              FROM distribution_runs r
             WHERE r.lead_id = @leadId AND r.status IN ('success', 'partial', 'no_eligible')
             ORDER BY r.attempt DESC LIMIT 1
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
