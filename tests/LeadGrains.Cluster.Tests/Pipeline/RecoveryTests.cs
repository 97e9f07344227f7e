using Dapper;
using LeadGrains.Abstractions.Leads;
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
        var holds = fixture.Cluster.OfEverySilo<DistributionInterruptions>().Select(x => (x.Silo, Reached: x.Service.HoldBeforeAttempt(lead))).ToList();

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

/// <summary>A worker that paused past its lease while a newer attempt took over commits nothing late.</summary>
public sealed class LeaseFencingTests(PipelineClusterFixture fixture) : IClassFixture<PipelineClusterFixture>
{
    [Fact]
    public async Task A_worker_paused_past_its_lease_has_its_late_work_rejected()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 3, 100));
        for (var i = 0; i < 4; i++)
        {
            await s.Subscribe(niche, await s.Provider(1000), 1);
        }
        var lead = await s.Lead(niche, approve: false);
        var holds = fixture.Cluster.OfEverySilo<DistributionInterruptions>().Select(x => x.Service.HoldAfterCharges(lead, 1)).ToList();
        await fixture.Grains.GetGrain<ILeadGrain>(lead).Approve("test");
        await Task.WhenAny(holds);

        // Meanwhile another worker (a duplicate activation after the lease ran out) starts attempt 2.
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var takeover = await connection.QuerySingleAsync<string>(
            "SELECT outcome FROM begin_distribution(gen_random_uuid(), @lead, @niche, 0, 0, 0, now())", new { lead, niche = niche.NicheId });
        Assert.Equal("resumed", takeover);

        foreach (var (_, interruptions) in fixture.Cluster.OfEverySilo<DistributionInterruptions>())
        {
            interruptions.Release(lead);
        }
        await Eventually.True(async () => await connection.QuerySingleAsync<long>(
            "SELECT count(*) FROM audit_log WHERE lead_id = @lead AND action = 'distribution.failed'", new { lead }) == 1, "the stale worker gave up");

        // Only the charge made before the pause exists; the stale worker neither charged on nor completed.
        Assert.Equal(1, await connection.QuerySingleAsync<long>("SELECT count(*) FROM lead_assignments WHERE lead_id = @lead", new { lead }));
        Assert.Equal("approved", await connection.QuerySingleAsync<string>("SELECT status FROM leads WHERE id = @lead", new { lead }));
        Assert.Equal(0, await connection.QuerySingleAsync<long>(
            "SELECT count(*) FROM audit_log WHERE lead_id = @lead AND action = 'distribution.completed'", new { lead }));
        Assert.StartsWith("superseded", await connection.QuerySingleAsync<string>(
            "SELECT error FROM distribution_runs WHERE lead_id = @lead AND attempt = 1", new { lead }));

        // The lead still completes properly on a later attempt, within its level's limit.
        var finished = await fixture.Grains.GetGrain<ILeadGrain>(lead).Distribute("ops");
        Assert.Equal(3, finished.Result!.Assignments.Count);
        await fixture.AssertInvariantsHold();
    }
}
