namespace LeadGrains.Grains.Distribution;

/// <summary>
/// What a niche grain decided for one lead before the database has its say: the pointer it assumed,
/// where the traversal starts, and the levels in traversal order, each with its eligible candidates.
/// The SQL function <c>distribute_leads</c> orders and walks them, charging whom it can.
/// </summary>
/// <param name="ServedAt">When the lead is served: its recipients' new last_received_at. Strictly increasing within a niche.</param>
public sealed record DistributionPlan(
    Guid LeadId,
    Guid NicheId,
    Guid RunId,
    string Actor,
    DateTimeOffset ServedAt,
    int ExpectedPointer,
    int StartLevelOrderPosition,
    int NextPointer,
    IReadOnlyList<PlannedLevel> Levels)
{
    public IReadOnlyList<int> Traversal => Levels.Select(l => l.OrderPosition).ToList();
}

/// <param name="Truncated">The candidate list was cut short; if the level cannot be filled from it the database asks for the rest.</param>
public sealed record PlannedLevel(Guid LevelId, int OrderPosition, int MaxRecipients, long PriceCents, bool Truncated, IReadOnlyList<PlannedCandidate> Candidates);

/// <param name="EligibilityError">The subscription's filter threw on this lead: skipped as <c>eligibility_error</c>.</param>
public sealed record PlannedCandidate(Guid SubscriptionId, Guid ProviderId, bool EligibilityError);
