using Dapper;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Data;
using LeadGrains.Domain.Distribution;
using Npgsql;

namespace LeadGrains.Cluster.Tests.Controls;

/// <summary>
/// Caps are hard: 200 leads distributed at once across niches whose subscriptions have small daily
/// caps and budgets, in providers of four time zones, never take a subscription past one; the
/// capped ones are skipped and the leads overflow to the next candidates.
/// </summary>
public sealed class CapsConcurrencyTests(VirtualTimeClusterFixture fixture) : IClassFixture<VirtualTimeClusterFixture>
{
    private static readonly string[] Zones = ["America/New_York", "Asia/Kolkata", "UTC", "Pacific/Auckland"];

    [Fact]
    public async Task Two_hundred_concurrent_leads_never_take_a_subscription_past_its_daily_cap_or_budget()
    {
        var random = new Random(15);
        var s = await Scenario.Start(fixture.Grains);
        var niches = new List<NicheView>();
        for (var n = 0; n < 10; n++)
        {
            niches.Add(await s.Niche(new Scenario.Level(1, 2, 300), new Scenario.Level(2, 1, 500)));
        }
        var providers = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            var provider = await s.Provider(1_000_000);
            await s.TimeZone(provider, Zones[i % Zones.Length]);
            providers.Add(provider);
        }
        foreach (var niche in niches)
        {
            foreach (var provider in providers)
            {
                var subscription = await s.Subscribe(niche, provider, random.Next(1, 3));
                var caps = random.Next(4) switch
                {
                    0 => new SubscriptionCapsSpec(LeadsPerDay: random.Next(1, 3)),
                    1 => new SubscriptionCapsSpec(BudgetCentsPerDay: random.Next(3, 12) * 100L),
                    2 => new SubscriptionCapsSpec(LeadsPerDay: random.Next(1, 4), BudgetCentsPerDay: random.Next(5, 15) * 100L),
                    _ => null,
                };
                if (caps is not null)
                {
                    await s.Controls(niche, subscription.SubscriptionId, caps);
                }
            }
        }
        var leads = new List<Guid>();
        for (var i = 0; i < 200; i++)
        {
            leads.Add(await s.Lead(niches[i % niches.Count]));
        }

        var results = await Task.WhenAll(leads.Select(lead => fixture.Grains.GetGrain<ILeadGrain>(lead).Distribute("load")));

        Assert.All(results, r => Assert.Equal(DistributeOutcome.Completed, r.Outcome));
        var skips = results.SelectMany(r => r.Result!.Skipped).Select(k => k.Reason).ToHashSet();
        Assert.Contains(SkipReasons.CapReached, skips);      // the caps did bind ...
        Assert.Contains(SkipReasons.BudgetReached, skips);
        Assert.Empty(await OverCap(fixture.Db));             // ... and none was passed
        await fixture.AssertInvariantsHold();                // I1-I4 and I8
        await DistributionInvariants.AssertNoLeadLeftApproved(fixture.Db, leads);
    }

    /// <summary>
    /// Counted from the assignments alone, not from the engine's counters: every subscription's leads
    /// and spend per local day of its provider against its daily caps.
    /// </summary>
    public static async Task<IReadOnlyList<string>> OverCap(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        return (await connection.QueryAsync<string>("""
            SELECT format('%s on %s: %s leads, %s cents (caps %s, %s)', s.id, (a.assigned_at AT TIME ZONE p.time_zone)::date,
                          count(*), sum(a.price_cents), s.leads_per_day, s.budget_cents_per_day)
              FROM lead_assignments a
              JOIN subscriptions s ON s.id = a.subscription_id
              JOIN providers p ON p.id = s.provider_id
             GROUP BY s.id, s.leads_per_day, s.budget_cents_per_day, (a.assigned_at AT TIME ZONE p.time_zone)::date
            HAVING count(*) > coalesce(s.leads_per_day, 2147483647) OR sum(a.price_cents) > coalesce(s.budget_cents_per_day, 9223372036854775807)
            """)).ToList();
    }
}
