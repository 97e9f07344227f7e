using LeadGrains.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>
/// The test client finds gateways the way the API and the approval service do: through the
/// PostgreSQL membership table, over mutual TLS, and receives database faults as they do.
/// </summary>
public sealed class TestClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
    {
        clientBuilder
            .UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = configuration.GetConnectionString("LeadGrains");
            })
            .UseLeadGrainsTls(LeadGrainsClusterOptions.From(configuration).Tls);
        clientBuilder.Services.AddDatabaseFaultsAcrossCalls();
    }
}
