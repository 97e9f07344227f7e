namespace LeadGrains.Domain.Distribution;

/// <summary>Why a candidate was passed over, as recorded in a distribution result.</summary>
public static class SkipReasons
{
    public const string InsufficientBalance = "insufficient_balance";
    public const string EligibilityError = "eligibility_error";
    public const string Duplicate = "duplicate";
    public const string SubscriptionInactive = "subscription_inactive";
    public const string ProviderInactive = "provider_inactive";
}
