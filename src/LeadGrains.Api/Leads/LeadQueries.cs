using System.Text.Json;
using Dapper;
using LeadGrains.Api.Paging;
using Npgsql;

namespace LeadGrains.Api.Leads;

/// <summary>Read-only lead pages, straight from PostgreSQL. Only the detail carries contact data.</summary>
public sealed class LeadQueries(NpgsqlDataSource db)
{
    private sealed record Row
    {
        public Guid Id { get; init; }
        public Guid NicheId { get; init; }
        public string Status { get; init; } = "";
        public string FirstName { get; init; } = "";
        public string LastName { get; init; } = "";
        public string Email { get; init; } = "";
        public string Phone { get; init; } = "";
        public string State { get; init; } = "";
        public string? Zip { get; init; }
        public long? AmountCents { get; init; }
        public string Attributes { get; init; } = "{}";
        public DateTime CreatedAt { get; init; }
        public DateTime? ApprovedAt { get; init; }
        public DateTime? DistributedAt { get; init; }
        public int DistributionAttempts { get; init; }
        public DateTime ExpiresAt { get; init; }
        public Guid? DuplicateOf { get; init; }
        public string? RejectionReason { get; init; }
    }

    private const string SummaryColumns = """
        id, niche_id, status, state, zip, amount_cents, attributes::text AS attributes, created_at, approved_at,
        distributed_at, distribution_attempts, expires_at, duplicate_of
        """;

    /// <summary>When the lead was submitted; null if there is no such lead.</summary>
    public async Task<DateTimeOffset?> CreatedAt(Guid leadId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var createdAt = await connection.QuerySingleOrDefaultAsync<DateTime?>(new CommandDefinition(
            "SELECT created_at FROM leads WHERE id = @leadId", new { leadId }, cancellationToken: cancellationToken));
        return createdAt is { } utc ? new DateTimeOffset(utc, TimeSpan.Zero) : null;
    }

    public async Task<LeadDetail?> Detail(Guid workspaceId, Guid leadId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"""
            SELECT {SummaryColumns}, first_name, last_name, email, phone, rejection_reason
              FROM leads WHERE id = @leadId AND workspace_id = @workspaceId
            """, new { workspaceId, leadId }, cancellationToken: cancellationToken));
        return row is null ? null : new LeadDetail(
            row.Id, row.NicheId, row.Status, new ContactResponse(row.FirstName, row.LastName, row.Email, row.Phone), Attributes(row),
            row.CreatedAt, row.ApprovedAt, row.DistributedAt, row.DistributionAttempts, row.ExpiresAt, row.DuplicateOf, row.RejectionReason);
    }

    /// <summary>Whether the lead exists in the workspace.</summary>
    public async Task<bool> Exists(Guid workspaceId, Guid leadId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM leads WHERE id = @leadId AND workspace_id = @workspaceId)", new { workspaceId, leadId }, cancellationToken: cancellationToken));
    }

    /// <summary>A page of a workspace's leads, newest first; served in that order by <c>ix_leads_workspace_created</c> (0031).</summary>
    internal const string ListSql = $"""
        SELECT {SummaryColumns}
          FROM leads
         WHERE workspace_id = @workspaceId
           AND (@status::text IS NULL OR status = @status)
           AND (@nicheId::uuid IS NULL OR niche_id = @nicheId)
           AND (@afterAt::timestamptz IS NULL OR (created_at, id) < (@afterAt, @afterId))
         ORDER BY created_at DESC, id DESC
         LIMIT @take
        """;

    /// <summary>Newest first; the cursor is the last item's (created_at, id). A caller that goes away cancels the query.</summary>
    public async Task<LeadPage> List(Guid workspaceId, string? status, Guid? nicheId, Cursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(ListSql,
            new { workspaceId, status, nicheId, afterAt = after?.At, afterId = after?.Id, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(limit).ToList();
        var items = page.Select(r => new LeadSummary(r.Id, r.NicheId, r.Status, Attributes(r), r.CreatedAt, r.ApprovedAt, r.DistributedAt,
            r.DistributionAttempts, r.ExpiresAt, r.DuplicateOf)).ToList();
        return new LeadPage(items, rows.Count > limit ? new Cursor(page[^1].CreatedAt, page[^1].Id).Encode() : null);
    }

    private static AttributesResponse Attributes(Row row) => new(row.State, row.Zip, row.AmountCents)
    {
        Extra = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(row.Attributes) is { Count: > 0 } extra ? extra : null,
    };
}
