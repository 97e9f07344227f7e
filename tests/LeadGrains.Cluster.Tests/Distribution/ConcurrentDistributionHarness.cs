using Dapper;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Data;

namespace LeadGrains.Cluster.Tests.Distribution;

/// <summary>
/// 200 leads distributed at once, in one niche or spread over twenty, while a second writer deposits
/// to the same providers straight through the database — what a duplicate provider activation during a
/// membership change would do. Returns what the checks found, so a test can demand "nothing" from the
/// real code and "something" from a deliberately broken variant.
/// </summary>
public sealed class ConcurrentDistributionHarness(ClusterFixture fixture)
{
    public sealed record Findings(IReadOnlyList<InvariantViolation> MoneyViolations, IReadOnlyList<Guid> Leads, IReadOnlyList<NicheView> Niches, Scenario Scenario);

    public async Task<Findings> Run(int nicheCount, int leadCount = 200, int providerCount = 30, long balanceCents = 1_000_000)
    {
        var s = await Scenario.Start(fixture.Grains);
        var random = new Random(nicheCount * 1000 + leadCount);
        var niches = new List<NicheView>();
        for (var n = 0; n < nicheCount; n++)
        {
            niches.Add(await s.Niche(new Scenario.Level(1, 2, 300), new Scenario.Level(2, 1, 500), new Scenario.Level(3, 2, 100)));
        }
        var providers = new List<Guid>();
        for (var i = 0; i < providerCount; i++)
        {
            providers.Add(await s.Provider(balanceCents));
        }
        foreach (var niche in niches)
        {
            // Every provider in one or two levels of every niche: shared providers make the niches contend.
            foreach (var provider in providers)
            {
                var first = random.Next(1, 4);
                await s.Subscribe(niche, provider, first);
                if (random.NextDouble() < 0.3)
                {
                    await s.Subscribe(niche, provider, first % 3 + 1);
                }
            }
        }
        var leads = new List<Guid>();
        for (var i = 0; i < leadCount; i++)
        {
            leads.Add(await s.Lead(niches[i % nicheCount]));
        }

        using var stopDeposits = new CancellationTokenSource();
        var sideDeposits = DepositBehindTheGrains(providers, stopDeposits.Token);
        var results = await Task.WhenAll(leads.Select(lead => fixture.Grains.GetGrain<ILeadGrain>(lead).Distribute("load")));
        await stopDeposits.CancelAsync();
        await sideDeposits;

        Assert.All(results, r => Assert.Equal(DistributeOutcome.Completed, r.Outcome));
        return new Findings(await InvariantChecker.Check(fixture.Db), leads, niches, s);
    }

    private async Task DepositBehindTheGrains(IReadOnlyList<Guid> providers, CancellationToken stop)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            await connection.ExecuteAsync(
                "SELECT * FROM deposit_funds(gen_random_uuid(), @provider, 100, @key, 'side', NULL, now(), 'test')",
                new { provider = providers[n % providers.Count], key = $"side-{n}" });
        }
    }
}
