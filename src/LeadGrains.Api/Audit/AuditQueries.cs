using System.Text.Json;
using Dapper;
using LeadGrains.Api.Paging;
using Npgsql;

namespace LeadGrains.Api.Audit;

/// <summary>The audit log of a workspace, filtered and paged by id (newest first).</summary>
public sealed class AuditQueries(NpgsqlDataSource db)
{
    /// <summary>What to look for; null filters match everything.</summary>
    public sealed record Filter(string? Action, string? Actor, string? TargetType, string? TargetId, Guid? LeadId, TimeRange Period);

    private sealed record Row(long Id, string Action, string Actor, string? TargetType, string? TargetId, Guid? LeadId, string Metadata, DateTime CreatedAt);

    public async Task<AuditPage> List(Guid workspaceId, Filter filter, IdCursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition("""
            SELECT id, action, actor, target_type, target_id, lead_id, metadata::text AS metadata, created_at
              FROM audit_log
             WHERE workspace_id = @workspaceId
               AND (@action::text IS NULL OR action = @action)
               AND (@actor::text IS NULL OR actor = @actor)
               AND (@targetType::text IS NULL OR target_type = @targetType)
               AND (@targetId::text IS NULL OR target_id = @targetId)
               AND (@leadId::uuid IS NULL OR lead_id = @leadId)
               AND (@from::timestamptz IS NULL OR created_at >= @from)
               AND (@to::timestamptz IS NULL OR created_at < @to)
               AND (@afterId::bigint IS NULL OR id < @afterId)
             ORDER BY id DESC
             LIMIT @take
            """, new
        {
            workspaceId, filter.Action, filter.Actor, filter.TargetType, filter.TargetId, filter.LeadId,
            from = filter.Period.From, to = filter.Period.To, afterId = after?.Id, take = limit + 1,
        }, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(limit).ToList();
        var items = page.Select(r => new AuditEntry(
            r.Id, r.Action, r.Actor, r.TargetType, r.TargetId, r.LeadId, JsonDocument.Parse(r.Metadata).RootElement.Clone(), r.CreatedAt)).ToList();
        return new AuditPage(items, rows.Count > limit ? new IdCursor(page[^1].Id).Encode() : null);
    }
}
