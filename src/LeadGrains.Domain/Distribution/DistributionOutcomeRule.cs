namespace LeadGrains.Domain.Distribution;

public static class DistributionOutcomeRule
{
    /// <summary>
    /// Decides the outcome from the number of assignments each traversed level made
    /// (already-made assignments of a resumed distribution included).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public static DistributionOutcome Decide(IReadOnlyList<int> assignmentsPerTraversedLevel)
    {
        ArgumentNullException.ThrowIfNull(assignmentsPerTraversedLevel);
        var total = 0;
        var levelsServed = 0;
        foreach (var assignments in assignmentsPerTraversedLevel)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(assignments, nameof(assignmentsPerTraversedLevel));
            total += assignments;
            if (assignments > 0)
            {
                levelsServed++;
            }
        }

        if (total == 0)
        {
            return DistributionOutcome.NoEligible;
        }
        return levelsServed == assignmentsPerTraversedLevel.Count
            ? DistributionOutcome.Success
            : DistributionOutcome.Partial;
    }
}
