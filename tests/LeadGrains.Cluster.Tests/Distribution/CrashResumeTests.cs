using Dapper;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Grains.Distribution;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Distribution;

/// <summary>A distribution interrupted right after its k-th charge and retried resumes: same start, nobody charged twice, limits kept.</summary>
public sealed class CrashResumeTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_distribution_interrupted_after_k_charges_resumes_on_retry(int k)
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 2, 1000), new Level(2, 2, 700));
        var providers = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            var provider = await s.Provider(10_000);
            await s.Subscribe(niche, provider, 1 + i % 2);
            providers.Add(provider);
        }
        var warmup = (await s.Distribute(await s.Lead(niche))).Result!;
        var lead = await s.Lead(niche);
        foreach (var (_, interruptions) in fixture.Cluster.OfEverySilo<DistributionInterruptions>())
        {
            interruptions.FailAfterCharges(lead, k);
        }

        await Assert.ThrowsAsync<DistributionInterruptedException>(() => s.Distribute(lead));
        foreach (var (_, interruptions) in fixture.Cluster.OfEverySilo<DistributionInterruptions>())
        {
            interruptions.Disarm(lead);
        }
        Assert.Equal(LeadStatus.Approved, (await fixture.Grains.GetGrain<ILeadGrain>(lead).Get())!.Status);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal(k, await connection.QuerySingleAsync<long>("SELECT count(*) FROM lead_assignments WHERE lead_id = @lead", new { lead }));

        var resumed = await s.Distribute(lead);

        Assert.Equal(DistributeOutcome.Completed, resumed.Outcome);
        Assert.Equal(2, resumed.Result!.Attempt);
        Assert.Equal(2, resumed.Result.StartLevelOrderPosition);          // the warm-up lead started at 1
        Assert.Equal(4, resumed.Result.Assignments.Count);                // 2 per level, earlier charges included
        Assert.Equal(4, resumed.Result.Assignments.Select(a => a.ProviderId).Distinct().Count());
        Assert.Equal(2, await connection.QuerySingleAsync<long>("SELECT count(*) FROM distribution_runs WHERE lead_id = @lead", new { lead }));
        Assert.Equal("failed", await connection.QuerySingleAsync<string>("SELECT status FROM distribution_runs WHERE lead_id = @lead AND attempt = 1", new { lead }));
        var next = (await s.Distribute(await s.Lead(niche))).Result!;
        Assert.Equal(1, next.StartLevelOrderPosition);                    // the pointer moved once for the interrupted lead
        Assert.Equal(1, warmup.StartLevelOrderPosition);
        await fixture.AssertInvariantsHold();
        await DistributionInvariants.AssertRotationCycles(fixture.Db, niche.NicheId);
    }
}

/// <summary>The silo running a distribution is killed after its k-th charge; a retry on the surviving silo resumes it.</summary>
public sealed class SiloKillResumeTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_distribution_whose_silo_is_killed_mid_way_resumes_elsewhere()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 3, 1000), new Level(2, 2, 500));
        for (var i = 0; i < 6; i++)
        {
            await s.Subscribe(niche, await s.Provider(10_000), 1 + i % 2);
        }
        var lead = await s.Lead(niche);
        var holds = fixture.Cluster.OfEverySilo<DistributionInterruptions>()
            .Select(x => (x.Silo, Reached: x.Service.HoldAfterCharges(lead, 2)))
            .ToList();

        var interrupted = s.Distribute(lead);
        await Task.WhenAny(holds.Select(h => h.Reached));
        var running = holds.Single(h => h.Reached.IsCompleted).Silo;
        await fixture.Cluster.KillSiloAsync(running);
        foreach (var (_, interruptions) in fixture.Cluster.OfEverySilo<DistributionInterruptions>())
        {
            interruptions.Disarm(lead);
        }
        await Assert.ThrowsAnyAsync<Exception>(() => interrupted);
        await fixture.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);

        var resumed = await Retry(() => s.Distribute(lead));

        Assert.Equal(DistributeOutcome.Completed, resumed.Outcome);
        Assert.Equal(5, resumed.Result!.Assignments.Count);
        Assert.Equal(1, resumed.Result.StartLevelOrderPosition);
        Assert.True(resumed.Result.Attempt >= 2);
        await fixture.AssertInvariantsHold();
        await DistributionInvariants.AssertNoLeadLeftApproved(fixture.Db, [lead]);
    }

    /// <summary>Right after a kill the grain directory may still point at the dead silo for a moment.</summary>
    private static async Task<T> Retry<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception) when (attempt < 10)
            {
                await Task.Delay(200);
            }
        }
    }
}
