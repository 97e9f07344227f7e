namespace LeadGrains.Grains;

/// <summary>
/// The clock of LeadGrains' own rules (timestamps, backoff, leases, expiry), registered as a keyed
/// <see cref="TimeProvider"/> apart from the one Orleans runs on, so tests can move business time
/// forward without disturbing the cluster's membership and timers.
/// </summary>
public static class LeadGrainsClock
{
    public const string Key = "leadgrains";
}
