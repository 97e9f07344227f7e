using Dapper;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Cluster.Tests.Distribution;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Domain.Distribution;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Controls;

/// <summary>
/// The database guards the caps as it guards the balance: a writer that believes a subscription has
/// room (a stale or duplicate niche activation) cannot take it past its cap or budget, and a niche
/// whose counts were behind decides again and overflows to the next candidate.
/// <see cref="CapsGuardNegativeControlTests"/> removes the guard and shows these checks then fail.
/// </summary>
public sealed class CapsGuardTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_writer_that_believes_there_is_room_cannot_pass_a_cap()
    {
        var setup = await CapsGuardScenario.Start(fixture, new SubscriptionCapsSpec(LeadsPerDay: 2));

        var outcomes = await setup.RecordInTurn(4);

        Assert.Equal(["recorded", "recorded", "cap_reached", "cap_reached"], outcomes);
        Assert.Equal(2, await setup.Assignments());
        Assert.Empty(await CapsConcurrencyTests.OverCap(fixture.Db));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_writer_that_believes_there_is_budget_cannot_pass_a_budget()
    {
        var setup = await CapsGuardScenario.Start(fixture, new SubscriptionCapsSpec(BudgetCentsPerDay: 250));

        var outcomes = await setup.RecordInTurn(3);

        Assert.Equal(["recorded", "recorded", "cap_reached"], outcomes);
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_niche_that_missed_a_lowered_cap_is_refused_and_decides_again_without_it()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 2, 100));
        var capped = await s.Provider(10_000);
        var other = await s.Provider(10_000);
        var cappedSubscription = await s.Subscribe(niche, capped, 1);
        await s.Subscribe(niche, other, 1);
        await s.Controls(niche, cappedSubscription.SubscriptionId, new SubscriptionCapsSpec(LeadsPerDay: 2));
        Assert.Equal(2, (await s.Distribute(await s.Lead(niche))).Result!.Assignments.Count);
        // The cap is lowered where this activation does not see it: another activation of the niche took the change.
        await using (var connection = await fixture.Db.OpenConnectionAsync())
        {
            Assert.True(await connection.QuerySingleAsync<bool>(
                "SELECT set_subscription_controls(@SubscriptionId, @NicheId, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, now())",
                new { cappedSubscription.SubscriptionId, niche.NicheId }));
        }

        var result = (await s.Distribute(await s.Lead(niche))).Result!;

        Assert.Equal(other, Assert.Single(result.Assignments).ProviderId);
        Assert.Contains(result.Skipped, k => k.ProviderId == capped && k.Reason == SkipReasons.CapReached);
        Assert.Empty(await CapsConcurrencyTests.OverCap(fixture.Db));
        await fixture.AssertInvariantsHold();
    }
}

/// <summary>The caps guard of <c>record_distributions</c> taken out: the checks of <see cref="CapsGuardTests"/> then see the damage.</summary>
public sealed class CapsGuardNegativeControlTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Without_the_caps_guard_a_writer_takes_a_subscription_past_its_cap()
    {
        await using var broken = await GuardScenarios.BreakFunction(fixture.Db, "IF v_capped THEN", "IF false THEN");
        var setup = await CapsGuardScenario.Start(fixture, new SubscriptionCapsSpec(LeadsPerDay: 2));

        var outcomes = await setup.RecordInTurn(4);

        Assert.Equal(["recorded", "recorded", "recorded", "recorded"], outcomes);
        Assert.NotEmpty(await CapsConcurrencyTests.OverCap(fixture.Db));
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Contains("I8", await connection.QueryAsync<string>("SELECT invariant FROM check_invariants()"));
    }
}

/// <summary>One capped subscription and a writer sending plans for it straight to the database, one lead after another.</summary>
public sealed class CapsGuardScenario
{
    private readonly ClusterFixture _fixture;
    private Scenario _scenario = null!;
    private NicheView _niche = null!;
    private Guid _provider;
    private SubscriptionView _subscription = null!;

    private CapsGuardScenario(ClusterFixture fixture) => _fixture = fixture;

    public static async Task<CapsGuardScenario> Start(ClusterFixture fixture, SubscriptionCapsSpec caps)
    {
        var setup = new CapsGuardScenario(fixture);
        setup._scenario = await Scenario.Start(fixture.Grains);
        setup._niche = await setup._scenario.Niche(new Level(1, 1, 100));
        setup._provider = await setup._scenario.Provider(10_000);
        setup._subscription = await setup._scenario.Subscribe(setup._niche, setup._provider, 1);
        await setup._scenario.Controls(setup._niche, setup._subscription.SubscriptionId, caps);
        return setup;
    }

    /// <summary>Plans <paramref name="count"/> leads for the capped subscription, each on the niche's version as the database holds it.</summary>
    public async Task<IReadOnlyList<string>> RecordInTurn(int count)
    {
        var writer = new StaleWriter(_fixture.Db);
        var outcomes = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var lead = await _scenario.Lead(_niche);
            await using var connection = await _fixture.Db.OpenConnectionAsync();
            var version = await connection.QuerySingleAsync<long>("SELECT distribution_version FROM niches WHERE id = @NicheId", new { _niche.NicheId });
            var row = await writer.Record(StaleWriter.Plan(lead, _niche, version, start: 1, nextPointer: 1,
                new StaleWriter.Charge(_provider, _subscription.SubscriptionId, LevelId(_niche, 1), 100)));
            outcomes.Add(row.Outcome);
        }
        return outcomes;
    }

    public async Task<long> Assignments()
    {
        await using var connection = await _fixture.Db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<long>("SELECT count(*) FROM lead_assignments WHERE subscription_id = @SubscriptionId", new { _subscription.SubscriptionId });
    }
}
