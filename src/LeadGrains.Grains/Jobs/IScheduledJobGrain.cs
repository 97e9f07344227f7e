namespace LeadGrains.Grains.Jobs;

/// <summary>
/// One scheduled job, once per cluster: the grain (keyed by job name) owns the job's Orleans
/// reminder, so however many silos run, there is one reminder and one activation to tick.
/// </summary>
public interface IScheduledJobGrain : IGrainWithStringKey
{
    /// <summary>Registers the job's reminder unless it already exists.</summary>
    Task EnsureScheduled();

    /// <summary>What a reminder tick does: runs the job unless it already ran in the current period.</summary>
    Task<ScheduledJobStatus> Tick();

    /// <summary>Runs the job now, whatever the schedule (an operator's command).</summary>
    Task<ScheduledJobStatus> RunNow();

    Task<ScheduledJobStatus> GetStatus();
}

[GenerateSerializer, Immutable]
public sealed record ScheduledJobStatus(
    [property: Id(0)] string Name,
    [property: Id(1)] long Runs,
    [property: Id(2)] DateTimeOffset? LastRunAt,
    [property: Id(3)] string? LastOutcome);
