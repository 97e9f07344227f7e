namespace LeadGrains.Domain.Distribution;

/// <summary>
/// Why a candidate was passed over, as recorded in a distribution result. Inactive subscriptions and
/// providers are not candidates at all (their niche keeps them out of its order), and a lead being
/// distributed has no assignment yet to be a duplicate of; results recorded before the niche decided
/// whole distributions may still name <c>duplicate</c>, <c>subscription_inactive</c> or <c>provider_inactive</c>.
/// </summary>
public static class SkipReasons
{
    public const string InsufficientBalance = "insufficient_balance";
    public const string EligibilityError = "eligibility_error";
    public const string OutsideHours = "outside_hours";
    public const string CapReached = "cap_reached";
    public const string BudgetReached = "budget_reached";
}
