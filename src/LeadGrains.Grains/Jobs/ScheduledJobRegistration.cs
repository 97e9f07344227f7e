using LeadGrains.Abstractions.Jobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeadGrains.Grains.Jobs;

/// <summary>
/// On every silo start, makes sure each job's reminder exists. Registration is idempotent and the
/// reminder belongs to the job's grain, so N silos still give one schedule per job.
/// </summary>
public sealed class ScheduledJobRegistration(IGrainFactory grains, IEnumerable<IScheduledJob> jobs, ILogger<ScheduledJobRegistration> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var job in jobs)
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await grains.GetGrain<IScheduledJobGrain>(job.Name).EnsureScheduled();
                    break;
                }
                catch (Exception error) when (!stoppingToken.IsCancellationRequested)
                {
                    // The silo may not have joined yet; try again shortly.
                    logger.LogDebug(error, "Scheduling job {Job} failed; retrying", job.Name);
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                }
            }
        }
    }
}
