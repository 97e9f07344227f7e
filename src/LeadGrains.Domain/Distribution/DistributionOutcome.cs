namespace LeadGrains.Domain.Distribution;

/// <summary>How one distribution of one lead ended.</summary>
public enum DistributionOutcome
{
    /// <summary>Every traversed level assigned the lead at least once.</summary>
    Success,

    /// <summary>Some levels assigned the lead, others found nobody.</summary>
    Partial,

    /// <summary>Nobody could take the lead: a valid outcome, not an error.</summary>
    NoEligible,

    /// <summary>A fault stopped the distribution; set by the caller, never decided here.</summary>
    Failed,
}
