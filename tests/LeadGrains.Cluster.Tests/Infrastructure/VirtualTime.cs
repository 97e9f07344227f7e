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

    /// <summary>
    /// Sets every silo's clock to <paramref name="instant"/>, which must lie ahead of each. Exactly: the
    /// silos' clocks drift apart by their readings' microseconds, which matters at a period's edge.
    /// </summary>
    public static void AdvanceTo(this TestCluster cluster, DateTimeOffset instant)
    {
        foreach (var silo in cluster.Silos)
        {
            var clock = Clock(silo);
            Assert.True(instant >= clock.GetUtcNow(), $"Virtual time is already past {instant:O}");
            clock.SetUtcNow(instant.ToUniversalTime());
        }
    }

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

/// <summary>
/// The engine's cluster (auto-distribution off, as <see cref="ClusterFixture"/>) on virtual business
/// time that starts at a fixed Wednesday noon UTC, so tests can walk to local midnights, DST changes
/// and delivery-hour edges without waiting.
/// </summary>
public sealed class VirtualTimeClusterFixture : ClusterFixture
{
    public static readonly DateTimeOffset Start = new(2027, 1, 6, 12, 0, 0, TimeSpan.Zero);

    protected override void Configure(TestClusterBuilder builder)
    {
        builder.Properties[VirtualTime.SettingKey] = "true";
        builder.Properties[VirtualTime.StartKey] = Start.ToString("O");
    }
}
