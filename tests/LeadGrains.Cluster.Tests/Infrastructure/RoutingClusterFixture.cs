using LeadGrains.Grains.Routing;
using Orleans.TestingHost;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>
/// The cluster as it runs in production (auto-distribution on), with virtual business time and the
/// routing sweep slowed right down, so tests drive routing retries by moving the clock and sweeping.
/// </summary>
public sealed class RoutingClusterFixture : ClusterFixture
{
    protected override void Configure(TestClusterBuilder builder)
    {
        builder.Properties["LeadGrains:Distribution:AutoDistribute"] = "true";
        builder.Properties["LeadGrains:Routing:SweepInterval"] = "01:00:00";
        builder.Properties[VirtualTime.SettingKey] = "true";
        builder.Properties[VirtualTime.StartKey] = DateTimeOffset.UtcNow.ToString("O");
    }

    /// <summary>One routing sweep, as a live silo's background sweeper would do it.</summary>
    public Task<IReadOnlyList<Guid>> SweepRouting() =>
        Cluster.OfEverySilo<RoutingSweeper>().First(s => s.Silo.IsActive).Service.SweepOnce();
}
