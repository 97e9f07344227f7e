using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace LeadGrains.Cluster.Tests.Infrastructure;

public static class SiloServices
{
    /// <summary>A service of every running silo of the test cluster, with its silo.</summary>
    public static IEnumerable<(SiloHandle Silo, T Service)> OfEverySilo<T>(this TestCluster cluster) where T : notnull =>
        cluster.Silos.Select(silo => (silo, ((InProcessSiloHandle)silo).ServiceProvider.GetRequiredService<T>()));
}
