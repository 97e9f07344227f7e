namespace LeadGrains.Domain.Returns;

/// <summary>Where a new return request goes: approved at once, or to a person and why.</summary>
public enum ReturnRoute
{
    /// <summary>Within the provider's return-rate limit: approved and refunded at once.</summary>
    AutoApprove,
    /// <summary>Auto-approval is off: every request waits for review.</summary>
    ReviewRequired,
    /// <summary>Auto-approval is on but this request would pass the provider's return-rate limit.</summary>
    RateLimit,
}

/// <summary>The return-rate limit: a provider that returns much, or a large share of what it buys, is reviewed.</summary>
public static class ReturnRouting
{
    /// <param name="rules">The workspace's rules.</param>
    /// <param name="earlierReturnsInPeriod">The provider's returns requested in the rate period before this one, whatever became of them.</param>
    /// <param name="assignmentsInPeriod">The provider's assignments in the rate period.</param>
    public static ReturnRoute Route(ReturnRules rules, int earlierReturnsInPeriod, int assignmentsInPeriod)
    {
        if (!rules.AutoApprove)
        {
            return ReturnRoute.ReviewRequired;
        }
        var returns = (long)earlierReturnsInPeriod + 1;
        var withinCount = returns <= rules.AutoApproveMaxReturns;
        // Integer arithmetic: returns / assignments <= percent / 100, with the assignment being returned counted at least.
        var withinRate = returns * 100 <= (long)rules.AutoApproveMaxRatePercent * Math.Max(assignmentsInPeriod, 1);
        return withinCount && withinRate ? ReturnRoute.AutoApprove : ReturnRoute.RateLimit;
    }
}
