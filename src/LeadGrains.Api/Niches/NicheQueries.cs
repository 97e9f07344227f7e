using Dapper;
using LeadGrains.Api.Paging;
using Npgsql;

namespace LeadGrains.Api.Niches;

/// <summary>Read-only niche pages, straight from PostgreSQL.</summary>
public sealed class NicheQueries(NpgsqlDataSource db)
{
    private sealed record NicheRow(Guid NicheId, string Name, int NextStartLevelOrderPosition, DateTime CreatedAt);

    private sealed record LevelRow(Guid LevelId, Guid NicheId, string Name, int OrderPosition, int MaxRecipients, long PriceCents, bool IsActive);

    public async Task<NichePage> List(Guid workspaceId, Cursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var niches = (await connection.QueryAsync<NicheRow>(new CommandDefinition("""
            SELECT id AS niche_id, name, next_start_level_order_position, created_at
              FROM niches
             WHERE workspace_id = @workspaceId
               AND (@afterAt::timestamptz IS NULL OR (created_at, id) > (@afterAt, @afterId))
             ORDER BY created_at, id
             LIMIT @take
            """, new { workspaceId, afterAt = after?.At, afterId = after?.Id, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var page = niches.Take(limit).ToList();
        var levels = (await connection.QueryAsync<LevelRow>(new CommandDefinition("""
            SELECT id AS level_id, niche_id, name, order_position, max_recipients, price_cents, is_active
              FROM competition_levels WHERE niche_id = ANY(@ids) ORDER BY order_position
            """, new { ids = page.Select(n => n.NicheId).ToArray() }, cancellationToken: cancellationToken))).ToLookup(l => l.NicheId);
        var items = page.Select(n => new NicheResponse(n.NicheId, n.Name, n.NextStartLevelOrderPosition,
            levels[n.NicheId].Select(l => new LevelResponse(l.LevelId, l.Name, l.OrderPosition, l.MaxRecipients, l.PriceCents, l.IsActive)).ToList())).ToList();
        var next = niches.Count > limit ? new Cursor(page[^1].CreatedAt, page[^1].NicheId).Encode() : null;
        return new NichePage(items, next);
    }
}
