namespace LeadGrains.Grains.Distribution;

/// <summary>The instants of a distribution where a drill can fail it or stop it, as a crash or a long pause would.</summary>
public enum InterruptionPoint
{
    /// <summary>In the lead grain, before it asks the niche: nothing of the attempt exists yet.</summary>
    BeforeAttempt,

    /// <summary>Every row of the distribution written, its transaction not yet committed.</summary>
    BeforeCommit,

    /// <summary>Committed, but the caller not yet answered: a reply lost to a crash.</summary>
    AfterCommit,
}

/// <summary>
/// Where the distribution path lets a test look in: production runs <see cref="NoDistributionProbe"/>,
/// crash and retry drills register one that fails or holds a lead's distribution at an
/// <see cref="InterruptionPoint"/>.
/// </summary>
public interface IDistributionProbe
{
    /// <summary>An attempt of the lead begins (the niche has its first plan).</summary>
    void AttemptBegun(Guid leadId);

    /// <summary>The lead's distribution reached <paramref name="point"/>.</summary>
    Task At(InterruptionPoint point, Guid leadId);
}

/// <summary>The production probe: sees nothing, costs nothing.</summary>
public sealed class NoDistributionProbe : IDistributionProbe
{
    public void AttemptBegun(Guid leadId)
    {
    }

    public Task At(InterruptionPoint point, Guid leadId) => Task.CompletedTask;
}
