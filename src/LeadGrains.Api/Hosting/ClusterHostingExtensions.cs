using LeadGrains.Data;
using LeadGrains.Silo.Hosting;

namespace LeadGrains.Api.Hosting;

/// <summary>Connects the API to the grains: a co-hosted silo or a client of a silo cluster.</summary>
public static class ClusterHostingExtensions
{
    public const string ModeKey = LeadGrainsClusterOptions.Section + ":Mode";

    /// <summary>The configured <see cref="ApiMode"/>; <see cref="ApiMode.Cohosted"/> unless set.</summary>
    public static ApiMode GetApiMode(this IConfiguration configuration) =>
        configuration.GetValue(ModeKey, ApiMode.Cohosted);

    /// <summary>
    /// Co-hosted: applies the schema first when <c>MigrateOnStart</c> is set (the silo's storage
    /// needs it), then runs a silo in this process. Client: joins the cluster through its gateways.
    /// </summary>
    public static WebApplicationBuilder AddLeadGrainsCluster(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(LeadGrainsClusterOptions.Section).Get<LeadGrainsClusterOptions>() ?? new();
        switch (builder.Configuration.GetApiMode())
        {
            case ApiMode.Cohosted:
                if (options.MigrateOnStart)
                {
                    SchemaMigrator.Migrate(LeadGrainsClusterOptions.OwnerConnectionString(builder.Configuration));
                }
                builder.UseOrleans(silo => silo.UseLeadGrainsEndpoints(options).AddLeadGrainsSilo());
                break;
            case ApiMode.Client:
                builder.UseOrleansClient(client => client
                    .AddLeadGrainsClient(options)
                    .UseConnectionRetryFilter(RetryUntilStopped));
                // The web server must not wait for the client's first connection: /health/live
                // answers meanwhile and /health/ready says the cluster is not there yet.
                builder.Services.Configure<HostOptions>(host => host.ServicesStartConcurrently = true);
                break;
            default:
                throw new InvalidOperationException($"Unknown {ModeKey}: {builder.Configuration[ModeKey]}");
        }
        return builder;
    }

    // The API may start before the silos have joined; it keeps trying instead of failing its start.
    private static async Task<bool> RetryUntilStopped(Exception exception, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
