using LeadGrains.Abstractions.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadGrains.Grains.Routing;

/// <summary>
/// Wakes the routing submissions whose attempt is due on the business clock: retries whose delay has
/// passed, and decided submissions whose silo died before it moved them. Every silo sweeps; a
/// submission's grain runs one attempt at a time and checks it is still due, so waking it twice is harmless.
/// </summary>
public sealed class RoutingSweeper(
    RoutingStore store,
    IGrainFactory grains,
    IOptions<RoutingOptions> options,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock,
    ILogger<RoutingSweeper> logger) : BackgroundService
{
    /// <summary>Wakes every due submission once; returns which.</summary>
    public async Task<IReadOnlyList<Guid>> SweepOnce(CancellationToken cancellationToken = default)
    {
        var due = await store.Due(clock.GetUtcNow(), options.Value.SweepBatch, cancellationToken);
        foreach (var id in due)
        {
            await grains.GetGrain<IRoutingGrain>(id).RunDueAttempt();
        }
        return due;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var woken = await SweepOnce(stoppingToken);
                if (woken.Count > 0)
                {
                    logger.LogInformation("Woke {Count} due routing submission(s)", woken.Count);
                }
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                // The silo may still be starting, or the database briefly away: the next tick tries again.
                logger.LogWarning(error, "Sweeping due routing submissions failed");
            }
        }
    }
}
