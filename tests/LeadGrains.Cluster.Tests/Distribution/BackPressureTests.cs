using Dapper;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Grains.Distribution;
using Orleans.Configuration;
using Orleans.TestingHost;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Distribution;

/// <summary>One silo whose niches take one distribution in flight at a time, and whose grain calls time out after 2 s.</summary>
public sealed class BackPressureClusterFixture : ClusterFixture
{
    protected override short InitialSilos => 1;

    protected override void Configure(TestClusterBuilder builder)
    {
        builder.Properties["LeadGrains:Distribution:MaxInFlightPerNiche"] = "1";
        builder.AddSiloBuilderConfigurator<ShortResponseTimeout>();
    }

    private sealed class ShortResponseTimeout : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(2));
    }
}

public sealed class BackPressureTests(BackPressureClusterFixture fixture) : IClassFixture<BackPressureClusterFixture>
{
    [Fact]
    public async Task A_niche_at_its_limit_answers_busy_at_once_and_the_lead_is_queued_without_a_failed_attempt()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        await s.Subscribe(niche, await s.Provider(10_000), 1);
        var (held, other) = (await s.Lead(niche), await s.Lead(niche));
        var reached = Probe().HoldAt(held, InterruptionPoint.BeforeCommit);
        var first = s.Distribute(held);
        await reached;

        var started = DateTime.UtcNow;
        var busy = await s.Distribute(other);
        var answeredIn = DateTime.UtcNow - started;
        Probe().Release(held);

        Assert.Equal(DistributeOutcome.Busy, busy.Outcome);
        Assert.True(answeredIn < TimeSpan.FromSeconds(2), $"busy was answered after {answeredIn}, not at once");
        Assert.Equal(DistributeOutcome.Completed, (await first).Outcome);
        var queued = await LeadRow(other);
        Assert.Equal(("approved", 0, 0, true), (queued.Status, queued.DistributionAttempts, queued.FailedAttempts, queued.Due));
        Assert.Equal(DistributeOutcome.Completed, (await s.Distribute(other)).Outcome);
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_timed_out_attempt_is_not_a_failed_one_and_its_late_commit_is_the_lead_s_only_distribution()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var provider = await s.Provider(10_000);
        await s.Subscribe(niche, provider, 1);
        var lead = await s.Lead(niche);
        var reached = Probe().HoldAt(lead, InterruptionPoint.BeforeCommit);
        var attempt = s.Distribute(lead);
        await reached;

        // The niche's answer takes longer than the 2 s response timeout; the lead grain gives the attempt up.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Probe().Release(lead);

        await Assert.ThrowsAnyAsync<TimeoutException>(() => attempt);
        var row = await LeadRow(lead);
        Assert.Equal(("distributed", 1, 0), (row.Status, row.DistributionAttempts, row.FailedAttempts));
        Assert.Equal(DistributeOutcome.AlreadyCompleted, (await s.Distribute(lead)).Outcome);
        Assert.Equal(9_900, await s.Balance(provider));
        await fixture.AssertInvariantsHold();
    }

    private DistributionInterruptions Probe() => fixture.Cluster.OfEverySilo<DistributionInterruptions>().Single().Service;

    private sealed record LeadState(string Status, int DistributionAttempts, int FailedAttempts, bool Due);

    private async Task<LeadState> LeadRow(Guid lead)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<LeadState>(
            "SELECT status, distribution_attempts, failed_attempts, next_attempt_at IS NOT NULL AS due FROM leads WHERE id = @lead", new { lead });
    }
}
