using LeadGrains.Abstractions.Niches;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Cluster.Tests.Infrastructure;
using static LeadGrains.Cluster.Tests.Distribution.SeedScenarioTests;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Distribution;

public sealed class FairnessTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Never_served_subscriptions_come_first_and_ties_go_to_the_lower_provider_id()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var third = await s.Provider(10_000, OrderedId(3));
        var first = await s.Provider(10_000, OrderedId(1));
        var second = await s.Provider(10_000, OrderedId(2));
        foreach (var provider in new[] { third, first, second })
        {
            await s.Subscribe(niche, provider, 1);
        }

        var winners = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            winners.Add(Assert.Single((await s.Distribute(await s.Lead(niche))).Result!.Assignments).ProviderId);
        }

        // All never served: id order. Then each has been served once: least recently served first.
        Assert.Equal([first, second, third, first, second, third], winners);
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_new_subscription_is_served_before_those_that_received_leads()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var veteran = await s.Provider(10_000, OrderedId(1));
        await s.Subscribe(niche, veteran, 1);
        await s.Distribute(await s.Lead(niche));
        var newcomer = await s.Provider(10_000, OrderedId(9));
        await s.Subscribe(niche, newcomer, 1);

        var result = (await s.Distribute(await s.Lead(niche))).Result!;

        Assert.Equal(newcomer, Assert.Single(result.Assignments).ProviderId);
    }

    [Fact]
    public async Task An_inactive_level_is_skipped_by_rotation_and_traversal()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100), new Level(2, 1, 100, IsActive: false), new Level(3, 1, 100));
        var inInactive = await s.Provider(10_000);
        await s.Subscribe(niche, inInactive, 2);
        await s.Subscribe(niche, await s.Provider(10_000), 1);
        await s.Subscribe(niche, await s.Provider(10_000), 3);

        var results = new List<LeadGrains.Abstractions.Distribution.DistributionResult>();
        for (var i = 0; i < 3; i++)
        {
            results.Add((await s.Distribute(await s.Lead(niche))).Result!);
        }

        Assert.Equal([1, 3, 1], results.Select(r => r.StartLevelOrderPosition));
        Assert.Equal([3, 1], results[1].Traversal);
        Assert.DoesNotContain(results.SelectMany(r => r.Assignments), a => a.ProviderId == inInactive);

        await fixture.Grains.GetGrain<INicheGrain>(niche.NicheId).UpdateLevel(LevelId(niche, 2), new LevelUpdate(null, null, null, true));
        var afterReactivation = (await s.Distribute(await s.Lead(niche))).Result!;
        Assert.Equal(3, afterReactivation.StartLevelOrderPosition);
        Assert.Equal([3, 1, 2], afterReactivation.Traversal);
        Assert.Contains(afterReactivation.Assignments, a => a.ProviderId == inInactive);
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_subscription_is_paused_when_funds_run_out_and_reactivated_by_a_deposit()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 1000));
        var provider = await s.Provider(1500);
        var subscription = await s.Subscribe(niche, provider, 1);

        var first = (await s.Distribute(await s.Lead(niche))).Result!;
        Assert.Equal(provider, Assert.Single(first.Assignments).ProviderId);
        Assert.Equal("paused_insufficient_balance", await SubscriptionStatus(subscription.SubscriptionId));

        var whilePaused = (await s.Distribute(await s.Lead(niche))).Result!;
        Assert.Empty(whilePaused.Assignments);
        Assert.Equal("no_eligible", whilePaused.Status);

        var deposit = await fixture.Grains.GetGrain<IProviderGrain>(provider).Deposit(new DepositCommand(2000, "top-up", "wire 42"));
        Assert.Equal((DepositOutcome.Deposited, 2500L), (deposit.Outcome, deposit.BalanceCents));
        Assert.Equal("active", await SubscriptionStatus(subscription.SubscriptionId));

        // The niche learns of the reactivation through a one-way notification.
        var afterDeposit = await WaitFor(async () => (await s.Distribute(await s.Lead(niche))).Result!, r => r.Assignments.Count == 1);
        Assert.Equal(provider, afterDeposit.Assignments[0].ProviderId);
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_manually_paused_subscription_is_not_served_until_resumed()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var paused = await s.Provider(10_000, OrderedId(1));
        var other = await s.Provider(10_000, OrderedId(2));
        var subscription = await s.Subscribe(niche, paused, 1);
        await s.Subscribe(niche, other, 1);
        var nicheGrain = fixture.Grains.GetGrain<INicheGrain>(niche.NicheId);

        await nicheGrain.UpdateSubscription(subscription.SubscriptionId, "paused", null);
        var whilePaused = (await s.Distribute(await s.Lead(niche))).Result!;
        await nicheGrain.UpdateSubscription(subscription.SubscriptionId, "active", null);
        var resumed = (await s.Distribute(await s.Lead(niche))).Result!;

        Assert.Equal(other, Assert.Single(whilePaused.Assignments).ProviderId);
        Assert.Equal(paused, Assert.Single(resumed.Assignments).ProviderId);
    }

    [Fact]
    public async Task A_filter_that_throws_skips_with_eligibility_error_instead_of_failing()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var strict = await s.Provider(10_000, OrderedId(1));
        var open = await s.Provider(10_000, OrderedId(2));
        await s.Subscribe(niche, strict, 1, new SubscriptionFilters { NumericRanges = [new NumericRange("home_value", 100_000, null)] });
        await s.Subscribe(niche, open, 1);

        var result = (await s.Distribute(await s.Lead(niche, extra: new Dictionary<string, string> { ["home_value"] = "a lot" }))).Result!;

        Assert.Equal(open, Assert.Single(result.Assignments).ProviderId);
        var skip = Assert.Single(result.Skipped);
        Assert.Equal((strict, "eligibility_error"), (skip.ProviderId, skip.Reason));
    }

    [Fact]
    public async Task State_and_zip_filters_select_matching_leads_only()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 2, 100));
        var texasDallas = await s.Provider(10_000);
        var california = await s.Provider(10_000);
        await s.Subscribe(niche, texasDallas, 1, new SubscriptionFilters { States = ["TX"], ZipPrefixes = ["752"] });
        await s.Subscribe(niche, california, 1, new SubscriptionFilters { States = ["CA"] });

        var dallas = (await s.Distribute(await s.Lead(niche, state: "TX", zip: "75201"))).Result!;
        var houston = (await s.Distribute(await s.Lead(niche, state: "TX", zip: "77001"))).Result!;
        var la = (await s.Distribute(await s.Lead(niche, state: "CA", zip: "90001"))).Result!;

        Assert.Equal(texasDallas, Assert.Single(dallas.Assignments).ProviderId);
        Assert.Empty(houston.Assignments);
        Assert.Equal(california, Assert.Single(la.Assignments).ProviderId);
    }

    private async Task<string> SubscriptionStatus(Guid subscriptionId)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT status FROM subscriptions WHERE id = '{subscriptionId}'";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Repeats an action until its result satisfies the condition (bounded), for one-way notifications.</summary>
    private static async Task<T> WaitFor<T>(Func<Task<T>> action, Func<T, bool> done)
    {
        for (var i = 0; ; i++)
        {
            var result = await action();
            if (done(result) || i == 20)
            {
                return result;
            }
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task When_more_top_candidates_cannot_pay_than_the_niche_sent_the_database_asks_for_the_rest()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 1000));
        var poor = new List<Guid>();
        for (var i = 1; i <= 20; i++)
        {
            poor.Add(await s.Provider(500, OrderedId(i)));     // never served, so ahead of the rich one by id
            await s.Subscribe(niche, poor[^1], 1);
        }
        var rich = await s.Provider(10_000, OrderedId(21));
        await s.Subscribe(niche, rich, 1);

        var result = (await s.Distribute(await s.Lead(niche))).Result!;

        Assert.Equal(rich, Assert.Single(result.Assignments).ProviderId);
        Assert.Equal(poor, result.Skipped.Select(x => x.ProviderId));
        Assert.All(result.Skipped, x => Assert.Equal("insufficient_balance", x.Reason));
        await fixture.AssertInvariantsHold();
    }
}
