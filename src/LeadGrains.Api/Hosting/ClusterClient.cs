using LeadGrains.Hosting;

namespace LeadGrains.Api.Hosting;

/// <summary>The API's way to the grains when it runs alone: an Orleans client of a silo cluster.</summary>
public static class ClusterClient
{
    /// <summary>Joins the cluster through its gateways, found in the membership table, and keeps trying until it is there.</summary>
    public static WebApplicationBuilder AddLeadGrainsClusterClient(this WebApplicationBuilder builder)
    {
        var options = LeadGrainsClusterOptions.From(builder.Configuration);
        builder.UseOrleansClient(client => client
            .AddLeadGrainsClient(options)
            .UseConnectionRetryFilter(RetryUntilStopped));
        // The web server must not wait for the client's first connection: /health/live
        // answers meanwhile and /health/ready says the cluster is not there yet.
        builder.Services.Configure<HostOptions>(host => host.ServicesStartConcurrently = true);
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
