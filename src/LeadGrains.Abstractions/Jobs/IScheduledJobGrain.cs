namespace LeadGrains.Abstractions.Jobs;

/// <summary>
/// One scheduled job, once per cluster: the grain (keyed by job name) owns the job's Orleans
/// reminder, so however many silos run, there is one reminder and one activation to tick.
/// Operators' tools (the admin API's job endpoints) read its status and run it on demand.
/// </summary>
public interface IScheduledJobGrain : IGrainWithStringKey
{
    /// <summary>Registers the job's reminder unless it already exists.</summary>
    Task EnsureScheduled();

    /// <summary>What a reminder tick does: runs the job unless it already ran in the current period.</summary>
    Task<ScheduledJobStatus> Tick();

    /// <summary>Runs the job now, whatever the schedule (an operator's command).</summary>
    Task<ScheduledJobStatus> RunNow();

    /// <summary>How often the job has run, when it last ran and with what outcome.</summary>
    Task<ScheduledJobStatus> GetStatus();
}

/// <summary>A scheduled job's record: its runs so far and the last one's time and outcome.</summary>
/// <param name="Name">The job's name, also the grain's key (e.g. <c>ledger-reconciliation</c>).</param>
/// <param name="Runs">How many times the job has run.</param>
/// <param name="LastRunAt">When it last ran; null if never.</param>
/// <param name="LastOutcome">What its last run reported; null if never run.</param>
[GenerateSerializer, Immutable]
public sealed record ScheduledJobStatus(
    [property: Id(0)] string Name,
    [property: Id(1)] long Runs,
    [property: Id(2)] DateTimeOffset? LastRunAt,
    [property: Id(3)] string? LastOutcome);
