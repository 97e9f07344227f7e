using Dapper;
using LeadGrains.Api.Paging;
using Npgsql;

namespace LeadGrains.Api.Routing;

/// <summary>Routing submissions read straight from PostgreSQL: a source's own, and the operators' full view.</summary>
public sealed class RoutingQueries(NpgsqlDataSource db)
{
    private const string OperationsColumns = """
        id AS submission_id, source_kind, source_id, source_reference, status, rule_id, destination_workspace_id, destination_niche_id, lead_id,
        attempts, next_attempt_at, last_reason, created_at, updated_at
        """;

    private sealed record SourceRow(Guid Id, string SourceReference, string Status, int Attempts, DateTime? NextAttemptAt, string? LastReason, DateTime CreatedAt)
    {
        public RoutingSubmissionResponse ToResponse() => new(Id, SourceReference, Status, Attempts,
            NextAttemptAt is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : null, LastReason, CreatedAt);
    }

    /// <summary>One submission of this source; null for another source's or none.</summary>
    public async Task<RoutingSubmissionResponse?> OfSource(string kind, string sourceId, Guid submissionId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SourceRow>(new CommandDefinition("""
            SELECT id, source_reference, status, attempts, next_attempt_at, last_reason, created_at FROM routing_submissions
             WHERE id = @submissionId AND source_kind = @kind AND source_id = @sourceId
            """, new { submissionId, kind, sourceId }, cancellationToken: cancellationToken));
        return row?.ToResponse();
    }

    /// <summary>This source's submissions, newest first.</summary>
    public async Task<RoutingSubmissionPage> ListOfSource(string kind, string sourceId, string? status, Cursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<SourceRow>(new CommandDefinition("""
            SELECT id, source_reference, status, attempts, next_attempt_at, last_reason, created_at FROM routing_submissions
             WHERE source_kind = @kind AND source_id = @sourceId AND (@status::text IS NULL OR status = @status)
               AND (@afterAt::timestamptz IS NULL OR (created_at, id) < (@afterAt, @afterId))
             ORDER BY created_at DESC, id DESC LIMIT @take
            """, new { kind, sourceId, status, afterAt = after?.At, afterId = after?.Id, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(limit).Select(r => r.ToResponse()).ToList();
        return new RoutingSubmissionPage(page, rows.Count > limit ? new Cursor(page[^1].CreatedAt, page[^1].SubmissionId).Encode() : null);
    }

    public async Task<RoutingOperationsView?> Find(Guid submissionId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RoutingOperationsView>(new CommandDefinition(
            $"SELECT {OperationsColumns} FROM routing_submissions WHERE id = @submissionId", new { submissionId }, cancellationToken: cancellationToken));
    }

    /// <summary>Dead-lettered submissions, most recently dead first.</summary>
    public async Task<RoutingDeadLetterPage> DeadLetters(Cursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<RoutingOperationsView>(new CommandDefinition($"""
            SELECT {OperationsColumns} FROM routing_submissions
             WHERE status = 'dead' AND (@afterAt::timestamptz IS NULL OR (updated_at, id) < (@afterAt, @afterId))
             ORDER BY updated_at DESC, id DESC LIMIT @take
            """, new { afterAt = after?.At, afterId = after?.Id, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(limit).ToList();
        return new RoutingDeadLetterPage(page, rows.Count > limit ? new Cursor(page[^1].UpdatedAt, page[^1].SubmissionId).Encode() : null);
    }

    public async Task<IReadOnlyList<RoutingLogEntry>> Log(Guid submissionId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<RoutingLogEntry>(new CommandDefinition("""
            SELECT attempt, outcome, reason, rule_id, destination_workspace_id, rules_evaluated, duration_ms, actor, at
              FROM routing_log WHERE submission_id = @submissionId ORDER BY id
            """, new { submissionId }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Submissions received in the range, counted by source, rule or destination workspace.</summary>
    public async Task<IReadOnlyList<RoutingVolumeRow>> Volume(string by, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var key = by switch
        {
            "source" => "source_kind || ':' || source_id",
            "rule" => "coalesce(rule_id::text, 'none')",
            _ => "coalesce(destination_workspace_id::text, 'none')",
        };
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<RoutingVolumeRow>(new CommandDefinition($"""
            SELECT {key} AS key, count(*) AS submitted,
                   count(*) FILTER (WHERE status = 'routed') AS routed,
                   count(*) FILTER (WHERE status = 'duplicate') AS duplicate,
                   count(*) FILTER (WHERE status IN ('pending', 'deciding')) AS open,
                   count(*) FILTER (WHERE status = 'dead') AS dead,
                   count(*) FILTER (WHERE status IN ('resolved', 'expired')) AS other
              FROM routing_submissions
             WHERE created_at >= @from AND created_at < @to
             GROUP BY 1 ORDER BY 2 DESC, 1
            """, new { from, to }, cancellationToken: cancellationToken))).ToList();
    }
}
