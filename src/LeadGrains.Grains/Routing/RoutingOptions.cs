namespace LeadGrains.Grains.Routing;

/// <summary>Routing's schedule (section <c>LeadGrains:Routing</c>).</summary>
public sealed class RoutingOptions
{
    public const string Section = "LeadGrains:Routing";

    /// <summary>Delay before the retry after the 1st, 2nd, ... failed attempt; after the last the submission is dead-lettered.</summary>
    public TimeSpan[] RetryDelays { get; set; } = [];

    /// <summary>The delays in force: the configured ones, or 1 min, 5 min, 15 min and 1 h.</summary>
    public TimeSpan[] EffectiveRetryDelays => RetryDelays.Length > 0
        ? RetryDelays
        : [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1)];

    /// <summary>A decided submission whose move was cut short (its silo died) is taken up again after this.</summary>
    public TimeSpan DecisionLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each silo looks for due submissions (business time decides which are due).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Due submissions woken per sweep.</summary>
    public int SweepBatch { get; set; } = 500;
}
