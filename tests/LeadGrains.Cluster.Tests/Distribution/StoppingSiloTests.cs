using Dapper;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Grains.Distribution;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Distribution;

/// <summary>One silo, of its own: its distribution committer is stopped as a graceful shutdown stops it.</summary>
public sealed class StoppingSiloClusterFixture : ClusterFixture
{
    protected override short InitialSilos => 1;
}

/// <summary>
/// A silo being stopped gracefully (a rolling restart) stops taking distributions into its
/// committer. A distribution that meets it was never attempted: it must not count as a failed
/// attempt of its lead (the fault campaign's rolling restart once cost a lead one this way), and
/// the lead stays queued for a silo that stays.
/// </summary>
public sealed class StoppingSiloTests(StoppingSiloClusterFixture fixture) : IClassFixture<StoppingSiloClusterFixture>
{
    [Fact]
    public async Task A_distribution_refused_by_a_stopping_silo_is_no_failed_attempt_and_the_lead_stays_queued()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var provider = await s.Provider(10_000);
        await s.Subscribe(niche, provider, 1);
        var lead = await s.Lead(niche);
        var (_, committer) = fixture.Cluster.OfEverySilo<DistributionCommitter>().Single();
        await committer.StopAsync(CancellationToken.None);

        var refused = await Record.ExceptionAsync(() => s.Distribute(lead));

        Assert.IsAssignableFrom<OperationCanceledException>(refused);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var row = await connection.QuerySingleAsync<(string Status, int DistributionAttempts, int FailedAttempts, bool Due)>(
            "SELECT status, distribution_attempts, failed_attempts, next_attempt_at IS NOT NULL FROM leads WHERE id = @lead", new { lead });
        Assert.Equal(("approved", 0, 0, true), row);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM distribution_runs WHERE lead_id = @lead", new { lead }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE lead_id = @lead AND action = 'distribution.failed'", new { lead }));
        Assert.Equal(10_000, await s.Balance(provider));
        await fixture.AssertInvariantsHold();
    }
}
