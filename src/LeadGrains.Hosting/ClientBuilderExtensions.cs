using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace LeadGrains.Hosting;

/// <summary>How a process outside the silos (the API in cluster mode, the approval service) joins as an Orleans client.</summary>
public static class ClientBuilderExtensions
{
    /// <summary>Finds the gateways through the ADO.NET membership table and talks to them over mutual TLS; also hosts the dashboard's client side.</summary>
    public static IClientBuilder AddLeadGrainsClient(this IClientBuilder client, LeadGrainsClusterOptions options)
    {
        client.Services.AddLeadGrainsData();
        client.Services.AddDatabaseFaultsAcrossCalls();
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        client.UseAdoNetClustering(o => o.Configure<NpgsqlDataSource>((clustering, dataSource) =>
        {
            clustering.Invariant = "Npgsql";
            clustering.DataSource = dataSource;
        }));
        client.UseLeadGrainsTls(options.Tls);
        client.AddActivityPropagation();
        client.AddDashboard();
        return client;
    }
}
