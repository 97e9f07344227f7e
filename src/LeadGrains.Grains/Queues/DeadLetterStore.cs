using Dapper;
using LeadGrains.Abstractions.Queues;
using Npgsql;

namespace LeadGrains.Grains.Queues;

/// <summary>Dead letters and queue figures of one workspace (dead letters belong to a workspace through their lead).</summary>
public sealed class DeadLetterStore(NpgsqlDataSource db)
{
    private const string Columns = """
        d.id, d.queue_name, d.job_id, d.lead_id, d.payload::text AS payload, d.error_message, d.stack_trace, d.attempts,
        d.failed_at, d.resolved, d.resolved_at, d.resolved_by, d.resolution_note
        """;

    private sealed record Row
    {
        public Guid Id { get; init; }
        public string QueueName { get; init; } = "";
        public string JobId { get; init; } = "";
        public Guid? LeadId { get; init; }
        public string Payload { get; init; } = "";
        public string ErrorMessage { get; init; } = "";
        public string? StackTrace { get; init; }
        public int Attempts { get; init; }
        public DateTime FailedAt { get; init; }
        public bool Resolved { get; init; }
        public DateTime? ResolvedAt { get; init; }
        public string? ResolvedBy { get; init; }
        public string? ResolutionNote { get; init; }

        public DeadLetterEntry ToEntry() => new(Id, QueueName, JobId, LeadId, Payload, ErrorMessage, StackTrace, Attempts, Utc(FailedAt),
            Resolved, ResolvedAt is { } r ? Utc(r) : null, ResolvedBy, ResolutionNote);

        private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));
    }

    public async Task<DeadLetterPage> List(Guid workspaceId, int page, int limit, bool? resolved, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var parameters = new { workspaceId, resolved, limit, offset = (page - 1) * limit };
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"""
            SELECT {Columns} FROM dead_letters d JOIN leads l ON l.id = d.lead_id
             WHERE l.workspace_id = @workspaceId AND (@resolved::boolean IS NULL OR d.resolved = @resolved)
             ORDER BY d.failed_at DESC, d.id LIMIT @limit OFFSET @offset
            """, parameters, cancellationToken: cancellationToken));
        var total = await connection.QuerySingleAsync<long>(new CommandDefinition("""
            SELECT count(*) FROM dead_letters d JOIN leads l ON l.id = d.lead_id
             WHERE l.workspace_id = @workspaceId AND (@resolved::boolean IS NULL OR d.resolved = @resolved)
            """, parameters, cancellationToken: cancellationToken));
        return new DeadLetterPage(rows.Select(r => r.ToEntry()).ToList(), page, limit, total);
    }

    public async Task<DeadLetterEntry?> Find(Guid workspaceId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM dead_letters d JOIN leads l ON l.id = d.lead_id WHERE d.id = @id AND l.workspace_id = @workspaceId",
            new { id, workspaceId }, cancellationToken: cancellationToken));
        return row?.ToEntry();
    }

    /// <summary>Resolves an open entry of the workspace, with an audit row; false when it was already resolved (or is not there).</summary>
    public async Task<bool> Resolve(Guid workspaceId, Guid id, string actor, string? note, string action, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var leadId = await connection.QuerySingleOrDefaultAsync<Guid?>("""
            UPDATE dead_letters d SET resolved = true, resolved_at = @now, resolved_by = @actor, resolution_note = @note
              FROM leads l
             WHERE d.id = @id AND l.id = d.lead_id AND l.workspace_id = @workspaceId AND NOT d.resolved
            RETURNING d.lead_id
            """, new { id, workspaceId, actor, note, now }, transaction);
        if (leadId is null)
        {
            return false;
        }
        await connection.ExecuteAsync("""
            INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
            VALUES (@workspaceId, @actor, @action, @leadId, 'dead_letter', @target, '{}', @now)
            """, new { workspaceId, actor, action, leadId, target = id.ToString(), now }, transaction);
        await transaction.CommitAsync();
        return true;
    }

    public async Task<QueueStatus> Status(Guid workspaceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<QueueStatus>(new CommandDefinition("""
            SELECT 'distribution' AS name,
                   (SELECT count(*) FROM leads WHERE workspace_id = @workspaceId AND status = 'approved' AND next_attempt_at IS NOT NULL
                       AND (lease_until IS NULL OR lease_until < @now)) AS depth,
                   (SELECT count(*) FROM leads WHERE workspace_id = @workspaceId AND status = 'approved' AND lease_until >= @now) AS active,
                   (SELECT count(*) FROM dead_letters d JOIN leads l ON l.id = d.lead_id
                     WHERE l.workspace_id = @workspaceId AND d.failed_at > @now - interval '1 hour') AS failed_last_hour,
                   (SELECT count(*) FROM dead_letters d JOIN leads l ON l.id = d.lead_id
                     WHERE l.workspace_id = @workspaceId AND NOT d.resolved) AS dlq_size
            """, new { workspaceId, now }, cancellationToken: cancellationToken));
    }
}
