namespace LeadGrains.Grains.Jobs;

/// <summary>Grain-private, persisted through Orleans grain storage: which period last ran, so a repeated tick is a no-op.</summary>
[GenerateSerializer]
public sealed class ScheduledJobState
{
    [Id(0)] public long LastPeriodIndex { get; set; } = -1;
    [Id(1)] public DateTimeOffset? LastRunAt { get; set; }
    [Id(2)] public string? LastOutcome { get; set; }
    [Id(3)] public long Runs { get; set; }
}
