using Dapper;
using LeadGrains.Abstractions.Leads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LeadGrains.Grains.Distribution;

/// <summary>
/// Wakes the leads whose distribution attempt is due: retries whose backoff has passed, and attempts
/// whose lease ran out because their silo died. Every silo sweeps; the lease each lead grain takes
/// makes a lead woken twice run once. One indexed query per interval, nothing per distribution.
/// </summary>
public sealed class DueLeadSweeper(
    NpgsqlDataSource db,
    IGrainFactory grains,
    IOptions<DistributionQueueOptions> options,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock,
    ILogger<DueLeadSweeper> logger) : BackgroundService
{
    /// <summary>Wakes every due lead once; returns which.</summary>
    public async Task<IReadOnlyList<Guid>> SweepOnce(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var due = (await connection.QueryAsync<Guid>(new CommandDefinition("""
            SELECT id FROM leads
             WHERE status = 'approved' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
             ORDER BY next_attempt_at LIMIT @batch
            """, new { now, batch = options.Value.SweepBatch }, cancellationToken: cancellationToken))).ToList();
        foreach (var leadId in due)
        {
            await grains.GetGrain<ILeadGrain>(leadId).RunDueAttempt();
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
                    logger.LogInformation("Woke {Count} due lead(s)", woken.Count);
                }
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                // The silo may still be starting, or the database briefly away: the next tick tries again.
                logger.LogWarning(error, "Sweeping due leads failed");
            }
        }
    }
}
