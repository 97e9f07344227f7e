using Dapper;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Abstractions.Returns;
using LeadGrains.Cluster.Tests.Infrastructure;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Distribution;

/// <summary>The ten integration scenarios of seeds/001 phase 15, on a real cluster and database, and an eleventh: a refund.</summary>
public sealed class SeedScenarioTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task S01_an_approved_lead_is_assigned_and_the_provider_charged()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 2500));
        var provider = await s.Provider(10_000);
        await s.Subscribe(niche, provider, 1);
        var lead = await s.Lead(niche);

        var distributed = await s.Distribute(lead);

        Assert.Equal(DistributeOutcome.Completed, distributed.Outcome);
        Assert.Equal(LeadStatus.Distributed, distributed.Status);
        var assignment = Assert.Single(distributed.Result!.Assignments);
        Assert.Equal(provider, assignment.ProviderId);
        Assert.Equal(2500, assignment.PriceCents);
        Assert.Equal(7_500, await s.Balance(provider));
        await using var connection = await fixture.Db.OpenConnectionAsync();
        // The assignment is its charge: its price and the balance right after it, and no ledger row besides.
        Assert.Equal((2500L, 7_500L), await connection.QuerySingleAsync<(long, long)>(
            "SELECT price_cents, balance_after_cents FROM lead_assignments WHERE id = @AssignmentId", new { assignment.AssignmentId }));
        Assert.Equal(0, await connection.QuerySingleAsync<long>(
            "SELECT count(*) FROM ledger_entries WHERE assignment_id = @AssignmentId OR lead_id = @lead", new { assignment.AssignmentId, lead }));
        Assert.Equal(1, await connection.QuerySingleAsync<long>(
            "SELECT count(*) FROM distribution_runs WHERE id = @RunId AND lead_id = @lead AND assignment_ids = ARRAY[@AssignmentId]",
            new { lead, distributed.Result.RunId, assignment.AssignmentId }));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task S02_three_levels_each_fill_up_to_their_max_recipients()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 2, 3000), new Level(2, 1, 2000), new Level(3, 3, 1000));
        var byLevel = new Dictionary<int, List<Guid>>();
        foreach (var position in new[] { 1, 2, 3 })
        {
            byLevel[position] = [];
            for (var i = 0; i < 4; i++)
            {
                var provider = await s.Provider(10_000);
                await s.Subscribe(niche, provider, position);
                byLevel[position].Add(provider);
            }
        }
        var lead = await s.Lead(niche);

        var result = (await s.Distribute(lead)).Result!;

        Assert.Equal("success", result.Status);
        Assert.Equal([1, 2, 3], result.Traversal);
        Assert.Equal(2, result.Assignments.Count(a => a.LevelId == LevelId(niche, 1)));
        Assert.Equal(1, result.Assignments.Count(a => a.LevelId == LevelId(niche, 2)));
        Assert.Equal(3, result.Assignments.Count(a => a.LevelId == LevelId(niche, 3)));
        Assert.All(result.Assignments, a => Assert.Contains(a.ProviderId, byLevel[niche.Levels.Single(l => l.LevelId == a.LevelId).OrderPosition]));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task S03_the_start_level_rotates_one_step_per_lead_and_wraps()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100), new Level(2, 1, 100), new Level(3, 1, 100));
        foreach (var position in new[] { 1, 2, 3 })
        {
            await s.Subscribe(niche, await s.Provider(100_000), position);
        }

        var starts = new List<int>();
        var traversals = new List<IReadOnlyList<int>>();
        for (var i = 0; i < 5; i++)
        {
            var result = (await s.Distribute(await s.Lead(niche))).Result!;
            starts.Add(result.StartLevelOrderPosition);
            traversals.Add(result.Traversal);
        }

        Assert.Equal([1, 2, 3, 1, 2], starts);
        Assert.Equal([2, 3, 1], traversals[1]);
        Assert.Equal([3, 1, 2], traversals[2]);
        Assert.Equal(3, (await fixture.Grains.GetGrain<LeadGrains.Abstractions.Niches.INicheGrain>(niche.NicheId).Get())!.NextStartLevelOrderPosition);
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task S04_a_provider_short_of_funds_is_skipped_and_the_next_candidate_taken()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 5000));
        var poor = await s.Provider(1000, OrderedId(1));
        var rich = await s.Provider(10_000, OrderedId(2));
        await s.Subscribe(niche, poor, 1);
        await s.Subscribe(niche, rich, 1);

        var result = (await s.Distribute(await s.Lead(niche))).Result!;

        Assert.Equal(rich, Assert.Single(result.Assignments).ProviderId);
        var skip = Assert.Single(result.Skipped);
        Assert.Equal((poor, "insufficient_balance"), (skip.ProviderId, skip.Reason));
        Assert.Equal(1000, await s.Balance(poor));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task S05_a_provider_in_two_levels_receives_the_lead_once()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 1000), new Level(2, 1, 1000));
        var both = await s.Provider(10_000, OrderedId(1));
        var second = await s.Provider(10_000, OrderedId(2));
        await s.Subscribe(niche, both, 1);
        await s.Subscribe(niche, both, 2);
        await s.Subscribe(niche, second, 2);

        var result = (await s.Distribute(await s.Lead(niche))).Result!;

        Assert.Equal(2, result.Assignments.Count);
        Assert.Single(result.Assignments, a => a.ProviderId == both);
        Assert.Equal(second, result.Assignments.Single(a => a.LevelId == LevelId(niche, 2)).ProviderId);
        Assert.Equal(9_000, await s.Balance(both));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task S06_a_manual_trigger_distributes_an_approved_lead_and_refuses_others()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 1000));
        await s.Subscribe(niche, await s.Provider(10_000), 1);
        var pending = await s.Lead(niche, approve: false);
        var approved = await s.Lead(niche);

        Assert.Equal(DistributeOutcome.NotDistributable, (await s.Distribute(pending)).Outcome);
        Assert.Equal(DistributeOutcome.NotFound, (await s.Distribute(Guid.NewGuid())).Outcome);
        var manual = await fixture.Grains.GetGrain<ILeadGrain>(approved).Distribute("admin:alice");

        Assert.Equal(DistributeOutcome.Completed, manual.Outcome);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal("admin:alice", await connection.QuerySingleAsync<string>(
            "SELECT actor FROM distribution_runs WHERE lead_id = @approved AND status <> 'failed'", new { approved }));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task S07_the_status_reflects_the_outcome()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 2, 1000));
        var provider = await s.Provider(10_000);
        await s.Subscribe(niche, provider, 1);
        var lead = await s.Lead(niche);
        var grain = fixture.Grains.GetGrain<ILeadGrain>(lead);
        Assert.Null(await grain.GetDistributionResult());

        var result = (await s.Distribute(lead)).Result!;

        var view = (await grain.Get())!;
        Assert.Equal(LeadStatus.Distributed, view.Status);
        Assert.Equal(1, view.DistributionAttempts);
        Assert.NotNull(view.DistributedAt);
        var stored = (await grain.GetDistributionResult())!;
        Assert.Equal(result.RunId, stored.RunId);
        Assert.Equal("success", stored.Status);
        Assert.Equal(result.Assignments, stored.Assignments);
        Assert.Equal(result.StartLevelOrderPosition, stored.StartLevelOrderPosition);
    }

    [Fact]
    public async Task S08_zero_eligible_providers_is_no_eligible_and_charges_nobody()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 1000));
        var provider = await s.Provider(10_000);
        await s.Subscribe(niche, provider, 1, new() { States = ["CA"] });

        var distributed = await s.Distribute(await s.Lead(niche, state: "TX"));

        Assert.Equal(LeadStatus.NoEligible, distributed.Status);
        Assert.Equal("no_eligible", distributed.Result!.Status);
        Assert.Empty(distributed.Result.Assignments);
        Assert.Equal(10_000, await s.Balance(provider));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task S09_when_every_provider_is_short_of_funds_nothing_is_assigned()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 2, 5000), new Level(2, 1, 5000));
        var providers = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var provider = await s.Provider(4999);
            await s.Subscribe(niche, provider, 1 + i % 2);
            providers.Add(provider);
        }

        var distributed = await s.Distribute(await s.Lead(niche));

        Assert.Equal(LeadStatus.NoEligible, distributed.Status);
        Assert.Empty(distributed.Result!.Assignments);
        Assert.Equal(3, distributed.Result.Skipped.Count(k => k.Reason == "insufficient_balance"));
        foreach (var provider in providers)
        {
            Assert.Equal(4999, await s.Balance(provider));
        }
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task S10_distributing_the_same_lead_twice_charges_once()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 2, 1000));
        var a = await s.Provider(10_000);
        var b = await s.Provider(10_000);
        await s.Subscribe(niche, a, 1);
        await s.Subscribe(niche, b, 1);
        var lead = await s.Lead(niche);

        var calls = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => s.Distribute(lead)));
        var again = await s.Distribute(lead);

        Assert.Single(calls, c => c.Outcome == DistributeOutcome.Completed);
        Assert.Equal(DistributeOutcome.AlreadyCompleted, again.Outcome);
        Assert.Equal(calls.Single(c => c.Outcome == DistributeOutcome.Completed).Result!.RunId, again.Result!.RunId);
        Assert.Equal(9_000, await s.Balance(a));
        Assert.Equal(9_000, await s.Balance(b));
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal(2, await connection.QuerySingleAsync<long>("SELECT count(*) FROM lead_assignments WHERE lead_id = @lead", new { lead }));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task S11_a_returned_lead_is_refunded_and_the_refund_buys_the_next_lead()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 5000));
        var buyer = await s.Provider(5000, OrderedId(1));
        var other = await s.Provider(10_000, OrderedId(2));
        await s.Subscribe(niche, buyer, 1);
        await s.Subscribe(niche, other, 1);
        var bought = Assert.Single((await s.Distribute(await s.Lead(niche))).Result!.Assignments);
        Assert.Equal(buyer, bought.ProviderId);

        var provider = fixture.Grains.GetGrain<IProviderGrain>(buyer);
        var returned = await provider.RequestReturn(new ReturnRequestCommand(bought.AssignmentId, "wrong_contact", null, "provider:buyer"));
        var approved = await provider.DecideReturn(new ReturnDecisionCommand(returned.Return!.ReturnId, true, null, "admin:test"));

        Assert.Equal(ReturnDecisionOutcome.Approved, approved.Outcome);
        Assert.Equal(5000, await s.Balance(buyer));
        // The other provider is served next (least recently served), then the refunded buyer again.
        Assert.Equal(other, Assert.Single((await s.Distribute(await s.Lead(niche))).Result!.Assignments).ProviderId);
        Assert.Equal(buyer, Assert.Single((await s.Distribute(await s.Lead(niche))).Result!.Assignments).ProviderId);
        Assert.Equal(0, await s.Balance(buyer));
        await fixture.AssertInvariantsHold();
    }

    /// <summary>Ids whose uuid order is their number, to control the provider-id tie-break.</summary>
    public static Guid OrderedId(int n) => Guid.Parse($"{n:x8}-0000-4000-8000-{Guid.NewGuid().ToString("N")[..12]}");
}
