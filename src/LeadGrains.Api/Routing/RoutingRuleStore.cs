using Dapper;
using LeadGrains.Domain.Routing;
using Npgsql;

namespace LeadGrains.Api.Routing;

/// <summary>The platform's routing rules and settings, written by platform admins (silos recompile rules when they change).</summary>
public sealed class RoutingRuleStore(NpgsqlDataSource db)
{
    private const string Columns = """
        id AS rule_id, name, condition, priority, destination_workspace_id, destination_niche_id, enabled, created_at, updated_at
        """;

    public async Task<IReadOnlyList<RoutingRuleResponse>> All(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<RoutingRuleResponse>(new CommandDefinition(
            $"SELECT {Columns} FROM routing_rules ORDER BY priority DESC, id", cancellationToken: cancellationToken))).ToList();
    }

    public async Task<RoutingRuleResponse?> Find(Guid ruleId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RoutingRuleResponse>(new CommandDefinition(
            $"SELECT {Columns} FROM routing_rules WHERE id = @ruleId", new { ruleId }, cancellationToken: cancellationToken));
    }

    /// <summary>True when the niche exists and belongs to the workspace.</summary>
    public async Task<bool> NicheBelongsTo(Guid nicheId, Guid workspaceId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM niches WHERE id = @nicheId AND workspace_id = @workspaceId)", new { nicheId, workspaceId },
            cancellationToken: cancellationToken));
    }

    /// <summary>Inserts the rule, or replaces the one with this id.</summary>
    public async Task<RoutingRuleResponse> Save(Guid ruleId, string name, RoutingCondition condition, int priority, Guid workspaceId, Guid nicheId,
        bool enabled, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<RoutingRuleResponse>(new CommandDefinition($"""
            INSERT INTO routing_rules (id, name, condition, priority, destination_workspace_id, destination_niche_id, enabled, created_at, updated_at)
            VALUES (@ruleId, @name, @condition, @priority, @workspaceId, @nicheId, @enabled, @now, @now)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, condition = excluded.condition, priority = excluded.priority,
                destination_workspace_id = excluded.destination_workspace_id, destination_niche_id = excluded.destination_niche_id,
                enabled = excluded.enabled, updated_at = excluded.updated_at
            RETURNING {Columns}
            """, new { ruleId, name, condition = condition.Text, priority, workspaceId, nicheId, enabled, now }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Deletes the rule and returns it; <c>InUse</c> when a submission was decided by it (the submission
    /// keeps naming its rule), and neither when there is no such rule.
    /// </summary>
    public async Task<(RoutingRuleResponse? Deleted, bool InUse)> Delete(Guid ruleId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        try
        {
            return (await connection.QuerySingleOrDefaultAsync<RoutingRuleResponse>(new CommandDefinition(
                $"DELETE FROM routing_rules WHERE id = @ruleId RETURNING {Columns}", new { ruleId }, cancellationToken: cancellationToken)), false);
        }
        catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return (null, true);
        }
    }

    public async Task<RoutingSettingsResponse> Settings(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var (scope, days) = await connection.QuerySingleAsync<(string, int)>(new CommandDefinition(
            "SELECT dedupe_scope, dedupe_window_days FROM routing_settings", cancellationToken: cancellationToken));
        var closed = (await connection.QueryAsync<Guid>(new CommandDefinition(
            "SELECT workspace_id FROM routing_closed_destinations ORDER BY workspace_id", cancellationToken: cancellationToken))).ToList();
        return new RoutingSettingsResponse(scope, days, closed);
    }

    public async Task SaveSettings(string scope, int windowDays, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE routing_settings SET dedupe_scope = @scope, dedupe_window_days = @windowDays, updated_at = @now",
            new { scope, windowDays, now }, cancellationToken: cancellationToken));
    }

    /// <summary>Closes the workspace to routed leads, or opens it; false when there is no such workspace.</summary>
    public async Task<bool> SetDestinationOpen(Guid workspaceId, bool open, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM workspaces WHERE id = @workspaceId)",
                new { workspaceId }, cancellationToken: cancellationToken)))
        {
            return false;
        }
        await connection.ExecuteAsync(new CommandDefinition(open
            ? "DELETE FROM routing_closed_destinations WHERE workspace_id = @workspaceId"
            : "INSERT INTO routing_closed_destinations (workspace_id, closed_at) VALUES (@workspaceId, @now) ON CONFLICT DO NOTHING",
            new { workspaceId, now }, cancellationToken: cancellationToken));
        return true;
    }

    /// <summary>See retry_routing and resolve_routing: the status after the operator's action, <c>refused:</c> and the status that refused it, or <c>not_found</c>.</summary>
    public async Task<string> Operate(string function, Guid submissionId, string actor, string? note, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var sql = function == "retry" ? "SELECT retry_routing(@submissionId, @actor, @now)" : "SELECT resolve_routing(@submissionId, @actor, @note, @now)";
        return await connection.ExecuteScalarAsync<string>(new CommandDefinition(sql, new { submissionId, actor, note = note ?? "", now },
            cancellationToken: cancellationToken)) ?? "not_found";
    }
}
