using Dapper;
using LeadGrains.Domain.Distribution;
using Npgsql;

namespace LeadGrains.Api.Niches;

/// <summary>
/// The fairness report of a niche, per level. Providers whose subscription is active now count as
/// equally eligible; paused ones are listed but not counted. Subscription filters (states, zip,
/// amount) are not re-evaluated against the period's leads, so a narrow filter shows as a provider
/// that received less — read the spread with the filters in mind.
/// </summary>
public sealed class FairnessQueries(NpgsqlDataSource db)
{
    private sealed record Row(
        Guid LevelId, string LevelName, int OrderPosition, Guid? SubscriptionId, Guid? ProviderId, string? Status, long Assignments);

    /// <summary>The report, or null when the niche is not one of the workspace's.</summary>
    public async Task<FairnessReport?> Report(Guid workspaceId, Guid nicheId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition("""
            SELECT l.id AS level_id, l.name AS level_name, l.order_position, s.id AS subscription_id, s.provider_id, s.status,
                   (SELECT count(*) FROM lead_assignments a
                     WHERE a.provider_id = s.provider_id AND a.level_id = l.id AND a.assigned_at >= @from AND a.assigned_at < @to) AS assignments
              FROM niches n
              JOIN competition_levels l ON l.niche_id = n.id
              LEFT JOIN subscriptions s ON s.level_id = l.id
             WHERE n.id = @nicheId AND n.workspace_id = @workspaceId
             ORDER BY l.order_position, s.provider_id
            """, new { workspaceId, nicheId, from, to }, cancellationToken: cancellationToken))).ToList();
        if (rows.Count == 0 && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM niches WHERE id = @nicheId AND workspace_id = @workspaceId)", new { workspaceId, nicheId }, cancellationToken: cancellationToken)))
        {
            return null;
        }
        var levels = rows.GroupBy(r => (r.LevelId, r.LevelName, r.OrderPosition)).Select(level =>
        {
            var providers = level.Where(r => r.SubscriptionId is not null)
                .Select(r => new FairnessProvider(r.ProviderId!.Value, r.SubscriptionId!.Value, r.Status!, r.Assignments, r.Status == "active"))
                .ToList();
            var measures = FairnessMeasures.Of(providers.Where(p => p.CountedAsEligible).Select(p => p.Assignments).ToList());
            return new LevelFairness(level.Key.LevelId, level.Key.LevelName, level.Key.OrderPosition,
                measures.Providers, measures.Assignments, measures.Spread, measures.JainsIndex, providers);
        }).ToList();
        return new FairnessReport(nicheId, from.UtcDateTime, to.UtcDateTime, levels);
    }
}
