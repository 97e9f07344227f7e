namespace LeadGrains.Domain.Distribution;

/// <summary>
/// Across-level fairness: which competition level a lead starts at, the order the levels are
/// visited in, and where the niche's pointer moves next. Positions are the
/// <c>order_position</c>s of the niche's active levels, in any order; inactive levels are
/// simply not passed in, so they are skipped without gaps mattering.
/// </summary>
public static class RotationPointer
{
    /// <summary>
    /// The first active position at or after <paramref name="pointer"/>, wrapping to the smallest.
    /// The stored pointer may name a level that has since been deactivated or removed, which is
    /// why this resolves rather than trusts it.
    /// </summary>
    /// <exception cref="ArgumentException">There are no active positions.</exception>
    public static int ResolveStart(IReadOnlyList<int> activePositions, int pointer)
    {
        var positions = Ascending(activePositions);
        foreach (var position in positions)
        {
            if (position >= pointer)
            {
                return position;
            }
        }
        return positions[0];
    }

    /// <summary>
    /// The active positions in circular order beginning at <paramref name="start"/>
    /// (positions 1, 2, 3 from 2 → 2, 3, 1).
    /// </summary>
    /// <exception cref="ArgumentException">There are no active positions, or <paramref name="start"/> is not one of them.</exception>
    public static IReadOnlyList<int> Traversal(IReadOnlyList<int> activePositions, int start)
    {
        var positions = Ascending(activePositions);
        var startIndex = Array.IndexOf(positions, start);
        if (startIndex < 0)
        {
            throw new ArgumentException($"Start position {start} is not an active position.", nameof(start));
        }
        return [.. positions[startIndex..], .. positions[..startIndex]];
    }

    /// <summary>
    /// The pointer value after a lead that started at <paramref name="start"/>: the next active
    /// position after it, wrapping. Applied exactly once per lead.
    /// </summary>
    /// <exception cref="ArgumentException">There are no active positions.</exception>
    public static int Advance(IReadOnlyList<int> activePositions, int start)
    {
        var positions = Ascending(activePositions);
        foreach (var position in positions)
        {
            if (position > start)
            {
                return position;
            }
        }
        return positions[0];
    }

    private static int[] Ascending(IReadOnlyList<int> activePositions)
    {
        ArgumentNullException.ThrowIfNull(activePositions);
        if (activePositions.Count == 0)
        {
            throw new ArgumentException("A niche needs at least one active level to distribute.", nameof(activePositions));
        }
        return [.. activePositions.Distinct().Order()];
    }
}
