using LeadGrains.Abstractions.Leads;
using LeadGrains.Cluster.Tests.Infrastructure;
using Orleans.Runtime;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Distribution;

/// <summary>
/// A lead grain whose lead was distributed deactivates: at thousands of leads a second, activations
/// kept until the idle timeout would fill the silo's memory with leads that are done.
/// </summary>
public sealed class DistributedLeadDeactivationTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_distributed_lead_leaves_memory_and_an_undistributed_one_stays()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        await s.Subscribe(niche, await s.Provider(10_000), 1);
        var distributed = await s.Lead(niche);
        var waiting = await s.Lead(niche, approve: false);
        Assert.Equal(DistributeOutcome.Completed, (await s.Distribute(distributed)).Outcome);
        Assert.Equal(LeadStatus.Pending, (await fixture.Grains.GetGrain<ILeadGrain>(waiting).Get())!.Status);

        var active = await ActiveLeads();
        for (var polls = 0; active.Contains(distributed) && polls < 50; polls++)
        {
            await Task.Delay(100);
            active = await ActiveLeads();
        }

        Assert.DoesNotContain(distributed, active);
        Assert.Contains(waiting, active);
        // Activated again on demand, it reads its row: nothing it knew is lost.
        Assert.Equal(LeadStatus.Distributed, (await fixture.Grains.GetGrain<ILeadGrain>(distributed).Get())!.Status);
    }

    private async Task<HashSet<Guid>> ActiveLeads()
    {
        var statistics = await fixture.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics
            .Where(a => a.GrainType.Contains("LeadGrain", StringComparison.Ordinal) && a.GrainId.TryGetGuidKey(out _, out var extension) && extension is null)
            .Select(a => a.GrainId.GetGuidKey())
            .ToHashSet();
    }
}
