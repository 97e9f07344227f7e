using LeadGrains.Abstractions.Jobs;

namespace LeadGrains.Api.Jobs;

/// <summary>A scheduled job: its schedule (from its reminder) and its last run (from its grain).</summary>
public sealed record JobResponse(
    string Name, long PeriodSeconds, long Runs, DateTime? LastRunAt, string? LastOutcome, DateTime NextRunAt)
{
    public static JobResponse From(JobSchedules.Schedule schedule, ScheduledJobStatus status, DateTimeOffset now) => new(
        schedule.Name, (long)schedule.Period.TotalSeconds, status.Runs, status.LastRunAt?.UtcDateTime, status.LastOutcome,
        schedule.NextTickAfter(now).UtcDateTime);
}

public sealed record JobListResponse(IReadOnlyList<JobResponse> Items);
