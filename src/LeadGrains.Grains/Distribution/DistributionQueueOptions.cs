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

    /// <summary>When a lead whose attempt was answered busy, timed out or met a stopping silo is tried again (not a failed attempt).</summary>
    public TimeSpan BusyRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often each silo looks for due leads (retries, and attempts orphaned by a dead silo).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a busy niche saves its subscriptions' last services (last_received_at), which the
    /// distribution's transaction no longer writes; until saved, the assignments say them.
    /// </summary>
    public TimeSpan ServiceSaveInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>At most this many due leads are woken per sweep.</summary>
    public int SweepBatch { get; set; } = 500;

    /// <summary>
    /// Group-commit lanes per silo: each records its niches' distributions one transaction at a
    /// time, the lanes side by side (a niche always uses the same lane, to keep its order). One by
    /// default: on a 2-core machine a second lane mostly waits on the first one's provider row
    /// locks (W1 providers buy in three niches) and measured slower (docs/PERFORMANCE.md).
    /// </summary>
    public int CommitLanes { get; set; } = 1;

    /// <summary>Distributions one niche accepts in flight; past it a caller is answered busy at once.</summary>
    public int MaxInFlightPerNiche { get; set; } = 512;

    /// <summary>Distributions a silo accepts queued for recording; past it a caller is answered busy at once.</summary>
    public int MaxQueuedPerSilo { get; set; } = 8192;
}
