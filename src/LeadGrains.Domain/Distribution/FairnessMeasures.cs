namespace LeadGrains.Domain.Distribution;

/// <summary>
/// How evenly a level's leads went to its providers over a period: the spread (most minus fewest
/// assignments) and Jain's fairness index, (Σx)² / (n·Σx²), which is 1 when everyone received the
/// same and 1/n when one provider received everything.
/// </summary>
public sealed record FairnessMeasures(int Providers, long Assignments, long Spread, double? JainsIndex)
{
    /// <param name="assignmentsPerProvider">Assignments of each provider counted as equally eligible.</param>
    public static FairnessMeasures Of(IReadOnlyCollection<long> assignmentsPerProvider)
    {
        if (assignmentsPerProvider.Count == 0)
        {
            return new FairnessMeasures(0, 0, 0, null);
        }
        var total = assignmentsPerProvider.Sum();
        var sumOfSquares = assignmentsPerProvider.Sum(x => (double)x * x);
        // Nobody received anything: equal, if uneventful.
        var jain = sumOfSquares == 0 ? 1.0 : (double)total * total / (assignmentsPerProvider.Count * sumOfSquares);
        return new FairnessMeasures(assignmentsPerProvider.Count, total, assignmentsPerProvider.Max() - assignmentsPerProvider.Min(), jain);
    }
}
