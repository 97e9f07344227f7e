using System.Collections.Concurrent;
using Dapper;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Grains.Distribution;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Distribution;

/// <summary>
/// Many leads of one niche in flight at once travel in shared transactions. A lead that breaks its
/// transaction every time fails alone: its neighbours are committed without it, the niche replans
/// the ones whose pointer it had assumed, and the rotation still takes one step per distributed lead.
/// </summary>
public sealed class GroupCommitTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_lead_that_breaks_its_transaction_fails_alone_and_its_neighbours_are_distributed()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 2, 100), new Level(2, 1, 300), new Level(3, 2, 50));
        for (var i = 0; i < 12; i++)
        {
            await s.Subscribe(niche, await s.Provider(1_000_000), 1 + i % 3);
        }
        var leads = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            leads.Add(await s.Lead(niche));
        }
        var poison = leads[7];
        var groups = new ConcurrentBag<(int Size, string Outcome)>();
        using var listener = GroupCommitListener.Start(groups);
        foreach (var (_, interruptions) in fixture.Cluster.OfEverySilo<DistributionInterruptions>())
        {
            interruptions.FailAt(poison, InterruptionPoint.BeforeCommit);
        }

        var outcomes = await Task.WhenAll(leads.Select(async lead =>
        {
            try
            {
                return (lead, (await s.Distribute(lead)).Outcome.ToString());
            }
            catch (DistributionInterruptedException)
            {
                return (lead, "interrupted");
            }
        }));
        foreach (var (_, interruptions) in fixture.Cluster.OfEverySilo<DistributionInterruptions>())
        {
            interruptions.Disarm(poison);
        }

        Assert.Equal("interrupted", outcomes.Single(o => o.lead == poison).Item2);
        Assert.Contains(groups, g => g.Size > 1);                                        // leads did share transactions
        Assert.Contains(groups, g => g.Outcome == "failed");                             // the poisoned one's transaction failed ...
        // ... and the 39 others committed (plans refused as stale, and replanned, count once per try).
        Assert.True(groups.Where(g => g.Outcome == "committed").Sum(g => g.Size) >= 39);
        Assert.All(outcomes.Where(o => o.lead != poison), o => Assert.Equal(nameof(DistributeOutcome.Completed), o.Item2));
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal(0, await connection.QuerySingleAsync<long>("SELECT count(*) FROM lead_assignments WHERE lead_id = @poison", new { poison }));
        Assert.Equal(LeadStatus.Approved, await connection.QuerySingleAsync<string>("SELECT status FROM leads WHERE id = @poison", new { poison }));
        await DistributionInvariants.AssertNoLeadLeftApproved(fixture.Db, leads.Where(l => l != poison));
        await DistributionInvariants.AssertRotationCycles(fixture.Db, niche.NicheId);
        await fixture.AssertInvariantsHold();

        var retried = await s.Distribute(poison);
        Assert.Equal(DistributeOutcome.Completed, retried.Outcome);
        Assert.Equal(5, retried.Result!.Assignments.Count);
        await DistributionInvariants.AssertRotationCycles(fixture.Db, niche.NicheId);
    }
}
