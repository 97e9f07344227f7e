namespace LeadGrains.Abstractions.Routing;

/// <summary>The states of a routing submission, as their wire names.</summary>
public static class RoutingStatus
{
    /// <summary>Not routed yet: an attempt is due now or after a retry delay.</summary>
    public const string Pending = "pending";
    /// <summary>Bound for its destination for good; the lead is being moved there.</summary>
    public const string Deciding = "deciding";
    /// <summary>In its destination niche, where the lead's own lifecycle goes on.</summary>
    public const string Routed = "routed";
    /// <summary>The consumer was seen within the dedupe window: not routed again.</summary>
    public const string Duplicate = "duplicate";
    /// <summary>Attempts exhausted: in the routing dead letters for operators.</summary>
    public const string Dead = "dead";
    /// <summary>Dead-lettered, then closed by an operator.</summary>
    public const string Resolved = "resolved";
    /// <summary>Not routed within its time to live.</summary>
    public const string Expired = "expired";

    /// <summary>Every status, for filters.</summary>
    public static readonly string[] All = [Pending, Deciding, Routed, Duplicate, Dead, Resolved, Expired];

    /// <summary>True while routing still has attempts to make.</summary>
    public static bool IsOpen(string status) => status is Pending or Deciding;
}
