using Dapper;
using LeadGrains.Abstractions.Returns;
using LeadGrains.Api.Paging;
using LeadGrains.Domain.Returns;
using Npgsql;

namespace LeadGrains.Api.Returns;

/// <summary>Returns read straight from PostgreSQL, always within one workspace (and, for a provider, its own).</summary>
public sealed class ReturnQueries(NpgsqlDataSource db)
{
    private const string Columns = """
        id AS return_id, workspace_id, assignment_id, provider_id, lead_id, niche_id, price_cents, reason, note, status, review_reason,
        requested_at, requested_by, decided_at, decided_by, decision_note, refund_entry_id
        """;

    public async Task<ReturnView?> Find(Guid workspaceId, Guid returnId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<StoredReturn>(
            $"SELECT {Columns} FROM lead_returns WHERE id = @returnId AND workspace_id = @workspaceId", new { workspaceId, returnId });
        return row?.ToView();
    }

    /// <summary>Newest first, keyset-paged; <paramref name="providerId"/> and <paramref name="status"/> narrow it.</summary>
    public async Task<(IReadOnlyList<ReturnView> Items, string? NextCursor)> List(
        Guid workspaceId, Guid? providerId, string? status, Cursor? after, int limit)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<StoredReturn>($"""
            SELECT {Columns} FROM lead_returns
             WHERE workspace_id = @workspaceId
               AND (@providerId::uuid IS NULL OR provider_id = @providerId)
               AND (@status::text IS NULL OR status = @status)
               AND (@afterAt::timestamptz IS NULL OR (requested_at, id) < (@afterAt, @afterId))
             ORDER BY requested_at DESC, id DESC
             LIMIT @rows
            """, new { workspaceId, providerId, status, afterAt = after?.At, afterId = after?.Id, rows = limit + 1 })).ToList();
        var page = rows.Take(limit).Select(r => r.ToView()).ToList();
        return (page, rows.Count > limit ? new Cursor(page[^1].RequestedAt.UtcDateTime, page[^1].ReturnId).Encode() : null);
    }
}
