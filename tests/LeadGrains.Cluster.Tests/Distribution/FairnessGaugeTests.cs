using LeadGrains.Abstractions.Niches;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Grains.Operations;
using Orleans.TestingHost;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Distribution;

/// <summary>Virtual business time, and fairness measured over 10-minute windows once a level has 4 assignments.</summary>
public sealed class FairnessClusterFixture : ClusterFixture
{
    protected override void Configure(TestClusterBuilder builder)
    {
        builder.Properties[VirtualTime.SettingKey] = "true";
        builder.Properties[VirtualTime.StartKey] = DateTimeOffset.UtcNow.ToString("O");
        builder.Properties["LeadGrains:Operations:FairnessWindow"] = "00:10:00";
        builder.Properties["LeadGrains:Operations:FairnessMinAssignments"] = "4";
    }
}

/// <summary>
/// Niche grains count their assignments per subscription over a window and report each level's
/// Jain's index to the silo's fairness gauge, which the fairness alert reads.
/// </summary>
public sealed class FairnessGaugeTests(FairnessClusterFixture fixture) : IClassFixture<FairnessClusterFixture>
{
    [Fact]
    public async Task A_level_shared_evenly_measures_near_1_and_one_whose_leads_all_go_to_one_subscription_measures_1_over_n()
    {
        var s = await Scenario.Start(fixture.Grains);
        var fair = await s.Niche(new Level(1, 1, 100));
        var skewed = await s.Niche(new Level(1, 1, 100));
        for (var i = 0; i < 2; i++)
        {
            await s.Subscribe(fair, await s.Provider(10_000), 1);
        }
        // A filter that takes no lead of this test: the other subscription receives all of them.
        await s.Subscribe(skewed, await s.Provider(10_000), 1, new SubscriptionFilters { States = ["AK"] });
        await s.Subscribe(skewed, await s.Provider(10_000), 1);

        for (var i = 0; i < 4; i++)
        {
            await s.Distribute(await s.Lead(fair));
            await s.Distribute(await s.Lead(skewed));
        }
        Assert.All(Gauges(), g => Assert.Null(g.LowestJainsIndex));   // the window is still open

        fixture.Cluster.Advance(TimeSpan.FromMinutes(10));
        await s.Distribute(await s.Lead(fair));
        Assert.Equal(25.0 / 26.0, Assert.Single(Gauges(), g => g.LowestJainsIndex is not null).LowestJainsIndex!.Value, 6);   // 3 and 2 leads

        await s.Distribute(await s.Lead(skewed));
        Assert.Equal(0.5, Gauges().Min(g => g.LowestJainsIndex ?? 1), 6);   // 5 and 0 leads: 1/n with n = 2

        // A measure holds for two windows, then drops out.
        fixture.Cluster.Advance(TimeSpan.FromMinutes(21));
        Assert.All(Gauges(), g => Assert.Null(g.LowestJainsIndex));
    }

    private IEnumerable<FairnessGauge> Gauges() => fixture.Cluster.OfEverySilo<FairnessGauge>().Select(x => x.Service);
}
