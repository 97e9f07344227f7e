namespace LeadGrains.Workload;

/// <summary>The 50 state codes leads come from and subscriptions filter on, in alphabetical order.</summary>
public static class UsStates
{
    public static IReadOnlyList<string> All { get; } =
    [
        "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN", "KS", "KY",
        "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV", "NY",
        "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA", "WI", "WV", "WY",
    ];
}
