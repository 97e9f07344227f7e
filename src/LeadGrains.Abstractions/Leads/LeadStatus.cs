namespace LeadGrains.Abstractions.Leads;

/// <summary>The lifecycle states of a lead, as their wire names.</summary>
public static class LeadStatus
{
    /// <summary>Accepted, waiting for approval.</summary>
    public const string Pending = "pending";
    /// <summary>Approved; distribution is due.</summary>
    public const string Approved = "approved";
    /// <summary>Rejected by an approver.</summary>
    public const string Rejected = "rejected";
    /// <summary>The same contact was seen for this niche within the dedupe window.</summary>
    public const string Duplicate = "duplicate";
    /// <summary>Distributed to at least one provider.</summary>
    public const string Distributed = "distributed";
    /// <summary>Distributed to nobody: no eligible, affordable provider.</summary>
    public const string NoEligible = "no_eligible";
    /// <summary>Distribution attempts exhausted; a dead-letter entry exists.</summary>
    public const string Failed = "failed";
    /// <summary>Never distributed before its time to live ran out.</summary>
    public const string Expired = "expired";

    /// <summary>The status a completed distribution leaves its lead in: distributed with at least one assignment, else no_eligible.</summary>
    public static string AfterDistribution(int assignments) => assignments > 0 ? Distributed : NoEligible;

    /// <summary>True for the states a distribution ends in.</summary>
    public static bool IsDistributionTerminal(string status) => status is Distributed or NoEligible;
}
