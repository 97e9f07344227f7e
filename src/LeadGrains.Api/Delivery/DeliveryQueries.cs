using Dapper;
using LeadGrains.Api.Paging;
using Npgsql;

namespace LeadGrains.Api.Delivery;

/// <summary>Read-only delivery queries of the admin and self-service APIs, always within the caller's workspace (or provider).</summary>
public sealed class DeliveryQueries(NpgsqlDataSource db)
{
    private const string Columns = """
        d.id AS delivery_id, d.assignment_id, d.lead_id, d.provider_id, d.channel, d.state, d.attempts,
        CASE WHEN d.state = 'pending' THEN d.next_attempt_at END AS next_attempt_at, d.give_up_at, d.last_status_code, d.last_error,
        d.created_at, d.assigned_at, d.delivered_at, d.dead_at, d.resolved_at, d.resolved_by, d.resolution_note
        """;

    private sealed record Row(
        Guid DeliveryId, Guid AssignmentId, Guid LeadId, Guid ProviderId, string Channel, string State, int Attempts,
        DateTime? NextAttemptAt, DateTime GiveUpAt, int? LastStatusCode, string? LastError, DateTime CreatedAt, DateTime AssignedAt,
        DateTime? DeliveredAt, DateTime? DeadAt, DateTime? ResolvedAt, string? ResolvedBy, string? ResolutionNote)
    {
        public DeliveryResponse ToResponse() => new(
            DeliveryId, AssignmentId, LeadId, ProviderId, Channel, State, Attempts, NextAttemptAt, GiveUpAt, LastStatusCode, LastError,
            CreatedAt, AssignedAt, DeliveredAt, DeadAt, ResolvedAt, ResolvedBy, ResolutionNote,
            Channel == "email" ? $"{DeliveryId:N}@leadgrains" : "msg_" + DeliveryId.ToString("N"));
    }

    /// <summary>The assignment's deliveries, or null if the assignment is not in the workspace.</summary>
    public async Task<IReadOnlyList<DeliveryResponse>?> OfAssignment(Guid workspaceId, Guid assignmentId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
            SELECT EXISTS (SELECT 1 FROM lead_assignments a JOIN providers p ON p.id = a.provider_id
                            WHERE a.id = @assignmentId AND p.workspace_id = @workspaceId)
            """, new { workspaceId, assignmentId }, cancellationToken: cancellationToken));
        if (!exists)
        {
            return null;
        }
        return (await connection.QueryAsync<Row>(new CommandDefinition($"""
            SELECT {Columns} FROM deliveries d WHERE d.assignment_id = @assignmentId AND d.workspace_id = @workspaceId ORDER BY d.channel
            """, new { workspaceId, assignmentId }, cancellationToken: cancellationToken))).Select(r => r.ToResponse()).ToList();
    }

    public async Task<DeliveryResponse?> One(Guid workspaceId, Guid deliveryId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"""
            SELECT {Columns} FROM deliveries d WHERE d.id = @deliveryId AND d.workspace_id = @workspaceId
            """, new { workspaceId, deliveryId }, cancellationToken: cancellationToken)))?.ToResponse();
    }

    /// <summary>The delivery's tries in order, or null if the delivery is not in the workspace.</summary>
    public async Task<IReadOnlyList<DeliveryAttemptResponse>?> Attempts(Guid workspaceId, Guid deliveryId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM deliveries WHERE id = @deliveryId AND workspace_id = @workspaceId)", new { workspaceId, deliveryId }, cancellationToken: cancellationToken)))
        {
            return null;
        }
        return (await connection.QueryAsync<DeliveryAttemptResponse>(new CommandDefinition("""
            SELECT attempt, started_at, latency_ms, outcome, status_code, error, silo
              FROM delivery_attempt_log WHERE delivery_id = @deliveryId ORDER BY attempt, logged_id
            """, new { deliveryId }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Dead deliveries, newest first; <paramref name="resolved"/> null lists both.</summary>
    public async Task<DeadDeliveryPage> Dead(Guid workspaceId, PageRequest paging, bool? resolved, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var filter = "d.workspace_id = @workspaceId AND d.state = 'dead' AND (@resolved::boolean IS NULL OR (d.resolved_at IS NOT NULL) = @resolved)";
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM deliveries d WHERE {filter}", new { workspaceId, resolved }, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"""
            SELECT {Columns} FROM deliveries d WHERE {filter}
             ORDER BY d.dead_at DESC, d.id LIMIT @limit OFFSET @offset
            """, new { workspaceId, resolved, limit = paging.Limit, offset = paging.Offset }, cancellationToken: cancellationToken));
        return new DeadDeliveryPage(rows.Select(r => r.ToResponse()).ToList(), paging.Page, paging.Limit, total);
    }

    /// <summary>The workspace's delivery endpoints that have failed at least once since their last success, failing ones first.</summary>
    public async Task<IReadOnlyList<DeliveryEndpointResponse>> Endpoints(Guid workspaceId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<DeliveryEndpointResponse>(new CommandDefinition("""
            SELECT e.provider_id, e.channel, e.consecutive_failures, e.failing_since, e.last_success_at, e.last_failure_at
              FROM delivery_endpoints e JOIN providers p ON p.id = e.provider_id
             WHERE p.workspace_id = @workspaceId AND e.consecutive_failures > 0
             ORDER BY e.failing_since NULLS LAST, e.consecutive_failures DESC, e.provider_id
             LIMIT 500
            """, new { workspaceId }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>A provider's own deliveries, newest first, keyset-paged.</summary>
    public async Task<(IReadOnlyList<DeliveryResponse> Items, string? NextCursor)> OfProvider(Guid providerId, Cursor? after, int take, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition($"""
            SELECT {Columns} FROM deliveries d
             WHERE d.provider_id = @providerId
               AND (@afterAt::timestamptz IS NULL OR (d.created_at, d.id) < (@afterAt, @afterId))
             ORDER BY d.created_at DESC, d.id DESC
             LIMIT @rows
            """, new { providerId, afterAt = after?.At, afterId = after?.Id, rows = take + 1 }, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(take).ToList();
        var next = rows.Count > take ? new Cursor(page[^1].CreatedAt, page[^1].DeliveryId).Encode() : null;
        return (page.Select(r => r.ToResponse()).ToList(), next);
    }
}
