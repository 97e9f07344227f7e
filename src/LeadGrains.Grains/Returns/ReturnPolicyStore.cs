using System.Text.Json;
using Dapper;
using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Returns;
using LeadGrains.Domain.Returns;
using Npgsql;

namespace LeadGrains.Grains.Returns;

/// <summary>A workspace's return rules in <c>workspace_return_policies</c>; a workspace without a row has <see cref="ReturnRules.Default"/>.</summary>
public sealed class ReturnPolicyStore(NpgsqlDataSource db)
{
    public static ReturnPolicy Default { get; } = ToPolicy(ReturnRules.Default);

    public async Task<ReturnPolicy> Find(Guid workspaceId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<PolicyRow>(new CommandDefinition("""
            SELECT window_hours, reasons, auto_approve, auto_approve_max_returns, auto_approve_max_rate_percent, rate_period_hours
              FROM workspace_return_policies WHERE workspace_id = @workspaceId
            """, new { workspaceId }, cancellationToken: cancellationToken));
        return row is null
            ? Default
            : new ReturnPolicy(row.WindowHours, row.Reasons, row.AutoApprove, row.AutoApproveMaxReturns, row.AutoApproveMaxRatePercent, row.RatePeriodHours);
    }

    /// <summary>Stores the rules with their audit row in one transaction.</summary>
    public async Task Save(Guid workspaceId, ReturnPolicy policy, string actor, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        try
        {
            await Upsert(connection, transaction, workspaceId, policy, actor, now);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new ValidationFailedException("workspace_id", "does not name an existing workspace.");
        }
        await connection.ExecuteAsync("""
            INSERT INTO audit_log (workspace_id, actor, action, target_type, target_id, metadata, created_at)
            VALUES (@workspaceId, @actor, 'return_policy.updated', 'workspace', @workspaceId::text, @metadata::jsonb, @now)
            """, new { workspaceId, actor, now, metadata = JsonSerializer.Serialize(policy, AuditJson) }, transaction);
        await transaction.CommitAsync();
    }

    private static Task Upsert(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid workspaceId, ReturnPolicy policy, string actor, DateTimeOffset now) =>
        connection.ExecuteAsync("""
            INSERT INTO workspace_return_policies (workspace_id, window_hours, reasons, auto_approve, auto_approve_max_returns,
                                                   auto_approve_max_rate_percent, rate_period_hours, updated_at, updated_by)
            VALUES (@workspaceId, @WindowHours, @reasons, @AutoApprove, @AutoApproveMaxReturns, @AutoApproveMaxRatePercent, @RatePeriodHours, @now, @actor)
            ON CONFLICT (workspace_id) DO UPDATE
               SET window_hours = excluded.window_hours, reasons = excluded.reasons, auto_approve = excluded.auto_approve,
                   auto_approve_max_returns = excluded.auto_approve_max_returns,
                   auto_approve_max_rate_percent = excluded.auto_approve_max_rate_percent,
                   rate_period_hours = excluded.rate_period_hours, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """, new
        {
            workspaceId, policy.WindowHours, reasons = policy.Reasons.ToArray(), policy.AutoApprove, policy.AutoApproveMaxReturns,
            policy.AutoApproveMaxRatePercent, policy.RatePeriodHours, now, actor,
        }, transaction);

    public static ReturnRules ToRules(ReturnPolicy policy) => new(
        TimeSpan.FromHours(policy.WindowHours), policy.Reasons, policy.AutoApprove, policy.AutoApproveMaxReturns,
        policy.AutoApproveMaxRatePercent, TimeSpan.FromHours(policy.RatePeriodHours));

    private static ReturnPolicy ToPolicy(ReturnRules rules) => new(
        (int)rules.Window.TotalHours, rules.Reasons, rules.AutoApprove, rules.AutoApproveMaxReturns,
        rules.AutoApproveMaxRatePercent, (int)rules.RatePeriod.TotalHours);

    private static readonly JsonSerializerOptions AuditJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record PolicyRow
    {
        public int WindowHours { get; init; }
        public string[] Reasons { get; init; } = [];
        public bool AutoApprove { get; init; }
        public int AutoApproveMaxReturns { get; init; }
        public int AutoApproveMaxRatePercent { get; init; }
        public int RatePeriodHours { get; init; }
    }
}
