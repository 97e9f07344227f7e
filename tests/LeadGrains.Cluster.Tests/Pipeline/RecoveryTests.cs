using Dapper;
using LeadGrains.Abstractions.Distribution;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Grains.Distribution;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Pipeline;

/// <summary>A silo dies between approval and distribution: once the attempt's lease runs out, another silo's sweep distributes the lead.</summary>
public sealed class SiloLossRecoveryTests(PipelineClusterFixture fixture) : IClassFixture<PipelineClusterFixture>
{
    [Fact]
    public async Task A_lead_whose_silo_died_after_approval_is_distributed_by_another_silo()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 2, 100));
        await s.Subscribe(niche, await s.Provider(1000), 1);
        await s.Subscribe(niche, await s.Provider(1000), 1);
        var lead = await s.Lead(niche, approve: false);
        var holds = fixture.Cluster.OfEverySilo<DistributionInterruptions>().Select(x => (x.Silo, Reached: x.Service.HoldAt(lead, InterruptionPoint.BeforeAttempt))).ToList();

        var approved = await fixture.Grains.GetGrain<ILeadGrain>(lead).Approve("test");
        await Task.WhenAny(holds.Select(h => h.Reached));
        var dying = holds.Single(h => h.Reached.IsCompleted).Silo;
        await fixture.Cluster.KillSiloAsync(dying);
        foreach (var (_, interruptions) in fixture.Cluster.OfEverySilo<DistributionInterruptions>())
        {
            interruptions.Disarm(lead);
        }
        await fixture.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);

        Assert.True(approved.DistributionQueued);
        Assert.DoesNotContain(lead, await fixture.Sweep());         // its lease still holds
        fixture.Cluster.Advance(TimeSpan.FromSeconds(31));          // the default lease is 30 s
        await Eventually.True(async () => (await fixture.Sweep()).Count >= 0 && await fixture.LeadStatus(lead) == LeadStatus.Distributed,
            "a surviving silo distributed the lead");

        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal(2, await connection.QuerySingleAsync<long>("SELECT count(*) FROM lead_assignments WHERE lead_id = @lead", new { lead }));
        await fixture.AssertInvariantsHold();
    }
}

/// <summary>
/// A worker that paused past its lease while another took the lead over writes nothing late: the
/// lead's row, locked and checked in the distribution's own transaction, is the fence.
/// </summary>
public sealed class LeaseFencingTests(PipelineClusterFixture fixture) : IClassFixture<PipelineClusterFixture>
{
    [Fact]
    public async Task A_worker_paused_past_its_lease_writes_nothing_once_another_distributed_the_lead()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 3, 100));
        for (var i = 0; i < 4; i++)
        {
            await s.Subscribe(niche, await s.Provider(1000), 1);
        }
        var lead = await s.Lead(niche, approve: false);
        var holds = fixture.Cluster.OfEverySilo<DistributionInterruptions>().Select(x => x.Service.HoldAt(lead, InterruptionPoint.BeforeAttempt)).ToList();
        await fixture.Grains.GetGrain<ILeadGrain>(lead).Approve("test");
        await Task.WhenAny(holds);

        // Meanwhile another worker (a duplicate activation after the lease ran out) distributes the lead.
        var takeover = await fixture.Grains.GetGrain<INicheGrain>(niche.NicheId).Distribute(
            new DistributionRequest(lead, s.WorkspaceId, "TX", null, null, new Dictionary<string, string>(), "takeover"));
        Assert.Equal(NicheDistributionOutcome.Recorded, takeover.Outcome);
        Assert.Equal(3, takeover.Result!.Assignments.Count);

        foreach (var (_, interruptions) in fixture.Cluster.OfEverySilo<DistributionInterruptions>())
        {
            interruptions.Release(lead);
        }
        // The lead grain's turns are serial: this answers once the stale worker's attempt is over.
        Assert.Equal(LeadStatus.Distributed, (await fixture.Grains.GetGrain<ILeadGrain>(lead).Get())!.Status);

        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal(3, await connection.QuerySingleAsync<long>("SELECT count(*) FROM lead_assignments WHERE lead_id = @lead", new { lead }));
        Assert.Equal(1, await connection.QuerySingleAsync<long>("SELECT count(*) FROM distribution_runs WHERE lead_id = @lead", new { lead }));
        Assert.Equal(0, await connection.QuerySingleAsync<long>(
            "SELECT count(*) FROM audit_log WHERE lead_id = @lead AND action = 'distribution.failed'", new { lead }));
        Assert.Equal(4_000 - 300, await connection.QuerySingleAsync<long>(
            "SELECT sum(balance_cents) FROM providers WHERE workspace_id = @WorkspaceId", new { s.WorkspaceId }));
        var again = await fixture.Grains.GetGrain<ILeadGrain>(lead).Distribute("ops");
        Assert.Equal((DistributeOutcome.AlreadyCompleted, takeover.Result.RunId), (again.Outcome, again.Result!.RunId));
        await fixture.AssertInvariantsHold();
    }
}
