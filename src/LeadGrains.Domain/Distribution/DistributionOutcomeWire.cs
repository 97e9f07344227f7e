namespace LeadGrains.Domain.Distribution;

/// <summary>The snake_case names outcomes have in the API and in stored distribution runs.</summary>
public static class DistributionOutcomeWire
{
    public static string ToWire(this DistributionOutcome outcome) => outcome switch
    {
        DistributionOutcome.Success => "success",
        DistributionOutcome.Partial => "partial",
        DistributionOutcome.NoEligible => "no_eligible",
        DistributionOutcome.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown distribution outcome."),
    };

    public static bool TryParseWire(string? wire, out DistributionOutcome outcome)
    {
        foreach (var candidate in Enum.GetValues<DistributionOutcome>())
        {
            if (candidate.ToWire() == wire)
            {
                outcome = candidate;
                return true;
            }
        }
        outcome = default;
        return false;
    }
}
