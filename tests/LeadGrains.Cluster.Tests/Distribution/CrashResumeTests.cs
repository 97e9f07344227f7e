using Dapper;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Grains.Distribution;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Distribution;

/// <summary>
/// A distribution is one transaction, so a crash at any instant leaves all of it or none of it.
/// Interrupted before its commit, nothing of it remains and the retry distributes the lead once;
/// interrupted after (the reply lost), the retry answers with the stored result and charges nobody again.
/// </summary>
public sealed class CrashResumeTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_distribution_interrupted_before_its_commit_leaves_nothing_and_the_retry_distributes_once()
    {
        var (s, niche, providers) = await TwoLevelNiche();
        var warmup = (await s.Distribute(await s.Lead(niche))).Result!;
        var lead = await s.Lead(niche);
        var balancesBefore = await Balances(s, providers);
        Arm(i => i.FailAt(lead, InterruptionPoint.BeforeCommit));

        await Assert.ThrowsAsync<DistributionInterruptedException>(() => s.Distribute(lead));
        Arm(i => i.Disarm(lead));

        Assert.Equal(LeadStatus.Approved, (await fixture.Grains.GetGrain<ILeadGrain>(lead).Get())!.Status);
        Assert.Equal(balancesBefore, await Balances(s, providers));
        Assert.Equal(2, (await fixture.Grains.GetGrain<INicheGrain>(niche.NicheId).Get())!.NextStartLevelOrderPosition);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal(0, await connection.QuerySingleAsync<long>("SELECT count(*) FROM lead_assignments WHERE lead_id = @lead", new { lead }));
        Assert.Equal("failed", await connection.QuerySingleAsync<string>("SELECT status FROM distribution_runs WHERE lead_id = @lead AND attempt = 1", new { lead }));

        var retried = await s.Distribute(lead);

        Assert.Equal(DistributeOutcome.Completed, retried.Outcome);
        Assert.Equal(2, retried.Result!.Attempt);
        Assert.Equal(2, retried.Result.StartLevelOrderPosition);           // the warm-up lead started at 1
        Assert.Equal(4, retried.Result.Assignments.Count);                 // 2 per level
        Assert.Equal(4, retried.Result.Assignments.Select(a => a.ProviderId).Distinct().Count());
        var next = (await s.Distribute(await s.Lead(niche))).Result!;
        Assert.Equal(1, next.StartLevelOrderPosition);                     // the pointer moved once for the interrupted lead
        Assert.Equal(1, warmup.StartLevelOrderPosition);
        await fixture.AssertInvariantsHold();
        await DistributionInvariants.AssertRotationCycles(fixture.Db, niche.NicheId);
    }

    [Fact]
    public async Task A_distribution_whose_reply_is_lost_after_its_commit_is_answered_from_the_stored_result()
    {
        var (s, niche, providers) = await TwoLevelNiche();
        var lead = await s.Lead(niche);
        Arm(i => i.FailAt(lead, InterruptionPoint.AfterCommit));

        await Assert.ThrowsAsync<DistributionInterruptedException>(() => s.Distribute(lead));
        Arm(i => i.Disarm(lead));
        var balancesAfterCommit = await Balances(s, providers);

        var again = await s.Distribute(lead);

        Assert.Equal(DistributeOutcome.AlreadyCompleted, again.Outcome);
        Assert.Equal(LeadStatus.Distributed, again.Status);
        Assert.Equal(4, again.Result!.Assignments.Count);
        Assert.Equal(1, again.Result.Attempt);
        Assert.Equal(balancesAfterCommit, await Balances(s, providers));
        Assert.Equal(60_000 - 2 * 1000 - 2 * 700, balancesAfterCommit.Sum());
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal(1, await connection.QuerySingleAsync<long>("SELECT count(*) FROM distribution_runs WHERE lead_id = @lead", new { lead }));
        await fixture.AssertInvariantsHold();
    }

    private async Task<(Scenario, NicheView, List<Guid>)> TwoLevelNiche()
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
        return (s, niche, providers);
    }

    private static async Task<List<long>> Balances(Scenario s, IEnumerable<Guid> providers)
    {
        var balances = new List<long>();
        foreach (var provider in providers)
        {
            balances.Add(await s.Balance(provider));
        }
        return balances;
    }

    [Fact]
    public async Task An_attempt_that_failed_as_it_began_holds_none_of_the_balance_back()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var provider = await s.Provider(100);
        await s.Subscribe(niche, provider, 1);
        var (failing, next) = (await s.Lead(niche), await s.Lead(niche));
        Arm(i => i.FailAttempts(failing, 1));

        // The niche had decided to charge the provider its whole balance when the attempt failed.
        await Assert.ThrowsAsync<DistributionInterruptedException>(() => s.Distribute(failing));
        var served = await s.Distribute(next);

        Assert.Equal(provider, Assert.Single(served.Result!.Assignments).ProviderId);
        Assert.Equal(0, await s.Balance(provider));
        await fixture.AssertInvariantsHold();
    }

    private void Arm(Action<DistributionInterruptions> arm)
    {
        foreach (var (_, interruptions) in fixture.Cluster.OfEverySilo<DistributionInterruptions>())
        {
            arm(interruptions);
        }
    }
}

/// <summary>The silo running a distribution is killed with every row written but not committed; a retry on the surviving silo distributes the lead once.</summary>
public sealed class SiloKillResumeTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_distribution_whose_silo_is_killed_before_its_commit_is_distributed_elsewhere()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 3, 1000), new Level(2, 2, 500));
        for (var i = 0; i < 6; i++)
        {
            await s.Subscribe(niche, await s.Provider(10_000), 1 + i % 2);
        }
        var lead = await s.Lead(niche);
        var holds = fixture.Cluster.OfEverySilo<DistributionInterruptions>()
            .Select(x => (x.Silo, Reached: x.Service.HoldAt(lead, InterruptionPoint.BeforeCommit)))
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
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal(5, await connection.QuerySingleAsync<long>("SELECT count(*) FROM lead_assignments WHERE lead_id = @lead", new { lead }));
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
