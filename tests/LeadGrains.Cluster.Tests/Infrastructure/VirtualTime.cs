using LeadGrains.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>Business time under the test's control: every silo's LeadGrains clock is a FakeTimeProvider moved together.</summary>
public static class VirtualTime
{
    public const string SettingKey = "LeadGrains:Tests:VirtualTime";

    /// <summary>All silos' clocks start at the same instant.</summary>
    public const string StartKey = "LeadGrains:Tests:VirtualTimeStart";

    public static void Advance(this TestCluster cluster, TimeSpan by)
    {
        foreach (var silo in cluster.Silos)
        {
            Clock(silo).Advance(by);
        }
    }

    public static DateTimeOffset Now(this TestCluster cluster) => Clock(cluster.Silos[0]).GetUtcNow();

    private static FakeTimeProvider Clock(SiloHandle silo) =>
        (FakeTimeProvider)((InProcessSiloHandle)silo).ServiceProvider.GetRequiredKeyedService<TimeProvider>(LeadGrainsClock.Key);
}

/// <summary>
/// The cluster as it runs in production — auto-distribution on — but with virtual business time and
/// the background sweep slowed right down, so tests drive retries by moving the clock and sweeping.
/// </summary>
public sealed class PipelineClusterFixture : ClusterFixture
{
    protected override void Configure(TestClusterBuilder builder)
    {
        builder.Properties["LeadGrains:Distribution:AutoDistribute"] = "true";
        builder.Properties[VirtualTime.SettingKey] = "true";
        builder.Properties[VirtualTime.StartKey] = DateTimeOffset.UtcNow.ToString("O");
    }

    /// <summary>One sweep, as any silo's background sweeper would do it.</summary>
    public Task<IReadOnlyList<Guid>> Sweep() => Cluster.OfEverySilo<LeadGrains.Grains.Distribution.DueLeadSweeper>().First().Service.SweepOnce();
}
