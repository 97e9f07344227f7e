using Dapper;
using LeadGrains.Abstractions.Niches;
using Npgsql;

namespace LeadGrains.Grains.Jobs;

/// <summary>
/// The backstop of rule 4: reactivates subscriptions paused for insufficient balance whose provider
/// can pay again (a deposit normally does this at once), and tells their niches.
/// </summary>
public sealed class SubscriptionReactivationJob(NpgsqlDataSource db, IGrainFactory grains) : IScheduledJob
{
    public string Name => "subscription-reactivation";

    public TimeSpan Period => TimeSpan.FromMinutes(5);

    public async Task<string> Run(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var reactivated = (await connection.QueryAsync<(Guid Id, Guid NicheId)>(new CommandDefinition("""
            UPDATE subscriptions s SET status = 'active'
              FROM providers p, competition_levels l
             WHERE s.status = 'paused_insufficient_balance' AND p.id = s.provider_id AND l.id = s.level_id
               AND p.status = 'active' AND p.balance_cents >= l.price_cents
            RETURNING s.id, s.niche_id
            """, cancellationToken: cancellationToken))).ToList();
        foreach (var niche in reactivated.GroupBy(s => s.NicheId))
        {
            await grains.GetGrain<INicheGrain>(niche.Key).RefreshSubscriptions(niche.Select(s => s.Id).ToList());
        }
        return $"reactivated {reactivated.Count} subscription(s)";
    }
}
