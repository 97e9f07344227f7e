namespace LeadGrains.Grains.Distribution;

/// <summary>How approved leads are queued, retried and recovered (section <c>LeadGrains:Distribution</c>).</summary>
public sealed class DistributionQueueOptions
{
    public const string Section = "LeadGrains:Distribution";

    /// <summary>Approval queues a distribution at once; off, leads wait for a manual trigger.</summary>
    public bool AutoDistribute { get; set; } = true;

    /// <summary>Attempts per round before the lead fails and is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Wait before retry n (the n-th entry; the last one repeats if attempts outnumber it). Empty means
    /// the default 5 s, 15 s, 45 s, 2 min, 5 min (kept out of the initializer: configuration binding
    /// appends to an array instead of replacing it).
    /// </summary>
    public TimeSpan[] RetryDelays { get; set; } = [];

    public IReadOnlyList<TimeSpan> EffectiveRetryDelays => RetryDelays.Length > 0 ? RetryDelays : DefaultRetryDelays;

    private static readonly TimeSpan[] DefaultRetryDelays =
        [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(45), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)];

    /// <summary>How long an attempt may run before another silo may take the lead over.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each silo looks for due leads (retries, and attempts orphaned by a dead silo).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>At most this many due leads are woken per sweep.</summary>
    public int SweepBatch { get; set; } = 500;
}
