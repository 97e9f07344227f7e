extern alias silo;

using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using Orleans.TestingHost;
using silo::LeadGrains.Silo.Hosting;

namespace LeadGrains.Api.Tests.Resilience;

/// <summary>
/// The API in client mode, the way production runs it, in front of a real three-silo TestCluster on
/// the same PostgreSQL database, so a test can kill a silo under it. The silos run the production
/// configuration plus <see cref="InjectedFaults"/>.
/// </summary>
public sealed class SiloClusterApiHost : LocalApiHost
{
    public TestCluster Cluster { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["LeadGrains:ClusterId"] = Cluster.Options.ClusterId,
        ["LeadGrains:ServiceId"] = Cluster.Options.ServiceId,
        // Short, so the tests that honour it do not wait long.
        ["LeadGrains:Api:RetryAfter"] = "00:00:01",
    };

    protected override bool AsClusterClient => true;

    protected override async Task BeforeApiStartsAsync()
    {
        LeadGrains.Data.SchemaMigrator.Migrate(ConnectionString);
        var builder = new TestClusterBuilder(3);
        builder.Options.UseTestClusterMembership = false;
        // The API joins over TCP, as in production; TestCluster's default in-memory transport is only for its own client.
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Properties["ConnectionStrings:LeadGrains"] = ConnectionString;
        builder.Properties["LeadGrains:Delivery:Enabled"] = "false";
        builder.Properties["LeadGrains:Delivery:SecretKeys:0"] = LocalApiHost.WebhookSecretsKey;
        builder.AddSiloBuilderConfigurator<FaultableSilo>();
        builder.AddClientBuilderConfigurator<MembershipTableClient>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    protected override async Task AfterApiStopsAsync()
    {
        await Cluster.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
    }

    private sealed class FaultableSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddLeadGrainsSilo();
            siloBuilder.AddIncomingGrainCallFilter<InjectedFaults.Filter>();
        }
    }

    private sealed class MembershipTableClient : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = configuration.GetConnectionString("LeadGrains");
            });
    }
}

/// <summary>
/// Makes every call to one grain (by its Guid key) throw a chosen exception inside the silo, so the
/// exception travels back to the API through a real grain call, as a fault in the cluster would.
/// </summary>
public static class InjectedFaults
{
    private static readonly ConcurrentDictionary<Guid, Func<Exception>> Planned = new();

    public static IDisposable On(Guid grainKey, Func<Exception> fault)
    {
        Planned[grainKey] = fault;
        return new Lifted(grainKey);
    }

    private sealed class Lifted(Guid grainKey) : IDisposable
    {
        public void Dispose() => Planned.TryRemove(grainKey, out _);
    }

    public sealed class Filter : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.TargetId.TryGetGuidKey(out var key, out _) && Planned.TryGetValue(key, out var fault))
            {
                throw fault();
            }
            return context.Invoke();
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SiloClusterCollection : ICollectionFixture<SiloClusterApiHost>
{
    public const string Name = "silo-cluster";
}
