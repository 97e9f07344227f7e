using LeadGrains.Abstractions.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadGrains.Grains.Jobs;

public sealed class ScheduledJobGrain(
    [PersistentState("job", GrainStorageNames.GrainState)] IPersistentState<ScheduledJobState> state,
    IEnumerable<IScheduledJob> jobs,
    LeadGrainsTelemetry telemetry,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock,
    ILogger<ScheduledJobGrain> logger) : Grain, IScheduledJobGrain, IRemindable
{
    private IScheduledJob Job => jobs.Single(j => j.Name == this.GetPrimaryKeyString());

    public async Task EnsureScheduled()
    {
        // Re-registering would restart the period at every silo start, so an existing reminder is left alone.
        if (await this.GetReminder(Job.Name) is null)
        {
            await this.RegisterOrUpdateReminder(Job.Name, Job.Period, Job.Period);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Tick();

    public async Task<ScheduledJobStatus> Tick()
    {
        var now = clock.GetUtcNow();
        var period = now.UtcTicks / Job.Period.Ticks;
        if (period == state.State.LastPeriodIndex)
        {
            return Status();
        }
        return await Run(now, period);
    }

    public Task<ScheduledJobStatus> RunNow()
    {
        var now = clock.GetUtcNow();
        return Run(now, now.UtcTicks / Job.Period.Ticks);
    }

    public Task<ScheduledJobStatus> GetStatus() => Task.FromResult(Status());

    private async Task<ScheduledJobStatus> Run(DateTimeOffset now, long period)
    {
        var started = TimeProvider.System.GetTimestamp();
        string outcome;
        try
        {
            outcome = await Job.Run(now, CancellationToken.None);
        }
        catch
        {
            telemetry.JobRan(Job.Name, succeeded: false, TimeProvider.System.GetElapsedTime(started));
            throw;
        }
        telemetry.JobRan(Job.Name, succeeded: true, TimeProvider.System.GetElapsedTime(started));
        logger.LogInformation("Scheduled job {Job} ran: {Outcome}", Job.Name, outcome);
        state.State.LastPeriodIndex = period;
        state.State.LastRunAt = now;
        state.State.LastOutcome = outcome;
        state.State.Runs++;
        await state.WriteStateAsync();
        return Status();
    }

    private ScheduledJobStatus Status() => new(Job.Name, state.State.Runs, state.State.LastRunAt, state.State.LastOutcome);
}
