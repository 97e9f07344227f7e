using LeadGrains.Abstractions.Niches;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Domain.Distribution;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Controls;

/// <summary>
/// The seed scenarios continued with the buyers' controls (S11-S14), on a real cluster and database in
/// virtual time: a capped, over-budget, closed or paused subscription is passed over, the lead goes to
/// the next candidate, and the one passed over is first again once it may take leads.
/// </summary>
public sealed class BuyerControlScenarioTests(VirtualTimeClusterFixture fixture) : IClassFixture<VirtualTimeClusterFixture>
{
    [Fact]
    public async Task S11_a_provider_at_its_daily_cap_is_skipped_and_the_next_candidate_taken()
    {
        var (s, niche, first, firstSubscription, second) = await TwoProviders();
        await s.Controls(niche, firstSubscription, new SubscriptionCapsSpec(LeadsPerDay: 1));

        var served = await Serve(s, niche, 3);

        Assert.Equal([first, second, second], served.Select(r => r.Provider));
        Assert.Equal(SkipReasons.CapReached, Assert.Single(served[2].Skipped));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task S12_a_provider_whose_budget_a_lead_would_pass_is_skipped()
    {
        var (s, niche, first, firstSubscription, second) = await TwoProviders();
        await s.Controls(niche, firstSubscription, new SubscriptionCapsSpec(BudgetCentsPerMonth: 1_500));

        var served = await Serve(s, niche, 3);

        Assert.Equal([first, second, second], served.Select(r => r.Provider));
        Assert.Equal(SkipReasons.BudgetReached, Assert.Single(served[2].Skipped));
        Assert.Equal(100_000 - 1_000, await s.Balance(first));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task S13_a_provider_outside_its_delivery_hours_is_skipped()
    {
        var (s, niche, _, firstSubscription, second) = await TwoProviders();
        // Virtual time runs on a Wednesday (UTC, the providers' zone): Saturdays only is closed now.
        await s.Controls(niche, firstSubscription, null, [new DeliveryWindowSpec("saturday", "00:00", "24:00")]);

        var served = await Serve(s, niche, 1);

        Assert.Equal(second, served[0].Provider);
        Assert.Equal(SkipReasons.OutsideHours, Assert.Single(served[0].Skipped));
    }

    [Fact]
    public async Task S14_a_paused_subscription_gets_nothing_and_is_first_again_when_resumed()
    {
        var (s, niche, first, firstSubscription, second) = await TwoProviders();
        var nicheGrain = fixture.Grains.GetGrain<INicheGrain>(niche.NicheId);
        await nicheGrain.UpdateSubscription(firstSubscription, "paused", null);

        var whilePaused = await Serve(s, niche, 2);
        await nicheGrain.UpdateSubscription(firstSubscription, "active", null);
        var resumed = await Serve(s, niche, 1);

        Assert.Equal([second, second], whilePaused.Select(r => r.Provider));
        Assert.Equal(first, resumed[0].Provider);   // never served: ahead of the one served twice
        await fixture.AssertInvariantsHold();
    }

    private sealed record Served(Guid Provider, IReadOnlyList<string> Skipped);

    /// <summary>One level, one recipient, price 1,000; two providers with 1,000 dollars, the first ahead in ties.</summary>
    private async Task<(Scenario, NicheView, Guid First, Guid FirstSubscription, Guid Second)> TwoProviders()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 1_000));
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid() }.Order().ToArray();
        var first = await s.Provider(100_000, ids[0]);
        var second = await s.Provider(100_000, ids[1]);
        var firstSubscription = await s.Subscribe(niche, first, 1);
        await s.Subscribe(niche, second, 1);
        return (s, niche, first, firstSubscription.SubscriptionId, second);
    }

    private static async Task<IReadOnlyList<Served>> Serve(Scenario s, NicheView niche, int leads)
    {
        var served = new List<Served>();
        for (var i = 0; i < leads; i++)
        {
            var result = (await s.Distribute(await s.Lead(niche))).Result!;
            served.Add(new Served(Assert.Single(result.Assignments).ProviderId, result.Skipped.Select(k => k.Reason).ToList()));
        }
        return served;
    }
}
