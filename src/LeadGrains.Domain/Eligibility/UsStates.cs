using System.Collections.Frozen;

namespace LeadGrains.Domain.Eligibility;

/// <summary>The state codes leads and filters may use: the 50 states, DC and Puerto Rico.</summary>
public static class UsStates
{
    private static readonly FrozenSet<string> Codes = FrozenSet.Create(StringComparer.Ordinal,
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA",
        "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD",
        "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
        "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC",
        "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
        "DC", "PR");

    /// <summary>True for an upper-case code of the list; callers normalize case first.</summary>
    public static bool IsValid(string code) => code is not null && Codes.Contains(code);
}
