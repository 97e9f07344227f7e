using System.Net;
using LeadGrains.Grains;
using LeadGrains.Hosting;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace LeadGrains.Silo.Hosting;

/// <summary>
/// Everything that makes an Orleans silo a LeadGrains silo, shared by the silo host, the local
/// all-in-one process and the test clusters, so all of them run the same configuration.
/// </summary>
public static class SiloBuilderExtensions
{
    /// <summary>The grain storage name grains use in <c>[PersistentState(..., GrainStateStorage)]</c>.</summary>
    public const string GrainStateStorage = GrainStorageNames.GrainState;

    /// <summary>
    /// ADO.NET clustering, grain storage and reminders on PostgreSQL through the process's one
    /// <see cref="NpgsqlDataSource"/>, activity propagation, the dashboard's silo side and the grains' services.
    /// Cluster ids and ports are left to the caller (the test host sets its own).
    /// </summary>
    public static ISiloBuilder AddLeadGrainsSilo(this ISiloBuilder silo)
    {
        silo.Services.AddLeadGrainsData();
        silo.Services.AddDatabaseFaultsAcrossCalls();
        silo.UseAdoNetClustering(options => options.Configure<NpgsqlDataSource>((o, dataSource) =>
        {
            o.Invariant = "Npgsql";
            o.DataSource = dataSource;
        }));
        silo.AddAdoNetGrainStorage(GrainStateStorage, options => options.Configure<NpgsqlDataSource>((o, dataSource) =>
        {
            o.Invariant = "Npgsql";
            o.DataSource = dataSource;
        }));
        silo.UseAdoNetReminderService(options => options.Configure<NpgsqlDataSource>((o, dataSource) =>
        {
            o.Invariant = "Npgsql";
            o.DataSource = dataSource;
        }));
        silo.UseLeadGrainsFailureDetection();
        silo.AddActivityPropagation();
        silo.AddDashboard();
        silo.Services.AddLeadGrains();
        return silo;
    }

    /// <summary>
    /// Cluster identity, endpoints and mutual TLS from <see cref="LeadGrainsClusterOptions"/>: the
    /// silo and gateway ports are bound to one configured address (the advertised one unless
    /// <c>ListenAddress</c> says otherwise), never to every interface unless told to.
    /// </summary>
    public static ISiloBuilder UseLeadGrainsEndpoints(this ISiloBuilder silo, LeadGrainsClusterOptions options)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        if (options.AdvertisedAddress is { Length: > 0 } advertised)
        {
            silo.ConfigureEndpoints(Address(advertised, nameof(options.AdvertisedAddress)), options.SiloPort, options.GatewayPort);
        }
        else
        {
            silo.ConfigureEndpoints(siloPort: options.SiloPort, gatewayPort: options.GatewayPort, listenOnAnyHostAddress: false);
        }
        if (options.ListenAddress is { Length: > 0 } listen)
        {
            var address = Address(listen, nameof(options.ListenAddress));
            silo.Configure<EndpointOptions>(o =>
            {
                o.SiloListeningEndpoint = new IPEndPoint(address, options.SiloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(address, options.GatewayPort);
            });
        }
        silo.UseLeadGrainsTls(options.Tls);
        return silo;
    }

    private static IPAddress Address(string value, string name) => IPAddress.TryParse(value, out var address)
        ? address
        : throw new InvalidOperationException($"{LeadGrainsClusterOptions.Section}:{name} must be an IP address, not '{value}'.");
}
